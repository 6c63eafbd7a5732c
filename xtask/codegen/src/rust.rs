//! Naming and literal helpers shared by every vendor generator.

/// Rust keywords (2024 edition, strict and reserved) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Splits a vendor name (`camelCase`, `PascalCase`, `snake_case`, `kebab-case`, `dotted.name`,
/// `HTTPServer`) into lowercase words.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `snake_case` form of a name.
pub fn snake(name: &str) -> String {
    words(name).join("_")
}

/// `PascalCase` form of a name.
pub fn pascal(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// A usable field or function identifier for `name`: snake case, keywords raw (`r#type`), a
/// leading digit prefixed with `_`.
pub fn field_ident(name: &str) -> String {
    ident(snake(name))
}

/// A usable type or variant identifier for `name`: Pascal case, a leading digit prefixed with
/// `V`, `Self` renamed.
pub fn type_ident(name: &str) -> String {
    let p = pascal(name);
    if p.is_empty() {
        "Empty".into()
    } else if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{p}")
    } else if p == "Self" {
        "SelfValue".into()
    } else {
        p
    }
}

fn ident(s: String) -> String {
    if s.is_empty() {
        "empty".into()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{s}")
    } else if matches!(s.as_str(), "self" | "super" | "crate" | "Self") {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// A Rust string literal holding `s` exactly.
pub fn str_lit(s: &str) -> String {
    format!("{s:?}")
}

/// One `///` doc line per line of `text`, made safe for rustdoc with warnings denied: brackets
/// and angle brackets escaped (no broken intra-doc links, no stray HTML), bare URLs wrapped.
pub fn doc(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        out.push_str("///");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(&doc_line(line));
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("///\n");
    }
    out
}

/// Escapes a line, keeping balanced `code spans` verbatim.
fn doc_line(line: &str) -> String {
    if !line.matches('`').count().is_multiple_of(2) {
        return doc_escape(line);
    }
    line.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{part}`")
            } else {
                doc_escape(part)
            }
        })
        .collect()
}

fn doc_escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for word in line.split_inclusive(' ') {
        let bare = word.trim_end();
        if bare.starts_with("http://") || bare.starts_with("https://") {
            out.push('<');
            out.push_str(bare);
            out.push('>');
            out.push_str(&word[bare.len()..]);
            continue;
        }
        for c in word.chars() {
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '`' => out.push('\''),
                '*' => out.push_str("\\*"),
                '_' => out.push_str("\\_"),
                '#' => out.push_str("\\#"),
                other => out.push(other),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("QueryVmInstance"), "query_vm_instance");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("get-vms"), "get_vms");
        assert_eq!(snake("cpu_count2x"), "cpu_count2x");
        assert_eq!(pascal("vm_instance"), "VmInstance");
        assert_eq!(pascal("storage.domain"), "StorageDomain");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("3d"), "_3d");
        assert_eq!(type_ident("3d"), "V3d");
        assert_eq!(type_ident(""), "Empty");
    }

    #[test]
    fn docs_are_rustdoc_safe() {
        assert_eq!(doc("a [b] <c>"), "/// a \\[b\\] &lt;c&gt;\n");
        assert_eq!(
            doc("see https://x.y/z now"),
            "/// see <https://x.y/z> now\n"
        );
        assert_eq!(doc(""), "///\n");
        assert_eq!(doc("`a<b>` [c]"), "/// `a<b>` \\[c\\]\n");
        assert_eq!(doc("odd ` tick"), "/// odd ' tick\n");
        assert_eq!(str_lit("a\"b\n"), "\"a\\\"b\\n\"");
    }
}

/// One `ApiOperation` constructor expression, written the same way for every vendor's table:
/// `ApiOperation::new(name, method, path)` then `.params`, `.result`, `.body`, `.asynchronous()`
/// and `.summary` as they apply.
#[derive(Debug, Clone, Default)]
pub struct OpExpr<'a> {
    /// Operation name.
    pub name: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// Path template.
    pub path: &'a str,
    /// The Rust path of its parameter const, when it has parameters.
    pub params: Option<String>,
    /// Result type (empty: none).
    pub result: &'a str,
    /// Body type or key (empty: none).
    pub body: &'a str,
    /// Runs as a task or job.
    pub is_async: bool,
    /// One line.
    pub summary: &'a str,
}

impl OpExpr<'_> {
    /// The expression.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut op = format!(
            "ApiOperation::new({}, {}, {})",
            str_lit(self.name),
            str_lit(self.method),
            str_lit(self.path)
        );
        if let Some(p) = &self.params {
            let _ = write!(op, ".params({p})");
        }
        if !self.result.is_empty() {
            let _ = write!(op, ".result({})", str_lit(self.result));
        }
        if !self.body.is_empty() {
            let _ = write!(op, ".body({})", str_lit(self.body));
        }
        if self.is_async {
            op.push_str(".asynchronous()");
        }
        let _ = write!(op, ".summary({})", str_lit(self.summary));
        op
    }
}
