//! Typed objects (`generated/types/`): one Rust struct per model struct and one enum per model
//! enum, each struct with a quick-xml event-loop reader and a writer, split by the first letter
//! of the type name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::model::{Attr, Enum, JSON_SECRET_KEYS, Kind, Model, Struct};
use crate::GeneratedFile;
use crate::rust::{doc, field_ident, str_lit, type_ident};

/// The Rust name of a model type; `Option` would shadow the prelude's.
pub fn rust_type(name: &str) -> String {
    match name {
        "Option" => "OptionEntry".into(),
        n => type_ident(n),
    }
}

/// The variants of an enum: `(variant, wire value)`, unique, none called `Other`.
pub fn variants(e: &Enum) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in &e.values {
        let mut name = type_ident(v);
        if name == "Other" {
            name = "OtherValue".into();
        }
        let base = name.clone();
        let mut n = 2;
        while out.iter().any(|(x, _)| *x == name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, v.clone()));
    }
    out
}

fn item_kind(kind: &Kind) -> (&Kind, bool) {
    match kind {
        Kind::List(inner) => (inner, true),
        k => (k, false),
    }
}

/// The Rust type of one value of a kind (lists unwrapped).
fn value_type(kind: &Kind) -> String {
    match kind {
        Kind::String | Kind::Date => "String".into(),
        Kind::Boolean => "bool".into(),
        Kind::Integer => "i64".into(),
        Kind::Decimal => "f64".into(),
        Kind::Enum(n) | Kind::Struct(n) => rust_type(n),
        Kind::List(inner) => format!("Vec<{}>", value_type(inner)),
    }
}

/// The model's identified structs (an `id` and a `name`): what a single-valued field of
/// theirs holds is a reference, `Linked<T>`.
pub type Identified = BTreeSet<String>;

/// The identified structs of `model`.
pub fn identified(model: &Model) -> Identified {
    model
        .structs
        .iter()
        .filter(|s| {
            let text = |n: &str| {
                s.attrs
                    .iter()
                    .any(|a| a.name == n && matches!(a.kind, Kind::String))
            };
            text("id") && text("name")
        })
        .map(|s| s.name.clone())
        .collect()
}

/// Identified structs that an owner carries as a value, not as a reference to an object of its
/// own: a cluster's `<version major minor/>`, a storage domain's `<storage type address path/>`,
/// a host's `<ssh>` and `<certificate>`, a device's `<vendor>` and `<product>`.
const VALUES: &[&str] = &[
    "Certificate",
    "GlusterVolumeProfileDetails",
    "HostStorage",
    "Product",
    "Ssh",
    "Vendor",
    "Version",
    "VolumeGroup",
];

/// Elements the 3.x dialect named differently, read into the 4.x field: `(struct, 3.x tag,
/// field)`. A 3.6 engine sends a disk's virtual size as `<size>`.
const LEGACY_TAGS: &[(&str, &str, &str)] = &[("Disk", "size", "provisioned_size")];

/// XML attributes the 3.x dialect used for a 4.x field: `(struct, attribute, field)`. A 3.6
/// cluster names its CPU type as `<cpu id="Intel Conroe Family"/>`.
const LEGACY_ATTRS: &[(&str, &str, &str)] = &[("Cpu", "id", "type")];

/// Elements whose 3.x form a hand-written reader in `wire/gen_support.rs` reads into a field:
/// `(struct, tag, field, function)`; the tag may be one the 4.x model does not have. A 3.6 VM
/// lists boot devices as repeated `<boot dev="hd"/>`; a 3.6 API root puts `<full_version>`
/// beside the product's `<version>`.
const HOOKS: &[(&str, &str, &str, &str)] = &[
    ("OperatingSystem", "boot", "boot", "os_boot"),
    ("Action", "status", "status", "action_status"),
    (
        "ProductInfo",
        "full_version",
        "version",
        "full_version_beside",
    ),
];

