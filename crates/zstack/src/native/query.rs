//! Query APIs: `q=` conditions, paging, sorting and projection.
//!
//! A condition is `<field><op><value>` with no spaces. The server finds the operator by
//! substring search in a fixed order (`!=`, `>=`, `<=`, `!?=`, `!~=`, `~=`, `?=`, `=`, `>`, `<`,
//! ` is null`, ` not null`), so a value that contains an operator met earlier would be cut in the
//! wrong place. [`Condition::render`] parses its own text back the way the server does and
//! refuses such a value instead of sending a different query.

use std::fmt;

use omnivirt_core::{Error, Result};

use crate::VENDOR;

/// A comparison operator of a query condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `?=` (in a comma-separated list)
    In,
    /// `!?=` (not in a comma-separated list)
    NotIn,
    /// `~=` (SQL like: `%` any run, `_` one character)
    Like,
    /// `!~=` (SQL not like)
    NotLike,
    /// ` is null`
    IsNull,
    /// ` not null`
    NotNull,
}

/// The order in which the server looks for operators.
const DETECTION: [(&str, Op); 12] = [
    ("!=", Op::Ne),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!?=", Op::NotIn),
    ("!~=", Op::NotLike),
    ("~=", Op::Like),
    ("?=", Op::In),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
    (" is null", Op::IsNull),
    (" not null", Op::NotNull),
];

impl Op {
    /// The operator text on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::In => "?=",
            Op::NotIn => "!?=",
            Op::Like => "~=",
            Op::NotLike => "!~=",
            Op::IsNull => " is null",
            Op::NotNull => " not null",
        }
    }
}

/// One `q=` condition.
///
/// ```
/// use omnivirt_zstack::query::Condition;
/// assert_eq!(Condition::eq("state", "Running").render().unwrap(), "state=Running");
/// assert_eq!(Condition::is_in("uuid", ["a", "b"]).render().unwrap(), "uuid?=a,b");
/// assert_eq!(Condition::not_null("hostUuid").render().unwrap(), "hostUuid not null");
/// // The server would read `name=a!=b` as `name=a` != `b`: refused.
/// assert!(Condition::eq("name", "a!=b").render().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Field, possibly nested with dots (`vmNics.ip`, `host.managementIp`).
    pub field: String,
    /// Operator.
    pub op: Op,
    /// Value (empty for the null tests).
    pub value: String,
}

impl Condition {
    /// A condition from its parts.
    pub fn new(field: impl Into<String>, op: Op, value: impl Into<String>) -> Self {
        Condition {
            field: field.into(),
            op,
            value: value.into(),
        }
    }
    /// `field=value`
    pub fn eq(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, Op::Eq, value)
    }
    /// `field!=value`
    pub fn ne(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, Op::Ne, value)
    }
    /// `field~=pattern` (SQL like).
    pub fn like(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self::new(field, Op::Like, pattern)
    }
    /// `field?=a,b,c`
    pub fn is_in<I, S>(field: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list: Vec<String> = values.into_iter().map(|s| s.as_ref().to_owned()).collect();
        Self::new(field, Op::In, list.join(","))
    }
    /// `field is null`
    pub fn is_null(field: impl Into<String>) -> Self {
        Self::new(field, Op::IsNull, "")
    }
    /// `field not null`
    pub fn not_null(field: impl Into<String>) -> Self {
        Self::new(field, Op::NotNull, "")
    }

    /// The wire text; `InvalidInput` if the server would read it differently.
    pub fn render(&self) -> Result<String> {
        let field = self.field.trim();
        let invalid = |why: String| Error::invalid_input(why).with_vendor(VENDOR);
        if field.is_empty() {
            return Err(invalid("a query condition needs a field".into()));
        }
        let null_test = matches!(self.op, Op::IsNull | Op::NotNull);
        let value = if null_test { "" } else { self.value.as_str() };
        let op = self.op.as_str();
        let mut text = String::with_capacity(field.len() + op.len() + value.len());
        text.push_str(field);
        text.push_str(op);
        text.push_str(value);
        match split_condition(&text) {
            Some((f, o, v)) if f == field && o == self.op && (v == self.value || null_test) => {
                Ok(text)
            }
            _ => Err(invalid(format!(
                "query condition `{text}` would be misread by the server (a value may not contain an operator such as `=` or `!=` before the intended one)"
            ))),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            Op::IsNull | Op::NotNull => write!(f, "{}{}", self.field, self.op.as_str()),
            op => write!(f, "{}{}{}", self.field, op.as_str(), self.value),
        }
    }
}

/// Parses a condition the way the server does (operator search order, field trimmed, value
/// not). `None` when no operator is found.
pub fn parse_condition(text: &str) -> Option<Condition> {
    split_condition(text).map(|(field, op, value)| Condition {
        field: field.to_owned(),
        op,
        value: value.to_owned(),
    })
}

