//! Matching live requests against recorded ones, and explaining misses.

use std::fmt;

use omnivirt_core::{Error, ErrorKind};
use quick_xml::events::Event;

use crate::cassette::{Cassette, RecordedBody, RecordedRequest, RecordedResponse};

/// XML with whitespace between elements dropped and attributes sorted, or `None` if the text
/// is not well-formed.
pub fn canonical_xml(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut out = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                out.push_str(&open_tag(&e)?);
            }
            Event::Empty(e) => {
                out.push_str(&open_tag(&e)?);
                out.push_str(&format!(
                    "</{}>",
                    String::from_utf8_lossy(e.name().as_ref())
                ));
            }
            Event::End(e) => {
                out.push_str(&format!(
                    "</{}>",
                    String::from_utf8_lossy(e.name().as_ref())
                ));
            }
            Event::Text(t) => {
                let text = t.decode().ok()?;
                let unescaped = quick_xml::escape::unescape(&text).ok()?;
                out.push_str(&quick_xml::escape::escape(unescaped.as_ref()));
            }
            Event::CData(c) => {
                let text = String::from_utf8_lossy(&c).into_owned();
                out.push_str(&quick_xml::escape::escape(text.as_str()));
            }
            Event::GeneralRef(r) => {
                out.push('&');
                out.push_str(&String::from_utf8_lossy(&r));
                out.push(';');
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions and doctypes carry no data.
            _ => {}
        }
    }
    Some(out)
}

fn open_tag(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    let mut attrs = Vec::new();
    // quick-xml's own duplicate check compares each attribute with every earlier one, which is
    // quadratic; sorting and comparing neighbours finds duplicates in O(n log n).
    for a in e.attributes().with_checks(false) {
        let a = a.ok()?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a.unescape_value().ok()?.into_owned();
        attrs.push((key, value));
    }
    attrs.sort();
    if attrs.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    let mut s = format!("<{}", String::from_utf8_lossy(e.name().as_ref()));
    for (k, v) in attrs {
        s.push_str(&format!(
            " {k}=\"{}\"",
            quick_xml::escape::escape(v.as_str())
        ));
    }
    s.push('>');
    Some(s)
}

/// True if two bodies mean the same: JSON by value, XML after canonicalisation, the rest
/// byte for byte.
pub fn bodies_match(recorded: Option<&RecordedBody>, actual: Option<&RecordedBody>) -> bool {
    match (recorded, actual) {
        (None, None) => true,
        (Some(RecordedBody::Json(a)), Some(RecordedBody::Json(b))) => a == b,
        (Some(RecordedBody::Xml(a)), Some(RecordedBody::Xml(b))) => {
            a == b || matches!((canonical_xml(a), canonical_xml(b)), (Some(x), Some(y)) if x == y)
        }
        (Some(a), Some(b)) => matches!((a.to_bytes(), b.to_bytes()), (Ok(x), Ok(y)) if x == y),
        _ => false,
    }
}

/// True if `actual` matches `recorded`: method, path, sorted query, body, and the listed
/// headers (names lower-case).
pub fn request_matches(
    recorded: &RecordedRequest,
    actual: &RecordedRequest,
    headers: &[String],
) -> bool {
    recorded.method.eq_ignore_ascii_case(&actual.method)
        && recorded.path == actual.path
        && recorded.query == actual.query
        && bodies_match(recorded.body.as_ref(), actual.body.as_ref())
        && headers
            .iter()
            .all(|h| recorded.headers.get(h) == actual.headers.get(h))
}

