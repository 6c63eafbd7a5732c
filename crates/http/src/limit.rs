//! The maximum size of a response body ([`DEFAULT_MAX_BODY_SIZE`], the `max-body-size` key):
//! counted on the decoded bytes (after gzip) as they stream in, so neither a huge body nor a
//! gzip bomb is ever held whole.

use std::fmt;
use std::io::Write;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::StreamExt;
use omnivirt_core::{Error, ErrorKind, Result};

use crate::transport::{Body, Request, Response, SharedTransport, Transport};

/// The default maximum size of one response body after decoding: 256 MiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 256 * 1024 * 1024;

/// Compressed bytes fed to the gzip decoder at a time: deflate expands at most ~1032:1, so one
/// step yields at most ~4 MiB before the limit is checked again.
pub(crate) const GZIP_STEP: usize = 4 * 1024;

/// `1 KiB`, `256 MiB`, `1000 bytes`: a size as the limit error and the docs write it.
pub(crate) fn format_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size && bytes % size == 0 {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

/// Reads `256MiB`, `1 GiB`, `512k`, `10MB` or a plain number of bytes.
pub(crate) fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("`{text}` is not a size; write e.g. \"256MiB\", \"1GiB\" or a number of bytes")
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "`{text}`: unknown size unit `{other}`; use B, KiB, MiB, GiB, KB, MB or GB"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too large a size"))
}

/// `GET host:port/path`: the request as a limit error names it (no scheme, query or
/// credentials).
pub(crate) fn describe_request(method: &http::Method, url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or("");
    let target = no_query.split_once("://").map_or(no_query, |x| x.1);
    let target = match target.find('/') {
        Some(slash) => {
            let (authority, path) = target.split_at(slash);
            let host = authority.rsplit_once('@').map_or(authority, |x| x.1);
            format!("{host}{path}")
        }
        None => target.rsplit_once('@').map_or(target, |x| x.1).to_owned(),
    };
    format!("{method} {target}")
}

/// The error for a body over the limit: [`ErrorKind::Protocol`], not retryable (the same
/// request would get the same answer), its one-line message naming the limit and the request.
///
/// ```
/// use omnivirt_core::ErrorKind;
///
/// let e = omnivirt_http::body_too_large(1024, &http::Method::GET, "https://u:pw@h/api/vms?token=x");
/// assert_eq!(e.kind(), ErrorKind::Protocol);
/// assert_eq!(
///     e.message(),
///     "the response body of GET h/api/vms is larger than the 1 KiB limit (max-body-size)"
/// );
/// ```
pub fn body_too_large(limit: u64, method: &http::Method, url: &str) -> Error {
    Error::new(
        ErrorKind::Protocol,
        format!(
            "the response body of {} is larger than the {} limit (max-body-size)",
            describe_request(method, url),
            format_size(limit)
        ),
    )
    .with_retryable(false)
}

/// Decodes a whole gzip body, stopping with [`body_too_large`] as soon as the decoded bytes
/// pass `limit` (`None`: no limit). For vendors that receive a gzip body their transport did not
/// decode; a bad stream is a [`ErrorKind::Protocol`] error.
pub fn gunzip_limited(
    data: &[u8],
    limit: Option<u64>,
    method: &http::Method,
    url: &str,
) -> Result<Bytes> {
    let mut dec = flate2::write::MultiGzDecoder::new(Vec::new());
    let bad = |e: std::io::Error| {
        Error::new(
            ErrorKind::Protocol,
            format!(
                "cannot decompress the gzip body of {}: {e}",
                describe_request(method, url)
            ),
        )
    };
    for step in data.chunks(GZIP_STEP) {
        dec.write_all(step).map_err(bad)?;
        if let Some(max) = limit
            && dec.get_ref().len() as u64 > max
        {
            return Err(body_too_large(max, method, url));
        }
    }
    let out = dec.finish().map_err(bad)?;
    if let Some(max) = limit
        && out.len() as u64 > max
    {
        return Err(body_too_large(max, method, url));
    }
    Ok(Bytes::from(out))
}

