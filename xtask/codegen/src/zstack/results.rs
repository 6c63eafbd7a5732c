//! `generated/results.rs`: the result classes that take one of the two common shapes, as
//! aliases of the runtime's generic `Inventory<T>` (`{"inventory": T}`) and `Inventories<T>`
//! (`{"inventories": [T], "total"}`). Aliases cost no compile time until used; other result
//! shapes stay JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::OUT;
use super::model::Action;
use super::types::Types;
use crate::GeneratedFile;
use crate::rust::{doc, type_ident};

const RUNTIME: &str = "crate::native::results";

fn absolute(rust: &str) -> String {
    rust.replace("Box<super::", "Box<crate::generated::types::")
        .replace("super::", "crate::generated::types::")
}

/// The alias's target for an action's result, when it has a common shape.
pub fn target(a: &Action, types: &Types<'_>) -> Option<String> {
    let fields: Vec<(&str, &str)> = a
        .result_fields
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    match fields.as_slice() {
        [("inventory", ty)] => Some(format!(
            "{RUNTIME}::Inventory<{}>",
            absolute(&types.rust(ty, false))
        )),
        [("inventories", ty)] | [("inventories", ty), ("total", _)] => {
            let list = absolute(&types.rust(ty, false));
            let elem = list
                .strip_prefix("Vec<")
                .and_then(|s| s.strip_suffix('>'))
                .unwrap_or("serde_json::Value");
            Some(format!("{RUNTIME}::Inventories<{elem}>"))
        }
        _ => None,
    }
}

/// The alias name of an action's result, when it gets one.
pub fn alias(a: &Action, types: &Types<'_>) -> Option<String> {
    (!a.result_class.is_empty() && target(a, types).is_some()).then(|| type_ident(&a.result_class))
}

/// `results.rs`: one alias per result class with a common shape, in name order.
pub fn file(actions: &[Action], types: &Types<'_>) -> Result<GeneratedFile, String> {
    let mut by_class: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for a in actions {
        let (Some(name), Some(target)) = (alias(a, types), target(a, types)) else {
            continue;
        };
        let entry = by_class
            .entry(name.clone())
            .or_insert_with(|| (target.clone(), Vec::new()));
        if entry.0 != target {
            return Err(format!(
                "result class `{}` has two shapes: {} and {target}",
                a.result_class, entry.0
            ));
        }
        entry.1.push(&a.name);
    }
    let mut out = format!(
        "//! The results of {} actions as types: aliases of `Inventory<T>` and `Inventories<T>` \
         (`crate::native::results`). Decode a finished call's JSON with `serde_json::from_value`.\n",
        by_class.values().map(|(_, v)| v.len()).sum::<usize>()
    );
    for (name, (target, users)) in &by_class {
        let shown: Vec<String> = users.iter().take(3).map(|u| format!("`{u}`")).collect();
        let more = if users.len() > 3 { ", ..." } else { "" };
        out.push('\n');
        out.push_str(&doc(&format!("The result of {}{more}.", shown.join(", "))));
        let _ = writeln!(out, "pub type {name} = {target};");
    }
    Ok(GeneratedFile::new(format!("{OUT}/results.rs"), &out))
}

#[cfg(test)]
mod tests {
    use super::super::model::{Class, parse_classes};
    use super::*;

    fn action(name: &str, fields: &[(&str, &str)]) -> Action {
        Action {
            name: name.into(),
            method: "GET".into(),
            path: "/x".into(),
            alt_paths: vec![],
            needs_session: true,
            needs_poll: false,
            body_key: String::new(),
            is_query: false,
            params: vec![],
            result_class: format!("{name}Result"),
            result_fields: fields
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
        }
    }

    #[test]
    fn common_shapes_become_aliases() {
        let classes: Vec<Class> = parse_classes(
            "class\tkind\textends\tenum_values\tfields_typed\nZoneInventory\tclass\t-\t-\tuuid:String\n",
        )
        .unwrap();
        let t = Types::new(&classes);
        let one = action("GetZone", &[("inventory", "ZoneInventory")]);
        assert_eq!(
            target(&one, &t).unwrap(),
            "crate::native::results::Inventory<crate::generated::types::ZoneInventory>"
        );
        let many = action(
            "QueryZone",
            &[("inventories", "List<ZoneInventory>"), ("total", "Long")],
        );
        assert_eq!(
            target(&many, &t).unwrap(),
            "crate::native::results::Inventories<crate::generated::types::ZoneInventory>"
        );
        let raw = action("QueryX", &[("inventories", "List")]);
        assert!(
            target(&raw, &t)
                .unwrap()
                .ends_with("Inventories<serde_json::Value>")
        );
        let other = action("GetVersion", &[("version", "String")]);
        assert!(alias(&other, &t).is_none());
        let f = file(&[one, many, other], &t).unwrap();
        assert!(
            f.text
                .contains("pub type GetZoneResult = crate::native::results::Inventory<")
        );
        assert!(f.text.contains("/// The result of `QueryZone`."));
        assert!(!f.text.contains("GetVersionResult"));
    }
}
