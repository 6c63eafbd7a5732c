//! The small, non-generic pieces the generated readers and writers of
//! [`crate::generated::types`] call: text and numbers of an element, attributes, links, and the
//! writer's element and escaping helpers. Kept here so the generated code stays plain.

use omnivirt_core::Result;
use quick_xml::events::BytesStart;

pub(crate) use super::reader::XmlIn;
use super::reader::{
    each_attr, each_attr_in, link_attrs, scan_attrs, scan_attrs_in, trim, xml_err,
};
pub(crate) use super::resource::{many_from_xml, one_from_xml};
use crate::generated::types::Links;
use crate::native::types::{ActionLinks, Linked};

/// Calls `f(name, value)` for every attribute of `e` (values unescaped).
/// The scan itself is compiled once, not once per generated reader.
pub(crate) fn attrs(
    x: &XmlIn<'_>,
    e: &BytesStart<'_>,
    mut f: impl FnMut(&[u8], String) -> Result<()>,
) -> Result<()> {
    attrs_dyn(x.input_text(), e, &mut f)
}

#[inline(never)]
fn attrs_dyn(
    text: Option<&str>,
    e: &BytesStart<'_>,
    f: &mut dyn FnMut(&[u8], String) -> Result<()>,
) -> Result<()> {
    each_attr_in(text, e, f)
}

/// The `href` attribute.
pub(crate) fn href(e: &BytesStart<'_>) -> Result<Option<String>> {
    let mut href = None;
    each_attr(e, |k, v| {
        if k == b"href" {
            href = Some(v);
        }
        Ok(())
    })?;
    Ok(href)
}

/// The text of the current element.
pub(crate) fn text(x: &mut XmlIn<'_>, empty: bool) -> Result<String> {
    x.text(empty)
}

/// A boolean element (`true`/`false`, any case, or `1`/`0`).
pub(crate) fn boolean(x: &mut XmlIn<'_>, empty: bool, tag: &str) -> Result<bool> {
    let t = x.text_cow(empty)?;
    parse_boolean(&t, tag)
}

/// An integer element.
pub(crate) fn integer(x: &mut XmlIn<'_>, empty: bool, tag: &str) -> Result<i64> {
    let t = x.text_cow(empty)?;
    parse_integer(&t, tag)
}

/// A decimal element.
pub(crate) fn decimal(x: &mut XmlIn<'_>, empty: bool, tag: &str) -> Result<f64> {
    let t = x.text_cow(empty)?;
    parse_decimal(&t, tag)
}

/// A boolean value.
pub(crate) fn parse_boolean(t: &str, tag: &str) -> Result<bool> {
    let t = trim(t);
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(false)
    } else {
        Err(xml_err(0, format!("<{tag}> is `{t}`, not a boolean")))
    }
}

/// An integer value.
pub(crate) fn parse_integer(t: &str, tag: &str) -> Result<i64> {
    trim(t)
        .parse()
        .map_err(|_| xml_err(0, format!("<{tag}> is `{}`, not an integer", t.trim())))
}

/// A decimal value.
pub(crate) fn parse_decimal(t: &str, tag: &str) -> Result<f64> {
    trim(t)
        .parse()
        .map_err(|_| xml_err(0, format!("<{tag}> is `{}`, not a number", t.trim())))
}

/// A `<link rel href/>` added to `links` (its content, if any, skipped); the attribute values
/// are borrowed from the input unless they hold entities.
pub(crate) fn push_link<'a>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
    links: &mut Links,
) -> Result<()> {
    if empty {
        if let Some(run) = x.link_run(e) {
            links.push_raw(run);
            return Ok(());
        }
    }
    let (rel, href) = link_attrs(x.input_text(), e)?;
    links.push(&rel, &href);
    x.skip(e, empty)
}

/// `<tag` (attributes may follow; then [`end_open`]).
pub(crate) fn open(w: &mut String, tag: &str) {
    w.push('<');
    w.push_str(tag);
}

/// ` name="value"`.
pub(crate) fn attr(w: &mut String, name: &str, value: &str) {
    w.push(' ');
    w.push_str(name);
    w.push_str("=\"");
    w.push_str(&quick_xml::escape::escape(value));
    w.push('"');
}

/// `>`.
pub(crate) fn end_open(w: &mut String) {
    w.push('>');
}

