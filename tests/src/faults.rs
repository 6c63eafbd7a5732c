//! The fault matrix (issue 12): every vendor × every hostile answer × a read and a mutation.
//!
//! Each cell starts a fresh simulator [`World`] behind the vendor's skin on loopback, puts a
//! hostile [`Proxy`] in front of it and connects a [`Client`] to the proxy with small limits
//! ([`settings`]). A warm-up lists every VM through the proxy untouched (logging in, counting
//! the pages of a clean listing, finding a stopped VM); then the proxy is armed and the
//! operation under test runs once:
//!
//! - the read: the uniform `vm list` (`page_size` [`PAGE_SIZE`], so it pages), collected whole;
//! - the mutation: the uniform `vm start` of a stopped VM, submitted without waiting.
//!
//! [`check`] then holds the cell to its [`Row`] of [`TABLE`]: the outcome (success, or an error
//! whose [`ErrorKind`] is in the allowed set), how often the request under test went out (a
//! mutation exactly once, except the resend after a fresh login), how many logins happened, a
//! one-line error message, and for body limits that the message names the limit.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use omnivirt_core::{Client, ErrorKind, ListQuery, VmState};
use omnivirt_http::{ConnectionSettings, RetryPolicy};
use omnivirt_sim::{SimServer, Tick, World, WorldConfig};

mod proxy;
mod vendors;

pub use proxy::{BOMB, Classifier, Counts, Kind, OVERSIZED, Proxy};
pub use vendors::{VENDORS, Vendor};

/// A hostile answer to the request under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `500 Internal Server Error`, a two-line text body.
    Status500,
    /// `502 Bad Gateway`.
    Status502,
    /// `503 Service Unavailable` with a `Retry-After`.
    Unavailable(RetryAfter),
    /// `429 Too Many Requests`, no `Retry-After`.
    Status429,
    /// `200`, `Content-Length: 4096`, 512 bytes, then the connection is reset (RST).
    ResetMidBody,
    /// `200`, `Content-Length: 4096`, 512 bytes, then the connection is closed (FIN).
    Truncated,
    /// `200` with binary garbage under the vendor's content type.
    Garbage200,
    /// `200` with an nginx HTML page.
    Html200,
    /// `500` with an nginx HTML page.
    Html500,
    /// No answer for 2 s, past the client's [`DELAY_TIMEOUT`].
    Delay,
    /// `200` with a 1 MiB body and its `Content-Length`, past [`MAX_BODY`].
    OversizedLength,
    /// `200` with a 1 MiB chunked body (no length), past [`MAX_BODY`].
    OversizedChunked,
    /// `200`, `Content-Encoding: gzip`: 50 KiB that expand to 48 MiB ([`BOMB`]), past [`MAX_BODY`].
    GzipBomb,
    /// `401` once (after the warm-up's successes), then everything passes.
    Unauthorized,
    /// `401` to every attempt: the fresh session is refused too.
    UnauthorizedAlways,
    /// `302` to the very same URL.
    RedirectLoop,
    /// The first list page, answered again to every later page request (reads only).
    SamePageForever,
}

/// The `Retry-After` of a 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `1`: one second, sane.
    OneSecond,
    /// `Sun, 06 Nov 300000000000 08:49:37 GMT`: a date no clock can hold.
    AbsurdDate,
    /// `99999999999`: three thousand years.
    AbsurdSeconds,
}

