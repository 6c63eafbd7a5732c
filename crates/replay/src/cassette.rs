//! The cassette file format: what was asked, what was answered, and where it came from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use base64::Engine as _;
use omnivirt_core::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

/// The cassette format version this crate writes. Loading a cassette with a higher version
/// fails with a `Config` error instead of guessing.
pub const FORMAT_VERSION: u32 = 1;

/// A recorded conversation with one server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cassette {
    /// Format version ([`FORMAT_VERSION`] when written by this crate).
    pub format: u32,
    /// Vendor the conversation was held with (`ovirt`, `zstack`, `veil`, `cloudtower`, or
    /// anything a user chooses).
    pub vendor: String,
    /// Where the interactions come from.
    pub provenance: Provenance,
    /// The exchanges, in the order they happened.
    #[serde(default)]
    pub interactions: Vec<Interaction>,
}

impl Cassette {
    /// An empty cassette for `vendor` with the given provenance.
    pub fn new(vendor: impl Into<String>, provenance: Provenance) -> Self {
        Cassette {
            format: FORMAT_VERSION,
            vendor: vendor.into(),
            provenance,
            interactions: Vec::new(),
        }
    }

    /// Adds an interaction (builder style).
    pub fn interaction(mut self, interaction: Interaction) -> Self {
        self.interactions.push(interaction);
        self
    }

    /// Parses a cassette from JSON text. `origin` names it in error messages.
    pub fn from_json(text: &str, origin: &str) -> Result<Self> {
        // Look at the version before the full parse so a newer file fails with a clear message
        // rather than with whatever field it added.
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cassette {origin} is not valid JSON: {e}"),
            )
        })?;
        match value.get("format").and_then(serde_json::Value::as_u64) {
            None => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("cassette {origin} has no numeric `format` version"),
                ));
            }
            Some(v) if v > u64::from(FORMAT_VERSION) || v == 0 => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "cassette {origin} has format version {v}; this omnivirt-replay reads versions 1..={FORMAT_VERSION}"
                    ),
                ));
            }
            Some(_) => {}
        }
        serde_json::from_value(value).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cassette {origin} does not follow the cassette format: {e}"),
            )
        })
    }

    /// The cassette as pretty JSON, ending with a newline.
    pub fn to_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| Error::protocol(format!("cannot encode cassette: {e}")))?;
        s.push('\n');
        Ok(s)
    }

    /// Reads a cassette file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                ErrorKind::NotFound
            } else {
                ErrorKind::Config
            };
            Error::new(
                kind,
                format!("cannot read cassette {}: {e}", path.display()),
            )
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// Writes the cassette as pretty JSON, creating parent directories.
    ///
    /// Nothing is scrubbed here: cassettes built by the recorder are scrubbed as they are
    /// recorded. A hand-built cassette is written as given.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let text = self.to_json()?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("cannot create directory {}: {e}", parent.display()),
                )
            })?;
        }
        std::fs::write(path, text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot write cassette {}: {e}", path.display()),
            )
        })
    }
}

/// Where a cassette came from, so a reader can judge how far to trust it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Provenance {
    /// How the interactions were obtained.
    pub source: Source,
    /// Where it was recorded, described without secrets or real host names
    /// (for example `lab oVirt engine, https://{{host}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Product recorded against (`oVirt Engine`, `ZStack Cloud`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Product version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
    /// When it was recorded or assembled (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    /// Who or what recorded it (a tool name and version, or a person).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// For cassettes built from documentation samples: the sample files used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample_files: Vec<String>,
    /// Anything else worth knowing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Provenance {
    /// Provenance of a recording made now by this crate.
    pub fn recorded_now() -> Self {
        Provenance {
            source: Source::Recorded,
            recorded_at: Some(rfc3339_now()),
            recorded_by: Some(format!("omnivirt-replay {}", env!("CARGO_PKG_VERSION"))),
            ..Provenance::default()
        }
    }

    /// Provenance of a cassette assembled from documentation samples.
    pub fn from_samples<I, S>(files: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Provenance {
            source: Source::Samples,
            sample_files: files.into_iter().map(Into::into).collect(),
            ..Provenance::default()
        }
    }

    /// Sets how the interactions were obtained.
    pub fn source(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// Sets the endpoint description.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sets the product name.
    pub fn product(mut self, product: impl Into<String>) -> Self {
        self.product = Some(product.into());
        self
    }

    /// Sets the product version.
    pub fn product_version(mut self, version: impl Into<String>) -> Self {
        self.product_version = Some(version.into());
        self
    }

    /// Sets the time of recording (RFC 3339).
    pub fn recorded_at(mut self, at: impl Into<String>) -> Self {
        self.recorded_at = Some(at.into());
        self
    }

    /// Sets who or what recorded it.
    pub fn recorded_by(mut self, by: impl Into<String>) -> Self {
        self.recorded_by = Some(by.into());
        self
    }

    /// Adds a documentation sample file.
    pub fn sample_file(mut self, file: impl Into<String>) -> Self {
        self.sample_files.push(file.into());
        self
    }

    /// Sets free-form notes.
    pub fn notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = Some(notes.into());
        self
    }

    /// What a reader needs but this provenance lacks; empty when complete.
    ///
    /// Every cassette needs `recorded_by`. A recording also needs `recorded_at` and the
    /// product; a cassette built from samples needs the product and at least one sample
    /// file. Handwritten cassettes need nothing more (their notes should say why).
    pub fn missing(&self) -> Vec<&'static str> {
        let empty = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let mut missing = Vec::new();
        if empty(&self.recorded_by) {
            missing.push("recorded_by");
        }
        match self.source {
            Source::Recorded => {
                if empty(&self.recorded_at) {
                    missing.push("recorded_at");
                }
                if empty(&self.product) {
                    missing.push("product");
                }
            }
            Source::Samples => {
                if empty(&self.product) {
                    missing.push("product");
                }
                if self.sample_files.is_empty() {
                    missing.push("sample_files");
                }
            }
            Source::Handwritten => {}
        }
        missing
    }
}

