//! A VM spec's tags as CloudTower labels.
//!
//! A neutral tag `key` is the label with that key and no value; `key=value` is the label with
//! that key and value (reading a VM's `labels` gives the same text back, see
//! [`crate::convert::label_tag`]). Labels are tower objects: the backend finds each with one
//! `get-labels` (`key_in`), creates those that do not exist (`create-label`), then puts them
//! all on the VM with one `add-labels-to-resources`.

use omnivirt_core::{Error, Op, Result};
use serde_json::json;

use super::CloudTowerBackend;
use crate::VENDOR;
use crate::generated::types::{
    AddLabelsToResourcesParams, AddLabelsToResourcesParamsData, GetLabelsRequestBody, Label,
    LabelCreationParams, LabelWhereInput, VmWhereInput,
};
use crate::native::filter::WhereInput;

/// The key and value of a tag; `None` for a tag with an empty key.
fn key_value(tag: &str) -> Option<(&str, Option<&str>)> {
    let (k, v) = match tag.split_once('=') {
        Some((k, v)) => (k, Some(v).filter(|v| !v.is_empty())),
        None => (tag, None),
    };
    (!k.is_empty()).then_some((k, v))
}

/// Refuses, before any request, a tag that cannot be a label.
pub(super) fn check_tags(tags: &[String]) -> Result<()> {
    match tags.iter().find(|t| key_value(t).is_none()) {
        Some(t) => Err(Error::invalid_input(format!(
            "tag `{t}` has an empty label key (CloudTower labels are `key` or `key=value`)"
        ))
        .with_vendor(VENDOR)
        .with_op(Op::VmCreateTags)),
        None => Ok(()),
    }
}

fn same(label: &Label, key: &str, value: Option<&str>) -> bool {
    label.key.as_deref() == Some(key) && label.value.as_deref().filter(|v| !v.is_empty()) == value
}

impl CloudTowerBackend {
    /// Puts `tags` on VM `vm` as labels, creating the labels that do not exist yet.
    pub(super) async fn label_vm(&self, vm: &str, tags: &[String]) -> Result<()> {
        let wanted: Vec<(&str, Option<&str>)> = tags.iter().filter_map(|t| key_value(t)).collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let ops = self.client.ops();
        let keys: Vec<&str> = wanted.iter().map(|(k, _)| *k).collect();
        let find = GetLabelsRequestBody {
            r#where: Some(LabelWhereInput::default().raw("key_in", json!(keys))),
            ..GetLabelsRequestBody::default()
        };
        let known = ops
            .get_labels(&find)
            .await
            .map_err(|e| e.with_op(Op::VmCreateTags))?;
        let mut ids: Vec<String> = Vec::new();
        let mut missing: Vec<LabelCreationParams> = Vec::new();
        for (k, v) in &wanted {
            match known
                .iter()
                .find(|l| same(l, k, *v))
                .and_then(|l| l.id.clone())
            {
                Some(id) => ids.push(id),
                None => missing.push(LabelCreationParams {
                    key: Some((*k).to_owned()),
                    value: v.map(str::to_owned),
                }),
            }
        }
        if !missing.is_empty() {
            let created = ops
                .create_label(&missing)
                .await
                .map_err(|e| e.with_op(Op::VmCreateTags))?;
            for w in created {
                let id = w.data.and_then(|l| l.id).ok_or_else(|| {
                    Error::protocol("create-label answered a label without an id")
                        .with_vendor(VENDOR)
                        .with_op(Op::VmCreateTags)
                })?;
                ids.push(id);
            }
        }
        let put = AddLabelsToResourcesParams {
            r#where: Some(LabelWhereInput::default().raw("id_in", json!(ids))),
            data: Some(AddLabelsToResourcesParamsData {
                vms: Some(VmWhereInput::default().raw("id", json!(vm))),
                ..AddLabelsToResourcesParamsData::default()
            }),
        };
        ops.add_labels_to_resources(&put)
            .await
            .map_err(|e| e.with_op(Op::VmCreateTags))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_keys_or_key_value_pairs() {
        assert_eq!(key_value("web"), Some(("web", None)));
        assert_eq!(key_value("env=prod"), Some(("env", Some("prod"))));
        assert_eq!(key_value("env="), Some(("env", None)));
        assert_eq!(key_value("=prod"), None);
        assert!(check_tags(&["ok".into(), "a=b".into()]).is_ok());
        let e = check_tags(&["=x".into()])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("`=x`"), "{e}");
    }
}
