//! Every operation of the table against the model: an example body built from the operation's
//! body schema validates against the spec, binds from `NAME=VALUE` pairs (its top-level fields,
//! or one element's for array bodies) and goes out byte-for-byte as that body, to the right path
//! with the right method; dropping a required field is refused before sending.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;

use common::example::{Examples, model};
use common::schema::Spec;
use omnivirt_cloudtower::api::{self, OPERATIONS};
use omnivirt_cloudtower::{CloudTowerClient, Credentials};
use omnivirt_core::ErrorKind;
use omnivirt_core::api::CallArgs;
use omnivirt_http::{HyperTransport, TlsOptions};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn pairs(fields: &serde_json::Map<String, Value>) -> Vec<String> {
    fields.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

#[tokio::test]
async fn every_operation_binds_validates_and_sends_its_example() {
    let model = model();
    let spec = Spec::from_model(&model);
    let ex = Examples::new(&model);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/api/login"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"task_id": null, "data": {"token": "t"}})),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let tower = CloudTowerClient::new(
        format!("{}/v2/api", server.uri()),
        Arc::new(HyperTransport::new(TlsOptions::default()).unwrap()),
        Credentials::password("admin", "pw"),
    );
    let (mut sent, mut refused, mut no_body) = (0, 0, 0);
    for op in OPERATIONS {
        let item = &model["paths"][op.path];
        if item.get("post").is_some() && item["post"].get("requestBody").is_none() {
            // get-my-info, get-ntp-service-url: a POST without a body schema gets `{}`.
            assert!(op.params.is_empty(), "{}", op.name);
            api::call_on(&tower, op.name, &CallArgs::default(), None)
                .await
                .unwrap();
            let got = server.received_requests().await.unwrap();
            assert_eq!(
                got.last().unwrap().url.path(),
                format!("/v2/api/{}", op.name)
            );
            no_body += 1;
            continue;
        }
        let Some(schema) = item["post"].pointer("/requestBody/content/application~1json/schema")
        else {
            continue; // GET operations and multipart uploads
        };
        let body = ex.of(schema, 0);
        let errs = spec.validate(op.path, &body);
        assert!(errs.is_empty(), "{}: {errs:?}\n{body}", op.name);
        let (fields, wire) = match &body {
            Value::Array(items) => (items[0].as_object().unwrap().clone(), json!([items[0]])),
            Value::Object(m) => (m.clone(), body.clone()),
            other => panic!("{}: body {other}", op.name),
        };
        let words = pairs(&fields);
        let args = CallArgs::parse(&words).unwrap();
        let before = server.received_requests().await.unwrap().len();
        api::call_on(&tower, op.name, &args, None)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.name));
        let got = server.received_requests().await.unwrap();
        let last = got.last().unwrap();
        assert_eq!(last.url.path(), format!("/v2/api/{}", op.name));
        assert_eq!(last.method.as_str(), "POST");
        let seen: Value = serde_json::from_slice(&last.body).unwrap();
        assert_eq!(seen, wire, "{}", op.name);
        assert!(got.len() > before);
        sent += 1;
        // Drop one required field: refused, nothing sent.
        if let Some(req) = op.params.iter().find(|p| p.required) {
            let fewer: Vec<String> = words
                .iter()
                .filter(|w| !w.starts_with(&format!("{}=", req.name)))
                .cloned()
                .collect();
            let n = server.received_requests().await.unwrap().len();
            let err = api::call_on(&tower, op.name, &CallArgs::parse(&fewer).unwrap(), None)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{}", op.name);
            assert_eq!(server.received_requests().await.unwrap().len(), n);
            refused += 1;
        }
    }
    // 554 operations: 2 GET, 6 multipart uploads, 2 POST without a body.
    assert_eq!(sent, 544);
    assert_eq!(no_body, 2);
    assert_eq!(refused, 316);
}
