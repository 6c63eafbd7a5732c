//! Query conditions (`q=<field><op><value>`): parsing in the server's operator order and
//! evaluation against a rendered inventory.

use std::cmp::Ordering;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum COp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    In,
    NotIn,
    Like,
    NotLike,
    IsNull,
    NotNull,
}

/// The server's operator search order: the first operator text found anywhere wins.
pub(super) const DETECTION: [(&str, COp); 12] = [
    ("!=", COp::Ne),
    (">=", COp::Ge),
    ("<=", COp::Le),
    ("!?=", COp::NotIn),
    ("!~=", COp::NotLike),
    ("~=", COp::Like),
    ("?=", COp::In),
    ("=", COp::Eq),
    (">", COp::Gt),
    ("<", COp::Lt),
    (" is null", COp::IsNull),
    (" not null", COp::NotNull),
];

#[derive(Debug, Clone)]
pub(super) struct Cond {
    pub(super) field: String,
    pub(super) op: COp,
    pub(super) value: String,
}

pub(super) fn parse_cond(text: &str) -> Option<Cond> {
    let found = omnivirt_http::first_occurrences(text, DETECTION.map(|(needle, _)| needle));
    found
        .into_iter()
        .zip(DETECTION)
        .find_map(|(at, (needle, op))| {
            let at = at?;
            let field = text[..at].trim();
            let value = match op {
                COp::IsNull | COp::NotNull => "",
                _ => &text[at + needle.len()..],
            };
            (!field.is_empty()).then(|| Cond {
                field: field.to_owned(),
                op,
                value: value.to_owned(),
            })
        })
}

/// Every value at a dotted path, through nested lists (`allVolumes.uuid`).
pub(super) fn resolve<'a>(v: &'a Value, path: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => {
            for i in items {
                resolve(i, path, out);
            }
        }
        _ => match path.split_once('.') {
            None => {
                if let Some(x) = v.get(path) {
                    match x {
                        Value::Array(items) => out.extend(items.iter()),
                        _ => out.push(x),
                    }
                }
            }
            Some((head, rest)) => {
                if let Some(x) = v.get(head) {
                    resolve(x, rest, out);
                }
            }
        },
    }
}

pub(super) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// SQL LIKE, case-insensitive: `%` any run, `_` one character.
pub(super) fn like(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('%', rest)) => (0..=text.len()).any(|i| like(rest, &text[i..])),
        Some(('_', rest)) => !text.is_empty() && like(rest, &text[1..]),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && like(rest, tail)),
    }
}

pub(super) fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

pub(super) fn value_matches(have: &str, op: COp, want: &str) -> bool {
    let eq = |a: &str, b: &str| compare(a, b) == Ordering::Equal;
    match op {
        COp::Eq => eq(have, want),
        COp::Ne => !eq(have, want),
        COp::Gt => compare(have, want) == Ordering::Greater,
        COp::Lt => compare(have, want) == Ordering::Less,
        COp::Ge => compare(have, want) != Ordering::Less,
        COp::Le => compare(have, want) != Ordering::Greater,
        COp::In => want.split(',').any(|w| eq(have, w)),
        COp::NotIn => !want.split(',').any(|w| eq(have, w)),
        COp::Like | COp::NotLike => {
            let p: Vec<char> = want.to_lowercase().chars().collect();
            let t: Vec<char> = have.to_lowercase().chars().collect();
            like(&p, &t) == (op == COp::Like)
        }
        COp::IsNull | COp::NotNull => false,
    }
}

pub(super) fn matches(obj: &Value, c: &Cond) -> bool {
    let mut found = Vec::new();
    resolve(obj, &c.field, &mut found);
    let values: Vec<String> = found.iter().filter_map(|v| scalar(v)).collect();
    match c.op {
        COp::IsNull => values.is_empty(),
        COp::NotNull => !values.is_empty(),
        // SQL: a comparison with NULL is never true.
        op => values.iter().any(|v| value_matches(v, op, &c.value)),
    }
}
