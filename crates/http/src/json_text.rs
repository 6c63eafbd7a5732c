//! JSON string escaping written by hand, byte for byte what `serde_json` writes: `"` and `\`
//! escaped with a backslash, `\b`, `\f`, `\n`, `\r` and `\t` by name, the other control bytes
//! below 0x20 as `\u00XX` (lowercase hex); 0x7f and non-ASCII text are left as they are.
//!
//! One implementation for everything that writes JSON text without `serde_json`'s writer: the
//! simulator's hand-built pages and the CLI's listing output.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The high bit of each byte of `w` that `serde_json` escapes (`"`, `\\` or below 0x20), by
/// word arithmetic. Bytes above a flagged one may be flagged wrongly (a borrow carries up), but
/// the lowest flag is always exact, so `trailing_zeros() / 8` is the first byte to escape.
#[inline]
fn escape_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    // A byte below 0x20 borrows in `w - 0x20…` with its high bit clear: the classic
    // "has a byte less than n" test.
    (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
        | has_zero(w ^ (ONES * u64::from(b'"')))
        | has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// The next (up to) eight bytes of `b` as a word, padded with spaces (which need no escape),
/// and how many of them are `b`'s. Fixed-size copies only: no call to `memcpy` for a tail.
#[inline]
fn next_word(b: &[u8]) -> ([u8; 8], usize) {
    if let Some((w, _)) = b.split_first_chunk::<8>() {
        return (*w, 8);
    }
    let mut w = [b' '; 8];
    let mut rest = b;
    let mut at = 0;
    if let Some((h, t)) = rest.split_first_chunk::<4>() {
        w[..4].copy_from_slice(h);
        rest = t;
        at = 4;
    }
    if let (Some((h, t)), Some(dst)) = (rest.split_first_chunk::<2>(), w.get_mut(at..at + 2)) {
        dst.copy_from_slice(h);
        rest = t;
        at += 2;
    }
    if let (Some(&c), Some(dst)) = (rest.first(), w.get_mut(at)) {
        *dst = c;
    }
    (w, b.len().min(8))
}

/// True when some byte of `b` is one `serde_json` escapes.
#[inline]
fn needs_escape(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(w);
        if escape_mask(u64::from_le_bytes(word)) != 0 {
            return true;
        }
    }
    let (word, _) = next_word(words.remainder());
    escape_mask(u64::from_le_bytes(word)) != 0
}

/// Appends `s` escaped as inside a JSON string, without the quotes: exactly the bytes
/// `serde_json` writes between them. A string with nothing to escape (most: ids, names,
/// words) is checked eight bytes at a time by word arithmetic, then copied whole; one with
/// something to escape is copied eight bytes at a time up to it (one fixed-size store, cut
/// back to the bytes that belong), not a byte loop.
///
/// ```
/// let mut out = Vec::new();
/// omnivirt_http::escape_json_str_body(&mut out, "a \"b\"\n\u{1}\u{7f}é");
/// assert_eq!(String::from_utf8(out).unwrap(), "a \\\"b\\\"\\n\\u0001\u{7f}é");
/// ```
pub fn escape_json_str_body(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    // Most strings (ids, names, words) need no escape: checked a word at a time, then copied
    // whole.
    if !needs_escape(rest) {
        out.extend_from_slice(rest);
        return;
    }
    out.reserve(rest.len() + 8);
    while !rest.is_empty() {
        let (word, n) = next_word(rest);
        let mask = escape_mask(u64::from_le_bytes(word));
        // All eight bytes go in, then the length is cut back to the clean ones (a `u8` has
        // nothing to drop): one store instead of a variable-length copy.
        let len = out.len();
        out.extend_from_slice(&word);
        if mask == 0 {
            out.truncate(len + n);
            rest = rest.get(n..).unwrap_or_default();
            continue;
        }
        let clean = (mask.trailing_zeros() / 8) as usize;
        out.truncate(len + clean);
        let Some((&b, tail)) = rest.get(clean..).and_then(<[u8]>::split_first) else {
            return;
        };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]),
        }
        rest = tail;
    }
}

/// Appends `s` as a JSON string, quotes included: what `serde_json::to_vec(s)` gives.
///
/// ```
/// let mut out = Vec::new();
/// omnivirt_http::push_json_str(&mut out, "tab\there");
/// assert_eq!(out, br#""tab\there""#);
/// ```
pub fn push_json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_json_str_body(out, s);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) {
        let mut out = Vec::new();
        push_json_str(&mut out, s);
        assert_eq!(
            String::from_utf8_lossy(&out),
            serde_json::to_string(s).unwrap_or_default(),
            "{s:?}"
        );
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "q\"uote\\back/slash",
            "ctl \u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f} end",
            "é ü — 日本 <&>' \u{10ffff}",
            "a long clean run of text, then a quote: \" and more text after it \\",
            "exactly8",
            "exactly8\"",
            "\"exactly8",
            "0123456789abcdef\u{1f}0123456789abcdef",
            "\u{1f}\u{20}\u{21}\u{22}\u{23}\u{5b}\u{5c}\u{5d}",
        ] {
            check(s);
        }
    }

    #[test]
    fn every_byte_at_every_offset_of_a_word() {
        // Each ASCII character (controls included) and a few multi-byte ones, at each position
        // of an 8-byte word and past the first two words, between clean text.
        let specials: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['é', '€', '\u{2028}', '😀'])
            .collect();
        for c in specials {
            for at in 0..20 {
                let s: String = "x".repeat(at) + &c.to_string() + "tail-of-text";
                check(&s);
                let twice = format!("{s}{c}{c}");
                check(&twice);
            }
        }
    }
}
