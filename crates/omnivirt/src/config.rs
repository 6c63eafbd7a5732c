//! Contexts, like kubeconfig: named connections in one TOML file, one of them current.
//!
//! ```toml
//! current-context = "lab"
//!
//! [contexts.lab]
//! vendor = "ovirt"
//! url = "https://engine.example.com/ovirt-engine/api"
//! user = "admin@internal"
//! password-env = "OVIRT_PASSWORD"
//! ca-file = "/etc/pki/ovirt-engine/ca.pem"
//!
//! [contexts.tower]
//! vendor = "cloudtower"
//! url = "https://tower.example.com/v2/api"
//! user = "admin"
//! password-file = "~/.config/omnivirt/tower.secret"
//! ```
//!
//! Secrets are never stored inline: a context names where they come from (`password-env`,
//! `token-env`, `password-file`, `token-file`), and a context that carries an inline `password` or
//! `token` is refused with a clear error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use omnivirt_core::{Error, ErrorKind, Result};
use omnivirt_http::{Secret, VendorConfig, check_keys, keys_of};
use serde::{Deserialize, Serialize};

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "OMNIVIRT_CONFIG";
/// Environment variable naming the context to use instead of the file's current one.
pub const CONTEXT_ENV: &str = "OMNIVIRT_CONTEXT";

/// A virtualization platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Vendor {
    /// oVirt / Red Hat Virtualization (XML REST).
    Ovirt,
    /// SmartX CloudTower (GraphQL-style JSON).
    #[serde(rename = "cloudtower")]
    CloudTower,
    /// ZStack (REST v1 actions).
    Zstack,
    /// VeiL ECP (JSON REST, JWT).
    Veil,
    /// The embedded neutral simulator, in process.
    Sim,
}

impl Vendor {
    /// Every vendor, in the order the CLI lists them.
    pub const ALL: &'static [Vendor] = &[
        Vendor::Ovirt,
        Vendor::CloudTower,
        Vendor::Zstack,
        Vendor::Veil,
        Vendor::Sim,
    ];

    /// The lowercase name (`ovirt`, `cloudtower`, `zstack`, `veil`, `sim`).
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Ovirt => "ovirt",
            Vendor::CloudTower => "cloudtower",
            Vendor::Zstack => "zstack",
            Vendor::Veil => "veil",
            Vendor::Sim => "sim",
        }
    }

    /// True if this build of omnivirt has the vendor's adapter.
    pub fn is_compiled_in(self) -> bool {
        match self {
            Vendor::Ovirt => cfg!(feature = "ovirt"),
            Vendor::CloudTower => cfg!(feature = "cloudtower"),
            Vendor::Zstack => cfg!(feature = "zstack"),
            Vendor::Veil => cfg!(feature = "veil"),
            Vendor::Sim => cfg!(feature = "sim"),
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Vendor {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ovirt" | "rhv" | "rhev" => Ok(Vendor::Ovirt),
            "cloudtower" | "smartx" => Ok(Vendor::CloudTower),
            "zstack" => Ok(Vendor::Zstack),
            "veil" | "veil-ecp" => Ok(Vendor::Veil),
            "sim" => Ok(Vendor::Sim),
            other => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "unknown vendor `{other}`; expected one of: ovirt, cloudtower, zstack, veil, sim"
                ),
            )),
        }
    }
}

/// One named connection: the vendor, where its secrets come from, and the vendor's own config
/// keys (`url`, `user`, `ca-file`, `request-timeout`, `follow-jobs`, ...), which deserialize
/// straight into the vendor's config ([`Context::vendor_config`]), so every option of every
/// vendor config can be set from a context. Keys are kebab-case; an unknown key is an error
/// naming the nearest known one.
///
/// ```
/// use omnivirt::{Context, Vendor};
///
/// let ctx = Context::new(Vendor::Ovirt, "https://engine/ovirt-engine/api")
///     .user("admin@internal")
///     .password_env("OVIRT_PASSWORD");
/// assert_eq!(ctx.vendor, Vendor::Ovirt);
/// assert_eq!(ctx.url(), "https://engine/ovirt-engine/api");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Context {
    /// The platform.
    pub vendor: Vendor,
    /// Where the password or token comes from.
    #[serde(flatten)]
    pub secrets: SecretSources,
    /// Every other key: the vendor's config (`url`, `user`, `ca-file`, ...).
    #[serde(flatten)]
    pub settings: toml::Table,
}

