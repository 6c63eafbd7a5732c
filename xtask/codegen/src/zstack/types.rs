//! The typed inventories, data classes and enums of `inventories.tsv`: `generated/types.rs`
//! (re-exports) and `generated/types/<letters>.rs` (the classes whose names start with those
//! letters).
//!
//! Decoding is tolerant, because the premium server adds fields and values the open SDK does not
//! list: every field is an `Option` (missing is fine, unknown fields are ignored), superclass
//! fields are copied into the subclass (no `flatten`), and enums keep an unknown value as
//! `Unrecognized(String)`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::OUT;
use super::model::{Class, Kind};
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, str_lit, type_ident};

/// Most classes in one `types/<letters>.rs`.
const CLASSES_PER_FILE: usize = 70;

/// The model's classes by name, for type references.
#[derive(Debug)]
pub struct Types<'a> {
    by_name: BTreeMap<&'a str, &'a Class>,
}

impl<'a> Types<'a> {
    /// Indexes `classes`.
    pub fn new(classes: &'a [Class]) -> Self {
        Types {
            by_name: classes.iter().map(|c| (c.name.as_str(), c)).collect(),
        }
    }

    /// The Rust type of a model type, inside an `Option`/`Vec` (`boxed` for a direct struct
    /// field, so recursive classes have a size). Paths are absolute (`super::X`,
    /// `serde_json::Value`) so no generated file needs imports.
    pub fn rust(&self, ty: &str, boxed: bool) -> String {
        let ty = ty.trim();
        let (outer, inner) = match ty.split_once('<') {
            Some((o, rest)) => (o, rest.strip_suffix('>').unwrap_or(rest)),
            None => (ty, ""),
        };
        match outer {
            "String" | "java.sql.Timestamp" | "Timestamp" | "Date" | "char" | "Character" => {
                "String".into()
            }
            "Integer" | "int" | "Long" | "long" | "Short" | "short" | "Byte" | "byte" => {
                "i64".into()
            }
            "Boolean" | "boolean" => "bool".into(),
            "Double" | "double" | "Float" | "float" | "BigDecimal" => "f64".into(),
            "List" | "Set" | "ArrayList" | "Collection" | "LinkedList" | "HashSet" => {
                if inner.is_empty() {
                    "Vec<serde_json::Value>".into()
                } else {
                    format!("Vec<{}>", self.rust(inner, false))
                }
            }
            "Map" | "HashMap" | "LinkedHashMap" | "TreeMap" => {
                "serde_json::Map<String, serde_json::Value>".into()
            }
            name => match self.by_name.get(name) {
                Some(c) if c.kind == Kind::Enum => format!("super::{}", type_ident(name)),
                Some(_) if boxed => format!("Box<super::{}>", type_ident(name)),
                Some(_) => format!("super::{}", type_ident(name)),
                None => "serde_json::Value".into(),
            },
        }
    }

    /// A class's fields with its superclasses' fields first (a redeclared name keeps its first
    /// place and takes the subclass's type).
    pub fn all_fields(&self, class: &Class) -> Vec<(String, String)> {
        let mut chain = vec![class];
        let mut cur = class;
        while let Some(parent) = cur.extends.as_deref().and_then(|p| self.by_name.get(p)) {
            if chain.iter().any(|c| c.name == parent.name) {
                break;
            }
            chain.push(parent);
            cur = parent;
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for c in chain.iter().rev() {
            for (name, ty) in &c.fields {
                match out.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = ty.clone(),
                    None => out.push((name.clone(), ty.clone())),
                }
            }
        }
        out
    }
}

/// Rust field names for JSON names, unique within a struct (`_2` on a clash).
pub fn field_names(json: &[(String, String)]) -> Vec<String> {
    let mut seen = BTreeSet::from(["extra".to_string()]);
    json.iter()
        .map(|(n, _)| {
            let base = field_ident(n);
            let mut name = base.clone();
            let mut i = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{i}");
                i += 1;
            }
            name
        })
        .collect()
}

const FIELDS: &str = "crate::native::fields";

