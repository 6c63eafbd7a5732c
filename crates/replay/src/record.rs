//! Turning live HTTP into recorded form (and back).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use omnivirt_core::{Error, Result};

use crate::cassette::{
    Cassette, Interaction, RecordedBody, RecordedRequest, RecordedResponse, parse_query,
};
use crate::scrub::{Scrubber, from_placeholder, remove_known_secrets, to_placeholder};

/// Scheme and authority of an absolute URL: (`https`, `engine.lab:8443`).
pub(crate) fn origin_of(url: &str) -> Result<(String, String)> {
    let u = url::Url::parse(url)
        .map_err(|e| Error::invalid_input(format!("request URL is not absolute: {e}")))?;
    let host = match u.host() {
        Some(url::Host::Ipv6(a)) => format!("[{a}]"),
        Some(h) => h.to_string(),
        None => String::new(),
    };
    let authority = match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    Ok((u.scheme().to_owned(), authority))
}

/// Headers as a sorted map with lower-case names; repeated headers are joined with `, `.
pub(crate) fn header_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in headers {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        out.entry(k.as_str().to_owned())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(&v);
            })
            .or_insert(v);
    }
    out
}

fn content_type(headers: &BTreeMap<String, String>) -> Option<&str> {
    headers.get("content-type").map(String::as_str)
}

/// Decompresses a gzip body so that the cassette stores (and scrubs) what it says.
fn decoded_body(headers: &BTreeMap<String, String>, body: &[u8]) -> Vec<u8> {
    let gzip = headers
        .get("content-encoding")
        .is_some_and(|e| e.to_ascii_lowercase().contains("gzip"));
    if gzip {
        let mut out = Vec::new();
        if flate2::read::GzDecoder::new(body)
            .read_to_end(&mut out)
            .is_ok()
        {
            return out;
        }
    }
    body.to_vec()
}

fn placeholder_strings(
    headers: &mut BTreeMap<String, String>,
    body: &mut Option<RecordedBody>,
    authorities: &[&str],
) {
    for authority in authorities {
        for v in headers.values_mut() {
            if let Some(n) = to_placeholder(v, authority) {
                *v = n;
            }
        }
        if let Some(b) = body.as_mut() {
            b.map_strings(&|s| to_placeholder(s, authority));
        }
    }
}

/// A request in recorded form: path and sorted query, headers and body scrubbed, the host
/// replaced by the placeholder. Used both to record and to match, so that a live request
/// and its recording compare equal.
pub(crate) fn normalise_request(
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    scrubber: &Scrubber,
    extra_authorities: &[&str],
) -> Result<RecordedRequest> {
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::invalid_input(format!("request URL is not absolute: {e}")))?;
    let (_, authority) = origin_of(url)?;
    let headers = header_map(headers);
    let raw = decoded_body(&headers, body);
    let mut rec = RecordedRequest {
        method: method.to_ascii_uppercase(),
        path: parsed.path().to_owned(),
        query: parse_query(parsed.query().unwrap_or("")),
        body: RecordedBody::from_bytes(&raw, content_type(&headers)),
        headers,
    };
    scrubber.scrub_request(&mut rec);
    let mut authorities = vec![authority.as_str()];
    authorities.extend_from_slice(extra_authorities);
    placeholder_strings(&mut rec.headers, &mut rec.body, &authorities);
    for (_, v) in rec.query.iter_mut() {
        for authority in &authorities {
            if let Some(n) = to_placeholder(v, authority) {
                *v = n;
            }
        }
    }
    rec.query.sort();
    Ok(rec)
}

/// A response in recorded form.
pub(crate) fn normalise_response(
    path: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    scrubber: &Scrubber,
    authorities: &[&str],
) -> RecordedResponse {
    let headers = header_map(headers);
    let raw = decoded_body(&headers, body);
    let mut rec = RecordedResponse {
        status: status.as_u16(),
        body: RecordedBody::from_bytes(&raw, content_type(&headers)),
        headers,
    };
    scrubber.scrub_response(path, &mut rec);
    placeholder_strings(&mut rec.headers, &mut rec.body, authorities);
    rec
}

