//! `<X>WhereInput` schemas as filter builders in the style of the hand-written
//! `native::filter` (whose runtime they use): a JSON map set one field at a time, where a field
//! method returns a handle with exactly the operator suffixes the model lists for it.
//!
//! A struct with an `Option` per key would cost 16,000 fields (450 on `VmWhereInput`) of derive
//! expansion; the builder form has one small method per field instead of per key.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::single_ref;
use crate::rust::{doc, field_ident, str_lit};

/// Operator suffixes a filter key may carry, longest first.
const SUFFIXES: &[&str] = &[
    "not_starts_with",
    "not_ends_with",
    "not_contains",
    "starts_with",
    "ends_with",
    "contains",
    "not_in",
    "not",
    "in",
    "lte",
    "lt",
    "gte",
    "gt",
];

/// Method names the builder itself uses.
const TAKEN: &[&str] = &["new", "and", "or", "not", "into_json", "raw", "is_empty"];

/// The handle a scalar field gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handle {
    /// Strings with `contains` and friends.
    Str,
    /// Strings with comparisons only (timestamps).
    Time,
    /// Numbers (`i32`, `i64`, `f64`).
    Num(&'static str),
    /// Booleans.
    Bool,
    /// An enum, by Rust type name.
    Enum(String),
}

/// One filter's shape.
#[derive(Debug, Clone, Default)]
pub struct WhereSpec {
    /// Scalar fields: `(wire base, method, handle)`.
    pub fields: Vec<(String, String, Handle)>,
    /// To-one relations: `(wire key, method, filter type)`.
    pub one: Vec<(String, String, String)>,
    /// To-many relations: `(wire base, method, filter type)`.
    pub many: Vec<(String, String, String)>,
    /// Has `AND`/`OR`/`NOT`.
    pub combinators: bool,
}

/// Reads a `WhereInput` schema; `idents` maps schema names to Rust names.
pub fn analyse(schema: &Value, idents: &HashMap<String, String>) -> WhereSpec {
    let empty = Map::new();
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut spec = WhereSpec::default();
    let mut methods: BTreeSet<String> = TAKEN.iter().map(|s| s.to_string()).collect();
    let mut method = |wire: &str| {
        let mut m = field_ident(wire);
        if methods.contains(&m) {
            m = format!("{}_field", m.trim_start_matches("r#"));
        }
        let base = m.clone();
        let mut n = 2;
        while !methods.insert(m.clone()) {
            m = format!("{}_{n}", base.trim_start_matches("r#"));
            n += 1;
        }
        m
    };
    let target = |s: &Value| -> Option<String> {
        let r = single_ref(s).or_else(|| s.get("items").and_then(single_ref))?;
        r.ends_with("WhereInput")
            .then(|| idents.get(r).cloned())
            .flatten()
    };
    for (key, s) in props {
        if matches!(key.as_str(), "AND" | "OR" | "NOT") {
            spec.combinators = true;
            continue;
        }
        if let Some(t) = target(s) {
            let many = ["_some", "_every", "_none"]
                .iter()
                .find_map(|suf| key.strip_suffix(suf));
            match many {
                Some(base) => {
                    if !spec.many.iter().any(|(b, _, _)| b == base) {
                        spec.many.push((base.to_string(), method(base), t));
                    }
                }
                None => spec.one.push((key.clone(), method(key), t)),
            }
            continue;
        }
        // A scalar key is a field unless it is `<field>_<suffix>` of another key.
        let is_suffixed = SUFFIXES.iter().any(|suf| {
            key.strip_suffix(suf)
                .and_then(|b| b.strip_suffix('_'))
                .is_some_and(|b| props.contains_key(b))
        });
        if is_suffixed {
            continue;
        }
        let handle = if let Some(e) = single_ref(s).and_then(|r| idents.get(r)) {
            Handle::Enum(e.clone())
        } else {
            match s.get("type").and_then(Value::as_str) {
                Some("string") if props.contains_key(&format!("{key}_contains")) => Handle::Str,
                Some("string") => Handle::Time,
                Some("integer") if s.get("format").and_then(Value::as_str) == Some("int64") => {
                    Handle::Num("i64")
                }
                Some("integer") => Handle::Num("i32"),
                Some("number") => Handle::Num("f64"),
                Some("boolean") => Handle::Bool,
                _ => continue,
            }
        };
        spec.fields.push((key.clone(), method(key), handle));
    }
    spec
}

