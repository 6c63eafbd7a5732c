//! One typed method per operation on `native::Ops` (`client.ops().get_vms(&body)`), written to
//! `generated/ops/part_<n>.rs`, grouped by the model's tags. Every method encodes its body,
//! calls the one non-generic `Ops::send` and decodes the answer: no per-operation HTTP code.
//!
//! The six `multipart/form-data` uploads get no method (they need streamed files, not JSON).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::types::{Def, defs};
use super::{Operation, Spec, single_ref};
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, str_lit};

/// Lines (before formatting) a generated file may hold before the next one starts.
const FILE_BUDGET: usize = 2_500;

/// Schema name -> Rust type name, for the components.
pub fn idents(all: &[Def]) -> HashMap<String, String> {
    all.iter()
        .filter(|d| d.model == d.component)
        .map(|d| (d.component.clone(), d.ident.clone()))
        .collect()
}

/// The Rust type of a body or answer schema, if it has one.
pub fn rust_type(schema: &Value, idents: &HashMap<String, String>) -> Option<String> {
    if let Some(name) = single_ref(schema) {
        return idents.get(name).cloned();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => rust_type(schema.get("items")?, idents).map(|t| format!("Vec<{t}>")),
        Some("string") => Some("String".into()),
        Some("integer") => Some("i64".into()),
        Some("number") => Some("f64".into()),
        Some("boolean") => Some("bool".into()),
        Some("object") if schema.get("properties").is_none() => Some("serde_json::Value".into()),
        _ => None,
    }
}

/// The method of one operation (`None` for multipart uploads).
pub fn method(op: &Operation, idents: &HashMap<String, String>) -> Option<String> {
    if op.multipart {
        return None;
    }
    let name = field_ident(&op.name);
    let answer = op
        .result
        .as_ref()
        .and_then(|r| rust_type(r, idents))
        .unwrap_or_else(|| "serde_json::Value".into());
    let get = op.method == "GET";
    let mut text = format!(
        "`{} {}` (`{}`, group `{}`)",
        op.method, op.path, op.operation_id, op.tag
    );
    if !op.body_type.is_empty() {
        let _ = write!(text, ": body `{}`", op.body_type);
    }
    if !op.result_type.is_empty() {
        let _ = write!(text, ", answer `{}`", op.result_type);
    }
    text.push('.');
    if op.is_async {
        text.push_str("\n\nAsynchronous: each item carries the `task_id` to wait for.");
    }
    if op.not_modified {
        text.push_str("\n\nAn empty answer (304, nothing changed) decodes as an empty list.");
    }
    if op.name.starts_with("get-") || get {
        text.push_str("\n\nA query: the retry policy may repeat it.");
    } else {
        text.push_str("\n\nA mutation: never repeated by the retry policy.");
    }
    if op.deprecated {
        text.push_str("\n\nDeprecated by the model.");
    }
    let lit = str_lit(&op.name);
    let (args, send) = if get {
        if op.params.is_empty() {
            (String::new(), format!("self.send({lit}, true, &[], None)"))
        } else {
            let names: Vec<String> = op.params.iter().map(|p| format!("`{}`", p.name)).collect();
            let _ = write!(text, "\n\nQuery parameters: {}.", names.join(", "));
            (
                ", query: &[(String, String)]".to_string(),
                format!("self.send({lit}, true, query, None)"),
            )
        }
    } else {
        match &op.body {
            None => (
                String::new(),
                format!("self.send({lit}, false, &[], Some(b\"{{}}\".to_vec()))"),
            ),
            Some(schema) => {
                let ty = rust_type(schema, idents)?;
                let arg = match ty.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
                    Some(item) => format!("[{item}]"),
                    None => ty,
                };
                (
                    format!(", body: &{arg}"),
                    format!("self.send({lit}, false, &[], encode({lit}, body)?)"),
                )
            }
        }
    };
    let mut out = doc(&text);
    let _ = writeln!(
        out,
        "pub async fn {name}(&self{args}) -> Result<{answer}> {{\nlet bytes = {send}.await?;\ndecode({lit}, &bytes)\n}}"
    );
    Some(out)
}