/// True for a single-valued field holding a reference to another object.
fn is_linked(kind: &Kind, ids: &Identified) -> bool {
    matches!(kind, Kind::Struct(n) if ids.contains(n) && !VALUES.contains(&n.as_str()))
}

/// The field's Rust type: `Option<T>`, `Option<Linked<T>>` for a reference to an identified
/// object, `Option<Box<T>>` for another nested struct, `Option<Vec<T>>` for a list.
pub fn field_type(kind: &Kind, ids: &Identified) -> String {
    match kind {
        k @ Kind::Struct(n) if is_linked(k, ids) => format!("Option<Linked<{}>>", rust_type(n)),
        Kind::Struct(n) => format!("Option<Box<{}>>", rust_type(n)),
        other => format!("Option<{}>", value_type(other)),
    }
}

/// Reads the field `a` from its element `e` (the reader is at its content): a call to the
/// shared reader of its kind in `wire/gen_support.rs`.
fn set_expr(a: &Attr, ids: &Identified) -> String {
    set_expr_tag(a, &a.xml_tag, ids)
}

/// [`set_expr`] for the element `tag` (a 3.x name of the field).
fn set_expr_tag(a: &Attr, tag: &str, ids: &Identified) -> String {
    let f = field_ident(&a.name);
    let (item, list) = item_kind(&a.kind);
    let t = str_lit(tag);
    match item {
        _ if a.secret && !list => format!("g::set_secret(x, empty, &mut v.{f})"),
        Kind::Struct(n) if list => {
            format!("g::set_list(x, empty, &mut v.{f}, {}::read)", rust_type(n))
        }
        Kind::Enum(n) if list => {
            format!(
                "g::set_enum_list(x, empty, &mut v.{f}, {}::from_wire)",
                rust_type(n)
            )
        }
        _ if list => format!("g::set_list(x, empty, &mut v.{f}, g::text_item)"),
        k if is_linked(k, ids) => format!("g::set_linked(x, &e, empty, &mut v.{f})"),
        Kind::Struct(n) => format!(
            "g::set_boxed(x, &e, empty, &mut v.{f}, {}::read)",
            rust_type(n)
        ),
        Kind::String | Kind::Date => format!("g::set_text(x, empty, &mut v.{f})"),
        Kind::Boolean => format!("g::set_boolean(x, empty, {t}, &mut v.{f})"),
        Kind::Integer => format!("g::set_integer(x, empty, {t}, &mut v.{f})"),
        Kind::Decimal => format!("g::set_decimal(x, empty, {t}, &mut v.{f})"),
        // Matched on the text borrowed from the input (no String per enum value); the 3.x
        // `<status><state>up</state></status>` reads as `up`.
        Kind::Enum(n) => format!(
            "g::set_enum(x, empty, &mut v.{f}, {}::from_wire)",
            rust_type(n)
        ),
        Kind::List(_) => "Ok(())".into(),
    }
}

/// Parses an XML attribute value `val` of `kind`.
fn attr_expr(kind: &Kind, tag: &str) -> String {
    match kind {
        Kind::Boolean => format!("g::parse_boolean(&val, {})?", str_lit(tag)),
        Kind::Integer => format!("g::parse_integer(&val, {})?", str_lit(tag)),
        Kind::Decimal => format!("g::parse_decimal(&val, {})?", str_lit(tag)),
        Kind::Enum(n) => format!("{}::from_wire(&val)", rust_type(n)),
        _ => "val".into(),
    }
}

/// The text of a scalar `v` (a reference) for the writer.
fn text_expr(kind: &Kind) -> &'static str {
    match kind {
        Kind::String | Kind::Date => "v",
        Kind::Enum(_) => "v.as_str()",
        _ => "&v.to_string()",
    }
}

