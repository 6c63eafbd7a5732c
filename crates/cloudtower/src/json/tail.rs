//! The id of the last object of a JSON array, read from the end of the text without decoding
//! the rest: a page listed by `after` = the last id names the next page with it, and a listing
//! can ask for that page while this one is still being decoded.
//!
//! The scan walks back from the closing `]` through the last object only, keeping count of
//! nesting, and takes the value of its last top-level `"id"` key (the one a decoder keeps). It
//! trusts the text to be JSON: on anything else it may give a wrong id or none, never a panic,
//! and it never reads past either end. The caller treats the answer as a guess that the
//! decoded page confirms.

/// The `"id"` string of the last object in the JSON array `text` and where its `"id"` key
/// starts, or `None` when the array is empty, its last item is not an object with a string id,
/// or the text is not an array. From that key to the end is about the size of one item when
/// the id comes first, as it does in every object a tower sends.
pub(crate) fn last_item(text: &[u8]) -> Option<(String, usize)> {
    let mut at = skip_space_back(text, text.len());
    if at == 0 || text[at - 1] != b']' {
        return None;
    }
    at = skip_space_back(text, at - 1);
    if at == 0 || text[at - 1] != b'}' {
        return None;
    }
    // Inside the last object, at its own level.
    let mut depth = 1u32;
    // Where the value after the last `:` seen at the object's level starts.
    let mut value_at: Option<usize> = None;
    let mut i = at - 1;
    while i > 0 {
        i -= 1;
        match text[i] {
            b'"' => {
                let open = opening_quote(text, i)?;
                if depth == 1 {
                    if let Some(v) = value_at.take() {
                        // A key: the string just before a colon.
                        if &text[open + 1..i] == b"id" {
                            return string_at(text, v).map(|id| (id, open));
                        }
                    }
                }
                i = open;
            }
            b':' if depth == 1 => value_at = Some(i + 1),
            b'}' | b']' => depth = depth.saturating_add(1),
            b'{' | b'[' => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            // White space, commas, numbers, literals: in JSON a colon at the object's level
            // always follows a key, so nothing else needs telling apart.
            _ => {}
        }
    }
    None
}

/// The position of the quote that opens the string whose closing quote is at `close`: the
/// nearest quote before it not escaped by an odd run of backslashes.
fn opening_quote(text: &[u8], close: usize) -> Option<usize> {
    let mut i = close;
    loop {
        i = text[..i].iter().rposition(|&b| b == b'"')?;
        let slashes = text[..i].iter().rev().take_while(|&&b| b == b'\\').count();
        if slashes % 2 == 0 {
            return Some(i);
        }
    }
}

/// The JSON string value that starts (after white space) at `at`.
fn string_at(text: &[u8], at: usize) -> Option<String> {
    let start = at
        + text
            .get(at..)?
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if text.get(start) != Some(&b'"') {
        return None;
    }
    let len = text[start + 1..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')?;
    let end = start + 1 + len;
    if text[end] == b'"' {
        return std::str::from_utf8(&text[start + 1..end])
            .ok()
            .map(str::to_owned);
    }
    // Escapes: rare in ids; let the full reader take the string.
    let mut de = serde_json::Deserializer::from_slice(&text[start..]);
    serde::Deserialize::deserialize(&mut de).ok()
}

fn skip_space_back(text: &[u8], mut at: usize) -> usize {
    while at > 0 && text[at - 1].is_ascii_whitespace() {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::last_item;

    fn last_item_id(text: &[u8]) -> Option<String> {
        last_item(text).map(|(id, _)| id)
    }

    fn id(s: &str) -> Option<String> {
        last_item_id(s.as_bytes())
    }

    #[test]
    fn the_key_of_the_last_id_is_where_the_last_item_starts() {
        let page = r#"[{"id":"a","x":1}, {"id":"b","x":22}]"#;
        let (id, at) = last_item(page.as_bytes()).unwrap();
        assert_eq!((id.as_str(), &page[at..]), ("b", r#""id":"b","x":22}]"#));
    }

    #[test]
    fn the_top_level_id_of_the_last_object_not_a_nested_one() {
        let page = r#"[{"id":"a","x":1},
            {"cluster":{"id":"c9"},"id":"b2","vm_disks":[{"id":"d1"}],"host":{"id":"h"}} ] "#;
        assert_eq!(id(page).as_deref(), Some("b2"));
        // The id first, then nested ids and strings with quotes, colons and braces.
        let page = r#"[{"id":"vm-7","name":"a \"q\": {x}","tags":["id",":"],"n":-1.5e3,"ok":true,"z":null}]"#;
        assert_eq!(id(page).as_deref(), Some("vm-7"));
    }

    #[test]
    fn a_string_ending_in_backslashes_is_read_whole() {
        let page = r#"[{"id":"v1","path":"C:\\","note":"say \\\"hi\\\""}]"#;
        assert_eq!(id(page).as_deref(), Some("v1"));
        let page = r#"[{"id":"v\u0031\"x"}]"#;
        assert_eq!(id(page).as_deref(), Some("v1\"x"));
    }

    #[test]
    fn a_value_that_says_id_is_not_the_key() {
        assert_eq!(id(r#"[{"name":"id","k":"v"}]"#), None);
        assert_eq!(id(r#"[{"id_in":"x","xid":"y"}]"#), None);
    }

    #[test]
    fn no_guess_without_an_object_with_a_string_id() {
        for s in [
            "",
            "[]",
            " [ ] ",
            "{}",
            r#"[{"id":1}]"#,
            r#"[{"id":null}]"#,
            r#"[{}]"#,
            "[1,2]",
            r#"[{"a":"#,
            "]",
            "}]",
            r#"\"}]"#,
            "\"\"}]",
        ] {
            assert_eq!(id(s), None, "{s:?}");
        }
    }

    #[test]
    fn any_cut_of_a_page_is_read_without_a_panic() {
        let page = r#"[{"id":"a"},{"id":"b\"q\\","n":{"id":"c","l":[1,{"x":"]}"}]}}]"#;
        assert_eq!(id(page).as_deref(), Some("b\"q\\"));
        let bytes = page.as_bytes();
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                // Not JSON: any answer will do, as long as there is one.
                let _ = last_item_id(&bytes[i..j]);
            }
        }
    }

    #[test]
    fn agrees_with_a_decode_of_every_page_of_the_served_vms() {
        // Pages as the simulator serves them; the decoded last id is what the guess must match.
        let vms: Vec<serde_json::Value> = (0..30)
            .map(|i| {
                serde_json::json!({
                    "id": format!("vm-{i}"), "name": format!("n\"{i}\\"),
                    "cluster": {"id": "c", "name": "x"}, "vm_nics": [{"id": "n", "vlan": {"id": "v"}}],
                    "memory": i * 1024, "ha": i % 2 == 0, "description": null,
                })
            })
            .collect();
        for n in 1..vms.len() {
            let text = serde_json::to_vec_pretty(&vms[..n]).unwrap_or_default();
            assert_eq!(last_item_id(&text), Some(format!("vm-{}", n - 1)));
            let text = serde_json::to_vec(&vms[..n]).unwrap_or_default();
            assert_eq!(last_item_id(&text), Some(format!("vm-{}", n - 1)));
        }
    }
}
