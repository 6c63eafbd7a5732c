//! A faster JSON reader for CloudTower answers, with `serde_json`'s results.
//!
//! [`from_slice`] decodes any `Deserialize` type (the generated model types, `Vec<Vm>`,
//! `serde_json::Value`, ...) from a body held in memory, and gives the same value as
//! `serde_json::from_slice`, or fails where it fails. It is faster on the typed answers because
//! it reads less per token: the body is checked as UTF-8 once, and strings are slices of it;
//! object keys are found eight bytes a step and handed over as borrowed bytes; the common
//! numbers (integers, decimals without exponent) are read in one pass, to the same bits.
//!
//! What it shares with `serde_json`, on purpose: the accepted grammar, escapes (surrogate
//! pairs joined; a lone surrogate is an error in a string, WTF-8 in bytes, as there),
//! integers as `u64`/`i64` and everything else as `f64` (`-0` is a float), nesting of at most
//! 127 arrays and objects (values skipped over are not counted), duplicate keys left to the
//! type (the generated types keep the last one), and trailing whitespace only. Numbers with an
//! exponent, more than 19 digits or out of range are read by `serde_json` itself. A body that
//! is not UTF-8 is read by `serde_json` whole, so it, too, decodes exactly as before.
//!
//! The one difference: a map key is always read as a string, where `serde_json` would also
//! parse a key as a number or boolean for a map keyed by one; no type of this crate has such
//! a map.

mod de;
mod each;
mod scan;
mod tail;

pub(crate) use each::each_object;
pub(crate) use tail::last_item;

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeSeed;

/// Why a body did not decode: one line, with the line and column of the input where it was
/// found when known.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    msg: String,
    /// 1-based line and column.
    at: Option<(usize, usize)>,
}

impl Error {
    #[cold]
    fn new(msg: String) -> Self {
        Error {
            inner: Box::new(Inner { msg, at: None }),
        }
    }

    /// `msg` at byte `pos` of `buf`.
    #[cold]
    fn at(msg: String, buf: &[u8], pos: usize) -> Self {
        Error::new(msg).or_at(buf, pos)
    }

    /// Places an error at byte `pos` of `buf`, unless it has a place already.
    #[cold]
    fn or_at(mut self, buf: &[u8], pos: usize) -> Self {
        if self.inner.at.is_none() {
            let before = buf.get(..pos).unwrap_or(buf);
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let col = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
            self.inner.at = Some((line, col));
        }
        self
    }

    /// The line (1-based) of the input where the error was found, when known.
    pub fn line(&self) -> Option<usize> {
        self.inner.at.map(|(l, _)| l)
    }

    /// The column (1-based, in bytes) of the input where the error was found, when known.
    pub fn column(&self) -> Option<usize> {
        self.inner.at.map(|(_, c)| c)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever a visitor put in its message.
        for (i, part) in self.inner.msg.lines().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
        }
        match self.inner.at {
            Some((line, col)) => write!(f, " at line {line} column {col}"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "json::Error({self})")
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }
}

/// Decodes `T` from the JSON document `bytes`: the value `serde_json::from_slice` gives, or an
/// error where it fails (see the [module docs](self)).
///
/// ```
/// use omnivirt_cloudtower::model::Vm;
///
/// let vms: Vec<Vm> = omnivirt_cloudtower::json::from_slice(br#"[{"id": "c1", "vcpu": 4}]"#)?;
/// assert_eq!(vms[0].vcpu, Some(4));
/// # Ok::<(), omnivirt_cloudtower::json::Error>(())
/// ```
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, Error> {
    from_slice_seed(bytes, std::marker::PhantomData::<T>)
}

/// [`from_slice`] through a seed: what `seed` makes of the document `bytes` (a seed can, for
/// one, convert the items of an array as they are read instead of collecting them first).
pub(crate) fn from_slice_seed<'de, S: DeserializeSeed<'de>>(
    bytes: &'de [u8],
    seed: S,
) -> Result<S::Value, Error> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        let mut d = serde_json::Deserializer::from_slice(bytes);
        let value = seed.deserialize(&mut d).and_then(|v| d.end().map(|()| v));
        return value.map_err(|e| Error::new(e.to_string()));
    };
    let mut r = scan::Reader::new(text);
    let value = seed.deserialize(&mut r).map_err(|e| r.fix(e))?;
    r.end()?;
    Ok(value)
}

#[cfg(test)]
mod tests;
