//! Dash-less uuids on the wire (mapped both ways to the World's ids) and Gson dates.

use crate::ids::IdStyle;
use crate::model::rfc3339;
use crate::world::World;

pub(super) fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A World id as ZStack writes it: a dashed UUID loses its dashes.
pub(super) fn ext(id: &str) -> String {
    let b = id.as_bytes();
    // Checked byte by byte, no intermediate string (this runs for every uuid of every
    // rendered inventory): dashes where a UUID has them, every other byte a hex digit or a
    // dash, and every dash dropped.
    if b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b.iter().all(|&c| c == b'-' || c.is_ascii_hexdigit())
    {
        b.iter()
            .filter(|&&c| c != b'-')
            .map(|&c| char::from(c))
            .collect()
    } else {
        id.to_owned()
    }
}

/// A ZStack uuid as the World knows it.
pub(super) fn int(world: &World, s: &str) -> String {
    if world.id_style() == IdStyle::Uuid && s.len() == 32 && is_hex(s) {
        format!(
            "{}-{}-{}-{}-{}",
            &s[..8],
            &s[8..12],
            &s[12..16],
            &s[16..20],
            &s[20..]
        )
    } else {
        s.to_owned()
    }
}

/// Gson's default `java.sql.Timestamp` text, e.g. `Jan 1, 2026 9:31:07 AM`.
pub(super) fn gson_date(secs: u64) -> String {
    let t = rfc3339(secs); // YYYY-MM-DDTHH:MM:SSZ
    let num = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let (y, mo, d, h, mi, s) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    );
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .get(mo.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("Jan");
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{month} {d}, {y} {h12}:{mi:02}:{s:02} {ampm}")
}
