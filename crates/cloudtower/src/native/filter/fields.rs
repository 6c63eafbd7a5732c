//! Field handles: each has exactly the operator methods the API accepts for its field type.

use std::marker::PhantomData;

use serde::Serialize;
use serde_json::Value;

use super::{WhereInput, put, strings};

/// A string field: every operator.
#[derive(Debug)]
#[must_use]
pub struct StrField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> StrField<W> {
    pub(crate) fn new(w: W, key: &'static str) -> Self {
        StrField { w, key }
    }

    /// Equals.
    pub fn eq(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "", Value::String(v.into()))
    }
    /// Is explicitly `null` (sends `"field": null`).
    pub fn is_null(self) -> W {
        put(self.w, self.key, "", Value::Null)
    }
    /// Differs (`_not`).
    pub fn not(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "not", Value::String(v.into()))
    }
    /// One of (`_in`).
    pub fn in_<I: IntoIterator<Item = S>, S: Into<String>>(self, vs: I) -> W {
        put(self.w, self.key, "in", strings(vs))
    }
    /// None of (`_not_in`).
    pub fn not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, vs: I) -> W {
        put(self.w, self.key, "not_in", strings(vs))
    }
    /// Contains (`_contains`).
    pub fn contains(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "contains", Value::String(v.into()))
    }
    /// Does not contain (`_not_contains`).
    pub fn not_contains(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "not_contains", Value::String(v.into()))
    }
    /// Starts with (`_starts_with`).
    pub fn starts_with(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "starts_with", Value::String(v.into()))
    }
    /// Does not start with (`_not_starts_with`).
    pub fn not_starts_with(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "not_starts_with", Value::String(v.into()))
    }
    /// Ends with (`_ends_with`).
    pub fn ends_with(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "ends_with", Value::String(v.into()))
    }
    /// Does not end with (`_not_ends_with`).
    pub fn not_ends_with(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "not_ends_with", Value::String(v.into()))
    }
    /// Sorts before (`_lt`).
    pub fn lt(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "lt", Value::String(v.into()))
    }
    /// Sorts before or equal (`_lte`).
    pub fn lte(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "lte", Value::String(v.into()))
    }
    /// Sorts after (`_gt`).
    pub fn gt(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "gt", Value::String(v.into()))
    }
    /// Sorts after or equal (`_gte`).
    pub fn gte(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "gte", Value::String(v.into()))
    }
}

/// A timestamp field (ISO-8601 strings): comparisons, no substring operators.
#[derive(Debug)]
#[must_use]
pub struct TimeField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> TimeField<W> {
    pub(crate) fn new(w: W, key: &'static str) -> Self {
        TimeField { w, key }
    }

    /// Equals.
    pub fn eq(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "", Value::String(v.into()))
    }
    /// Is explicitly `null`.
    pub fn is_null(self) -> W {
        put(self.w, self.key, "", Value::Null)
    }
    /// Differs.
    pub fn not(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "not", Value::String(v.into()))
    }
    /// One of.
    pub fn in_<I: IntoIterator<Item = S>, S: Into<String>>(self, vs: I) -> W {
        put(self.w, self.key, "in", strings(vs))
    }
    /// None of.
    pub fn not_in<I: IntoIterator<Item = S>, S: Into<String>>(self, vs: I) -> W {
        put(self.w, self.key, "not_in", strings(vs))
    }
    /// Before.
    pub fn lt(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "lt", Value::String(v.into()))
    }
    /// At or before.
    pub fn lte(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "lte", Value::String(v.into()))
    }
    /// After.
    pub fn gt(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "gt", Value::String(v.into()))
    }
    /// At or after.
    pub fn gte(self, v: impl Into<String>) -> W {
        put(self.w, self.key, "gte", Value::String(v.into()))
    }
}

/// A number the API compares: sent as a JSON number, never a string.
pub trait WhereNumber: Copy {
    /// As JSON.
    fn to_json(self) -> Value;
}

impl WhereNumber for i32 {
    fn to_json(self) -> Value {
        Value::from(self)
    }
}

impl WhereNumber for i64 {
    fn to_json(self) -> Value {
        Value::from(self)
    }
}

impl WhereNumber for u32 {
    fn to_json(self) -> Value {
        Value::from(self)
    }
}

impl WhereNumber for u64 {
    fn to_json(self) -> Value {
        Value::from(self)
    }
}