/// One struct, with its (de)serialisation through the runtime's `fields` helpers: each field
/// taken from the JSON object by name, the rest kept in `extra`.
pub fn struct_def(types: &Types<'_>, class: &Class) -> String {
    let name = type_ident(&class.name);
    let mut out = String::new();
    let what = match class.extends.as_deref() {
        Some(p) => format!(
            "`{}` of the ZStack SDK (with the fields of its superclass `{p}`).",
            class.name
        ),
        None => format!("`{}` of the ZStack SDK.", class.name),
    };
    out.push_str(&doc(&what));
    out.push_str("#[derive(Debug, Clone, Default)]\n#[non_exhaustive]\n");
    let _ = writeln!(out, "pub struct {name} {{");
    let fields = types.all_fields(class);
    let idents = field_names(&fields);
    for ((json, ty), ident) in fields.iter().zip(&idents) {
        out.push_str(&doc(&format!("`{json}`: `{ty}`.")).replace("///", "    ///"));
        let _ = writeln!(out, "    pub {ident}: Option<{}>,", types.rust(ty, true));
    }
    out.push_str(
        "    /// Fields this SDK does not know (premium additions) and known fields of an \
         unexpected type, as sent.\n",
    );
    out.push_str("    pub extra: serde_json::Map<String, serde_json::Value>,\n}\n\n");
    let _ = writeln!(out, "impl {name} {{");
    out.push_str("    /// Decodes from a JSON object; never fails.\n");
    out.push_str("    pub fn from_map(m: serde_json::Map<String, serde_json::Value>) -> Self {\n");
    let _ = writeln!(out, "        {FIELDS}::from_map(m)\n    }}\n");
    out.push_str("    /// Encodes as a JSON object: the fields that are set, then `extra`.\n");
    out.push_str("    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {\n");
    out.push_str("        let mut m = serde_json::Map::new();\n");
    for ((json, _), ident) in fields.iter().zip(&idents) {
        let _ = writeln!(
            out,
            "        {FIELDS}::put(&mut m, {}, &self.{ident});",
            str_lit(json)
        );
    }
    out.push_str(
        "        for (k, v) in &self.extra {\n            m.insert(k.clone(), v.clone());\n",
    );
    out.push_str("        }\n        m\n    }\n}\n\n");
    let _ = writeln!(out, "impl<'de> serde::Deserialize<'de> for {name} {{");
    out.push_str(
        "    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n",
    );
    let _ = writeln!(out, "        {FIELDS}::deserialize_struct(d)\n    }}\n}}\n");
    out.push_str(&fields_impl(&name, &fields, &idents));
    out.push_str(&lenient_impl(
        &name,
        "read_struct",
        "serde_json::Value::Object(self.to_map())",
    ));
    let _ = writeln!(out, "impl serde::Serialize for {name} {{");
    out.push_str(
        "    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n",
    );
    out.push_str("        serde::Serialize::serialize(&self.to_map(), s)\n    }\n}\n");
    out
}

/// `impl Fields`: the field names the streaming decoder matches, each read with `next`.
fn fields_impl(name: &str, fields: &[(String, String)], idents: &[String]) -> String {
    let mut out = format!("impl {FIELDS}::Fields for {name} {{\n");
    out.push_str(
        "    fn field<'de, A: serde::de::MapAccess<'de>>(\n        &mut self,\n        \
         key: &str,\n        map: &mut A,\n    ) -> Result<bool, A::Error> {\n",
    );
    if fields.is_empty() {
        out.push_str("        let _ = (key, map);\n        Ok(false)\n    }\n\n");
    } else {
        out.push_str("        match key {\n");
        for ((json, _), ident) in fields.iter().zip(idents) {
            let _ = writeln!(
                out,
                "            {} => {FIELDS}::next(map, &mut self.{ident}, &mut self.extra, key)?,",
                str_lit(json)
            );
        }
        out.push_str("            _ => return Ok(false),\n        }\n        Ok(true)\n    }\n\n");
    }
    out.push_str(
        "    fn extra(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {\n        \
         &mut self.extra\n    }\n}\n\n",
    );
    out
}

/// `impl Lenient`: how the type reads as a field of another (`read_struct` or `read_enum`).
fn lenient_impl(name: &str, read: &str, to_json: &str) -> String {
    format!(
        "impl {FIELDS}::Lenient for {name} {{\n    fn read<'de, D: serde::Deserializer<'de>>(\n        \
         d: D,\n    ) -> Result<{FIELDS}::Read<Self>, D::Error> {{\n        \
         {FIELDS}::{read}(d)\n    }}\n\n    fn to_json(&self) -> serde_json::Value {{\n        \
         {to_json}\n    }}\n}}\n\n"
    )
}

/// Variant names for enum values, unique (`_2` on a clash), never `Unrecognized`.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::from(["Unrecognized".to_string()]);
    values
        .iter()
        .map(|v| {
            let base = type_ident(v);
            let mut name = base.clone();
            let mut i = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}{i}");
                i += 1;
            }
            name
        })
        .collect()
}