/// How a cassette's interactions were obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// Recorded from a real server.
    #[default]
    Recorded,
    /// Assembled from the vendor's documentation samples.
    Samples,
    /// Written by hand (or generated from the simulator) to exercise a case.
    Handwritten,
}

/// One request and the response it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interaction {
    /// What the client sent (scrubbed).
    pub request: RecordedRequest,
    /// What the server answered (scrubbed).
    pub response: RecordedResponse,
}

impl Interaction {
    /// An interaction.
    pub fn new(request: RecordedRequest, response: RecordedResponse) -> Self {
        Interaction { request, response }
    }
}

/// A request as stored: no scheme or host, query as sorted decoded pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Method (`GET`, `POST`, ...).
    pub method: String,
    /// Path, starting with `/`.
    pub path: String,
    /// Query parameters, decoded and sorted by name, then value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Headers kept (lower-case names; repeated headers joined with `, `); secrets are `***`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RecordedBody>,
}

impl RecordedRequest {
    /// A request with no query, headers or body. The path may carry a query (`/x?a=1`),
    /// which is split off and sorted.
    pub fn new(method: impl Into<String>, path: impl AsRef<str>) -> Self {
        let path = path.as_ref();
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        RecordedRequest {
            method: method.into().to_ascii_uppercase(),
            path: if p.is_empty() { "/".into() } else { p.into() },
            query: parse_query(q),
            headers: BTreeMap::new(),
            body: None,
        }
    }

    /// Adds a query parameter (kept sorted).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self.query.sort();
        self
    }

    /// Adds a header (name lower-cased).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.insert(name.to_ascii_lowercase(), value.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: RecordedBody) -> Self {
        self.body = Some(body);
        self
    }

    /// The path with its query re-encoded, as a client would send it.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.query.iter())
            .finish();
        format!("{}?{q}", self.path)
    }
}

/// A response as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// Status code.
    pub status: u16,
    /// Headers kept (lower-case names); secrets are `***`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RecordedBody>,
}

impl RecordedResponse {
    /// A response with a status and nothing else.
    pub fn new(status: u16) -> Self {
        RecordedResponse {
            status,
            headers: BTreeMap::new(),
            body: None,
        }
    }

    /// Adds a header (name lower-cased).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.insert(name.to_ascii_lowercase(), value.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: RecordedBody) -> Self {
        self.body = Some(body);
        self
    }
}

/// A body stored by meaning, so that cassettes stay readable and diffable.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordedBody {
    /// A JSON document, stored as JSON (compared by value).
    Json(serde_json::Value),
    /// An XML document, stored as text (compared after canonicalisation).
    Xml(String),
    /// Any other UTF-8 text (compared exactly).
    Text(String),
    /// Bytes that are not UTF-8, base64-encoded (compared exactly).
    Base64(String),
}

impl fmt::Debug for RecordedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordedBody::Json(v) => write!(f, "Json({v})"),
            RecordedBody::Xml(s) => write!(f, "Xml({s:?})"),
            RecordedBody::Text(s) => write!(f, "Text({s:?})"),
            RecordedBody::Base64(s) => write!(f, "Base64({} chars)", s.len()),
        }
    }
}

