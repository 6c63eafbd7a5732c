//! Edge cases of the reader against `serde_json` (the wide differential test is
//! `tests/json_reader.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

use super::from_slice;

/// `serde_json`'s answer and ours for `T`, as text (the types compare through `Debug`).
fn both<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    input: &[u8],
) -> (Result<String, String>, Result<String, String>) {
    let theirs = serde_json::from_slice::<T>(input)
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string());
    let ours = from_slice::<T>(input)
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string());
    (theirs, ours)
}

/// Same value, or both fail.
#[track_caller]
fn same<T: serde::de::DeserializeOwned + std::fmt::Debug>(input: &[u8]) {
    match both::<T>(input) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", String::from_utf8_lossy(input)),
        (Err(_), Err(e)) => assert!(!e.contains('\n'), "{e}"),
        (a, b) => panic!(
            "{}: serde_json {a:?}, ours {b:?}",
            String::from_utf8_lossy(input)
        ),
    }
}

#[test]
fn scalars_and_edges() {
    for s in [
        "0",
        "-0",
        "1",
        "-1",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "123456789012345678",
        "1234567890123456789",
        "0.5",
        "-0.0",
        "1.",
        ".5",
        "01",
        "1e5",
        "1E-5",
        "1e400",
        "-1e400",
        "1e-400",
        "12.345",
        "0.1",
        "3.141592653589793238",
        "9007199254740993.0",
        "1.0000000000000000000001",
        "true",
        "false",
        "null",
        "nul",
        "tru",
        "\"\"",
        "\"a\\u00e9\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83dx\"",
        "\"\\ud83d\\n\"",
        "\"\\ud83d\\ud83d\\ude00\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"a\u{1}b\"",
        "\"tab\there\"",
        "\"unterminated",
        "[1,2,]",
        "[,]",
        "[]",
        "[1 2]",
        "{}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:2}",
        "{\"a\":1}x",
        " [ 1 , { \"k\" : [ ] } ] \n",
        "",
        "   ",
        "-",
        "--1",
        "1.5e",
        "1e+",
        "2.5E+3",
        "[1e3, -0, 0.0]",
    ] {
        same::<Value>(s.as_bytes());
    }
}

#[test]
fn depth_is_bounded_like_serde_json() {
    for n in [126, 127, 128, 129, 10_000] {
        let doc = format!("{}{}", "[".repeat(n), "]".repeat(n));
        same::<Value>(doc.as_bytes());
        let unknown = format!("{{\"zzz\":{}{}}}", "[".repeat(n), "]".repeat(n));
        same::<crate::model::Vm>(unknown.as_bytes());
    }
    // An unclosed one is an error, not a hang or a stack overflow.
    same::<Value>("[".repeat(100_000).as_bytes());
    same::<crate::model::Vm>(format!("{{\"zzz\":{}", "[{\"a\":".repeat(50_000)).as_bytes());
}

#[test]
fn skipped_values_nest_objects_and_arrays_past_a_word_of_levels() {
    // The skip keeps the first 64 containers as bits and deeper ones in a list: objects and
    // arrays alternate across that line, closed rightly, by the wrong bracket, or not at all.
    for n in [1, 2, 63, 64, 65, 66, 129, 130] {
        let open: String = (0..n)
            .map(|i| if i % 2 == 0 { "{\"k\":" } else { "[" })
            .collect();
        let close: Vec<&str> = (0..n)
            .rev()
            .map(|i| if i % 2 == 0 { "}" } else { "]" })
            .collect();
        let right = close.concat();
        let mut swapped = close.clone();
        swapped[0] = if swapped[0] == "}" { "]" } else { "}" };
        let wrong = swapped.concat();
        for doc in [
            format!("{{\"zzz\":{open}1{right},\"id\":\"x\"}}"),
            format!("{{\"zzz\":{open}1{wrong},\"id\":\"x\"}}"),
            format!("{{\"zzz\":{open}1"),
        ] {
            same::<crate::model::Vm>(doc.as_bytes());
        }
    }
}

#[test]
fn typed_fields() {
    for s in [
        r#"{"id":"a","vcpu":4,"memory":17179869184,"cpu_usage":12,"ha":true,"status":"RUNNING"}"#,
        r#"{"id":null,"vcpu":null,"status":null,"labels":null,"cluster":null}"#,
        r#"{"vcpu":4.0}"#,
        r#"{"vcpu":4294967296}"#,
        r#"{"vcpu":"4"}"#,
        r#"{"ha":1}"#,
        r#"{"status":"SOMETHING_NEW"}"#,
        r#"{"status":"RUN\u004eING"}"#,
        r#"{"status":"\ud800"}"#,
        r#"{"status":"a\u0001b"}"#,
        "{\"status\":\"a\u{1}b\"}",
        r#"{"status":5}"#,
        r#"{"id":"first","id":"second"}"#,
        r#"{"i\u0064":"escaped key"}"#,
        r#"{"\ud800":1}"#,
        "{\"k\u{1}\":1}",
        r#"{"labels":[{"id":"l","key":"k","value":"v"},{}]}"#,
        r#"{"labels":{}}"#,
        r#"{"cpu":{"cores":2,"sockets":1,"extra":[1,{"x":[null]}]}}"#,
        r#"{"unknown":{"deep":[1,2,{"x":"\u00e9\ud83d\ude00"}],"n":-1.5e-7}}"#,
        r#"{"unknown":"\ud800"}"#,
        r#"{"unknown":01}"#,
        r#"{"unknown":[1,]}"#,
        r#"{"out_uninstall_usb":["a","b\"c"]}"#,
        r#"{"name":"caf\u00e9 \u4e2d"}"#,
        r#"[]"#,
        r#"{"id":"a"} "#,
        r#"{"id":"a"}}"#,
    ] {
        same::<crate::model::Vm>(s.as_bytes());
    }
}

