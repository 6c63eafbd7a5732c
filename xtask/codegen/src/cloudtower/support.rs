//! What every generated types file shares: the serde support code written into
//! `types/mod.rs`, and the merging of structs of the same shape into one type plus aliases
//! (111 `NestedAggregate*` are all `{count}`, 82 `Nested*` are `{id}`...).

use std::collections::{BTreeSet, HashMap};

use super::types::{Def, Kind, Traits, rust_ty};
use crate::rust::doc;

/// Structs whose fields (wire names, Rust names and types, boxing) are identical: every later
/// one (in `order`) becomes an alias of the first, which gets the serde impls any of them needs.
/// Answers `alias -> canonical` and the canonical types' merged traits.
pub fn same_shapes(
    order: &[&Def],
    boxes: &BTreeSet<(String, String)>,
    traits_of: impl Fn(&Def) -> Traits,
) -> (HashMap<String, String>, HashMap<String, Traits>) {
    let mut canon: HashMap<String, String> = HashMap::new();
    let mut alias_of = HashMap::new();
    let mut merged: HashMap<String, Traits> = HashMap::new();
    for def in order {
        let Kind::Struct(fields) = &def.kind else {
            continue;
        };
        let mut shape = String::new();
        for f in fields {
            let boxed = boxes.contains(&(def.ident.clone(), f.ident.clone()));
            shape.push_str(&format!(
                "{}:{}:{}:{boxed};",
                f.wire,
                f.ident,
                rust_ty(&f.ty)
            ));
        }
        let t = traits_of(def);
        let first = canon
            .entry(shape)
            .or_insert_with(|| def.ident.clone())
            .clone();
        let slot = merged.entry(first.clone()).or_insert(t);
        slot.ser |= t.ser;
        slot.de |= t.de;
        if first != def.ident {
            alias_of.insert(def.ident.clone(), first);
        }
    }
    (alias_of, merged)
}

/// `pub type X = Canonical;` with its doc.
pub fn alias(def: &Def, canonical: &str) -> String {
    let mut out = doc(&format!(
        "`{}` of the CloudTower model: the same fields as `{canonical}`.",
        def.model
    ));
    out.push_str(&format!("pub type {} = {canonical};\n", def.ident));
    out
}

/// The serde support code of `types/mod.rs`.
pub const SUPPORT: &str = r#"
/// Decodes a string enum: `known` maps the bytes of a value the model knows to its variant
/// (no UTF-8 check, no allocation), `from` keeps any other value in `Other`.
pub(crate) fn wire_enum<'de, D, T>(
    d: D,
    known: fn(&[u8]) -> Option<T>,
    from: fn(&str) -> T,
) -> ::core::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visit<T>(fn(&[u8]) -> Option<T>, fn(&str) -> T);
    impl<T> serde::de::Visitor<'_> for Visit<T> {
        type Value = T;
        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<T, E> {
            Ok((self.1)(v))
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> ::core::result::Result<T, E> {
            if let Some(t) = (self.0)(v) {
                return Ok(t);
            }
            match ::core::str::from_utf8(v) {
                Ok(s) => Ok((self.1)(s)),
                Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    d.deserialize_bytes(Visit(known, from))
}

/// A struct decoded one key at a time; unknown keys are skipped.
pub(crate) trait FromMap: Default {
    /// The model's name, for errors.
    const NAME: &'static str;
    /// Decodes the value of the key spelled `key` into its field.
    fn field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &[u8],
        m: &mut A,
    ) -> ::core::result::Result<(), A::Error>;
}

/// Skips the value of a key the struct does not know.
#[inline]
pub(crate) fn skip<'de, A: serde::de::MapAccess<'de>>(m: &mut A) -> ::core::result::Result<(), A::Error> {
    m.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// A JSON array (or null) read into an `Option<Vec<T>>` whose `Vec` holds exactly its elements
/// when there are at most three, where `Vec`'s own decoding reserves room for four on the first
/// push: most lists of a listing are that short (a VM's disks, NICs, labels, snapshots).
pub(crate) struct List<T>(pub(crate) Option<Vec<T>>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for List<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        use ::core::marker::PhantomData;
        struct Seq<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Seq<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut s: S) -> ::core::result::Result<Vec<T>, S::Error> {
                let Some(a) = s.next_element()? else {
                    return Ok(Vec::new());
                };
                let Some(b) = s.next_element()? else {
                    return Ok(vec![a]);
                };
                let Some(c) = s.next_element()? else {
                    return Ok(vec![a, b]);
                };
                let mut v = vec![a, b, c];
                while let Some(x) = s.next_element()? {
                    v.push(x);
                }
                Ok(v)
            }
        }
        struct Opt<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Opt<T> {
            type Value = Option<Vec<T>>;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("option")
            }
            fn visit_none<E: serde::de::Error>(self) -> ::core::result::Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> ::core::result::Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> ::core::result::Result<Self::Value, D2::Error> {
                d.deserialize_seq(Seq(PhantomData)).map(Some)
            }
        }
        d.deserialize_option(Opt(PhantomData)).map(List)
    }
}

