//! The model as data for the JSON <-> XML bridge behind `api call` (`generated/schema/`): one
//! `TypeInfo` per struct with its element tags and fields, split by the type name's first letter.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::{Attr, Kind, Model, Struct};
use crate::GeneratedFile;
use crate::rust::{doc, str_lit};

/// `(scalar, type name)` of a kind, list items unwrapped.
fn scalar(kind: &Kind) -> (&'static str, Option<&str>, bool) {
    match kind {
        Kind::String => ("String", None, false),
        Kind::Boolean => ("Boolean", None, false),
        Kind::Integer => ("Integer", None, false),
        Kind::Decimal => ("Decimal", None, false),
        Kind::Date => ("Date", None, false),
        Kind::Enum(n) => ("Enum", Some(n), false),
        Kind::Struct(n) => ("Struct", Some(n), false),
        Kind::List(inner) => {
            let (s, n, _) = scalar(inner);
            (s, n, true)
        }
    }
}

/// One field entry: `F::new("name", S::Kind)` with `.of(..)`, `.tag(..)`, `.list(..)`, `.attr()`,
/// `.rel(..)` only where they differ from the default.
pub fn field(a: &Attr) -> String {
    let (s, ty, list) = scalar(&a.kind);
    let mut out = format!("F::new({}, S::{s})", str_lit(&a.name));
    if let Some(ty) = ty {
        let _ = write!(out, ".of({})", str_lit(ty));
    }
    if a.xml_tag != a.name {
        let _ = write!(out, ".tag({})", str_lit(&a.xml_tag));
    }
    if list {
        let item = a.item_tag.clone().unwrap_or_default();
        let _ = write!(out, ".list({})", str_lit(&item));
    }
    if a.xml_attribute {
        out.push_str(".attr()");
    }
    if let Some(rel) = &a.link_rel {
        let _ = write!(out, ".rel({})", str_lit(rel));
    }
    out
}

fn fields_const(s: &Struct) -> String {
    format!(
        "{}_FIELDS",
        crate::rust::snake(&s.name).to_ascii_uppercase()
    )
}

fn letter(s: &Struct) -> String {
    s.name
        .chars()
        .next()
        .map(|c| c.to_ascii_lowercase().to_string())
        .unwrap_or_else(|| "x".into())
}

/// The files of `generated/schema/`.
pub fn files(out: &str, model: &Model) -> Vec<GeneratedFile> {
    let mut by_letter: BTreeMap<String, Vec<&Struct>> = BTreeMap::new();
    for s in &model.structs {
        by_letter.entry(letter(s)).or_default().push(s);
    }
    let mut m = String::from(
        "//! Every struct of the oVirt model as data: element tags and fields, read by the JSON <-> XML\n\
         //! bridge behind `omnivirt api call`.\n\n\
         use crate::wire::schema::TypeInfo;\n\n",
    );
    for l in by_letter.keys() {
        let _ = writeln!(m, "mod t_{l};");
    }
    let _ = writeln!(
        m,
        "\n/// Every struct of `crates/ovirt/model/types.json` ({}), sorted by name.\npub static TYPES: &[TypeInfo] = &[",
        model.structs.len()
    );
    for s in &model.structs {
        let _ = writeln!(
            m,
            "TypeInfo::new({}, {}, {}, t_{}::{}),",
            str_lit(&s.name),
            str_lit(&s.xml_element),
            str_lit(&s.xml_collection),
            letter(s),
            fields_const(s)
        );
    }
    m.push_str("];\n");
    let mut files = vec![GeneratedFile::new(format!("{out}/schema/mod.rs"), &m)];
    for (l, structs) in &by_letter {
        let mut f = String::from(
            "//! Fields of the structs whose name starts with this letter.\n\n\
             use crate::wire::schema::{Field as F, Scalar as S};\n\n",
        );
        for s in structs {
            f.push_str(&doc(&format!("Fields of `{}`, sorted by name.", s.name)));
            let _ = writeln!(f, "pub(super) const {}: &[F] = &[", fields_const(s));
            for a in &s.attrs {
                let _ = writeln!(f, "{},", field(a));
            }
            f.push_str("];\n\n");
        }
        files.push(GeneratedFile::new(format!("{out}/schema/t_{l}.rs"), &f));
    }
    files
}