impl RecordedBody {
    /// Classifies raw bytes using the content type (if known) and the bytes themselves.
    /// Empty bytes give `None`.
    pub fn from_bytes(bytes: &[u8], content_type: Option<&str>) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Some(RecordedBody::Base64(
                base64::engine::general_purpose::STANDARD.encode(bytes),
            ));
        };
        let trimmed = text.trim_start();
        let json_like = ct.contains("json")
            || (ct.is_empty() && (trimmed.starts_with('{') || trimmed.starts_with('[')));
        if json_like {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                return Some(RecordedBody::Json(v));
            }
        }
        let xml_like = ct.contains("xml") || (ct.is_empty() && trimmed.starts_with('<'));
        if xml_like {
            return Some(RecordedBody::Xml(text.to_owned()));
        }
        Some(RecordedBody::Text(text.to_owned()))
    }

    /// The bytes to put on the wire.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        match self {
            RecordedBody::Json(v) => serde_json::to_vec(v)
                .map_err(|e| Error::protocol(format!("cannot encode recorded JSON body: {e}"))),
            RecordedBody::Xml(s) | RecordedBody::Text(s) => Ok(s.clone().into_bytes()),
            RecordedBody::Base64(s) => base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| Error::protocol(format!("recorded base64 body is invalid: {e}"))),
        }
    }

    /// A content type to send when the recording kept none.
    pub fn default_content_type(&self) -> &'static str {
        match self {
            RecordedBody::Json(_) => "application/json",
            RecordedBody::Xml(_) => "application/xml",
            RecordedBody::Text(_) => "text/plain; charset=utf-8",
            RecordedBody::Base64(_) => "application/octet-stream",
        }
    }

    /// Applies `f` to every string the body holds (JSON strings at any depth, or the text).
    pub(crate) fn map_strings(&mut self, f: &dyn Fn(&str) -> Option<String>) {
        match self {
            RecordedBody::Json(v) => map_json_strings(v, f),
            RecordedBody::Xml(s) | RecordedBody::Text(s) => {
                if let Some(n) = f(s) {
                    *s = n;
                }
            }
            RecordedBody::Base64(_) => {}
        }
    }
}

fn map_json_strings(v: &mut serde_json::Value, f: &dyn Fn(&str) -> Option<String>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(n) = f(s) {
                *s = n;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| map_json_strings(x, f)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| map_json_strings(x, f)),
        _ => {}
    }
}

/// Decodes a query string into sorted pairs.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// The current time as RFC 3339 UTC, to the second.
pub(crate) fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Formats seconds since the epoch as RFC 3339 UTC.
pub(crate) fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date crate for one timestamp.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn body_classification() {
        assert!(matches!(
            RecordedBody::from_bytes(b"{\"a\":1}", None),
            Some(RecordedBody::Json(_))
        ));
        assert!(matches!(
            RecordedBody::from_bytes(b"<vm/>", Some("application/xml")),
            Some(RecordedBody::Xml(_))
        ));
        assert!(matches!(
            RecordedBody::from_bytes(b"{broken", Some("application/json")),
            Some(RecordedBody::Text(_))
        ));
        assert!(matches!(
            RecordedBody::from_bytes(&[0xff, 0x00], None),
            Some(RecordedBody::Base64(_))
        ));
        assert_eq!(RecordedBody::from_bytes(b"", None), None);
        let b = RecordedBody::from_bytes(&[0xff, 0x01], None).unwrap();
        assert_eq!(b.to_bytes().unwrap(), vec![0xff, 0x01]);
    }

    #[test]
    fn round_trip_and_version_check() {
        let c = Cassette::new("ovirt", Provenance::recorded_now().product("oVirt")).interaction(
            Interaction::new(
                RecordedRequest::new("get", "/api/vms?b=2&a=1"),
                RecordedResponse::new(200).body(RecordedBody::Json(serde_json::json!({"x": 1}))),
            ),
        );
        assert_eq!(
            c.interactions[0].request.query,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        let text = c.to_json().unwrap();
        assert!(text.contains("\"json\": {"), "{text}");
        let back = Cassette::from_json(&text, "mem").unwrap();
        assert_eq!(back, c);

        let newer = text.replace("\"format\": 1", "\"format\": 99");
        let err = Cassette::from_json(&newer, "mem.json").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("format version 99"), "{err}");
    }

    #[test]
    fn provenance_missing_fields() {
        assert!(Provenance::recorded_now().missing().contains(&"product"));
        assert!(
            Provenance::recorded_now()
                .product("ZStack")
                .missing()
                .is_empty()
        );
        let samples = Provenance::from_samples(Vec::<String>::new())
            .product("VeiL")
            .recorded_by("me");
        assert_eq!(samples.missing(), vec!["sample_files"]);
        assert_eq!(
            Provenance::default().missing(),
            vec!["recorded_by", "recorded_at", "product"]
        );
        assert!(
            Provenance::default()
                .source(Source::Handwritten)
                .recorded_by("tests")
                .missing()
                .is_empty()
        );
    }
}