#[test]
fn invalid_utf8_reads_like_serde_json() {
    same::<crate::model::Vm>(b"{\"unknown\":\"\xff\",\"id\":\"a\"}");
    same::<crate::model::Vm>(b"{\"id\":\"\xff\"}");
    same::<Value>(b"\"\xc3\"");
}

#[test]
fn errors_have_a_place_and_one_line() {
    let e = from_slice::<crate::model::Vm>(b"{\n  \"vcpu\": \"four\"\n}").unwrap_err();
    assert_eq!(e.line(), Some(2), "{e}");
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = from_slice::<Vec<crate::model::Vm>>(b"[{\"id\":\"a\"},").unwrap_err();
    assert!(e.to_string().contains("EOF"), "{e}");
}

#[path = "../../benches/vm_body.rs"]
mod vm_body;

/// The listing's faster walk (`each_object`) against the generic read of the same body: when
/// the walk answers, the generic read gives the same items; when the generic read fails, the
/// walk declines (and the caller's generic read reports the error).
#[track_caller]
fn walk_agrees(input: &[u8]) -> bool {
    use crate::convert::ListedVm;
    let generic = from_slice::<Vec<ListedVm>>(input).map(|v| format!("{v:?}"));
    let walked = super::each_object::<ListedVm, _>(input, 4, |v| v).map(|v| format!("{v:?}"));
    match (&walked, &generic) {
        (Some(w), Ok(g)) => assert_eq!(w, g, "{}", String::from_utf8_lossy(input)),
        (Some(_), Err(e)) => panic!(
            "the walk read what the generic read refuses ({e}): {}",
            String::from_utf8_lossy(input)
        ),
        (None, _) => {}
    }
    walked.is_some()
}

#[test]
fn the_listing_walk_reads_what_the_generic_read_reads() {
    let full = vm_body::body(3);
    assert!(walk_agrees(&full), "a plain answer takes the walk");
    for s in [
        "[]",
        " [ ] ",
        "[{}]",
        "[ {\"id\" : \"a\" , \"name\":\"b\"} , {} ]\n",
        r#"[{"i\u0064":"escaped key","name":"n\"q"}]"#,
        r#"[{"id":"first","id":"second"}]"#,
        r#"[{"zzz":[{"a":[1,2,{"b":null}]}],"vcpu":4,"labels":[{"id":"l","key":"k","value":null}]}]"#,
        r#"[{"cluster":{"id":"c","name":"x"},"host":null,"status":"SOMETHING_NEW"}]"#,
        // A raw control character in a key: keys are read as bytes, by both.
        "[{\"k\u{1}\":1}]",
    ] {
        assert!(walk_agrees(s.as_bytes()), "{s}");
    }
    // Not the plain shape, or not JSON: the walk declines, the generic read decides.
    for s in [
        "",
        "null",
        "{}",
        "[null]",
        "[1]",
        "[{},]",
        "[{\"id\":\"a\",}]",
        "[{\"id\":\"a\"}",
        "[{\"id\":\"a\"}] x",
        "[{\"id\" \"a\"}]",
        "[{\"vcpu\":\"4\"}]",
        "[{\"zzz\":[}]",
        "[{}{}]",
        "[,{}]",
    ] {
        assert!(!walk_agrees(s.as_bytes()), "{s}");
    }
    let not_utf8 = b"[{\"name\":\"\xff\"}]";
    assert!(!walk_agrees(not_utf8));
}

#[test]
fn the_listing_walk_agrees_on_every_small_damage() {
    // Every byte of a two-VM answer deleted, or replaced by a byte that matters to the grammar.
    let doc = vm_body::body(2);
    let mut walked = 0;
    for i in 0..doc.len() {
        let mut cut = doc.clone();
        cut.remove(i);
        walked += usize::from(walk_agrees(&cut));
        for b in [
            b'"', b',', b':', b'{', b'}', b'[', b']', b'\\', b' ', b'0', 1u8,
        ] {
            let mut hit = doc.clone();
            hit[i] = b;
            walked += usize::from(walk_agrees(&hit));
        }
    }
    // Many damaged answers are still plain answers (a digit changed, a space in a string).
    assert!(walked > doc.len(), "the walk took only {walked} of them");
}
