//! The typed model: one Rust type per schema of `components.schemas` (and per inline object or
//! enum inside one), written to `generated/types/<family>_<n>.rs`.
//!
//! - Structs: every field is an `Option` (a tower may omit or null anything, whatever the spec
//!   says is required), unknown fields are ignored, absent fields are not serialised.
//! - Enums keep values the model does not know in an `Other(String)` variant.
//! - Derives follow direction: types reachable from a response get `Deserialize`, types
//!   reachable from a request body get `Serialize`; `Debug`, `Clone` and `Default` everywhere,
//!   nothing else (build time).
//! - A field whose type can contain its own struct again (`VmWhereInput.cluster.vms_some`) is
//!   boxed; only edges inside a reference cycle are.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{Spec, describe, object_fields, ref_name, single_ref};
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, str_lit, type_ident};

/// The Rust type of a field (before the `Option`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    Str,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `serde_json::Value` (free-form objects).
    Json,
    /// A generated type, by Rust name.
    Named(String),
    /// `Vec<T>`.
    List(Box<Ty>),
}

/// One struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The name on the wire.
    pub wire: String,
    /// The Rust identifier.
    pub ident: String,
    /// Its type.
    pub ty: Ty,
    /// The model's type name, for the doc.
    pub model: String,
    /// Required by the model.
    pub required: bool,
}

/// What a generated type is.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A struct.
    Struct(Vec<Field>),
    /// A string enum: `(variant, wire value)`.
    Enum(Vec<(String, String)>),
    /// `pub type X = T;`.
    Alias(Ty),
    /// A `WhereInput` filter builder.
    Where(super::filters::WhereSpec),
}

/// One generated type.
#[derive(Debug, Clone)]
pub struct Def {
    /// Rust name.
    pub ident: String,
    /// The component it belongs to (itself, or the parent of an inline type).
    pub component: String,
    /// What the doc calls it (`Vm`, `Vm.cpu`).
    pub model: String,
    /// The shape.
    pub kind: Kind,
}

/// Reserved names a generated type may not take (they would shadow the prelude).
const RESERVED: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Default", "Clone",
    "Debug", "Value", "Map",
];

struct Builder<'a> {
    schemas: &'a Map<String, Value>,
    idents: HashMap<String, String>,
    taken: BTreeSet<String>,
    defs: Vec<Def>,
}

impl Builder<'_> {
    fn fresh(&mut self, wanted: &str) -> String {
        let mut name = type_ident(wanted);
        if RESERVED.contains(&name.as_str()) {
            name.push_str("Model");
        }
        let base = name.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// The type of `schema`, found at `owner` (Rust name) `.field`; inline objects and enums
    /// become new types named after their place.
    fn ty(&mut self, schema: &Value, owner: &str, field: &str, component: &str) -> Ty {
        if let Some(name) = single_ref(schema) {
            return match self.idents.get(name) {
                Some(ident) => Ty::Named(ident.clone()),
                None => Ty::Json,
            };
        }
        if schema.get("allOf").is_some() || schema.get("properties").is_some_and(is_nonempty) {
            return self.inline_struct(schema, owner, field, component);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let ident = self.fresh(&format!("{owner}_{field}"));
            let values: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            self.defs.push(Def {
                ident: ident.clone(),
                component: component.to_string(),
                model: format!("{component}.{field}"),
                kind: Kind::Enum(variants(&values)),
            });
            return Ty::Named(ident);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let item = schema.get("items").unwrap_or(&Value::Null);
                Ty::List(Box::new(self.ty(
                    item,
                    owner,
                    &format!("{field}_item"),
                    component,
                )))
            }
            Some("string") => Ty::Str,
            Some("integer") => match schema.get("format").and_then(Value::as_str) {
                Some("int64") => Ty::I64,
                _ => Ty::I32,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            _ => Ty::Json,
        }
    }

    fn inline_struct(&mut self, schema: &Value, owner: &str, field: &str, component: &str) -> Ty {
        let ident = self.fresh(&format!("{owner}_{field}"));
        let model = format!("{component}.{field}");
        let fields = self.fields(schema, &ident, component);
        self.defs.push(Def {
            ident: ident.clone(),
            component: component.to_string(),
            model,
            kind: Kind::Struct(fields),
        });
        Ty::Named(ident)
    }

    fn fields(&mut self, schema: &Value, owner: &str, component: &str) -> Vec<Field> {
        let (props, required) = object_fields(self.schemas, schema).unwrap_or_default();
        let mut used = BTreeSet::new();
        let mut out = Vec::new();
        for (wire, s) in props {
            let mut ident = field_ident(&wire);
            let base = ident.clone();
            let mut n = 2;
            while !used.insert(ident.clone()) {
                ident = format!("{}_{n}", base.trim_start_matches("r#"));
                n += 1;
            }
            let ty = self.ty(&s, owner, &wire, component);
            out.push(Field {
                required: required.contains(&wire),
                model: describe(&s),
                ident,
                ty,
                wire,
            });
        }
        out
    }
}

