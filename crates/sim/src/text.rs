//! Small text writers for the skins' hot paths: integers, hex UUIDs and timestamps written
//! into a buffer (or a fixed array) without `format!` and its temporaries.
//!
//! Each gives exactly the text of the `format!` it replaces (tests compare them).

/// `v` in decimal, written at the end of `buf`: the digits are the returned slice (by `itoa`,
/// two digits a step).
pub(crate) fn u64_digits(buf: &mut [u8; 20], v: u64) -> &[u8] {
    let mut digits = itoa::Buffer::new();
    let d = digits.format(v).as_bytes();
    let at = buf.len() - d.len();
    buf[at..].copy_from_slice(d);
    &buf[at..]
}

/// Appends `v` in decimal (what `write!(out, "{v}")` appends).
pub(crate) fn push_u64(out: &mut String, v: u64) {
    push_ascii(out, u64_digits(&mut [0; 20], v));
}

/// Appends `v` in decimal, with a `-` when negative.
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// `addr` in dotted decimal (what `Ipv4Addr::from(addr).to_string()` gives).
#[cfg(any(feature = "zstack", test))]
pub(crate) fn ipv4_text(addr: u32) -> String {
    let mut out = String::with_capacity(15);
    for (i, octet) in addr.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(&mut out, u64::from(octet));
    }
    out
}

/// Appends bytes known to be ASCII (digits, hex, punctuation this module wrote).
fn push_ascii(out: &mut String, b: &[u8]) {
    // Every caller passes ASCII, which is UTF-8; the empty fallback is never taken.
    out.push_str(std::str::from_utf8(b).unwrap_or_default());
}

/// An integer the skins write as a number.
pub(crate) trait Int: Copy {
    /// Appends the number in decimal.
    fn push_to(self, out: &mut String);
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Int for $t {
            fn push_to(self, out: &mut String) {
                push_u64(out, self as u64);
            }
        }
    )*};
}
macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Int for $t {
            fn push_to(self, out: &mut String) {
                push_i64(out, self as i64);
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);
signed!(i8, i16, i32, i64);

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `8-4-4-4-12` lowercase hex text of 128 bits (`a` the high half), kept on the stack.
#[derive(Clone, Copy)]
pub(crate) struct UuidText([u8; 36]);

impl UuidText {
    /// The dashed hex of `a` then `b`: what `format!("{a:016x}{b:016x}")` gives with dashes
    /// after the 8th, 12th, 16th and 20th digit.
    pub(crate) fn of(a: u64, b: u64) -> Self {
        let mut out = [b'-'; 36];
        let mut at = 0;
        for (n, word) in [a, b].into_iter().enumerate() {
            for d in 0..16 {
                let digit = n * 16 + d;
                if matches!(digit, 8 | 12 | 16 | 20) {
                    at += 1;
                }
                out[at] = HEX[((word >> (60 - 4 * d)) & 0xF) as usize];
                at += 1;
            }
        }
        UuidText(out)
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Hex digits and dashes: always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl serde::Serialize for UuidText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `YYYY-MM-DDTHH:MM:SS` of `secs` after the epoch, kept on the stack, with its end.
#[derive(Clone, Copy)]
pub(crate) struct DateTime {
    buf: [u8; 32],
    len: usize,
}

impl DateTime {
    /// The UTC date and time of `secs` (years past 9999 are written in full, as `{y:04}` does).
    pub(crate) fn of(secs: u64) -> Self {
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = crate::model::civil_from_days(days as i64);
        let mut t = DateTime {
            buf: [0; 32],
            len: 0,
        };
        let mut year = [0u8; 20];
        let mut i = year.len();
        let mut v = y.unsigned_abs();
        loop {
            i -= 1;
            year[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        // `{y:04}` pads to four characters, the sign included.
        let negative = y < 0;
        let width = year.len() - i + usize::from(negative);
        if negative {
            t.put(b'-');
        }
        for _ in width..4 {
            t.put(b'0');
        }
        for &c in &year[i..] {
            t.put(c);
        }
        let two = |t: &mut DateTime, sep: u8, v: u64| {
            t.put(sep);
            t.put(b'0' + (v / 10 % 10) as u8);
            t.put(b'0' + (v % 10) as u8);
        };
        two(&mut t, b'-', u64::from(m));
        two(&mut t, b'-', u64::from(d));
        two(&mut t, b'T', rem / 3600);
        two(&mut t, b':', (rem / 60) % 60);
        two(&mut t, b':', rem % 60);
        t
    }

    /// The same with a `Z` after it: RFC 3339 in UTC.
    pub(crate) fn with_z(mut self) -> Self {
        self.put(b'Z');
        self
    }

    fn put(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_reads_as_display_does() {
        for a in [
            0u32,
            1,
            0x0a65_0001,
            0xffff_0000,
            u32::MAX,
            0x7f00_0001,
            0x0102_0304,
        ] {
            assert_eq!(ipv4_text(a), std::net::Ipv4Addr::from(a).to_string());
        }
    }

    #[test]
    fn integers_read_as_display_does() {
        for v in [
            0u64,
            1,
            9,
            10,
            99,
            100,
            12_345,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        for v in [0i64, -1, 7, -10, i64::MIN, i64::MAX] {
            let mut s = String::new();
            push_i64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        let mut s = String::new();
        (-1i32).push_to(&mut s);
        7usize.push_to(&mut s);
        assert_eq!(s, "-17");
    }

    #[test]
    fn uuid_text_is_the_dashed_hex() {
        for (a, b) in [
            (0u64, 0u64),
            (u64::MAX, 1),
            (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210),
        ] {
            let h = format!("{a:016x}{b:016x}");
            let want = format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            );
            assert_eq!(UuidText::of(a, b).as_str(), want);
        }
    }

    #[test]
    fn date_time_is_the_formatted_one() {
        for secs in [
            0u64,
            951_782_400,
            1_767_225_600 + 3_661,
            86_399,
            253_402_300_799,
            253_402_300_800,
            u64::MAX / 4,
        ] {
            let days = secs / 86_400;
            let rem = secs % 86_400;
            let (y, m, d) = crate::model::civil_from_days(days as i64);
            let want = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                rem / 3600,
                (rem / 60) % 60,
                rem % 60
            );
            assert_eq!(DateTime::of(secs).as_str(), want, "{secs}");
        }
    }
}
