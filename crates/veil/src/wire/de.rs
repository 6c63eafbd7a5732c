//! Hand-written decoding for the objects every VM read goes through: [`Ref`] and [`Domain`].
//!
//! The derived decoders cost more than the answer is worth on this path. A derived struct
//! with a `#[serde(flatten)]` field first copies the whole object into serde's buffer and
//! then reads every field a second time from there; an untagged enum tries one variant and
//! builds an error message before it tries the next. Here a [`Domain`] is read in one pass
//! (the fields it names decoded in place, every other one kept in `extra`) and a [`Ref`]
//! takes a bare id or an object as it comes. From JSON they read what the derived ones read
//! (the tests below hold them to it), except that a `Ref` written as an array, which the
//! derived one took as `[id, name]` and no VeiL answer holds, is an error.

use std::borrow::Cow;
use std::fmt;

use omnivirt_http::JsonKey;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{Domain, Extra, Ref};

/// Keeps a field a struct does not name in its `extra`, as JSON.
fn keep<'de, A: MapAccess<'de>>(
    extra: &mut Extra,
    key: Cow<'de, str>,
    m: &mut A,
) -> Result<(), A::Error> {
    let v: serde_json::Value = m.next_value()?;
    extra.insert(key.into_owned(), v);
    Ok(())
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ref;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id, or an object with an `id`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ref, E> {
                Ok(Ref::new(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Ref, E> {
                Ok(Ref::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ref, A::Error> {
                let mut id = None;
                let mut verbose_name = None;
                while let Some(JsonKey(k)) = m.next_key()? {
                    match &*k {
                        "id" => id = Some(m.next_value::<String>()?),
                        "verbose_name" => verbose_name = m.next_value::<Option<String>>()?,
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(Ref { id, verbose_name })
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Domain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Domain;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a VeiL domain object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Domain, A::Error> {
                let mut id = None;
                let mut d = Domain {
                    id: String::new(),
                    verbose_name: String::new(),
                    status: None,
                    user_power_state: None,
                    cpu_count: None,
                    memory_count: None,
                    node: None,
                    cluster: None,
                    resource_pool: None,
                    description: None,
                    template: None,
                    locked_by: None,
                    parent: None,
                    os_type: None,
                    vdisks_count: None,
                    extra: Extra::new(),
                };
                while let Some(JsonKey(k)) = m.next_key()? {
                    match &*k {
                        "id" => id = Some(m.next_value::<String>()?),
                        "verbose_name" => d.verbose_name = m.next_value()?,
                        "status" => d.status = m.next_value()?,
                        "user_power_state" => d.user_power_state = m.next_value()?,
                        "cpu_count" => d.cpu_count = m.next_value()?,
                        "memory_count" => d.memory_count = m.next_value()?,
                        "node" => d.node = m.next_value()?,
                        "cluster" => d.cluster = m.next_value()?,
                        "resource_pool" => d.resource_pool = m.next_value()?,
                        "description" => d.description = m.next_value()?,
                        "template" => d.template = m.next_value()?,
                        "locked_by" => d.locked_by = m.next_value()?,
                        "parent" => d.parent = m.next_value()?,
                        "os_type" => d.os_type = m.next_value()?,
                        "vdisks_count" => d.vdisks_count = m.next_value()?,
                        _ => keep(&mut d.extra, k, &mut m)?,
                    }
                }
                d.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(d)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// The fields a domain reads as a [`Ref`].
    const REFS: [&str; 4] = ["node", "cluster", "resource_pool", "parent"];

    fn sample(name: &str) -> Value {
        let path = format!(
            "{}/../../fixtures/veil/samples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// Every field of `raw` reads back from the decoded domain unchanged, named or in `extra`,
    /// and a field the domain names but `raw` lacks is empty.
    fn holds_all_of(raw: &Value) {
        let d: Domain = serde_json::from_value(raw.clone()).unwrap();
        // The same through the borrowing path (keys taken from the text, not copied).
        let text = raw.to_string();
        assert_eq!(serde_json::from_str::<Domain>(&text).unwrap(), d);
        let back = serde_json::to_value(&d).unwrap();
        let (Some(raw), Some(back)) = (raw.as_object(), back.as_object()) else {
            panic!("not objects");
        };
        for (k, v) in raw {
            let got = back.get(k).unwrap_or(&Value::Null);
            if REFS.contains(&k.as_str()) && !v.is_null() {
                // A reference is kept as its id and name, whichever shape it came in.
                let id = v.get("id").unwrap_or(v);
                assert_eq!(got["id"], *id, "{k}");
                match v.get("verbose_name").filter(|n| !n.is_null()) {
                    Some(n) => assert_eq!(got["verbose_name"], *n, "{k}"),
                    None => assert!(got.get("verbose_name").is_none(), "{k}"),
                }
            } else {
                assert_eq!(got, v, "{k}");
            }
        }
        for (k, v) in back {
            if !raw.contains_key(k) {
                assert!(v.is_null() || v == "", "{k}: {v}");
            }
        }
        assert!(d.extra.keys().all(|k| raw.contains_key(k)));
    }

    #[test]
    fn a_domain_keeps_every_field_of_the_samples() {
        holds_all_of(&sample("domain_info.json"));
        holds_all_of(&sample("domain_start_sync_200.json"));
        let list = sample("domains_list.json");
        let results = list["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for d in results {
            holds_all_of(d);
        }
    }

    #[test]
    fn a_domain_with_escaped_keys_nulls_and_nested_extras() {
        let raw = json!({
            "id": "d1",
            "verbose_name": "web \"1\"",
            "status": null,
            "user_power_state": 3,
            "cpu_count": 4,
            "memory_count": 2048,
            "node": "n1",
            "cluster": {"id": "c1", "verbose_name": null, "other": [1, 2]},
            "parent": {"id": "t1", "verbose_name": "tpl"},
            "template": false,
            "k\u{e9}y \"quoted\"": {"deep": [null, true, 1.5]},
            "guest_utils": {"ipv4": ["10.0.0.2"]},
        });
        holds_all_of(&raw);
        let d: Domain = serde_json::from_value(raw).unwrap();
        assert_eq!(d.node, Some(Ref::new("n1")));
        assert_eq!(d.cluster, Some(Ref::new("c1")));
        assert_eq!(d.parent.unwrap().verbose_name.as_deref(), Some("tpl"));
        assert_eq!(d.extra.len(), 2);
    }

    #[test]
    fn what_a_domain_refuses() {
        for (bad, says) in [
            (json!({"verbose_name": "x"}), "missing field `id`"),
            (json!({"id": 5}), "invalid type"),
            (json!({"id": "a", "verbose_name": null}), "invalid type"),
            (json!({"id": "a", "cpu_count": -1}), "invalid value"),
            (
                json!({"id": "a", "node": {"verbose_name": "n"}}),
                "missing field `id`",
            ),
            (json!({"id": "a", "node": 7}), "an id, or an object"),
            (json!([]), "invalid type"),
        ] {
            let e = serde_json::from_value::<Domain>(bad.clone()).unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
            let e = serde_json::from_str::<Domain>(&bad.to_string()).unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }
}