/// `</tag>`.
pub(crate) fn close(w: &mut String, tag: &str) {
    w.push_str("</");
    w.push_str(tag);
    w.push('>');
}

/// `<tag>text</tag>`, escaped.
pub(crate) fn leaf(w: &mut String, tag: &str, text: &str) {
    open(w, tag);
    end_open(w);
    w.push_str(&quick_xml::escape::escape(text));
    close(w, tag);
}

/// One path segment, percent-encoded (RFC 3986 unreserved characters kept).
pub(crate) fn segment(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path below the API root of an object's `href` (`/ovirt-engine/api/disks/1` or
/// `disks/1`), each segment encoded, without a leading slash; `..`, queries and fragments are
/// refused.
pub(crate) fn href_path(href: &str) -> Result<String> {
    let below = href
        .find("/api/")
        .map_or(href, |i| &href[i + "/api/".len()..]);
    let mut segs = Vec::new();
    for seg in below.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || seg.contains(['?', '#']) {
            return Err(omnivirt_core::Error::invalid_input(format!(
                "`{href}` is not the path of an object below the API"
            )));
        }
        segs.push(segment(seg));
    }
    if segs.is_empty() {
        return Err(omnivirt_core::Error::invalid_input(
            "`href` names no object",
        ));
    }
    Ok(segs.join("/"))
}

/// An `<actions>` element, kept as its text.
pub(crate) fn actions(x: &mut XmlIn<'_>, e: &BytesStart<'_>, empty: bool) -> Result<ActionLinks> {
    Ok(ActionLinks::from_raw(x.raw_content(e, empty)?))
}

/// The `<link rel href/>` elements of a fragment of XML (others skipped; reading stops at the
/// first malformed element).
pub(crate) fn links_in(fragment: &str) -> Links {
    let mut links = Links::new();
    each_link_in(fragment, |rel, href| links.push(rel, href));
    links
}

/// Calls `f(rel, href)` for each `<link rel href/>` element of a fragment of XML (others
/// skipped; reading stops at the first malformed element).
pub(crate) fn each_link_in(fragment: &str, mut f: impl FnMut(&str, &str)) {
    let mut x = XmlIn::new(fragment.as_bytes());
    while let Ok(Some((e, empty))) = x.fragment_child() {
        if e.local_name().as_ref() == b"link" {
            let Ok((rel, href)) = link_attrs(x.input_text(), &e) else {
                break;
            };
            f(&rel, &href);
        }
        if x.skip(&e, empty).is_err() {
            break;
        }
    }
}

/// A reference element (`<cluster href id/>`, or inlined with children): the identity, the
/// `<name>` among the children, and the children as raw XML, packed in one allocation.
pub(crate) fn linked<T>(x: &mut XmlIn<'_>, e: &BytesStart<'_>, empty: bool) -> Result<Linked<T>> {
    let (mut id, mut href, mut name) = (None, None, None);
    scan_attrs_in(x.input_text(), e, |k, v| {
        match k {
            b"id" => id = Some(v),
            b"href" => href = Some(v),
            b"name" => name = Some(v),
            _ => {}
        }
        Ok(())
    })?;
    let content = non_blank(x.raw_content(e, empty)?);
    let inner = match content {
        Some(c) => child_text(c, b"name")?,
        None => None,
    };
    let name = inner.as_deref().or(name.as_deref());
    Ok(Linked::from_parts([
        id.as_deref(),
        href.as_deref(),
        name,
        content,
    ]))
}

/// The text of the first top-level `<tag>` in a fragment of XML children.
fn child_text(fragment: &str, tag: &[u8]) -> Result<Option<String>> {
    let mut x = XmlIn::new(fragment.as_bytes());
    while let Some((e, empty)) = x.fragment_child()? {
        if e.local_name().as_ref() == tag {
            return x.text(empty).map(Some);
        }
        x.skip(&e, empty)?;
    }
    Ok(None)
}

/// Writes a reference as the element `tag`: its `href` and `id`, then its content (or `<name>`).
pub(crate) fn write_linked<T>(w: &mut String, tag: &str, v: &Linked<T>) {
    open(w, tag);
    if let Some(href) = v.href() {
        attr(w, "href", href);
    }
    if let Some(id) = v.id() {
        attr(w, "id", id);
    }
    end_open(w);
    v.write_content(w);
    close(w, tag);
}

