//! Small text helpers the vendor crates share: one-line error text from whatever body a server
//! or a proxy sent, and the redaction of secret-bearing fields in vendor extras.

use std::collections::BTreeMap;

use serde_json::Value;

/// How many characters of a body an error message keeps.
pub const ONE_LINE_MAX: usize = 200;

/// What replaces a redacted secret.
pub const REDACTED: &str = "***";

/// One line of readable text from an error body that is not the vendor's error envelope: the
/// `<title>` of an HTML page (an nginx 502, a `python3 -m http.server` 404), else its first line
/// with text in it (tags stripped); whitespace collapsed, cut at [`ONE_LINE_MAX`] characters
/// (with `…`). `None` when nothing readable is left.
pub fn one_line(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let picked = html_title(&text)
        .map(strip_tags)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| text.lines().map(strip_tags).find(|l| !l.trim().is_empty()))?;
    let collapsed = picked.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return None;
    }
    if collapsed.chars().count() > ONE_LINE_MAX {
        let cut: String = collapsed.chars().take(ONE_LINE_MAX).collect();
        Some(format!("{}…", cut.trim_end()))
    } else {
        Some(collapsed)
    }
}

/// A vendor's own error text on one line: every run of whitespace (newlines included) becomes
/// one space, so a message is one line whatever the server put in it; nothing is cut.
///
/// ```
/// assert_eq!(omnivirt_http::single_line(" Sig\nnature  has\texpired. "), "Sig nature has expired.");
/// ```
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text inside the first `<title>…</title>`, case-insensitive.
fn html_title(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    text.get(start..end)
}

/// `s` without anything between `<` and `>`.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// True when a field name holds a secret by the given rule: one of its words (split at `_`,
/// `-`, `.` and before each ASCII capital after a word's first letter: `vncToken` is `vnc`,
/// `Token`) is in `words`, ignoring ASCII case; e.g. `graphics_password` under `["password"]`.
///
/// One pass over the bytes, no allocation: this runs for every extra field of every object
/// listed (the iterator version was 6% of a 10,000-VM CloudTower listing).
///
/// ```
/// use omnivirt_http::is_secret_field;
///
/// assert!(is_secret_field("vncToken", &["token"]));
/// assert!(is_secret_field("graphics_password", &["password"]));
/// assert!(!is_secret_field("tokenizer", &["token"]));
/// ```
pub fn is_secret_field(name: &str, words: &[&str]) -> bool {
    let b = name.as_bytes();
    let is_word = |w: &[u8]| words.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(w));
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(c, b'_' | b'-' | b'.') {
            if is_word(&b[start..i]) {
                return true;
            }
            start = i + 1;
        } else if c.is_ascii_uppercase() && i > start {
            if is_word(&b[start..i]) {
                return true;
            }
            start = i;
        }
    }
    is_word(&b[start..])
}

/// Where each of `needles` first occurs in `text` (a byte offset), found in one pass over
/// `text`: the same answers as `needles.map(|n| text.find(n))` without a searcher per needle.
/// Meant for short texts and a few short needles, such as the operators of a query condition.
///
/// ```
/// use omnivirt_http::first_occurrences;
/// assert_eq!(
///     first_occurrences("a!=b=c", ["!=", "=", "<"]),
///     [Some(1), Some(2), None]
/// );
/// ```
pub fn first_occurrences<const N: usize>(text: &str, needles: [&str; N]) -> [Option<usize>; N] {
    let mut out = [None; N];
    let mut starts = [false; 256];
    for (k, n) in needles.iter().enumerate() {
        match n.as_bytes().first() {
            Some(&b) => starts[usize::from(b)] = true,
            None => out[k] = Some(0),
        }
    }
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if !starts[usize::from(b)] {
            continue;
        }
        for (k, n) in needles.iter().enumerate() {
            if out[k].is_none() && bytes[i..].starts_with(n.as_bytes()) {
                out[k] = Some(i);
            }
        }
    }
    out
}

/// Replaces, at any depth, every non-null value whose field name is a secret by `words` (see
/// [`is_secret_field`]) with [`REDACTED`].
pub fn redact_secrets(extra: &mut BTreeMap<String, Value>, words: &[&str]) {
    let rule = |name: &str| is_secret_field(name, words);
    for (k, v) in extra.iter_mut() {
        redact_entry(k, v, &rule, false);
    }
}

/// Replaces, at any depth inside `v`, every non-null value whose field name `is_secret`
/// accepts with [`REDACTED`].
pub fn redact_where(v: &mut Value, is_secret: &dyn Fn(&str) -> bool) {
    redact_walk(v, is_secret, false);
}

/// The one walk behind [`redact_where`] and [`redact_answer`]: secret fields at any depth and,
/// with `urls`, the `password=`/`token=` values inside strings.
fn redact_walk(v: &mut Value, is_secret: &dyn Fn(&str) -> bool, urls: bool) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m.iter_mut() {
                redact_entry(k, inner, is_secret, urls);
            }
        }
        Value::Array(items) => {
            for inner in items {
                redact_walk(inner, is_secret, urls);
            }
        }
        Value::String(s) if urls && (s.contains("password=") || s.contains("token=")) => {
            *s = redact_secret_params(s);
        }
        _ => {}
    }
}

fn redact_entry(name: &str, v: &mut Value, is_secret: &dyn Fn(&str) -> bool, urls: bool) {
    if !v.is_null() && is_secret(name) {
        *v = Value::String(REDACTED.to_owned());
    } else {
        redact_walk(v, is_secret, urls);
    }
}

