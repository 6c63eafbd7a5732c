//! `where` evaluation: every operator suffix, `AND`/`OR`/`NOT`, to-one relations and
//! `_some`/`_every`/`_none` over expanded related objects.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::ctx::{Ctx, Kind};
use super::reply::{Fail, bad};

pub(super) const SUFFIXES: &[&str] = &[
    "not_starts_with",
    "not_ends_with",
    "not_contains",
    "starts_with",
    "ends_with",
    "contains",
    "not_in",
    "in",
    "not",
    "lte",
    "gte",
    "lt",
    "gt",
    "some",
    "every",
    "none",
];

pub(super) fn cmp_values(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

pub(super) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => cmp_values(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

impl Ctx<'_> {
    /// True if `obj` matches the where input `w`. Unknown fields are a 400, as on a real tower.
    pub(super) fn matches(&self, w: &Map<String, Value>, obj: &Value) -> Result<bool, Fail> {
        for (key, want) in w {
            if !self.matches_key(key, want, obj)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) fn sub_wheres<'v>(
        key: &str,
        want: &'v Value,
    ) -> Result<Vec<&'v Map<String, Value>>, Fail> {
        match want {
            Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_object()
                        .ok_or_else(|| bad(format!("`{key}` takes an array of where inputs")))
                })
                .collect(),
            Value::Object(m) => Ok(vec![m]),
            Value::Null => Ok(vec![]),
            _ => Err(bad(format!("`{key}` takes an array of where inputs"))),
        }
    }

    pub(super) fn matches_key(&self, key: &str, want: &Value, obj: &Value) -> Result<bool, Fail> {
        match key {
            "AND" => {
                for w in Self::sub_wheres(key, want)? {
                    if !self.matches(w, obj)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            "OR" => {
                let subs = Self::sub_wheres(key, want)?;
                for w in &subs {
                    if self.matches(w, obj)? {
                        return Ok(true);
                    }
                }
                return Ok(subs.is_empty());
            }
            "NOT" => {
                for w in Self::sub_wheres(key, want)? {
                    if self.matches(w, obj)? {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            _ => {}
        }
        let Some(fields) = obj.as_object() else {
            return Ok(false);
        };
        if let Some(have) = fields.get(key) {
            return self.compare_eq_or_relation(key, have, want);
        }
        for suffix in SUFFIXES {
            let Some(field) = key.strip_suffix(suffix).and_then(|f| f.strip_suffix('_')) else {
                continue;
            };
            let Some(have) = fields.get(field) else {
                continue;
            };
            return self.compare(field, suffix, have, want);
        }
        Err(bad(format!(
            "Field \"{key}\" is not defined by this where input"
        )))
    }

    pub(super) fn compare_eq_or_relation(
        &self,
        key: &str,
        have: &Value,
        want: &Value,
    ) -> Result<bool, Fail> {
        if let (Some(w), Some(kind)) = (want.as_object(), Kind::of_relation(key)) {
            // A to-one relation: match against the related object in full.
            if have.is_null() {
                return Ok(false);
            }
            let full = self.expand(kind, have).unwrap_or_else(|| have.clone());
            return self.matches(w, &full);
        }
        if let Some(w) = want.as_object() {
            if have.is_null() {
                return Ok(false);
            }
            return self.matches(w, have);
        }
        Ok(same(have, want))
    }

    pub(super) fn compare(
        &self,
        field: &str,
        op: &str,
        have: &Value,
        want: &Value,
    ) -> Result<bool, Fail> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let list = || -> Result<&Vec<Value>, Fail> {
            want.as_array()
                .ok_or_else(|| bad(format!("`{field}_{op}` takes an array")))
        };
        Ok(match op {
            "not" => !same(have, want),
            "in" => list()?.iter().any(|x| same(have, x)),
            "not_in" => !list()?.iter().any(|x| same(have, x)),
            "lt" | "lte" | "gt" | "gte" => {
                if want.is_string() && have.is_number() || want.is_number() && have.is_string() {
                    return Err(bad(format!(
                        "Variable \"where.{field}_{op}\": expected a value of the field's type, got {want}"
                    )));
                }
                match cmp_values(have, want) {
                    None => false,
                    Some(o) => match op {
                        "lt" => o == Ordering::Less,
                        "lte" => o != Ordering::Greater,
                        "gt" => o == Ordering::Greater,
                        _ => o != Ordering::Less,
                    },
                }
            }
            "contains" | "not_contains" | "starts_with" | "not_starts_with" | "ends_with"
            | "not_ends_with" => {
                let (Some(h), Some(w)) = (text(have), text(want)) else {
                    return Ok(false);
                };
                let hit = match op.trim_start_matches("not_") {
                    "contains" => h.contains(&w),
                    "starts_with" => h.starts_with(&w),
                    _ => h.ends_with(&w),
                };
                if op.starts_with("not_") { !hit } else { hit }
            }
            "some" | "every" | "none" => {
                let Some(w) = want.as_object() else {
                    return Err(bad(format!("`{field}_{op}` takes a where input")));
                };
                let items = have.as_array().cloned().unwrap_or_default();
                let kind = Kind::of_relation(field);
                let mut hits = 0usize;
                for item in &items {
                    let full = kind
                        .and_then(|k| self.expand(k, item))
                        .unwrap_or_else(|| item.clone());
                    if self.matches(w, &full)? {
                        hits += 1;
                    }
                }
                match op {
                    "some" => hits > 0,
                    "every" => hits == items.len(),
                    _ => hits == 0,
                }
            }
            _ => false,
        })
    }
}