/// `body`, failing with `too_large` once more than `limit` bytes came through. A full body is
/// checked at once; a stream is checked chunk by chunk and ends after the error, so the rest of
/// it is never read.
pub(crate) fn limit_body(body: Body, limit: u64, too_large: Error) -> Result<Body> {
    match body {
        Body::Full(b) if b.len() as u64 > limit => Err(too_large),
        Body::Full(b) => Ok(Body::Full(b)),
        Body::Stream(s) => {
            let stream = futures::stream::unfold(
                Some((s, 0u64, Some(too_large))),
                move |state| async move {
                    let (mut s, seen, err) = state?;
                    match s.next().await? {
                        Ok(chunk) => {
                            let seen = seen.saturating_add(chunk.len() as u64);
                            if seen > limit {
                                return err.map(|e| (Err(e), None));
                            }
                            Some((Ok(chunk), Some((s, seen, err))))
                        }
                        Err(e) => Some((Err(e), None)),
                    }
                },
            );
            Ok(Body::Stream(stream.boxed()))
        }
    }
}

/// Enforces a maximum body size over any transport (a cassette, the simulator, a test double).
/// [`HyperTransport`](crate::HyperTransport) enforces its own limit while it decodes; this
/// layer is for the transports that do not. [`ConnectionSettings::stack`](crate::ConnectionSettings::stack)
/// puts it over a transport override.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use std::sync::Arc;
/// use async_trait::async_trait;
/// use omnivirt_core::ErrorKind;
/// use omnivirt_http::{BodyLimitLayer, Request, Response, Transport};
///
/// #[derive(Debug)]
/// struct Big;
/// #[async_trait]
/// impl Transport for Big {
///     async fn send(&self, _: Request) -> omnivirt_core::Result<Response> {
///         Ok(Response::new(http::StatusCode::OK, http::HeaderMap::new(), vec![b'x'; 2048]))
///     }
/// }
/// let limited = BodyLimitLayer::new(Arc::new(Big), 1024);
/// let e = limited.send(Request::get("http://h/big")).await.unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::Protocol);
/// # });
/// ```
pub struct BodyLimitLayer {
    inner: SharedTransport,
    limit: u64,
}

impl BodyLimitLayer {
    /// Limits the bodies `inner` returns to `limit` bytes.
    pub fn new(inner: SharedTransport, limit: u64) -> Self {
        BodyLimitLayer { inner, limit }
    }
}

impl fmt::Debug for BodyLimitLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyLimitLayer")
            .field("inner", &self.inner)
            .field("limit", &self.limit)
            .finish()
    }
}

#[async_trait]
impl Transport for BodyLimitLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        let too_large = body_too_large(self.limit, &req.method, &req.url);
        let resp = self.inner.send(req).await?;
        let Response {
            status,
            headers,
            body,
        } = resp;
        Ok(Response {
            status,
            headers,
            body: limit_body(body, self.limit, too_large)?,
        })
    }

    async fn close(&self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size(" 1 GiB "), Ok(1 << 30));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("77"), Ok(77));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("3 parsecs").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err());
        assert_eq!(format_size(DEFAULT_MAX_BODY_SIZE), "256 MiB");
        assert_eq!(format_size(1000), "1000 bytes");
        assert_eq!(format_size(3 << 30), "3 GiB");
    }

    #[test]
    fn the_request_is_named_without_query_or_credentials() {
        assert_eq!(
            describe_request(&http::Method::POST, "https://a:b@h:1/x/y?token=z"),
            "POST h:1/x/y"
        );
        assert_eq!(describe_request(&http::Method::GET, "http://h"), "GET h");
    }

    #[test]
    fn gunzip_stops_at_the_limit() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![0u8; 8 << 20]).unwrap();
        let bomb = enc.finish().unwrap();
        let get = http::Method::GET;
        let e = gunzip_limited(&bomb, Some(1 << 20), &get, "http://h/b").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
        assert!(e.message().contains("1 MiB limit"), "{e}");
        let all = gunzip_limited(&bomb, None, &get, "http://h/b").unwrap();
        assert_eq!(all.len(), 8 << 20);
        let e = gunzip_limited(b"nope", None, &get, "http://h/b").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol);
    }
}
