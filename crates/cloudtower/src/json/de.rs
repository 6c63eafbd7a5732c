//! `serde::Deserializer` over [`Reader`]: the generated `Deserialize` impls run unchanged on it.
//!
//! Each method answers as `serde_json`'s does (same visitor calls for the same input), so
//! values are the same; only the work per token is smaller: keys are borrowed bytes found eight
//! at a time, strings are slices of the input checked as UTF-8 once, and the common numbers
//! are read in one pass.

use serde::de::{self, DeserializeSeed, Unexpected, Visitor};

use super::Error;
use super::scan::{Num, Reader, Text};

type Result<T> = std::result::Result<T, Error>;

/// Which `serde_json` method reads a number on the exact path.
#[derive(Clone, Copy)]
enum NumKind {
    Any,
    I128,
    U128,
}

impl<'de> Reader<'de> {
    /// Adds the current position to an error that has none (one raised by a visitor).
    #[cold]
    pub(super) fn fix(&self, e: Error) -> Error {
        e.or_at(self.buf, self.pos)
    }

    /// The end of the document: only whitespace may follow.
    pub(super) fn end(&mut self) -> Result<()> {
        match self.ws() {
            None => Ok(()),
            Some(_) => Err(self.err("trailing characters")),
        }
    }

    /// What the next value is, for an "invalid type" error.
    #[cold]
    fn invalid<V: Visitor<'de>>(&mut self, v: &V) -> Error {
        match self.ws() {
            None => return self.err("EOF while parsing a value"),
            Some(c) if !b"nft\"[{-0123456789".contains(&c) => return self.err("expected value"),
            Some(_) => {}
        }
        let at = self.pos;
        let string = match self.ws() {
            Some(b'"') => self
                .string::<true>()
                .ok()
                .and_then(|t| self.str_of(&t).ok().map(str::to_owned)),
            _ => None,
        };
        let number = match self.ws() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => None,
        };
        self.pos = at;
        if let Some(s) = string {
            return self.fix(de::Error::invalid_type(Unexpected::Str(&s), v));
        }
        let what = match number {
            Some(Num::U(n)) => Unexpected::Unsigned(n),
            Some(Num::I(n)) => Unexpected::Signed(n),
            Some(Num::F(n)) => Unexpected::Float(n),
            None => self.kind(),
        };
        self.fix(de::Error::invalid_type(what, v))
    }

    /// The kind of the next value, for errors.
    #[cold]
    fn kind(&mut self) -> Unexpected<'static> {
        match self.ws() {
            Some(b'n') => Unexpected::Unit,
            Some(b't') => Unexpected::Bool(true),
            Some(b'f') => Unexpected::Bool(false),
            Some(b'"') => Unexpected::Other("string"),
            Some(b'[') => Unexpected::Seq,
            Some(b'{') => Unexpected::Map,
            Some(b'-' | b'0'..=b'9') => Unexpected::Other("number"),
            Some(_) | None => Unexpected::Other("no value"),
        }
    }

    /// A number (the next byte starts one), handed to `v` as `serde_json` would.
    #[inline]
    fn visit_number<V: Visitor<'de>>(&mut self, v: V, kind: NumKind) -> Result<V::Value> {
        if let NumKind::Any = kind {
            match self.number() {
                Some(Num::U(n)) => return v.visit_u64(n).map_err(|e| self.fix(e)),
                Some(Num::I(n)) => return v.visit_i64(n).map_err(|e| self.fix(e)),
                Some(Num::F(n)) => return v.visit_f64(n).map_err(|e| self.fix(e)),
                None => {}
            }
        }
        self.number_exact(v, kind)
    }

    /// Numbers outside the common shapes (exponents, long or out-of-range ones, invalid ones)
    /// are read by `serde_json` itself, so they come out exactly as it reads them.
    #[cold]
    #[inline(never)]
    fn number_exact<V: Visitor<'de>>(&mut self, v: V, kind: NumKind) -> Result<V::Value> {
        use serde::Deserializer as _;
        let (a, b) = self.number_run();
        let mut d = serde_json::Deserializer::from_slice(&self.buf[a..b]);
        let r = match kind {
            NumKind::Any => d.deserialize_any(v),
            NumKind::I128 => d.deserialize_i128(v),
            NumKind::U128 => d.deserialize_u128(v),
        };
        let r = r.and_then(|x| d.end().map(|()| x));
        match r {
            Ok(x) => {
                self.pos = b;
                Ok(x)
            }
            Err(e) if e.is_data() => {
                let msg = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
                self.pos = b;
                Err(self.err(msg))
            }
            Err(e) => {
                self.pos = (a + e.column()).saturating_sub(1).min(b);
                Err(self.err("invalid number"))
            }
        }
    }

    /// The string at the next byte, as text.
    #[inline(always)]
    fn visit_string<V: Visitor<'de>>(&mut self, v: V) -> Result<V::Value> {
        let r = match self.string::<true>()? {
            Text::Input(a, b) => match self.text.get(a..b) {
                Some(s) => v.visit_borrowed_str(s),
                None => return Err(self.err("invalid UTF-8")),
            },
            t @ Text::Scratch => v.visit_str(self.str_of(&t)?),
        };
        r.map_err(|e| self.fix(e))
    }

    /// The string at the next byte, as bytes.
    #[inline(always)]
    fn visit_bytes<V: Visitor<'de>>(&mut self, v: V) -> Result<V::Value> {
        let buf = self.buf;
        let r = match self.string::<false>()? {
            Text::Input(a, b) => v.visit_borrowed_bytes(&buf[a..b]),
            Text::Scratch => v.visit_bytes(&self.scratch),
        };
        r.map_err(|e| self.fix(e))
    }

    #[inline]
    fn visit_array<V: Visitor<'de>>(&mut self, v: V) -> Result<V::Value> {
        self.enter()?;
        let value = v
            .visit_seq(Seq {
                de: self,
                first: true,
            })
            .map_err(|e| self.fix(e))?;
        self.depth += 1;
        match self.ws() {
            Some(b']') => {
                self.pos += 1;
                Ok(value)
            }
            Some(b',') => Err(self.err("trailing comma")),
            Some(_) => Err(self.err("trailing characters")),
            None => Err(self.err("EOF while parsing a list")),
        }
    }

    #[inline]
    fn visit_object<V: Visitor<'de>>(&mut self, v: V) -> Result<V::Value> {
        self.enter()?;
        let value = v
            .visit_map(Map {
                de: self,
                first: true,
            })
            .map_err(|e| self.fix(e))?;
        self.depth += 1;
        self.close_object()?;
        Ok(value)
    }

    fn close_object(&mut self) -> Result<()> {
        match self.ws() {
            Some(b'}') => {
                self.pos += 1;
                Ok(())
            }
            Some(b',') => Err(self.err("trailing comma")),
            Some(_) => Err(self.err("trailing characters")),
            None => Err(self.err("EOF while parsing an object")),
        }
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
            match self.ws() {
                Some(b'-' | b'0'..=b'9') => self.visit_number(v, NumKind::Any),
                _ => Err(self.invalid(&v)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'"') => self.visit_string(v),
            Some(b'n') => {
                self.ident(b"null")?;
                v.visit_unit().map_err(|e| self.fix(e))
            }
            Some(b't') => {
                self.ident(b"true")?;
                v.visit_bool(true).map_err(|e| self.fix(e))
            }
            Some(b'f') => {
                self.ident(b"false")?;
                v.visit_bool(false).map_err(|e| self.fix(e))
            }
            Some(b'-' | b'0'..=b'9') => self.visit_number(v, NumKind::Any),
            Some(b'[') => self.visit_array(v),
            Some(b'{') => self.visit_object(v),
            Some(_) => Err(self.err("expected value")),
            None => Err(self.err("EOF while parsing a value")),
        }
    }

    numbers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8
        deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64);

    fn deserialize_i128<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'-' | b'0'..=b'9') => self.number_exact(v, NumKind::I128),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_u128<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'-' | b'0'..=b'9') => self.number_exact(v, NumKind::U128),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b't') => {
                self.ident(b"true")?;
                v.visit_bool(true).map_err(|e| self.fix(e))
            }
            Some(b'f') => {
                self.ident(b"false")?;
                v.visit_bool(false).map_err(|e| self.fix(e))
            }
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_str(v)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'"') => self.visit_string(v),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_str(v)
    }

    #[inline]
    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'"') => self.visit_bytes(v),
            Some(b'[') => self.visit_array(v),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_bytes(v)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'n') => {
                self.ident(b"null")?;
                v.visit_none().map_err(|e| self.fix(e))
            }
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'n') => {
                self.ident(b"null")?;
                v.visit_unit().map_err(|e| self.fix(e))
            }
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        v.visit_newtype_struct(self)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'[') => self.visit_array(v),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(v)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        match self.ws() {
            Some(b'{') => self.visit_object(v),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        match self.ws() {
            Some(b'{') => self.visit_object(v),
            Some(b'[') => self.visit_array(v),
            _ => Err(self.invalid(&v)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        match self.ws() {
            Some(b'{') => {
                self.enter()?;
                let value = v
                    .visit_enum(Variant { de: self })
                    .map_err(|e| self.fix(e))?;
                self.depth += 1;
                match self.ws() {
                    Some(b'}') => {
                        self.pos += 1;
                        Ok(value)
                    }
                    Some(_) => Err(self.err("expected value")),
                    None => Err(self.err("EOF while parsing an object")),
                }
            }
            Some(b'"') => v.visit_enum(UnitVariant { de: self }),
            Some(_) => Err(self.err("expected value")),
            None => Err(self.err("EOF while parsing a value")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.deserialize_str(v)
    }

    #[inline]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.skip()?;
        v.visit_unit()
    }
}

/// The elements of an array.
struct Seq<'a, 'de> {
    de: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let c = match self.de.ws() {
            Some(b']') => return Ok(None),
            Some(b',') if !self.first => {
                self.de.pos += 1;
                self.de.ws()
            }
            Some(c) if self.first => {
                self.first = false;
                Some(c)
            }
            Some(_) => return Err(self.de.err("expected `,` or `]`")),
            None => return Err(self.de.err("EOF while parsing a list")),
        };
        match c {
            Some(b']') => Err(self.de.err("trailing comma")),
            Some(_) => seed.deserialize(&mut *self.de).map(Some),
            None => Err(self.de.err("EOF while parsing a value")),
        }
    }
}

/// The entries of an object.
pub(super) struct Map<'a, 'de> {
    de: &'a mut Reader<'de>,
    first: bool,
}

impl<'a, 'de> Map<'a, 'de> {
    /// The entries of an object whose key was just read (the colon is next): for a walk that
    /// finds the keys itself and hands each value to a type's `field` (`super::each`).
    pub(super) fn after_key(de: &'a mut Reader<'de>) -> Self {
        Map { de, first: false }
    }
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = Error;

    // Inlined into each struct's key loop (the provided `next_key` was one call per key).
    #[inline(always)]
    fn next_key<K: de::Deserialize<'de>>(&mut self) -> Result<Option<K>> {
        self.next_key_seed(std::marker::PhantomData)
    }

    #[inline(always)]
    fn next_value<V: de::Deserialize<'de>>(&mut self) -> Result<V> {
        self.next_value_seed(std::marker::PhantomData)
    }

    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let c = match self.de.ws() {
            Some(b'}') => return Ok(None),
            Some(b',') if !self.first => {
                self.de.pos += 1;
                self.de.ws()
            }
            Some(c) if self.first => {
                self.first = false;
                Some(c)
            }
            Some(_) => return Err(self.de.err("expected `,` or `}`")),
            None => return Err(self.de.err("EOF while parsing an object")),
        };
        match c {
            Some(b'"') => seed.deserialize(Key { de: &mut *self.de }).map(Some),
            Some(b'}') => Err(self.de.err("trailing comma")),
            Some(_) => Err(self.de.err("key must be a string")),
            None => Err(self.de.err("EOF while parsing a value")),
        }
    }

    #[inline(always)]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value> {
        self.de.colon()?;
        seed.deserialize(&mut *self.de)
    }
}

/// An object key (the next byte is its opening quote). Keys are strings to every type this
/// crate decodes, so numeric and boolean requests read the key as a string too (`serde_json`
/// would parse the key's text as a number or boolean; no type here asks for that).
struct Key<'a, 'de> {
    de: &'a mut Reader<'de>,
}

impl<'de> de::Deserializer<'de> for Key<'_, 'de> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.de.visit_string(v)
    }

    #[inline]
    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.de.visit_bytes(v)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        self.de.visit_bytes(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value> {
        v.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_enum(self.de, name, variants, v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// `"Variant"`.
struct UnitVariant<'a, 'de> {
    de: &'a mut Reader<'de>,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(&mut *self.de)?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _v: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// `{"Variant": value}`.
struct Variant<'a, 'de> {
    de: &'a mut Reader<'de>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(&mut *self.de)?;
        self.de.colon()?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self.de)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self.de, v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self.de, "", fields, v)
    }
}
