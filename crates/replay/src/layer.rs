//! `CassetteLayer`: the in-process record/replay transport.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Request, Response, SharedTransport, Transport};

use crate::cassette::{Cassette, Provenance};
use crate::matcher::{Miss, Replayer};
use crate::mode::Mode;
use crate::record::{Recording, normalise_request, origin_of, render_response};
use crate::scrub::Scrubber;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in another test thread must not hide this cassette's own report.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

enum State {
    Replay(Mutex<Replayer>),
    Record {
        inner: SharedTransport,
        recording: Mutex<Recording>,
    },
    Live(SharedTransport),
}

/// A [`Transport`] that answers from a cassette (replay) or forwards to an inner transport
/// and writes down what happened (record).
///
/// Put it at the bottom of the stack, below retry and auth, so a replay still exercises
/// them: `retry -> auth -> CassetteLayer -> (hyper, when recording)`.
///
/// In replay mode the first unplayed recorded interaction that matches a request (method,
/// path, sorted query, semantic body) answers it, so repeated polls of one URL replay the
/// recorded progression. A request nothing matches fails with a `Protocol` error naming
/// the cassette and showing a diff against the nearest recorded request. Call
/// [`CassetteLayer::finish`] at the end of a test: it fails if anything missed or was left
/// unplayed (replay), or writes the cassette (record).
pub struct CassetteLayer {
    name: String,
    path: Option<PathBuf>,
    mode: Mode,
    scrubber: Scrubber,
    allow_unplayed: bool,
    state: State,
}

impl fmt::Debug for CassetteLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CassetteLayer")
            .field("cassette", &self.name)
            .field("mode", &self.mode)
            .field("allow_unplayed", &self.allow_unplayed)
            .finish()
    }
}

impl CassetteLayer {
    /// Replays an in-memory cassette. `name` appears in miss reports.
    pub fn replay(name: impl Into<String>, cassette: Cassette) -> Self {
        let name = name.into();
        CassetteLayer {
            state: State::Replay(Mutex::new(Replayer::new(
                name.clone(),
                cassette,
                Vec::new(),
            ))),
            name,
            path: None,
            mode: Mode::Replay,
            scrubber: Scrubber::new(),
            allow_unplayed: false,
        }
    }

    /// Replays a cassette file.
    pub fn replay_file(path: impl AsRef<Path>) -> Result<Self> {
        CassetteLayer::builder(path.as_ref())
            .mode(Mode::Replay)
            .build()
    }

    /// A builder for a cassette stored at `path`.
    pub fn builder(path: impl Into<PathBuf>) -> CassetteLayerBuilder {
        CassetteLayerBuilder {
            path: path.into(),
            vendor: String::new(),
            mode: None,
            inner: None,
            scrubber: Scrubber::new(),
            provenance: None,
            allow_unplayed: false,
            match_headers: Vec::new(),
        }
    }

    /// The mode in effect (`New` has been resolved to `Replay` or `Record`).
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The cassette's name (its path for file cassettes).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Accepts recorded interactions that were never played (replay mode).
    pub fn allow_unplayed(mut self, yes: bool) -> Self {
        self.allow_unplayed = yes;
        self
    }

    /// The cassette: what is being replayed, or what has been recorded so far.
    pub fn cassette(&self) -> Option<Cassette> {
        match &self.state {
            State::Replay(r) => Some(lock(r).cassette.clone()),
            State::Record { recording, .. } => Some(lock(recording).cassette()),
            State::Live(_) => None,
        }
    }

    /// Writes the cassette as it stands (what was recorded so far, or what is replayed) to
    /// `path`, whatever the mode. Live mode has nothing to write and fails with `Config`.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        match self.cassette() {
            Some(c) => c.save(path),
            None => Err(Error::new(
                ErrorKind::Config,
                format!("cassette {}: live mode records nothing to save", self.name),
            )),
        }
    }

    /// Requests that missed the cassette so far (replay mode).
    pub fn misses(&self) -> Vec<Miss> {
        match &self.state {
            State::Replay(r) => lock(r).misses.clone(),
            _ => Vec::new(),
        }
    }

    /// Ends the session. Replay: fails if any request missed or (unless allowed) any
    /// recorded interaction was never played. Record: writes the cassette to its path.
    /// Live: nothing.
    pub fn finish(&self) -> Result<()> {
        match &self.state {
            State::Replay(r) => lock(r).check_finished(self.allow_unplayed),
            State::Record { recording, .. } => {
                let cassette = lock(recording).cassette();
                match &self.path {
                    Some(p) => cassette.save(p),
                    None => Err(Error::new(
                        ErrorKind::Config,
                        "this cassette layer has no path to save its recording to",
                    )),
                }
            }
            State::Live(_) => Ok(()),
        }
    }
}

