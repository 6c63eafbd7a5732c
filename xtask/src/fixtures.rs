//! `cargo xtask fixtures audit|check [DIR]`: keep committed cassettes free of secrets and
//! well-formed.
//!
//! - `audit [DIR]` (default `fixtures/`) fails, listing `file:line: kind`, on anything in a
//!   text file that looks like a credential: JWTs, `Bearer`/`OAuth`/`jwt`/`Basic` header
//!   values, JSON password/token/session fields whose value is not `"***"` or empty,
//!   session-id-looking values under session-ish keys, secret query/form parameters and
//!   secret XML elements. Values are never printed, only where they are and what they look
//!   like. It passes on cassettes written by omnivirt-replay's scrubber (the rules mirror
//!   each other; the audit is the independent check).
//! - `check [DIR]` (default `fixtures/`) fails unless every `*.json` cassette parses with
//!   the current format and has complete provenance.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

const USAGE: &str = "usage: cargo xtask fixtures <audit|check> [DIR]

  audit [DIR]   fail on secret-looking values in DIR (default fixtures/)
  check [DIR]   fail unless every *.json cassette in DIR parses and has provenance";

/// Runs `fixtures <sub-command> [DIR]`; `args` are the words after `fixtures`.
pub fn run(args: &[String]) -> Result<(), String> {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => return Err(format!("missing fixtures sub-command\n\n{USAGE}")),
    };
    if rest.len() > 1 {
        return Err(format!(
            "too many arguments for `fixtures {cmd}`: {}\n\n{USAGE}",
            rest.join(" ")
        ));
    }
    let explicit = rest.first().map(PathBuf::from);
    match cmd {
        "audit" => {
            let Some(dir) = resolve_dir(explicit)? else {
                println!("fixtures audit: no fixtures directory, nothing to audit");
                return Ok(());
            };
            let report = audit_dir(&dir)?;
            if report.findings.is_empty() {
                println!(
                    "fixtures audit: {} file(s) in {} clean",
                    report.files,
                    dir.display()
                );
                Ok(())
            } else {
                Err(report.to_string())
            }
        }
        "check" => {
            let Some(dir) = resolve_dir(explicit)? else {
                println!("fixtures check: no fixtures directory, nothing to check");
                return Ok(());
            };
            let (n, problems) = check_dir(&dir)?;
            if problems.is_empty() {
                println!(
                    "fixtures check: {n} cassette(s) in {} parse and have provenance",
                    dir.display()
                );
                Ok(())
            } else {
                Err(format!(
                    "{} of {n} cassette(s) in {} have problems:\n{}",
                    problems.len(),
                    dir.display(),
                    problems.join("\n")
                ))
            }
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown fixtures sub-command `{other}`\n\n{USAGE}")),
    }
}

/// An explicit directory must exist; the default (`<workspace>/fixtures`) may be absent.
fn resolve_dir(explicit: Option<PathBuf>) -> Result<Option<PathBuf>, String> {
    match explicit {
        Some(d) if d.is_dir() => Ok(Some(d)),
        Some(d) => Err(format!("{} is not a directory", d.display())),
        None => {
            let here = Path::new(env!("CARGO_MANIFEST_DIR"));
            let d = here.parent().unwrap_or(here).join("fixtures");
            Ok(d.is_dir().then_some(d))
        }
    }
}

/// All files under `dir`, sorted, skipping hidden entries.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", d.display()))?;
            let p = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// One secret-looking thing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: PathBuf,
    line: usize,
    kind: &'static str,
    /// What it is attached to (a key name), never the value.
    what: String,
}

#[derive(Debug, Default)]
struct AuditReport {
    files: usize,
    findings: Vec<Finding>,
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "fixtures audit: {} secret-looking value(s) in {} file(s) scanned (values not shown):",
            self.findings.len(),
            self.files
        )?;
        for x in &self.findings {
            write!(f, "  {}:{}: {}", x.file.display(), x.line, x.kind)?;
            if !x.what.is_empty() {
                write!(f, " ({})", x.what)?;
            }
            writeln!(f)?;
        }
        write!(
            f,
            "replace them with \"***\" (omnivirt-replay's Scrubber does this when recording)"
        )
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("constant regex {pattern}: {e}"))
}