/// A request as lines of text, for diffs: method and path, query pairs, then the body
/// (JSON pretty-printed, XML canonicalised one element per line).
pub fn render_request(r: &RecordedRequest, headers: &[String]) -> String {
    let mut s = format!("{} {}\n", r.method, r.path);
    for (k, v) in &r.query {
        s.push_str(&format!("query {k}={v}\n"));
    }
    for h in headers {
        if let Some(v) = r.headers.get(h) {
            s.push_str(&format!("header {h}: {v}\n"));
        }
    }
    match &r.body {
        None => {}
        Some(RecordedBody::Json(v)) => {
            s.push_str("body (json):\n");
            let v = sorted_json(v);
            s.push_str(&serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string()));
            s.push('\n');
        }
        Some(RecordedBody::Xml(x)) => {
            s.push_str("body (xml):\n");
            let c = canonical_xml(x).unwrap_or_else(|| x.clone());
            s.push_str(&c.replace("><", ">\n<"));
            s.push('\n');
        }
        Some(RecordedBody::Text(t)) => {
            s.push_str("body (text):\n");
            s.push_str(t);
            s.push('\n');
        }
        Some(RecordedBody::Base64(b)) => {
            s.push_str("body (base64):\n");
            s.push_str(b);
            s.push('\n');
        }
    }
    s
}

/// The value with object keys sorted at every depth, so that diffs show changed values, not
/// a different key order (which matching ignores anyway).
fn sorted_json(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_json(v)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(sorted_json).collect())
        }
        other => other.clone(),
    }
}

/// A request the cassette could not answer.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Miss {
    /// The cassette's name (usually its path).
    pub cassette: String,
    /// The request, in recorded (scrubbed) form.
    pub request: RecordedRequest,
    /// Index of the nearest recorded interaction, if the cassette has any.
    pub nearest: Option<usize>,
    /// A readable explanation with a diff against the nearest recorded request.
    pub explanation: String,
}

impl fmt::Debug for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Miss")
            .field("cassette", &self.cassette)
            .field("method", &self.request.method)
            .field("path", &self.request.path)
            .field("nearest", &self.nearest)
            .finish()
    }
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)
    }
}

impl Miss {
    /// The miss as an omnivirt error (`Protocol`).
    pub fn to_error(&self) -> Error {
        Error::new(ErrorKind::Protocol, self.explanation.clone())
    }
}

/// Replay state shared by the in-process layer and the server: which interactions have been
/// played, and what missed.
#[derive(Debug)]
pub(crate) struct Replayer {
    pub(crate) name: String,
    pub(crate) cassette: Cassette,
    pub(crate) played: Vec<bool>,
    pub(crate) misses: Vec<Miss>,
    pub(crate) match_headers: Vec<String>,
}

