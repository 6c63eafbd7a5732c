//! `event list` and `event watch`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use omnivirt::{Client, VmId};
use omnivirt_core::EventQuery;
use omnivirt_core::time::{format_utc, normalize};

use super::{CliError, CliResult};
use crate::args::{EventCmd, OutputFormat};
use crate::output;

/// `--since`: an RFC 3339 time (normalised to UTC), or a duration (`10m`, `2h`, `1d`) before
/// now by the machine clock. Anything else is a usage error naming the value.
pub fn since(text: &str) -> CliResult<String> {
    if let Some(t) = normalize(text) {
        return Ok(t);
    }
    let bad = || {
        CliError::usage(format!(
            "--since `{text}` is neither a duration (10m, 2h, 1d) nor an RFC 3339 time \
             (2026-01-02T03:04:05Z)"
        ))
    };
    let dur: Duration = humantime::parse_duration(text.trim()).map_err(|_| bad())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::op("the machine clock is before 1970"))?;
    let secs = now.saturating_sub(dur).as_secs();
    Ok(format_utc(i64::try_from(secs).map_err(|_| bad())?))
}

/// The query an `event` command asks for, checked before connecting.
pub fn query(cmd: &EventCmd) -> CliResult<EventQuery> {
    let (s, limit, vm) = match cmd {
        EventCmd::List { since, limit, vm } => (since, *limit, vm),
        EventCmd::Watch { since, vm } => (since, None, vm),
    };
    let mut q = EventQuery::new();
    if let Some(s) = s {
        q = q.since(since(s)?);
    }
    if let Some(n) = limit {
        q = q.limit(n);
    }
    if let Some(v) = vm {
        q = q.vm(VmId::new(v.as_str()));
    }
    Ok(q)
}

pub async fn run(c: &Client, cmd: EventCmd, fmt: OutputFormat) -> CliResult {
    let q = query(&cmd)?;
    match cmd {
        EventCmd::List { .. } => Ok(output::stream(fmt, c.events().list(q)).await?),
        EventCmd::Watch { .. } => {
            // Runs until the stream ends or fails; Ctrl-C is handled by the caller (exit 0).
            let mut events = c.events().watch(q);
            let mut first = true;
            while let Some(e) = events.next().await {
                output::streamed(fmt, &e?, first)?;
                first = false;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omnivirt_core::time::parse_rfc3339;

    #[test]
    fn since_takes_times_and_durations_and_names_bad_values() {
        assert_eq!(
            since("2026-01-02T04:04:05+01:00").unwrap(),
            "2026-01-02T03:04:05Z"
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        for (text, secs) in [("10m", 600), ("2h", 7200), ("1d", 86_400)] {
            let t = parse_rfc3339(&since(text).unwrap()).unwrap();
            assert!((now - secs - t).abs() <= 5, "{text}: {t} vs {now}");
        }
        for bad in ["yesterday", "10", "", "2026-02-30T00:00:00Z x"] {
            let e = since(bad).unwrap_err();
            assert_eq!(e.code, 2, "{bad}");
            assert!(e.message.contains(&format!("`{bad}`")), "{}", e.message);
        }
    }
}
