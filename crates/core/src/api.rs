//! The operation tables behind `omnivirt api`: every operation of a vendor's API described as
//! data (name, HTTP method, path template, parameters, result type), and the binding of a user's
//! `NAME=VALUE` arguments to one operation before any request is sent.
//!
//! Each vendor crate publishes its table (generated from the vendor's model by
//! `cargo xtask codegen`, or written by hand for VeiL) as a `&'static [ApiOperation]`. Tables are
//! plain `const` data: no allocation, nothing to initialise.
//!
//! ```
//! use omnivirt_core::api::{ApiOperation, ApiParam, CallArgs};
//!
//! const GET_VM: ApiOperation = ApiOperation::new("vms/{vm}:get", "GET", "/vms/{vm}")
//!     .params(&[ApiParam::path("vm", "String"), ApiParam::query("follow", "String")])
//!     .result("Vm");
//!
//! let args = CallArgs::parse(["vm=123", "follow=nics"]).unwrap();
//! let call = args.bind(&GET_VM).unwrap();
//! assert_eq!(call.path, "/vms/123");
//! assert_eq!(call.query, vec![("follow".to_string(), "nics".to_string())]);
//!
//! // A required path variable that is missing is refused before any request.
//! let err = CallArgs::default().bind(&GET_VM).unwrap_err();
//! assert!(err.to_string().contains("vm"));
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{Error, ErrorKind, Result};

/// Where an operation's parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ParamIn {
    /// A `{variable}` of the path template.
    Path,
    /// A query-string parameter.
    Query,
    /// A top-level field of the request body.
    Body,
    /// A field of an action body (oVirt `<action>`).
    Action,
}

impl ParamIn {
    /// The lowercase name used in `api describe` output.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Body => "body",
            ParamIn::Action => "action",
        }
    }
}

/// One parameter of an [`ApiOperation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiParam {
    /// The parameter's name as the vendor spells it.
    pub name: &'static str,
    /// Where it travels.
    #[serde(rename = "in")]
    pub location: ParamIn,
    /// Its type, as the vendor's model names it (`String`, `Boolean`, `Vm`, `Integer[]` ...).
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Whether the operation refuses to run without it.
    pub required: bool,
}

impl ApiParam {
    /// A parameter at `location`, optional.
    pub const fn new(name: &'static str, location: ParamIn, ty: &'static str) -> Self {
        ApiParam {
            name,
            location,
            ty,
            required: false,
        }
    }

    /// A path variable (always required).
    pub const fn path(name: &'static str, ty: &'static str) -> Self {
        ApiParam::new(name, ParamIn::Path, ty).required()
    }

    /// An optional query parameter.
    pub const fn query(name: &'static str, ty: &'static str) -> Self {
        ApiParam::new(name, ParamIn::Query, ty)
    }

    /// An optional body field.
    pub const fn body(name: &'static str, ty: &'static str) -> Self {
        ApiParam::new(name, ParamIn::Body, ty)
    }

    /// An optional action field.
    pub const fn action(name: &'static str, ty: &'static str) -> Self {
        ApiParam::new(name, ParamIn::Action, ty)
    }

    /// The same parameter, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// One operation of a vendor API, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiOperation {
    /// The name `api call` takes (vendor-specific scheme, documented per vendor).
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template relative to the API root, with `{variable}` for each path variable.
    pub path: &'static str,
    /// Every parameter.
    pub params: &'static [ApiParam],
    /// The result type as the model names it (empty when the operation returns nothing).
    pub result: &'static str,
    /// The body type or body key as the model names it (empty when there is no body).
    pub body: &'static str,
    /// Whether the operation runs asynchronously on the server (a task or job to follow).
    #[serde(rename = "async")]
    pub is_async: bool,
    /// One line saying what it does.
    pub summary: &'static str,
}

impl ApiOperation {
    /// An operation without parameters, result or summary.
    pub const fn new(name: &'static str, method: &'static str, path: &'static str) -> Self {
        ApiOperation {
            name,
            method,
            path,
            params: &[],
            result: "",
            body: "",
            is_async: false,
            summary: "",
        }
    }

    /// Sets the parameters.
    pub const fn params(mut self, params: &'static [ApiParam]) -> Self {
        self.params = params;
        self
    }

    /// Sets the result type.
    pub const fn result(mut self, result: &'static str) -> Self {
        self.result = result;
        self
    }

