//! # omnivirt-replay
//!
//! Record real HTTP once, replay it in tests forever. This is the fixture harness omnivirt
//! tests itself with, and it is public: code built on omnivirt (or on any HTTP client) can
//! be tested against cassettes the same way.
//!
//! - [`Cassette`]: a versioned, pretty-JSON file of `{request, response}` interactions with
//!   bodies stored by meaning (`{"json": ...}`, `{"xml": "..."}`, `{"text": "..."}`) and a
//!   [`Provenance`] saying where it came from. The format is described in `docs/fixtures.md`.
//! - [`CassetteLayer`]: an in-process [`omnivirt_http::Transport`] for the bottom of the
//!   stack, below retry and auth, so a replay still exercises them.
//! - [`ReplayServer`]: the same cassette served over real HTTP on `127.0.0.1`, for clients
//!   in any language.
//! - [`RecordingProxy`]: a loopback proxy that records what any client exchanges with a
//!   real endpoint.
//! - [`Scrubber`]: removes credentials and host names before anything is written.
//! - [`Mode`]: `OMNIVIRT_CASSETTE=replay|record|new|live`; with `CI` set only `replay`.
//!
//! Matching looks at the method, the path, the sorted query and the body (JSON by value,
//! XML canonicalised, text exactly); headers only when asked. The first unplayed matching
//! interaction answers, so three recorded polls of one task replay in order. A request that
//! matches nothing fails with a `Protocol` error that names the cassette and shows a diff
//! against the nearest recorded request.
//!
//! ## Replaying a cassette in your own test
//!
//! ```
//! use omnivirt_http::{Request, Transport};
//! use omnivirt_replay::{
//!     Cassette, CassetteLayer, Interaction, Provenance, RecordedBody, RecordedRequest,
//!     RecordedResponse,
//! };
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> omnivirt_core::Result<()> {
//! // Usually: CassetteLayer::replay_file("fixtures/mine/list_vms.json")?
//! let cassette = Cassette::new("veil", Provenance::from_samples(["docs/sample.json"]))
//!     .interaction(Interaction::new(
//!         RecordedRequest::new("GET", "/api/domains/?limit=1"),
//!         RecordedResponse::new(200).body(RecordedBody::Json(json!({
//!             "count": 1,
//!             "results": [{"id": "d1", "verbose_name": "web-1",
//!                          "href": "https://{{host}}/api/domains/d1/"}]
//!         }))),
//!     ));
//! let layer = CassetteLayer::replay("list_vms", cassette);
//!
//! // Your code sends requests through the layer (wrap it with auth/retry as usual).
//! let resp = layer
//!     .send(Request::get("https://veil.test/api/domains/?limit=1"))
//!     .await?;
//! let page: serde_json::Value = resp.json().await?;
//! assert_eq!(page["results"][0]["verbose_name"], "web-1");
//! // The recorded host placeholder became the address the client used.
//! assert_eq!(page["results"][0]["href"], "https://veil.test/api/domains/d1/");
//!
//! // Fails if a request missed or a recorded interaction was never played.
//! layer.finish()?;
//! # Ok(())
//! # }
//! ```
//!
//! To record instead, build the layer with [`CassetteLayer::builder`], give it the real
//! transport with `.inner(...)`, run with `OMNIVIRT_CASSETTE=record` and call
//! [`CassetteLayer::finish`] to write the file.
#![deny(missing_docs)]

mod cassette;
mod layer;
mod matcher;
mod mode;
mod proxy;
mod record;
mod scrub;
mod server;

pub use cassette::{
    Cassette, FORMAT_VERSION, Interaction, Provenance, RecordedBody, RecordedRequest,
    RecordedResponse, Source,
};
pub use layer::{CassetteLayer, CassetteLayerBuilder};
pub use matcher::{Miss, bodies_match, canonical_xml, render_request, request_matches};
pub use mode::Mode;
pub use proxy::RecordingProxy;
pub use scrub::{HOST_PLACEHOLDER, REDACTED, Scrubber};
pub use server::{MISS_HEADER, MISS_STATUS, ReplayServer, STATUS_PATH};
