//! [`ConnectionSettings`]: what every vendor connection shares, and the key checks of config
//! files built on it ([`VendorConfig`]).

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::{HyperTransport, HyperTransportBuilder};
use crate::limit::{BodyLimitLayer, DEFAULT_MAX_BODY_SIZE, format_size, parse_size};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::stack::{HttpStack, HttpStackBuilder};
use crate::timeout::Timeouts;
use crate::tls::TlsOptions;
use crate::transport::SharedTransport;

/// How to reach a server: URL, TLS, timeouts, retries, user agent and, for tests, the transport
/// to send through. Every vendor config embeds it (`#[serde(flatten)]`) and every vendor client
/// builder takes it whole ([`.connection(settings)`](ConnectionSettings)) or one setter at a
/// time, with the same names everywhere.
///
/// In a config file the keys are kebab-case, every one optional:
///
/// | key | meaning | default |
/// |---|---|---|
/// | `url` | the server | (none) |
/// | `ca-file` | PEM bundle of CAs trusted beside the built-in roots | none |
/// | `insecure` | skip certificate verification (logs a warning) | `false` |
/// | `request-timeout` | limit for one HTTP request attempt (`"30s"`, `"2m"` or seconds; `0` = none) | `60s` |
/// | `connect-timeout` | limit for opening a connection | `10s` |
/// | `total-timeout` | limit for one call, retries and their waits included | `3m` |
/// | `max-attempts` | attempts in all for a retryable failure (`1` = no retry) | `4` |
/// | `max-body-size` | largest response body, counted after gzip decoding (`"256MiB"`, `"1GiB"` or bytes; `0` = none) | `256MiB` |
/// | `user-agent` | the `User-Agent` header | `omnivirt/<version>` |
///
/// ```
/// use std::time::Duration;
/// use omnivirt_http::ConnectionSettings;
///
/// let s: ConnectionSettings = serde_json::from_value(serde_json::json!({
///     "url": "https://engine.example/ovirt-engine/api",
///     "ca-file": "/etc/pki/ovirt-engine/ca.pem",
///     "request-timeout": "20s",
///     "max-attempts": 2
/// })).unwrap();
/// assert_eq!(s.timeouts.per_attempt, Some(Duration::from_secs(20)));
/// assert_eq!(s.retry.max_attempts(), 2);
///
/// let same = ConnectionSettings::new("https://engine.example/ovirt-engine/api")
///     .ca_file("/etc/pki/ovirt-engine/ca.pem")
///     .timeout(Duration::from_secs(20));
/// assert_eq!(same.tls, s.tls);
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "SettingsFile", into = "SettingsFile")]
#[non_exhaustive]
pub struct ConnectionSettings {
    /// The server URL as the user wrote it; each vendor derives its API base from it.
    pub url: String,
    /// Which certificates to trust (CA file, insecure opt-in).
    pub tls: TlsOptions,
    /// Per-attempt and overall limits (default 60 s and 180 s).
    pub timeouts: Timeouts,
    /// Limit for opening a TCP connection (default 10 s; `None`: the OS default).
    pub connect_timeout: Option<Duration>,
    /// When to repeat a failed request (idempotent requests only, see [`RetryPolicy`]).
    pub retry: RetryPolicy,
    /// The largest response body accepted, in bytes after gzip decoding (default
    /// [`DEFAULT_MAX_BODY_SIZE`], 256 MiB; `None`: no limit). A longer body fails with
    /// [`body_too_large`](crate::body_too_large), a `Protocol` error, without being held whole.
    pub max_body_size: Option<u64>,
    /// The `User-Agent` header (default: the vendor crate's, else `omnivirt/<version>`).
    pub user_agent: Option<String>,
    /// Sends through this transport instead of a new HTTPS client (a cassette, the simulator,
    /// a test double). Never read from a file.
    pub transport: Option<SharedTransport>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            url: String::new(),
            tls: TlsOptions::default(),
            timeouts: Timeouts::default(),
            connect_timeout: Some(Duration::from_secs(10)),
            retry: RetryPolicy::default(),
            max_body_size: Some(DEFAULT_MAX_BODY_SIZE),
            user_agent: None,
            transport: None,
        }
    }
}