impl RetryAfter {
    /// The header value.
    pub fn header(self) -> Option<&'static str> {
        Some(match self {
            RetryAfter::OneSecond => "1",
            RetryAfter::AbsurdDate => "Sun, 06 Nov 300000000000 08:49:37 GMT",
            RetryAfter::AbsurdSeconds => "99999999999",
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fault::Status500 => "500",
            Fault::Status502 => "502",
            Fault::Unavailable(RetryAfter::OneSecond) => "503 + Retry-After: 1",
            Fault::Unavailable(RetryAfter::AbsurdDate) => "503 + Retry-After: year 300000000000",
            Fault::Unavailable(RetryAfter::AbsurdSeconds) => "503 + Retry-After: 99999999999",
            Fault::Status429 => "429",
            Fault::ResetMidBody => "connection reset mid-body",
            Fault::Truncated => "truncated body (short of Content-Length, then close)",
            Fault::Garbage200 => "garbage with 200",
            Fault::Html200 => "HTML with 200",
            Fault::Html500 => "HTML with 500",
            Fault::Delay => "delay past the request timeout",
            Fault::OversizedLength => "oversized body (Content-Length)",
            Fault::OversizedChunked => "oversized body (chunked)",
            Fault::GzipBomb => "gzip bomb",
            Fault::Unauthorized => "401 once after a success",
            Fault::UnauthorizedAlways => "401 always",
            Fault::RedirectLoop => "302 to itself",
            Fault::SamePageForever => "the same list page forever",
        })
    }
}

/// The operation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `vm list`, every page.
    Read,
    /// `vm start` of a stopped VM, not waited for.
    Mutation,
}

impl Op {
    /// The request kind the proxy faults for this operation.
    pub fn kind(self) -> Kind {
        match self {
            Op::Read => Kind::List,
            Op::Mutation => Kind::Start,
        }
    }

    /// `read` or `mutation`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Read => "vm list",
            Op::Mutation => "vm start",
        }
    }
}

/// What the operation must end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success: the fault was recovered from transparently.
    Ok,
    /// An error of one of these kinds.
    Err(&'static [ErrorKind]),
}

/// How often the request under test may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempts {
    /// Exactly this many times.
    Exactly(usize),
    /// The clean listing's page count plus this many.
    PagesPlus(usize),
    /// This many plus the pages the vendor's client starts early ([`Vendor::early_pages`]).
    PlusEarly(usize),
}

/// One line of the matrix: a fault, an operation, what must come of it.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The fault.
    pub fault: Fault,
    /// The operation.
    pub op: Op,
    /// The allowed outcome.
    pub outcome: Outcome,
    /// How often the request under test goes out.
    pub attempts: Attempts,
    /// Logins after the warm-up (the re-login of a 401).
    pub logins: usize,
    /// Why the numbers are what they are.
    pub why: &'static str,
}

/// Attempts in all for a retryable failure of a read ([`settings`]).
pub const MAX_ATTEMPTS: u32 = 3;
/// The per-attempt timeout of the delay cells.
pub const DELAY_TIMEOUT: Duration = Duration::from_millis(300);
/// The `max-body-size` of every cell.
pub const MAX_BODY: u64 = 64 * 1024;
/// What the body-limit error must say.
pub const LIMIT_TEXT: &str = "64 KiB limit (max-body-size)";
/// VMs in each cell's world.
pub const VMS: u32 = 30;
/// The page size of the read.
pub const PAGE_SIZE: u32 = 10;
/// The hang guard of one cell.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

const BACKEND: &[ErrorKind] = &[ErrorKind::Backend];
const RATE: &[ErrorKind] = &[ErrorKind::RateLimited];
const TRANSPORT: &[ErrorKind] = &[ErrorKind::Transport];
const PROTOCOL: &[ErrorKind] = &[ErrorKind::Protocol];
const TIMEOUT: &[ErrorKind] = &[ErrorKind::Timeout];
const UNAUTHENTICATED: &[ErrorKind] = &[ErrorKind::Unauthenticated];
/// A redirect nobody follows is an answer the client did not expect: either kind says so.
const REDIRECT: &[ErrorKind] = &[ErrorKind::Protocol, ErrorKind::Backend];

const fn row(fault: Fault, op: Op, outcome: Outcome, attempts: Attempts, why: &'static str) -> Row {
    Row {
        fault,
        op,
        outcome,
        attempts,
        logins: 0,
        why,
    }
}

const R: Op = Op::Read;
const M: Op = Op::Mutation;
const ALL: Attempts = Attempts::Exactly(MAX_ATTEMPTS as usize);
const ONCE: Attempts = Attempts::Exactly(1);
const RETRIED: &str = "a read is retried up to max-attempts";
const NEVER: &str = "a mutation is never repeated";
const FINAL: &str = "the same request would get the same answer";

