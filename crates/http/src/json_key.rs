//! [`JsonKey`]: an object key for hand-written `Deserialize` impls that match field names.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A JSON object key, borrowed from the input when the deserializer can lend it (a key without
/// escapes read from a slice), copied otherwise. A hand-written map visitor reads keys with it
/// to match field names without allocating one `String` per key.
///
/// ```
/// use serde::de::{Deserializer, MapAccess, Visitor};
/// use omnivirt_http::JsonKey;
///
/// struct Count;
/// impl<'de> Visitor<'de> for Count {
///     type Value = usize;
///     fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("an object")
///     }
///     fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<usize, A::Error> {
///         let mut ids = 0;
///         while let Some(JsonKey(k)) = m.next_key()? {
///             m.next_value::<serde::de::IgnoredAny>()?;
///             ids += usize::from(k == "id");
///         }
///         Ok(ids)
///     }
/// }
/// let mut d = serde_json::Deserializer::from_str(r#"{"id": 1, "name": "a"}"#);
/// assert_eq!(d.deserialize_map(Count).unwrap(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonKey<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for JsonKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}
