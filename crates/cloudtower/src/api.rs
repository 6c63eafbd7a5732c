//! `omnivirt api` for CloudTower: any of the model's 554 operations by name, from the generated
//! table, over the native client (same login, headers, retry policy, error parsing and body
//! limit as every typed call).
//!
//! - Names are the API paths without their slash: `get-vms`, `create-vm`, `start-vm`.
//! - `NAME=VALUE` pairs are the body's top-level fields (`where`, `data`, `first`, `orderBy`...).
//!   When the body is an array (`create-vm` takes `[VmCreationParams]`), the pairs are one
//!   element's fields and the body sent is a one-element array; `--body` gives the whole body
//!   (an array for several elements). No pairs and no `--body` send `{}` (or `[]`).
//! - Queries (`get-*`) may be retried by the retry policy; mutations never are.
//! - A mutation answers `[{task_id, data}]`; with `follow` every task is waited for (one batched
//!   `get-tasks` per poll) and each item gains a `task` field with the finished task. A failed
//!   task is a `TaskFailed` error.
//! - The six `multipart/form-data` uploads are refused (`Unsupported`) before any request.
//!
//! ```no_run
//! # async fn demo() -> omnivirt_core::Result<()> {
//! use omnivirt_cloudtower::{CloudTowerConfig, api};
//! use omnivirt_core::api::CallArgs;
//!
//! let config = CloudTowerConfig::new("https://tower.example").user("admin", "secret");
//! let args = CallArgs::parse([r#"where={"name_starts_with":"web-"}"#, "first=10"])?;
//! let vms = api::call(&config, "get-vms", &args, false).await?;
//! println!("{vms:#}");
//! # Ok(()) }
//! ```

use omnivirt_core::api::{self as core_api, ApiOperation, BoundCall, CallArgs};
use omnivirt_core::{Error, ErrorKind, Result};
use serde_json::Value;

use crate::VENDOR;
use crate::config::CloudTowerConfig;
use crate::native::tasks::WaitTasks;
use crate::native::{Call, CloudTowerClient};

/// Every operation of the vendor's model (re-export of the generated table).
pub use crate::generated::api::OPERATIONS;

/// Runs one operation by name: finds it, binds `args` (a missing or unknown parameter is
/// `InvalidInput` before any request), connects with `config`, sends, follows the tasks of an
/// asynchronous answer to their end when `follow` is true, closes the session (on success and
/// on error) and returns the answer as JSON with the model's own field names.
pub async fn call(
    config: &CloudTowerConfig,
    name: &str,
    args: &CallArgs,
    follow: bool,
) -> Result<Value> {
    let op = core_api::find(OPERATIONS, name)?;
    let bound = bind(op, args)?;
    let client = config.client_builder()?.build()?;
    let wait = follow.then(WaitTasks::default);
    call_and_close(&client, op, bound, wait).await
}

/// [`call`] on an existing client, which stays open: finds, binds, sends and, with `follow`
/// set, waits for the answer's tasks with those options.
pub async fn call_on(
    client: &CloudTowerClient,
    name: &str,
    args: &CallArgs,
    follow: Option<WaitTasks>,
) -> Result<Value> {
    let op = core_api::find(OPERATIONS, name)?;
    let bound = bind(op, args)?;
    send(client, op, bound, follow).await
}

/// [`call_on`], then closes `client`'s session whatever the outcome (what [`call`] does with
/// the client it builds).
pub async fn call_on_and_close(
    client: &CloudTowerClient,
    name: &str,
    args: &CallArgs,
    follow: Option<WaitTasks>,
) -> Result<Value> {
    let op = core_api::find(OPERATIONS, name)?;
    let bound = bind(op, args)?;
    call_and_close(client, op, bound, follow).await
}

async fn call_and_close(
    client: &CloudTowerClient,
    op: &ApiOperation,
    bound: BoundCall,
    follow: Option<WaitTasks>,
) -> Result<Value> {
    let out = send(client, op, bound, follow).await;
    let closed = client.close().await;
    let value = out?;
    closed?;
    Ok(value)
}

/// Whether the operation's body is an array (`VmCreationParams[]`).
fn array_body(op: &ApiOperation) -> bool {
    op.body.ends_with("[]")
}

fn multipart(op: &ApiOperation) -> bool {
    op.summary.contains("multipart upload")
}

/// Binds and checks everything that can be checked before a request.
fn bind(op: &ApiOperation, args: &CallArgs) -> Result<BoundCall> {
    if multipart(op) {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "{} is a multipart/form-data upload; `omnivirt api` sends JSON bodies only",
                op.name
            ),
        )
        .with_vendor(VENDOR));
    }
    if op.method == "GET" && args.body.is_some() {
        return Err(Error::invalid_input(format!("{} takes no body", op.name)).with_vendor(VENDOR));
    }
    args.bind(op).map_err(|e| e.with_vendor(VENDOR))
}