impl fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("url", &crate::transport::redact_url(&self.url))
            .field("tls", &self.tls)
            .field("timeouts", &self.timeouts)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("user_agent", &self.user_agent)
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ConnectionSettings {
    /// The defaults, for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        ConnectionSettings {
            url: url.into(),
            ..Self::default()
        }
    }

    /// The server URL.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Trusts the CA certificates of this PEM file beside the built-in roots.
    #[must_use]
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tls.ca_file = Some(path.into());
        self
    }

    /// Turns certificate verification off (logs a warning). Only for labs.
    #[must_use]
    pub fn insecure(mut self, yes: bool) -> Self {
        self.tls.insecure = yes;
        self
    }

    /// All TLS options at once.
    #[must_use]
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }

    /// Limit for one request attempt (the `request-timeout` key).
    #[must_use]
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.timeouts.per_attempt = d.into();
        self
    }

    /// Limit for one call, retries and their waits included (the `total-timeout` key).
    #[must_use]
    pub fn total_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.timeouts.overall = d.into();
        self
    }

    /// Both limits at once.
    #[must_use]
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.timeouts = t;
        self
    }

    /// Limit for opening a connection (the `connect-timeout` key).
    #[must_use]
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = d.into();
        self
    }

    /// The retry policy ([`RetryPolicy::never`] turns retries off).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body accepted, after gzip decoding (the `max-body-size` key;
    /// `None`: no limit).
    #[must_use]
    pub fn max_body_size(mut self, bytes: impl Into<Option<u64>>) -> Self {
        self.max_body_size = bytes.into();
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Sends through `transport` instead of the network. Retry, timeout and auth layers are
    /// still added on top.
    #[must_use]
    pub fn transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The standard stack for these settings: over the transport override (under a
    /// [`BodyLimitLayer`]), else over a new [`HyperTransport`] (TLS, connect timeout, maximum
    /// body size, user agent), with the retry policy and timeouts. Add `.auth(..)` and build.
    pub fn stack(&self) -> Result<HttpStackBuilder> {
        self.stack_with(|b| b)
    }

    /// [`stack`](Self::stack), letting the caller adjust the network transport (gzip, pool)
    /// before it is built. `tune` is not called when a transport override is set.
    pub fn stack_with(
        &self,
        tune: impl FnOnce(HyperTransportBuilder) -> HyperTransportBuilder,
    ) -> Result<HttpStackBuilder> {
        let base: SharedTransport = match (&self.transport, self.max_body_size) {
            (Some(t), None) => t.clone(),
            (Some(t), Some(max)) => Arc::new(BodyLimitLayer::new(t.clone(), max)),
            (None, _) => {
                let mut b = HyperTransport::builder()
                    .tls(self.tls.clone())
                    .connect_timeout(self.connect_timeout)
                    .max_body_size(self.max_body_size);
                if let Some(ua) = &self.user_agent {
                    b = b.user_agent(ua.clone());
                }
                Arc::new(tune(b).build()?)
            }
        };
        Ok(HttpStack::builder(base)
            .retry(self.retry.clone())
            .timeouts(self.timeouts))
    }
}

/// A size in a config file: `"256MiB"`, `"1GiB"`, `"10MB"`, or a number of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Size(u64);

impl Serialize for Size {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format_size(self.0).replace(' ', ""))
    }
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Bytes(u64),
            Text(String),
        }
        match Form::deserialize(d)? {
            Form::Bytes(n) => Ok(Size(n)),
            Form::Text(t) => parse_size(&t).map(Size).map_err(serde::de::Error::custom),
        }
    }
}

/// A duration in a config file: `"30s"`, `"2m"`, `"1h 30m"`, or a number of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dur(Duration);

impl Serialize for Dur {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(self.0).to_string())
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Seconds(u64),
            Text(String),
        }
        match Form::deserialize(d)? {
            Form::Seconds(s) => Ok(Dur(Duration::from_secs(s))),
            Form::Text(t) => humantime::parse_duration(t.trim()).map(Dur).map_err(|e| {
                serde::de::Error::custom(format!(
                    "`{t}` is not a duration ({e}); write e.g. \"30s\", \"2m\" or a number of seconds"
                ))
            }),
        }
    }
}

/// The file form of [`ConnectionSettings`]: kebab-case keys; an absent key keeps the default,
/// a zero timeout means no limit.
#[derive(Default, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct SettingsFile {
    url: String,
    ca_file: Option<PathBuf>,
    insecure: bool,
    request_timeout: Option<Dur>,
    connect_timeout: Option<Dur>,
    total_timeout: Option<Dur>,
    max_attempts: Option<u32>,
    max_body_size: Option<Size>,
    user_agent: Option<String>,
}

fn limit(d: Option<Dur>, default: Option<Duration>) -> Option<Duration> {
    match d {
        None => default,
        Some(Dur(d)) if d.is_zero() => None,
        Some(Dur(d)) => Some(d),
    }
}

