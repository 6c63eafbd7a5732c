//! `omnivirt api` for oVirt: every method of the v4 model as one operation, named
//! `<path template>:<method>` (`/vms/{vm}:start`, `/vms/{vm}/nics:add`; see `docs/ovirt.md`), run
//! generically from the generated table over the crate's one [`Connection`] (SSO, retry policy,
//! error parsing and body limit included).
//!
//! Parameters: path variables; query parameters; action parameters (children of `<action>`);
//! and `body`, the JSON form of an add's or update's body type. An action or query parameter
//! named like a path variable carries its location as a prefix (`action.vm` of
//! `/vms/{vm}:start`). A whole `--body` is the body type's JSON form for add and update, and the
//! `Action`'s for an action. Keys are the model's field names; answers come back the same way.

use http::Method;
use omnivirt_core::api::{ApiOperation, BoundCall, CallArgs, ParamIn, find};
use omnivirt_core::wait::{Probe, poll_until};
use omnivirt_core::{Error, ErrorKind, Op, Result};
use serde_json::{Map, Value};

use crate::config::OvirtConfig;
use crate::error::{VENDOR, fault_error, not_xml};
use crate::native::connection::{Connection, RawResponse};
use crate::native::types::Fault;
use crate::wire::bridge;
use crate::wire::schema::{TypeInfo, type_info};

/// Every operation of the vendor's model (re-export of the generated table).
pub use crate::generated::api::OPERATIONS;

/// The name of the body parameter of add and update operations.
pub const BODY: &str = "body";

/// The path variable standing for the `href` of any object (methods of abstract services such
/// as `/{href}:copy`): the object's path below the API root, or its full `href`.
pub const HREF: &str = "href";

/// Runs one operation by name: finds it, binds `args` (a missing or unknown parameter is
/// `InvalidInput` before any request), connects with `config`, sends, follows the engine job
/// an action answers with when `follow` is true, closes the session (on success and on error)
/// and returns the result as JSON with the model's field names (secrets, such as a console
/// ticket, as `***`; the typed methods of [`crate::Connection::ops`] return them as `Secret`).
pub async fn call(
    config: &OvirtConfig,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    let op = find(OPERATIONS, name)?;
    prepare(op, args)?;
    let conn = config.connection_builder()?.build()?;
    let out = call_on(&conn, name, args, follow).await;
    let closed = conn.close().await;
    match (out, closed) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) | (Err(e), _) => Err(e),
    }
}

/// [`call`] over an existing connection, which stays open.
pub async fn call_on(
    conn: &Connection,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    let op = find(OPERATIONS, name)?;
    let call = prepare(op, args)?;
    let path = api_path(conn, op, args, &call)?;
    let query: Vec<(String, String)> = call
        .query
        .iter()
        .map(|(k, v)| (wire_name(k).to_owned(), v.clone()))
        .collect();
    let body = request_body(op, call.body.as_ref())?;
    let method = Method::from_bytes(op.method.as_bytes())
        .map_err(|_| Error::new(ErrorKind::Config, format!("bad method in {}", op.name)))?;
    let raw = conn
        .send_ok(method, &path, &query, &[], body, None)
        .await
        .map_err(|e| e.with_vendor(VENDOR))?;
    let is_action = op.body == "Action" && op.method == "POST";
    if is_action {
        return action_answer(conn, op, &raw, follow).await;
    }
    if op.result.is_empty() {
        // A DELETE may still answer with an <action> carrying a fault.
        if let Some(f) = crate::wire::read_fault_doc(&raw.body) {
            return Err(fault_error(raw.status, &f));
        }
        return Ok(Value::Null);
    }
    read_result(conn, op.result, &raw)
}

