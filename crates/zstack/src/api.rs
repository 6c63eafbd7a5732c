//! Every ZStack API action by name, for `omnivirt api`: the generated table ([`OPERATIONS`],
//! all 1,905 actions of the Java SDK) and one generic call over the native client.
//!
//! Names are the SDK's action names without `Action` (`QueryVmInstance`, `StartVmInstance`).
//! Arguments are the wire's parameters:
//!
//! - path variables (`uuid=...`), always required;
//! - GET/DELETE parameters in the query string; a JSON array value is sent as repeated
//!   `k=v1&k=v2` and a JSON object as `k.key=value`, as the server reads them;
//! - query APIs (`Query*`) take `q` (one condition `field<op>value`, or a JSON array of them),
//!   `limit`, `start`, `count`, `replyWithCount`, `sort` (`+field`/`-field`), `fields`
//!   (comma-separated, or a JSON array), `groupBy`, `filterName`;
//! - POST/PUT parameters travel inside the action's body key (`{"startVmInstance": {...}}`);
//!   `--body` ([`CallArgs::body`]) is the object inside the key, and `NAME=VALUE` pairs are
//!   merged over it.
//!
//! ```
//! use omnivirt_zstack::api::{OPERATIONS, bind};
//! use omnivirt_core::api::{CallArgs, find};
//!
//! let op = find(OPERATIONS, "StopVmInstance").unwrap();
//! let args = CallArgs::parse(["uuid=abc", "type=cold"]).unwrap();
//! let req = bind(op, &args).unwrap();
//! assert_eq!(req.path, "/vm-instances/abc/actions");
//! assert_eq!(req.body.unwrap()["stopVmInstance"]["type"], "cold");
//! ```

use http::Method;
use omnivirt_core::api::{ApiOperation, CallArgs, find};
use omnivirt_core::{Error, ErrorKind, Result, WaitOptions};
use serde_json::{Map, Value, json};

use crate::VENDOR;
use crate::config::ZStackConfig;
use crate::generated::api::SESSIONLESS;
use crate::native::{Reply, ZStackClient};

/// Every operation of the vendor's model (re-export of the generated table).
pub use crate::generated::api::OPERATIONS;

/// One operation's request, ready for [`ZStackClient`]: the path relative to the client's base
/// (`.../zstack/v1`), the query string pairs and the wrapped body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ZStackRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path below `/zstack/v1`, variables filled and percent-encoded.
    pub path: String,
    /// Query-string pairs, lists expanded.
    pub query: Vec<(String, String)>,
    /// The body with its wrapper key (POST/PUT only).
    pub body: Option<Value>,
    /// Whether the request carries the session.
    pub with_session: bool,
}

fn invalid(op: &ApiOperation, msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidInput, format!("{}: {msg}", op.name)).with_vendor(VENDOR)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Expands one query pair: a JSON array into repeated pairs (`fields` comma-joined), a JSON
/// object into `k.key=value`.
fn expand(name: &str, value: String, out: &mut Vec<(String, String)>) {
    let parsed = if value.starts_with('[') || value.starts_with('{') {
        serde_json::from_str::<Value>(&value).ok()
    } else {
        None
    };
    match parsed {
        Some(Value::Array(items)) if name == "fields" => {
            let joined: Vec<String> = items.iter().map(text).collect();
            out.push((name.to_string(), joined.join(",")));
        }
        Some(Value::Array(items)) => {
            out.extend(items.iter().map(|v| (name.to_string(), text(v))));
        }
        Some(Value::Object(map)) => {
            out.extend(map.iter().map(|(k, v)| (format!("{name}.{k}"), text(v))));
        }
        _ => out.push((name.to_string(), value)),
    }
}

/// Binds `args` to `op` without sending anything: a missing or unknown parameter, or a body
/// for a GET/DELETE, is `InvalidInput`.
pub fn bind(op: &ApiOperation, args: &CallArgs) -> Result<ZStackRequest> {
    let method = Method::from_bytes(op.method.as_bytes())
        .map_err(|_| invalid(op, format!("bad method `{}` in the table", op.method)))?;
    let bound = args.bind(op).map_err(|e| e.with_vendor(VENDOR))?;
    let path = bound
        .path
        .strip_prefix("/v1")
        .unwrap_or(&bound.path)
        .to_string();
    let mut query = Vec::with_capacity(bound.query.len());
    for (k, v) in bound.query {
        expand(&k, v, &mut query);
    }
    let body = if method == Method::GET || method == Method::DELETE {
        if bound.body.is_some() {
            return Err(invalid(
                op,
                format!(
                    "a {} takes no body; pass parameters as NAME=VALUE",
                    op.method
                ),
            ));
        }
        None
    } else {
        let inner = match bound.body {
            None => Value::Object(Map::new()),
            Some(v @ Value::Object(_)) => v,
            Some(_) => return Err(invalid(op, "--body must be a JSON object")),
        };
        let mut wrapped = Map::new();
        wrapped.insert(op.body.to_string(), inner);
        Some(Value::Object(wrapped))
    };
    Ok(ZStackRequest {
        method,
        path,
        query,
        body,
        with_session: !SESSIONLESS.contains(&op.name),
    })
}

/// What a call returns without following: the `202` body (`location`, `apiTimeout`) with the
/// job's location on the client's own base URL.
fn accepted(client: &ZStackClient, reply: Reply) -> Value {
    match reply {
        Reply::Done(v) => v,
        Reply::Accepted(job) => {
            let mut v = json!({"location": format!("{}/api-jobs/{}", client.base_url(), job.uuid)});
            if let Some(ms) = job.api_timeout_ms {
                v["apiTimeout"] = json!(ms);
            }
            v
        }
    }
}

