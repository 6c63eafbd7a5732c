//! JSON text written by hand, byte for byte what `serde_json`'s compact writer gives: strings
//! escaped as it escapes them (by the escaper shared with the CLI,
//! [`omnivirt_http::escape_json_str_body`]), integers and the few floats the skins send. The
//! VM pages of the CloudTower and ZStack skins use it (their `VmDoc::write_json`); tests hold
//! it to `serde_json`'s output.

use serde_json::Value;

/// Appends `v` as a JSON string, quotes included.
pub(in crate::skins) fn str(out: &mut Vec<u8>, v: &str) {
    omnivirt_http::push_json_str(out, v);
}

/// Appends `v` escaped as inside a JSON string, without the quotes.
pub(in crate::skins) fn str_body(out: &mut Vec<u8>, v: &str) {
    omnivirt_http::escape_json_str_body(out, v);
}

/// Appends `v` as a JSON string, or `null`.
pub(in crate::skins) fn opt_str(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(v) => str(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an unsigned integer.
pub(in crate::skins) fn uint(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(crate::text::u64_digits(&mut [0; 20], v));
}

/// Appends `true` or `false`.
pub(in crate::skins) fn boolean(out: &mut Vec<u8>, v: bool) {
    out.extend_from_slice(if v { b"true" } else { b"false" });
}

/// Appends a float as `serde_json` writes it (the shortest text that reads back as `v`).
/// Quarters below a billion (every float the skin sends) are written directly: their exact
/// decimal has at most two decimals, and no shorter text is near enough to read back as
/// them. Anything else goes through `serde_json`.
pub(in crate::skins) fn float(out: &mut Vec<u8>, v: f64) {
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
pub(in crate::skins) fn value(out: &mut Vec<u8>, v: &Value) {
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
