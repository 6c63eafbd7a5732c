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

/// Appends `v` escaped as inside a JSON string, without the quotes.
pub(super) fn str_body(out: &mut Vec<u8>, v: &str) {
    let bytes = v.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !escaped(b) {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
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
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `v` as a JSON string, or `null`.
pub(super) fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => str(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an unsigned integer.
pub(super) fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `true` or `false`.
pub(super) fn boolean(out: &mut Vec<u8>, v: bool) {
    out.extend_from_slice(if v { b"true" } else { b"false" });
}

/// Appends a float as `serde_json` writes it (shortest round-trip text). Values with at most
/// three decimals below a billion (every float the skin sends) are written directly; anything
/// else goes through `serde_json`.
pub(super) fn float(out: &mut Vec<u8>, v: f64) {
    let thousandths = v * 1000.0;
    if (0.0..1e9).contains(&v) && thousandths.fract() == 0.0 && (thousandths / 1000.0) == v {
        let n = thousandths as u64;
        let start = out.len();
        uint(out, n / 1000);
        out.push(b'.');
        let frac = n % 1000;
        let digits = [frac / 100, frac / 10 % 10, frac % 10];
        let keep = if frac % 100 == 0 {
            1
        } else if frac % 10 == 0 {
            2
        } else {
            3
        };
        for d in &digits[..keep] {
            out.push(b'0' + *d as u8);
        }
        // The text must read back as `v`; otherwise let serde_json decide.
        let ok = std::str::from_utf8(&out[start..])
            .ok()
            .and_then(|t| t.parse::<f64>().ok())
            == Some(v);
        if ok {
            return;
        }
        out.truncate(start);
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