/// The matrix, run for every vendor.
pub const TABLE: &[Row] = &[
    row(Fault::Status500, R, Outcome::Err(BACKEND), ALL, RETRIED),
    row(Fault::Status500, M, Outcome::Err(BACKEND), ONCE, NEVER),
    row(Fault::Status502, R, Outcome::Err(BACKEND), ALL, RETRIED),
    row(Fault::Status502, M, Outcome::Err(BACKEND), ONCE, NEVER),
    row(
        Fault::Unavailable(RetryAfter::OneSecond),
        R,
        Outcome::Err(BACKEND),
        ALL,
        "retried after the server's 1 s",
    ),
    row(
        Fault::Unavailable(RetryAfter::OneSecond),
        M,
        Outcome::Err(BACKEND),
        ONCE,
        NEVER,
    ),
    row(
        Fault::Unavailable(RetryAfter::AbsurdDate),
        R,
        Outcome::Err(BACKEND),
        ALL,
        "an unusable date is ignored: the computed backoff applies",
    ),
    row(
        Fault::Unavailable(RetryAfter::AbsurdDate),
        M,
        Outcome::Err(BACKEND),
        ONCE,
        NEVER,
    ),
    row(
        Fault::Unavailable(RetryAfter::AbsurdSeconds),
        R,
        Outcome::Err(BACKEND),
        ONCE,
        "a wait past the retry budget ends the retries at once",
    ),
    row(
        Fault::Unavailable(RetryAfter::AbsurdSeconds),
        M,
        Outcome::Err(BACKEND),
        ONCE,
        NEVER,
    ),
    row(Fault::Status429, R, Outcome::Err(RATE), ALL, RETRIED),
    row(Fault::Status429, M, Outcome::Err(RATE), ONCE, NEVER),
    row(
        Fault::ResetMidBody,
        R,
        Outcome::Err(TRANSPORT),
        ALL,
        RETRIED,
    ),
    row(Fault::ResetMidBody, M, Outcome::Err(TRANSPORT), ONCE, NEVER),
    row(Fault::Truncated, R, Outcome::Err(TRANSPORT), ALL, RETRIED),
    row(Fault::Truncated, M, Outcome::Err(TRANSPORT), ONCE, NEVER),
    row(Fault::Garbage200, R, Outcome::Err(PROTOCOL), ONCE, FINAL),
    row(Fault::Garbage200, M, Outcome::Err(PROTOCOL), ONCE, FINAL),
    row(Fault::Html200, R, Outcome::Err(PROTOCOL), ONCE, FINAL),
    row(Fault::Html200, M, Outcome::Err(PROTOCOL), ONCE, FINAL),
    row(Fault::Html500, R, Outcome::Err(BACKEND), ALL, RETRIED),
    row(Fault::Html500, M, Outcome::Err(BACKEND), ONCE, NEVER),
    row(Fault::Delay, R, Outcome::Err(TIMEOUT), ALL, RETRIED),
    row(Fault::Delay, M, Outcome::Err(TIMEOUT), ONCE, NEVER),
    row(
        Fault::OversizedLength,
        R,
        Outcome::Err(PROTOCOL),
        ONCE,
        FINAL,
    ),
    row(
        Fault::OversizedLength,
        M,
        Outcome::Err(PROTOCOL),
        ONCE,
        FINAL,
    ),
    row(
        Fault::OversizedChunked,
        R,
        Outcome::Err(PROTOCOL),
        ONCE,
        FINAL,
    ),
    row(
        Fault::OversizedChunked,
        M,
        Outcome::Err(PROTOCOL),
        ONCE,
        FINAL,
    ),
    row(Fault::GzipBomb, R, Outcome::Err(PROTOCOL), ONCE, FINAL),
    row(Fault::GzipBomb, M, Outcome::Err(PROTOCOL), ONCE, FINAL),
    Row {
        logins: 1,
        ..row(
            Fault::Unauthorized,
            R,
            Outcome::Ok,
            Attempts::PagesPlus(1),
            "one re-login, the refused page sent again",
        )
    },
    Row {
        logins: 1,
        ..row(
            Fault::Unauthorized,
            M,
            Outcome::Ok,
            Attempts::Exactly(2),
            "one re-login, then the refused start is sent again: safe, the server did not act on it",
        )
    },
    Row {
        logins: 1,
        ..row(
            Fault::UnauthorizedAlways,
            R,
            Outcome::Err(UNAUTHENTICATED),
            Attempts::Exactly(2),
            "one re-login at most; a refused fresh session is final",
        )
    },
    Row {
        logins: 1,
        ..row(
            Fault::UnauthorizedAlways,
            M,
            Outcome::Err(UNAUTHENTICATED),
            Attempts::Exactly(2),
            "one re-login at most; a refused fresh session is final",
        )
    },
    row(
        Fault::RedirectLoop,
        R,
        Outcome::Err(REDIRECT),
        ONCE,
        "redirects are not followed",
    ),
    row(
        Fault::RedirectLoop,
        M,
        Outcome::Err(REDIRECT),
        ONCE,
        "redirects are not followed",
    ),
    row(
        Fault::SamePageForever,
        R,
        Outcome::Err(PROTOCOL),
        Attempts::PlusEarly(2),
        "the repeated page is caught when it arrives (oVirt, CloudTower: the page after it was started already)",
    ),
];