/// An optional scalar read in one step: `deserialize_any` sees `null` (`None`) or the value,
/// and hands the value to `T`'s own decoding, so values and errors are those of `Option<T>`.
/// `Option<T>` asks for an option first and then for the value, skipping whitespace and
/// dispatching twice.
pub(crate) struct Opt<T>(pub(crate) Option<T>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Opt<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        use serde::de::IntoDeserializer as _;
        use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
        struct Visit<T>(::core::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = Opt<T>;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_unit<E: serde::de::Error>(self) -> ::core::result::Result<Opt<T>, E> {
                Ok(Opt(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> ::core::result::Result<Opt<T>, E> {
                Ok(Opt(None))
            }
            fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> ::core::result::Result<Opt<T>, D2::Error> {
                T::deserialize(d).map(|v| Opt(Some(v)))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(BorrowedStrDeserializer::new(v)).map(|v| Opt(Some(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> ::core::result::Result<Opt<T>, E> {
                T::deserialize(v.into_deserializer()).map(|v| Opt(Some(v)))
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(self, s: S) -> ::core::result::Result<Opt<T>, S::Error> {
                T::deserialize(SeqAccessDeserializer::new(s)).map(|v| Opt(Some(v)))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, m: M) -> ::core::result::Result<Opt<T>, M::Error> {
                T::deserialize(MapAccessDeserializer::new(m)).map(|v| Opt(Some(v)))
            }
        }
        d.deserialize_any(Visit(::core::marker::PhantomData))
    }
}

/// [`Opt`] for a string: the text is copied straight into the `String` (the visitor of
/// `String` itself, reached through `Opt`, is a call per value that does only that).
pub(crate) struct OptStr(pub(crate) Option<String>);

impl<'de> serde::Deserialize<'de> for OptStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = OptStr;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("a string")
            }
            fn visit_unit<E: serde::de::Error>(self) -> ::core::result::Result<OptStr, E> {
                Ok(OptStr(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> ::core::result::Result<OptStr, E> {
                Ok(OptStr(None))
            }
            fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> ::core::result::Result<OptStr, D2::Error> {
                <String as serde::Deserialize>::deserialize(d).map(|s| OptStr(Some(s)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<OptStr, E> {
                Ok(OptStr(Some(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> ::core::result::Result<OptStr, E> {
                Ok(OptStr(Some(v)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> ::core::result::Result<OptStr, E> {
                match ::core::str::from_utf8(v) {
                    Ok(s) => Ok(OptStr(Some(s.to_owned()))),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
                }
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> ::core::result::Result<OptStr, E> {
                match String::from_utf8(v) {
                    Ok(s) => Ok(OptStr(Some(s))),
                    Err(e) => Err(E::invalid_value(serde::de::Unexpected::Bytes(&e.into_bytes()), &self)),
                }
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A map key's bytes, borrowed from the input when it has no escapes. Keys are asked for as
/// bytes: a key only selects a field, so checking that it is UTF-8 (as `&str` would) is wasted.
struct Key<'de>(::std::borrow::Cow<'de, [u8]>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
        use ::std::borrow::Cow;
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_vec())))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.as_bytes().to_vec())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> ::core::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.into_bytes())))
            }
        }
        d.deserialize_bytes(Visit)
    }
}

/// Decodes a [`FromMap`] struct from a JSON object.
pub(crate) fn from_map<'de, D, T>(d: D) -> ::core::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromMap,
{
    struct Visit<T>(::core::marker::PhantomData<T>);
    impl<'de, T: FromMap> serde::de::Visitor<'de> for Visit<T> {
        type Value = T;
        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            write!(f, "a {} object", T::NAME)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> ::core::result::Result<T, A::Error> {
            let mut out = T::default();
            while let Some(key) = m.next_key::<Key<'de>>()? {
                out.field(&key.0, &mut m)?;
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(::core::marker::PhantomData))
}
"#;
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudtower::types::{Field, Ty};

    fn one_field(ident: &str, ty: Ty) -> Def {
        Def {
            ident: ident.into(),
            component: ident.into(),
            model: ident.into(),
            kind: Kind::Struct(vec![Field {
                wire: "count".into(),
                ident: "count".into(),
                ty,
                model: String::new(),
                required: true,
            }]),
        }
    }

    #[test]
    fn same_shapes_become_aliases_with_merged_traits() {
        let a = one_field("AggA", Ty::I32);
        let b = one_field("AggB", Ty::I32);
        let c = one_field("Other", Ty::I64);
        let order = [&a, &b, &c];
        let (alias_of, merged) = same_shapes(&order, &BTreeSet::new(), |d| Traits {
            ser: d.ident == "AggB",
            de: d.ident == "AggA",
        });
        assert_eq!(alias_of.get("AggB").map(String::as_str), Some("AggA"));
        assert!(!alias_of.contains_key("AggA") && !alias_of.contains_key("Other"));
        assert_eq!(
            merged["AggA"],
            Traits {
                ser: true,
                de: true
            }
        );
        let text = alias(&b, "AggA");
        assert!(text.ends_with("pub type AggB = AggA;\n"), "{text}");
    }
}
