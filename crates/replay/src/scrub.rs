//! Scrubbing: secrets and real host names are removed before anything is written.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::LazyLock;

use omnivirt_core::{Error, Result};
use regex::{Captures, Regex};
use serde_json::Value;

use crate::cassette::{RecordedBody, RecordedRequest, RecordedResponse};

/// What a scrubbed value is replaced with.
pub const REDACTED: &str = "***";

/// What the recorded host (and port) is replaced with.
pub const HOST_PLACEHOLDER: &str = "{{host}}";

/// Key names (normalised: lower case, letters and digits only) that always hold secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "session",
    "sessionid",
    "sessionuuid",
    "sessionkey",
    "secret",
    "clientsecret",
    "jwt",
    "apikey",
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "privatekey",
    // Cloud-init user data often carries passwords and keys (VeiL `cloud_init_config`,
    // oVirt `<initialization><custom_script>`).
    "userdata",
    "customscript",
];

/// Endings (normalised) that make a key secret: `adminPassword`, `x-auth-token`, ...
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "token",
    "secret",
    "sessionid",
    "apikey",
];

/// Headers that are never worth keeping: hop-by-hop, volatile, or rewritten on replay.
const DROPPED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "date",
    "accept-encoding",
    "content-encoding",
    "te",
    "trailer",
    "upgrade",
];

