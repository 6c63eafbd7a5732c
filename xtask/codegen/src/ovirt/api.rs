//! The operation table (`generated/api/`): `OPERATIONS` in `mod.rs`, the parameter lists of
//! each resource group (first path segment) in a file of their own.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::ops::Op;
use crate::GeneratedFile;
use crate::rust::{OpExpr, doc, str_lit};

/// The `NAME_PARAMS` constant of each operation, unique.
pub fn const_names(ops: &[Op]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ops.iter()
        .map(|op| {
            let mut base: String = op
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            while base.contains("__") {
                base = base.replace("__", "_");
            }
            let base = base.trim_matches('_').to_string();
            let base = if base.is_empty() { "ROOT".into() } else { base };
            let mut name = format!("{base}_PARAMS");
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{n}_PARAMS");
                n += 1;
            }
            name
        })
        .collect()
}

/// The files of `generated/api/`.
pub fn files(out: &str, ops: &[Op]) -> Vec<GeneratedFile> {
    let consts = const_names(ops);
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        groups.entry(op.group()).or_default().push(i);
    }
    let mut m = String::new();
    m.push_str(
        "//! Every oVirt operation as data: the table behind `omnivirt api` for oVirt, one entry per\n\
         //! method of the model and path of its service, named `<path template>:<method>`.\n\n\
         use omnivirt_core::api::ApiOperation;\n\n",
    );
    for g in groups.keys() {
        let _ = writeln!(m, "mod {};", module(g));
    }
    let _ = writeln!(
        m,
        "\n/// Every operation of `crates/ovirt/model/services.json` ({} methods, {} path operations), in service, path\n/// (shortest first) then method order.\npub static OPERATIONS: &[ApiOperation] = &[",
        ops.iter()
            .map(|o| (o.service.as_str(), o.method.as_str()))
            .collect::<BTreeSet<_>>()
            .len(),
        ops.len()
    );
    for (op, c) in ops.iter().zip(&consts) {
        let summary = summary(op);
        let expr = OpExpr {
            name: &op.name,
            method: &op.http,
            path: &op.path,
            params: Some(format!("{}::{c}", module(&op.group()))),
            result: &op.result,
            body: &op.body,
            is_async: op.is_async,
            summary: &summary,
        }
        .render();
        let _ = writeln!(m, "{expr},");
    }
    m.push_str("];\n\n");
    m.push_str(
        "/// Actions whose result is one child of the answered `<action>`: `(operation, child tag)`.\n\
         pub static ACTION_RESULTS: &[(&str, &str)] = &[\n",
    );
    for op in ops {
        if let Some(member) = &op.action_member {
            let _ = writeln!(m, "({}, {}),", str_lit(&op.name), str_lit(member));
        }
    }
    m.push_str("];\n");
    let mut files = vec![GeneratedFile::new(format!("{out}/api/mod.rs"), &m)];
    for (g, idx) in &groups {
        let mut f = String::new();
        let _ = writeln!(
            f,
            "//! Parameters of the operations under `/{g}`.\n\nuse omnivirt_core::api::{{ApiParam, ParamIn}};\n"
        );
        for &i in idx {
            let op = &ops[i];
            f.push_str(&doc(&format!("Parameters of `{}`.", op.name)));
            let _ = writeln!(f, "pub(super) const {}: &[ApiParam] = &[", consts[i]);
            for (name, loc, ty, required) in &op.params {
                let loc = match *loc {
                    "path" => "Path",
                    "query" => "Query",
                    "action" => "Action",
                    _ => "Body",
                };
                let _ = write!(
                    f,
                    "ApiParam::new({}, ParamIn::{loc}, {})",
                    str_lit(name),
                    str_lit(ty)
                );
                if *required {
                    f.push_str(".required()");
                }
                f.push_str(",\n");
            }
            f.push_str("];\n\n");
        }
        files.push(GeneratedFile::new(
            format!("{out}/api/{}.rs", module(g)),
            &f,
        ));
    }
    files
}

/// The module name of a resource group.
pub fn module(group: &str) -> String {
    let m: String = group
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("g_{m}")
}

/// One line: what kind of call, on which service.
pub fn summary(op: &Op) -> String {
    let what = match op.kind.as_str() {
        "get" => "Reads the object",
        "list" => "Lists the collection",
        "add" => "Adds to the collection",
        "update" => "Updates the object",
        "remove" => "Removes the object",
        _ => "Runs the action",
    };
    format!("{what} ({}.{}).", op.service, op.method)
}