/// One enum that keeps unknown values.
pub fn enum_def(class: &Class) -> String {
    let name = type_ident(&class.name);
    let variants = variant_names(&class.values);
    let mut out = String::new();
    out.push_str(&doc(&format!(
        "`{}` of the ZStack SDK; a value this SDK does not know is kept as `Unrecognized`.",
        class.name
    )));
    out.push_str(
        "#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n",
    );
    out.push_str("#[serde(from = \"String\", into = \"String\")]\n#[non_exhaustive]\n");
    let _ = writeln!(out, "pub enum {name} {{");
    for (v, var) in class.values.iter().zip(&variants) {
        out.push_str(&doc(&format!("`{v}`.")).replace("///", "    ///"));
        let _ = writeln!(out, "    {var},");
    }
    out.push_str("    /// A value this SDK does not know, as the server sent it.\n");
    out.push_str("    Unrecognized(String),\n}\n\n");
    let _ = writeln!(out, "impl {name} {{");
    out.push_str("    /// The value as the server spells it.\n");
    out.push_str("    pub fn as_str(&self) -> &str {\n        match self {\n");
    for (v, var) in class.values.iter().zip(&variants) {
        let _ = writeln!(out, "            Self::{var} => {},", str_lit(v));
    }
    out.push_str("            Self::Unrecognized(s) => s,\n        }\n    }\n}\n\n");
    let _ = writeln!(out, "impl From<String> for {name} {{");
    out.push_str("    fn from(s: String) -> Self {\n        match s.as_str() {\n");
    for (v, var) in class.values.iter().zip(&variants) {
        let _ = writeln!(out, "            {} => Self::{var},", str_lit(v));
    }
    out.push_str("            _ => Self::Unrecognized(s),\n        }\n    }\n}\n\n");
    let _ = writeln!(out, "impl From<{name}> for String {{");
    let _ = writeln!(out, "    fn from(v: {name}) -> Self {{");
    out.push_str("        match v {\n");
    let _ = writeln!(out, "            {name}::Unrecognized(s) => s,");
    out.push_str("            other => other.as_str().to_string(),\n        }\n    }\n}\n\n");
    out.push_str(&lenient_impl(
        &name,
        "read_enum",
        "serde_json::Value::from(self.as_str())",
    ));
    out
}

