//! Issue 12 item 5: the engine answers every action with `<action>` and its `<status>`; an
//! answer without one (`<action/>`, an empty body) says nothing about what happened, so it is a
//! protocol error, not a success.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use omnivirt_core::ErrorKind;
use omnivirt_ovirt::Connection;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "/ovirt-engine/api";

async fn stop_answered_with(body: &str) -> omnivirt_core::Result<()> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{API}/vms/1/stop")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/xml"))
        .mount(&server)
        .await;
    let conn = Connection::builder(format!("{}{API}", server.uri()))
        .token("tok")
        .build()
        .unwrap();
    conn.system().vms().vm("1").stop().send().await.map(drop)
}

#[tokio::test]
async fn an_action_answer_without_a_status_is_a_protocol_error() {
    for body in ["<action/>", "<action></action>", ""] {
        let err = stop_answered_with(body).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Protocol, "{body:?}: {err}");
        assert!(err.to_string().contains("without a status"), "{err}");
    }
}

#[tokio::test]
async fn an_action_answer_with_a_status_is_accepted_in_both_dialects() {
    for body in [
        "<action><status>complete</status></action>",
        "<action><status><state>complete</state></status></action>",
        "<action><status>pending</status><job id=\"j\"/></action>",
    ] {
        stop_answered_with(body)
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"));
    }
}