/// A recorded response made live again: placeholders restored to `origin`/`authority`.
pub(crate) fn render_response(
    resp: &RecordedResponse,
    origin: &str,
    authority: &str,
) -> Result<(StatusCode, HeaderMap, Bytes)> {
    let status = StatusCode::from_u16(resp.status).map_err(|_| {
        Error::protocol(format!(
            "recorded status {} is not an HTTP status",
            resp.status
        ))
    })?;
    let mut headers = HeaderMap::new();
    for (k, v) in &resp.headers {
        let v = from_placeholder(v, origin, authority).unwrap_or_else(|| v.clone());
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| Error::protocol(format!("recorded header name `{k}` is invalid")))?;
        let value = HeaderValue::from_str(&v)
            .map_err(|_| Error::protocol(format!("recorded value of header `{k}` is invalid")))?;
        headers.append(name, value);
    }
    let body = match &resp.body {
        None => Bytes::new(),
        Some(b) => {
            let mut b = b.clone();
            b.map_strings(&|s| from_placeholder(s, origin, authority));
            if !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static(b.default_content_type()),
                );
            }
            Bytes::from(b.to_bytes()?)
        }
    };
    Ok((status, headers, body))
}

/// A cassette being recorded.
#[derive(Debug)]
pub(crate) struct Recording {
    cassette: Cassette,
    scrubber: Scrubber,
    /// Secret values seen so far, removed from every interaction when the cassette is taken.
    secrets: BTreeSet<String>,
}

impl Recording {
    pub(crate) fn new(cassette: Cassette, scrubber: Scrubber) -> Self {
        Recording {
            cassette,
            scrubber,
            secrets: BTreeSet::new(),
        }
    }

    /// The cassette so far, with every secret learned anywhere removed everywhere.
    pub(crate) fn cassette(&self) -> Cassette {
        let mut c = self.cassette.clone();
        for it in &mut c.interactions {
            remove_known_secrets(&mut it.request, &mut it.response, &self.secrets);
        }
        c
    }

    fn learn(&mut self, path: &str, headers: &HeaderMap, query: &[(String, String)], body: &[u8]) {
        let map = header_map(headers);
        let raw = RecordedBody::from_bytes(&decoded_body(&map, body), content_type(&map));
        self.scrubber
            .collect_secrets(path, &map, query, raw.as_ref(), &mut self.secrets);
    }