/// The Rust source of one filter type.
pub fn render(ident: &str, model: &str, spec: &WhereSpec) -> String {
    let mut out = String::new();
    out.push_str(&doc(&format!(
        "`{model}` of the CloudTower model: a filter built one field at a time; each field method returns a handle with exactly the operators the model lists for it (see `crate::filter`)."
    )));
    out.push_str("#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]\n#[serde(transparent)]\n");
    let _ = writeln!(
        out,
        "pub struct {ident}(serde_json::Map<String, serde_json::Value>);\n"
    );
    let fields: Vec<String> = spec.fields.iter().map(|(w, _, _)| str_lit(w)).collect();
    let _ = writeln!(
        out,
        "impl WhereInput for {ident} {{\nconst SCHEMA: &'static str = {};\nconst FIELDS: &'static [&'static str] = &[{}];\nfn as_map(&self) -> &serde_json::Map<String, serde_json::Value> {{\n&self.0\n}}\nfn map_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {{\n&mut self.0\n}}\n}}\n",
        str_lit(model),
        fields.join(", ")
    );
    let _ = writeln!(out, "impl {ident} {{");
    out.push_str("/// An empty filter: matches everything.\n#[inline]\npub fn new() -> Self {\nSelf::default()\n}\n\n");
    out.push_str("/// The object, as sent.\n#[inline]\npub fn into_json(self) -> serde_json::Value {\nserde_json::Value::Object(self.0)\n}\n");
    if spec.combinators {
        for (m, key, what) in [
            ("and", "AND", "All of these match"),
            ("or", "OR", "At least one of these matches"),
            ("not", "NOT", "None of these matches"),
        ] {
            let _ = writeln!(
                out,
                "\n/// {what} (`{key}`).\n#[inline]\npub fn {m}(self, ws: impl IntoIterator<Item = Self>) -> Self {{\ncombine(self, {}, ws)\n}}",
                str_lit(key)
            );
        }
    }
    for (wire, m, h) in &spec.fields {
        let (ty, what) = match h {
            Handle::Str => ("StrField<Self>".to_string(), "string"),
            Handle::Time => ("TimeField<Self>".to_string(), "string (comparisons)"),
            Handle::Num(n) => (format!("NumField<Self, {n}>"), "number"),
            Handle::Bool => ("BoolField<Self>".to_string(), "boolean"),
            Handle::Enum(e) => (format!("EnumField<Self, {e}>"), "enum"),
        };
        let ctor = ty.split('<').next().unwrap_or("StrField");
        let _ = writeln!(
            out,
            "\n/// The `{wire}` {what} field.\n#[inline]\npub fn {m}(self) -> {ty} {{\n{ctor}::new(self, {})\n}}",
            str_lit(wire)
        );
    }
    for (wire, m, t) in &spec.one {
        let _ = writeln!(
            out,
            "\n/// Filters on the related `{wire}`.\n#[inline]\npub fn {m}(self, w: {t}) -> Self {{\nrelated(self, {}, w)\n}}",
            str_lit(wire)
        );
    }
    for (wire, m, t) in &spec.many {
        let _ = writeln!(
            out,
            "\n/// Filters on the related `{wire}` list: `some`, `every` or `none` of them match (`{wire}_some`...).\n#[inline]\npub fn {m}(self, w: Many<{t}>) -> Self {{\nrelated_many(self, {}, w)\n}}",
            str_lit(wire)
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_relations_and_operators() {
        let schema: Value = serde_json::from_str(
            r##"{"type": "object", "properties": {
              "AND": {"type": "array", "items": {"$ref": "#/c/VmWhereInput"}},
              "name": {"type": "string"}, "name_contains": {"type": "string"}, "name_in": {"type": "array", "items": {"type": "string"}},
              "local_created_at": {"type": "string"}, "local_created_at_lt": {"type": "string"},
              "vcpu": {"type": "integer", "format": "int32"}, "vcpu_gt": {"type": "integer", "format": "int32"},
              "memory": {"type": "integer", "format": "int64"},
              "ha": {"type": "boolean"}, "ha_not": {"type": "boolean"},
              "status": {"allOf": [{"$ref": "#/c/VmStatus"}]}, "status_in": {"type": "array", "items": {"$ref": "#/c/VmStatus"}},
              "cluster": {"allOf": [{"$ref": "#/c/ClusterWhereInput"}]},
              "vm_disks_some": {"allOf": [{"$ref": "#/c/VmDiskWhereInput"}]},
              "vm_disks_none": {"allOf": [{"$ref": "#/c/VmDiskWhereInput"}]},
              "new": {"type": "boolean"}
            }}"##,
        )
        .unwrap();
        let idents: HashMap<String, String> = [
            "VmWhereInput",
            "ClusterWhereInput",
            "VmDiskWhereInput",
            "VmStatus",
        ]
        .iter()
        .map(|s| (s.to_string(), s.to_string()))
        .collect();
        let spec = analyse(&schema, &idents);
        assert!(spec.combinators);
        let f: Vec<(&str, &str, &Handle)> = spec
            .fields
            .iter()
            .map(|(w, m, h)| (w.as_str(), m.as_str(), h))
            .collect();
        assert!(f.contains(&("name", "name", &Handle::Str)), "{f:?}");
        assert!(f.contains(&("local_created_at", "local_created_at", &Handle::Time)));
        assert!(f.contains(&("vcpu", "vcpu", &Handle::Num("i32"))));
        assert!(f.contains(&("memory", "memory", &Handle::Num("i64"))));
        assert!(f.contains(&("status", "status", &Handle::Enum("VmStatus".into()))));
        assert!(f.contains(&("new", "new_field", &Handle::Bool)));
        assert_eq!(f.len(), 7, "{f:?}");
        assert_eq!(
            spec.one,
            [(
                "cluster".into(),
                "cluster".into(),
                "ClusterWhereInput".into()
            )]
        );
        assert_eq!(
            spec.many,
            [(
                "vm_disks".into(),
                "vm_disks".into(),
                "VmDiskWhereInput".into()
            )]
        );
        let text = render("VmWhereInput", "VmWhereInput", &spec);
        assert!(
            text.contains(
                "pub fn vcpu(self) -> NumField<Self, i32> {\nNumField::new(self, \"vcpu\")\n}"
            ),
            "{text}"
        );
        assert!(text.contains("pub fn vm_disks(self, w: Many<VmDiskWhereInput>) -> Self {"));
        assert!(text.contains("pub fn and(self, ws: impl IntoIterator<Item = Self>) -> Self {"));
        crate::rustfmt(&text).unwrap();
    }
}
