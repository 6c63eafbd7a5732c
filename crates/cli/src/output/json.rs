//! The listing's JSON writer: a `serde::Serializer` that appends an item straight to a byte
//! buffer as `serde_json::to_string_pretty` prints it as an element of the top-level array
//! (two spaces a level, one level deeper than the item itself), byte for byte.
//!
//! `serde_json`'s own serializer with a custom formatter did the same through `io::Write`, one
//! small write per token, and escaped strings one byte at a time; listing 10,000 VMs spent a
//! fifth of the client's instructions there. Here strings go through the shared escaper
//! ([`omnivirt_http::escape_json_str_body`], eight bytes at a time), integers through `itoa`,
//! and a line break with its indentation is one copy. Floats and 128-bit integers are rare and
//! go through `serde_json` itself, so their text is its text (non-finite floats are `null`).

use std::fmt;

use omnivirt_http::{escape_json_str_body, push_json_str};
use serde::ser::{self, Impossible, Serialize};

type Result<T = ()> = std::result::Result<T, serde_json::Error>;

/// Appends `item` as pretty JSON one level deep (an element of the top-level array): the same
/// text as `to_string_pretty` gives the element inside the whole array. On an error (a map key
/// that is not a string, a failing `Serialize`) the buffer holds whatever came before it.
pub(super) fn push_element<T: Serialize + ?Sized>(buf: &mut Vec<u8>, item: &T) -> Result {
    item.serialize(&mut Writer { out: buf, depth: 1 })
}

/// A comma, a line break and the indentation of up to 64 levels, two spaces a level; from
/// index 1 on, a line break without the comma.
const SEPARATOR: [u8; 130] = {
    let mut a = [b' '; 130];
    a[0] = b',';
    a[1] = b'\n';
    a
};

/// How much of [`SEPARATOR`] is stored in one go (then cut back): eight levels.
const SHORT: usize = 18;

/// Writes one value into `out`.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Levels open around the next line, counting the enclosing array.
    depth: usize,
}

impl Writer<'_> {
    /// A comma if `comma`, then a line break and the indentation of the current depth. Up to
    /// eight levels this is one fixed-size store cut back to length (a `u8` has nothing to
    /// drop), not a call to `memcpy`.
    #[inline]
    fn line(&mut self, comma: bool) {
        let start = usize::from(!comma);
        let end = 2 + self.depth * 2;
        let len = self.out.len();
        match SEPARATOR[start..].split_first_chunk::<SHORT>() {
            Some((chunk, _)) if end <= SHORT => {
                self.out.extend_from_slice(chunk);
                self.out.truncate(len + end - start);
            }
            _ => {
                let stored = end.min(SEPARATOR.len());
                self.out.extend_from_slice(&SEPARATOR[start..stored]);
                self.out.resize(len + end - start, b' ');
            }
        }
    }

    /// A line break and the indentation of the current depth.
    #[inline]
    fn new_line(&mut self) {
        self.line(false);
    }

    /// Opens an array or an object.
    #[inline]
    fn open(&mut self, bracket: u8) {
        self.depth += 1;
        self.out.push(bracket);
    }

    /// Closes an array or an object; one with elements closes on its own line.
    #[inline]
    fn close(&mut self, bracket: u8, had_elements: bool) {
        self.depth -= 1;
        if had_elements {
            self.new_line();
        }
        self.out.push(bracket);
    }

    /// Starts an element of an array or an entry of an object: the comma after the one before,
    /// a line break and indentation.
    #[inline]
    fn element(&mut self, first: bool) {
        self.line(!first);
    }

    /// An integer, as `itoa` (and so `serde_json`) writes it.
    #[inline]
    fn integer(&mut self, v: impl itoa::Integer) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    /// A value `serde_json` writes by itself (floats, 128-bit integers): its text exactly.
    fn by_serde_json<T: Serialize>(&mut self, v: &T) -> Result {
        serde_json::to_writer(&mut *self.out, v)
    }

    /// `{"variant": ` of an enum variant with content, up to the content.
    fn open_variant(&mut self, variant: &str) {
        self.open(b'{');
        self.new_line();
        push_json_str(self.out, variant);
        self.out.extend_from_slice(b": ");
    }
}

/// Writes `Display` text escaped as inside a JSON string.
struct Escaping<'a>(&'a mut Vec<u8>);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_json_str_body(self.0, s);
        Ok(())
    }
}