impl WhereNumber for f64 {
    fn to_json(self) -> Value {
        serde_json::Number::from_f64(self).map_or(Value::Null, Value::Number)
    }
}

/// A numeric field: equality, sets and comparisons.
#[derive(Debug)]
#[must_use]
pub struct NumField<W, N> {
    w: W,
    key: &'static str,
    _n: PhantomData<N>,
}

impl<W: WhereInput, N: WhereNumber> NumField<W, N> {
    pub(crate) fn new(w: W, key: &'static str) -> Self {
        NumField {
            w,
            key,
            _n: PhantomData,
        }
    }

    /// Equals.
    pub fn eq(self, v: N) -> W {
        put(self.w, self.key, "", v.to_json())
    }
    /// Is explicitly `null`.
    pub fn is_null(self) -> W {
        put(self.w, self.key, "", Value::Null)
    }
    /// Differs.
    pub fn not(self, v: N) -> W {
        put(self.w, self.key, "not", v.to_json())
    }
    /// One of.
    pub fn in_<I: IntoIterator<Item = N>>(self, vs: I) -> W {
        let a = vs.into_iter().map(WhereNumber::to_json).collect();
        put(self.w, self.key, "in", Value::Array(a))
    }
    /// None of.
    pub fn not_in<I: IntoIterator<Item = N>>(self, vs: I) -> W {
        let a = vs.into_iter().map(WhereNumber::to_json).collect();
        put(self.w, self.key, "not_in", Value::Array(a))
    }
    /// Less than.
    pub fn lt(self, v: N) -> W {
        put(self.w, self.key, "lt", v.to_json())
    }
    /// Less than or equal.
    pub fn lte(self, v: N) -> W {
        put(self.w, self.key, "lte", v.to_json())
    }
    /// Greater than.
    pub fn gt(self, v: N) -> W {
        put(self.w, self.key, "gt", v.to_json())
    }
    /// Greater than or equal.
    pub fn gte(self, v: N) -> W {
        put(self.w, self.key, "gte", v.to_json())
    }
}

/// An enum field: equality and sets.
#[derive(Debug)]
#[must_use]
pub struct EnumField<W, E> {
    w: W,
    key: &'static str,
    _e: PhantomData<E>,
}

fn enum_json<E: Serialize>(e: &E) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

impl<W: WhereInput, E: Serialize> EnumField<W, E> {
    pub(crate) fn new(w: W, key: &'static str) -> Self {
        EnumField {
            w,
            key,
            _e: PhantomData,
        }
    }

    /// Equals. Takes the enum, or anything that converts into it (a wire string such as
    /// `"X86_64"`).
    pub fn eq(self, v: impl Into<E>) -> W {
        put(self.w, self.key, "", enum_json(&v.into()))
    }
    /// Is explicitly `null`.
    pub fn is_null(self) -> W {
        put(self.w, self.key, "", Value::Null)
    }
    /// Differs.
    pub fn not(self, v: impl Into<E>) -> W {
        put(self.w, self.key, "not", enum_json(&v.into()))
    }
    /// One of.
    pub fn in_<I: IntoIterator<Item = T>, T: Into<E>>(self, vs: I) -> W {
        let a = vs.into_iter().map(|e| enum_json(&e.into())).collect();
        put(self.w, self.key, "in", Value::Array(a))
    }
    /// None of.
    pub fn not_in<I: IntoIterator<Item = T>, T: Into<E>>(self, vs: I) -> W {
        let a = vs.into_iter().map(|e| enum_json(&e.into())).collect();
        put(self.w, self.key, "not_in", Value::Array(a))
    }
}

/// A boolean field.
#[derive(Debug)]
#[must_use]
pub struct BoolField<W> {
    w: W,
    key: &'static str,
}

impl<W: WhereInput> BoolField<W> {
    pub(crate) fn new(w: W, key: &'static str) -> Self {
        BoolField { w, key }
    }

    /// Equals.
    pub fn eq(self, v: bool) -> W {
        put(self.w, self.key, "", Value::Bool(v))
    }
    /// Is explicitly `null`.
    pub fn is_null(self) -> W {
        put(self.w, self.key, "", Value::Null)
    }
    /// Differs.
    pub fn not(self, v: bool) -> W {
        put(self.w, self.key, "not", Value::Bool(v))
    }
}