impl Replayer {
    pub(crate) fn new(name: String, mut cassette: Cassette, match_headers: Vec<String>) -> Self {
        // Hand-written cassettes may list query pairs in any order or spell header names in
        // any case; compare them in the form recordings use.
        for it in &mut cassette.interactions {
            it.request.query.sort();
            if it
                .request
                .headers
                .keys()
                .any(|k| k.chars().any(|c| c.is_ascii_uppercase()))
            {
                it.request.headers = std::mem::take(&mut it.request.headers)
                    .into_iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v))
                    .collect();
            }
        }
        let n = cassette.interactions.len();
        Replayer {
            name,
            cassette,
            played: vec![false; n],
            misses: Vec::new(),
            match_headers,
        }
    }

    /// The first unplayed interaction matching `actual`, marked played; or the miss.
    pub(crate) fn answer(
        &mut self,
        actual: &RecordedRequest,
    ) -> Result<RecordedResponse, Box<Miss>> {
        let hit = self
            .cassette
            .interactions
            .iter()
            .enumerate()
            .find(|(i, it)| {
                !self.played[*i] && request_matches(&it.request, actual, &self.match_headers)
            })
            .map(|(i, _)| i);
        if let Some(i) = hit {
            self.played[i] = true;
            return Ok(self.cassette.interactions[i].response.clone());
        }
        let miss = self.explain(actual);
        self.misses.push(miss.clone());
        Err(Box::new(miss))
    }

    fn explain(&self, actual: &RecordedRequest) -> Miss {
        let actual_text = render_request(actual, &self.match_headers);
        let head = format!(
            "cassette {}: no unplayed recorded interaction matches {} {}",
            self.name,
            actual.method,
            actual.path_and_query()
        );
        let matching: Vec<usize> = self
            .cassette
            .interactions
            .iter()
            .enumerate()
            .filter(|(_, it)| request_matches(&it.request, actual, &self.match_headers))
            .map(|(i, _)| i)
            .collect();
        if !matching.is_empty() {
            return Miss {
                cassette: self.name.clone(),
                request: actual.clone(),
                nearest: matching.last().copied(),
                explanation: format!(
                    "{head}\nthe cassette recorded this request {} time(s) (interaction(s) {}) and all were already played; the code under test sent it once more than when it was recorded",
                    matching.len(),
                    matching
                        .iter()
                        .map(|i| format!("#{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
        }
        let mut best: Option<(usize, f32, String)> = None;
        for (i, it) in self.cassette.interactions.iter().enumerate() {
            let text = render_request(&it.request, &self.match_headers);
            let mut score = similar::TextDiff::from_lines(&text, &actual_text).ratio();
            // Prefer the same endpoint, then interactions still to be played.
            if it.request.method.eq_ignore_ascii_case(&actual.method) {
                score += 1.0;
            }
            if it.request.path == actual.path {
                score += 2.0;
            }
            if !self.played[i] {
                score += 0.5;
            }
            if best.as_ref().is_none_or(|b| score > b.1) {
                best = Some((i, score, text));
            }
        }
        let Some((i, _, text)) = best else {
            return Miss {
                cassette: self.name.clone(),
                request: actual.clone(),
                nearest: None,
                explanation: format!("{head}\nthe cassette has no interactions"),
            };
        };
        let diff = similar::TextDiff::from_lines(&text, &actual_text)
            .unified_diff()
            .context_radius(3)
            .header(&format!("recorded #{i}"), "actual")
            .to_string();
        let state = if self.played[i] {
            "already played"
        } else {
            "unplayed"
        };
        Miss {
            cassette: self.name.clone(),
            request: actual.clone(),
            nearest: Some(i),
            explanation: format!("{head}\nnearest recorded request is #{i} ({state}):\n{diff}"),
        }
    }

    /// Indices of interactions not played yet.
    pub(crate) fn unplayed(&self) -> Vec<usize> {
        self.played
            .iter()
            .enumerate()
            .filter(|(_, p)| !**p)
            .map(|(i, _)| i)
            .collect()
    }

    /// Fails if anything missed, or (unless allowed) anything was left unplayed.
    pub(crate) fn check_finished(&self, allow_unplayed: bool) -> omnivirt_core::Result<()> {
        let mut problems = Vec::new();
        if !self.misses.is_empty() {
            problems.push(format!(
                "{} request(s) missed the cassette:\n{}",
                self.misses.len(),
                self.misses
                    .iter()
                    .map(|m| format!("  {} {}", m.request.method, m.request.path_and_query()))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        let unplayed = self.unplayed();
        if !allow_unplayed && !unplayed.is_empty() {
            problems.push(format!(
                "{} recorded interaction(s) were never played (the code under test sent fewer requests than were recorded; use allow_unplayed to accept that):\n{}",
                unplayed.len(),
                unplayed
                    .iter()
                    .map(|i| {
                        let r = &self.cassette.interactions[*i].request;
                        format!("  #{i} {} {}", r.method, r.path_and_query())
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Protocol,
                format!("cassette {}: {}", self.name, problems.join("\n")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cassette::{Interaction, Provenance};
    use serde_json::json;

    #[test]
    fn xml_canonical_form_ignores_layout_and_attribute_order() {
        let a = "<?xml version=\"1.0\"?>\n<action>\n  <vm id=\"1\" name=\"a\"/>\n  <async>true</async>\n</action>";
        let b = "<action><vm name=\"a\" id=\"1\"></vm><async>true</async></action>";
        assert_eq!(canonical_xml(a), canonical_xml(b));
        assert_ne!(
            canonical_xml(a),
            canonical_xml("<action><async>false</async></action>")
        );
        assert!(bodies_match(
            Some(&RecordedBody::Xml(a.into())),
            Some(&RecordedBody::Xml(b.into()))
        ));
        assert_eq!(canonical_xml("<a><b></a>"), None);
        // A repeated attribute is malformed XML, however far apart the two are.
        assert_eq!(canonical_xml(r#"<a x="1" y="2" x="3"/>"#), None);
    }

    #[test]
    fn rendering_sorts_json_keys() {
        let a = RecordedRequest::new("POST", "/x")
            .body(RecordedBody::Json(json!({"b": 1, "a": {"d": 2, "c": 3}})));
        let b = RecordedRequest::new("POST", "/x")
            .body(RecordedBody::Json(json!({"a": {"c": 3, "d": 2}, "b": 1})));
        assert_eq!(render_request(&a, &[]), render_request(&b, &[]));
        assert!(render_request(&a, &[]).find("\"a\"") < render_request(&a, &[]).find("\"b\""));
    }

    #[test]
    fn json_by_value_text_exact() {
        assert!(bodies_match(
            Some(&RecordedBody::Json(json!({"a": 1, "b": [1, 2]}))),
            Some(&RecordedBody::Json(json!({"b": [1, 2], "a": 1})))
        ));
        assert!(!bodies_match(
            Some(&RecordedBody::Json(json!({"b": [2, 1]}))),
            Some(&RecordedBody::Json(json!({"b": [1, 2]})))
        ));
        assert!(!bodies_match(
            Some(&RecordedBody::Text("a ".into())),
            Some(&RecordedBody::Text("a".into()))
        ));
        assert!(!bodies_match(None, Some(&RecordedBody::Text("a".into()))));
    }

    fn cassette() -> Cassette {
        let mut c = Cassette::new("veil", Provenance::default());
        for n in 0..2 {
            c.interactions.push(Interaction::new(
                RecordedRequest::new("GET", "/api/tasks/7/"),
                RecordedResponse::new(200).body(RecordedBody::Json(json!({"n": n}))),
            ));
        }
        c.interactions.push(Interaction::new(
            RecordedRequest::new("POST", "/api/domains/").body(RecordedBody::Json(
                json!({"verbose_name": "web", "memory": 1024}),
            )),
            RecordedResponse::new(202),
        ));
        c
    }

    #[test]
    fn hand_written_query_order_and_header_case_do_not_matter() {
        let mut req = RecordedRequest::new("GET", "/vms");
        req.query = vec![("search".into(), "x".into()), ("max".into(), "2".into())];
        req.headers.insert("X-Version".into(), "4".into());
        let c = Cassette::new("t", Provenance::default())
            .interaction(Interaction::new(req, RecordedResponse::new(200)));
        let mut r = Replayer::new("t".into(), c, vec!["x-version".into()]);
        let actual = RecordedRequest::new("GET", "/vms?max=2&search=x").header("x-version", "4");
        assert!(r.answer(&actual).is_ok());
    }

    #[test]
    fn first_unplayed_match_wins_then_miss_explains() {
        let mut r = Replayer::new("fixtures/veil/t.json".into(), cassette(), vec![]);
        let get = RecordedRequest::new("GET", "/api/tasks/7/");
        for n in 0..2 {
            let resp = r.answer(&get).unwrap();
            assert_eq!(resp.body, Some(RecordedBody::Json(json!({"n": n}))));
        }
        let miss = r.answer(&get).unwrap_err();
        assert!(miss.explanation.contains("fixtures/veil/t.json"));
        assert!(miss.explanation.contains("already played"), "{miss}");

        let post = RecordedRequest::new("POST", "/api/domains/").body(RecordedBody::Json(
            json!({"verbose_name": "web", "memory": 2048}),
        ));
        let miss = r.answer(&post).unwrap_err();
        assert_eq!(miss.nearest, Some(2));
        assert!(miss.explanation.contains("-  \"memory\": 1024"), "{miss}");
        assert!(miss.explanation.contains("+  \"memory\": 2048"), "{miss}");

        let err = r.check_finished(false).unwrap_err();
        assert!(err.message().contains("#2 POST /api/domains/"), "{err}");
        assert!(err.message().contains("2 request(s) missed"), "{err}");
    }

    #[test]
    fn many_attributes_canonicalise_sorted() {
        let attrs: String = (0..20_000)
            .rev()
            .map(|i| format!(" a{i:05}=\"{i}\""))
            .collect();
        let out = canonical_xml(&format!("<v{attrs}/>")).unwrap_or_default();
        assert!(
            out.starts_with(r#"<v a00000="0" a00001="1" "#),
            "{}",
            &out[..40]
        );
        assert!(out.ends_with(r#" a19999="19999"></v>"#));
    }
}