fn emit_enum(out: &mut String, e: &Enum) {
    let name = rust_type(&e.name);
    let vs = variants(e);
    out.push_str(&doc(&format!(
        "The `{}` enum of the oVirt model; a value this model does not know is kept in `Other`.",
        e.name
    )));
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, PartialEq, Eq)]\n#[non_exhaustive]\npub enum {name} {{"
    );
    for (v, wire) in &vs {
        out.push_str(&doc(&format!("`{wire}`.")));
        let _ = writeln!(out, "{v},");
    }
    out.push_str(
        "/// A value this model does not know, as the engine sent it.\nOther(String),\n}\n\n",
    );
    let _ = writeln!(out, "impl {name} {{");
    out.push_str("/// Every value the model knows, in the model's order.\npub const KNOWN: &'static [Self] = &[");
    for (v, _) in &vs {
        let _ = write!(out, "Self::{v}, ");
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// The value for a wire string (case-insensitive; unknown values are kept).\n\
         pub fn from_wire(s: &str) -> Self {\nmatch s {\n",
    );
    for (v, wire) in &vs {
        let _ = writeln!(out, "{} => Self::{v},", str_lit(wire));
    }
    out.push_str(
        "other if other.bytes().any(|b| b.is_ascii_uppercase()) => {\n\
         let lower = other.to_ascii_lowercase();\n\
         match Self::from_wire(&lower) {\nSelf::Other(_) => Self::Other(other.to_owned()),\nknown => known,\n}\n}\n\
         other => Self::Other(other.to_owned()),\n}\n}\n\n",
    );
    out.push_str("/// The wire string.\npub fn as_str(&self) -> &str {\nmatch self {\n");
    for (v, wire) in &vs {
        let _ = writeln!(out, "Self::{v} => {},", str_lit(wire));
    }
    out.push_str("Self::Other(s) => s,\n}\n}\n}\n\n");
}

fn emit_struct(out: &mut String, s: &Struct, ids: &Identified) {
    let name = rust_type(&s.name);
    out.push_str(&doc(&format!(
        "The `{}` struct of the oVirt model (element `{}`, collection `{}`). Every field is optional;\nunknown elements are skipped on read.",
        s.name, s.xml_element, s.xml_collection
    )));
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, Default, PartialEq)]\npub struct {name} {{"
    );
    let has_href = s.attrs.iter().any(|a| a.name == "href");
    if !has_href {
        out.push_str("/// The object's `href` (an XML attribute).\npub href: Option<String>,\n");
    }
    for a in &s.attrs {
        let mut text = format!("`{}`: {}", a.name, a.kind.display());
        if a.xml_attribute {
            text.push_str(" (an XML attribute)");
        } else if a.xml_tag != a.name {
            let _ = write!(text, " (element `{}`)", a.xml_tag);
        }
        if let Some(rel) = &a.link_rel {
            let _ = write!(text, "; served as `<link rel=\"{rel}\">` unless followed");
        }
        text.push('.');
        out.push_str(&doc(&text));
        let _ = writeln!(
            out,
            "pub {}: {},",
            field_ident(&a.name),
            if a.secret {
                "Option<Secret>".to_owned()
            } else {
                field_type(&a.kind, ids)
            }
        );
    }
    out.push_str("/// The `<link rel href>` elements of the object, in document order (packed in one buffer).\npub links: Links,\n");
    if ids.contains(&s.name) {
        out.push_str("/// The actions the engine offers on the object now (`<actions>`, kept as sent; read only).\npub actions: ActionLinks,\n");
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "/// The XML element of one object.\npub const TAG: &'static str = {};\n\n/// The XML element of a collection.\npub const COLLECTION: &'static str = {};\n",
        str_lit(&s.xml_element),
        str_lit(&s.xml_collection)
    );
    out.push_str(
        "/// Reads a document whose root element is one object (any element name).\n\
         pub fn from_xml(bytes: &[u8]) -> Result<Self> {\n\
         let mut x = XmlIn::new(bytes);\nlet (e, empty) = x.root()?;\nSelf::read(&mut x, &e, empty)\n}\n\n\
         /// Reads a collection document (`<plural><item/>...</plural>`).\n\
         pub fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {\n\
         let mut x = XmlIn::new(bytes);\nlet (_, empty) = x.root()?;\nx.items(empty, Self::read)\n}\n\n\
         /// The object as an XML document (only the fields that are set).\n\
         pub fn to_xml(&self) -> String {\nlet mut w = String::new();\nself.write(&mut w, Self::TAG);\nw\n}\n\n\
         /// Objects as a collection document.\n\
         pub fn list_to_xml(items: &[Self]) -> String {\nlet mut w = String::new();\ng::open(&mut w, Self::COLLECTION);\ng::end_open(&mut w);\n\
         for v in items {\nv.write(&mut w, Self::TAG);\n}\ng::close(&mut w, Self::COLLECTION);\nw\n}\n\n",
    );
    emit_reader(out, s, has_href, ids);
    emit_writer(out, s, has_href, ids);
    out.push_str("}\n\n");
    // Every struct is a resource of the services tree (its root element checked on read).
    let _ = writeln!(
        out,
        "impl crate::wire::Resource for {name} {{\n\
         const TAG: &'static str = {el};\n\
         const PLURAL: &'static str = {coll};\n\
         const MODEL: &'static str = {model};\n\n\
         fn from_xml(bytes: &[u8]) -> Result<Self> {{\n\
         g::one_from_xml(bytes, {el}, Self::read)\n}}\n\n\
         fn list_from_xml(bytes: &[u8]) -> Result<Vec<Self>> {{\n\
         g::many_from_xml(bytes, {coll}, {el}, Self::read)\n}}\n\n{partial}\
         fn to_xml(&self) -> String {{\nSelf::to_xml(self)\n}}\n}}\n",
        partial = if ids.contains(&s.name) {
            format!(
                "fn list_from_xml_only(bytes: &[u8], keep: fn(&[u8]) -> bool) -> Result<Vec<Self>> {{\n\
                 g::many_from_xml(bytes, {coll}, {el}, |x, e, empty| Self::read_only(x, e, empty, Some(keep)))\n}}\n\n",
                coll = str_lit(&s.xml_collection),
                el = str_lit(&s.xml_element),
            )
        } else {
            String::new()
        },
        model = str_lit(&s.name),
        el = str_lit(&s.xml_element),
        coll = str_lit(&s.xml_collection)
    );
    // Its JSON form (the model's names) through `Resource::to_json`.
    let _ = writeln!(
        out,
        "impl serde::Serialize for {name} {{\n\
         fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {{\n\
         g::serialize_json(self, s, &[{}])\n}}\n}}\n",
        s.attrs
            .iter()
            .filter(|a| a.secret)
            .map(|a| str_lit(&a.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // An object with a status enum can be waited on (`wait_for_status`).
    if let Some(Kind::Enum(e)) = s.attrs.iter().find(|a| a.name == "status").map(|a| &a.kind) {
        let _ = writeln!(
            out,
            "impl crate::native::services::HasStatus for {name} {{\n\
             type Status = {st};\n\n\
             fn current_status(&self) -> Option<&{st}> {{\nself.status.as_ref()\n}}\n}}\n",
            st = rust_type(e)
        );
    }
    // Identified objects (an `id` and a `name`) answer the services tree's `Object` questions.
    if ids.contains(&s.name) {
        let _ = writeln!(
            out,
            "impl crate::native::types::Object for {name} {{\n\
             fn id(&self) -> Option<&str> {{\nself.id.as_deref()\n}}\n\n\
             fn href(&self) -> Option<&str> {{\nself.href.as_deref()\n}}\n\n\
             fn name(&self) -> Option<&str> {{\nself.name.as_deref()\n}}\n\n\
             fn links(&self) -> &Links {{\n&self.links\n}}\n\n\
             fn action_links(&self) -> &ActionLinks {{\n&self.actions\n}}\n}}\n"
        );
    }
}

fn emit_reader(out: &mut String, s: &Struct, has_href: bool, ids: &Identified) {
    // An object with an id can be read in part (a listing that prints a few fields skips the
    // other child elements unread): `read_only` with a filter of child element names.
    let partial = ids.contains(&s.name);
    if partial {
        out.push_str(
            "/// Reads the element `start` (the reader is just past it).\n\
             pub(crate) fn read(x: &mut XmlIn<'_>, start: &BytesStart<'_>, empty: bool) -> Result<Self> {\n\
             Self::read_only(x, start, empty, None)\n}\n\n\
             /// [`Self::read`] of the child elements `keep` accepts (all without a filter); the others are \
             skipped unread and their fields stay unset. Attributes are always read.\n\
             pub(crate) fn read_only(x: &mut XmlIn<'_>, start: &BytesStart<'_>, empty: bool, keep: Option<fn(&[u8]) -> bool>) -> Result<Self> {\n",
        );
    } else {
        out.push_str(
            "/// Reads the element `start` (the reader is just past it).\n\
             pub(crate) fn read(x: &mut XmlIn<'_>, start: &BytesStart<'_>, empty: bool) -> Result<Self> {\n",
        );
    }
    let attrs: Vec<&Attr> = s.attrs.iter().filter(|a| a.xml_attribute).collect();
    // The 3.x dialect wrote many values as attributes that 4.x writes as child elements
    // (`<mac address=".."/>`, `<topology sockets=".." cores=".."/>`, `<version major=".."/>`,
    // `<ip address=".." version=".."/>`): a scalar field is read from either place.
    let legacy: Vec<&Attr> = s
        .attrs
        .iter()
        .filter(|a| !a.xml_attribute && is_scalar(&a.kind))
        .filter(|a| a.xml_tag != "href" && !attrs.iter().any(|b| b.xml_tag == a.xml_tag))
        .collect();
    if !has_href && attrs.is_empty() && legacy.is_empty() {
        // The common shape goes through a non-generic helper.
        out.push_str("let mut v = Self {\nhref: g::href(start)?,\n..Self::default()\n};\n");
    } else {
        let mut all: Vec<(&str, &Attr)> = attrs
            .iter()
            .chain(&legacy)
            .map(|a| (a.xml_tag.as_str(), *a))
            .collect();
        for (_, tag, field) in LEGACY_ATTRS.iter().filter(|(st, ..)| *st == s.name) {
            if let Some(a) = s.attrs.iter().find(|a| a.name == *field) {
                all.push((tag, a));
            }
        }
        out.push_str("let mut v = Self::default();\n");
        emit_attr_closure(out, &all, has_href);
    }
    out.push_str("if empty {\nreturn Ok(v);\n}\n");

    // Arms grouped by tag length: one integer match, then a few byte compares, instead of
    // comparing the tag with every field of a large struct in turn. Each arm is one call to
    // the shared reader of the field's kind (`wire/gen_support.rs`), not an inlined copy of it.
    let mut arms: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut add = |tag: &str, body: String| {
        arms.entry(tag.len())
            .or_default()
            .push(format!("b{} => {body}?,", str_lit(tag)));
    };
    let has_detail = s.attrs.iter().any(|a| a.name == "status_detail");
    for a in s.attrs.iter().filter(|a| !a.xml_attribute) {
        let f = field_ident(&a.name);
        let (item, _) = item_kind(&a.kind);
        let hook = HOOKS
            .iter()
            .find(|(st, t, ..)| *st == s.name && *t == a.xml_tag);
        let body = if let Some((.., func)) = hook {
            format!("g::{func}(x, &e, empty, &mut v.{f})")
        } else if let (Kind::Enum(en), true, "status") = (item, has_detail, a.name.as_str()) {
            // 3.x: `<status><state>up</state><detail>..</detail></status>`.
            format!(
                "g::set_status(x, empty, &mut v.{f}, &mut v.status_detail, {}::from_wire)",
                rust_type(en)
            )
        } else {
            set_expr(a, ids)
        };
        add(&a.xml_tag, body);
    }
    for (_, tag, field, func) in HOOKS
        .iter()
        .filter(|(st, t, ..)| *st == s.name && !s.attrs.iter().any(|a| a.xml_tag == *t))
    {
        add(
            tag,
            format!("g::{func}(x, &e, empty, &mut v.{})", field_ident(field)),
        );
    }
    for (_, tag, field) in LEGACY_TAGS.iter().filter(|(st, ..)| *st == s.name) {
        if let Some(a) = s.attrs.iter().find(|a| a.name == *field) {
            add(tag, set_expr_tag(a, tag, ids));
        }
    }
    add("link", "g::push_link(x, &e, empty, &mut v.links)".into());
    if ids.contains(&s.name) {
        add(
            "actions",
            "g::set_actions(x, &e, empty, &mut v.actions)".into(),
        );
    }
    out.push_str(
        "while let Some((e, empty)) = x.child()? {\nlet name = e.local_name();\nlet tag = name.as_ref();\n",
    );
    if partial {
        out.push_str(
            "if keep.is_some_and(|keep| !keep(tag)) {\nx.skip(&e, empty)?;\ncontinue;\n}\n",
        );
    }
    out.push_str("match tag.len() {\n");
    for (len, group) in &arms {
        let _ = writeln!(out, "{len} => match tag {{");
        for arm in group {
            out.push_str(arm);
            out.push('\n');
        }
        out.push_str("_ => x.skip(&e, empty)?,\n},\n");
    }
    out.push_str("_ => x.skip(&e, empty)?,\n}\n}\nOk(v)\n}\n\n");
}

/// A value that fits in an XML attribute (not a struct or a list).
fn is_scalar(kind: &Kind) -> bool {
    !matches!(kind, Kind::Struct(_) | Kind::List(_))
}

fn emit_attr_closure(out: &mut String, attrs: &[(&str, &Attr)], has_href: bool) {
    out.push_str("g::attrs(x, start, |k, val| {\nmatch k {\n");
    if !has_href {
        out.push_str("b\"href\" => v.href = Some(val),\n");
    }
    for (tag, a) in attrs {
        let _ = writeln!(
            out,
            "b{} => v.{} = Some({}),",
            str_lit(tag),
            field_ident(&a.name),
            if a.secret {
                "Secret::new(val)".to_owned()
            } else {
                attr_expr(&a.kind, &a.xml_tag)
            }
        );
    }
    out.push_str("_ => {}\n}\nOk(())\n})?;\n");
}

fn emit_writer(out: &mut String, s: &Struct, has_href: bool, ids: &Identified) {
    out.push_str(
        "/// Writes the object as the element `tag`.\npub(crate) fn write(&self, w: &mut String, tag: &str) {\ng::open(w, tag);\n",
    );
    if !has_href {
        out.push_str("if let Some(v) = &self.href {\ng::attr(w, \"href\", v);\n}\n");
    }
    for a in s.attrs.iter().filter(|a| a.xml_attribute) {
        let _ = writeln!(
            out,
            "if let Some(v) = &self.{} {{\ng::attr(w, {}, {});\n}}",
            field_ident(&a.name),
            str_lit(&a.xml_tag),
            if a.secret {
                "v.expose()"
            } else {
                text_expr(&a.kind)
            }
        );
    }
    out.push_str("g::end_open(w);\n");
    // Child elements in the order the official SDKs write them (the model's write order).
    let mut children: Vec<&Attr> = s.attrs.iter().filter(|a| !a.xml_attribute).collect();
    children.sort_by_key(|a| a.write_order);
    for a in children {
        let f = field_ident(&a.name);
        let tag = str_lit(&a.xml_tag);
        let (item, list) = item_kind(&a.kind);
        let one = |tag: &str| match item {
            Kind::Struct(_) => format!("v.write(w, {tag});"),
            _ if a.secret => format!("g::leaf(w, {tag}, v.expose());"),
            k => format!("g::leaf(w, {tag}, {});", text_expr(k)),
        };
        if list {
            let item_tag = str_lit(a.item_tag.as_deref().unwrap_or("item"));
            let _ = writeln!(
                out,
                "if let Some(items) = &self.{f} {{\ng::open(w, {tag});\ng::end_open(w);\nfor v in items {{\n{}\n}}\ng::close(w, {tag});\n}}",
                one(&item_tag)
            );
        } else if is_linked(item, ids) {
            let _ = writeln!(
                out,
                "if let Some(v) = &self.{f} {{\ng::write_linked(w, {tag}, v);\n}}"
            );
        } else {
            let _ = writeln!(out, "if let Some(v) = &self.{f} {{\n{}\n}}", one(&tag));
        }
    }
    out.push_str("g::close(w, tag);\n}\n");
}

fn letter(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_ascii_lowercase().to_string())
        .unwrap_or_else(|| "x".into())
}

/// The files of `generated/types/`.
pub fn files(out: &str, model: &Model) -> Vec<GeneratedFile> {
    let mut by_letter: BTreeMap<String, (Vec<&Struct>, Vec<&Enum>)> = BTreeMap::new();
    let ids = identified(model);
    for s in &model.structs {
        by_letter.entry(letter(&s.name)).or_default().0.push(s);
    }
    for e in &model.enums {
        by_letter.entry(letter(&e.name)).or_default().1.push(e);
    }
    let mut m = format!(
        "//! Every type of the oVirt model as Rust: {} structs and {} enums, each struct with a\n\
         //! quick-xml event-loop reader (`from_xml`, `list_from_xml`) and a writer (`to_xml`).\n\
         //! Enums keep values they do not know; every field is optional.\n\n",
        model.structs.len(),
        model.enums.len()
    );
    for l in by_letter.keys() {
        let _ = writeln!(m, "mod t_{l};");
    }
    for l in by_letter.keys() {
        let _ = writeln!(m, "pub use t_{l}::*;");
    }
    // The links of an object (an engine sends ~35 per VM) are packed in one buffer: one
    // allocation for all of them instead of two per link.
    m.push_str(
        "\n/// The `<link rel href>` elements of an object (packed; `iter()`, `get(rel)`), one link and\n\
         /// a borrowed link; an object's actions as sent.\npub use crate::native::types::{ActionLinks, Link, LinkRef, Links};\n\n\
         /// A reference to another identified object (its id, href, name, and inlined content).\n\
         pub use crate::native::types::Linked;\n",
    );
    let _ = writeln!(
        m,
        "\n/// Keys shown as `***` wherever they appear in the JSON form (secrets, tickets).\n\
         pub(crate) const SECRET_KEYS: &[&str] = &[{}];",
        JSON_SECRET_KEYS
            .iter()
            .map(|k| str_lit(k))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut files = vec![GeneratedFile::new(format!("{out}/types/mod.rs"), &m)];
    for (l, (structs, enums)) in &by_letter {
        let mut f = String::from("//! Types whose name starts with this letter.\n\n");
        if !structs.is_empty() {
            f.push_str(
                "#[allow(unused_imports)]\nuse omnivirt_core::Secret;\nuse omnivirt_core::Result;\nuse quick_xml::events::BytesStart;\n\n\
                 use crate::wire::gen_support as g;\nuse crate::wire::gen_support::XmlIn;\n\n\
                 #[allow(unused_imports)]\nuse super::*;\n\n",
            );
        }
        for e in enums {
            emit_enum(&mut f, e);
        }
        for s in structs {
            emit_struct(&mut f, s, &ids);
        }
        files.push(GeneratedFile::new(format!("{out}/types/t_{l}.rs"), &f));
    }
    files
}