static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static AUTH_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(bearer|oauth|jwt|basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
/// A secret carried as a URL parameter inside text, e.g. VeiL's console URL
/// `...?host=h&password=P&path=websockify?token=T`.
static URL_SECRET_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([?&](?:password|passwd|token|ticket)=)([^&\s\x22'#]+)")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
/// Cloud-init user data carried as a ZStack system tag, `userdata::<base64>`.
static USERDATA_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(userdata::)([^\s\x22',\]]+)")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static XML_ELEMENT_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(\s[^<>]*)?>([^<]+)")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static XML_ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(\s(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*=\s*)("[^"]*"|'[^']*')"#)
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
/// An oVirt console ticket (`<ticket><expiry>120</expiry><value>...</value></ticket>`): its
/// secret is the text of `value`, a word too common to be a secret key everywhere.
static XML_TICKET_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(<ticket(?:\s[^<>]*)?>(?:\s*<(?:expiry|href)\b[^<>]*>[^<]*</[^<>]+>)*\s*<value>)([^<]+)(</value>)")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static FORM_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9_.%-]+=[^&\s]*(&[A-Za-z0-9_.%-]+=[^&\s]*)*$")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

fn normalise_key(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// True if a string looks like a generated token rather than prose or a date: long, one word,
/// only token characters.
pub(crate) fn looks_like_token(v: &str) -> bool {
    v.len() >= 16
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '.'))
}

/// A JSON-pointer rule limited to some request paths.
#[derive(Clone)]
struct PointerRule {
    path: Option<Regex>,
    pointer: String,
}

/// Removes secrets from recorded requests and responses.
///
/// The default rules ([`Scrubber::new`]):
/// - headers `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, and any header
///   whose name ends in `token`, `secret`, `session-id`, `password` or `api-key` (such as
///   `X-Auth-Token`, `X-Session-Id`) become `***`;
/// - JSON fields, query parameters, form fields, XML elements and XML attributes named like a
///   secret (`password`, `passwd`, `token`, `access_token`, `session`, `session_id`, `secret`,
///   `jwt`, `api_key`, ... compared case-insensitively, ignoring `_` and `-`, at any depth)
///   become `***`, and so do token-looking values of any key containing `session`;
/// - anywhere in text: JWTs become `***`, and `Bearer <token>` / `OAuth <token>` /
///   `jwt <token>` values become `Bearer ***`.
///
/// Add rules with [`Scrubber::header`], [`Scrubber::key`], [`Scrubber::json_pointer`] and
/// [`Scrubber::pattern`].
#[derive(Clone)]
pub struct Scrubber {
    headers: Vec<String>,
    keys: Vec<String>,
    pointers: Vec<PointerRule>,
    patterns: Vec<(Regex, String)>,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scrubber")
            .field("extra_headers", &self.headers)
            .field("extra_keys", &self.keys)
            .field("pointers", &self.pointers.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

impl Default for Scrubber {
    fn default() -> Self {
        Self::new()
    }
}

impl Scrubber {
    /// A scrubber with the default rules.
    pub fn new() -> Self {
        Scrubber {
            headers: Vec::new(),
            keys: Vec::new(),
            pointers: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// Also redacts the header `name` (case-insensitive).
    pub fn header(mut self, name: &str) -> Self {
        self.headers.push(name.to_ascii_lowercase());
        self
    }

    /// Also treats `name` as a secret key in JSON, query strings, forms and XML.
    pub fn key(mut self, name: &str) -> Self {
        self.keys.push(normalise_key(name));
        self
    }

    /// Redacts the value at a JSON pointer (`/inventory/uuid`) in request and response bodies
    /// of requests whose path matches `path_regex` (all paths if `None`). Use it for secrets
    /// whose key says nothing, such as a session id returned as `uuid` by a login call.
    pub fn json_pointer(mut self, path_regex: Option<&str>, pointer: &str) -> Result<Self> {
        let path = path_regex
            .map(|p| {
                Regex::new(p).map_err(|e| {
                    Error::invalid_input(format!("invalid scrubber path regex `{p}`: {e}"))
                })
            })
            .transpose()?;
        self.pointers.push(PointerRule {
            path,
            pointer: pointer.to_owned(),
        });
        Ok(self)
    }

    /// Replaces every match of `regex` in header values and body text with `replacement`
    /// (which may use `$1`-style group references).
    pub fn pattern(mut self, regex: &str, replacement: &str) -> Result<Self> {
        let re = Regex::new(regex)
            .map_err(|e| Error::invalid_input(format!("invalid scrubber regex `{regex}`: {e}")))?;
        self.patterns.push((re, replacement.to_owned()));
        Ok(self)
    }

    /// True if a JSON key, query or form parameter, or XML name holds a secret.
    pub fn is_secret_key(&self, key: &str) -> bool {
        let k = normalise_key(key);
        !k.is_empty()
            && (SECRET_KEYS.contains(&k.as_str())
                || SECRET_SUFFIXES.iter().any(|s| k.ends_with(s))
                || self.keys.contains(&k))
    }

    /// True if a header's value is a secret.
    pub fn is_secret_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.headers.contains(&lower) || self.is_secret_key(&lower)
    }

    /// True if the value under `key` must be redacted.
    fn redacts(&self, key: &str, value: &str) -> bool {
        if value.is_empty() || value == REDACTED {
            return false;
        }
        self.is_secret_key(key)
            || (normalise_key(key).contains("session") && looks_like_token(value))
    }

    /// Scrubs free text: JWTs, `Bearer <token>` values and the user's patterns.
    pub fn scrub_text(&self, text: &str) -> String {
        let mut out = JWT.replace_all(text, REDACTED).into_owned();
        out = AUTH_SCHEME
            .replace_all(&out, |c: &Captures<'_>| {
                let token = &c[3];
                // Prose such as "Bearer authentication" is left alone: tokens have digits or
                // are long.
                if token.chars().any(|ch| ch.is_ascii_digit()) || token.len() >= 20 {
                    format!("{}{}{REDACTED}", &c[1], &c[2])
                } else {
                    c[0].to_owned()
                }
            })
            .into_owned();
        out = URL_SECRET_PARAM
            .replace_all(&out, |c: &Captures<'_>| {
                if &c[2] == REDACTED {
                    c[0].to_owned()
                } else {
                    format!("{}{REDACTED}", &c[1])
                }
            })
            .into_owned();
        out = USERDATA_TAG
            .replace_all(&out, |c: &Captures<'_>| format!("{}{REDACTED}", &c[1]))
            .into_owned();
        for (re, rep) in &self.patterns {
            out = re.replace_all(&out, rep.as_str()).into_owned();
        }
        out
    }

    /// Scrubs a header map in place: drops headers not worth keeping, redacts secrets.
    pub fn scrub_headers(&self, headers: &mut BTreeMap<String, String>) {
        headers.retain(|k, _| !DROPPED_HEADERS.contains(&k.as_str()));
        for (k, v) in headers.iter_mut() {
            if self.is_secret_header(k) {
                *v = REDACTED.to_owned();
            } else {
                *v = self.scrub_text(v);
            }
        }
    }

    /// Scrubs a JSON value in place, at any depth.
    pub fn scrub_json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    match v {
                        Value::String(s) if self.redacts(k, s) => *v = REDACTED.into(),
                        Value::Number(_) if self.is_secret_key(k) => *v = REDACTED.into(),
                        Value::String(s) => *s = self.scrub_text(s),
                        _ => self.scrub_json(v),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::String(s) => *s = self.scrub_text(s),
            _ => {}
        }
    }

    /// Scrubs query (or form) pairs in place.
    pub fn scrub_pairs(&self, pairs: &mut [(String, String)]) {
        for (k, v) in pairs.iter_mut() {
            if self.redacts(k, v) {
                *v = REDACTED.to_owned();
            } else {
                *v = self.scrub_text(v);
            }
        }
    }

    /// Scrubs an `application/x-www-form-urlencoded` body; other text is returned unchanged.
    pub fn scrub_form(&self, text: &str) -> String {
        if !FORM_LIKE.is_match(text.trim()) {
            return text.to_owned();
        }
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(text.trim().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if !pairs.iter().any(|(k, v)| self.redacts(k, v)) {
            return text.to_owned();
        }
        self.scrub_pairs(&mut pairs);
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter())
            .finish()
    }

    /// Scrubs XML text: secret-named elements' text and attributes become `***`.
    pub fn scrub_xml(&self, xml: &str) -> String {
        let xml = XML_TICKET_VALUE.replace_all(xml, |c: &Captures<'_>| {
            format!("{}{REDACTED}{}", &c[1], &c[3])
        });
        let out = XML_ELEMENT_TEXT.replace_all(&xml, |c: &Captures<'_>| {
            let text = &c[4];
            if self.is_secret_key(&c[2]) && !text.trim().is_empty() && text.trim() != REDACTED {
                format!(
                    "<{}{}>{REDACTED}",
                    &c[1],
                    c.get(3).map_or("", |m| m.as_str())
                )
            } else {
                c[0].to_owned()
            }
        });
        let out = XML_ATTRIBUTE.replace_all(&out, |c: &Captures<'_>| {
            let quoted = &c[3];
            let inner = &quoted[1..quoted.len() - 1];
            if self.is_secret_key(&c[2]) && !inner.is_empty() && inner != REDACTED {
                format!("{}\"{REDACTED}\"", &c[1])
            } else {
                c[0].to_owned()
            }
        });
        self.scrub_text(&out)
    }

    /// Scrubs a body in place according to its kind.
    pub fn scrub_body(&self, body: &mut RecordedBody) {
        match body {
            RecordedBody::Json(v) => self.scrub_json(v),
            RecordedBody::Xml(s) => *s = self.scrub_xml(s),
            // Servers mislabel XML as text/plain; scrub it as XML all the same.
            RecordedBody::Text(s) if s.trim_start().starts_with('<') => *s = self.scrub_xml(s),
            RecordedBody::Text(s) => *s = self.scrub_text(&self.scrub_form(s)),
            RecordedBody::Base64(_) => {}
        }
    }

    fn apply_pointers(&self, path: &str, body: &mut Option<RecordedBody>) {
        let Some(RecordedBody::Json(v)) = body else {
            return;
        };
        for rule in &self.pointers {
            if rule.path.as_ref().is_none_or(|re| re.is_match(path)) {
                if let Some(target) = v.pointer_mut(&rule.pointer) {
                    if !target.is_null() {
                        *target = Value::String(REDACTED.into());
                    }
                }
            }
        }
    }

    /// Scrubs a recorded request in place.
    pub fn scrub_request(&self, req: &mut RecordedRequest) {
        self.scrub_pairs(&mut req.query);
        req.query.sort();
        self.scrub_headers(&mut req.headers);
        if let Some(b) = req.body.as_mut() {
            self.scrub_body(b);
        }
        self.apply_pointers(&req.path, &mut req.body);
    }

    /// Scrubs a recorded response in place; `path` is the request's path (for pointer rules).
    pub fn scrub_response(&self, path: &str, resp: &mut RecordedResponse) {
        self.scrub_headers(&mut resp.headers);
        if let Some(b) = resp.body.as_mut() {
            self.scrub_body(b);
        }
        self.apply_pointers(path, &mut resp.body);
    }

    /// Collects, from unscrubbed headers, query pairs and body, the values these rules
    /// redact, so that the same values can also be removed where no rule would see them
    /// (a session id echoed in a later path, a token in an unrelated field).
    pub(crate) fn collect_secrets(
        &self,
        path: &str,
        headers: &BTreeMap<String, String>,
        query: &[(String, String)],
        body: Option<&RecordedBody>,
        out: &mut BTreeSet<String>,
    ) {
        let mut add = |v: &str| {
            let v = v.trim().trim_matches('"');
            // Generated secrets have digits or length; cookie attributes (`HttpOnly`) and
            // words do not.
            let generated = v.chars().any(|c| c.is_ascii_digit()) || v.len() >= 16;
            if v.len() >= MIN_LEARNED_SECRET && generated && v != REDACTED {
                out.insert(v.to_owned());
            }
        };
        for (k, v) in headers {
            if self.is_secret_header(k) {
                for part in v.split([',', ';']) {
                    // `Bearer <t>`, `OAuth <t>`, `name=<t>` (cookies), or the bare token.
                    let part = part.trim();
                    let last = part.split_whitespace().last().unwrap_or(part);
                    let value = last.split_once('=').map_or(last, |(_, v)| v);
                    add(value);
                }
            }
        }
        for (k, v) in query {
            if self.redacts(k, v) {
                add(v);
            }
        }
        let mut texts = Vec::new();
        match body {
            Some(RecordedBody::Json(v)) => {
                self.collect_json(v, &mut add, &mut texts);
                for rule in &self.pointers {
                    if rule.path.as_ref().is_none_or(|re| re.is_match(path)) {
                        if let Some(Value::String(s)) = v.pointer(&rule.pointer) {
                            add(s);
                        }
                    }
                }
            }
            Some(RecordedBody::Xml(t)) => {
                for c in XML_ELEMENT_TEXT.captures_iter(t) {
                    if self.is_secret_key(&c[2]) {
                        add(&c[4]);
                    }
                }
                texts.push(t.clone());
            }
            Some(RecordedBody::Text(t)) => {
                if FORM_LIKE.is_match(t.trim()) {
                    for (k, v) in url::form_urlencoded::parse(t.trim().as_bytes()) {
                        if self.redacts(&k, &v) {
                            add(&v);
                        }
                    }
                }
                texts.push(t.clone());
            }
            _ => {}
        }
        for t in headers.values().chain(texts.iter()) {
            for m in JWT.find_iter(t) {
                add(m.as_str());
            }
        }
    }

    fn collect_json(&self, v: &Value, add: &mut dyn FnMut(&str), texts: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    match child {
                        Value::String(s) if self.redacts(k, s) => add(s),
                        Value::String(s) => texts.push(s.clone()),
                        _ => self.collect_json(child, add, texts),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|x| self.collect_json(x, add, texts)),
            Value::String(s) => texts.push(s.clone()),
            _ => {}
        }
    }
}