    /// Sets the body type or body key.
    pub const fn body(mut self, body: &'static str) -> Self {
        self.body = body;
        self
    }

    /// Marks the operation asynchronous.
    pub const fn asynchronous(mut self) -> Self {
        self.is_async = true;
        self
    }

    /// Sets the one-line summary.
    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'static ApiParam> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// Finds an operation by name in a table; a miss is an `InvalidInput` error that suggests the
/// nearest names.
pub fn find<'a>(table: &'a [ApiOperation], name: &str) -> Result<&'a ApiOperation> {
    if let Some(op) = table.iter().find(|op| op.name == name) {
        return Ok(op);
    }
    let lower = name.to_ascii_lowercase();
    let mut near: Vec<&str> = table
        .iter()
        .map(|op| op.name)
        .filter(|n| {
            let l = n.to_ascii_lowercase();
            l.contains(&lower) || lower.contains(&l)
        })
        .take(5)
        .collect();
    if near.is_empty() {
        near = table
            .iter()
            .map(|op| op.name)
            .filter(|n| edit_distance(&n.to_ascii_lowercase(), &lower) <= 2)
            .take(5)
            .collect();
    }
    let hint = if near.is_empty() {
        " (see `omnivirt api list`)".to_string()
    } else {
        format!("; did you mean {}?", near.join(", "))
    };
    Err(Error::new(
        ErrorKind::InvalidInput,
        format!("unknown operation `{name}`{hint}"),
    ))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The user's arguments to one call: `NAME=VALUE` pairs and an optional whole body.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CallArgs {
    /// `NAME=VALUE` pairs in the order given; a VALUE that is valid JSON is kept as JSON, any
    /// other VALUE is a string.
    pub pairs: Vec<(String, Value)>,
    /// The whole request body (CloudTower: the body; ZStack: the parameters inside the body
    /// key; oVirt: the JSON form of the body type).
    pub body: Option<Value>,
}

impl CallArgs {
    /// Parses `NAME=VALUE` words. A word without `=` or with an empty name is `InvalidInput`.
    pub fn parse<I, S>(words: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut pairs = Vec::new();
        for word in words {
            let word = word.as_ref();
            let Some((name, value)) = word.split_once('=') else {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("argument `{word}` is not NAME=VALUE"),
                ));
            };
            if name.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("argument `{word}` has an empty name"),
                ));
            }
            let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.into()));
            pairs.push((name.to_string(), value));
        }
        Ok(CallArgs { pairs, body: None })
    }

    /// Sets the whole body.
    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Binds the arguments to `op`: fills the path template, collects the query and merges the
    /// body fields over `--body`. An unknown parameter, a parameter given twice or a required one
    /// missing is `InvalidInput` naming it; nothing is sent.
    pub fn bind(&self, op: &ApiOperation) -> Result<BoundCall> {
        let mut path = op.path.to_string();
        let mut query = Vec::new();
        let mut fields = Map::new();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in &self.pairs {
            let Some(param) = op.param(name) else {
                return Err(unknown_param(op, name));
            };
            if seen.contains(&param.name) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("parameter `{name}` is given twice"),
                ));
            }
            seen.push(param.name);
            match param.location {
                ParamIn::Path => {
                    let text = scalar_text(value);
                    if text.is_empty() {
                        return Err(Error::new(
                            ErrorKind::InvalidInput,
                            format!("path parameter `{name}` is empty"),
                        ));
                    }
                    path = path.replace(&format!("{{{name}}}"), &encode_segment(&text));
                }
                ParamIn::Query => query.push((name.clone(), scalar_text(value))),
                ParamIn::Body | ParamIn::Action => {
                    fields.insert(name.clone(), value.clone());
                }
            }
        }
        let mut body = match &self.body {
            Some(Value::Object(map)) => Some(map.clone()),
            Some(Value::Null) | None => None,
            Some(other) => {
                if !fields.is_empty() {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        "NAME=VALUE body fields need --body to be a JSON object",
                    ));
                }
                return Ok(BoundCall {
                    path,
                    query,
                    body: Some(other.clone()),
                });
            }
        };
        if !fields.is_empty() {
            body.get_or_insert_with(Map::new).extend(fields);
        }
        for param in op.params.iter().filter(|p| p.required) {
            let given = match param.location {
                ParamIn::Path | ParamIn::Query => seen.contains(&param.name),
                ParamIn::Body | ParamIn::Action => body
                    .as_ref()
                    .is_some_and(|b| b.get(param.name).is_some_and(|v| !v.is_null())),
            };
            if !given {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "missing required {} parameter `{}` of {}",
                        param.location.as_str(),
                        param.name,
                        op.name
                    ),
                ));
            }
        }
        Ok(BoundCall {
            path,
            query,
            body: body.map(Value::Object),
        })
    }
}