/// `ops/mod.rs` and the parts.
pub fn generate(spec: &Spec, out: &str) -> Result<Vec<GeneratedFile>, String> {
    let ids = idents(&defs(spec));
    let mut ops: Vec<&Operation> = spec.operations.iter().collect();
    ops.sort_by(|a, b| (&a.tag, &a.name).cmp(&(&b.tag, &b.name)));
    let mut parts: Vec<(String, String, String)> = Vec::new();
    let mut skipped = Vec::new();
    for op in ops {
        let Some(m) = method(op, &ids) else {
            skipped.push(op.name.clone());
            continue;
        };
        let start_new = parts
            .last()
            .is_none_or(|(_, _, body)| body.lines().count() + m.lines().count() > FILE_BUDGET);
        if start_new {
            parts.push((op.tag.clone(), op.tag.clone(), String::new()));
        }
        let last = parts.last_mut().ok_or("no part")?;
        last.1 = op.tag.clone();
        last.2.push('\n');
        last.2.push_str(&m);
    }
    let mut files = Vec::new();
    let mut mods = Vec::new();
    for (n, (first, last, body)) in parts.iter().enumerate() {
        let m = format!("part_{}", n + 1);
        let encode = if body.contains("encode(") {
            "use crate::native::ops::{decode, encode};"
        } else {
            "use crate::native::ops::decode;"
        };
        let text = format!(
            "//! Typed operations, groups `{first}` to `{last}`.\n\n\
             use omnivirt_core::Result;\n\n\
             use crate::generated::types::*;\n\
             use crate::native::Ops;\n\
             {encode}\n\n\
             impl Ops<'_> {{{body}}}\n"
        );
        files.push(GeneratedFile::new(format!("{out}/{m}.rs"), &text));
        mods.push(m);
    }
    let mut m = String::from(
        "//! One typed method per operation of the model on [`Ops`](crate::native::Ops)\n\
         //! (`client.ops()`), grouped by the model's tags.\n",
    );
    let _ = writeln!(
        m,
        "//!\n//! Not generated (multipart uploads, use `api::call` or the native face): {}.\n",
        skipped.join(", ")
    );
    for name in &mods {
        let _ = writeln!(m, "mod {name};");
    }
    files.insert(0, GeneratedFile::new(format!("{out}/mod.rs"), &m));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::super::tests::SMALL;
    use super::*;

    #[test]
    fn methods_of_a_small_model() {
        let spec = Spec::parse(SMALL).unwrap();
        let ids = idents(&defs(&spec));
        let get = method(&spec.operations[0], &ids).unwrap();
        assert!(get.contains("pub async fn get_vms(&self, body: &GetVmsRequestBody) -> Result<Vec<Vm>> {\nlet bytes = self.send(\"get-vms\", false, &[], encode(\"get-vms\", body)?).await?;\ndecode(\"get-vms\", &bytes)\n}"), "{get}");
        assert!(get.contains("A query"));
        let create = method(&spec.operations[1], &ids).unwrap();
        assert!(create.contains("pub async fn create_vm(&self, body: &[VmCreationParams]) -> Result<Vec<WithTaskVm>>"), "{create}");
        assert!(create.contains("never repeated") && create.contains("task_id"));
        let changes = method(&spec.operations[2], &ids).unwrap();
        assert!(changes.contains("pub async fn resource_changes(&self, query: &[(String, String)]) -> Result<serde_json::Value>"), "{changes}");
        assert!(method(&spec.operations[3], &ids).is_none(), "multipart");
        let files = generate(&spec, "out").unwrap();
        assert!(files[0].text.contains("upload-elf-image"));
        for f in &files {
            crate::rustfmt(&f.text).unwrap();
        }
    }
}