/// Binds the arguments; a whole `--body` of an add or update is the body type's JSON form.
fn prepare(op: &ApiOperation, args: &CallArgs) -> Result<BoundCall> {
    let has_body_param = op.params.iter().any(|p| p.location == ParamIn::Body);
    let has_action = op.body == "Action";
    match &args.body {
        Some(b) if has_body_param => {
            let mut wrapped = args.clone();
            wrapped.body = Some(Value::Object(Map::from_iter([(BODY.into(), b.clone())])));
            wrapped.bind(op)
        }
        Some(_) if !has_action => Err(Error::invalid_input(format!(
            "{} takes no body (it is a {} without one)",
            op.name, op.method
        ))),
        _ => args.bind(op),
    }
}

/// `action.vm` -> `vm`, `query.filter` -> `filter`.
fn wire_name(name: &str) -> &str {
    name.strip_prefix("action.")
        .or_else(|| name.strip_prefix("query."))
        .unwrap_or(name)
}

/// The absolute request path: the API path, then the bound template (`/{href}` expanded as a
/// path, each segment encoded, then the bound rest of the template).
fn api_path(
    conn: &Connection,
    op: &ApiOperation,
    args: &CallArgs,
    call: &BoundCall,
) -> Result<String> {
    let api = &conn.inner.api_path;
    let Some(rest) = op.path.strip_prefix("/{href}") else {
        return Ok(if call.path == "/" {
            api.clone()
        } else {
            format!("{api}{}", call.path)
        });
    };
    let href = args
        .pairs
        .iter()
        .find(|(k, _)| k == HREF)
        .and_then(|(_, v)| v.as_str())
        .ok_or_else(|| Error::invalid_input(format!("{} needs `href` as a string", op.name)))?;
    let below = href.strip_prefix(api.as_str()).unwrap_or(href);
    let mut path = api.clone();
    for seg in below.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." || seg.contains(['?', '#']) {
            return Err(Error::invalid_input(format!(
                "`href` `{href}` is not a path below the API"
            )));
        }
        path.push('/');
        path.push_str(&url::form_urlencoded::byte_serialize(seg.as_bytes()).collect::<String>());
    }
    if path == *api {
        return Err(Error::invalid_input("`href` names no object"));
    }
    // The rest of the template comes bound from `call.path` (`/{href}/certificates/{certificate}`
    // has its `{certificate}` filled there): its last segments, one per segment of `rest`, as
    // the bound `href` is one encoded segment.
    let n = rest.split('/').filter(|s| !s.is_empty()).count();
    let bound: Vec<&str> = call.path.split('/').filter(|s| !s.is_empty()).collect();
    for seg in &bound[bound.len().saturating_sub(n)..] {
        path.push('/');
        path.push_str(seg);
    }
    Ok(path)
}

/// The XML body: the body type for add/update, `<action>` for an action, none otherwise.
fn request_body(op: &ApiOperation, body: Option<&Value>) -> Result<Option<String>> {
    if op.body.is_empty() {
        return Ok(None);
    }
    let list_of = op.body.strip_suffix("[]");
    let ty = schema_of(list_of.unwrap_or(op.body))?;
    if op.body == "Action" && op.method == "POST" {
        let mut fields = Map::new();
        if let Some(Value::Object(map)) = body {
            for (k, v) in map {
                fields.insert(wire_name(k).to_owned(), v.clone());
            }
        } else if let Some(other) = body {
            return Err(Error::invalid_input(format!(
                "the body of {} is an Action object, not {other}",
                op.name
            )));
        }
        return bridge::write(ty, ty.element, &Value::Object(fields)).map(Some);
    }
    let value = body
        .and_then(|b| b.get(BODY))
        .ok_or_else(|| Error::invalid_input(format!("{} needs a body ({})", op.name, op.body)))?;
    match list_of {
        Some(_) => bridge::write_list(ty, value).map(Some),
        None => bridge::write(ty, ty.element, value).map(Some),
    }
}

fn schema_of(name: &str) -> Result<&'static TypeInfo> {
    type_info(name).ok_or_else(|| {
        Error::new(
            ErrorKind::Protocol,
            format!("`{name}` is not a struct of the model"),
        )
        .with_vendor(VENDOR)
    })
}

