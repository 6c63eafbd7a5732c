//! `ReplayServer`: a cassette served over real HTTP on loopback, for clients in any language.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use http::{HeaderValue, StatusCode};
use omnivirt_core::Result;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::cassette::Cassette;
use crate::matcher::{Miss, Replayer};
use crate::record::{normalise_request, render_response};
use crate::scrub::Scrubber;

/// Status of the answer to a request the cassette cannot answer. Outside the range servers
/// use, so a client cannot mistake it for a recorded answer.
pub const MISS_STATUS: u16 = 599;

/// Header set on miss answers.
pub const MISS_HEADER: &str = "x-omnivirt-replay";

/// Path of the replay server's own status document (JSON: `cassette`, `interactions`,
/// `misses`, `unplayed`). It is never forwarded to the cassette.
pub const STATUS_PATH: &str = "/__omnivirt/status";

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Responder {
    state: Arc<Mutex<Replayer>>,
    scrubber: Scrubber,
    origin: String,
    authority: String,
}

impl Responder {
    fn miss(text: String) -> ResponseTemplate {
        ResponseTemplate::new(
            StatusCode::from_u16(MISS_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .insert_header(
            http::HeaderName::from_static(MISS_HEADER),
            HeaderValue::from_static("miss"),
        )
        .insert_header(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )
        .set_body_bytes(text.into_bytes())
    }
}

impl Responder {
    /// `GET /__omnivirt/status`: what missed and what is unplayed, for harnesses that are not
    /// Rust.
    fn status(&self) -> ResponseTemplate {
        let state = lock(&self.state);
        let misses: Vec<serde_json::Value> = state
            .misses
            .iter()
            .map(|m| {
                serde_json::json!({
                    "method": m.request.method,
                    "path": m.request.path_and_query(),
                    "nearest": m.nearest,
                    "explanation": m.explanation,
                })
            })
            .collect();
        let unplayed: Vec<serde_json::Value> = state
            .unplayed()
            .into_iter()
            .map(|i| {
                let r = &state.cassette.interactions[i].request;
                serde_json::json!({"index": i, "method": r.method, "path": r.path_and_query()})
            })
            .collect();
        let body = serde_json::json!({
            "cassette": state.name,
            "interactions": state.cassette.interactions.len(),
            "misses": misses,
            "unplayed": unplayed,
        });
        ResponseTemplate::new(StatusCode::OK)
            .insert_header(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )
            .set_body_bytes(body.to_string().into_bytes())
    }
}

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        if request.method == http::Method::GET && request.url.path() == STATUS_PATH {
            return self.status();
        }
        let actual = match normalise_request(
            request.method.as_str(),
            request.url.as_str(),
            &request.headers,
            &request.body,
            &self.scrubber,
            &[],
        ) {
            Ok(a) => a,
            Err(e) => return Self::miss(format!("replay server: {e}")),
        };
        let answer = lock(&self.state).answer(&actual);
        match answer {
            Err(miss) => Self::miss(miss.explanation),
            Ok(resp) => match render_response(&resp, &self.origin, &self.authority) {
                Ok((status, headers, body)) => {
                    let mut t = ResponseTemplate::new(status);
                    for (k, v) in &headers {
                        t = t.append_header(k.clone(), v.clone());
                    }
                    t.set_body_bytes(body.to_vec())
                }
                Err(e) => Self::miss(format!("replay server: {e}")),
            },
        }
    }
}

/// A cassette served over HTTP on `127.0.0.1`, so that any client (a Python SDK, `curl`,
/// another process) can be tested against a recording.
///
/// It follows the same rules as [`crate::CassetteLayer`]: the first unplayed matching
/// interaction answers, so repeated polls replay the recorded progression. A request the
/// cassette cannot answer gets status [`MISS_STATUS`] (599) with the explanation and diff
/// in a plain-text body, and is kept in [`ReplayServer::misses`]; clients in other languages
/// can read the same from `GET` [`STATUS_PATH`]. The `{{host}}`
/// placeholder in recorded bodies and headers becomes this server's address.
pub struct ReplayServer {
    server: MockServer,
    state: Arc<Mutex<Replayer>>,
}

impl fmt::Debug for ReplayServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayServer")
            .field("cassette", &lock(&self.state).name)
            .field("address", self.server.address())
            .finish()
    }
}

impl ReplayServer {
    /// Serves `cassette`; `name` appears in miss reports.
    pub async fn start(name: impl Into<String>, cassette: Cassette) -> Self {
        Self::start_with(name, cassette, Scrubber::new()).await
    }

    /// Serves `cassette`, normalising incoming requests with `scrubber` (use the scrubber
    /// the cassette was recorded with, if it had extra rules).
    pub async fn start_with(
        name: impl Into<String>,
        cassette: Cassette,
        scrubber: Scrubber,
    ) -> Self {
        let state = Arc::new(Mutex::new(Replayer::new(name.into(), cassette, Vec::new())));
        // Request recording is wiremock's own journal; the replay state keeps what matters.
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let authority = server.address().to_string();
        let responder = Responder {
            state: state.clone(),
            scrubber,
            origin: format!("http://{authority}"),
            authority,
        };
        Mock::given(any())
            .respond_with(responder)
            .mount(&server)
            .await;
        ReplayServer { server, state }
    }

    /// Serves a cassette file.
    pub async fn start_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let cassette = Cassette::load(path)?;
        Ok(Self::start(path.display().to_string(), cassette).await)
    }

    /// Base URL, such as `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The address listened on.
    pub fn address(&self) -> SocketAddr {
        *self.server.address()
    }

    /// Requests the cassette could not answer so far.
    pub fn misses(&self) -> Vec<Miss> {
        lock(&self.state).misses.clone()
    }

    /// Indices of recorded interactions not played yet.
    pub fn unplayed(&self) -> Vec<usize> {
        lock(&self.state).unplayed()
    }

    /// Fails if any request missed, or (unless `allow_unplayed`) any interaction was never
    /// played.
    pub fn finish(&self, allow_unplayed: bool) -> Result<()> {
        lock(&self.state).check_finished(allow_unplayed)
    }
}