/// `raw`, unless it is only white space.
pub(crate) fn non_blank(raw: &str) -> Option<&str> {
    (!raw.trim().is_empty()).then_some(raw)
}

/// The content of the root element of `doc` (its children as raw XML), if it has any.
pub(crate) fn element_content(doc: &[u8]) -> Result<Option<&str>> {
    let mut x = XmlIn::new(doc);
    let (root, empty) = x.root()?;
    Ok(non_blank(x.raw_content(&root, empty)?))
}

/// Serializes a resource as its JSON form ([`super::Resource::to_json`]) with its secrets
/// shown as `***`: its own secret fields (`own`) and the generated `SECRET_KEYS`, at any depth.
pub(crate) fn serialize_json<T: super::Resource, S: serde::Serializer>(
    v: &T,
    s: S,
    own: &[&str],
) -> std::result::Result<S::Ok, S::Error> {
    let mut json = v.to_json().map_err(serde::ser::Error::custom)?;
    omnivirt_http::redact_where(&mut json, &|k| own.contains(&k) || is_secret_key(k));
    serde::Serialize::serialize(&json, s)
}

/// A key that holds a secret wherever it appears in the JSON form (the generated `SECRET_KEYS`).
pub(crate) fn is_secret_key(key: &str) -> bool {
    crate::generated::types::SECRET_KEYS.contains(&key)
}

/// An action's `<status>`: the 4.x text (`complete`), or the 3.x `<status><state>complete</state>`.
pub(crate) fn action_status(
    x: &mut XmlIn<'_>,
    _e: &BytesStart<'_>,
    empty: bool,
    status: &mut Option<String>,
) -> Result<()> {
    *status = x.status(empty)?.0.map(std::borrow::Cow::into_owned);
    Ok(())
}

/// A 3.x product's `<full_version>`, which sits beside its `<version>` (4.x puts it inside):
/// kept as the version's `full_version` unless that already has one.
pub(crate) fn full_version_beside(
    x: &mut XmlIn<'_>,
    _e: &BytesStart<'_>,
    empty: bool,
    version: &mut Option<Box<crate::generated::types::Version>>,
) -> Result<()> {
    let full = text(x, empty)?;
    let v = version.get_or_insert_with(Box::default);
    if v.full_version.is_none() {
        v.full_version = Some(full);
    }
    Ok(())
}

/// An operating system's `<boot>`: 4.x `<boot><devices><device>hd</device>..</devices></boot>`
/// once, or 3.x `<boot dev="hd"/>` repeated, one device each; both add to `boot.devices`.
pub(crate) fn os_boot(
    x: &mut XmlIn<'_>,
    e: &BytesStart<'_>,
    empty: bool,
    boot: &mut Option<Box<crate::generated::types::Boot>>,
) -> Result<()> {
    use crate::generated::types::{Boot, BootDevice};
    let mut dev = None;
    scan_attrs(e, |k, v| {
        if k == b"dev" {
            dev = Some(BootDevice::from_wire(&v));
        }
        Ok(())
    })?;
    let read = Boot::read(x, e, empty)?;
    let b = boot.get_or_insert_with(Box::default);
    let devices = b.devices.get_or_insert_with(Vec::new);
    devices.extend(read.devices.into_iter().flatten());
    devices.extend(dev);
    if b.href.is_none() {
        b.href = read.href;
    }
    Ok(())
}

// Field readers the generated `read` functions call, one per kind of field: out of line and
// shared by every struct (the generic ones once per item type), so the code a struct's reader
// runs per child element is a call, not an inlined copy of the text, number or list reader.

/// A text field: `<name>text</name>`.
#[inline(never)]
pub(crate) fn set_text(x: &mut XmlIn<'_>, empty: bool, field: &mut Option<String>) -> Result<()> {
    *field = Some(x.text(empty)?);
    Ok(())
}

/// A secret text field (a password, a key).
#[inline(never)]
pub(crate) fn set_secret(
    x: &mut XmlIn<'_>,
    empty: bool,
    field: &mut Option<omnivirt_core::Secret>,
) -> Result<()> {
    *field = Some(omnivirt_core::Secret::new(x.text(empty)?));
    Ok(())
}

