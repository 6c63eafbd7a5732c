//! Login (`POST /v2/api/login`) and the GraphQL authn-strategy discovery on `/api`.

use http::StatusCode;
use omnivirt_http::{Request, Response};
use serde_json::{Value, json};

use super::reply::{Fail, bad, fail};
use crate::skin;
use crate::world::World;

pub(super) fn graphql(world: &World, req: &Request) -> Response {
    let body: Value = skin::json_body(req).unwrap_or(Value::Null);
    let query = body.get("query").and_then(Value::as_str).unwrap_or("");
    if query.contains("authnStrategies") {
        let _ = world;
        return skin::json_response(
            StatusCode::OK,
            &json!({"data": {"authnStrategies": [
                {"id": "sim-local", "type": "LOCAL"},
                {"id": "sim-ldap", "type": "LDAP"}
            ]}}),
        );
    }
    skin::json_response(
        StatusCode::OK,
        &json!({"errors": [{"message": "the simulator answers only authnStrategies on /api"}]}),
    )
}

pub(super) fn login(world: &World, body: &Value) -> Result<Value, Fail> {
    let user = body.get("username").and_then(Value::as_str).unwrap_or("");
    let password = body.get("password").and_then(Value::as_str).unwrap_or("");
    if user.is_empty() || password.is_empty() {
        return Err(bad("username and password are required"));
    }
    match body
        .get("source")
        .and_then(Value::as_str)
        .unwrap_or("LOCAL")
    {
        "LOCAL" | "LDAP" | "SSO" => {}
        "AUTHN" => {
            let id = body.get("auth_config_id").and_then(Value::as_str);
            if !matches!(id, Some("sim-local" | "sim-ldap")) {
                return Err(bad(
                    "source AUTHN needs the auth_config_id of an authn strategy",
                ));
            }
        }
        other => return Err(bad(format!("unknown UserSource `{other}`"))),
    }
    match world.login(user, password) {
        Ok(token) => Ok(json!({"task_id": null, "data": {"token": token.expose()}})),
        Err(_) => Err(fail(400, "Login failed: wrong username or password")),
    }
}
