//! Dash-less uuids on the wire (mapped both ways to the World's ids) and Gson dates.

use crate::ids::IdStyle;
use crate::model::civil_from_days;
use crate::text::u64_digits;
use crate::world::World;

pub(super) fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A World id as ZStack writes it: a dashed UUID loses its dashes.
pub(super) fn ext(id: &str) -> String {
    let b = id.as_bytes();
    // Checked and copied in one pass over the bytes (this runs for every uuid of every rendered
    // inventory): dashes where a UUID has them and only there, hex digits elsewhere.
    if b.len() != 36 {
        return id.to_owned();
    }
    let mut out = [0u8; 32];
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return id.to_owned();
            }
        } else if c.is_ascii_hexdigit() && n < out.len() {
            out[n] = c;
            n += 1;
        } else {
            return id.to_owned();
        }
    }
    // Hex digits only: always UTF-8.
    std::str::from_utf8(&out).map_or_else(|_| id.to_owned(), str::to_owned)
}

/// A ZStack uuid as the World knows it.
pub(super) fn int(world: &World, s: &str) -> String {
    if world.id_style() == IdStyle::Uuid && s.len() == 32 && is_hex(s) {
        let mut out = String::with_capacity(36);
        for (i, part) in [&s[..8], &s[8..12], &s[12..16], &s[16..20], &s[20..]]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push('-');
            }
            out.push_str(part);
        }
        out
    } else {
        s.to_owned()
    }
}

/// Gson's default `java.sql.Timestamp` text, e.g. `Jan 1, 2026 9:31:07 AM` (UTC).
pub(super) fn gson_date(secs: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX));
    let rem = secs % 86_400;
    let (h, mi, s) = (rem / 3600, rem / 60 % 60, rem % 60);
    let month = MONTHS
        .get(mo.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    let mut out = String::with_capacity(32);
    let num = |out: &mut String, v: u64| {
        let mut buf = [0; 20];
        out.push_str(std::str::from_utf8(u64_digits(&mut buf, v)).unwrap_or("0"));
    };
    out.push_str(month);
    out.push(' ');
    num(&mut out, u64::from(d));
    out.push_str(", ");
    num(&mut out, y.unsigned_abs());
    out.push(' ');
    num(&mut out, h12);
    for v in [mi, s] {
        out.push(':');
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    }
    out.push(' ');
    out.push_str(ampm);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gson_dates_read_as_gson_writes_them() {
        const NEW_YEAR_2026: u64 = 1_767_225_600;
        for (secs, want) in [
            (0, "Jan 1, 1970 12:00:00 AM"),
            (
                NEW_YEAR_2026 + 9 * 3600 + 31 * 60 + 7,
                "Jan 1, 2026 9:31:07 AM",
            ),
            (NEW_YEAR_2026 + 12 * 3600, "Jan 1, 2026 12:00:00 PM"),
            (
                NEW_YEAR_2026 + 13 * 3600 + 5 * 60 + 9,
                "Jan 1, 2026 1:05:09 PM",
            ),
            (NEW_YEAR_2026 - 1, "Dec 31, 2025 11:59:59 PM"),
            (951_782_400, "Feb 29, 2000 12:00:00 AM"),
            (253_402_300_800, "Jan 1, 10000 12:00:00 AM"),
        ] {
            assert_eq!(gson_date(secs), want, "{secs}");
        }
    }

    #[test]
    fn a_uuid_loses_its_dashes_and_anything_else_is_kept() {
        assert_eq!(
            ext("8f14e45f-ceea-467f-a0f6-2c3b1d6e9a10"),
            "8f14e45fceea467fa0f62c3b1d6e9a10"
        );
        assert_eq!(ext("not-a-uuid"), "not-a-uuid");
        // 36 bytes with the four dashes, and one more where a digit belongs: not a UUID.
        assert_eq!(
            ext("8f14e45f-ceea-467f-a0f6-2c3b1d6e9-10"),
            "8f14e45f-ceea-467f-a0f6-2c3b1d6e9-10"
        );
        let world = World::default();
        assert_eq!(
            int(&world, "8f14e45fceea467fa0f62c3b1d6e9a10"),
            "8f14e45f-ceea-467f-a0f6-2c3b1d6e9a10"
        );
        assert_eq!(int(&world, "vm-1"), "vm-1");
        assert_eq!(
            ext("8f14e45f-ceea-467f-a0f6-2c3b1d6e9a1z"),
            "8f14e45f-ceea-467f-a0f6-2c3b1d6e9a1z"
        );
    }
}
