//! The operation table against the requests the vendor's Python client (2.2.18) was captured
//! sending (`fixtures/veil/client_requests.jsonl`, 88 calls): for every captured request some
//! operation of the table, called through `api::call_on` with the request's own values as
//! `NAME=VALUE` arguments, sends the same method, path, query and body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use http::{HeaderMap, StatusCode};
use omnivirt_core::Result;
use omnivirt_core::api::{ApiOperation, CallArgs, ParamIn};
use omnivirt_http::{Request, Response, Transport};
use omnivirt_veil::api::{self, FIXED_BODIES, OPERATIONS};
use omnivirt_veil::{Credentials, VeilClient};
use serde_json::{Map, Value, json};

#[derive(Debug, Default)]
struct Capture {
    seen: Mutex<Vec<Request>>,
}

#[async_trait]
impl Transport for Capture {
    async fn send(&self, req: Request) -> Result<Response> {
        self.seen.lock().unwrap().push(req);
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Ok(Response::new(StatusCode::OK, headers, b"{}".to_vec()))
    }
}

/// `{id}` templates against a concrete path: the path variables, when it matches.
fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut vars = Vec::new();
    for (a, b) in t.iter().zip(&p) {
        if let Some(name) = a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
            vars.push((name.to_owned(), (*b).to_owned()));
        } else if a != b {
            return None;
        }
    }
    Some(vars)
}

fn fixed(op: &ApiOperation) -> Map<String, Value> {
    FIXED_BODIES
        .iter()
        .find(|(n, _)| *n == op.name)
        .map(|(_, t)| serde_json::from_str(t).unwrap())
        .unwrap_or_default()
}

/// The arguments that make `op` send `req`, when it can.
fn args_for(op: &ApiOperation, req: &Value) -> Option<CallArgs> {
    let path = req["path"].as_str()?.strip_prefix("/api")?;
    if op.method != req["method"] {
        return None;
    }
    let vars = match_path(op.path, path)?;
    let mut args = CallArgs::default();
    for (k, v) in vars {
        args.pairs.push((k, Value::String(v)));
    }
    for pair in req["query"].as_array()? {
        let (k, v) = (pair[0].as_str()?, pair[1].as_str()?);
        if k == "async" && v == "1" {
            continue;
        }
        args.pairs.push((k.to_owned(), Value::String(v.to_owned())));
    }
    let fixed = fixed(op);
    if let Some(body) = req["body"].as_object() {
        for (k, v) in &fixed {
            if body.get(k) != Some(v) {
                return None;
            }
        }
        for (k, v) in body {
            if k == "idempotency_key" || fixed.contains_key(k) {
                continue;
            }
            args.pairs.push((k.clone(), v.clone()));
        }
    } else if !fixed.is_empty() {
        return None;
    }
    // Every argument must be a parameter of the operation, where the request put it.
    for (k, _) in &args.pairs {
        let p = op.param(k)?;
        let in_query = req["query"].as_array()?.iter().any(|q| q[0] == k.as_str());
        if in_query != (p.location == ParamIn::Query) && p.location != ParamIn::Path {
            return None;
        }
    }
    args.bind(op).ok()?;
    Some(args)
}

/// The operation for a captured request: of those that can send it, the one named like the
/// Python call, else the one with the most literal path, then the most fixed fields.
fn best(record: &Value, req: &Value) -> Option<(&'static ApiOperation, CallArgs)> {
    let call = record["call"].as_str()?;
    let word = call.split(['(', ' ']).next()?;
    // `tags_list` exists on every entity: one operation, `entity.tags_list`.
    let entity = if word == "tags_list" {
        "entity"
    } else {
        record["entity"].as_str()?
    };
    let wanted = format!("{entity}.{word}");
    OPERATIONS
        .iter()
        .filter_map(|op| args_for(op, req).map(|a| (op, a)))
        .max_by_key(|(op, _)| {
            (
                op.name == wanted,
                usize::MAX - op.path.matches('{').count(),
                fixed(op).len(),
            )
        })
}

fn without_key(v: Option<Value>) -> Option<Value> {
    v.map(|mut b| {
        if let Some(o) = b.as_object_mut() {
            o.remove("idempotency_key");
        }
        b
    })
}

#[tokio::test]
async fn every_captured_request_is_an_operation_of_the_table() {
    let raw = include_str!("../../../fixtures/veil/client_requests.jsonl");
    let capture = Arc::new(Capture::default());
    let veil = VeilClient::new("https://ctrl", capture.clone(), Credentials::token("TOKEN"))
        .unwrap()
        .without_idempotency_keys();
    let mut used = BTreeSet::new();
    let mut requests = 0;
    for line in raw.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        for req in record["requests"].as_array().unwrap() {
            requests += 1;
            let what = format!("{}/{}", record["entity"], record["call"]);
            let (op, args) =
                best(&record, req).unwrap_or_else(|| panic!("{what}: no operation sends {req}"));
            used.insert(op.name);
            api::call_on(&veil, op.name, &args, false)
                .await
                .unwrap_or_else(|e| panic!("{what} as {}: {e}", op.name));
            let sent = capture.seen.lock().unwrap().pop().unwrap();
            let url = url::Url::parse(&sent.url).unwrap();
            assert_eq!(sent.method.as_str(), req["method"], "{what}");
            assert_eq!(url.path(), req["path"], "{what}");
            let mut q: Vec<Value> = url.query_pairs().map(|(k, v)| json!([k, v])).collect();
            q.sort_by_key(|v| v.to_string());
            let mut want = req["query"].as_array().unwrap().clone();
            want.sort_by_key(|v| v.to_string());
            assert_eq!(q, want, "{what} as {}: query", op.name);
            let body: Option<Value> =
                (!sent.body.is_empty()).then(|| serde_json::from_slice(&sent.body).unwrap());
            let want_body = (!req["body"].is_null()).then(|| req["body"].clone());
            assert_eq!(
                without_key(body),
                without_key(want_body),
                "{what} as {}: body",
                op.name
            );
        }
    }
    assert!(requests >= 88, "{requests}");
    // Every one of the Python client's 78 methods is an operation of the table.
    assert_eq!(used.len(), 78, "{used:?}");
}