static JWT: LazyLock<Regex> = LazyLock::new(|| re(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\."));
static AUTH_VALUE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(bearer|oauth|jwt|basic)\s+([A-Za-z0-9._~+/=-]{8,})"));
static XML_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)<(?:[a-z_][\w.-]*:)?(password|passwd|token|access_token|session_id|sessionid|secret|jwt|api_key|apikey)(?:\s[^<>]*)?>([^<]*)<",
    )
});
static PARAM_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:^|[?&\s"'])(password|passwd|token|access_token|session_id|sessionid|secret|jwt|api_key|apikey)=([^&\s"'\\#<>]*)"#,
    )
});

/// The scrubber's own notion of a secret key, so the audit and the scrubber never drift apart.
fn is_secret_key(key: &str) -> bool {
    static RULES: LazyLock<omnivirt_replay::Scrubber> =
        LazyLock::new(omnivirt_replay::Scrubber::default);
    RULES.is_secret_key(key)
}

fn looks_like_token(v: &str) -> bool {
    v.len() >= 16
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '.'))
}

/// Scrubbed, empty, or a documentation placeholder (`string` as OpenAPI samples write it,
/// `<password>`, `{{token}}`, `${TOKEN}`): none of these is a credential.
fn redacted(v: &str) -> bool {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v == "***"
        || matches!(lower.as_str(), "string" | "xxx" | "xxxx" | "changeme")
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("${") && v.ends_with('}'))
}

/// Scans one file's text.
fn audit_text(file: &Path, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |line: usize, kind: &'static str, what: String| {
        out.push(Finding {
            file: file.to_path_buf(),
            line,
            kind,
            what,
        });
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if JWT.is_match(line) {
            push(n, "jwt", String::new());
        }
        for c in AUTH_VALUE.captures_iter(line) {
            let token = &c[2];
            // "Bearer authentication" is prose; tokens have digits or are long.
            if token != "***" && (token.chars().any(|ch| ch.is_ascii_digit()) || token.len() >= 20)
            {
                push(n, "auth-header-value", c[1].to_string());
            }
        }
        for c in XML_SECRET.captures_iter(line) {
            if !redacted(&c[2]) {
                push(n, "xml-secret-element", c[1].to_string());
            }
        }
        for c in PARAM_SECRET.captures_iter(line) {
            if !redacted(&c[2]) {
                push(n, "query-or-form-secret", c[1].to_string());
            }
        }
    }
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        let mut hits = Vec::new();
        walk_json(&v, None, &mut hits);
        let lines: Vec<&str> = text.lines().collect();
        for (kind, key, value) in hits {
            let encoded = Value::String(value).to_string();
            let key_quoted = Value::String(key.clone()).to_string();
            let line = lines
                .iter()
                .position(|l| l.contains(&key_quoted) && l.contains(&encoded))
                .or_else(|| lines.iter().position(|l| l.contains(&encoded)))
                .map_or(1, |i| i + 1);
            push(line, kind, key);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Collects (kind, key, value-as-text) for secret-looking JSON fields and query pairs.
fn walk_json(v: &Value, parent_key: Option<&str>, hits: &mut Vec<(&'static str, String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match child {
                    Value::String(s) if is_secret_key(k) && !redacted(s) => {
                        hits.push(("json-secret-field", k.clone(), s.clone()));
                    }
                    Value::Number(num) if is_secret_key(k) => {
                        hits.push(("json-secret-field", k.clone(), num.to_string()));
                    }
                    Value::String(s)
                        if k.to_ascii_lowercase().contains("session")
                            && !redacted(s)
                            && looks_like_token(s) =>
                    {
                        hits.push(("session-id", k.clone(), s.clone()));
                    }
                    _ => walk_json(child, Some(k), hits),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                // Cassette queries are [name, value] pairs.
                let pair = match (parent_key, item.as_array().map(Vec::as_slice)) {
                    (Some("query"), Some([Value::String(k), Value::String(val)])) => Some((k, val)),
                    _ => None,
                };
                match pair {
                    Some((k, val)) if is_secret_key(k) && !redacted(val) => {
                        hits.push(("query-or-form-secret", k.clone(), val.clone()));
                    }
                    Some(_) => {}
                    None => walk_json(item, parent_key, hits),
                }
            }
        }
        _ => {}
    }
}

