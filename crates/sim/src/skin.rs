//! The `Skin` trait (one vendor's wire format over the World) and helpers to write one.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use omnivirt_http::{Request, Response};

use crate::world::World;

/// One vendor's wire format over the neutral [`World`].
///
/// A skin is synchronous and stateless apart from what it keeps in the World: the serving layer
/// ([`SimTransport`](crate::SimTransport), [`SimServer`](crate::SimServer)) picks the skin whose
/// mount is the longest prefix of the request path, applies the World's fault plan (failed
/// requests, delays) and then calls [`Skin::handle`]. See `SKINS.md` for a walkthrough.
pub trait Skin: Send + Sync + fmt::Debug {
    /// Vendor name (`ovirt`, `cloudtower`, `sim`, ...).
    fn vendor(&self) -> &'static str;

    /// The main path prefix, without a trailing slash (`/ovirt-engine`, `/v2/api`, `/sim/v1`).
    fn mount(&self) -> &'static str;

    /// Every path prefix the skin answers (default: just [`Skin::mount`]). A vendor whose API
    /// lives under two roots (e.g. `/v2/api` and `/api` for CloudTower) lists both.
    fn mounts(&self) -> Vec<&'static str> {
        vec![self.mount()]
    }

    /// Answers one request. Never panics: bad input is a vendor-style error response.
    /// `req.url` is absolute (`http://127.0.0.1:PORT/path?query`); use [`Request::path`] and
    /// [`query_pairs`].
    fn handle(&self, world: &World, req: Request) -> Response;

    /// How to log in, for `omnivirt sim serve` to print (e.g. `user admin@internal, password
    /// admin`). Never a real secret: the simulator's users are configured in the open.
    fn credentials_hint(&self) -> String;

    /// The response for a request the fault plan fails, in the vendor's error format.
    /// Default: `{"error": {"status": N, "message": "..."}}` as JSON.
    fn error_response(&self, status: StatusCode, message: &str) -> Response {
        json_response(
            status,
            &serde_json::json!({"error": {"status": status.as_u16(), "message": message}}),
        )
    }
}

/// True if `path` is `mount` or below it.
pub fn path_under(path: &str, mount: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    mount.is_empty()
        || path == mount
        || (path.starts_with(mount) && path.as_bytes().get(mount.len()) == Some(&b'/'))
}

/// The part of `req`'s path below `mount`, without a leading slash (`""` for the mount itself).
///
/// ```
/// let req = omnivirt_http::Request::get("http://h/sim/v1/vms/42?x=1");
/// assert_eq!(omnivirt_sim::skin::rest_of_path(&req, "/sim/v1"), "vms/42");
/// ```
pub fn rest_of_path<'a>(req: &'a Request, mount: &str) -> &'a str {
    let path = req.path();
    let mount = mount.trim_end_matches('/');
    path.strip_prefix(mount)
        .unwrap_or(path)
        .trim_start_matches('/')
}

/// The skin for `path`: the longest matching mount wins.
pub fn find_skin<'a>(skins: &'a [Arc<dyn Skin>], path: &str) -> Option<&'a Arc<dyn Skin>> {
    skins
        .iter()
        .filter_map(|s| {
            s.mounts()
                .into_iter()
                .filter(|m| path_under(path, m))
                .map(str::len)
                .max()
                .map(|len| (len, s))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, s)| s)
}

/// Decoded query parameters, in order (`+` and `%XX` decoded).
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first value of query parameter `name`.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A request header as text.
pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The token of the `Authorization` header: after `Bearer `, `OAuth `, `jwt ` (any case), or
/// the raw value when there is no scheme (CloudTower).
pub fn auth_token(req: &Request) -> Option<&str> {
    let v = header(req, "authorization")?.trim();
    for scheme in ["bearer ", "oauth ", "jwt ", "token "] {
        if v.len() > scheme.len() && v[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return Some(v[scheme.len()..].trim());
        }
    }
    (!v.is_empty()).then_some(v)
}