/// [`parse_condition`] without copies: the trimmed field, the operator and the value.
fn split_condition(text: &str) -> Option<(&str, Op, &str)> {
    let found = omnivirt_http::first_occurrences(text, DETECTION.map(|(needle, _)| needle));
    let (at, (needle, op)) = found
        .into_iter()
        .zip(DETECTION)
        .find_map(|(at, d)| at.map(|at| (at, d)))?;
    let value = match op {
        Op::IsNull | Op::NotNull => "",
        _ => &text[at + needle.len()..],
    };
    Some((text[..at].trim(), op, value))
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Ascending (`sort=+field`).
    Asc,
    /// Descending (`sort=-field`).
    Desc,
}

/// A query: conditions (AND-ed), paging, sort, projection.
///
/// ```
/// use omnivirt_zstack::query::{Condition, Direction, Query};
/// let q = Query::new()
///     .filter(Condition::eq("state", "Running"))
///     .filter(Condition::like("name", "web-%"))
///     .limit(50)
///     .start(100)
///     .sort("name", Direction::Desc)
///     .reply_with_count(true);
/// let pairs = q.to_pairs().unwrap();
/// assert!(pairs.contains(&("q".into(), "state=Running".into())));
/// assert!(pairs.contains(&("sort".into(), "-name".into())));
/// assert!(pairs.contains(&("replyWithCount".into(), "true".into())));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Query {
    conditions: Vec<Condition>,
    limit: Option<u32>,
    start: Option<u64>,
    count_only: bool,
    reply_with_count: bool,
    sort: Option<(String, Direction)>,
    fields: Vec<String>,
}

impl Query {
    /// Every record (the server still caps at its default limit, 1000).
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a condition.
    pub fn filter(mut self, c: Condition) -> Self {
        self.conditions.push(c);
        self
    }
    /// `limit=n`.
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
    /// `start=n` (offset).
    pub fn start(mut self, n: u64) -> Self {
        self.start = Some(n);
        self
    }
    /// `replyWithCount=true`: the reply carries `total`.
    pub fn reply_with_count(mut self, yes: bool) -> Self {
        self.reply_with_count = yes;
        self
    }
    /// `count=true`: the reply carries only `total`.
    pub fn count_only(mut self, yes: bool) -> Self {
        self.count_only = yes;
        self
    }
    /// `sort=+field` / `sort=-field`.
    pub fn sort(mut self, field: impl Into<String>, dir: Direction) -> Self {
        self.sort = Some((field.into(), dir));
        self
    }
    /// `fields=a,b`: only these primitive fields.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }
    /// The conditions so far.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
    /// The offset.
    pub fn offset(&self) -> u64 {
        self.start.unwrap_or(0)
    }
    /// The limit, if set.
    pub fn page_limit(&self) -> Option<u32> {
        self.limit
    }

    /// The query-string pairs (not yet percent-encoded).
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for c in &self.conditions {
            out.push(("q".to_owned(), c.render()?));
        }
        if let Some(l) = self.limit {
            out.push(("limit".into(), l.to_string()));
        }
        if let Some(s) = self.start {
            out.push(("start".into(), s.to_string()));
        }
        if self.count_only {
            out.push(("count".into(), "true".into()));
        }
        if self.reply_with_count {
            out.push(("replyWithCount".into(), "true".into()));
        }
        if let Some((f, d)) = &self.sort {
            let sign = if *d == Direction::Desc { '-' } else { '+' };
            out.push(("sort".into(), format!("{sign}{f}")));
        }
        if !self.fields.is_empty() {
            // The server reads only the first `fields` parameter: one, comma-joined.
            out.push(("fields".into(), self.fields.join(",")));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_round_trips() {
        for (_, op) in DETECTION {
            let c = Condition::new("cpuNum", op, "5");
            let text = c.render().unwrap();
            let back = parse_condition(&text).unwrap();
            assert_eq!(back.op, op, "{text}");
        }
    }

    #[test]
    fn misreadable_values_are_refused() {
        assert!(Condition::eq("name", "x<=y").render().is_err());
        assert!(Condition::like("name", "a!=b").render().is_err());
        assert_eq!(
            Condition::like("name", "a=b").render().unwrap(),
            "name~=a=b"
        );
        assert!(Condition::eq(" ", "x").render().is_err());
        // A later operator inside the value is harmless: `=` is found first.
        assert_eq!(
            Condition::eq("description", "a>b").render().unwrap(),
            "description=a>b"
        );
    }

    #[test]
    fn pairs_in_order() {
        let q = Query::new()
            .filter(Condition::eq("a", "1"))
            .fields(["uuid", "name"])
            .count_only(true);
        assert_eq!(
            q.to_pairs().unwrap(),
            vec![
                ("q".into(), "a=1".into()),
                ("count".into(), "true".into()),
                ("fields".into(), "uuid,name".into())
            ]
        );
    }
}
