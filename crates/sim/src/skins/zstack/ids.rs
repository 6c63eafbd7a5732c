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
    ExtId::of(id).as_str().to_owned()
}

/// [`ext`] of an id, kept on the stack when it is 36 bytes or shorter (every id the World
/// makes): a rendered inventory holds a dozen of them.
#[derive(Clone)]
pub(super) enum ExtId {
    /// The text in the first `len` bytes.
    Inline { buf: [u8; 36], len: u8 },
    /// A longer id, as given.
    Long(String),
}

impl ExtId {
    /// The id `id` as ZStack writes it.
    pub(super) fn of(id: &str) -> Self {
        let b = id.as_bytes();
        let mut buf = [0u8; 36];
        // A UUID: dashes after the 8th, 12th, 16th and 20th digit and only there, hex digits
        // elsewhere (this runs for every uuid of every rendered inventory).
        if b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-') {
            for (to, from) in [
                (0, 0..8),
                (8, 9..13),
                (12, 14..18),
                (16, 19..23),
                (20, 24..36),
            ] {
                buf[to..to + from.len()].copy_from_slice(&b[from]);
            }
            if buf[..32].iter().all(u8::is_ascii_hexdigit) {
                return ExtId::Inline { buf, len: 32 };
            }
        }
        // Anything else as it is (a 36-byte id overwrites the whole buffer).
        match buf.get_mut(..b.len()) {
            Some(head) => {
                head.copy_from_slice(b);
                ExtId::Inline {
                    buf,
                    len: b.len() as u8,
                }
            }
            None => ExtId::Long(id.to_owned()),
        }
    }

    /// The text.
    pub(super) fn as_str(&self) -> &str {
        match self {
            // Copied whole from a `str`, or hex digits only: UTF-8 either way.
            ExtId::Inline { buf, len } => {
                std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or_default()
            }
            ExtId::Long(s) => s,
        }
    }
}

impl serde::Serialize for ExtId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
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
    GsonDate::of(secs).as_str().to_owned()
}

/// [`gson_date`] kept on the stack: the longest (year 584,554,051,223) is 32 bytes at most.
#[derive(Clone, Copy)]
pub(super) struct GsonDate {
    buf: [u8; 40],
    len: u8,
}

impl GsonDate {
    /// The date `secs` after the epoch.
    pub(super) fn of(secs: u64) -> Self {
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
        let mut out = GsonDate {
            buf: [0; 40],
            len: 0,
        };
        let mut digits = [0; 20];
        out.push(month.as_bytes());
        out.push(b" ");
        out.push(u64_digits(&mut digits, u64::from(d)));
        out.push(b", ");
        out.push(u64_digits(&mut digits, y.unsigned_abs()));
        out.push(b" ");
        out.push(u64_digits(&mut digits, h12));
        for v in [mi, s] {
            out.push(&[b':', b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
        }
        out.push(b" ");
        out.push(ampm.as_bytes());
        out
    }

    /// Appends `bytes`; what would not fit is dropped (nothing the arithmetic above makes).
    fn push(&mut self, bytes: &[u8]) {
        let at = usize::from(self.len);
        if let Some(room) = self.buf.get_mut(at..at + bytes.len()) {
            room.copy_from_slice(bytes);
            self.len += bytes.len() as u8;
        }
    }

    /// The text.
    pub(super) fn as_str(&self) -> &str {
        // ASCII only.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl serde::Serialize for GsonDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
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
            (u64::MAX, "Nov 9, 584554051223 7:00:15 AM"),
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
        assert_eq!(ext(""), "");
        let long = "a".repeat(37);
        assert_eq!(ext(&long), long);
        // Upper-case hex is kept as it is.
        assert_eq!(
            ext("8F14E45F-CEEA-467F-A0F6-2C3B1D6E9A10"),
            "8F14E45FCEEA467FA0F62C3B1D6E9A10"
        );
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