/// Decodes the JSON body, or explains why it is not JSON of the right shape.
pub fn json_body<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, String> {
    serde_json::from_slice(&req.body)
        .map_err(|e| format!("request body is not the JSON expected: {e}"))
}

fn with_type(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    Response::new(status, headers, body)
}

/// A JSON response.
pub fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    with_type(status, "application/json", body)
}

/// A JSON response whose body is already JSON text.
pub fn json_text_response(status: StatusCode, body: impl Into<Bytes>) -> Response {
    with_type(status, "application/json", body)
}

/// A JSON response from any serialisable value.
pub fn json_response_of<T: serde::Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => with_type(status, "application/json", body),
        Err(e) => text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode response: {e}"),
        ),
    }
}

/// An XML response (`application/xml;charset=UTF-8`).
pub fn xml_response(status: StatusCode, body: impl Into<Bytes>) -> Response {
    with_type(status, "application/xml;charset=UTF-8", body)
}

/// A plain-text response.
pub fn text_response(status: StatusCode, body: impl Into<Bytes>) -> Response {
    with_type(status, "text/plain; charset=utf-8", body)
}

/// A response with no body.
pub fn empty_response(status: StatusCode) -> Response {
    Response::new(status, HeaderMap::new(), Bytes::new())
}

/// The answer for a path no skin serves.
pub fn no_route(method: &Method, path: &str) -> Response {
    text_response(
        StatusCode::NOT_FOUND,
        format!("simulator: no route for {method} {path}\n"),
    )
}

/// The whole serving pipeline shared by [`SimTransport`](crate::SimTransport) and
/// [`SimServer`](crate::SimServer): route by mount, apply the fault plan (fail, then delay),
/// call the skin. Unknown paths answer 404.
pub async fn serve(world: &World, skins: &[Arc<dyn Skin>], req: Request) -> Response {
    let path = req.path().to_owned();
    let method = req.method.clone();
    let Some(skin) = find_skin(skins, &path) else {
        world.note_request();
        tracing::debug!(%method, path = %path, status = 404, "sim: no route");
        return no_route(&method, &path);
    };
    let fault = world.take_request_fault(&path);
    if let Some(d) = world.response_delay() {
        tokio::time::sleep(d).await;
    }
    if let Some(f) = fault {
        let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        tracing::debug!(vendor = skin.vendor(), %method, path = %path, status = f.status, "sim: injected fault");
        return skin.error_response(status, &f.message);
    }
    let resp = skin.handle(world, req);
    tracing::debug!(vendor = skin.vendor(), %method, path = %path, status = resp.status.as_u16(), "sim");
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_match_on_segment_boundaries() {
        assert!(path_under("/sim/v1", "/sim/v1"));
        assert!(path_under("/sim/v1/vms", "/sim/v1"));
        assert!(!path_under("/sim/v10", "/sim/v1"));
        assert!(path_under("/x", ""));
    }

    #[test]
    fn auth_token_schemes() {
        let r = |v: &str| {
            Request::get("http://h/")
                .header("Authorization", v)
                .unwrap()
        };
        assert_eq!(auth_token(&r("Bearer abc")), Some("abc"));
        assert_eq!(auth_token(&r("OAuth abc")), Some("abc"));
        assert_eq!(auth_token(&r("jwt abc")), Some("abc"));
        assert_eq!(auth_token(&r("abc")), Some("abc"));
        assert_eq!(auth_token(&Request::get("http://h/")), None);
    }

    #[test]
    fn query_decoding() {
        let r = Request::get("http://h/p?search=name%3Dweb*&max=2&x=a+b");
        assert_eq!(query_param(&r, "search").as_deref(), Some("name=web*"));
        assert_eq!(query_param(&r, "x").as_deref(), Some("a b"));
        assert_eq!(query_param(&r, "nope"), None);
    }
}
