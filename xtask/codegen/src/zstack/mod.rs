//! ZStack: `crates/zstack/model/{actions,inventories}.tsv` (the whole Java SDK as data) into
//! `crates/zstack/src/generated/`: the operation table behind `omnivirt api` (`api.rs` and
//! `api/<group>.rs`) and the typed inventories and enums (`types.rs` and `types/<chunk>.rs`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::GeneratedFile;
use crate::rust::field_ident;

pub mod model;
pub mod ops;
pub mod results;
pub mod table;
pub mod types;

const ACTIONS: &str = "crates/zstack/model/actions.tsv";
const CLASSES: &str = "crates/zstack/model/inventories.tsv";
/// The output folder.
pub const OUT: &str = "crates/zstack/src/generated";
/// Most operations in one `api/<group>.rs` (a prefix with more stays whole).
const OPS_PER_FILE: usize = 220;

/// Operations of neighbouring path prefixes, written to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The module (and file) name.
    pub module: String,
    /// The first path segments it holds (`vm-instances`).
    pub prefixes: Vec<String>,
}

/// The first segment of a path (`/vm-instances/{uuid}` -> `vm-instances`).
pub fn prefix(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// Packs the actions' path prefixes, in alphabetical order, into groups of at most
/// `per_file` operations (the generator uses `OPS_PER_FILE`); returns the groups and each action's group index.
pub fn group(actions: &[model::Action], per_file: usize) -> (Vec<Group>, Vec<usize>) {
    // Case-insensitive order, so `/VM` sits beside `/vm-instances`.
    let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for a in actions {
        let p = prefix(&a.path);
        *counts.entry((p.to_ascii_lowercase(), p)).or_default() += 1;
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for ((_, p), n) in counts {
        let fits = sizes.last().is_some_and(|s| s + n <= per_file);
        if !fits {
            let mut module = field_ident(p);
            if module.starts_with("r#") || module == "empty" {
                module = format!("{}_api", module.trim_start_matches("r#"));
            }
            groups.push(Group {
                module,
                prefixes: Vec::new(),
            });
            sizes.push(0);
        }
        let last = groups.len() - 1;
        groups[last].prefixes.push(p.to_string());
        sizes[last] += n;
        index.insert(p, last);
    }
    for g in &mut groups {
        if let [_, .., last] = g.prefixes.as_slice() {
            g.module = format!(
                "{}_to_{}",
                g.module.trim_end_matches("_api"),
                field_ident(last).trim_start_matches("r#")
            );
        }
    }
    let of = actions
        .iter()
        .map(|a| index.get(prefix(&a.path)).copied().unwrap_or(0))
        .collect();
    (groups, of)
}

fn read(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("cannot read {rel}: {e}"))
}

/// Reads the model and returns every generated file.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let actions =
        model::parse_actions(&read(root, ACTIONS)?).map_err(|e| format!("{ACTIONS} {e}"))?;
    let classes =
        model::parse_classes(&read(root, CLASSES)?).map_err(|e| format!("{CLASSES} {e}"))?;
    check_unique(
        actions.iter().map(|a| table::const_name(&a.name)),
        "operation const",
    )?;
    let (groups, group_of) = group(&actions, OPS_PER_FILE);
    let mut files = vec![GeneratedFile::new(
        format!("{OUT}/mod.rs"),
        "//! Code generated from `crates/zstack/model/` by `cargo xtask codegen zstack`.\n\n\
         pub mod api;\npub mod ops;\npub mod results;\npub mod types;\n",
    )];
    files.extend(table::files(&groups, &actions, &group_of));
    files.extend(types::files(&classes)?);
    let index = types::Types::new(&classes);
    files.extend(ops::files(&actions, &groups, &group_of, &index)?);
    files.extend(results::files(&actions, &index)?);
    Ok(files)
}

/// Fails when two model names map to the same Rust name.
pub fn check_unique(names: impl Iterator<Item = String>, what: &str) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n.clone()) {
            return Err(format!("two {what}s named `{n}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::model::parse_actions;
    use super::*;

    #[test]
    fn groups_pack_prefixes_in_order() {
        let mut text = String::from(
            "action\thttp_method\tpath\talt_paths\tneeds_session\tneeds_poll\tbody_key\tis_query\tparams_typed\tresult_class\tresult_fields_typed\n",
        );
        for (i, p) in [
            "/zones",
            "/vm-instances/{uuid}",
            "/vm-instances",
            "/type/x",
            "/hosts",
        ]
        .iter()
        .enumerate()
        {
            text.push_str(&format!("A{i}\tGET\t{p}\t-\tyes\tno\t-\tno\t-\t-\t-\n"));
        }
        let actions = parse_actions(&text).unwrap();
        let (groups, of) = group(&actions, 2);
        let names: Vec<&str> = groups.iter().map(|g| g.module.as_str()).collect();
        // hosts+type fit in 2; vm-instances has 2; zones alone.
        assert_eq!(names, vec!["hosts_to_type", "vm_instances", "zones"]);
        assert_eq!(groups[0].prefixes, vec!["hosts", "type"]);
        assert_eq!(of, vec![2, 1, 1, 0, 0]);
        let (groups, _) = group(&actions[3..4], 9);
        assert_eq!(groups[0].module, "type_api");
    }

    #[test]
    fn the_real_model_generates() {
        let files = generate(&crate::workspace_root()).unwrap();
        let api = files
            .iter()
            .find(|f| f.path.ends_with("generated/api.rs"))
            .unwrap();
        let rows = api
            .text
            .lines()
            .filter(|l| l.contains("::") && l.ends_with(','))
            .count();
        assert_eq!(rows, 1905, "one line per action");
        assert!(api.text.contains("::QUERY_VM_INSTANCE,"));
        let methods: usize = files
            .iter()
            .filter(|f| f.path.to_string_lossy().contains("generated/ops/"))
            .map(|f| {
                f.text
                    .matches("-> impl Future<Output = Result<crate::native::Reply>>")
                    .count()
            })
            .sum();
        assert_eq!(methods, 1905, "one typed method per action");
        for f in &files {
            let lines = f.text.lines().count();
            assert!(lines < 8000, "{} has {lines} lines", f.path.display());
        }
    }
}
