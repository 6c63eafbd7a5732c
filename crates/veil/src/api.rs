//! `omnivirt api` for VeiL: any operation of the table, by name, over the native client.
//!
//! Every operation of `model/operations.tsv` runs through one path: [`call_on`] finds it, binds
//! the caller's `NAME=VALUE` arguments (a missing or unknown parameter is `InvalidInput` before
//! anything is sent), adds the body fields the operation always sends, sends with
//! [`VeilClient::send`] (auth, `async=1`, idempotency keys, retry of GET/PUT only, error parsing
//! and body limits are the client's), and, when asked, follows the `_task` of a 202 answer to its
//! end. Secrets in the answer (console passwords, tokens, tickets) are replaced with `***`.
//!
//! ```
//! use omnivirt_veil::api::OPERATIONS;
//!
//! let start = omnivirt_core::api::find(OPERATIONS, "domain.start").unwrap();
//! assert_eq!(start.path, "/domains/{id}/start/");
//! assert!(start.is_async);
//! ```

use omnivirt_core::api::{CallArgs, find};
use omnivirt_core::{Error, ErrorKind, Result, WaitOptions};
use serde_json::{Map, Value};

use crate::native::{Tasks, VeilClient};
use crate::{VENDOR, VeilConfig};

/// Every operation of the vendor's model (re-export of the generated table).
pub use crate::generated::api::OPERATIONS;

/// Body fields some operations always send (`domain.multi_start` sends `"action": "start"`).
pub use crate::generated::api::FIXED_BODIES;

/// Runs one operation by name: finds it, binds `args` (a missing or unknown parameter is
/// `InvalidInput` before any request), connects with `config` using the native client, sends,
/// follows an asynchronous answer to its end when `follow` is true, closes the session (on
/// success and on error), and returns the answer as JSON with the controller's own field names.
pub async fn call(config: &VeilConfig, name: &str, args: &CallArgs, follow: bool) -> Result<Value> {
    // Refuse bad input before logging in.
    let op = find(OPERATIONS, name).map_err(|e| e.with_vendor(VENDOR))?;
    args.bind(op).map_err(|e| e.with_vendor(VENDOR))?;
    let client = config.client_builder()?.build()?;
    let result = call_on(&client, name, args, follow).await;
    let closed = client.close().await;
    match (result, closed) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) => Err(e),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(close)) => {
            tracing::debug!(vendor = VENDOR, error = %close, "closing after a failed call failed too");
            Err(e)
        }
    }
}

/// [`call`] over an existing client (which stays open), following tasks with
/// [`Tasks::default_wait`].
pub async fn call_on(
    client: &VeilClient,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    call_on_with(client, name, args, follow.then(Tasks::default_wait)).await
}

/// [`call_on`] with its own wait: `Some(opts)` follows a task with `opts`, `None` returns the
/// first answer.
pub async fn call_on_with(
    client: &VeilClient,
    name: &str,
    args: &CallArgs,
    follow: Option<WaitOptions>,
) -> Result<Value> {
    let op = find(OPERATIONS, name).map_err(|e| e.with_vendor(VENDOR))?;
    let bound = args.bind(op).map_err(|e| e.with_vendor(VENDOR))?;
    let body = with_fixed_fields(op.name, op.body, op.method, bound.body)?;
    let method = http::Method::from_bytes(op.method.as_bytes()).map_err(|_| {
        Error::new(
            ErrorKind::Protocol,
            format!("{}: bad method {}", op.name, op.method),
        )
        .with_vendor(VENDOR)
    })?;
    // The table's paths are relative to `/api` with a leading slash; the client joins paths
    // under `/api/` itself, so the slash goes (no `/api//domains/` on the wire).
    let path = bound.path.trim_start_matches('/');
    let resp = client
        .send(method, path, &bound.query, body.as_ref(), None)
        .await?;
    let status = resp.status.as_u16();
    let mut answer: Value = crate::native::decode_answer(path, resp).await?;
    if let Some(opts) = follow
        && status == 202
        && let Some(id) = answer
            .get("_task")
            .and_then(|t| t.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    {
        let task = client.tasks().wait(&id, opts).await?;
        let task = serde_json::to_value(task).map_err(|e| {
            Error::protocol(format!("task {id}: cannot re-encode: {e}")).with_vendor(VENDOR)
        })?;
        if let Some(obj) = answer.as_object_mut() {
            obj.insert("_task".into(), task);
        }
    }
    omnivirt_http::redact_answer(&mut answer);
    Ok(answer)
}

/// The body to send: the bound one, plus the fields the operation always sends (which win);
/// `{}` for an operation that takes a body when the caller gave none (so a POST still carries
/// its idempotency key, as the Python client's always does).
fn with_fixed_fields(
    name: &str,
    body_type: &str,
    method: &str,
    body: Option<Value>,
) -> Result<Option<Value>> {
    let fixed = FIXED_BODIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f);
    let mut body = match (body, fixed.is_some() || !body_type.is_empty()) {
        (Some(b), _) => b,
        (None, true) if method != "GET" => Value::Object(Map::new()),
        (None, _) => return Ok(None),
    };
    if let Some(text) = fixed {
        let fields: Map<String, Value> = serde_json::from_str(text).map_err(|e| {
            Error::protocol(format!("{name}: bad fixed body: {e}")).with_vendor(VENDOR)
        })?;
        let Some(obj) = body.as_object_mut() else {
            return Err(Error::invalid_input(format!(
                "{name} needs a JSON object body (it always sends {text})"
            ))
            .with_vendor(VENDOR));
        };
        obj.extend(fields);
    }
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fixed_fields_win_and_need_an_object() {
        let b = with_fixed_fields(
            "domain.multi_start",
            "MultiManager",
            "POST",
            Some(json!({"entity_ids": ["a"], "action": "delete"})),
        )
        .unwrap()
        .unwrap();
        assert_eq!(b, json!({"entity_ids": ["a"], "action": "start"}));
        let e = with_fixed_fields("domain.multi_start", "M", "POST", Some(json!([1]))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            with_fixed_fields("domain.start", "PowerAction", "POST", None).unwrap(),
            Some(json!({}))
        );
        assert_eq!(
            with_fixed_fields("domain.change_template", "", "POST", None).unwrap(),
            None
        );
    }

    #[test]
    fn secrets_never_reach_the_output() {
        let mut v = json!({
            "graphics_password": "pw1",
            "nested": [{"ticket": "t", "token": null}],
            "spice_url": "/s?host=h&password=pw2&path=websockify?token=tok3",
            "name": "web",
            "idempotency_key": "k",
        });
        omnivirt_http::redact_answer(&mut v);
        let text = v.to_string();
        for secret in ["pw1", "pw2", "tok3", "\"t\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(
            v["spice_url"],
            "/s?host=h&password=***&path=websockify?token=***"
        );
        assert_eq!(v["name"], "web");
        assert_eq!(v["idempotency_key"], "k");
        assert!(v["nested"][0]["token"].is_null());
    }
}
