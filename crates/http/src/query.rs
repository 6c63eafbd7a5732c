//! Query strings written straight into a URL: `application/x-www-form-urlencoded` pairs, the
//! same bytes as the `url` crate's `form_urlencoded::Serializer`, without its intermediate
//! strings (every request of every vendor builds one).

/// How a space in a key or value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Space {
    /// `+`, as HTML forms and the `url` crate write it.
    Plus,
    /// `%20`, for servers (and official SDKs) that send that form.
    Percent20,
}

/// Appends `text` form-encoded: ASCII letters, digits and `*-._` stay, a space becomes `+` or
/// `%20`, every other byte (UTF-8 included) becomes `%XX` with upper-case hex.
///
/// ```
/// use omnivirt_http::{Space, push_form_encoded};
/// let mut s = String::new();
/// push_form_encoded(&mut s, "a b,c=é", Space::Plus);
/// assert_eq!(s, "a+b%2Cc%3D%C3%A9");
/// ```
pub fn push_form_encoded(out: &mut String, text: &str, space: Space) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else if b == b' ' && space == Space::Plus {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Appends `pairs` to `url` as its query: `?` first (or `&` when `url` already has a query),
/// `key=value` pairs joined by `&`, each side form-encoded. No pairs, no change.
///
/// ```
/// use omnivirt_http::{Space, push_query};
/// let mut url = String::from("https://zs/zstack/v1/vm-instances");
/// push_query(&mut url, [("q", "name=web 1"), ("limit", "2")], Space::Plus);
/// assert_eq!(url, "https://zs/zstack/v1/vm-instances?q=name%3Dweb+1&limit=2");
/// push_query(&mut url, [("start", "2")], Space::Plus);
/// assert!(url.ends_with("&limit=2&start=2"));
/// ```
pub fn push_query<'a, I>(url: &mut String, pairs: I, space: Space)
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        url.push(sep);
        sep = '&';
        push_form_encoded(url, k, space);
        url.push('=');
        push_form_encoded(url, v, space);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serializer(pairs: &[(&str, &str)]) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish()
    }

    #[test]
    fn every_byte_is_written_as_the_url_crate_writes_it() {
        let all: String = (0u32..0x800).filter_map(char::from_u32).collect();
        for text in [
            all.as_str(),
            "",
            " ",
            "name~=%web_1%",
            "uuid?=a,b,c",
            "日本語 テキスト",
            "*-._+&=#?/\\\"'",
        ] {
            let mut ours = String::new();
            push_form_encoded(&mut ours, text, Space::Plus);
            let theirs: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
            assert_eq!(ours, theirs, "{text:?}");
            let mut pct = String::new();
            push_form_encoded(&mut pct, text, Space::Percent20);
            assert_eq!(pct, theirs.replace('+', "%20"), "{text:?}");
        }
    }

    #[test]
    fn a_query_is_the_serializer_s_text_after_the_right_separator() {
        let pairs = [
            ("q", "name=a b"),
            ("q", "state?=Running,Stopped"),
            ("x", ""),
        ];
        let mut url = String::from("http://h/p");
        push_query(&mut url, pairs, Space::Plus);
        assert_eq!(url, format!("http://h/p?{}", serializer(&pairs)));

        let mut url = String::from("http://h/p?a=1");
        push_query(&mut url, [("b", "2")], Space::Plus);
        assert_eq!(url, "http://h/p?a=1&b=2");

        let mut url = String::from("http://h/p");
        push_query(&mut url, [], Space::Plus);
        assert_eq!(url, "http://h/p");
    }
}