fn is_nonempty(v: &Value) -> bool {
    v.as_object().is_some_and(|m| !m.is_empty())
}

/// Wire spellings whose Rust variant is corrected (the wire value stays as it is).
const VARIANT_RENAMES: &[(&str, &str)] = &[("SUCCESSED", "Succeeded")];

/// The variant name of one enum value: Pascal case per `_`-separated part, an acronym part
/// (`NVMe`, `PMem`) written as one word (`Nvme`, `Pmem`), camelCase parts split
/// (`entityAsyncStatus_ASC` -> `EntityAsyncStatusAsc`).
pub fn variant_ident(value: &str) -> String {
    if let Some((_, to)) = VARIANT_RENAMES.iter().find(|(from, _)| *from == value) {
        return (*to).to_string();
    }
    let mut name = String::new();
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let upper_run = part.chars().take_while(char::is_ascii_uppercase).count();
        let mixed = part.chars().any(|c| c.is_ascii_lowercase());
        if mixed && upper_run >= 2 {
            let mut cs = part.chars();
            if let Some(first) = cs.next() {
                name.push(first);
                name.extend(cs.map(|c| c.to_ascii_lowercase()));
            }
        } else {
            name.push_str(&crate::rust::pascal(part));
        }
    }
    type_ident(&name)
}

/// Variant names for enum values: see [`variant_ident`]; unique.
pub fn variants(values: &[String]) -> Vec<(String, String)> {
    let mut used = BTreeSet::new();
    used.insert("Other".to_string());
    let mut out = Vec::new();
    for v in values {
        let base = variant_ident(v);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, v.clone()));
    }
    out
}

/// Every type of the model, components in document order, each followed by its inline types.
pub fn defs(spec: &Spec) -> Vec<Def> {
    let mut b = Builder {
        schemas: &spec.schemas,
        idents: HashMap::new(),
        taken: BTreeSet::new(),
        defs: Vec::new(),
    };
    let names: Vec<String> = spec.schemas.keys().cloned().collect();
    for name in &names {
        let ident = b.fresh(name);
        b.idents.insert(name.clone(), ident);
    }
    for name in &names {
        let schema = &spec.schemas[name];
        let ident = b.idents[name].clone();
        let kind = if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            Kind::Enum(variants(&values))
        } else if name.ends_with("WhereInput") && schema.get("properties").is_some() {
            Kind::Where(super::filters::analyse(schema, &b.idents))
        } else if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            Kind::Struct(b.fields(schema, &ident, name))
        } else if schema.get("type").and_then(Value::as_str) == Some("object") {
            Kind::Struct(Vec::new())
        } else {
            Kind::Alias(b.ty(schema, &ident, "item", name))
        };
        b.defs.push(Def {
            ident,
            component: name.clone(),
            model: name.clone(),
            kind,
        });
    }
    b.defs
}