/// Where a context's secrets come from; secrets themselves are never stored in a context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct SecretSources {
    /// Environment variable holding the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// File holding the password (first line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
    /// Environment variable holding a ready token (instead of a password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// File holding a ready token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
}

impl SecretSources {
    /// The keys these sources are written with (`password-env`, ...).
    pub fn keys() -> BTreeSet<String> {
        // A struct literal names every field, so a new field cannot be left out here.
        keys_of(&SecretSources {
            password_env: Some(String::new()),
            password_file: Some(PathBuf::new()),
            token_env: Some(String::new()),
            token_file: Some(PathBuf::new()),
        })
    }
}

/// Credentials resolved from a context's secret sources.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// User name.
    pub user: Option<String>,
    /// Password.
    pub password: Option<Secret>,
    /// Token.
    pub token: Option<Secret>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &self.password)
            .field("token", &self.token)
            .finish()
    }
}

impl Credentials {
    /// User and password.
    pub fn password(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials {
            user: Some(user.into()),
            password: Some(password.into()),
            token: None,
        }
    }
}

/// The keys a context of `vendor` may hold: `vendor`, the secret sources and the vendor
/// config's keys without the inline secrets. `None` when the vendor is not compiled in.
pub fn context_keys(vendor: Vendor) -> Option<BTreeSet<String>> {
    let mut keys = crate::connect::vendor_keys(vendor)?;
    keys.remove("password");
    keys.remove("token");
    keys.extend(SecretSources::keys());
    keys.extend(keys_of(&VendorKey { vendor }));
    Some(keys)
}

/// The one key of a context outside the secret sources and the vendor's config.
#[derive(Serialize)]
struct VendorKey {
    vendor: Vendor,
}

impl Context {
    /// A context for `vendor` at `url`, with no credentials yet.
    pub fn new(vendor: Vendor, url: impl Into<String>) -> Self {
        Context {
            vendor,
            secrets: SecretSources::default(),
            settings: toml::Table::new(),
        }
        .set("url", url.into())
    }

    /// Sets one of the vendor's config keys (`follow-jobs`, `peers`, `request-timeout`, ...).
    pub fn set(mut self, key: &str, value: impl Into<toml::Value>) -> Self {
        self.settings.insert(key.to_owned(), value.into());
        self
    }

    /// Sets the user.
    pub fn user(self, user: impl Into<String>) -> Self {
        self.set("user", user.into())
    }

    /// Reads the password from this environment variable.
    pub fn password_env(mut self, var: impl Into<String>) -> Self {
        self.secrets.password_env = Some(var.into());
        self
    }