/// Runs `op` on `client`: binds, sends on the client's one send path (its session, retry
/// policy, error parsing and body limit) and, with `wait`, follows a `202` job to its end.
/// The session stays open: the client's owner closes it.
pub async fn call_op(
    client: &ZStackClient,
    op: &ApiOperation,
    args: &CallArgs,
    wait: Option<WaitOptions>,
) -> Result<Value> {
    let req = bind(op, args)?;
    let reply = client
        .send(
            req.method,
            &req.path,
            &req.query,
            req.body.as_ref(),
            None,
            req.with_session,
        )
        .await?;
    let mut value = match wait {
        Some(opts) => client.wait(&reply, opts).await?,
        None => accepted(client, reply),
    };
    redact(op, &mut value);
    Ok(value)
}

/// Makes an answer safe to print: console passwords and tokens, secrets (see
/// [`omnivirt_http::redact_answer`]) and, for a log-in, the new session's id, which is its
/// `inventory.uuid` (the credential every later call carries).
fn redact(op: &ApiOperation, value: &mut Value) {
    omnivirt_http::redact_answer(value);
    if op.result == "LogInResult"
        && let Some(uuid) = value.pointer_mut("/inventory/uuid")
        && uuid.is_string()
    {
        *uuid = Value::String(omnivirt_http::REDACTED.to_owned());
    }
}

/// Runs the operation called `name` on an existing client; `follow` waits for an asynchronous
/// answer with [`ZStackClient::default_wait`]. The session stays open.
pub async fn call_on(
    client: &ZStackClient,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    let op = find(OPERATIONS, name).map_err(|e| e.with_vendor(VENDOR))?;
    call_op(client, op, args, follow.then(ZStackClient::default_wait)).await
}

/// Runs one operation by name: finds it, binds args (a missing/unknown parameter is
/// `InvalidInput` before any request), connects with `config` using the native client, sends,
/// follows an asynchronous answer to its end when `follow` is true, closes the session (on
/// success and on error) and returns the result as JSON with the model's own field names.
pub async fn call(
    config: &ZStackConfig,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    let op = find(OPERATIONS, name).map_err(|e| e.with_vendor(VENDOR))?;
    bind(op, args)?;
    let client = config.client_builder()?.build()?;
    let out = call_op(&client, op, args, follow.then(ZStackClient::default_wait)).await;
    if let Err(e) = client.close().await {
        // The call's own outcome matters more; a failed logout only leaks a session that
        // expires on its own.
        tracing::warn!(vendor = VENDOR, error = %e, "zstack logout failed");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str) -> &'static ApiOperation {
        find(OPERATIONS, name).unwrap()
    }

    #[test]
    fn every_operation_is_unique_and_complete() {
        // Every action row of the model, by name, in model order.
        let model = include_str!("../model/actions.tsv");
        let names: Vec<&str> = model
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .filter_map(|l| l.split('\t').next())
            .collect();
        assert_eq!(names.len(), 1905);
        assert_eq!(OPERATIONS.len(), names.len());
        assert!(OPERATIONS.iter().zip(&names).all(|(o, n)| o.name == *n));
        let mut names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len());
        assert_eq!(SESSIONLESS.len(), 30);
        for o in OPERATIONS {
            assert!(o.path.starts_with("/v1/"), "{}", o.name);
            for var in o.path.split('{').skip(1).filter_map(|s| s.split_once('}')) {
                let p = o
                    .param(var.0)
                    .unwrap_or_else(|| panic!("{} {}", o.name, var.0));
                assert!(p.required, "{} {}", o.name, var.0);
            }
            if matches!(o.method, "PUT" | "POST") {
                assert!(
                    o.params
                        .iter()
                        .all(|p| !matches!(p.location, omnivirt_core::api::ParamIn::Query))
                );
            }
        }
    }

    #[test]
    fn queries_expand_lists() {
        let args = CallArgs::parse([
            r#"q=["state=Running","cpuNum>2"]"#,
            "limit=5",
            r#"fields=["uuid","name"]"#,
            "sort=-createDate",
        ])
        .unwrap();
        let req = bind(op("QueryVmInstance"), &args).unwrap();
        assert_eq!(req.method, Method::GET);
        assert_eq!(req.path, "/vm-instances");
        let q: Vec<(&str, &str)> = req
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            q,
            [
                ("q", "state=Running"),
                ("q", "cpuNum>2"),
                ("limit", "5"),
                ("fields", "uuid,name"),
                ("sort", "-createDate")
            ]
        );
        assert!(req.body.is_none() && req.with_session);
    }

    #[test]
    fn bodies_are_wrapped_and_sessionless_calls_marked() {
        let args = CallArgs::parse(["accountName=admin", "password=abc"]).unwrap();
        let req = bind(op("LogInByAccount"), &args).unwrap();
        assert!(!req.with_session);
        assert_eq!(
            req.body.unwrap(),
            json!({"logInByAccount": {"accountName": "admin", "password": "abc"}})
        );
        // An action with no body parameters still names itself.
        let req = bind(
            op("RebootVmInstance"),
            &CallArgs::parse(["uuid=u1"]).unwrap(),
        )
        .unwrap();
        assert_eq!(req.body.unwrap(), json!({"rebootVmInstance": {}}));
        let get = CallArgs::default().with_body(json!({"a": 1}));
        let err = bind(op("QueryZone"), &get).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        let err = bind(op("StartVmInstance"), &CallArgs::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().contains("uuid"), "{err}");
    }
}