/// The body to send: the bound object (wrapped in a one-element array for array bodies), the
/// whole `--body` as given, or an empty object/array.
fn body_of(op: &ApiOperation, body: Option<Value>) -> Value {
    match (body, array_body(op)) {
        (Some(Value::Object(map)), true) => Value::Array(vec![Value::Object(map)]),
        (Some(other), _) => other,
        (None, true) => Value::Array(Vec::new()),
        (None, false) => Value::Object(serde_json::Map::new()),
    }
}

async fn send(
    client: &CloudTowerClient,
    op: &ApiOperation,
    bound: BoundCall,
    follow: Option<WaitTasks>,
) -> Result<Value> {
    let get = op.method == "GET";
    let body = if get {
        None
    } else {
        let v = body_of(op, bound.body);
        Some(serde_json::to_vec(&v).map_err(|e| {
            Error::invalid_input(format!("cannot encode the body: {e}")).with_vendor(VENDOR)
        })?)
    };
    let resp = client
        .send_raw(Call {
            method: if get {
                http::Method::GET
            } else {
                http::Method::POST
            },
            path: &bound.path,
            query: &bound.query,
            body,
            op: None,
            // Queries may be repeated; a mutation POST never is (the retry layer's rule).
            idempotent: get || op.name.starts_with("get-"),
            anonymous: op.name == "get-version" || op.name == "login",
        })
        .await?;
    let status = resp.status.as_u16();
    let bytes = resp.bytes().await?;
    if status == 304 || bytes.is_empty() {
        return Ok(Value::Null);
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::protocol(format!("{}: the answer is not JSON: {e}", op.path)).with_vendor(VENDOR)
    })?;
    let mut value = match follow {
        Some(wait) if op.is_async => follow_tasks(client, value, wait).await?,
        _ => value,
    };
    // `login`'s token, `get-vm-vnc-info`'s tokens, CHAP secrets: never printed.
    omnivirt_http::redact_answer(&mut value);
    Ok(value)
}

/// Waits for every `task_id` of a `WithTask` answer (one item or an array) and adds the
/// finished task beside each item's `data`.
async fn follow_tasks(
    client: &CloudTowerClient,
    mut value: Value,
    wait: WaitTasks,
) -> Result<Value> {
    let items: Vec<&Value> = match &value {
        Value::Array(list) => list.iter().collect(),
        one => vec![one],
    };
    let ids: Vec<String> = items
        .iter()
        .filter_map(|item| item.get("task_id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Ok(value);
    }
    client.wait_tasks(&ids, wait).await?;
    // The finished tasks once more as the tower wrote them (the typed model decodes only), so
    // the output keeps every field under the spec's own names.
    let tasks: Vec<Value> = client
        .call("get-tasks", &serde_json::json!({"where": {"id_in": ids}}))
        .await?;
    let attach = |item: &mut Value| {
        let Some(id) = item.get("task_id").and_then(Value::as_str) else {
            return;
        };
        let found = tasks.iter().find(|t| t["id"].as_str() == Some(id));
        if let (Some(task), Value::Object(map)) = (found, item) {
            map.insert("task".to_owned(), task.clone());
        }
    };
    match &mut value {
        Value::Array(list) => list.iter_mut().for_each(attach),
        one => attach(one),
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_table_is_the_whole_model() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/model/cloudtower-api-4.6.0-swagger.json"
        ))
        .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let count: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(OPERATIONS.len(), count);
        assert_eq!(OPERATIONS.len(), 554);
        let names: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        assert_eq!(names.len(), OPERATIONS.len(), "names are unique");
        for op in OPERATIONS {
            assert_eq!(op.path, format!("/{}", op.name));
            assert!(paths.contains_key(op.path), "{}", op.path);
        }
        let uploads: Vec<&str> = OPERATIONS
            .iter()
            .filter(|o| multipart(o))
            .map(|o| o.name)
            .collect();
        assert_eq!(uploads.len(), 6, "{uploads:?}");
    }

    #[test]
    fn array_bodies_wrap_one_element() {
        let op = core_api::find(OPERATIONS, "create-vm").unwrap();
        assert!(array_body(op));
        let v = body_of(op, Some(serde_json::json!({"name": "a"})));
        assert_eq!(v, serde_json::json!([{"name": "a"}]));
        let v = body_of(op, Some(serde_json::json!([{"name": "a"}, {"name": "b"}])));
        assert_eq!(v.as_array().unwrap().len(), 2);
        let get = core_api::find(OPERATIONS, "get-vms").unwrap();
        assert_eq!(body_of(get, None), serde_json::json!({}));
    }

    #[test]
    fn uploads_and_get_bodies_are_refused_before_sending() {
        let up = core_api::find(OPERATIONS, "upload-elf-image").unwrap();
        let err = bind(up, &CallArgs::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        let ver = core_api::find(OPERATIONS, "get-version").unwrap();
        let err = bind(ver, &CallArgs::default().with_body(serde_json::json!({}))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
}