/// Which components a request body or a response reaches: `(inputs, outputs)`.
pub fn directions(spec: &Spec) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ins = BTreeSet::new();
    let mut outs = BTreeSet::new();
    for op in &spec.operations {
        if let Some(b) = &op.body {
            refs(b, &mut ins);
        }
        if let Some(r) = &op.result {
            refs(r, &mut outs);
        }
    }
    let (ins, outs) = (closure(spec, ins), closure(spec, outs));
    // Schemas no operation reaches (ErrorBody, unused params): parameters are written, the
    // rest is read.
    let (mut extra_in, mut extra_out) = (BTreeSet::new(), BTreeSet::new());
    for name in spec.schemas.keys() {
        if !ins.contains(name) && !outs.contains(name) {
            if name.contains("Params") {
                extra_in.insert(name.clone());
            } else {
                extra_out.insert(name.clone());
            }
        }
    }
    let ins = ins.union(&closure(spec, extra_in)).cloned().collect();
    let outs = outs.union(&closure(spec, extra_out)).cloned().collect();
    (ins, outs)
}

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.insert(ref_name(r).to_string());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn closure(spec: &Spec, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(s) = spec.schemas.get(&n) {
            let mut next = BTreeSet::new();
            refs(s, &mut next);
            stack.extend(next.into_iter().filter(|x| !seen.contains(x)));
        }
    }
    seen
}

/// The struct fields to box: `(owner, field ident)` pairs whose (unboxed, non-list) type can
/// reach the owner again (Tarjan's strongly connected components over direct edges).
pub fn boxed(defs: &[Def]) -> BTreeSet<(String, String)> {
    let index: HashMap<&str, usize> = defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.ident.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|d| match &d.kind {
            Kind::Struct(fields) => fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Named(n) => index.get(n.as_str()).copied(),
                    _ => None,
                })
                .collect(),
            Kind::Alias(Ty::Named(n)) => index.get(n.as_str()).copied().into_iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let comp = scc(&edges);
    let mut out = BTreeSet::new();
    for (i, d) in defs.iter().enumerate() {
        if let Kind::Struct(fields) = &d.kind {
            for f in fields {
                if let Ty::Named(n) = &f.ty
                    && let Some(&j) = index.get(n.as_str())
                    && comp[j] == comp[i]
                {
                    out.insert((d.ident.clone(), f.ident.clone()));
                }
            }
        }
    }
    out
}

/// Component number of every node (iterative Tarjan).
fn scc(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut ncomp = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*ei) {
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}

/// The Rust spelling of a field type (before the `Option`).
pub fn rust_ty(ty: &Ty) -> String {
    match ty {
        Ty::Str => "String".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Named(n) => n.clone(),
        Ty::List(t) => format!("Vec<{}>", rust_ty(t)),
    }
}

/// Which serde traits a type gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    /// `Serialize` (request side).
    pub ser: bool,
    /// `Deserialize` (response side).
    pub de: bool,
}

