//! Labels: `get-labels`, `create-label`, `add-labels-to-resources`, and each VM's `labels`.
//!
//! A label is a key with an optional value; the World keeps tags as text, so a label is the
//! tag `key` (no value) or `key=value`, and its id is derived from that text: one label, one
//! id. Labels created before any VM carries them are defined tags of the World.

use serde::Serialize;
use serde_json::{Value, json};

use super::ctx::{Ctx, Kind};
use super::reply::{Fail, bad, sim_fail};
use crate::model::SimVm;

/// The tag a label stands for.
fn tag_of(key: &str, value: Option<&str>) -> String {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => format!("{key}={v}"),
        None => key.to_owned(),
    }
}

/// The key and value of a tag.
fn split(tag: &str) -> (&str, Option<&str>) {
    match tag.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (tag, None),
    }
}

/// A cuid-like id for the label of `tag` (25 characters, `c` then base-36 of a hash).
pub(super) fn label_id(tag: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in tag.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mut out = String::from("c");
    while out.len() < 25 {
        let d = u32::try_from(h % 36).unwrap_or(0);
        out.push(char::from_digit(d, 36).unwrap_or('0'));
        h /= 36;
    }
    out
}

/// One of a VM's `labels` (a `NestedLabel`).
#[derive(Serialize)]
pub(super) struct NestedLabel<'a> {
    pub(super) id: String,
    pub(super) key: &'a str,
    pub(super) value: Option<&'a str>,
}

/// A VM's `labels`.
pub(super) fn nested_labels(vm: &SimVm) -> Vec<NestedLabel<'_>> {
    vm.tags
        .iter()
        .map(|t| {
            let (key, value) = split(t);
            NestedLabel {
                id: label_id(t),
                key,
                value,
            }
        })
        .collect()
}

impl Ctx<'_> {
    /// Every label the tower knows, as `Label`s with the VMs that carry each.
    pub(super) fn labels(&self) -> Vec<Value> {
        self.world
            .known_tags()
            .iter()
            .map(|t| {
                let (k, v) = split(t);
                let vms: Vec<Value> = self
                    .all_vms()
                    .iter()
                    .filter(|vm| vm.tags.contains(t))
                    .map(|vm| json!({"id": vm.id.as_str(), "name": vm.name}))
                    .collect();
                json!({
                    "id": label_id(t),
                    "key": k,
                    "value": v,
                    "createdAt": "2026-01-01T00:00:00.000Z",
                    "vm_num": vms.len(),
                    "vms": vms,
                    "cluster_num": 0, "host_num": 0, "vm_template_num": 0,
                    "vm_snapshot_num": 0, "vm_volume_num": 0, "vlan_num": 0, "vds_num": 0,
                    "datastore_num": 0, "isolation_policy_num": 0, "iscsi_lun_num": 0,
                    "iscsi_lun_snapshot_num": 0, "iscsi_target_num": 0, "nfs_export_num": 0,
                    "nfs_inode_num": 0, "nvmf_namespace_num": 0,
                    "nvmf_namespace_snapshot_num": 0, "nvmf_subsystem_num": 0,
                    "consistency_group_num": 0, "consistency_group_snapshot_num": 0,
                    "content_library_image_num": 0, "content_library_vm_template_num": 0,
                    "elf_image_num": 0, "gpu_device_num": 0, "namespace_group_num": 0,
                    "security_policy_num": 0, "total_num": vms.len(),
                })
            })
            .collect()
    }
}

/// `create-label` with `[{key, value?}]`: defines each label (an existing one is answered as
/// it is), one `WithTask_Label` each.
pub(super) fn create_labels(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let items = body
        .as_array()
        .ok_or_else(|| bad("the body must be an array of LabelCreationParams"))?;
    let mut out = Vec::new();
    for p in items {
        let key = p
            .get("key")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| bad("LabelCreationParams.key is required"))?;
        let tag = tag_of(key, p.get("value").and_then(Value::as_str));
        ctx.world.define_tag(&tag);
        let (k, v) = split(&tag);
        out.push(json!({
            "task_id": null,
            "data": {"id": label_id(&tag), "key": k, "value": v, "vm_num": 0, "vms": []},
        }));
    }
    Ok(Value::Array(out))
}

/// `add-labels-to-resources` with `where` (labels) and `data.vms` (a VM where): puts every
/// selected label on every selected VM.
pub(super) fn add_labels(ctx: &Ctx<'_>, body: &Value) -> Result<Value, Fail> {
    let label_where = body.get("where").cloned().unwrap_or_else(|| json!({}));
    let labels = ctx.select(Kind::Label, &json!({ "where": label_where }))?;
    let Some(vms_where) = body.get("data").and_then(|d| d.get("vms")) else {
        return Err(bad("data.vms is required (the simulator labels VMs only)"));
    };
    let vms = ctx.select(Kind::Vm, &json!({"where": vms_where}))?;
    let tags: Vec<String> = labels
        .iter()
        .filter_map(|l| {
            let key = l.get("key")?.as_str()?;
            Some(tag_of(key, l.get("value").and_then(Value::as_str)))
        })
        .collect();
    for vm in &vms {
        let Some(id) = vm.get("id").and_then(Value::as_str) else {
            continue;
        };
        ctx.world
            .update_vm(id, |v| {
                for t in &tags {
                    if !v.tags.contains(t) {
                        v.tags.push(t.clone());
                    }
                }
            })
            .map_err(|e| sim_fail(&e, Some((id, "VM"))))?;
    }
    let answer: Vec<Value> = labels
        .into_iter()
        .map(|mut l| {
            if let Value::Object(m) = &mut l {
                let n = m.get("vm_num").and_then(Value::as_u64).unwrap_or(0);
                m.insert("vm_num".into(), json!(n + vms.len() as u64));
            }
            json!({"task_id": null, "data": l})
        })
        .collect();
    Ok(Value::Array(answer))
}
