//! One place that turns an engine answer into an [`omnivirt_core::Error`].

use omnivirt_core::{Error, ErrorKind, VendorDetail};

use crate::native::types::{Action, CreationStatus, Fault};
use crate::wire;

/// The vendor name used in errors, spans and the backend.
pub const VENDOR: &str = "ovirt";

/// Builds the error for a non-success answer to a request for `path` (relative to the API root,
/// `vms/123`, or an engine href): `status`, its `Content-Type` and body.
///
/// The body may be a `<fault>`, an `<action>` carrying a fault, an HTML page (401 from the SSO
/// filter), or empty (404 for a removed object); each becomes a typed error. The engine's 404
/// says nothing about what was missing, so the message names it from `path` (`VM 123 not
/// found`).
pub fn parse_error(status: u16, content_type: Option<&str>, body: &[u8], path: &str) -> Error {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let looks_xml = ct.contains("xml") || body.trim_ascii_start().starts_with(b"<");
    let is_html = ct.contains("html")
        || body
            .trim_ascii_start()
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"<html") || p.eq_ignore_ascii_case(b"<!doc"));
    let fault = if looks_xml && !is_html {
        wire::read_fault_doc(body)
    } else {
        None
    };
    if let Some(f) = fault {
        return fault_error(status, &f);
    }
    let text = String::from_utf8_lossy(body);
    let summary = if is_html {
        html_title(&text).unwrap_or_else(|| "an HTML error page".to_owned())
    } else {
        omnivirt_http::one_line(body).unwrap_or_default()
    };
    let kind = kind_for(status, &summary);
    let mut message = match kind {
        ErrorKind::Unauthenticated if text.contains("invalid_grant") => {
            "the engine rejected the SSO token (invalid_grant: expired or revoked)".to_owned()
        }
        ErrorKind::Unauthenticated => "the engine rejected the credentials".to_owned(),
        ErrorKind::NotFound => format!("{} not found", missing_object(path)),
        _ => format!("the engine answered HTTP {status}"),
    };
    if !summary.is_empty() && kind != ErrorKind::Unauthenticated {
        message.push_str(": ");
        message.push_str(&summary);
    }
    let mut detail = VendorDetail::new().status(status);
    if !summary.is_empty() && !is_html {
        detail = detail.message(summary);
    }
    with_retry(Error::new(kind, message), status)
        .with_vendor(VENDOR)
        .with_detail(detail)
}

/// What `path` points at, for a not-found message: the last `collection/id` pair, so
/// `vms/123/start` and `vms/123/diskattachments` both name `VM 123`.
fn missing_object(path: &str) -> String {
    let segs: Vec<&str> = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let pair = match segs.len() {
        0 => None,
        1 => return format!("`{}`", segs[0]),
        n if n % 2 == 0 => Some((segs[n - 2], segs[n - 1])),
        n => Some((segs[n - 3], segs[n - 2])),
    };
    match pair {
        Some((coll, id)) => format!("{} {id}", noun(coll)),
        None => "the API root".to_owned(),
    }
}

/// The reader's name of a member of collection `coll`.
fn noun(coll: &str) -> String {
    let known = match coll {
        "vms" => "VM",
        "hosts" => "host",
        "clusters" => "cluster",
        "datacenters" => "data center",
        "disks" => "disk",
        "diskattachments" => "disk attachment",
        "storagedomains" => "storage domain",
        "templates" => "template",
        "networks" => "network",
        "jobs" => "job",
        "events" => "event",
        "nics" => "NIC",
        "snapshots" => "snapshot",
        _ => return format!("`{coll}` member"),
    };
    known.to_owned()
}

/// The outcome an action's answer reports, whatever the HTTP status: its `<fault>` as an
/// error, a `failed` status as a backend error, else `Ok`.
pub(crate) fn action_outcome(status: u16, answer: &Action) -> Result<(), Error> {
    if let Some(f) = &answer.fault {
        return Err(fault_error(status, f));
    }
    if answer.creation_status() == Some(CreationStatus::Failed) {
        return Err(Error::new(
            ErrorKind::Backend,
            "the engine reported the action as failed",
        )
        .with_vendor(VENDOR));
    }
    Ok(())
}

