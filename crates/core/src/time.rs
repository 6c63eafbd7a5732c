//! Timestamps as the neutral model writes them: RFC 3339 in UTC, whole seconds
//! (`2026-01-02T03:04:05Z`), so that they compare correctly as text.
//!
//! Vendors write times many ways (epoch milliseconds, offsets, fractions); backends normalise
//! them with these two functions. No time-zone database is needed: only UTC and fixed offsets.

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// assert_eq!(omnivirt_core::time::format_utc(0), "1970-01-01T00:00:00Z");
/// assert_eq!(omnivirt_core::time::format_utc(1_767_323_045), "2026-01-02T03:04:05Z");
/// ```
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses RFC 3339 (`2026-01-02T03:04:05Z`, `…05.123+02:00`, a space for `T`) into seconds
/// since the Unix epoch; fractions are dropped. `None` for anything else.
///
/// ```
/// use omnivirt_core::time::parse_rfc3339;
///
/// assert_eq!(parse_rfc3339("2026-01-02T05:04:05.5+02:00"), Some(1_767_323_045));
/// assert_eq!(parse_rfc3339("yesterday"), None);
/// ```
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let hm = &rest[1..];
            let (oh, om) = match hm.len() {
                5 if hm.as_bytes()[2] == b':' => (hm.get(0..2)?, hm.get(3..5)?),
                4 => (hm.get(0..2)?, hm.get(2..4)?),
                _ => return None,
            };
            let oh: i64 = oh.parse().ok()?;
            let om: i64 = om.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// Normalises any RFC 3339 text to the neutral form; `None` if it does not parse.
///
/// ```
/// assert_eq!(
///     omnivirt_core::time::normalize("2026-01-02T04:04:05+01:00").as_deref(),
///     Some("2026-01-02T03:04:05Z")
/// );
/// ```
pub fn normalize(s: &str) -> Option<String> {
    parse_rfc3339(s).map(format_utc)
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_and_parsing_agree_over_centuries() {
        for secs in [
            -86_400_i64 * 365 * 70,
            -1,
            0,
            951_782_400,
            4_102_444_799,
            1_767_323_045,
        ] {
            assert_eq!(parse_rfc3339(&format_utc(secs)), Some(secs), "{secs}");
        }
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn bad_text_is_none_not_a_panic() {
        for s in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00+2",
            "2026-01-01",
            "２０２６-01-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339(s), None, "{s}");
        }
    }
}