fn unknown_param(op: &ApiOperation, name: &str) -> Error {
    let known: Vec<&str> = op.params.iter().map(|p| p.name).collect();
    let hint = if known.is_empty() {
        format!("{} takes no parameters", op.name)
    } else {
        let near: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| edit_distance(&k.to_ascii_lowercase(), &name.to_ascii_lowercase()) <= 2)
            .collect();
        if near.is_empty() {
            format!("{} takes: {}", op.name, known.join(", "))
        } else {
            format!("did you mean {}?", near.join(", "))
        }
    };
    Error::new(
        ErrorKind::InvalidInput,
        format!("unknown parameter `{name}`; {hint}"),
    )
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A call bound to its operation, ready for the vendor's transport.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BoundCall {
    /// The path with every variable filled (percent-encoded).
    pub path: String,
    /// Query parameters in the order given.
    pub query: Vec<(String, String)>,
    /// The body as JSON (`None` when neither `--body` nor a body field was given).
    pub body: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: ApiOperation = ApiOperation::new("CreateVm", "POST", "/zones/{zone}/vms")
        .params(&[
            ApiParam::path("zone", "String"),
            ApiParam::query("dry", "Boolean"),
            ApiParam::body("name", "String").required(),
            ApiParam::body("cpu", "Integer"),
        ])
        .body("params")
        .asynchronous();

    #[test]
    fn binds_every_location() {
        let call = CallArgs::parse(["zone=a b", "dry=true", "name=web", "cpu=2"])
            .unwrap()
            .bind(&OP)
            .unwrap();
        assert_eq!(call.path, "/zones/a%20b/vms");
        assert_eq!(call.query, vec![("dry".into(), "true".into())]);
        assert_eq!(
            call.body,
            Some(serde_json::json!({"name": "web", "cpu": 2}))
        );
    }

    #[test]
    fn body_fields_merge_over_the_whole_body() {
        let call = CallArgs::parse(["zone=z", "cpu=4"])
            .unwrap()
            .with_body(serde_json::json!({"name": "db", "cpu": 1}))
            .bind(&OP)
            .unwrap();
        assert_eq!(call.body, Some(serde_json::json!({"name": "db", "cpu": 4})));
    }

    #[test]
    fn refuses_unknown_twice_and_missing() {
        let err = CallArgs::parse(["zone=z", "nmae=x"])
            .unwrap()
            .bind(&OP)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("did you mean name?"), "{err}");
        let err = CallArgs::parse(["zone=z", "zone=y"])
            .unwrap()
            .bind(&OP)
            .unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        let err = CallArgs::parse(["zone=z"]).unwrap().bind(&OP).unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
        let err = CallArgs::parse(["name=x"]).unwrap().bind(&OP).unwrap_err();
        assert!(err.to_string().contains("`zone`"), "{err}");
        assert!(CallArgs::parse(["novalue"]).is_err());
    }

    #[test]
    fn values_are_json_when_they_parse() {
        let args = CallArgs::parse(["a=1", "b=x", "c={\"k\":[1]}", "d="]).unwrap();
        assert_eq!(args.pairs[0].1, serde_json::json!(1));
        assert_eq!(args.pairs[1].1, serde_json::json!("x"));
        assert_eq!(args.pairs[2].1, serde_json::json!({"k": [1]}));
        assert_eq!(args.pairs[3].1, serde_json::json!(""));
    }

    #[test]
    fn find_suggests_near_names() {
        let table = [OP, ApiOperation::new("QueryVm", "GET", "/vms")];
        assert_eq!(find(&table, "QueryVm").unwrap().path, "/vms");
        let err = find(&table, "QueryVn").unwrap_err();
        assert!(err.to_string().contains("QueryVm"), "{err}");
        let err = find(&table, "zzz").unwrap_err();
        assert!(err.to_string().contains("api list"), "{err}");
    }
}
