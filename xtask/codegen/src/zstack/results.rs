//! `generated/results.rs`: the result classes that take one of the two common shapes, as
//! aliases of the runtime's generic `Inventory<T>` (`{"inventory": T}`) and `Inventories<T>`
//! (`{"inventories": [T], "total"}`), which cost no compile time until used; and every other
//! result class with fields as a struct of its own (`generated/results/<letters>.rs`), decoded
//! as tolerantly as the data classes. Only the actions whose result has no payload have no type.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::OUT;
use super::model::{Action, Class, Kind};
use super::types::{Types, chunks, reencode_fn, struct_def};
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

/// The result class of an action whose fields take neither common shape, as a class of its
/// own (`GetVersionResult { version }`).
pub fn own_class(a: &Action, types: &Types<'_>) -> Option<Class> {
    (!a.result_class.is_empty() && !a.result_fields.is_empty() && target(a, types).is_none()).then(
        || Class {
            name: a.result_class.clone(),
            kind: Kind::Class,
            extends: None,
            fields: a.result_fields.clone(),
            values: Vec::new(),
        },
    )
}

/// The name in `results` an action's result decodes as, when it has a payload.
pub fn alias(a: &Action, types: &Types<'_>) -> Option<String> {
    (!a.result_class.is_empty() && (target(a, types).is_some() || !a.result_fields.is_empty()))
        .then(|| type_ident(&a.result_class))
}

/// Most result structs in one `results/<letters>.rs`.
const CLASSES_PER_FILE: usize = 60;

/// `results.rs` (one alias per result class with a common shape, in name order, and the
/// re-exports of the result structs) and the result structs' files.
pub fn files(actions: &[Action], types: &Types<'_>) -> Result<Vec<GeneratedFile>, String> {
    let mut by_class: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    let mut own: BTreeMap<String, (Class, Vec<&str>)> = BTreeMap::new();
    for a in actions {
        if let Some(class) = own_class(a, types) {
            let entry = own
                .entry(class.name.clone())
                .or_insert_with(|| (class.clone(), Vec::new()));
            if entry.0.fields != class.fields {
                return Err(format!(
                    "result class `{}` has two sets of fields",
                    a.result_class
                ));
            }
            entry.1.push(&a.name);
            continue;
        }
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
    super::check_unique(
        by_class
            .keys()
            .cloned()
            .chain(own.keys().map(|c| type_ident(c))),
        "result type",
    )?;
    let classes: Vec<Class> = own.values().map(|(c, _)| c.clone()).collect();
    // Most result classes start with `Get`: name the files by more letters.
    let parts = chunks(&classes, CLASSES_PER_FILE, 6);
    super::check_unique(parts.iter().map(|(n, _)| n.clone()), "results module")?;
    let mut out = format!(
        "//! The results of {} actions as types: aliases of `Inventory<T>` and `Inventories<T>` \
         (`crate::native::results`), and the {} result classes of {} more actions as structs. \
         Decode a finished call's JSON with `serde_json::from_value`.\n\n",
        by_class.values().map(|(_, v)| v.len()).sum::<usize>(),
        own.len(),
        own.values().map(|(_, v)| v.len()).sum::<usize>(),
    );
    for (name, _) in &parts {
        let _ = writeln!(out, "mod {name};");
    }
    out.push('\n');
    for (name, _) in &parts {
        let _ = writeln!(out, "pub use {name}::*;");
    }
    for (name, (target, users)) in &by_class {
        out.push('\n');
        out.push_str(&doc(&format!("The result of {}.", users_text(users))));
        let _ = writeln!(out, "pub type {name} = {target};");
    }
    out.push_str(&reencode_fn(&classes));
    let mut files = vec![GeneratedFile::new(format!("{OUT}/results.rs"), &out)];
    for (name, members) in &parts {
        let first = members.first().map_or("", |c| c.name.as_str());
        let last = members.last().map_or("", |c| c.name.as_str());
        let mut text = format!("//! ZStack result classes `{first}` to `{last}`.\n");
        for c in members {
            let users = own
                .get(&c.name)
                .map(|(_, u)| u.as_slice())
                .unwrap_or_default();
            text.push('\n');
            text.push_str(&doc(&format!("The result of {}.", users_text(users))));
            text.push_str(&absolute(&struct_def(types, c)));
        }
        files.push(GeneratedFile::new(
            format!("{OUT}/results/{name}.rs"),
            &text,
        ));
    }
    Ok(files)
}

/// "`A`, `B`, `C`, ..." for the actions a result belongs to.
fn users_text(users: &[&str]) -> String {
    let shown: Vec<String> = users.iter().take(3).map(|u| format!("`{u}`")).collect();
    let more = if users.len() > 3 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
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
        let other = action(
            "GetVersion",
            &[("version", "String"), ("zone", "ZoneInventory")],
        );
        assert_eq!(alias(&other, &t).as_deref(), Some("GetVersionResult"));
        assert!(own_class(&one, &t).is_none());
        let bare = action("LogOut", &[]);
        assert!(alias(&bare, &t).is_none() && own_class(&bare, &t).is_none());
        let f = files(&[one, many, other, bare], &t).unwrap();
        let root = &f[0].text;
        assert!(root.contains("pub type GetZoneResult = crate::native::results::Inventory<"));
        assert!(root.contains("/// The result of `QueryZone`."));
        assert!(root.contains("\"GetVersionResult\" => {"), "{root}");
        assert!(!root.contains("LogOutResult"));
        let own = &f[1].text;
        assert!(own.contains("/// The result of `GetVersion`."), "{own}");
        assert!(own.contains("pub struct GetVersionResult {"), "{own}");
        assert!(
            own.contains("pub zone: Option<Box<crate::generated::types::ZoneInventory>>,"),
            "{own}"
        );
        assert!(!own.contains("super::"), "{own}");
    }
}
