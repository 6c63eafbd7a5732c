//! Runs of `<link href rel/>` elements kept small until they are read.
//!
//! An engine writes about 35 links and actions per VM, each as
//! `<link href="/ovirt-engine/api/vms/{id}/{rel}" rel="{rel}"/>`: 3.8 KB of a 7.9 KB VM, most
//! of it the same path again and again. Kept as received, that text was the largest part of a
//! decoded VM. Kept here, each `<link href="` followed by the run's path is one byte, so a run
//! costs between a quarter and a half of it (the indentation of a pretty-printed document
//! stays), and it expands back to the very text received, which is then read as before.
//! Replacing text needs no parsing: compacting costs one vectorised scan of the run for `<`.
//!
//! The compact form is a list of segments, one per run: [`PATH`], the path (the first link's
//! `href` up to its last `/`), [`BODY`], then the run with [`LINK`] in place of each
//! `<link href="{path}`. The markers are control characters no XML document may hold; a run
//! that holds one is not made compact, and its caller keeps it otherwise.

/// Starts a segment: its path follows.
const PATH: u8 = 1;
/// Ends the path; the run follows.
const BODY: u8 = 2;
/// In a run: stands for `<link href="` and the segment's path.
const LINK: u8 = 3;

/// What [`LINK`] replaces, before the path.
const HEAD: &str = "<link href=\"";

/// Appends the compact form of `run` (a run of `<link/>` elements as a reader finds them) to
/// `out`; false, with `out` as it was, when `run` holds a marker byte or no `<link href="`
/// with a `/` in it.
pub(crate) fn encode_run(run: &str, out: &mut String) -> bool {
    let b = run.as_bytes();
    if memchr::memchr3(PATH, BODY, LINK, b).is_some() {
        return false;
    }
    let Some(path) = first_path(run) else {
        return false;
    };
    // Usually a third of the run; the caller shrinks to fit.
    out.reserve(run.len() / 2);
    out.push(char::from(PATH));
    out.push_str(path);
    out.push(char::from(BODY));
    let mut copied = 0;
    // Each element starts at a `<`: one vectorised scan finds them all.
    for at in memchr::memchr_iter(b'<', b) {
        let after = at + HEAD.len();
        if at < copied
            || !b[at..].starts_with(HEAD.as_bytes())
            || !b
                .get(after..)
                .is_some_and(|r| r.starts_with(path.as_bytes()))
        {
            continue;
        }
        // `<` and the path's last `/` are ASCII, so both ends are character boundaries.
        out.push_str(run.get(copied..at).unwrap_or_default());
        out.push(char::from(LINK));
        copied = after + path.len();
    }
    out.push_str(run.get(copied..).unwrap_or_default());
    true
}

/// The first link's `href` up to and including its last `/`.
fn first_path(run: &str) -> Option<&str> {
    let b = run.as_bytes();
    let at = memchr::memchr_iter(b'<', b).find(|&at| b[at..].starts_with(HEAD.as_bytes()))?;
    let value = run.get(at + HEAD.len()..)?;
    let value = value.get(..memchr::memchr(b'"', value.as_bytes())?)?;
    value.get(..=value.rfind('/')?)
}