/// The Rust source of one type.
pub fn render(def: &Def, traits: Traits, boxed: &BTreeSet<(String, String)>) -> String {
    let mut out = String::new();
    match &def.kind {
        Kind::Struct(fields) => {
            let required: Vec<&str> = fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.wire.as_str())
                .collect();
            let mut text = format!("`{}` of the CloudTower model.", def.model);
            if !required.is_empty() {
                let _ = write!(
                    text,
                    "\n\nThe model requires `{}`; every field is optional here so that a tower that omits one still decodes.",
                    required.join("`, `")
                );
            }
            out.push_str(&doc(&text));
            // Serde impls are written out (not derived): a map loop with one arm per field is
            // a third of the derive's expansion, and these structs hold thousands of fields.
            out.push_str("#[derive(Debug, Clone, Default)]\n");
            let _ = writeln!(out, "pub struct {} {{", def.ident);
            for f in fields {
                let mut fdoc = format!("`{}`: `{}`", f.wire, f.model);
                if f.required {
                    fdoc.push_str(", required by the model");
                }
                fdoc.push('.');
                out.push_str(&doc(&fdoc));
                let mut ty = rust_ty(&f.ty);
                if boxed.contains(&(def.ident.clone(), f.ident.clone())) {
                    ty = format!("Box<{ty}>");
                }
                let _ = writeln!(out, "pub {}: Option<{ty}>,", f.ident);
            }
            out.push_str("}\n");
            if traits.ser {
                let _ = writeln!(
                    out,
                    "\nimpl serde::Serialize for {} {{\nfn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {{",
                    def.ident
                );
                if fields.is_empty() {
                    out.push_str(
                        "serde::ser::SerializeMap::end(s.serialize_map(Some(0))?)\n}\n}\n",
                    );
                } else {
                    out.push_str(
                        "use serde::ser::SerializeMap;\nlet mut m = s.serialize_map(None)?;\n",
                    );
                    for f in fields {
                        let _ = writeln!(
                            out,
                            "if let Some(v) = &self.{} {{\nm.serialize_entry({}, v)?;\n}}",
                            f.ident,
                            str_lit(&f.wire)
                        );
                    }
                    out.push_str("m.end()\n}\n}\n");
                }
            }
            if traits.de {
                let _ = writeln!(
                    out,
                    "\nimpl FromMap for {} {{\nconst NAME: &'static str = {};\n#[inline(always)]\nfn field<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &[u8], m: &mut A) -> ::core::result::Result<(), A::Error> {{",
                    def.ident,
                    str_lit(&def.model)
                );
                if fields.is_empty() {
                    out.push_str("let _ = key;\nskip(m)?;\n");
                } else {
                    let is_boxed =
                        |f: &Field| boxed.contains(&(def.ident.clone(), f.ident.clone()));
                    field_match(&mut out, fields, is_boxed);
                }
                out.push_str("Ok(())\n}\n}\n");
                let _ = writeln!(
                    out,
                    "\nimpl<'de> serde::Deserialize<'de> for {} {{\nfn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {{\nfrom_map(d)\n}}\n}}",
                    def.ident
                );
            }
        }
        Kind::Enum(variants) => {
            out.push_str(&doc(&format!(
                "`{}` of the CloudTower model; values this model does not know are kept in `Other`.",
                def.model
            )));
            out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n");
            let _ = writeln!(out, "pub enum {} {{", def.ident);
            for (v, wire) in variants {
                out.push_str(&doc(&format!("`{wire}`")));
                let _ = writeln!(out, "{v},");
            }
            out.push_str("/// A value this model does not know.\nOther(String),\n}\n\n");
            let _ = writeln!(out, "impl {} {{", def.ident);
            out.push_str("/// The value on the wire.\n#[inline]\npub fn as_str(&self) -> &str {\nmatch self {\n");
            for (v, wire) in variants {
                let _ = writeln!(out, "Self::{v} => {},", str_lit(wire));
            }
            out.push_str("Self::Other(s) => s,\n}\n}\n\n");
            out.push_str("/// The variant for a wire value (`Other` when unknown).\n#[inline]\npub fn from_wire(s: &str) -> Self {\nSelf::known(s.as_bytes()).unwrap_or_else(|| Self::Other(s.to_owned()))\n}\n\n");
            out.push_str("/// The variant of a value this model knows, from its bytes (decoding matches the\n/// bytes of a value before any UTF-8 check).\n#[inline]\npub(crate) fn known(b: &[u8]) -> Option<Self> {\nmatch b {\n");
            for (v, wire) in variants {
                let _ = writeln!(out, "{} => Some(Self::{v}),", byte_lit(wire));
            }
            out.push_str("_ => None,\n}\n}\n\n");
            let known: Vec<String> = variants.iter().map(|(v, _)| format!("Self::{v}")).collect();
            let _ = writeln!(
                out,
                "/// Every value this model knows.\npub const KNOWN: &'static [Self] = &[{}];\n}}\n",
                known.join(", ")
            );
            let _ = writeln!(
                out,
                "impl ::core::fmt::Display for {0} {{\nfn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {{\nf.write_str(self.as_str())\n}}\n}}\n\nimpl From<&str> for {0} {{\nfn from(s: &str) -> Self {{\nSelf::from_wire(s)\n}}\n}}\n",
                def.ident
            );
            let _ = writeln!(
                out,
                "impl serde::Serialize for {} {{\nfn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {{\ns.serialize_str(self.as_str())\n}}\n}}\n",
                def.ident
            );
            let _ = writeln!(
                out,
                "impl<'de> serde::Deserialize<'de> for {} {{\nfn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {{\nwire_enum(d, Self::known, Self::from_wire)\n}}\n}}",
                def.ident
            );
        }
        Kind::Where(spec) => out.push_str(&super::filters::render(&def.ident, &def.model, spec)),
        Kind::Alias(ty) => {
            out.push_str(&doc(&format!("`{}` of the CloudTower model.", def.model)));
            let _ = writeln!(out, "pub type {} = {};", def.ident, rust_ty(ty));
        }
    }
    out
}