impl From<SettingsFile> for ConnectionSettings {
    fn from(f: SettingsFile) -> Self {
        let d = ConnectionSettings::default();
        let mut tls = TlsOptions::builder().insecure(f.insecure);
        if let Some(ca) = f.ca_file {
            tls = tls.ca_file(ca);
        }
        ConnectionSettings {
            url: f.url,
            tls: tls.build(),
            timeouts: Timeouts {
                per_attempt: limit(f.request_timeout, d.timeouts.per_attempt),
                overall: limit(f.total_timeout, d.timeouts.overall),
            },
            connect_timeout: limit(f.connect_timeout, d.connect_timeout),
            retry: match f.max_attempts {
                Some(n) => RetryPolicy::builder().max_attempts(n).build(),
                None => d.retry,
            },
            max_body_size: match f.max_body_size {
                None => d.max_body_size,
                Some(Size(0)) => None,
                Some(Size(n)) => Some(n),
            },
            user_agent: f.user_agent,
            transport: None,
        }
    }
}

impl From<ConnectionSettings> for SettingsFile {
    fn from(s: ConnectionSettings) -> Self {
        let dur = |d: Option<Duration>| Some(Dur(d.unwrap_or_default()));
        SettingsFile {
            url: s.url,
            ca_file: s.tls.ca_file,
            insecure: s.tls.insecure,
            request_timeout: dur(s.timeouts.per_attempt),
            connect_timeout: dur(s.connect_timeout),
            total_timeout: dur(s.timeouts.overall),
            max_attempts: Some(s.retry.max_attempts()),
            max_body_size: Some(Size(s.max_body_size.unwrap_or(0))),
            user_agent: s.user_agent,
        }
    }
}

/// A vendor's connection config: the shared [`ConnectionSettings`] (flattened) plus the
/// vendor's own options, read from a config file with kebab-case keys.
///
/// `#[serde(flatten)]` cannot refuse unknown keys, so [`VendorConfig::from_value`] checks
/// them against [`VendorConfig::keys`], which are read off the config itself (every key a
/// default config serializes), never from a list kept by hand.
pub trait VendorConfig: Serialize + DeserializeOwned + Default {
    /// The vendor's name (`ovirt`, `cloudtower`, `zstack`, `veil`).
    const VENDOR: &'static str;

    /// The shared settings.
    fn connection(&self) -> &ConnectionSettings;

    /// The shared settings, to change.
    fn connection_mut(&mut self) -> &mut ConnectionSettings;

    /// Sets whichever of user, password and token is `Some`.
    fn set_login(&mut self, user: Option<String>, password: Option<Secret>, token: Option<Secret>);

    /// Every key this config reads.
    fn keys() -> BTreeSet<String> {
        keys_of(&Self::default())
    }

    /// Reads the config from a key/value object, refusing unknown keys (naming the nearest
    /// known one) and values of the wrong type (naming the key).
    fn from_value(value: serde_json::Value) -> Result<Self> {
        let config_err = |m: String| Error::new(ErrorKind::Config, m).with_vendor(Self::VENDOR);
        let serde_json::Value::Object(map) = value else {
            return Err(config_err(format!(
                "the {} config must be a table of keys",
                Self::VENDOR
            )));
        };
        check_keys(map.keys().map(String::as_str), &Self::keys())
            .map_err(|e| e.with_vendor(Self::VENDOR))?;
        serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| config_err(format!("invalid {} config: {e}", Self::VENDOR)))
    }
}

/// The keys `value` serializes to at the top level (nested tables are values, not keys).
pub fn keys_of<T: Serialize>(value: &T) -> BTreeSet<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => BTreeSet::new(),
    }
}