/// `Display` text as a JSON string, as `serde_json`'s `collect_str` writes it: without the
/// `String` serde's default would build first.
fn collect_str<T: fmt::Display + ?Sized>(out: &mut Vec<u8>, v: &T) -> Result {
    use fmt::Write as _;
    out.push(b'"');
    write!(Escaping(out), "{v}").map_err(ser::Error::custom)?;
    out.push(b'"');
    Ok(())
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.integer(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.by_serde_json(&v)
    }
    fn serialize_char(self, v: char) -> Result {
        push_json_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        push_json_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        // serde_json writes bytes as an array of numbers.
        self.open(b'[');
        for (i, &b) in v.iter().enumerate() {
            self.element(i == 0);
            self.integer(b);
        }
        self.close(b']', !v.is_empty());
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.close(b'}', true);
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a>> {
        self.open(b'[');
        Ok(Compound::new(self, false))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>> {
        self.open_variant(variant);
        self.open(b'[');
        Ok(Compound::new(self, true))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a>> {
        self.open(b'{');
        Ok(Compound::new(self, false))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>> {
        self.open_variant(variant);
        self.open(b'{');
        Ok(Compound::new(self, true))
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        collect_str(self.out, value)
    }
}

/// An array or an object being written.
struct Compound<'w, 'a> {
    ser: &'w mut Writer<'a>,
    /// No element written yet.
    first: bool,
    /// The content of an enum variant: closing it closes the `{"variant": …}` around it too.
    in_variant: bool,
}

impl<'w, 'a> Compound<'w, 'a> {
    fn new(ser: &'w mut Writer<'a>, in_variant: bool) -> Self {
        Self {
            ser,
            first: true,
            in_variant,
        }
    }

    /// Starts the next element or entry.
    #[inline]
    fn element(&mut self) {
        self.ser.element(self.first);
        self.first = false;
    }

    /// Writes an entry's key (any key `serde_json` takes) and the `": "` after it.
    #[inline]
    fn key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result {
        self.element();
        key.serialize(KeyWriter(self.ser.out))?;
        self.ser.out.extend_from_slice(b": ");
        Ok(())
    }

    /// A struct field's name: always a string, written without the detour through `Serialize`.
    #[inline]
    fn field_name(&mut self, name: &str) {
        self.element();
        self.ser.out.push(b'"');
        escape_json_str_body(self.ser.out, name);
        self.ser.out.extend_from_slice(b"\": ");
    }

    fn end_with(self, bracket: u8) -> Result {
        self.ser.close(bracket, !self.first);
        if self.in_variant {
            self.ser.close(b'}', true);
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element();
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result {
        self.end_with(b']')
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        self.end_with(b']')
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        self.end_with(b']')
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result {
        self.end_with(b']')
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.ser)
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result {
        self.key(key)?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result {
        self.end_with(b'}')
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result {
        self.field_name(name);
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result {
        self.end_with(b'}')
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result {
        ser::SerializeStruct::serialize_field(self, name, value)
    }
    fn end(self) -> Result {
        self.end_with(b'}')
    }
}

/// Writes a map key as `serde_json` takes it: a string as it is; an integer, a bool, a char,
/// a finite float or a unit variant quoted; anything else is an error.
struct KeyWriter<'a>(&'a mut Vec<u8>);

impl KeyWriter<'_> {
    fn quoted(self, text: &[u8]) -> Result {
        self.0.push(b'"');
        self.0.extend_from_slice(text);
        self.0.push(b'"');
        Ok(())
    }

    fn integer(self, v: impl itoa::Integer) -> Result {
        self.quoted(itoa::Buffer::new().format(v).as_bytes())
    }

    fn float<T: Serialize>(self, v: T, finite: bool) -> Result {
        if !finite {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.0.push(b'"');
        serde_json::to_writer(&mut *self.0, &v)?;
        self.0.push(b'"');
        Ok(())
    }
}

/// serde_json's error for a map key that is not a string (nor taken as one).
fn key_must_be_a_string() -> serde_json::Error {
    ser::Error::custom("key must be a string")
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Impossible<(), serde_json::Error>;
    type SerializeTuple = Impossible<(), serde_json::Error>;
    type SerializeTupleStruct = Impossible<(), serde_json::Error>;
    type SerializeTupleVariant = Impossible<(), serde_json::Error>;
    type SerializeMap = Impossible<(), serde_json::Error>;
    type SerializeStruct = Impossible<(), serde_json::Error>;
    type SerializeStructVariant = Impossible<(), serde_json::Error>;

    fn serialize_bool(self, v: bool) -> Result {
        self.quoted(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.integer(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.integer(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.integer(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.float(v, v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(v, v.is_finite())
    }
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        push_json_str(self.0, v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        collect_str(self.0, value)
    }
}

#[cfg(test)]
mod tests;
