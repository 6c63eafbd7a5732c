//! JSON <-> XML for any struct of the model, driven by [`super::schema`]: what `omnivirt api
//! call` sends (the JSON form of the body type, keys as the model names them) and reads back.
//!
//! JSON form: an object per struct, keyed by the model's field names; `id` and `href` are plain
//! keys (XML attributes on the wire); lists are arrays (the wrapper and item elements are the
//! model's); numbers and booleans are JSON numbers and booleans; enums and dates are strings.
//! A sub-collection the engine served as `<link rel>` instead of inlining it reads as
//! `{"href": "..."}`. Unknown elements are skipped on read; an unknown key is refused on write.

use omnivirt_core::{Error, Result};
use quick_xml::events::BytesStart;
use serde_json::{Map, Value};

use super::reader::{XmlIn, each_attr};
use super::schema::{Field, Scalar, TypeInfo, type_info};

fn unknown_type(name: &str) -> Error {
    Error::invalid_input(format!("`{name}` is not a struct of the oVirt model"))
}

/// Writes `value` (the JSON form of `ty`) as the element `tag`.
pub(crate) fn write(ty: &TypeInfo, tag: &str, value: &Value) -> Result<String> {
    let mut out = String::new();
    write_struct(ty, tag, value, &mut out, tag)?;
    Ok(out)
}

/// Writes `value` (a JSON array of `ty`) as a collection document (`<bricks><brick/>...`).
pub(crate) fn write_list(ty: &TypeInfo, value: &Value) -> Result<String> {
    let Value::Array(items) = value else {
        return Err(Error::invalid_input(format!(
            "the body is a list of {}: give a JSON array",
            ty.name
        )));
    };
    let mut out = format!("<{}>", ty.collection);
    for (i, item) in items.iter().enumerate() {
        write_struct(
            ty,
            ty.element,
            item,
            &mut out,
            &format!("{}[{i}]", ty.collection),
        )?;
    }
    out.push_str("</");
    out.push_str(ty.collection);
    out.push('>');
    Ok(out)
}

fn esc(out: &mut String, v: &str) {
    out.push_str(&quick_xml::escape::escape(v));
}

fn write_struct(ty: &TypeInfo, tag: &str, value: &Value, out: &mut String, at: &str) -> Result<()> {
    let Value::Object(map) = value else {
        return Err(Error::invalid_input(format!(
            "`{at}` must be a JSON object (a {}), not {value}",
            ty.name
        )));
    };
    out.push('<');
    out.push_str(tag);
    let mut children = Vec::new();
    for (key, v) in map {
        if v.is_null() {
            continue;
        }
        if key == "href" {
            out.push_str(" href=\"");
            esc(out, &scalar_text(v, at)?);
            out.push('"');
            continue;
        }
        let Some(field) = ty.field(key) else {
            return Err(Error::invalid_input(format!(
                "`{at}`: {} has no field `{key}`",
                ty.name
            )));
        };
        if field.attribute {
            out.push(' ');
            out.push_str(field.tag);
            out.push_str("=\"");
            esc(out, &scalar_text(v, at)?);
            out.push('"');
        } else {
            children.push((field, v));
        }
    }
    if children.is_empty() {
        out.push_str("/>");
        return Ok(());
    }
    out.push('>');
    for (field, v) in children {
        let at = format!("{at}.{}", field.name);
        write_field(field, v, out, &at)?;
    }
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
    Ok(())
}

fn write_field(field: &Field, v: &Value, out: &mut String, at: &str) -> Result<()> {
    let Some(item) = field.item else {
        return write_value(field, field.tag, v, out, at);
    };
    let Value::Array(items) = v else {
        return Err(Error::invalid_input(format!(
            "`{at}` is a list: give a JSON array"
        )));
    };
    out.push('<');
    out.push_str(field.tag);
    out.push('>');
    for (i, v) in items.iter().enumerate() {
        write_value(field, item, v, out, &format!("{at}[{i}]"))?;
    }
    out.push_str("</");
    out.push_str(field.tag);
    out.push('>');
    Ok(())
}

fn write_value(field: &Field, tag: &str, v: &Value, out: &mut String, at: &str) -> Result<()> {
    if field.scalar == Scalar::Struct {
        let ty = type_info(field.ty).ok_or_else(|| unknown_type(field.ty))?;
        return write_struct(ty, tag, v, out, at);
    }
    let text = scalar_text(v, at)?;
    out.push('<');
    out.push_str(tag);
    out.push('>');
    esc(out, &text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
    Ok(())
}

fn scalar_text(v: &Value, at: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(Error::invalid_input(format!(
            "`{at}` must be a string, number or boolean, not {other}"
        ))),
    }
}

/// Reads a document whose root is one `ty` (any element name) into its JSON form.
pub(crate) fn read(ty: &TypeInfo, bytes: &[u8]) -> Result<Value> {
    let mut x = XmlIn::new(bytes);
    let (root, empty) = x.root()?;
    read_struct(&mut x, ty, &root, empty).map(Value::Object)
}

/// Reads a collection document (`<vms><vm>..</vm>...</vms>`) into an array.
pub(crate) fn read_list(ty: &TypeInfo, bytes: &[u8]) -> Result<Value> {
    let mut x = XmlIn::new(bytes);
    let (_, empty) = x.root()?;
    let mut items = Vec::new();
    if !empty {
        while let Some((e, empty)) = x.child()? {
            items.push(Value::Object(read_struct(&mut x, ty, &e, empty)?));
        }
    }
    Ok(Value::Array(items))
}