/// The error for a `<fault>`, alone or inside an `<action>` (even on a 2xx status).
pub fn fault_error(status: u16, fault: &Fault) -> Error {
    let reason = fault.reason.as_deref().unwrap_or("").trim();
    let detail = fault.detail.as_deref().unwrap_or("").trim();
    let detail_clean = detail.trim_start_matches('[').trim_end_matches(']').trim();
    let kind = kind_for(status, detail_clean);
    let message = match (reason.is_empty(), detail_clean.is_empty()) {
        (false, false) => format!("{reason}: {detail_clean}"),
        (false, true) => reason.to_owned(),
        (true, false) => detail_clean.to_owned(),
        (true, true) => format!("the engine reported a fault (HTTP {status})"),
    };
    let mut vd = VendorDetail::new().status(status);
    if !reason.is_empty() {
        vd = vd.code(reason);
    }
    if !detail_clean.is_empty() {
        vd = vd.message(detail_clean);
    }
    with_retry(Error::new(kind, message), status)
        .with_vendor(VENDOR)
        .with_detail(vd)
}

fn with_retry(e: Error, status: u16) -> Error {
    match status {
        502..=504 => e.with_retryable(true),
        _ => e,
    }
}

/// The error kind for an HTTP status, refined by what the engine wrote.
fn kind_for(status: u16, text: &str) -> ErrorKind {
    let t = text.to_ascii_lowercase();
    let already = t.contains("already exists")
        || t.contains("already in use")
        || t.contains("name is already used");
    let busy = t.contains("is locked")
        || t.contains("in progress")
        || t.contains("status is illegal")
        || t.contains("vm is running")
        || t.contains("vm is not running")
        || t.contains("vm is down");
    match status {
        // A 2xx here means a fault inside an <action>: the command failed.
        200..=299 if busy => ErrorKind::InvalidState,
        200..=299 => ErrorKind::Backend,
        400 | 409 if already => ErrorKind::AlreadyExists,
        400 if busy => ErrorKind::InvalidState,
        400 | 422 => ErrorKind::InvalidInput,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::PermissionDenied,
        404 | 410 => ErrorKind::NotFound,
        409 => ErrorKind::InvalidState,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Backend,
    }
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut texts = Vec::new();
    for tag in ["title", "h1", "body"] {
        let open = format!("<{tag}");
        if let Some(i) = lower.find(&open) {
            let rest = &html[i..];
            let start = rest.find('>')? + 1;
            let end = rest[start..]
                .to_ascii_lowercase()
                .find(&format!("</{tag}"))
                .map_or(rest.len(), |e| start + e);
            let inner = strip_tags(&rest[start..end]);
            let inner = inner.split_whitespace().collect::<Vec<_>>().join(" ");
            if !inner.is_empty() && !texts.contains(&inner) {
                texts.push(inner);
            }
        }
    }
    let joined = texts.join(" - ");
    (!joined.is_empty()).then(|| joined.chars().take(200).collect())
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The error for a 2xx answer whose body is not XML: usually a wrong URL path.
pub(crate) fn not_xml(status: u16, content_type: Option<&str>, api_path: &str) -> Error {
    let ct = content_type.unwrap_or("none");
    let hint = if api_path
        .trim_end_matches('/')
        .ends_with("/ovirt-engine/api")
    {
        String::new()
    } else {
        format!(" (the URL path is `{api_path}`; is the path `/ovirt-engine/api` correct?)")
    };
    Error::new(
        ErrorKind::Protocol,
        format!("the server answered HTTP {status} with content type `{ct}`, not XML{hint}"),
    )
    .with_vendor(VENDOR)
    .with_detail(VendorDetail::new().status(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_are_one_line_with_the_status() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                     <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n";
        let e = parse_error(502, Some("text/html"), nginx.as_bytes(), "vms");
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 502: 502 Bad Gateway"), "{e}");
        // A proxy's plain-text page over several lines.
        let text = "Bad Gateway\n\n  The proxy server received\n an invalid response\n";
        let e = parse_error(502, Some("text/plain"), text.as_bytes(), "vms");
        assert!(!e.to_string().contains('\n'), "{e}");
        assert!(e.to_string().contains("HTTP 502: Bad Gateway"), "{e}");
        assert_eq!(e.detail().unwrap().http_status, Some(502));
    }

    #[test]
    fn error_table() {
        let fault = b"<fault><reason>Operation Failed</reason><detail>[Cannot run VM. VM is locked. Please try again in a few minutes.]</detail></fault>";
        let cases: &[(u16, Option<&str>, &[u8], ErrorKind)] = &[
            (409, Some("application/xml"), fault, ErrorKind::InvalidState),
            (400, Some("application/xml"), fault, ErrorKind::InvalidState),
            (
                400,
                Some("application/xml"),
                b"<fault><reason>Incomplete parameters</reason><detail>Vm [name] required for add</detail></fault>",
                ErrorKind::InvalidInput,
            ),
            (
                409,
                Some("application/xml"),
                b"<fault><reason>Operation Failed</reason><detail>[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]</detail></fault>",
                ErrorKind::AlreadyExists,
            ),
            (
                401,
                Some("text/html"),
                b"<html><head><title>Error</title></head><body>Unauthorized</body></html>",
                ErrorKind::Unauthenticated,
            ),
            (404, None, b"", ErrorKind::NotFound),
            (403, Some("application/xml"), b"<fault><reason>Forbidden</reason></fault>", ErrorKind::PermissionDenied),
            (500, Some("text/plain"), b"boom", ErrorKind::Backend),
            (200, Some("application/xml"), b"<action><fault><reason>myreason</reason><detail>mydetail</detail></fault></action>", ErrorKind::Backend),
            (429, None, b"", ErrorKind::RateLimited),
        ];
        for (status, ct, body, kind) in cases {
            let e = parse_error(*status, *ct, body, "vms/1");
            assert_eq!(
                e.kind(),
                *kind,
                "HTTP {status} {}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(e.vendor(), Some("ovirt"));
            assert_eq!(e.detail().and_then(|d| d.http_status), Some(*status));
        }
    }

    #[test]
    fn fault_message_has_reason_and_detail() {
        let e = parse_error(
            400,
            Some("application/xml"),
            b"<fault><reason>Incomplete parameters</reason><detail>Vm [name] required for add</detail></fault>",
            "vms",
        );
        assert_eq!(
            e.message(),
            "Incomplete parameters: Vm [name] required for add"
        );
        assert_eq!(
            e.detail().unwrap().code.as_deref(),
            Some("Incomplete parameters")
        );
    }

    #[test]
    fn html_401_is_summarised_not_dumped() {
        let e = parse_error(
            401,
            Some("text/html;charset=utf-8"),
            b"<html><head><title>Error</title></head><body>invalid_grant: token expired</body></html>",
            "vms",
        );
        assert_eq!(e.kind(), ErrorKind::Unauthenticated);
        assert!(e.message().contains("invalid_grant"), "{e}");
        assert!(!e.to_string().contains("<html"), "{e}");
    }

    #[test]
    fn gateway_errors_are_retryable() {
        assert!(parse_error(503, None, b"", "vms").is_retryable());
        assert!(!parse_error(500, None, b"", "vms").is_retryable());
    }

    #[test]
    fn not_found_names_what_was_missing() {
        let cases = [
            ("vms/123", "VM 123 not found"),
            ("vms/123/start", "VM 123 not found"),
            ("vms/123/diskattachments", "VM 123 not found"),
            ("vms/1/diskattachments/d2", "disk attachment d2 not found"),
            (
                "/ovirt-engine/api/storagedomains/s1",
                "storage domain s1 not found",
            ),
            ("vms/1?follow=nics", "VM 1 not found"),
            ("widgets/w", "`widgets` member w not found"),
            ("vms", "`vms` not found"),
        ];
        for (path, want) in cases {
            let e = parse_error(404, None, b"", path);
            assert_eq!(e.kind(), ErrorKind::NotFound);
            assert_eq!(e.message(), want, "{path}");
        }
    }

    #[test]
    fn not_xml_hints_at_the_path() {
        let e = not_xml(200, Some("text/html"), "/api");
        assert!(e.message().contains("/ovirt-engine/api"), "{e}");
        let e = not_xml(200, Some("text/html"), "/ovirt-engine/api");
        assert!(!e.message().contains("correct?"), "{e}");
    }
}
