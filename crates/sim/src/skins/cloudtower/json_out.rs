//! JSON text written by hand, byte for byte what `serde_json`'s compact writer gives: strings
//! escaped as it escapes them, integers and the few floats the skin sends. The VM page uses it
//! (see `VmDoc::write_json`); tests hold it to `serde_json`'s output.

use serde_json::Value;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `serde_json` escapes byte `b` in a string: `"`, `\` and the control bytes.
fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends `v` as a JSON string, quotes included.
pub(super) fn str(out: &mut Vec<u8>, v: &str) {
    out.push(b'"');
    str_body(out, v);
    out.push(b'"');
}

/// The index of the first byte of `b` that `serde_json` escapes (`b.len()` if none). Eight
/// bytes are looked at a time: a word has such a byte when one of its bytes is below 0x20 or
/// equal to `"` or `\`, which word arithmetic tells without a branch per byte.
fn clean_prefix(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        if control
            | has_zero(w ^ (ONES * u64::from(b'"')))
            | has_zero(w ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        i += 8;
    }
    i + b[i..]
        .iter()
        .position(|&c| escaped(c))
        .unwrap_or(b.len() - i)
}

/// Appends `v` escaped as inside a JSON string, without the quotes.
pub(super) fn str_body(out: &mut Vec<u8>, v: &str) {
    let mut bytes = v.as_bytes();
    loop {
        let clean = clean_prefix(bytes);
        out.extend_from_slice(&bytes[..clean]);
        let Some((&b, rest)) = bytes[clean..].split_first() else {
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
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
        }
        bytes = rest;
    }
}

/// Appends `v` as a JSON string, or `null`.
pub(super) fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => str(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an unsigned integer.
pub(super) fn uint(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(crate::text::u64_digits(&mut [0; 20], v));
}

/// Appends `true` or `false`.
pub(super) fn boolean(out: &mut Vec<u8>, v: bool) {
    out.extend_from_slice(if v { b"true" } else { b"false" });
}

/// Appends a float as `serde_json` writes it (the shortest text that reads back as `v`).
/// Quarters below a billion (every float the skin sends) are written directly: their exact
/// decimal has at most two decimals, and no shorter text is near enough to read back as
/// them. Anything else goes through `serde_json`.
pub(super) fn float(out: &mut Vec<u8>, v: f64) {
    let quarters = v * 4.0;
    if (0.0..1e9).contains(&v) && v.is_sign_positive() && quarters.fract() == 0.0 {
        let q = quarters as u64;
        uint(out, q / 4);
        out.extend_from_slice(match q % 4 {
            0 => b".0",
            1 => b".25",
            2 => b".5",
            _ => b".75",
        });
        return;
    }
    let _ = serde_json::to_writer(&mut *out, &v);
}

/// Appends a `Value` as `serde_json` writes it.
pub(super) fn value(out: &mut Vec<u8>, v: &Value) {
    let _ = serde_json::to_writer(&mut *out, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "plain",
            "q\"uote\\back/slash",
            "ctl \u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f} end",
            "é ü — 日本 <&>'",
            "a long clean run of text, then a quote: \" and more text after it \\",
            "exactly8",
            "exactly8\"",
            "0123456789abcdef\u{1f}0123456789abcdef",
        ] {
            let mut out = Vec::new();
            str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for v in [0u64, 7, 10, 4_294_967_296, u64::MAX] {
            let mut out = Vec::new();
            uint(&mut out, v);
            assert_eq!(out, serde_json::to_vec(&v).unwrap());
        }
        for v in [
            0.0f64,
            12.5,
            35.0,
            0.25,
            25.0,
            0.1,
            0.3,
            1.001,
            999.999,
            0.1 + 0.2,
            1e-7,
            1e20,
            123_456_789.125,
            -1.5,
            2.0 / 3.0,
            f64::NAN,
        ] {
            let mut out = Vec::new();
            float(&mut out, v);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&v).unwrap(),
                "{v}"
            );
        }
    }
}