/// The client settings of a cell: at most [`MAX_ATTEMPTS`] attempts with millisecond backoffs,
/// a 10 s retry budget, [`MAX_BODY`], and a per-attempt timeout of [`DELAY_TIMEOUT`] for the
/// delay cells (20 s for the others, so a loaded machine does not time out a clean answer).
pub fn settings(url: String, fault: Fault) -> ConnectionSettings {
    let per_attempt = if fault == Fault::Delay {
        DELAY_TIMEOUT
    } else {
        Duration::from_secs(20)
    };
    ConnectionSettings::new(url)
        .retry(
            RetryPolicy::builder()
                .max_attempts(MAX_ATTEMPTS)
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(50))
                .budget(Duration::from_secs(10))
                .build(),
        )
        .timeout(per_attempt)
        .total_timeout(Duration::from_secs(45))
        .max_body_size(MAX_BODY)
}

/// Builds a vendor's client from connection settings (the URL is the proxy's).
pub type Connect = Arc<
    dyn Fn(
            ConnectionSettings,
        ) -> Pin<Box<dyn Future<Output = omnivirt_core::Result<Client>> + Send>>
        + Send
        + Sync,
>;

/// What one cell did.
#[derive(Debug)]
pub struct Report {
    /// The vendor.
    pub vendor: Vendor,
    /// The row it ran.
    pub row: Row,
    /// Success, or the error.
    pub result: Result<(), omnivirt_core::Error>,
    /// Requests counted by the proxy after arming.
    pub counts: Counts,
    /// Pages of the clean listing in the warm-up.
    pub pages: usize,
    /// VMs the read returned, when it succeeded.
    pub listed: Option<usize>,
    /// How long the operation under test took (printed, never asserted).
    pub elapsed: Duration,
}

/// The proxy's counts, waiting for a page the vendor's client started early to arrive.
async fn settled(proxy: &Proxy, vendor: Vendor) -> Counts {
    if vendor.early_pages() > 0 {
        proxy.settled_counts().await
    } else {
        proxy.counts()
    }
}

