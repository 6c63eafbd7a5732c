//! Unit tests of the backend's pure parts: search text, cursors, correlation ids, job book.

use super::*;

#[test]
fn vm_search_translation() {
    let q = ListQuery::new()
        .name_contains("web")
        .vm_state(VmState::Running);
    let s = vm_search(&q, 2);
    assert_eq!(s.text, "name=*web* and status=up sortby name asc page 2");
    assert!(!s.client_side);
    let q = ListQuery::new().name_equals("my vm").cluster("c1");
    let s = vm_search(&q, 1);
    assert_eq!(s.text, "name=\"my vm\" sortby name asc page 1");
    assert!(s.client_side);
    let s = vm_search(&ListQuery::new().vm_state(VmState::Starting), 1);
    assert_eq!(s.text, "sortby name asc page 1");
    assert!(s.client_side);
}

#[test]
fn cursors() {
    assert_eq!(page_of(None).unwrap(), 1);
    assert_eq!(page_of(Some(&Cursor::new("3"))).unwrap(), 3);
    assert_eq!(
        page_of(Some(&Cursor::new("x"))).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(next_cursor(10, 10, 1), Some(Cursor::new("2")));
    assert_eq!(next_cursor(9, 10, 1), None);
}

#[test]
fn correlation_ids_are_short_and_plain() {
    assert_eq!(
        correlation_id("start", "0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35", 7),
        "omnivirt-start-0d37ca3b-7"
    );
    assert_eq!(
        correlation_id("add", "My VM.01 (test)", 1),
        "omnivirt-add-my-vm-01-1"
    );
    assert_eq!(correlation_id("add", "???", 2), "omnivirt-add-x-2");
    let long = correlation_id("shutdown", &"f".repeat(80), u64::MAX);
    assert!(long.len() <= 50, "{long}");
    assert!(
        long.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    );
}

#[test]
fn the_job_book_forgets_the_oldest() {
    let book = JobBook::default();
    for i in 0..=JOB_BOOK_SIZE {
        book.remember(&format!("job-{i}"), &format!("corr-{i}"));
    }
    assert_eq!(book.correlation_of("job-0"), None);
    assert_eq!(book.correlation_of("job-1").as_deref(), Some("corr-1"));
    let last = format!("job-{JOB_BOOK_SIZE}");
    assert_eq!(
        book.correlation_of(&last),
        Some(format!("corr-{JOB_BOOK_SIZE}"))
    );
    book.remember("job-1", "other");
    assert_eq!(book.correlation_of("job-1").as_deref(), Some("corr-1"));
}

fn event(id: &str, sev: g::LogSeverity, time: &str, code: i64, text: &str) -> g::Event {
    g::Event {
        id: Some(id.into()),
        severity: Some(sev),
        time: Some(time.into()),
        code: Some(code),
        description: Some(text.into()),
        ..g::Event::default()
    }
}

#[test]
fn failure_reason_comes_from_the_serious_events_after_the_job_started() {
    let start = "2026-01-01T00:00:10.000+00:00";
    let events = vec![
        event(
            "9",
            g::LogSeverity::Error,
            "2026-01-01T00:00:12.000+00:00",
            54,
            "Failed to run VM web (User: admin@internal-authz).",
        ),
        event(
            "8",
            g::LogSeverity::Normal,
            "2026-01-01T00:00:11.000+00:00",
            153,
            "VM web was started by admin.",
        ),
        event(
            "7",
            g::LogSeverity::Error,
            "2026-01-01T00:00:11.500+00:00",
            119,
            "VM web is down with error. Exit message: no memory.",
        ),
        event(
            "1",
            g::LogSeverity::Error,
            "2025-12-31T23:00:00.000+00:00",
            119,
            "an older command that reused the correlation id",
        ),
    ];
    let reason = reason_from_events(&failure_events(events, Some(start))).unwrap();
    assert_eq!(reason.code.as_deref(), Some("119"));
    assert_eq!(
        reason.message,
        "VM web is down with error. Exit message: no memory. \
         Failed to run VM web (User: admin@internal-authz)."
    );
    // Only normal events: they are all the engine has to say.
    let normal = vec![event("3", g::LogSeverity::Normal, start, 1, "note")];
    let reason = reason_from_events(&failure_events(normal, None)).unwrap();
    assert_eq!(reason.message, "note");
    assert!(reason_from_events(&[]).is_none());
}

#[test]
fn capabilities_are_honest() {
    let c = capabilities();
    assert!(c.supports(Op::VmMigrate));
    assert!(c.supports(Op::TaskGet));
    assert!(!c.supports(Op::TaskGetBatch));
    for op in [
        Op::TemplateList,
        Op::TemplateGet,
        Op::NetworkList,
        Op::NetworkGet,
        Op::StorageList,
        Op::StorageGet,
    ] {
        assert!(c.supports(op), "{op:?}");
    }
}