/// Calls `f` with the text of each run kept in `compact`, expanded to exactly what was
/// received. Text that is not the compact form expands to what its markers say and never
/// panics.
pub(crate) fn expand(compact: &str, mut f: impl FnMut(&str)) {
    let mut text = String::new();
    for segment in compact.split(char::from(PATH)).skip(1) {
        let Some((path, body)) = segment.split_once(char::from(BODY)) else {
            continue;
        };
        text.clear();
        for (i, piece) in body.split(char::from(LINK)).enumerate() {
            if i > 0 {
                text.push_str(HEAD);
                text.push_str(path);
            }
            text.push_str(piece);
        }
        f(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(runs: &[&str]) -> (String, Vec<String>) {
        let mut c = String::new();
        for run in runs {
            assert!(encode_run(run, &mut c), "{run}");
        }
        let mut back = Vec::new();
        expand(&c, |t| back.push(t.to_owned()));
        (c, back)
    }

    #[test]
    fn a_run_expands_to_the_text_received_and_is_much_smaller() {
        let id = "/ovirt-engine/api/vms/0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35";
        let run: String = ["start", "stop", "nics"]
            .iter()
            .map(|r| format!("<link href=\"{id}/{r}\" rel=\"{r}\"/>\n  "))
            .collect();
        let (c, back) = round_trip(&[&run]);
        assert!(c.len() < run.len() / 2, "{} of {}", c.len(), run.len());
        assert_eq!(back, [run]);
    }

    #[test]
    fn links_off_the_path_and_odd_text_come_back_unchanged() {
        let runs = [
            "<link rel=\"a\" href=\"/x/a\"/><link href=\"/x/b\" rel=\"b\"/>",
            "<link href=\"/x/c\" rel=\"c\" /> <link href=\"/elsewhere\" rel=\"d\"/>\n\
             <link href=\"/x/e&amp;f\" rel='e'/><link href=\"/x/\" rel=\"\"/>",
            "<link href=\"/y/z/\"/><!-- <link href=\"/y/z/q\" --><link href=\"/y/z/w\">",
        ];
        let (_, back) = round_trip(&runs);
        assert_eq!(back, runs);
    }

    #[test]
    fn runs_with_a_marker_or_without_a_path_are_refused_and_change_nothing() {
        for run in [
            "<link href=\"/a\u{2}/b\" rel=\"x\"/>",
            "<link href=\"a\" rel=\"x\"/>",
            "<link rel=\"x\"/>",
            "<link href=\"/a",
            "",
        ] {
            let mut c = String::from("kept");
            assert!(!encode_run(run, &mut c), "{run:?}");
            assert_eq!(c, "kept", "{run:?}");
        }
    }

    #[test]
    fn any_text_either_comes_back_exactly_or_is_refused() {
        // Runs glued from pieces that look like links, paths and markers, in a fixed
        // pseudo-random order (a small LCG: the test is the same on every run).
        let pieces = [
            "<link href=\"",
            "/a/",
            "/a/b/",
            "rel",
            "\" rel=\"",
            "\"/>",
            " ",
            "\n",
            "<",
            "/",
            "\"",
            "é",
            "&amp;",
            "<link",
            "href",
            "x",
        ];
        let markers = ["\u{1}", "\u{2}", "\u{3}"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % n
        };
        let (mut kept, mut refused) = (0, 0);
        for _ in 0..5_000 {
            let len = next(24);
            // Half the runs start as a link does, so that many have a path.
            let start = ["", "<link href=\"/a/"][next(2)];
            let run: String = std::iter::once(start)
                .chain((0..len).map(|_| match next(60) {
                    0 => markers[next(markers.len())],
                    _ => pieces[next(pieces.len())],
                }))
                .collect();
            let mut c = String::from("\u{1}/p/\u{2}<link href=\"/p/\u{3}q\"/>");
            let before = c.clone();
            if encode_run(&run, &mut c) {
                kept += 1;
                let mut back = Vec::new();
                expand(&c, |t| back.push(t.to_owned()));
                assert_eq!(back.len(), 2, "{run:?}");
                assert_eq!(back[1], run, "{run:?}");
                assert_eq!(back[0], "<link href=\"/p/<link href=\"/p/q\"/>");
            } else {
                refused += 1;
                assert_eq!(c, before, "{run:?}");
            }
        }
        assert!(
            kept > 1_000 && refused > 500,
            "kept {kept}, refused {refused}"
        );
    }

    #[test]
    fn expanding_garbage_never_panics() {
        let mut n = 0;
        for junk in [
            "\u{3}x\u{1}\u{2}\u{3}\u{3}y\u{2}",
            "\u{1}",
            "\u{2}\u{1}p\u{2}",
            "plain",
        ] {
            expand(junk, |_| n += 1);
        }
        assert_eq!(n, 2, "two segments have a path and a body");
    }
}