/// `Config` error for the first of `found` that is not in `known`, naming the nearest known
/// key when one is close.
pub fn check_keys<'a>(
    found: impl IntoIterator<Item = &'a str>,
    known: &BTreeSet<String>,
) -> Result<()> {
    for key in found {
        if known.contains(key) {
            continue;
        }
        let msg = match nearest_key(key, known.iter().map(String::as_str)) {
            Some(near) => format!("unknown key `{key}`; did you mean `{near}`?"),
            None => format!(
                "unknown key `{key}`; known keys: {}",
                known
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Error::new(ErrorKind::Config, msg));
    }
    Ok(())
}

/// The known key closest to `key` (edit distance, `_` read as `-`), if it is close enough to
/// be a likely typo.
pub fn nearest_key<'a>(key: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = key.to_ascii_lowercase().replace('_', "-");
    let scored: Vec<(&str, usize)> = known
        .into_iter()
        .map(|k| (k, edit_distance(&wanted, k)))
        .collect();
    let (best, dist) = scored.iter().copied().min_by_key(|&(_, d)| d)?;
    let allowed = (wanted.chars().count().max(best.chars().count()) / 3).max(2);
    if dist <= allowed {
        return Some(best);
    }
    // `timeout` or `timeout-secs` for `request-timeout`: a known key sharing a whole word.
    let words: Vec<&str> = wanted.split('-').filter(|w| w.len() >= 4).collect();
    scored
        .iter()
        .copied()
        .filter(|(k, _)| k.split('-').any(|w| words.contains(&w)))
        .min_by_key(|&(_, d)| d)
        .map(|(k, _)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_are_the_documented_ones() {
        let keys: Vec<String> = keys_of(&ConnectionSettings::default())
            .into_iter()
            .collect();
        assert_eq!(
            keys,
            [
                "ca-file",
                "connect-timeout",
                "insecure",
                "max-attempts",
                "max-body-size",
                "request-timeout",
                "total-timeout",
                "url",
                "user-agent"
            ]
        );
    }

    #[test]
    fn every_key_arrives_and_zero_means_no_limit() {
        let s: ConnectionSettings = serde_json::from_value(serde_json::json!({
            "url": "https://h", "ca-file": "/ca.pem", "insecure": true,
            "request-timeout": 7, "connect-timeout": "3s", "total-timeout": "0s",
            "max-attempts": 1, "user-agent": "me", "max-body-size": "2MiB"
        }))
        .unwrap();
        assert_eq!(s.url, "https://h");
        assert!(s.tls.insecure);
        assert_eq!(
            s.tls.ca_file.as_deref(),
            Some(std::path::Path::new("/ca.pem"))
        );
        assert_eq!(s.timeouts.per_attempt, Some(Duration::from_secs(7)));
        assert_eq!(s.timeouts.overall, None);
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(3)));
        assert_eq!(s.retry.max_attempts(), 1);
        assert_eq!(s.user_agent.as_deref(), Some("me"));
        assert_eq!(s.max_body_size, Some(2 << 20));
        let d: ConnectionSettings = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(d.timeouts, Timeouts::default());
        assert_eq!(
            d.connect_timeout,
            ConnectionSettings::default().connect_timeout
        );
    }

    #[test]
    fn max_body_size_defaults_reads_units_and_zero_means_none() {
        let read = |v: serde_json::Value| {
            serde_json::from_value::<ConnectionSettings>(serde_json::json!({ "max-body-size": v }))
                .map(|s| s.max_body_size)
        };
        let d: ConnectionSettings = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(d.max_body_size, Some(DEFAULT_MAX_BODY_SIZE));
        assert_eq!(read(serde_json::json!(1000)).unwrap(), Some(1000));
        assert_eq!(read(serde_json::json!("1 GiB")).unwrap(), Some(1 << 30));
        assert_eq!(read(serde_json::json!("0")).unwrap(), None);
        assert_eq!(read(serde_json::json!(0)).unwrap(), None);
        let e = read(serde_json::json!("huge")).unwrap_err();
        assert!(e.to_string().contains("256MiB"), "{e}");
        // Round trip through the file form.
        for s in [
            d.clone(),
            d.clone().max_body_size(None),
            d.max_body_size(1000),
        ] {
            let back: ConnectionSettings =
                serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
            assert_eq!(back.max_body_size, s.max_body_size);
        }
    }

    #[test]
    fn bad_duration_names_the_forms() {
        let e = serde_json::from_value::<ConnectionSettings>(
            serde_json::json!({"request-timeout": "soon"}),
        )
        .unwrap_err();
        assert!(e.to_string().contains("30s"), "{e}");
    }

    #[test]
    fn unknown_keys_name_the_nearest() {
        let known = keys_of(&ConnectionSettings::default());
        let e = check_keys(["url", "ca_file"], &known).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.message().contains("`ca_file`"), "{e}");
        assert!(e.message().contains("did you mean `ca-file`"), "{e}");
        let e = check_keys(["timeout"], &known).unwrap_err();
        assert!(
            e.message().contains("`request-timeout`") || e.message().contains("`total-timeout`"),
            "{e}"
        );
        let e = check_keys(["zzzzzzzzzz"], &known).unwrap_err();
        assert!(e.message().contains("known keys: ca-file"), "{e}");
        assert!(check_keys(["url", "insecure"], &known).is_ok());
    }

    #[test]
    fn debug_hides_url_credentials() {
        let s = ConnectionSettings::new("https://u:hunter2@h/api");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
