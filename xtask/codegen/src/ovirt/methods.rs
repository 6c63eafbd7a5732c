//! Typed operation methods (`generated/methods/`): one `async fn` on `Ops` per operation, split by
//! resource group. Every method only builds its path and body and calls one of the few
//! non-generic send functions of `crate::native::typed`, then decodes with the generated reader.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::api::module;
use super::ops::{HREF_VAR, Op};
use super::types::rust_type;
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, str_lit};

/// The method name of each operation (`/vms/{vm}:start` -> `vms_vm_start`), unique.
pub fn method_names(ops: &[Op]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ops.iter()
        .map(|op| {
            let mut s: String = op
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            while s.contains("__") {
                s = s.replace("__", "_");
            }
            let base = s.trim_matches('_').to_string();
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The argument name of a path variable (never one of the method's own names).
fn var_ident(v: &str) -> String {
    match v {
        "query" | "action" | "body" | "path" | "self" => format!("{v}_id"),
        other => field_ident(other),
    }
}

/// The Rust expression of the request path: literal segments and encoded variables.
fn path_expr(op: &Op) -> String {
    let mut fmt = String::new();
    let mut args = Vec::new();
    for seg in op.path.split('/').filter(|s| !s.is_empty()) {
        fmt.push('/');
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(v) if v == HREF_VAR => {
                fmt.push_str("{}");
                args.push(format!("g::href_path({})?", var_ident(v)));
            }
            Some(v) => {
                fmt.push_str("{}");
                args.push(format!("g::segment({})", var_ident(v)));
            }
            None => fmt.push_str(seg),
        }
    }
    if args.is_empty() {
        format!("{}.to_owned()", str_lit(&fmt))
    } else {
        format!("format!({}, {})", str_lit(&fmt), args.join(", "))
    }
}

fn emit_method(out: &mut String, op: &Op, name: &str) {
    let query: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.1 == "query")
        .map(|p| p.0.as_str())
        .collect();
    let action: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.1 == "action")
        .map(|p| p.0.trim_start_matches("action."))
        .collect();
    let mut text = format!(
        "`{}`: `{} {}`. {}",
        op.name,
        op.http,
        op.path,
        super::api::summary(op)
    );
    if !query.is_empty() {
        let _ = write!(text, "\nQuery parameters: `{}`.", query.join("`, `"));
    }
    if !action.is_empty() {
        let _ = write!(
            text,
            "\nAction parameters (fields of `action`): `{}`.",
            action.join("`, `")
        );
    }
    out.push_str(&doc(&text));
    let mut args: Vec<String> = op
        .vars
        .iter()
        .map(|v| format!("{}: &str", var_ident(v)))
        .collect();
    let is_action = op.kind == "action";
    let body = if is_action {
        args.push("action: &Action".into());
        "Some(action.to_xml())".to_string()
    } else if let Some(item) = op.body.strip_suffix("[]") {
        let t = rust_type(item);
        args.push(format!("body: &[{t}]"));
        format!("Some({t}::list_to_xml(body))")
    } else if !op.body.is_empty() {
        args.push(format!("body: &{}", rust_type(&op.body)));
        "Some(body.to_xml())".to_string()
    } else {
        "None".to_string()
    };
    args.push("query: &Query".into());
    let method = match op.http.as_str() {
        "GET" => "Method::GET",
        "PUT" => "Method::PUT",
        "DELETE" => "Method::DELETE",
        _ => "Method::POST",
    };
    let (ret, tail) = if is_action {
        (
            "Action".to_string(),
            format!("self.action({method}, path, query, {body}).await"),
        )
    } else if op.result.is_empty() {
        (
            "()".to_string(),
            format!("self.empty({method}, path, query, {body}).await"),
        )
    } else if let Some(item) = op.result.strip_suffix("[]") {
        let t = rust_type(item);
        (
            format!("Vec<{t}>"),
            format!("{t}::list_from_xml(&self.xml({method}, path, query, {body}).await?)"),
        )
    } else {
        let t = rust_type(&op.result);
        (
            t.clone(),
            format!("{t}::from_xml(&self.xml({method}, path, query, {body}).await?)"),
        )
    };
    let _ = writeln!(
        out,
        "pub async fn {name}(&self, {}) -> Result<{ret}> {{\nlet path = {};\n{tail}\n}}\n",
        args.join(", "),
        path_expr(op)
    );
}

/// The files of `generated/methods/`.
pub fn files(out: &str, ops: &[Op]) -> Vec<GeneratedFile> {
    let names = method_names(ops);
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        groups.entry(op.group()).or_default().push(i);
    }
    let mut m = String::from(
        "//! One typed `async fn` on [`Ops`](crate::native::typed::Ops) per operation of the model,\n\
         //! named after the operation (`/vms/{vm}:start` is `vms_vm_start`).\n\n",
    );
    for g in groups.keys() {
        let _ = writeln!(m, "mod {};", module(g));
    }
    let mut files = vec![GeneratedFile::new(format!("{out}/methods/mod.rs"), &m)];
    for (g, idx) in &groups {
        let mut f = format!(
            "//! Typed methods of the operations under `/{g}`.\n\n\
             use http::Method;\nuse omnivirt_core::Result;\n\n\
             #[allow(unused_imports)]\nuse crate::generated::types::*;\n\
             use crate::native::typed::{{Ops, Query}};\n#[allow(unused_imports)]\nuse crate::wire::gen_support as g;\n\n\
             impl Ops {{\n"
        );
        for &i in idx {
            emit_method(&mut f, &ops[i], &names[i]);
        }
        f.push_str("}\n");
        files.push(GeneratedFile::new(
            format!("{out}/methods/{}.rs", module(g)),
            &f,
        ));
    }
    files
}