/// Shortest value learned as a secret and then removed everywhere: shorter ones (`admin`)
/// would wipe ordinary words out of the cassette.
const MIN_LEARNED_SECRET: usize = 8;

/// Replaces every occurrence of the learned `secrets` in an interaction (path, query values,
/// header values, bodies) with [`REDACTED`].
pub(crate) fn remove_known_secrets(
    req: &mut RecordedRequest,
    resp: &mut RecordedResponse,
    secrets: &BTreeSet<String>,
) {
    if secrets.is_empty() {
        return;
    }
    // Longest first, so that a secret containing another is removed whole.
    let mut ordered: Vec<&String> = secrets.iter().collect();
    ordered.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let replace = |text: &str| -> Option<String> {
        let mut out: Option<String> = None;
        for s in &ordered {
            let cur = out.as_deref().unwrap_or(text);
            if cur.contains(s.as_str()) {
                out = Some(cur.replace(s.as_str(), REDACTED));
            }
        }
        out
    };
    if let Some(p) = replace(&req.path) {
        req.path = p;
    }
    for (_, v) in req.query.iter_mut() {
        if let Some(n) = replace(v) {
            *v = n;
        }
    }
    req.query.sort();
    for v in req.headers.values_mut().chain(resp.headers.values_mut()) {
        if let Some(n) = replace(v) {
            *v = n;
        }
    }
    for b in [req.body.as_mut(), resp.body.as_mut()]
        .into_iter()
        .flatten()
    {
        b.map_strings(&replace);
    }
}

