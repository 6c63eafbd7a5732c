//! Deterministic identifiers: the same seed and the same calls give the same ids.

use crate::text::UuidText;

/// The shape of the ids the World hands out for its objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IdStyle {
    /// `8-4-4-4-12` lowercase hex, version-4 shaped (oVirt, ZStack, VeiL).
    #[default]
    Uuid,
    /// 32 lowercase hex digits without dashes (ZStack style).
    Hex32,
    /// 25 lowercase alphanumerics starting with `c` (CloudTower cuid style).
    Cuid,
}

/// A small deterministic generator (SplitMix64). Not for cryptography.
///
/// ```
/// use omnivirt_sim::IdGen;
///
/// let mut a = IdGen::new(7);
/// let mut b = IdGen::new(7);
/// assert_eq!(a.uuid(), b.uuid());
/// assert_eq!(a.cuid().len(), 25);
/// assert_eq!(a.hex32().len(), 32);
/// ```
#[derive(Clone)]
pub struct IdGen {
    state: u64,
}

impl std::fmt::Debug for IdGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The state would let anyone predict session tokens.
        f.write_str("IdGen")
    }
}

impl IdGen {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        IdGen { state: seed }
    }

    /// The next 64 random-looking bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A version-4 shaped UUID, `8-4-4-4-12` lowercase hex.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format_uuid(a, b)
    }

    /// 32 lowercase hex digits.
    pub fn hex32(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!("{a:016x}{b:016x}")
    }

    /// 25 lowercase alphanumerics starting with `c`.
    pub fn cuid(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut s = String::with_capacity(25);
        s.push('c');
        let mut bits = self.next_u64();
        for i in 0..24 {
            if i == 12 {
                bits = self.next_u64();
            }
            s.push(char::from(ALPHABET[(bits % 36) as usize]));
            bits /= 36;
        }
        s
    }

    /// An id in `style`.
    pub fn id(&mut self, style: IdStyle) -> String {
        match style {
            IdStyle::Uuid => self.uuid(),
            IdStyle::Hex32 => self.hex32(),
            IdStyle::Cuid => self.cuid(),
        }
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn format_uuid(a: u64, b: u64) -> String {
    uuid_text(a, b).as_str().to_owned()
}

/// The version-4 shaped UUID text of `a` and `b`.
fn uuid_text(a: u64, b: u64) -> UuidText {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    UuidText::of(a, b)
}

/// A UUID derived from `text` alone (a hash, not random): the same text always gives the same
/// UUID. Skins use it for a second id an object needs, e.g. CloudTower's `local_id` of an object
/// whose World id is a cuid.
///
/// ```
/// let a = omnivirt_sim::uuid_from("ck74rk21wg5lz0786opdnzz5m");
/// assert_eq!(a, omnivirt_sim::uuid_from("ck74rk21wg5lz0786opdnzz5m"));
/// assert_eq!(a.len(), 36);
/// ```
pub fn uuid_from(text: &str) -> String {
    uuid_of(&[text]).as_str().to_owned()
}

/// [`uuid_from`] of the concatenation of `parts`, without building it or a `String`.
pub(crate) fn uuid_of(parts: &[&str]) -> UuidText {
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in parts.iter().flat_map(|p| p.bytes()) {
        h1 = (h1 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3);
        h2 = (h2 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3 ^ 0x1_0000);
    }
    uuid_text(mix(h1), mix(h2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let mut g = IdGen::new(1);
        let u = g.uuid();
        let parts: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        assert_eq!(&u[14..15], "4");
        let h = g.hex32();
        assert!(h.len() == 32 && h.chars().all(|c| c.is_ascii_hexdigit()));
        let c = g.cuid();
        assert_eq!(c.len(), 25);
        assert!(c.starts_with('c'));
        assert!(
            c.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
    }

    #[test]
    fn different_seeds_differ() {
        assert_ne!(IdGen::new(1).uuid(), IdGen::new(2).uuid());
        assert_ne!(uuid_from("a"), uuid_from("b"));
    }

    #[test]
    fn uuid_of_parts_is_uuid_from_of_their_concatenation() {
        assert_eq!(uuid_of(&["ab", "", "c-d"]).as_str(), uuid_from("abc-d"));
        assert_eq!(uuid_of(&[]).as_str(), uuid_from(""));
        // The text the `format!` of the fields gave.
        for (a, b) in [
            (0u64, 0u64),
            (u64::MAX, u64::MAX),
            (0x0123_4567_89ab_cdef, 42),
        ] {
            let (x, y) = (
                (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000,
                (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000,
            );
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                x >> 32,
                (x >> 16) & 0xFFFF,
                x & 0xFFFF,
                y >> 48,
                y & 0xFFFF_FFFF_FFFF
            );
            assert_eq!(format_uuid(a, b), want);
        }
    }
}
