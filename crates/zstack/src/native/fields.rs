//! The runtime behind the generated types' (de)serialisation. Each generated struct decodes
//! straight from the JSON text, field by field ([`Fields::field`] with [`next`]): a field of an
//! unexpected type lands in the struct's `extra` instead of failing the whole answer, and unknown
//! fields (premium additions) are kept there too. The per-kind readers ([`Lenient`]) are written
//! once here, so each generated struct adds only a `match` on its field names: thousands of
//! derived visitors would cost minutes of build time, and decoding through a
//! `serde_json::Value` first cost four times the time of a derived reader.

use std::fmt;
use std::marker::PhantomData;

use omnivirt_http::JsonKey;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What one field's value turned out to be.
#[derive(Debug)]
pub(crate) enum Read<T> {
    /// `null` (or absent).
    Null,
    /// The expected type.
    Ok(T),
    /// Another type, kept as sent.
    Other(Value),
}

/// A type a generated field can have, read without failing on a value of another type.
pub(crate) trait Lenient: Sized {
    /// Reads one value: the expected type, `null`, or anything else as a [`Value`].
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error>;
    /// The value as JSON again (to keep a partly read array whole in `extra`).
    fn to_json(&self) -> Value;
}

/// A generated struct: reads the value of one of its fields from the map being decoded.
pub(crate) trait Fields: Default {
    /// Reads the value of `key` into its field (with [`next`]); `false` when `key` is not one of
    /// the struct's fields, and the value is still unread.
    fn field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
    /// Where unknown fields and values of an unexpected type go.
    fn extra(&mut self) -> &mut Map<String, Value>;
}

/// Reads the next map value into `slot`: `null` clears it, a value of another type goes to
/// `extra` under `key`.
pub(crate) fn next<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut A,
    slot: &mut Option<T>,
    extra: &mut Map<String, Value>,
    key: &str,
) -> Result<(), A::Error> {
    match map.next_value_seed(Seed::<T>(PhantomData))? {
        Read::Null => *slot = None,
        Read::Ok(v) => *slot = Some(v),
        Read::Other(v) => {
            *slot = None;
            extra.insert(key.to_owned(), v);
        }
    }
    Ok(())
}

/// Decodes a generated struct: a JSON object (or `null`, the empty struct).
pub(crate) fn deserialize_struct<'de, T: Fields, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    match read_struct::<T, D>(d)? {
        Read::Null => Ok(T::default()),
        Read::Ok(t) => Ok(t),
        Read::Other(_) => Err(de::Error::custom("expected a JSON object")),
    }
}

/// [`Lenient::read`] of a generated struct.
pub(crate) fn read_struct<'de, T: Fields, D: Deserializer<'de>>(d: D) -> Result<Read<T>, D::Error> {
    d.deserialize_any(StructVisitor::<T>(PhantomData))
}

/// [`Lenient::read`] of a generated enum: any string is a value of it.
pub(crate) fn read_enum<'de, T: From<String>, D: Deserializer<'de>>(
    d: D,
) -> Result<Read<T>, D::Error> {
    Ok(match String::read(d)? {
        Read::Ok(s) => Read::Ok(T::from(s)),
        Read::Null => Read::Null,
        Read::Other(v) => Read::Other(v),
    })
}

/// Decodes a generated struct from a JSON object already in memory; never fails.
pub(crate) fn from_map<T: Fields>(m: Map<String, Value>) -> T {
    deserialize_struct(Value::Object(m)).unwrap_or_default()
}

/// Reads one value with `T`'s [`Lenient::read`].
struct Seed<T>(PhantomData<T>);

impl<'de, T: Lenient> de::DeserializeSeed<'de> for Seed<T> {
    type Value = Read<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Read<T>, D::Error> {
        T::read(d)
    }
}

/// The rest of a JSON array or object, kept as a [`Value`].
fn seq_value<'de, A: SeqAccess<'de>>(a: A) -> Result<Value, A::Error> {
    Value::deserialize(SeqAccessDeserializer::new(a))
}