fn audit_dir(dir: &Path) -> Result<AuditReport, String> {
    let mut report = AuditReport::default();
    for file in files_under(dir)? {
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        // Binary files cannot be read for secrets line by line; cassettes are text.
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        report.files += 1;
        report.findings.extend(audit_text(&file, &text));
    }
    Ok(report)
}

/// A cassette is a `*.cassette.json` file, or a JSON file whose top level has
/// `interactions` (vendor samples and schemas kept beside cassettes are not cassettes).
fn is_cassette_file(file: &Path) -> bool {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.ends_with(".cassette.json") {
        return true;
    }
    if !name.ends_with(".json") {
        return false;
    }
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|v| v.get("interactions").is_some())
}

/// Parses every cassette under `dir`; returns the count and the problems.
fn check_dir(dir: &Path) -> Result<(usize, Vec<String>), String> {
    let mut n = 0;
    let mut problems = Vec::new();
    for file in files_under(dir)? {
        if !is_cassette_file(&file) {
            continue;
        }
        n += 1;
        match omnivirt_replay::Cassette::load(&file) {
            Err(e) => problems.push(format!("  {}: {}", file.display(), e.message())),
            Ok(c) => {
                let missing = c.provenance.missing();
                if !missing.is_empty() {
                    problems.push(format!(
                        "  {}: provenance lacks {}",
                        file.display(),
                        missing.join(", ")
                    ));
                }
                if c.vendor.trim().is_empty() {
                    problems.push(format!("  {}: vendor is empty", file.display()));
                }
                if c.interactions.is_empty() {
                    problems.push(format!("  {}: no interactions", file.display()));
                }
                for (i, it) in c.interactions.iter().enumerate() {
                    if !it.request.path.starts_with('/') {
                        problems.push(format!(
                            "  {}: interaction #{i}: path `{}` does not start with /",
                            file.display(),
                            it.request.path
                        ));
                    }
                    if !(100..=599).contains(&it.response.status) {
                        problems.push(format!(
                            "  {}: interaction #{i}: status {} is not an HTTP status",
                            file.display(),
                            it.response.status
                        ));
                    }
                }
            }
        }
    }
    Ok((n, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnivirt_replay::{
        Cassette, Interaction, Provenance, RecordedBody, RecordedRequest, RecordedResponse,
        Scrubber,
    };
    use serde_json::json;

    const JWT_SAMPLE: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZw";

    /// A cassette full of secrets, as a careless recording would hold them.
    fn leaky() -> Cassette {
        Cassette::new(
            "zstack",
            Provenance::recorded_now()
                .product("ZStack")
                .product_version("4.7"),
        )
        .interaction(Interaction::new(
            RecordedRequest::new("PUT", "/zstack/v1/accounts/login?token=abc123def")
                .header("Authorization", format!("Bearer {JWT_SAMPLE}"))
                .header("Cookie", "JSESSIONID=0123456789abcdef")
                .header("X-Auth-Token", "t0k3n-value-123")
                .body(RecordedBody::Json(json!({
                    "logInByAccount": {"accountName": "admin", "password": "c2f0a1b2c3"},
                    "deep": [{"nested": {"api_key": "k-1234567890"}}]
                }))),
            RecordedResponse::new(200).body(RecordedBody::Json(json!({
                "inventory": {
                    "current_session_ref": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                    "token": "plain-token-1",
                    "note": format!("use OAuth 8c1d2e3f4a5b6c7d or {JWT_SAMPLE}")
                }
            }))),
        ))
        .interaction(Interaction::new(
            RecordedRequest::new("POST", "/ovirt-engine/sso/oauth/token").body(RecordedBody::Text(
                "grant_type=password&username=admin%40internal&password=s3cr3t&scope=ovirt-app-api"
                    .into(),
            )),
            RecordedResponse::new(200).body(RecordedBody::Xml(
                "<auth>\n  <user>admin</user>\n  <token>abc-987</token>\n</auth>".into(),
            )),
        ))
    }

    fn write(dir: &Path, name: &str, c: &Cassette) {
        c.save(dir.join(name)).unwrap();
    }

    #[test]
    fn audit_catches_planted_secrets_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "zstack/leaky.json", &leaky());
        std::fs::write(
            dir.path().join("notes.txt"),
            format!("ok line\ncurl -H 'Authorization: Bearer 9f8e7d6c5b4a3' x\n{JWT_SAMPLE}\n"),
        )
        .unwrap();
        let report = audit_dir(dir.path()).unwrap();
        assert_eq!(report.files, 2);
        let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind).collect();
        for k in [
            "jwt",
            "auth-header-value",
            "json-secret-field",
            "session-id",
            "query-or-form-secret",
            "xml-secret-element",
        ] {
            assert!(kinds.contains(&k), "{k} not found in {report}");
        }
        let text = report.to_string();
        // The planted bearer token in notes.txt is on line 2, the JWT on line 3.
        assert!(text.contains("notes.txt:2: auth-header-value"), "{text}");
        assert!(text.contains("notes.txt:3: jwt"), "{text}");
        assert!(text.contains("leaky.json:"), "{text}");
        // Values are never echoed.
        for secret in [
            "c2f0a1b2c3",
            "s3cr3t",
            "abc-987",
            "9f8e7d6c5b4a3",
            "plain-token-1",
        ] {
            assert!(!text.contains(secret), "{secret} echoed in {text}");
        }
        let err = run(&["audit".into(), dir.path().display().to_string()]).unwrap_err();
        assert!(err.contains("secret-looking"), "{err}");
    }

    #[test]
    fn audit_passes_on_what_the_scrubber_writes() {
        let scrubber = Scrubber::new();
        let mut c = leaky();
        for it in &mut c.interactions {
            scrubber.scrub_request(&mut it.request);
            scrubber.scrub_response(&it.request.path.clone(), &mut it.response);
        }
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "zstack/clean.json", &c);
        let report = audit_dir(dir.path()).unwrap();
        assert!(report.findings.is_empty(), "{report}");
        run(&["audit".into(), dir.path().display().to_string()]).unwrap();
        run(&["check".into(), dir.path().display().to_string()]).unwrap();
    }

    #[test]
    fn prose_and_redacted_values_are_not_flagged() {
        let text = r#"{
  "message": "Bearer authentication failed; token expired",
  "password": "***",
  "token": "",
  "passwd": "string",
  "api_key": "<your API key>",
  "token_type": "Bearer",
  "sessionTimeout": "1800",
  "body": {"text": "grant_type=password&password=***"}
}"#;
        let findings = audit_text(Path::new("x.json"), text);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn check_requires_parse_and_provenance() {
        let dir = tempfile::tempdir().unwrap();
        let good = Cassette::new(
            "veil",
            Provenance::from_samples(["vendor/veil/tasks.json"])
                .product("VeiL ECP")
                .recorded_by("hand"),
        )
        .interaction(Interaction::new(
            RecordedRequest::new("GET", "/api/tasks/1/"),
            RecordedResponse::new(200),
        ));
        write(dir.path(), "veil/good.json", &good);
        let (n, problems) = check_dir(dir.path()).unwrap();
        assert_eq!((n, problems.len()), (1, 0), "{problems:?}");

        let mut bare = good.clone();
        bare.provenance = Provenance::default();
        write(dir.path(), "veil/bare.json", &bare);
        std::fs::write(dir.path().join("broken.cassette.json"), "{\"format\": 1").unwrap();
        // A vendor sample beside the cassettes is not a cassette.
        std::fs::write(dir.path().join("vm.sample.json"), "{\"name\": \"web\"}").unwrap();
        let err = run(&["check".into(), dir.path().display().to_string()]).unwrap_err();
        assert!(
            err.contains("bare.json: provenance lacks recorded_by, recorded_at, product"),
            "{err}"
        );
        assert!(err.contains("broken.cassette.json: cassette"), "{err}");
        assert!(err.contains("2 of 3"), "{err}");
    }

    #[test]
    fn argument_errors() {
        assert!(run(&[]).unwrap_err().contains("missing"));
        assert!(run(&["polish".into()]).unwrap_err().contains("unknown"));
        assert!(
            run(&["audit".into(), "/definitely/not/here".into()])
                .unwrap_err()
                .contains("not a directory")
        );
        assert!(
            run(&["check".into(), "a".into(), "b".into()])
                .unwrap_err()
                .contains("too many")
        );
    }
}