/// Replaces a recorded server's address with [`HOST_PLACEHOLDER`] in a string.
///
/// `authority` is `host` or `host:port`. Occurrences after `//` are always replaced; a bare
/// `host:port` is replaced too (a bare host name alone is not, since it may be an ordinary
/// word such as `ovirt`).
pub(crate) fn to_placeholder(text: &str, authority: &str) -> Option<String> {
    if authority.is_empty() || !text.contains(authority) {
        return None;
    }
    let mut out = text.replace(&format!("//{authority}"), &format!("//{HOST_PLACEHOLDER}"));
    if authority.contains(':') {
        out = out.replace(authority, HOST_PLACEHOLDER);
    }
    (out != text).then_some(out)
}

/// Restores [`HOST_PLACEHOLDER`] to a live address: `scheme://{{host}}` becomes `origin`
/// (so an `https` recording replays against an `http` server), a bare `{{host}}` becomes
/// the authority.
pub(crate) fn from_placeholder(text: &str, origin: &str, authority: &str) -> Option<String> {
    if !text.contains(HOST_PLACEHOLDER) {
        return None;
    }
    Some(
        text.replace(&format!("https://{HOST_PLACEHOLDER}"), origin)
            .replace(&format!("http://{HOST_PLACEHOLDER}"), origin)
            .replace(HOST_PLACEHOLDER, authority),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cloud_init_user_data_is_a_secret() {
        let s = Scrubber::new();
        let mut v = json!({"cloud_init": true, "cloud_init_config": {
            "user_data": "#cloud-config\npassword: p4ss\n", "meta_data": ""}});
        s.scrub_json(&mut v);
        assert_eq!(v["cloud_init_config"]["user_data"], "***");
        assert_eq!(v["cloud_init_config"]["meta_data"], "");
        assert_eq!(v["cloud_init"], true);
    }

    #[test]
    fn zstack_user_data_system_tag_is_a_secret() {
        let s = Scrubber::new();
        let mut v = json!({"params": {"name": "vm", "systemTags": [
            "userdata::I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogcDRzcwo=", "staticIp::l3::10.0.0.5"]}});
        s.scrub_json(&mut v);
        assert_eq!(v["params"]["systemTags"][0], "userdata::***");
        assert_eq!(v["params"]["systemTags"][1], "staticIp::l3::10.0.0.5");
        assert_eq!(v["params"]["name"], "vm");
    }

    #[test]
    fn json_secrets_at_any_depth() {
        let s = Scrubber::new();
        let mut v = json!({
            "user": "admin",
            "auth": {"Password": "hunter2", "nested": [{"access_token": "abc123"}]},
            "sessionTimeout": 3600,
            "session_uuid": "0123456789abcdef0123456789abcdef",
            "token_type": "Bearer",
            "empty_password": "",
            "note": "Authorization: Bearer abcdef123456"
        });
        s.scrub_json(&mut v);
        assert_eq!(v["auth"]["Password"], "***");
        assert_eq!(v["auth"]["nested"][0]["access_token"], "***");
        assert_eq!(v["sessionTimeout"], 3600);
        assert_eq!(v["session_uuid"], "***");
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["empty_password"], "");
        assert_eq!(v["user"], "admin");
        assert_eq!(v["note"], "Authorization: Bearer ***");
    }

    #[test]
    fn headers_and_text() {
        let s = Scrubber::new().header("X-Custom");
        let mut h = BTreeMap::from([
            ("authorization".to_owned(), "jwt abc".to_owned()),
            ("x-auth-token".to_owned(), "t".to_owned()),
            ("x-session-id".to_owned(), "s".to_owned()),
            ("set-cookie".to_owned(), "JSESSIONID=1".to_owned()),
            ("x-custom".to_owned(), "c".to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
            ("content-length".to_owned(), "12".to_owned()),
        ]);
        s.scrub_headers(&mut h);
        for k in [
            "authorization",
            "x-auth-token",
            "x-session-id",
            "set-cookie",
            "x-custom",
        ] {
            assert_eq!(h[k], "***", "{k}");
        }
        assert_eq!(h["content-type"], "application/json");
        assert!(!h.contains_key("content-length"));
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert_eq!(s.scrub_text(&format!("x {jwt} y")), "x *** y");
        assert_eq!(
            s.scrub_text("Bearer authentication failed"),
            "Bearer authentication failed"
        );
        let mut console = serde_json::json!({
            "spice_url": "/spice-html5/spice_auto.html?host=10.0.0.5&password=SPkKastQjQ&path=websockify?token=2385c0a9-940f"
        });
        s.scrub_json(&mut console);
        assert_eq!(
            console["spice_url"],
            "/spice-html5/spice_auto.html?host=10.0.0.5&password=***&path=websockify?token=***"
        );
    }

    #[test]
    fn xml_and_form() {
        let s = Scrubber::new();
        let xml = "<auth>\n  <wrap><token>t1</token></wrap><user>admin</user>\n  <password>p4ss</password>\n  <ns:token kind=\"x\">t0k3n</ns:token>\n  <item secret=\"zz\" name=\"a\"/>\n</auth>";
        let out = s.scrub_xml(xml);
        assert!(out.contains("<user>admin</user>"), "{out}");
        assert!(out.contains("<wrap><token>***</token></wrap>"), "{out}");
        assert!(out.contains("<password>***</password>"), "{out}");
        assert!(out.contains("<ns:token kind=\"x\">***</ns:token>"), "{out}");
        assert!(out.contains("secret=\"***\" name=\"a\""), "{out}");
        assert_eq!(
            s.scrub_form("grant_type=password&username=admin&password=s3cret&scope=x"),
            "grant_type=password&username=admin&password=***&scope=x"
        );
        assert_eq!(s.scrub_form("just text"), "just text");
    }

    #[test]
    fn an_ovirt_cloud_init_script_is_scrubbed() {
        let s = Scrubber::new();
        let xml = "<vm><name>web</name><initialization><custom_script>#cloud-config\n\
                   password: p4ss\n</custom_script></initialization></vm>";
        let out = s.scrub_xml(xml);
        assert!(!out.contains("p4ss"), "{out}");
        assert!(out.contains("<name>web</name>"), "{out}");
    }

    #[test]
    fn an_ovirt_console_ticket_is_scrubbed() {
        let s = Scrubber::new();
        let xml = "<action><status>complete</status><ticket><expiry>120</expiry>\
                   <value>a1b2c3</value></ticket></action>";
        let out = s.scrub_xml(xml);
        assert!(!out.contains("a1b2c3"), "{out}");
        assert!(
            out.contains("<expiry>120</expiry><value>***</value>"),
            "{out}"
        );
        let other = "<option><name>x</name><value>keep</value></option>";
        assert_eq!(s.scrub_xml(other), other);
    }

    #[test]
    fn pointer_and_pattern_rules() {
        let s = Scrubber::new()
            .json_pointer(Some("/accounts/login$"), "/inventory/uuid")
            .unwrap()
            .pattern(r"tenant-\d+", "tenant-N")
            .unwrap();
        let mut resp = RecordedResponse::new(200).body(RecordedBody::Json(json!({
            "inventory": {"uuid": "abc", "name": "tenant-42"}
        })));
        s.scrub_response("/zstack/v1/accounts/login", &mut resp);
        let Some(RecordedBody::Json(v)) = &resp.body else {
            panic!("json body expected")
        };
        assert_eq!(v["inventory"]["uuid"], "***");
        assert_eq!(v["inventory"]["name"], "tenant-N");

        let mut other = RecordedResponse::new(200)
            .body(RecordedBody::Json(json!({"inventory": {"uuid": "vm-1"}})));
        s.scrub_response("/zstack/v1/vm-instances/vm-1", &mut other);
        let Some(RecordedBody::Json(v)) = &other.body else {
            panic!("json body expected")
        };
        assert_eq!(v["inventory"]["uuid"], "vm-1");
        assert!(Scrubber::new().pattern("(", "x").is_err());
    }

    #[test]
    fn placeholders_round_trip() {
        let t = "see https://engine.lab:8443/api/vms/1 and engine.lab:8443";
        let p = to_placeholder(t, "engine.lab:8443").unwrap();
        assert_eq!(p, "see https://{{host}}/api/vms/1 and {{host}}");
        let back = from_placeholder(&p, "http://127.0.0.1:4000", "127.0.0.1:4000").unwrap();
        assert_eq!(
            back,
            "see http://127.0.0.1:4000/api/vms/1 and 127.0.0.1:4000"
        );
        // A bare host name is only replaced after `//`.
        assert_eq!(
            to_placeholder("https://ovirt/x ovirt-engine", "ovirt").unwrap(),
            "https://{{host}}/x ovirt-engine"
        );
    }
}