#[async_trait]
impl Transport for CassetteLayer {
    async fn send(&self, req: Request) -> Result<Response> {
        match &self.state {
            State::Live(inner) => inner.send(req).await,
            State::Replay(replayer) => {
                let (scheme, authority) = origin_of(&req.url)?;
                let actual = normalise_request(
                    req.method.as_str(),
                    &req.url,
                    &req.headers,
                    &req.body,
                    &self.scrubber,
                    &[],
                )?;
                let answer = lock(replayer).answer(&actual);
                match answer {
                    Ok(resp) => {
                        let origin = format!("{scheme}://{authority}");
                        let (status, headers, body) = render_response(&resp, &origin, &authority)?;
                        Ok(Response::new(status, headers, body))
                    }
                    Err(miss) => {
                        tracing::warn!(cassette = %self.name, "request missed the cassette");
                        Err(miss.to_error())
                    }
                }
            }
            State::Record { inner, recording } => {
                let method = req.method.clone();
                let url = req.url.clone();
                let req_headers = req.headers.clone();
                let req_body = req.body.clone();
                let resp = inner.send(req).await?;
                let status = resp.status;
                let headers = resp.headers.clone();
                let body = resp.bytes().await?;
                lock(recording).record(
                    method.as_str(),
                    &url,
                    &req_headers,
                    &req_body,
                    status,
                    &headers,
                    &body,
                    &[],
                )?;
                Ok(Response::new(status, headers, body))
            }
        }
    }

    async fn close(&self) -> Result<()> {
        match &self.state {
            State::Live(inner) | State::Record { inner, .. } => inner.close().await,
            State::Replay(_) => Ok(()),
        }
    }
}

/// Builds a [`CassetteLayer`] bound to a cassette file.
#[derive(Debug)]
pub struct CassetteLayerBuilder {
    path: PathBuf,
    vendor: String,
    mode: Option<Mode>,
    inner: Option<SharedTransport>,
    scrubber: Scrubber,
    provenance: Option<Provenance>,
    allow_unplayed: bool,
    match_headers: Vec<String>,
}

impl CassetteLayerBuilder {
    /// The vendor written into a new recording.
    pub fn vendor(mut self, vendor: impl Into<String>) -> Self {
        self.vendor = vendor.into();
        self
    }

    /// The mode. Without it, [`Mode::from_env`] decides when building.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The transport to forward to when recording or live (hyper, usually).
    pub fn inner(mut self, inner: SharedTransport) -> Self {
        self.inner = Some(inner);
        self
    }

    /// The scrubber applied to recordings (and to live requests before matching).
    pub fn scrubber(mut self, scrubber: Scrubber) -> Self {
        self.scrubber = scrubber;
        self
    }

    /// Provenance for a new recording (product, version, endpoint). `recorded_at` and
    /// `recorded_by` are filled in if left empty.
    pub fn provenance(mut self, provenance: Provenance) -> Self {
        self.provenance = Some(provenance);
        self
    }

    /// Accepts recorded interactions that were never played.
    pub fn allow_unplayed(mut self, yes: bool) -> Self {
        self.allow_unplayed = yes;
        self
    }

    /// Also requires this header to match (headers are not matched by default).
    pub fn match_header(mut self, name: &str) -> Self {
        self.match_headers.push(name.to_ascii_lowercase());
        self
    }

    /// Builds the layer: resolves the mode, loads the cassette for replay.
    pub fn build(self) -> Result<CassetteLayer> {
        let mode = match self.mode {
            Some(m) => m,
            None => Mode::from_env()?,
        };
        let mode = match mode {
            Mode::New if self.path.exists() => Mode::Replay,
            Mode::New => Mode::Record,
            m => m,
        };
        let name = self.path.display().to_string();
        let need_inner = || {
            self.inner.clone().ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "cassette {name}: mode `{mode}` talks to a real server, but no inner transport was given"
                    ),
                )
            })
        };
        let state = match mode {
            Mode::Live => State::Live(need_inner()?),
            Mode::Record | Mode::New => {
                let inner = need_inner()?;
                let recorded = Provenance::recorded_now();
                let mut provenance = self.provenance.clone().unwrap_or_default();
                if provenance.recorded_at.is_none() {
                    provenance.recorded_at = recorded.recorded_at;
                }
                if provenance.recorded_by.is_none() {
                    provenance.recorded_by = recorded.recorded_by;
                }
                State::Record {
                    inner,
                    recording: Mutex::new(Recording::new(
                        Cassette::new(self.vendor.clone(), provenance),
                        self.scrubber.clone(),
                    )),
                }
            }
            Mode::Replay => {
                let cassette = Cassette::load(&self.path).map_err(|e| {
                    if e.kind() == ErrorKind::NotFound {
                        Error::new(
                            ErrorKind::Config,
                            format!(
                                "cassette {name} does not exist; record it with {}=record (or new)",
                                Mode::ENV
                            ),
                        )
                    } else {
                        e
                    }
                })?;
                State::Replay(Mutex::new(Replayer::new(
                    name.clone(),
                    cassette,
                    self.match_headers.clone(),
                )))
            }
        };
        Ok(CassetteLayer {
            name,
            path: Some(self.path),
            mode,
            scrubber: self.scrubber,
            allow_unplayed: self.allow_unplayed,
            state,
        })
    }
}