/// Splits the classes, sorted by lowercase name, into chunks of at most `per_file`; each chunk
/// is named by the first `letters` letters of its first and last class (`ac_to_ba` for 2).
pub fn chunks(classes: &[Class], per_file: usize, letters: usize) -> Vec<(String, Vec<&Class>)> {
    let mut sorted: Vec<&Class> = classes.iter().collect();
    sorted.sort_by_key(|c| (c.name.to_ascii_lowercase(), c.name.clone()));
    let two = |c: &Class| -> String {
        c.name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(letters)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    sorted
        .chunks(per_file.max(1))
        .map(|list| {
            let (a, b) = match (list.first(), list.last()) {
                (Some(f), Some(l)) => (two(f), two(l)),
                _ => (String::new(), String::new()),
            };
            let name = if a == b { a } else { format!("{a}_to_{b}") };
            (name, list.to_vec())
        })
        .collect()
}

/// `reencode(class, object)`: one non-generic entry to every struct by its model name, for
/// tools and for the test that decodes a sample of every class.
pub fn reencode_fn(classes: &[Class]) -> String {
    let mut out = String::from(
        "\n/// Decodes `m` as the model class named `class` (`VmInstanceInventory`) and encodes it \
         again: the object as this SDK reads it, and the keys that landed in `extra` (unknown, \
         or of an unexpected type). `None` for a name that is not a struct of the model.\n",
    );
    out.push_str(
        "pub fn reencode(\n    class: &str,\n    m: serde_json::Map<String, serde_json::Value>,\n) \
         -> Option<(serde_json::Map<String, serde_json::Value>, Vec<String>)> {\n",
    );
    out.push_str("    match class {\n");
    for c in classes.iter().filter(|c| c.kind == Kind::Class) {
        let _ = writeln!(
            out,
            "        {} => {{\n            let v = {}::from_map(m);\n            \
             Some((v.to_map(), v.extra.keys().cloned().collect()))\n        }}",
            str_lit(&c.name),
            type_ident(&c.name)
        );
    }
    out.push_str("        _ => None,\n    }\n}\n");
    out
}

/// `types.rs` and its chunks.
pub fn files(classes: &[Class]) -> Result<Vec<GeneratedFile>, String> {
    super::check_unique(classes.iter().map(|c| type_ident(&c.name)), "type")?;
    let types = Types::new(classes);
    let parts = chunks(classes, CLASSES_PER_FILE, 2);
    super::check_unique(parts.iter().map(|(n, _)| n.clone()), "types module")?;
    let structs = classes.iter().filter(|c| c.kind == Kind::Class).count();
    let mut root = format!(
        "//! The ZStack SDK's data classes as Rust types: {structs} inventories and other \
         classes, and {} enums, from `crates/zstack/model/inventories.tsv`.\n//!\n\
         //! Decoding is tolerant: every field is optional, unknown fields are kept in `extra`, a \
         superclass's fields are part of the subclass, and an enum keeps a value it does not \
         know as `Unrecognized`.\n\n",
        classes.len() - structs
    );
    for (name, _) in &parts {
        let _ = writeln!(root, "mod {name};");
    }
    root.push('\n');
    for (name, _) in &parts {
        let _ = writeln!(root, "pub use {name}::*;");
    }
    root.push_str(&reencode_fn(classes));
    let mut files = vec![GeneratedFile::new(format!("{OUT}/types.rs"), &root)];
    for (name, members) in &parts {
        let first = members.first().map_or("", |c| c.name.as_str());
        let last = members.last().map_or("", |c| c.name.as_str());
        let mut text = format!("//! ZStack data classes `{first}` to `{last}`.\n");
        for c in members {
            text.push('\n');
            text.push_str(&match c.kind {
                Kind::Class => struct_def(&types, c),
                Kind::Enum => enum_def(c),
            });
        }
        files.push(GeneratedFile::new(format!("{OUT}/types/{name}.rs"), &text));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::super::model::parse_classes;
    use super::*;

    const CLASSES: &str = "class\tkind\textends\tenum_values\tfields_typed\n\
        HostInventory\tclass\t-\t-\tuuid:String;type:String;cpuStatus:HwMonitorStatus;createDate:java.sql.Timestamp\n\
        KVMHostInventory\tclass\tHostInventory\t-\tsshPort:Integer;type:String;vms:List<VmInventory>;tags:List;opaque:Map<String,Object>\n\
        VmInventory\tclass\t-\t-\thost:HostInventory;cause:Nowhere\n\
        HwMonitorStatus\tenum\t-\tNormal|Warning|normal\t-\n";

    #[test]
    fn types_map_to_rust() {
        let classes = parse_classes(CLASSES).unwrap();
        let t = Types::new(&classes);
        assert_eq!(t.rust("List<VmInventory>", true), "Vec<super::VmInventory>");
        assert_eq!(t.rust("HostInventory", true), "Box<super::HostInventory>");
        assert_eq!(t.rust("HwMonitorStatus", true), "super::HwMonitorStatus");
        assert_eq!(t.rust("long", true), "i64");
        assert_eq!(t.rust("List", true), "Vec<serde_json::Value>");
        assert_eq!(t.rust("Nowhere", true), "serde_json::Value");
        let fields = t.all_fields(&classes[1]);
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "uuid",
                "type",
                "cpuStatus",
                "createDate",
                "sshPort",
                "vms",
                "tags",
                "opaque"
            ]
        );
    }

    #[test]
    fn structs_and_enums() {
        let classes = parse_classes(CLASSES).unwrap();
        let t = Types::new(&classes);
        let s = struct_def(&t, &classes[1]);
        assert!(s.contains("pub struct KvmHostInventory {"), "{s}");
        assert!(s.contains("    pub r#type: Option<String>,"), "{s}");
        assert!(
            s.contains(
                "\"type\" => crate::native::fields::next(map, &mut self.r#type, &mut self.extra, key)?,"
            ),
            "{s}"
        );
        assert!(
            s.contains(
                "\"sshPort\" => crate::native::fields::next(map, &mut self.ssh_port, &mut self.extra, key)?,"
            ),
            "{s}"
        );
        assert!(
            s.contains("impl crate::native::fields::Lenient for KvmHostInventory {"),
            "{s}"
        );
        assert!(
            s.contains("crate::native::fields::put(&mut m, \"sshPort\", &self.ssh_port);"),
            "{s}"
        );
        assert!(
            s.contains("    pub extra: serde_json::Map<String, serde_json::Value>,"),
            "{s}"
        );
        assert!(
            s.contains("    pub cpu_status: Option<super::HwMonitorStatus>,"),
            "{s}"
        );
        let e = enum_def(&classes[3]);
        assert!(e.contains("crate::native::fields::read_enum(d)"), "{e}");
        assert!(e.contains("    Normal,\n"), "{e}");
        assert!(e.contains("    Normal2,\n"), "{e}");
        assert!(
            e.contains("            \"normal\" => Self::Normal2,"),
            "{e}"
        );
        assert!(e.contains("Unrecognized(String),"), "{e}");
    }

    #[test]
    fn chunks_by_letter() {
        let classes = parse_classes(CLASSES).unwrap();
        let c = chunks(&classes, 3, 2);
        let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ho_to_kv", "vm"]);
        assert_eq!(c[0].1[1].name, "HwMonitorStatus");
        assert_eq!(
            field_names(&[("a".into(), "x".into()), ("A".into(), "x".into())]),
            ["a", "a_2"]
        );
    }
}
