//! The runtime behind the generated types' (de)serialisation: each generated struct decodes
//! from a JSON object field by field through [`take`], so a field of an unexpected type lands
//! in the struct's `extra` instead of failing the whole answer, and unknown fields (premium
//! additions) are kept there too. Non-generic over the format, which keeps the generated code
//! small: thousands of derived visitors would cost minutes of build time.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The JSON object a generated struct decodes from (`null` reads as an empty object).
pub(crate) fn object<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default())
}

/// Removes `key` from `m` and decodes it: `None` when absent or `null`; when it does not decode
/// as `T`, `None` and the value is kept in `extra` under its key.
pub(crate) fn take<T: DeserializeOwned>(
    m: &mut Map<String, Value>,
    extra: &mut Map<String, Value>,
    key: &str,
) -> Option<T> {
    let v = m.remove(key)?;
    if v.is_null() {
        return None;
    }
    match T::deserialize(&v) {
        Ok(t) => Some(t),
        Err(_) => {
            extra.insert(key.to_string(), v);
            None
        }
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

    #[test]
    fn take_keeps_what_does_not_fit() {
        let Value::Object(mut m) = json!({"a": 1, "b": "x", "c": null}) else {
            unreachable!()
        };
        let mut extra = Map::new();
        assert_eq!(take::<i64>(&mut m, &mut extra, "a"), Some(1));
        assert_eq!(take::<i64>(&mut m, &mut extra, "b"), None);
        assert_eq!(take::<i64>(&mut m, &mut extra, "c"), None);
        assert_eq!(take::<i64>(&mut m, &mut extra, "d"), None);
        assert_eq!(Value::Object(extra), json!({"b": "x"}));
        assert!(m.is_empty());
        let mut out = Map::new();
        put(&mut out, "a", &Some(2));
        put::<i64>(&mut out, "b", &None);
        assert_eq!(Value::Object(out), json!({"a": 2}));
        assert!(object(Value::Null).unwrap().is_empty());
        assert!(object(json!([1])).is_err());
    }
}