fn map_value<'de, A: MapAccess<'de>>(a: A) -> Result<Value, A::Error> {
    Value::deserialize(MapAccessDeserializer::new(a))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
    type Value = Read<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read<T>, A::Error> {
        let mut t = T::default();
        while let Some(JsonKey(k)) = map.next_key()? {
            if !t.field(&k, &mut map)? {
                let v: Value = map.next_value()?;
                t.extra().insert(k.into_owned(), v);
            }
        }
        Ok(Read::Ok(t))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Read<T>, A::Error> {
        seq_value(a).map(Read::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<T>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<T>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<T>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<T>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<T>, E> {
        Ok(Read::Other(v.into()))
    }
}

/// A JSON scalar type: which of the scalar kinds it accepts.
trait Scalar: Sized {
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    fn from_str(_: &str) -> Option<Self> {
        None
    }
}

impl Scalar for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl Scalar for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Scalar for i64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn from_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }
}

impl Scalar for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

fn scalar<T, V: Into<Value>>(t: Option<T>, v: V) -> Read<T> {
    match t {
        Some(t) => Read::Ok(t),
        None => Read::Other(v.into()),
    }
}

impl<'de, T: Scalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = Read<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<T>, E> {
        Ok(scalar(T::from_bool(v), v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<T>, E> {
        Ok(scalar(T::from_i64(v), v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<T>, E> {
        Ok(scalar(T::from_u64(v), v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<T>, E> {
        Ok(scalar(T::from_f64(v), v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<T>, E> {
        Ok(scalar(T::from_str(v), v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Read<T>, E> {
        Ok(Read::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Read<T>, A::Error> {
        seq_value(a).map(Read::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Read<T>, A::Error> {
        map_value(a).map(Read::Other)
    }
}

fn read_scalar<'de, T: Scalar, D: Deserializer<'de>>(d: D) -> Result<Read<T>, D::Error> {
    d.deserialize_any(ScalarVisitor::<T>(PhantomData))
}

impl Lenient for String {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        read_scalar(d)
    }
    fn to_json(&self) -> Value {
        Value::from(self.as_str())
    }
}

impl Lenient for bool {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        read_scalar(d)
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl Lenient for i64 {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        read_scalar(d)
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl Lenient for f64 {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        read_scalar(d)
    }
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

/// Any JSON value but `null` is one.
impl Lenient for Value {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => Read::Null,
            v => Read::Ok(v),
        })
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl Lenient for Map<String, Value> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Null => Read::Null,
            Value::Object(m) => Read::Ok(m),
            v => Read::Other(v),
        })
    }
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl<T: Lenient> Lenient for Box<T> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        Ok(match T::read(d)? {
            Read::Ok(t) => Read::Ok(Box::new(t)),
            Read::Null => Read::Null,
            Read::Other(v) => Read::Other(v),
        })
    }
    fn to_json(&self) -> Value {
        T::to_json(self)
    }
}

/// An array whose every element is a `T`; one element of another type (or `null`) keeps the
/// whole array as sent, as a field of another type would be.
impl<T: Lenient> Lenient for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
        d.deserialize_any(ArrayVisitor::<T>(PhantomData))
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

struct ArrayVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for ArrayVisitor<T> {
    type Value = Read<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Read<Vec<T>>, A::Error> {
        let mut items: Vec<T> = Vec::with_capacity(a.size_hint().unwrap_or(0).min(4096));
        let mut raw: Option<Vec<Value>> = None;
        while let Some(item) = a.next_element_seed(Seed::<T>(PhantomData))? {
            match (item, &mut raw) {
                (Read::Ok(t), None) => items.push(t),
                (item, slot) => {
                    let raw = slot.get_or_insert_with(|| items.iter().map(T::to_json).collect());
                    raw.push(match item {
                        Read::Ok(t) => t.to_json(),
                        Read::Null => Value::Null,
                        Read::Other(v) => v,
                    });
                }
            }
        }
        Ok(match raw {
            None => Read::Ok(items),
            Some(raw) => Read::Other(Value::Array(raw)),
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Read<Vec<T>>, A::Error> {
        map_value(a).map(Read::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Other(v.into()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read<Vec<T>>, E> {
        Ok(Read::Other(v.into()))
    }
}

/// Writes `v` under `key` when it is set.
pub(crate) fn put<T: Serialize>(m: &mut Map<String, Value>, key: &str, v: &Option<T>) {
    if let Some(v) = v
        && let Ok(v) = serde_json::to_value(v)
    {
        m.insert(key.to_string(), v);
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What a generated struct looks like to the runtime.
    #[derive(Debug, Default)]
    struct Probe {
        name: Option<String>,
        n: Option<i64>,
        ratio: Option<f64>,
        tags: Option<Vec<String>>,
        inner: Option<Box<Probe>>,
        extra: Map<String, Value>,
    }

    impl Fields for Probe {
        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "name" => next(map, &mut self.name, &mut self.extra, key)?,
                "n" => next(map, &mut self.n, &mut self.extra, key)?,
                "ratio" => next(map, &mut self.ratio, &mut self.extra, key)?,
                "tags" => next(map, &mut self.tags, &mut self.extra, key)?,
                "inner" => next(map, &mut self.inner, &mut self.extra, key)?,
                _ => return Ok(false),
            }
            Ok(true)
        }
        fn extra(&mut self) -> &mut Map<String, Value> {
            &mut self.extra
        }
    }

    impl Lenient for Probe {
        fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Read<Self>, D::Error> {
            read_struct(d)
        }
        fn to_json(&self) -> Value {
            json!({"name": self.name})
        }
    }

    fn probe(text: &str) -> Probe {
        let mut d = serde_json::Deserializer::from_str(text);
        deserialize_struct(&mut d).unwrap()
    }

    #[test]
    fn fields_of_another_type_land_in_extra() {
        let p = probe(
            r#"{"name": "a\"b", "n": "x", "ratio": 2, "tags": ["t", 1], "z": {"k": [1]},
                "inner": {"name": "i", "n": 18446744073709551615}}"#,
        );
        assert_eq!(p.name.as_deref(), Some("a\"b"));
        assert_eq!(p.n, None);
        assert_eq!(p.ratio, Some(2.0));
        assert_eq!(p.tags, None);
        let inner = p.inner.as_deref().unwrap();
        assert_eq!(inner.name.as_deref(), Some("i"));
        assert_eq!(inner.n, None, "beyond i64 is kept, not wrapped");
        assert_eq!(inner.extra["n"], json!(18446744073709551615u64));
        assert_eq!(
            Value::Object(p.extra),
            json!({"n": "x", "tags": ["t", 1], "z": {"k": [1]}})
        );
    }

    #[test]
    fn null_clears_and_other_shapes() {
        let p = probe(r#"{"name": null, "tags": ["a", "b"], "inner": 5}"#);
        assert_eq!(p.name, None);
        assert_eq!(p.tags, Some(vec!["a".to_string(), "b".to_string()]));
        assert!(p.inner.is_none());
        assert_eq!(p.extra["inner"], json!(5));
        let null: Probe = deserialize_struct(Value::Null).unwrap();
        assert!(null.name.is_none() && null.extra.is_empty());
        assert!(deserialize_struct::<Probe, _>(json!([1])).is_err());
        let Value::Object(m) = json!({"name": "m", "q": true, "tags": [null]}) else {
            unreachable!()
        };
        let from: Probe = from_map(m);
        assert_eq!(from.name.as_deref(), Some("m"));
        assert_eq!(
            Value::Object(from.extra),
            json!({"q": true, "tags": [null]})
        );
    }

    #[test]
    fn put_writes_what_is_set() {
        let mut out = Map::new();
        put(&mut out, "a", &Some(2));
        put::<i64>(&mut out, "b", &None);
        assert_eq!(Value::Object(out), json!({"a": 2}));
    }
}