/// A boolean field.
#[inline(never)]
pub(crate) fn set_boolean(
    x: &mut XmlIn<'_>,
    empty: bool,
    tag: &str,
    field: &mut Option<bool>,
) -> Result<()> {
    *field = Some(boolean(x, empty, tag)?);
    Ok(())
}

/// An integer field.
#[inline(never)]
pub(crate) fn set_integer(
    x: &mut XmlIn<'_>,
    empty: bool,
    tag: &str,
    field: &mut Option<i64>,
) -> Result<()> {
    *field = Some(integer(x, empty, tag)?);
    Ok(())
}

/// A decimal field.
#[inline(never)]
pub(crate) fn set_decimal(
    x: &mut XmlIn<'_>,
    empty: bool,
    tag: &str,
    field: &mut Option<f64>,
) -> Result<()> {
    *field = Some(decimal(x, empty, tag)?);
    Ok(())
}

/// An enum field, its value matched by `from_wire` on the text borrowed from the input.
#[inline(never)]
pub(crate) fn set_enum<T>(
    x: &mut XmlIn<'_>,
    empty: bool,
    field: &mut Option<T>,
    from_wire: fn(&str) -> T,
) -> Result<()> {
    *field = Some(from_wire(&x.enum_text(empty)?));
    Ok(())
}

/// A nested struct field, read by `read`.
#[inline(never)]
pub(crate) fn set_boxed<'a, T>(
    x: &mut XmlIn<'a>,
    e: &BytesStart<'a>,
    empty: bool,
    field: &mut Option<Box<T>>,
    read: fn(&mut XmlIn<'a>, &BytesStart<'a>, bool) -> Result<T>,
) -> Result<()> {
    *field = Some(Box::new(read(x, e, empty)?));
    Ok(())
}

/// A reference to another object ([`linked`]).
#[inline(never)]
pub(crate) fn set_linked<T>(
    x: &mut XmlIn<'_>,
    e: &BytesStart<'_>,
    empty: bool,
    field: &mut Option<Linked<T>>,
) -> Result<()> {
    *field = Some(linked(x, e, empty)?);
    Ok(())
}

/// A list field: every child element of `<tag>` read by `read`, whatever its name.
#[inline(never)]
pub(crate) fn set_list<'a, T>(
    x: &mut XmlIn<'a>,
    empty: bool,
    field: &mut Option<Vec<T>>,
    read: fn(&mut XmlIn<'a>, &BytesStart<'a>, bool) -> Result<T>,
) -> Result<()> {
    let mut items = Vec::new();
    if !empty {
        while let Some((e, empty)) = x.child()? {
            items.push(read(x, &e, empty)?);
        }
    }
    *field = Some(items);
    Ok(())
}

/// A list of enum values (`<values><value>a</value>..</values>`).
#[inline(never)]
pub(crate) fn set_enum_list<T>(
    x: &mut XmlIn<'_>,
    empty: bool,
    field: &mut Option<Vec<T>>,
    from_wire: fn(&str) -> T,
) -> Result<()> {
    let mut items = Vec::new();
    if !empty {
        while let Some((_e, empty)) = x.child()? {
            items.push(from_wire(&x.enum_text(empty)?));
        }
    }
    *field = Some(items);
    Ok(())
}

/// One text item of a list of text values.
pub(crate) fn text_item(x: &mut XmlIn<'_>, _e: &BytesStart<'_>, empty: bool) -> Result<String> {
    x.text(empty)
}

/// A status enum and, in the 3.x form `<status><state>up</state><detail>..</detail></status>`,
/// its detail (kept when there is one).
#[inline(never)]
pub(crate) fn set_status<T>(
    x: &mut XmlIn<'_>,
    empty: bool,
    field: &mut Option<T>,
    detail_field: &mut Option<String>,
    from_wire: fn(&str) -> T,
) -> Result<()> {
    let (state, detail) = x.status(empty)?;
    *field = state.as_deref().map(from_wire);
    if detail.is_some() {
        *detail_field = detail;
    }
    Ok(())
}

/// An object's `<actions>` ([`actions`]).
#[inline(never)]
pub(crate) fn set_actions(
    x: &mut XmlIn<'_>,
    e: &BytesStart<'_>,
    empty: bool,
    field: &mut ActionLinks,
) -> Result<()> {
    *field = actions(x, e, empty)?;
    Ok(())
}