/// The `match` from a wire key to its field. Past a few fields the key's length picks a group
/// first (a jump table), so a key is compared with the one or two names of its length instead
/// of with every name in turn.
///
/// A list that is not boxed is read through `List`, which sizes a short array's `Vec` exactly;
/// a string, number or boolean through `Opt`, which takes `null` or the value in one step.
fn field_match(out: &mut String, fields: &[Field], is_boxed: impl Fn(&Field) -> bool) {
    let value = |f: &Field| match f.ty {
        _ if is_boxed(f) => "m.next_value()?",
        Ty::List(_) => "m.next_value::<List<_>>()?.0",
        Ty::Str => "m.next_value::<OptStr>()?.0",
        Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool => "m.next_value::<Opt<_>>()?.0",
        Ty::Json | Ty::Named(_) => "m.next_value()?",
    };
    let arm = |out: &mut String, f: &Field| {
        let _ = writeln!(
            out,
            "{} => self.{} = {},",
            byte_lit(&f.wire),
            f.ident,
            value(f)
        );
    };
    if fields.len() <= 4 {
        out.push_str("match key {\n");
        fields.iter().for_each(|f| arm(out, f));
        out.push_str("_ => skip(m)?,\n}\n");
        return;
    }
    let mut by_len: BTreeMap<usize, Vec<&Field>> = BTreeMap::new();
    for f in fields {
        by_len.entry(f.wire.len()).or_default().push(f);
    }
    out.push_str("match key.len() {\n");
    for (len, group) in by_len {
        let _ = writeln!(out, "{len} => {{");
        for f in group {
            let _ = writeln!(
                out,
                "if key == {} {{\nself.{} = {};\n}} else ",
                byte_lit(&f.wire),
                f.ident,
                value(f)
            );
        }
        out.push_str("{\nskip(m)?;\n}\n}\n");
    }
    out.push_str("_ => skip(m)?,\n}\n");
}

/// A byte string literal of `s`: printable ASCII as is, anything else escaped.
fn byte_lit(s: &str) -> String {
    let mut out = String::from("b\"");
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

/// The family (file name stem) a component's types go to.
pub fn family(component: &str) -> &'static str {
    if component.ends_with("WhereInput") {
        "where_input"
    } else if component.ends_with("OrderByInput") {
        "order_by"
    } else if component.starts_with("WithTask_") || component.starts_with("Delete") {
        "with_task"
    } else if component.starts_with("Nested") {
        "nested"
    } else if component.contains("Params")
        || component.ends_with("RequestBody")
        || component.ends_with("Input")
    {
        "params"
    } else {
        "models"
    }
}

/// Lines (before formatting) a generated file may hold before the next one starts.
const FILE_BUDGET: usize = 4_000;