    /// Records one exchange. `extra_authorities` are other addresses to hide (a proxy's own).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        method: &str,
        url: &str,
        req_headers: &HeaderMap,
        req_body: &[u8],
        status: StatusCode,
        resp_headers: &HeaderMap,
        resp_body: &[u8],
        extra_authorities: &[&str],
    ) -> Result<()> {
        let request = normalise_request(
            method,
            url,
            req_headers,
            req_body,
            &self.scrubber,
            extra_authorities,
        )?;
        let raw_query = url::Url::parse(url)
            .map(|u| parse_query(u.query().unwrap_or("")))
            .unwrap_or_default();
        self.learn(&request.path, req_headers, &raw_query, req_body);
        self.learn(&request.path, resp_headers, &[], resp_body);
        let (_, authority) = origin_of(url)?;
        let mut authorities = vec![authority.as_str()];
        authorities.extend_from_slice(extra_authorities);
        let response = normalise_response(
            &request.path,
            status,
            resp_headers,
            resp_body,
            &self.scrubber,
            &authorities,
        );
        self.cassette
            .interactions
            .push(Interaction::new(request, response));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://e.lab:8443/x").unwrap(),
            ("https".into(), "e.lab:8443".into())
        );
        assert_eq!(
            origin_of("http://[::1]:80/x").unwrap().1,
            "[::1]",
            "default port is implicit"
        );
        assert!(origin_of("/relative").is_err());
    }

    #[test]
    fn request_is_normalised_and_scrubbed() {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static("Bearer abc123456"),
        );
        h.insert("content-type", HeaderValue::from_static("application/json"));
        let r = normalise_request(
            "post",
            "https://e.lab:8443/api/vms?b=2&a=x%20y&token=t0k&next=https%3A%2F%2Fe.lab%3A8443%2Fp",
            &h,
            br#"{"href":"https://e.lab:8443/api/vms/1","password":"p"}"#,
            &Scrubber::new(),
            &[],
        )
        .unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/api/vms");
        assert_eq!(
            r.query,
            vec![
                ("a".into(), "x y".into()),
                ("b".into(), "2".into()),
                ("next".into(), "https://{{host}}/p".into()),
                ("token".into(), "***".into())
            ]
        );
        assert_eq!(r.headers["authorization"], "***");
        assert_eq!(
            r.body,
            Some(RecordedBody::Json(serde_json::json!({
                "href": "https://{{host}}/api/vms/1", "password": "***"
            })))
        );
    }

    #[test]
    fn learned_secrets_are_removed_everywhere() {
        let mut rec = Recording::new(
            Cassette::new("zstack", crate::cassette::Provenance::default()),
            Scrubber::new(),
        );
        let none = HeaderMap::new();
        let session = "5f0c1e2d3b4a59687766554433221100";
        // The login answer names the session `uuid`, which no default rule knows ...
        rec.record(
            "PUT",
            "http://z.lab:8080/zstack/v1/accounts/login",
            &none,
            br#"{"logInByAccount":{"accountName":"admin","password":"pw-very-secret"}}"#,
            StatusCode::OK,
            &none,
            format!(r#"{{"inventory":{{"uuid":"{session}"}}}}"#).as_bytes(),
            &[],
        )
        .unwrap();
        // ... but the next request carries it in a header (and even in its path).
        let mut cookie = HeaderMap::new();
        cookie.insert(
            "set-cookie",
            HeaderValue::from_static("JSESSIONID=1a2b3c4d5e6f; Path=/; HttpOnly"),
        );
        rec.record(
            "GET",
            "http://z.lab:8080/zstack/v1/zones",
            &none,
            b"",
            StatusCode::OK,
            &cookie,
            br#"{"note":"cookies are HttpOnly","echo":"1a2b3c4d5e6f"}"#,
            &[],
        )
        .unwrap();
        let mut auth = HeaderMap::new();
        auth.insert(
            "authorization",
            HeaderValue::from_str(&format!("OAuth {session}")).unwrap(),
        );
        rec.record(
            "GET",
            &format!("http://z.lab:8080/zstack/v1/accounts/sessions/{session}/valid"),
            &auth,
            b"",
            StatusCode::OK,
            &none,
            b"{}",
            &[],
        )
        .unwrap();
        let text = rec.cassette().to_json().unwrap();
        assert!(!text.contains(session), "{text}");
        assert!(!text.contains("pw-very-secret"), "{text}");
        assert!(
            text.contains("/zstack/v1/accounts/sessions/***/valid"),
            "{text}"
        );
        assert!(text.contains("\"uuid\": \"***\""), "{text}");
        assert!(text.contains("\"accountName\": \"admin\""), "{text}");
        assert!(
            text.contains("\"note\": \"cookies are HttpOnly\""),
            "{text}"
        );
        assert!(text.contains("\"echo\": \"***\""), "{text}");
    }

    #[test]
    fn gzip_bodies_are_stored_decoded() {
        use flate2::write::GzEncoder;
        use std::io::Write as _;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(br#"{"token":"zzz"}"#).unwrap();
        let gz = enc.finish().unwrap();
        let mut h = HeaderMap::new();
        h.insert("content-encoding", HeaderValue::from_static("gzip"));
        let r = normalise_response("/x", StatusCode::OK, &h, &gz, &Scrubber::new(), &[]);
        assert_eq!(
            r.body,
            Some(RecordedBody::Json(serde_json::json!({"token": "***"})))
        );
        assert!(!r.headers.contains_key("content-encoding"));
    }
}