/// The field-name words that mark a secret in an operation's answer (`omnivirt api call`):
/// narrower than a vendor's extras rule, so ordinary fields such as a label's `key` still show.
pub const ANSWER_SECRET_WORDS: &[&str] = &["password", "passwd", "ticket", "token", "secret"];

/// Makes an operation's answer safe to print: every field named by [`ANSWER_SECRET_WORDS`]
/// (see [`is_secret_field`]) becomes [`REDACTED`], and so do the `password=` and `token=`
/// values inside any string (console URLs carry them in their query).
///
/// ```
/// let mut v = serde_json::json!({
///     "vnc": {"raw_token": "t1", "host": "h"},
///     "url": "/c?host=h&password=p2&path=websockify?token=t3",
/// });
/// omnivirt_http::redact_answer(&mut v);
/// assert_eq!(v["vnc"]["raw_token"], "***");
/// assert_eq!(v["vnc"]["host"], "h");
/// assert_eq!(v["url"], "/c?host=h&password=***&path=websockify?token=***");
/// ```
pub fn redact_answer(v: &mut Value) {
    redact_walk(v, &|name| is_secret_field(name, ANSWER_SECRET_WORDS), true);
}

/// `...?host=h&password=p&path=websockify?token=t` -> `...?host=h&password=***&path=websockify?token=***`:
/// each value runs to the next `&` or the end.
fn redact_secret_params(s: &str) -> String {
    const PARAMS: [&str; 2] = ["password=", "token="];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((at, len)) = PARAMS
        .iter()
        .filter_map(|w| rest.find(w).map(|p| (p, w.len())))
        .min()
    {
        out.push_str(&rest[..at + len]);
        rest = &rest[at + len..];
        out.push_str(REDACTED);
        rest = &rest[rest.find('&').unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_502_is_its_title() {
        let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(one_line(body).as_deref(), Some("502 Bad Gateway"));
    }

    #[test]
    fn python_http_server_404_is_its_title() {
        let body = b"<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: 404</p>\n    </body>\n</html>\n";
        assert_eq!(one_line(body).as_deref(), Some("Error response"));
    }

    #[test]
    fn plain_text_first_line_collapsed_and_cut() {
        assert_eq!(
            one_line(b"\n\n  upstream   timed\tout \nsecond").as_deref(),
            Some("upstream timed out")
        );
        let long = "x ".repeat(500);
        let got = one_line(long.as_bytes()).unwrap();
        assert!(got.chars().count() <= ONE_LINE_MAX + 1, "{got}");
        assert!(!got.contains('\n'));
        assert_eq!(one_line(b"  \n\t"), None);
        assert_eq!(one_line(b""), None);
    }

    /// The rule as first written (split, then split at capitals), to hold the one-pass version
    /// to it.
    fn secret_by_splitting(name: &str, words: &[&str]) -> bool {
        name.split(['_', '-', '.'])
            .flat_map(|part| {
                let mut cuts: Vec<usize> = part
                    .char_indices()
                    .skip(1)
                    .filter(|(_, c)| c.is_ascii_uppercase())
                    .map(|(i, _)| i)
                    .collect();
                cuts.insert(0, 0);
                cuts.push(part.len());
                cuts.windows(2)
                    .map(|w| part[w[0]..w[1]].to_owned())
                    .collect::<Vec<_>>()
            })
            .any(|w| words.iter().any(|s| w.eq_ignore_ascii_case(s)))
    }

    #[test]
    fn the_one_pass_rule_is_the_split_rule() {
        let words = ["password", "token", "key", "secret"];
        let alphabet = [
            "_", "-", ".", "Key", "key", "KEY", "token", "Token", "x", "Pass", "word", "é", "K",
        ];
        let mut names = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |a| format!("{n}{a}")))
                .collect();
            names.extend(longer);
            names.dedup();
        }
        assert!(names.len() > 20_000);
        for n in &names {
            assert_eq!(
                is_secret_field(n, &words),
                secret_by_splitting(n, &words),
                "{n:?}"
            );
        }
    }

    #[test]
    fn secrets_by_word() {
        let words = ["password", "token"];
        assert!(is_secret_field("graphics_password", &words));
        assert!(is_secret_field("vncToken", &words));
        assert!(!is_secret_field("passwordless_x", &["pass"]));
        assert!(is_secret_field("consoleTicketValue", &["ticket"]));
        assert!(!is_secret_field("consoleTickets", &["ticket"]));
        assert!(is_secret_field("Token", &words));
        assert!(!is_secret_field("tokens_count", &words));
        let mut m = BTreeMap::new();
        m.insert("graphics_password".to_owned(), Value::from("hunter2"));
        m.insert(
            "nested".to_owned(),
            serde_json::json!({"console": {"token": "abc"}, "name": "n"}),
        );
        m.insert("password_set".to_owned(), Value::Null);
        redact_secrets(&mut m, &words);
        assert_eq!(m["graphics_password"], REDACTED);
        assert_eq!(m["nested"]["console"]["token"], REDACTED);
        assert_eq!(m["nested"]["name"], "n");
        assert!(m["password_set"].is_null());
    }

    #[test]
    fn first_occurrences_agree_with_find() {
        const NEEDLES: [&str; 7] = ["!=", "=", " is null", "é", "", "?=", "<"];
        for text in [
            "",
            "a",
            "name=a!=b",
            "uuid?=x,y",
            "hostUuid is null",
            "é=é!=é",
            "==!=?=<<",
            "x is nul",
            "très long champ sans opérateur",
        ] {
            let want = NEEDLES.map(|n| text.find(n));
            assert_eq!(first_occurrences(text, NEEDLES), want, "{text:?}");
        }
    }
}