/// `types/mod.rs` and the family files.
pub fn generate(spec: &Spec, out: &str) -> Result<Vec<GeneratedFile>, String> {
    let all = defs(spec);
    let (ins, outs) = directions(spec);
    let boxes = boxed(&all);
    let mut by_family: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut order: Vec<&Def> = all.iter().collect();
    order.sort_by(|a, b| a.component.cmp(&b.component));
    let traits_of = |def: &Def| match def.kind {
        // Enums are small and shared: both directions always.
        Kind::Enum(_) => Traits {
            ser: true,
            de: true,
        },
        _ => Traits {
            ser: ins.contains(&def.component),
            de: outs.contains(&def.component),
        },
    };
    let (alias_of, merged) = super::support::same_shapes(&order, &boxes, traits_of);
    for def in order {
        let text = match alias_of.get(&def.ident) {
            Some(canon) => super::support::alias(def, canon),
            None => {
                let traits = merged.get(&def.ident).copied().unwrap_or(traits_of(def));
                render(def, traits, &boxes)
            }
        };
        by_family
            .entry(family(&def.component))
            .or_default()
            .push(text);
    }
    let mut files = Vec::new();
    let mut mods = Vec::new();
    for (fam, texts) in by_family {
        let mut chunks: Vec<String> = vec![String::new()];
        for t in texts {
            let cur = chunks.last_mut().ok_or("no chunk")?;
            if !cur.is_empty() && cur.lines().count() + t.lines().count() > FILE_BUDGET {
                chunks.push(String::new());
            }
            let cur = chunks.last_mut().ok_or("no chunk")?;
            cur.push_str(&t);
            cur.push('\n');
        }
        for (n, body) in chunks.into_iter().enumerate() {
            let m = format!("{fam}_{}", n + 1);
            let runtime: Vec<&str> = [
                "BoolField",
                "EnumField",
                "Many",
                "NumField",
                "StrField",
                "TimeField",
                "WhereInput",
                "combine",
                "related",
                "related_many",
            ]
            .into_iter()
            .filter(|name| {
                body.contains(&format!("{name}<"))
                    || body.contains(&format!("{name}::"))
                    || body.contains(&format!("{name}("))
                    || body.contains(&format!("impl {name} for"))
            })
            .collect();
            let uses = if runtime.is_empty() {
                String::new()
            } else {
                format!("use crate::native::filter::{{{}}};\n", runtime.join(", "))
            };
            let text = format!(
                "//! CloudTower model types: {fam}, part {}.\n\nuse super::*;\n{uses}\n{body}",
                n + 1
            );
            files.push(GeneratedFile::new(format!("{out}/{m}.rs"), &text));
            mods.push(m);
        }
    }
    let mut m = String::from(
        "//! Every schema of the CloudTower 4.6.0 model as a Rust type (tolerant decoding: missing\n\
         //! fields are `None`, unknown fields are ignored, unknown enum values are kept in `Other`).\n\n",
    );
    for name in &mods {
        let _ = writeln!(m, "mod {name};");
    }
    m.push('\n');
    for name in &mods {
        let _ = writeln!(m, "pub use {name}::*;");
    }
    m.push_str(super::support::SUPPORT);
    let _ = writeln!(
        m,
        "\n/// How many types this module holds ({} schemas of the model and the inline objects and enums inside them).\npub const TYPE_COUNT: usize = {};",
        spec.schemas.len(),
        all.len()
    );
    files.insert(0, GeneratedFile::new(format!("{out}/mod.rs"), &m));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::super::tests::SMALL;
    use super::*;

    #[test]
    fn types_of_a_small_model() {
        let spec = Spec::parse(SMALL).unwrap();
        let all = defs(&spec);
        let names: Vec<&str> = all.iter().map(|d| d.ident.as_str()).collect();
        assert!(names.contains(&"VmCreationParamsCpu"), "{names:?}");
        assert!(names.contains(&"WithTaskVm"), "{names:?}");
        let boxes = boxed(&all);
        // Where inputs are map builders: no struct edges, nothing boxed.
        assert!(boxes.is_empty(), "{boxes:?}");
        assert!(matches!(
            all.iter().find(|d| d.ident == "VmWhereInput").unwrap().kind,
            Kind::Where(_)
        ));
        let (ins, outs) = directions(&spec);
        assert!(ins.contains("VmWhereInput") && !outs.contains("VmWhereInput"));
        assert!(outs.contains("NestedCluster") && !ins.contains("NestedCluster"));
        let vm = all.iter().find(|d| d.ident == "Vm").unwrap();
        let text = render(
            vm,
            Traits {
                ser: false,
                de: true,
            },
            &boxes,
        );
        assert!(
            text.contains("#[derive(Debug, Clone, Default)]\npub struct Vm {"),
            "{text}"
        );
        // Keys are matched as bytes, grouped by length first.
        assert!(
            text.contains("if key == b\"status\" {\nself.status = m.next_value()?;\n}"),
            "{text}"
        );
        assert!(text.contains("match key.len() {\n2 => {\nif key == b\"id\" {"));
        assert!(text.contains("impl<'de> serde::Deserialize<'de> for Vm {"));
        assert!(!text.contains("impl serde::Serialize for Vm"));
        assert!(text.contains("pub status: Option<VmStatus>,"));
        assert!(text.contains("pub labels: Option<serde_json::Value>,"));
        assert!(text.contains("The model requires `id`, `status`"));
        let p = all.iter().find(|d| d.ident == "VmCreationParams").unwrap();
        let text = render(
            p,
            Traits {
                ser: true,
                de: false,
            },
            &boxes,
        );
        assert!(
            text.contains("if let Some(v) = &self.cpu {\nm.serialize_entry(\"cpu\", v)?;\n}"),
            "{text}"
        );
        assert!(text.contains("pub cpu: Option<VmCreationParamsCpu>,"));
        assert!(text.contains("pub tags: Option<Vec<String>>,"));
        crate::rustfmt(&text).unwrap();
        let e = all.iter().find(|d| d.ident == "VmStatus").unwrap();
        let text = render(
            e,
            Traits {
                ser: true,
                de: true,
            },
            &boxes,
        );
        assert!(text.contains("NvmeSsd,"), "{text}");
        assert!(text.contains("b\"NVMe_SSD\" => Some(Self::NvmeSsd),"));
        assert!(text.contains("wire_enum(d, Self::known, Self::from_wire)"));
        assert!(text.contains("Other(String),"));
        crate::rustfmt(&text).unwrap();
    }

    #[test]
    fn only_cycle_edges_are_boxed() {
        let strukt = |ident: &str, fields: &[(&str, Ty)]| Def {
            ident: ident.into(),
            component: ident.into(),
            model: ident.into(),
            kind: Kind::Struct(
                fields
                    .iter()
                    .map(|(f, ty)| Field {
                        wire: f.to_string(),
                        ident: f.to_string(),
                        ty: ty.clone(),
                        model: String::new(),
                        required: false,
                    })
                    .collect(),
            ),
        };
        let named = |n: &str| Ty::Named(n.into());
        let defs = [
            strukt("A", &[("b", named("B")), ("leaf", named("Leaf"))]),
            strukt(
                "B",
                &[("a", named("A")), ("list", Ty::List(Box::new(named("B"))))],
            ),
            strukt("Leaf", &[("x", Ty::Str)]),
            strukt("SelfRef", &[("me", named("SelfRef"))]),
        ];
        let boxes = boxed(&defs);
        let want: BTreeSet<(String, String)> = [("A", "b"), ("B", "a"), ("SelfRef", "me")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(boxes, want);
    }

    #[test]
    fn byte_literals_escape_what_is_not_printable_ascii() {
        assert_eq!(byte_lit("entityAsyncStatus"), "b\"entityAsyncStatus\"");
        assert_eq!(byte_lit("a\"b\\c"), "b\"a\\\"b\\\\c\"");
        assert_eq!(byte_lit("é\n"), "b\"\\xc3\\xa9\\x0a\"");
    }

    #[test]
    fn variant_spellings() {
        assert_eq!(variant_ident("RUNNING"), "Running");
        assert_eq!(variant_ident("NVMe_SSD"), "NvmeSsd");
        assert_eq!(variant_ident("PMem"), "Pmem");
        assert_eq!(variant_ident("KBps"), "Kbps");
        assert_eq!(
            variant_ident("entityAsyncStatus_ASC"),
            "EntityAsyncStatusAsc"
        );
        assert_eq!(
            variant_ident("REPLICA_2_THIN_PROVISION"),
            "Replica2ThinProvision"
        );
        assert_eq!(variant_ident("SUCCESSED"), "Succeeded");
        assert_eq!(variant_ident("en-US"), "EnUs");
        assert_eq!(variant_ident("*"), "Empty");
    }

    #[test]
    fn variant_names_are_unique() {
        let v = variants(&["Bps".into(), "BPS".into(), "Other".into(), "_2_X".into()]);
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Bps", "Bps2", "Other2", "V2X"]);
    }

    #[test]
    fn whole_small_model_compiles_as_rust_syntax() {
        let spec = Spec::parse(SMALL).unwrap();
        let files = generate(&spec, "out").unwrap();
        assert!(files[0].text.contains("pub use models_1::*;"));
        for f in &files {
            crate::rustfmt(&f.text).unwrap();
        }
    }
}