    /// Reads the password from this file.
    pub fn password_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.secrets.password_file = Some(path.into());
        self
    }

    /// Reads a token from this environment variable.
    pub fn token_env(mut self, var: impl Into<String>) -> Self {
        self.secrets.token_env = Some(var.into());
        self
    }

    /// Reads a token from this file.
    pub fn token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.secrets.token_file = Some(path.into());
        self
    }

    /// Trusts this CA bundle.
    pub fn ca_file(self, path: impl Into<PathBuf>) -> Self {
        let path: PathBuf = path.into();
        self.set("ca-file", path.to_string_lossy().into_owned())
    }

    /// Skips TLS verification.
    pub fn insecure(self, yes: bool) -> Self {
        self.set("insecure", yes)
    }

    /// Per-request timeout (the `request-timeout` key).
    pub fn request_timeout(self, d: Duration) -> Self {
        self.set("request-timeout", humantime_like(d))
    }

    /// Sets the login source (CloudTower `LOCAL`/`LDAP`/...).
    pub fn source(self, source: impl Into<String>) -> Self {
        self.set("source", source.into())
    }

    /// The URL (`""` when none is set).
    pub fn url(&self) -> &str {
        self.settings
            .get("url")
            .and_then(toml::Value::as_str)
            .unwrap_or("")
    }

    /// True if the context turns TLS verification off.
    pub fn is_insecure(&self) -> bool {
        self.settings
            .get("insecure")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    }

    /// The user, if set.
    pub fn user_name(&self) -> Option<&str> {
        self.settings.get("user").and_then(toml::Value::as_str)
    }

    /// Checks the context without reading any secret: no inline secret, a URL, known keys
    /// of the right types.
    pub fn validate(&self) -> Result<()> {
        if self.settings.contains_key("password") || self.settings.contains_key("token") {
            return Err(Error::new(
                ErrorKind::Config,
                "secrets are never stored inline in a context; use password-env, password-file, \
                 token-env or token-file",
            ));
        }
        if let Some(known) = context_keys(self.vendor) {
            check_keys(self.settings.keys().map(String::as_str), &known)?;
        }
        if self.vendor != Vendor::Sim {
            let url = match self.settings.get("url") {
                None => "",
                Some(toml::Value::String(s)) => s.as_str(),
                Some(_) => {
                    return Err(Error::new(ErrorKind::Config, "`url` must be a string"));
                }
            };
            if url.trim().is_empty() {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("the {} context has no url", self.vendor),
                ));
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("url `{url}` must start with http:// or https://"),
                ));
            }
        }
        crate::connect::check_settings(self.vendor, self.settings_value()?)
    }

    fn settings_value(&self) -> Result<serde_json::Value> {
        serde_json::to_value(&self.settings).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot read the context's keys: {e}"),
            )
        })
    }

    /// Reads the secrets this context points at.
    pub fn credentials(&self) -> Result<Credentials> {
        self.validate()?;
        let s = &self.secrets;
        let password = read_secret(s.password_env.as_deref(), s.password_file.as_deref())?;
        let token = read_secret(s.token_env.as_deref(), s.token_file.as_deref())?;
        Ok(Credentials {
            user: self.user_name().map(str::to_owned),
            password,
            token,
        })
    }

    /// The vendor's own config (`OvirtConfig`, `CloudTowerConfig`, ...) with this context's
    /// keys and secrets.
    ///
    /// ```
    /// # #[cfg(feature = "ovirt")] {
    /// use omnivirt::{Context, Vendor};
    /// use omnivirt::ovirt::OvirtConfig;
    ///
    /// let ctx = Context::new(Vendor::Ovirt, "https://engine/ovirt-engine/api").set("follow-jobs", false);
    /// let cfg: OvirtConfig = ctx.vendor_config().unwrap();
    /// assert_eq!(cfg.follow_jobs, Some(false));
    /// # }
    /// ```
    pub fn vendor_config<C: VendorConfig>(&self) -> Result<C> {
        let creds = self.credentials()?;
        self.vendor_config_with(creds)
    }

    /// [`vendor_config`](Self::vendor_config) with credentials the caller already has.
    pub fn vendor_config_with<C: VendorConfig>(&self, creds: Credentials) -> Result<C> {
        self.validate()?;
        if C::VENDOR != self.vendor.as_str() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the context is for {}, not {}", self.vendor, C::VENDOR),
            ));
        }
        let mut cfg = C::from_value(self.settings_value()?)?;
        cfg.set_login(creds.user, creds.password, creds.token);
        Ok(cfg)
    }
}

/// `90s` -> `"1m 30s"`: the form a context file holds durations in.
fn humantime_like(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_nanos() != 0 || secs == 0 {
        return format!("{}ms", d.as_millis());
    }
    format!("{secs}s")
}

fn read_secret(env: Option<&str>, file: Option<&Path>) -> Result<Option<Secret>> {
    if let Some(var) = env {
        return match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(Secret::new(v))),
            _ => Err(Error::new(
                ErrorKind::Config,
                format!("environment variable {var} is not set or empty"),
            )),
        };
    }
    if let Some(path) = file {
        let path = expand_home(path);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot read secret file {}: {e}", path.display()),
            )
        })?;
        let first = text.lines().next().unwrap_or("").trim().to_owned();
        if first.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("secret file {} is empty", path.display()),
            ));
        }
        return Ok(Some(Secret::new(first)));
    }
    Ok(None)
}

fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

/// The config file: named contexts and the current one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Config {
    /// Name of the context used when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    /// Contexts by name.
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

impl Config {
    /// The config file path: `$OMNIVIRT_CONFIG`, else `$XDG_CONFIG_HOME/omnivirt/config.toml`,
    /// else `~/.config/omnivirt/config.toml`.
    pub fn default_path() -> Result<PathBuf> {
        Ok(Self::locate(None)?.0)
    }