/// Reads a 2xx answer as `result` (`Vm` or `Vm[]`); enums and primitives come back as text.
fn read_result(conn: &Connection, result: &str, raw: &RawResponse) -> Result<Value> {
    let ct = raw.content_type.as_deref().unwrap_or("");
    if raw.body.trim_ascii().is_empty() {
        return Ok(Value::Null);
    }
    if !(ct.ends_with("/xml") || ct.ends_with("+xml")) {
        return Err(not_xml(
            raw.status,
            raw.content_type.as_deref(),
            &conn.inner.api_path,
        ));
    }
    let read = match result.strip_suffix("[]") {
        Some(item) => bridge::read_list(schema_of(item)?, &raw.body),
        None => bridge::read(schema_of(result)?, &raw.body),
    };
    let mut value = read.map_err(|e| e.with_vendor(VENDOR))?;
    // Passwords, scripts and console tickets are never printed: `***`.
    omnivirt_http::redact_where(&mut value, &crate::wire::gen_support::is_secret_key);
    Ok(value)
}

/// An action's answer: a fault inside it is an error even on 2xx; with `follow`, the job it
/// names is polled to its end; the result is the declared member of the `<action>`, else the
/// whole action.
async fn action_answer(
    conn: &Connection,
    op: &ApiOperation,
    raw: &RawResponse,
    follow: bool,
) -> Result<Value> {
    let mut action = match read_result(conn, "Action", raw)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(Value::Object(f)) = action.get("fault") {
        let fault = Fault {
            reason: f.get("reason").and_then(Value::as_str).map(str::to_owned),
            detail: f.get("detail").and_then(Value::as_str).map(str::to_owned),
            ..Fault::default()
        };
        return Err(fault_error(raw.status, &fault));
    }
    if action.get("status").and_then(Value::as_str) == Some("failed") {
        return Err(Error::new(
            ErrorKind::Backend,
            "the engine reported the action as failed",
        )
        .with_vendor(VENDOR));
    }
    if follow {
        let job_id = action
            .get("job")
            .and_then(|j| j.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(id) = job_id {
            let job = follow_job(conn, &id).await?;
            action.insert("job".into(), job);
        }
    }
    let member = crate::generated::api::ACTION_RESULTS
        .iter()
        .find(|(n, _)| *n == op.name)
        .map(|(_, m)| *m);
    if let Some(tag) = member {
        let name = schema_of("Action")?
            .field_by_tag(tag.as_bytes())
            .map_or(tag, |f| f.name);
        return Ok(action.remove(name).unwrap_or(Value::Null));
    }
    Ok(Value::Object(action))
}

/// Polls `GET /jobs/{id}` until the job is `finished` (its JSON), or fails with `TaskFailed` when
/// it ends `failed` or `aborted`.
async fn follow_job(conn: &Connection, id: &str) -> Result<Value> {
    let path = format!(
        "{}/jobs/{}",
        conn.inner.api_path,
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let job = poll_until(conn.wait_options(), Op::TaskGet, VENDOR, || {
        let path = path.clone();
        async move {
            let raw = conn
                .send_ok(Method::GET, &path, &[], &[], None, Some(Op::TaskGet))
                .await?;
            let job = read_result(conn, "Job", &raw)?;
            let status = job.get("status").and_then(Value::as_str).unwrap_or("");
            Ok(match status {
                "finished" | "failed" | "aborted" => Probe::Ready(job),
                other => Probe::pending(format!("job {path} is {other}")),
            })
        }
    })
    .await?;
    match job.get("status").and_then(Value::as_str) {
        Some("finished") => Ok(job),
        status => Err(Error::new(
            ErrorKind::TaskFailed,
            format!(
                "engine job {id} ended {}: {}",
                status.unwrap_or("?"),
                job.get("description").and_then(Value::as_str).unwrap_or("")
            ),
        )
        .with_vendor(VENDOR)),
    }
}
