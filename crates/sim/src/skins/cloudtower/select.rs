//! A `get-<x>` query: the candidate objects (narrowed by simple keys so only what a query can
//! return is observed), then `where`, `orderBy` and the cursor arguments.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::ctx::{Ctx, Kind};
use super::filter::cmp_values;
use super::reply::{Fail, bad};
use super::vm_page::VmPage;
use crate::model::SimVm;
use crate::query::{Filter, NameMatch, Paging};

impl Ctx<'_> {
    /// Every object of `kind`, rendered; narrowed first by the simple keys of `where` so that
    /// only the objects a query can return are observed.
    pub(super) fn candidates(&self, kind: Kind, w: &Map<String, Value>) -> Vec<Value> {
        match kind {
            Kind::Vm => {
                let mut f = Filter::new();
                if let Some(ids) = simple_ids(w) {
                    f = f.ids(ids);
                }
                if let Some(n) = w.get("name").and_then(Value::as_str) {
                    f = f.name(NameMatch::Equals(n.to_owned()));
                }
                let vms = if f == Filter::new() {
                    self.all_vms().to_vec()
                } else {
                    self.world.list_vms(&f, &Paging::all()).items
                };
                vms.iter().map(|v| self.render_vm(v)).collect()
            }
            Kind::Host => self.hosts.iter().map(|h| self.render_host(h)).collect(),
            Kind::Cluster => self
                .clusters
                .iter()
                .map(|c| self.render_cluster(c))
                .collect(),
            Kind::Datacenter => vec![self.render_datacenter()],
            Kind::Disk => self.physical_disks(),
            Kind::Alert => self.alerts(),
            Kind::Task => {
                let tasks = match simple_ids(w) {
                    Some(ids) => {
                        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                        self.world.get_tasks(&refs)
                    }
                    None => self.world.list_tasks(&Filter::new(), &Paging::all()).items,
                };
                tasks.iter().map(|t| self.render_task(t)).collect()
            }
            Kind::VmSnapshot => self.snapshots(),
            Kind::IscsiLunSnapshot => self.lun_snapshots(),
            Kind::VmDisk => {
                let mut out = Vec::new();
                for vm in self.vms_for_children(w) {
                    for (i, d) in vm.disk_ids.iter().enumerate() {
                        if let Ok(disk) = self.world.peek_disk(d.as_str()) {
                            out.push(self.render_vm_disk(&vm, &disk, i));
                        }
                    }
                    out.extend(self.render_cd_roms(&vm));
                }
                out
            }
            Kind::VmNic => self
                .vms_for_children(w)
                .iter()
                .flat_map(|v| self.render_nics(v))
                .collect(),
            Kind::VmVolume => {
                let disks = match simple_ids(w) {
                    Some(ids) => {
                        self.world
                            .list_disks(&Filter::new().ids(ids), &Paging::all())
                            .items
                    }
                    None => self.all_disks().to_vec(),
                };
                disks.iter().map(|d| self.render_volume(d)).collect()
            }
            Kind::UserAuditLog => self.audit_logs(),
            Kind::Label => self.labels(),
            Kind::Template | Kind::Vlan | Kind::Vds | Kind::StoragePolicy => {
                self.inventory_candidates(kind)
            }
        }
    }

    /// The VMs whose disk slots or NICs a query may return (`where.vm.id` narrows it).
    pub(super) fn vms_for_children(&self, w: &Map<String, Value>) -> Vec<SimVm> {
        if let Some(id) = w
            .get("vm")
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
        {
            return self.world.peek_vm(id).into_iter().collect();
        }
        self.all_vms().to_vec()
    }
}

pub(super) fn simple_ids(w: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(id) = w.get("id").and_then(Value::as_str) {
        return Some(vec![id.to_owned()]);
    }
    w.get("id_in").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    })
}

pub(super) fn where_of(body: &Value) -> Result<Map<String, Value>, Fail> {
    match body.get("where") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(other) => Err(bad(format!("`where` must be an object, got {other}"))),
    }
}

pub(super) fn int_arg(body: &Value, key: &str) -> Result<Option<usize>, Fail> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(|n| Some(n as usize))
            .ok_or_else(|| bad(format!("`{key}` must be a non-negative integer, got {v}"))),
    }
}

impl Ctx<'_> {
    /// How many objects `select` would return (`get-<x>-connection`).
    pub(super) fn count(&self, kind: Kind, body: &Value) -> Result<usize, Fail> {
        if kind == Kind::Vm
            && let Some(q) = VmPage::of(&where_of(body)?, body)?
        {
            return Ok(self.vm_count(&q));
        }
        Ok(self.select(kind, body)?.len())
    }

    pub(super) fn select(&self, kind: Kind, body: &Value) -> Result<Vec<Value>, Fail> {
        let w = where_of(body)?;
        if kind == Kind::Vm
            && let Some(q) = VmPage::of(&w, body)?
        {
            return Ok(self.vm_page(&q));
        }
        if let Some(page) = self.inventory_page(kind, &w, body)? {
            return Ok(page);
        }
        let mut items = Vec::new();
        for obj in self.candidates(kind, &w) {
            if self.matches(&w, &obj)? {
                items.push(obj);
            }
        }
        if let Some(order) = body.get("orderBy").and_then(Value::as_str) {
            let (field, desc) = if let Some(f) = order.strip_suffix("_DESC") {
                (f, true)
            } else if let Some(f) = order.strip_suffix("_ASC") {
                (f, false)
            } else {
                return Err(bad(format!("orderBy `{order}` must end in _ASC or _DESC")));
            };
            if let Some(first) = items.first()
                && first.get(field).is_none()
            {
                return Err(bad(format!("cannot order by `{field}`")));
            }
            items.sort_by(|a, b| {
                let o = cmp_values(&a[field], &b[field]).unwrap_or(Ordering::Equal);
                if desc { o.reverse() } else { o }
            });
        }
        if let Some(after) = body.get("after").and_then(Value::as_str) {
            items = match items.iter().position(|v| v["id"].as_str() == Some(after)) {
                Some(i) => items.split_off(i + 1),
                None => Vec::new(),
            };
        }
        if let Some(before) = body.get("before").and_then(Value::as_str) {
            if let Some(i) = items.iter().position(|v| v["id"].as_str() == Some(before)) {
                items.truncate(i);
            } else {
                items.clear();
            }
        }
        let skip = int_arg(body, "skip")?.unwrap_or(0);
        if let Some(last) = int_arg(body, "last")? {
            let end = items.len().saturating_sub(skip);
            let start = end.saturating_sub(last);
            return Ok(items[start..end].to_vec());
        }
        let mut items: Vec<Value> = items.into_iter().skip(skip).collect();
        if let Some(first) = int_arg(body, "first")? {
            items.truncate(first);
        }
        Ok(items)
    }
}