    /// The config file to use and whether the user named it: `explicit` (a `--config` flag)
    /// if given, else `$OMNIVIRT_CONFIG` (both named), else the XDG or home default.
    pub fn locate(explicit: Option<&Path>) -> Result<(PathBuf, bool)> {
        if let Some(p) = explicit {
            return Ok((p.to_path_buf(), true));
        }
        if let Some(p) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
            return Ok((PathBuf::from(p), true));
        }
        if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
            return Ok((
                PathBuf::from(dir).join("omnivirt").join("config.toml"),
                false,
            ));
        }
        match std::env::var_os("HOME") {
            Some(home) => Ok((
                PathBuf::from(home)
                    .join(".config")
                    .join("omnivirt")
                    .join("config.toml"),
                false,
            )),
            None => Err(Error::new(
                ErrorKind::Config,
                format!("cannot find the config file: set {CONFIG_ENV} or HOME"),
            )),
        }
    }

    /// Loads the config file [`Config::locate`] finds: a missing default file is an empty
    /// config, a missing file the user named (`explicit`, `$OMNIVIRT_CONFIG`) is an error.
    pub fn load_located(explicit: Option<&Path>) -> Result<Self> {
        let (path, named) = Self::locate(explicit)?;
        if named && !path.exists() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the config file {} does not exist", path.display()),
            ));
        }
        Self::load_from(&path)
    }

    /// Loads the default config file ([`Config::load_located`] without a flag).
    pub fn load() -> Result<Self> {
        Self::load_located(None)
    }

    /// Loads `path`; a missing file is an empty config.
    pub fn load_from(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("{}: {}", path.display(), e.message()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::new(
                ErrorKind::Config,
                format!("cannot read {}: {e}", path.display()),
            )),
        }
    }

    /// Parses TOML text and validates every context.
    pub fn parse(text: &str) -> Result<Self> {
        let cfg: Config = toml::from_str(text)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid config: {e}")))?;
        for (name, ctx) in &cfg.contexts {
            ctx.validate().map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("context `{name}`: {}", e.message()),
                )
            })?;
        }
        Ok(cfg)
    }

    /// Writes the config to `path` (creating parent folders).
    pub fn save_to(&self, path: &Path) -> Result<()> {
        let text = toml::to_string_pretty(self)
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot encode config: {e}")))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("cannot create {}: {e}", dir.display()),
                )
            })?;
        }
        std::fs::write(path, text).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot write {}: {e}", path.display()),
            )
        })
    }

    /// Makes `name` the current context of the file at `path`, editing the file in place:
    /// only `current-context` changes; comments, order and every other byte are kept.
    pub fn set_current_context_in(path: &Path, name: &str) -> Result<()> {
        let mut doc = read_document(path, false)?;
        let config = Self::parse(&doc.to_string()).map_err(|e| in_file(path, &e))?;
        config.context(Some(name))?;
        match doc
            .get_mut("current-context")
            .and_then(toml_edit::Item::as_value_mut)
        {
            // Keep the comment and spacing around the old value.
            Some(v) => {
                let decor = v.decor().clone();
                *v = name.into();
                *v.decor_mut() = decor;
            }
            None => doc["current-context"] = toml_edit::value(name),
        }
        write_document(path, &doc)
    }

    /// Adds `ctx` as `[contexts.NAME]` to the file at `path` (created if missing), keeping the
    /// rest of the file as written. An existing context of that name is replaced only with
    /// `force`.
    pub fn add_context_to(path: &Path, name: &str, ctx: &Context, force: bool) -> Result<()> {
        ctx.validate()?;
        let mut doc = read_document(path, true)?;
        Self::parse(&doc.to_string()).map_err(|e| in_file(path, &e))?;
        let text = toml::to_string(ctx)
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot encode context: {e}")))?;
        let mut table = text
            .parse::<toml_edit::DocumentMut>()
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot encode context: {e}")))?
            .as_table()
            .clone();
        let contexts = doc
            .entry("contexts")
            .or_insert_with(|| {
                let mut t = toml_edit::Table::new();
                t.set_implicit(true);
                toml_edit::Item::Table(t)
            })
            .as_table_mut()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!("{}: `contexts` is not a table", path.display()),
                )
            })?;
        if contexts.contains_key(name) && !force {
            return Err(Error::new(
                ErrorKind::Config,
                format!("context `{name}` already exists; pass --force to replace it"),
            ));
        }
        table.set_position(None);
        *table.decor_mut() = toml_edit::Decor::default();
        if let Some(old) = contexts.get(name).and_then(toml_edit::Item::as_table) {
            // A replaced context keeps its place and the comments above it.
            table.set_position(old.position());
            *table.decor_mut() = old.decor().clone();
        }
        contexts.insert(name, toml_edit::Item::Table(table));
        write_document(path, &doc)
    }

    /// The context to use: `name` if given, else `$OMNIVIRT_CONTEXT`, else the current one.
    pub fn context(&self, name: Option<&str>) -> Result<(String, &Context)> {
        let env = std::env::var(CONTEXT_ENV).ok().filter(|s| !s.is_empty());
        let wanted = name
            .map(str::to_owned)
            .or(env)
            .or_else(|| self.current_context.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "no context selected: pass --context, set OMNIVIRT_CONTEXT, or run \
                     `omnivirt context use NAME`",
                )
            })?;
        match self.contexts.get(&wanted) {
            Some(ctx) => Ok((wanted, ctx)),
            None => {
                let known: Vec<&str> = self.contexts.keys().map(String::as_str).collect();
                Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "no context named `{wanted}` (known: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ))
            }
        }
    }
}