fn read_struct(
    x: &mut XmlIn<'_>,
    ty: &TypeInfo,
    start: &BytesStart<'_>,
    empty: bool,
) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    each_attr(start, |k, v| {
        if k == b"href" {
            map.insert("href".into(), Value::String(v));
        } else if let Some(f) = ty
            .fields
            .iter()
            .find(|f| f.attribute && f.tag.as_bytes() == k)
        {
            map.insert(f.name.into(), scalar_value(f.scalar, v));
        }
        Ok(())
    })?;
    if empty {
        return Ok(map);
    }
    while let Some((e, empty)) = x.child()? {
        let name = e.local_name();
        if name.as_ref() == b"link" {
            let (mut rel, mut href) = (String::new(), String::new());
            each_attr(&e, |k, v| {
                match k {
                    b"rel" => rel = v,
                    b"href" => href = v,
                    _ => {}
                }
                Ok(())
            })?;
            x.skip(&e, empty)?;
            if let Some(f) = ty.field_by_rel(&rel) {
                map.entry(f.name)
                    .or_insert_with(|| serde_json::json!({ "href": href }));
            }
            continue;
        }
        let Some(field) = ty.field_by_tag(name.as_ref()) else {
            x.skip(&e, empty)?;
            continue;
        };
        let value = match field.item {
            Some(_) => {
                let mut items = Vec::new();
                if !empty {
                    while let Some((item, empty)) = x.child()? {
                        items.push(read_value(x, field, &item, empty)?);
                    }
                }
                Value::Array(items)
            }
            None => read_value(x, field, &e, empty)?,
        };
        map.insert(field.name.into(), value);
    }
    Ok(map)
}

fn read_value(x: &mut XmlIn<'_>, field: &Field, e: &BytesStart<'_>, empty: bool) -> Result<Value> {
    if field.scalar == Scalar::Struct {
        let ty = type_info(field.ty).ok_or_else(|| unknown_type(field.ty))?;
        return read_struct(x, ty, e, empty).map(Value::Object);
    }
    let text = x.text(empty)?;
    Ok(scalar_value(field.scalar, text))
}

/// A number or boolean when the text is one; otherwise the text itself, so that nothing the
/// engine sent is lost.
fn scalar_value(scalar: Scalar, text: String) -> Value {
    match scalar {
        Scalar::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => Value::String(text),
        },
        Scalar::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(text)),
        Scalar::Decimal => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::String(text)),
        _ => Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ty(n: &str) -> &'static TypeInfo {
        type_info(n).unwrap()
    }

    #[test]
    fn writes_attributes_lists_nested_and_escapes() {
        // Keys are written in the order given (serde_json keeps it).
        let vm = json!({
            "id": "1", "name": "a<b", "memory": 1024, "cluster": {"name": "Default"},
            "os": {"boot": {"devices": ["hd", "network"]}}, "stateless": false
        });
        let xml = write(ty("Vm"), "vm", &vm).unwrap();
        assert_eq!(
            xml,
            "<vm id=\"1\"><name>a&lt;b</name><memory>1024</memory>\
             <cluster><name>Default</name></cluster><os><boot><devices><device>hd</device><device>network</device>\
             </devices></boot></os><stateless>false</stateless></vm>"
        );
        let back = read(ty("Vm"), xml.as_bytes()).unwrap();
        assert_eq!(back, vm, "round trip");
    }

    #[test]
    fn refuses_unknown_fields_and_wrong_shapes() {
        let e = write(ty("Vm"), "vm", &json!({"nmae": "x"})).unwrap_err();
        assert_eq!(e.kind(), omnivirt_core::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("no field `nmae`"), "{e}");
        let e = write(ty("Vm"), "vm", &json!({"nics": {"a": 1}})).unwrap_err();
        assert!(e.to_string().contains("vm.nics"), "{e}");
        let e = write(ty("Vm"), "vm", &json!({"cluster": "Default"})).unwrap_err();
        assert!(e.to_string().contains("JSON object"), "{e}");
        assert!(write(ty("Vm"), "vm", &json!([1])).is_err());
    }

    #[test]
    fn reads_links_unknown_elements_and_odd_values() {
        let xml = br#"<vm href="/ovirt-engine/api/vms/1" id="1"><actions><link href="/x/start" rel="start"/></actions>
            <link href="/ovirt-engine/api/vms/1/nics" rel="nics"/><link href="/q" rel="unknownrel"/>
            <future><deep>1</deep></future><memory>lots</memory><status>teleporting</status>
            <stateless>TRUE</stateless><nics/></vm>"#;
        let v = read(ty("Vm"), xml).unwrap();
        assert_eq!(v["href"], "/ovirt-engine/api/vms/1");
        assert_eq!(v["memory"], "lots", "kept as text");
        assert_eq!(v["status"], "teleporting", "unknown enum value kept");
        assert_eq!(v["stateless"], true);
        assert_eq!(v["nics"], json!([]), "inlined wins over the link");
        assert!(v.get("future").is_none() && v.get("actions").is_none());
        let v = read(ty("Vm"), br#"<vm><link href="/n" rel="nics"/></vm>"#).unwrap();
        assert_eq!(v["nics"], json!({"href": "/n"}));
        let list = read_list(
            ty("Vm"),
            b"<vms><vm id=\"a\"/><vm id=\"b\"><name>x</name></vm></vms>",
        )
        .unwrap();
        assert_eq!(list, json!([{"id": "a"}, {"id": "b", "name": "x"}]));
        assert_eq!(read_list(ty("Vm"), b"<vms/>").unwrap(), json!([]));
        assert!(read(ty("Vm"), b"<html><body>x</body>").is_err());
    }
}