/// Runs one cell: fresh world, skin, proxy and client; warm-up; the operation under the fault.
/// `Err` when the cell could not be set up or hung.
pub async fn run_cell(vendor: Vendor, row: Row, connect: &Connect) -> Result<Report, String> {
    let world = Arc::new(World::new(
        WorldConfig::builder()
            .seed(12)
            .vms(VMS)
            .tick(Tick::PerPoll { steps: 2 })
            .build(),
    ));
    let sim = SimServer::start(
        world,
        vec![vendor.skin()],
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .map_err(|e| format!("simulator: {e}"))?;
    let proxy = Proxy::start(sim.addr(), vendor.classifier(), vendor.content_type())
        .await
        .map_err(|e| format!("proxy: {e}"))?;
    let client = connect(settings(vendor.api_url(&proxy.url()), row.fault))
        .await
        .map_err(|e| format!("connect: {e}"))?;

    let warm: Vec<_> = client
        .vms()
        .list(ListQuery::new().page_size(PAGE_SIZE))
        .try_collect()
        .await
        .map_err(|e| format!("warm-up list: {e}"))?;
    let pages = settled(&proxy, vendor).await.lists;
    let stopped = warm
        .iter()
        .find(|vm| vm.state == VmState::Stopped)
        .map(|vm| vm.id.clone())
        .ok_or("warm-up: no stopped VM")?;

    proxy.arm(row.fault, row.op.kind());
    let run = async {
        match row.op {
            Op::Read => client
                .vms()
                .list(ListQuery::new().page_size(PAGE_SIZE))
                .try_collect::<Vec<_>>()
                .await
                .map(|vms| Some(vms.len())),
            Op::Mutation => client.vms().start(&stopped).await.map(|_| None),
        }
    };
    let began = tokio::time::Instant::now();
    let outcome = tokio::time::timeout(HANG_GUARD, run)
        .await
        .map_err(|_| format!("hung for more than {HANG_GUARD:?}"))?;
    let elapsed = began.elapsed();
    let counts = settled(&proxy, vendor).await;
    Ok(Report {
        elapsed,
        vendor,
        row,
        listed: outcome.as_ref().ok().copied().flatten(),
        result: outcome.map(drop),
        counts,
        pages,
    })
}

/// The problems of a cell's report against its row; empty when the cell passes.
pub fn check(r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let row = &r.row;
    match (&r.result, row.outcome) {
        (Ok(()), Outcome::Ok) => {
            if row.op == Op::Read && r.listed != Some(VMS as usize) {
                problems.push(format!("listed {:?} VMs, not all {VMS}", r.listed));
            }
        }
        (Ok(()), Outcome::Err(kinds)) => {
            problems.push(format!("succeeded; expected an error of kind {kinds:?}"))
        }
        (Err(e), Outcome::Ok) => problems.push(format!("failed ({:?}): {e}", e.kind())),
        (Err(e), Outcome::Err(kinds)) => {
            if !kinds.contains(&e.kind()) {
                problems.push(format!(
                    "error kind {:?}, expected one of {kinds:?}: {e}",
                    e.kind()
                ));
            }
        }
    }
    if let Err(e) = &r.result {
        let text = e.to_string();
        if text.contains('\n') {
            problems.push(format!("the error message spans lines: {text:?}"));
        }
        let limit = matches!(
            row.fault,
            Fault::OversizedLength | Fault::OversizedChunked | Fault::GzipBomb
        );
        if limit && !text.contains(LIMIT_TEXT) {
            problems.push(format!(
                "the error does not name the limit ({LIMIT_TEXT}): {text}"
            ));
        }
    }
    // What reached the simulator and was accepted: a failed start never (the client did not
    // send it behind the proxy's back), a recovered one exactly once.
    if row.op == Op::Mutation {
        let want = usize::from(r.result.is_ok());
        if r.counts.delivered != want {
            problems.push(format!(
                "{} start(s) reached the simulator and were accepted, expected {want}",
                r.counts.delivered
            ));
        }
    }
    let sent = r.counts.of(row.op.kind());
    let want = match row.attempts {
        Attempts::Exactly(n) => n,
        Attempts::PagesPlus(n) => r.pages + n,
        Attempts::PlusEarly(n) => n + r.vendor.early_pages(),
    };
    if sent != want {
        problems.push(format!(
            "{} sent {sent} time(s), expected {want}",
            row.op.name()
        ));
    }
    if row.op == Op::Read && sent > r.pages.max(1) * MAX_ATTEMPTS as usize {
        problems.push(format!(
            "{sent} list requests: more than max-attempts per page"
        ));
    }
    if r.counts.logins != row.logins {
        problems.push(format!(
            "{} login(s) after the warm-up, expected {}",
            r.counts.logins, row.logins
        ));
    }
    problems
}

/// The cell as the matrix prints it: `Backend ×3`, `ok ×2, 1 re-login`.
pub fn cell_text(r: &Report) -> String {
    let what = match &r.result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("{:?}", e.kind()),
    };
    let mut s = format!("{what} ×{}", r.counts.of(r.row.op.kind()));
    if r.counts.logins > 0 {
        s.push_str(&format!(", {} re-login", r.counts.logins));
    }
    if !check(r).is_empty() {
        s.push_str(" **FAIL**");
    }
    s
}