fn in_file(path: &Path, e: &Error) -> Error {
    Error::new(
        ErrorKind::Config,
        format!("{}: {}", path.display(), e.message()),
    )
}

/// The file at `path` as an editable document; a missing file is an empty one when
/// `missing_ok`, else an error.
fn read_document(path: &Path, missing_ok: bool) -> Result<toml_edit::DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && missing_ok => String::new(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the config file {} does not exist", path.display()),
            ));
        }
        Err(e) => {
            return Err(Error::new(
                ErrorKind::Config,
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("{}: invalid config: {e}", path.display()),
        )
    })
}

fn write_document(path: &Path, doc: &toml_edit::DocumentMut) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
    }
    std::fs::write(path, doc.to_string()).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
current-context = "lab"

[contexts.lab]
vendor = "ovirt"
url = "https://engine/ovirt-engine/api"
user = "admin@internal"
password-env = "OMNIVIRT_TEST_PW_UNSET_12345"

[contexts.tower]
vendor = "cloudtower"
url = "https://tower/v2/api"
token-env = "OMNIVIRT_TEST_TOKEN"
insecure = true
"#;

    #[test]
    fn parses_contexts_and_picks_current() {
        let cfg = Config::parse(SAMPLE).unwrap();
        let (name, ctx) = cfg.context(None).unwrap();
        assert_eq!(name, "lab");
        assert_eq!(ctx.vendor, Vendor::Ovirt);
        let (_, tower) = cfg.context(Some("tower")).unwrap();
        assert!(tower.is_insecure());
        assert_eq!(tower.vendor, Vendor::CloudTower);
        let err = cfg.context(Some("nope")).unwrap_err();
        assert!(err.to_string().contains("known: lab, tower"), "{err}");
    }

    #[test]
    fn inline_secrets_are_refused() {
        let text =
            "[contexts.x]\nvendor = \"ovirt\"\nurl = \"https://e/api\"\npassword = \"hunter2\"\n";
        let err = Config::parse(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("never stored inline"), "{err}");
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn missing_env_secret_names_the_variable() {
        let cfg = Config::parse(SAMPLE).unwrap();
        let (_, ctx) = cfg.context(Some("lab")).unwrap();
        let err = ctx.credentials().unwrap_err();
        assert!(
            err.to_string().contains("OMNIVIRT_TEST_PW_UNSET_12345"),
            "{err}"
        );
    }

    #[test]
    fn secret_file_is_read_and_never_printed() {
        let dir = std::env::temp_dir().join(format!("omnivirt-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        let ctx = Context::new(Vendor::Ovirt, "https://e/api")
            .user("u")
            .password_file(&f);
        let creds = ctx.credentials().unwrap();
        assert_eq!(creds.password.as_ref().unwrap().expose(), "s3cret");
        assert!(!format!("{creds:?}").contains("s3cret"));
    }

    #[test]
    fn round_trips_through_save() {
        let cfg = Config::parse(SAMPLE).unwrap();
        let dir = std::env::temp_dir().join(format!("omnivirt-cfg-rt-{}", std::process::id()));
        let path = dir.join("config.toml");
        cfg.save_to(&path).unwrap();
        let back = Config::load_from(&path).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn bad_url_and_vendor_are_clear() {
        let err =
            Config::parse("[contexts.x]\nvendor = \"ovirt\"\nurl = \"engine\"\n").unwrap_err();
        assert!(err.to_string().contains("http://"), "{err}");
        let err = "vmware".parse::<Vendor>().unwrap_err();
        assert!(err.to_string().contains("ovirt, cloudtower"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_naming_the_nearest_known_key() {
        for (bad, near) in [
            ("ca_file = \"/ca.pem\"", "ca-file"),
            ("timeout_secs = 30", "-timeout"),
            ("password_env = \"PW\"", "password-env"),
            ("folow-jobs = false", "follow-jobs"),
        ] {
            let text =
                format!("[contexts.x]\nvendor = \"ovirt\"\nurl = \"https://e/api\"\n{bad}\n");
            let err = Config::parse(&text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            let key = bad.split(' ').next().unwrap();
            assert!(err.to_string().contains(&format!("`{key}`")), "{err}");
            assert!(err.to_string().contains("did you mean `"), "{err}");
            assert!(err.to_string().contains(&format!("{near}`?")), "{err}");
            assert!(err.to_string().contains("context `x`"), "{err}");
        }
        let err = Config::parse(
            "[contexts.x]\nvendor = \"zstack\"\nurl = \"http://mn:8080\"\nbogus-key = 1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown key `bogus-key`"), "{err}");
        // A vendor's own option is known only to that vendor.
        let err = Config::parse(
            "[contexts.x]\nvendor = \"zstack\"\nurl = \"http://mn:8080\"\nfollow-jobs = true\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("unknown key `follow-jobs`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_value_types_name_the_key() {
        let err =
            Config::parse("[contexts.x]\nvendor = \"veil\"\nurl = \"https://v\"\nldap = \"yes\"\n")
                .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("invalid veil config"), "{err}");
    }

    #[test]
    fn use_edits_only_current_context_in_place() {
        let dir = std::env::temp_dir().join(format!("omnivirt-cfg-use-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        let text = "# my contexts\ncurrent-context = \"lab\" # the usual one\n\n\
                    [contexts.tower] # second\nvendor = \"cloudtower\"\nurl = \"https://tower\"\n\n\
                    [contexts.lab]\nvendor = \"sim\"\n";
        std::fs::write(&path, text).unwrap();
        Config::set_current_context_in(&path, "tower").unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(after, text.replace("\"lab\" #", "\"tower\" #"));
        // A file without the key gets it at the top, before the tables.
        std::fs::write(&path, "[contexts.lab] # x\nvendor = \"sim\"\n").unwrap();
        Config::set_current_context_in(&path, "lab").unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after,
            "current-context = \"lab\"\n[contexts.lab] # x\nvendor = \"sim\"\n"
        );
        assert!(Config::set_current_context_in(&path, "nope").is_err());
    }

    #[test]
    fn add_writes_a_context_and_refuses_to_overwrite_without_force() {
        let dir = std::env::temp_dir().join(format!("omnivirt-cfg-add-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("config.toml");
        let ctx = Context::new(Vendor::Ovirt, "https://e/ovirt-engine/api")
            .user("admin@internal")
            .password_env("OVIRT_PW")
            .ca_file("/ca.pem");
        Config::add_context_to(&path, "lab", &ctx, false).unwrap();
        let back = Config::load_from(&path).unwrap();
        assert_eq!(back.contexts["lab"], ctx);
        std::fs::write(
            &path,
            format!("# keep me\n{}", std::fs::read_to_string(&path).unwrap()),
        )
        .unwrap();
        let err = Config::add_context_to(&path, "lab", &ctx, false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        let other = Context::new(Vendor::Zstack, "http://mn:8080").user("admin");
        Config::add_context_to(&path, "lab", &other, true).unwrap();
        Config::add_context_to(&path, "zs", &other, false).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with("# keep me\n"), "{after}");
        let back = Config::load_from(&path).unwrap();
        assert_eq!(back.contexts["lab"].vendor, Vendor::Zstack);
        assert_eq!(back.contexts.len(), 2);
    }

    #[test]
    fn a_named_config_file_must_exist_but_the_default_may_not() {
        let missing = Path::new("/nonexistent/omnivirt-test/config.toml");
        let err = Config::load_located(Some(missing)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert_eq!(Config::load_from(missing).unwrap(), Config::default());
    }
}