/// The matrix as a markdown page (`docs/faults.md`).
pub fn markdown(reports: &[Report]) -> String {
    let mut out = String::from(
        "# The fault matrix\n\n\
         Generated by `OMNIVIRT_FAULTS_DOC=1 cargo test -p omnivirt-conformance --test faults`\n\
         (`tests/src/faults.rs`); without the variable the test fails when this page is\n\
         stale. Each cell puts a hostile proxy in front of the vendor's simulator skin on\n\
         loopback and answers the request under test with the fault; logins\n\
         and everything else pass. The client has `max-attempts` 3 with millisecond backoffs,\n\
         a 10 s retry budget, `max-body-size` 64 KiB and, for the delay, `request-timeout`\n\
         300 ms. The read is the uniform `vm list` (30 VMs, pages of 10, so a clean listing\n\
         takes 3 pages); the mutation is the uniform `vm start` of a stopped VM, not waited\n\
         for.\n\n\
         A cell reads `outcome ×N`: the error kind (or `ok`) and how many times the request\n\
         under test went out; `1 re-login` when a login happened after the warm-up. Every\n\
         cell also asserts a one-line error message and, for the body limits, that the\n\
         message names the 64 KiB limit.\n\n",
    );
    out.push_str("| fault |");
    for v in VENDORS {
        out.push_str(&format!(" {} read | {} start |", v.name(), v.name()));
    }
    out.push_str(" why |\n|---|");
    for _ in VENDORS {
        out.push_str("---|---|");
    }
    out.push_str("---|\n");
    let mut faults: Vec<Fault> = Vec::new();
    for row in TABLE {
        if !faults.contains(&row.fault) {
            faults.push(row.fault);
        }
    }
    for fault in faults {
        out.push_str(&format!("| {fault} |"));
        let mut whys: Vec<&str> = Vec::new();
        for v in VENDORS {
            for op in [Op::Read, Op::Mutation] {
                let cell = reports
                    .iter()
                    .find(|r| r.vendor == v && r.row.fault == fault && r.row.op == op);
                match cell {
                    Some(r) => {
                        out.push_str(&format!(" {} |", cell_text(r)));
                        if !whys.contains(&r.row.why) {
                            whys.push(r.row.why);
                        }
                    }
                    None => out.push_str(" n/a |"),
                }
            }
        }
        out.push_str(&format!(" {} |\n", whys.join("; ")));
    }
    out.push_str(
        "\nNotes:\n\n\
         - **The one resent mutation.** After a 401 the auth layer logs in once more and sends\n  \
         the refused `vm start` again (`×2`): the server refused the first without acting on\n  \
         it, so this is a resend after a fresh login, not a retry. The proxy checks that exactly\n  \
         one start reached the simulator and was accepted, and that a failed start reached it\n  \
         not at all.\n\
         - **Redirects** are not followed by any client; ZStack calls the 302 `Protocol`, the\n  \
         others `Backend` (both name HTTP 302); either is allowed.\n\
         - **Memory.** The gzip bombs run first, one at a time; the test fails if the process's\n  \
         peak resident memory rises by half the bomb's decoded 48 MiB (it rises by about\n  \
         5 MiB: the decoder takes 4 KiB of input at a time, at most ~4 MiB out, then stops).\n\
         - **Time.** The whole matrix takes about 10 s; the 503 + `Retry-After: 1` reads wait\n  \
         the server's 2 × 1 s. Each cell runs under a 60 s hang guard; nothing asserts speed.\n",
    );
    out
}
