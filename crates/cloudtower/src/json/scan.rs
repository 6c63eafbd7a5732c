//! The tokenizer under [`super::from_slice`]: whitespace, strings (sliced out of the input, or
//! unescaped into a scratch buffer), numbers and the skipping of values nobody asked for.
//!
//! Every rule here follows `serde_json` 1.x on purpose (same accepted inputs, same values), so
//! that swapping one reader for the other changes speed only; `tests/json_reader.rs` holds the
//! two side by side.

use super::Error;

/// `0x0101..01`: one in every byte.
const ONES: u64 = u64::MAX / 255;
/// The high bit of every byte.
const HIGH: u64 = ONES << 7;

/// The powers of ten a `f64` holds exactly (`serde_json` divides by the same table).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The most nested arrays and objects a decode enters (`serde_json`'s limit: the 128th level
/// fails). Values skipped over are not counted: skipping does not recurse.
pub(super) const DEPTH: u8 = 128;

/// Where a string's text is after [`Reader::string`].
pub(super) enum Text {
    /// In the input, at these byte positions (the string had no escapes).
    Input(usize, usize),
    /// In [`Reader::scratch`] (the string had escapes).
    Scratch,
}

/// A number as `serde_json` reads it: unsigned when it has no sign, fraction or exponent;
/// signed when negative; a float otherwise (and for `-0`).
pub(super) enum Num {
    /// A non-negative integer.
    U(u64),
    /// A negative integer.
    I(i64),
    /// Anything with a fraction or exponent, and `-0`.
    F(f64),
}

/// The reading position in one JSON document held in memory.
#[derive(Debug)]
pub(super) struct Reader<'de> {
    /// The whole input, checked as UTF-8 once: strings are slices of it.
    pub(super) text: &'de str,
    /// The same input as bytes.
    pub(super) buf: &'de [u8],
    /// The next byte to read.
    pub(super) pos: usize,
    /// How many more arrays and objects may be entered.
    pub(super) depth: u8,
    /// Unescaped text of the last string that had escapes.
    pub(super) scratch: Vec<u8>,
}

/// The first byte at or after `i` that ends or escapes a string: `"`, `\` and, when `CTRL`,
/// a control character; `buf.len()` when there is none. Eight bytes a step.
#[inline(always)]
fn find_special<const CTRL: bool>(buf: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = buf.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*chunk);
        let q = x ^ (ONES * u64::from(b'"'));
        let b = x ^ (ONES * u64::from(b'\\'));
        let mut m = (q.wrapping_sub(ONES) & !q) | (b.wrapping_sub(ONES) & !b);
        if CTRL {
            m |= x.wrapping_sub(ONES * 0x20) & !x;
        }
        m &= HIGH;
        if m != 0 {
            // Borrows run towards the high bytes only: the lowest flagged byte is a real one.
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = buf.get(i) {
        if c == b'"' || c == b'\\' || (CTRL && c < 0x20) {
            return i;
        }
        i += 1;
    }
    i
}

/// Appends code point (or lone surrogate) `n` as WTF-8, like `serde_json`.
fn push_wtf8(n: u32, out: &mut Vec<u8>) {
    // The `as u8` casts keep the low bits on purpose: each is masked to the bits it carries.
    match n {
        0..=0x7F => out.push(n as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (n >> 6) as u8, 0x80 | (n & 0x3F) as u8]),
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (n >> 12) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | ((n >> 18) & 0x07) as u8,
            0x80 | ((n >> 12) & 0x3F) as u8,
            0x80 | ((n >> 6) & 0x3F) as u8,
            0x80 | (n & 0x3F) as u8,
        ]),
    }
}

fn hex(c: u8) -> Option<u16> {
    match c {
        b'0'..=b'9' => Some(u16::from(c - b'0')),
        b'a'..=b'f' => Some(u16::from(c - b'a' + 10)),
        b'A'..=b'F' => Some(u16::from(c - b'A' + 10)),
        _ => None,
    }
}

impl<'de> Reader<'de> {
    pub(super) fn new(text: &'de str) -> Self {
        Reader {
            text,
            buf: text.as_bytes(),
            pos: 0,
            depth: DEPTH,
            scratch: Vec::new(),
        }
    }

    /// An error at the current position.
    #[cold]
    pub(super) fn err(&self, msg: &str) -> Error {
        Error::at(msg.to_owned(), self.buf, self.pos)
    }

    /// Skips whitespace; the next byte, not consumed.
    #[inline(always)]
    pub(super) fn ws(&mut self) -> Option<u8> {
        loop {
            let c = *self.buf.get(self.pos)?;
            // JSON's four whitespace bytes are all at most a space: anything above it (every
            // token of a compact answer) is answered with one comparison.
            if c > b' ' || !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(c);
            }
            self.pos += 1;
        }
    }

    /// Consumes `word` (`null`, `true`, `false`), whose first byte is the next one.
    #[inline]
    pub(super) fn ident(&mut self, word: &[u8]) -> Result<(), Error> {
        match self.buf.get(self.pos..self.pos + word.len()) {
            Some(w) if w == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.bad_ident(word)),
        }
    }

    #[cold]
    fn bad_ident(&mut self, word: &[u8]) -> Error {
        for &w in word {
            match self.buf.get(self.pos) {
                Some(&c) if c == w => self.pos += 1,
                Some(_) => return self.err("expected ident"),
                None => return self.err("EOF while parsing a value"),
            }
        }
        self.err("expected ident")
    }

    /// Enters an array or object (its opening byte is the next one).
    #[inline]
    pub(super) fn enter(&mut self) -> Result<(), Error> {
        self.depth -= 1;
        if self.depth == 0 {
            return Err(self.err("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads the string whose opening quote is the next byte. `STR`: the text must be a string
    /// (control characters and lone surrogates are errors); otherwise it is bytes, read as
    /// `serde_json` reads bytes (both allowed; lone surrogates become WTF-8).
    #[inline(always)]
    pub(super) fn string<const STR: bool>(&mut self) -> Result<Text, Error> {
        let start = self.pos + 1;
        let end = find_special::<STR>(self.buf, start);
        match self.buf.get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                Ok(Text::Input(start, end))
            }
            _ => self.string_slow::<STR>(start, end),
        }
    }

    #[cold]
    #[inline(never)]
    fn string_slow<const STR: bool>(&mut self, start: usize, mut i: usize) -> Result<Text, Error> {
        self.scratch.clear();
        let mut from = start;
        loop {
            match self.buf.get(i) {
                Some(b'"') => {
                    self.scratch.extend_from_slice(&self.buf[from..i]);
                    self.pos = i + 1;
                    return Ok(Text::Scratch);
                }
                Some(b'\\') => {
                    self.scratch.extend_from_slice(&self.buf[from..i]);
                    i = self.escape(i + 1, STR, true)?;
                    from = i;
                }
                Some(_) => {
                    self.pos = i;
                    return Err(self
                        .err("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                None => {
                    self.pos = i;
                    return Err(self.err("EOF while parsing a string"));
                }
            }
            i = find_special::<STR>(self.buf, i);
        }
    }

    /// The escape whose letter is at `i` (after the backslash): appended to the scratch when
    /// `keep`, only checked otherwise. Returns the position after it.
    fn escape(&mut self, i: usize, validate: bool, keep: bool) -> Result<usize, Error> {
        let c = match self.buf.get(i) {
            Some(&c) => c,
            None => return Err(self.err_at(i, "EOF while parsing a string")),
        };
        let out = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' if keep => return self.unicode(i + 1, validate),
            b'u' => return self.hex4(i + 1).map(|_| i + 5),
            _ => return Err(self.err_at(i + 1, "invalid escape")),
        };
        if keep {
            self.scratch.push(out);
        }
        Ok(i + 1)
    }

    fn err_at(&mut self, i: usize, msg: &str) -> Error {
        self.pos = i.min(self.buf.len());
        self.err(msg)
    }

    fn hex4(&mut self, i: usize) -> Result<u16, Error> {
        match self.buf.get(i..i + 4) {
            Some(&[a, b, c, d]) => match (hex(a), hex(b), hex(c), hex(d)) {
                (Some(a), Some(b), Some(c), Some(d)) => Ok(a << 12 | b << 8 | c << 4 | d),
                _ => Err(self.err_at(i + 4, "invalid escape")),
            },
            _ => Err(self.err_at(self.buf.len(), "EOF while parsing a string")),
        }
    }

    /// `\u` escapes from `i` (after the `u`), surrogate pairs joined, like `serde_json`.
    fn unicode(&mut self, mut i: usize, validate: bool) -> Result<usize, Error> {
        let mut n = self.hex4(i)?;
        i += 4;
        if validate && (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.err_at(i, "lone leading surrogate in hex escape"));
        }
        loop {
            if !(0xD800..=0xDBFF).contains(&n) {
                push_wtf8(u32::from(n), &mut self.scratch);
                return Ok(i);
            }
            let n1 = n;
            match self.buf.get(i) {
                None => return Err(self.err_at(i, "EOF while parsing a string")),
                Some(b'\\') => i += 1,
                Some(_) if validate => {
                    return Err(self.err_at(i + 1, "unexpected end of hex escape"));
                }
                Some(_) => {
                    push_wtf8(u32::from(n1), &mut self.scratch);
                    return Ok(i);
                }
            }
            match self.buf.get(i) {
                None => return Err(self.err_at(i, "EOF while parsing a string")),
                Some(b'u') => i += 1,
                Some(_) if validate => {
                    return Err(self.err_at(i + 1, "unexpected end of hex escape"));
                }
                Some(_) => {
                    push_wtf8(u32::from(n1), &mut self.scratch);
                    // Not `u`: a one-letter escape, so this does not recurse further.
                    return self.escape(i, validate, true);
                }
            }
            let n2 = self.hex4(i)?;
            i += 4;
            if !(0xDC00..=0xDFFF).contains(&n2) {
                if validate {
                    return Err(self.err_at(i, "lone leading surrogate in hex escape"));
                }
                push_wtf8(u32::from(n1), &mut self.scratch);
                n = n2;
                continue;
            }
            let c = ((u32::from(n1 - 0xD800) << 10) | u32::from(n2 - 0xDC00)) + 0x1_0000;
            push_wtf8(c, &mut self.scratch);
            return Ok(i);
        }
    }

    /// The text of a string read with `STR`.
    #[inline(always)]
    pub(super) fn str_of(&self, t: &Text) -> Result<&str, Error> {
        match *t {
            // The input is valid UTF-8 and quotes are ASCII: both ends are char boundaries.
            Text::Input(a, b) => self.text.get(a..b).ok_or_else(|| self.err("invalid UTF-8")),
            Text::Scratch => {
                std::str::from_utf8(&self.scratch).map_err(|_| self.err("invalid UTF-8"))
            }
        }
    }

    /// Reads the number that starts at the next byte when it is one of the common shapes
    /// (an integer of up to 18 digits, or a decimal of up to 19 digits and 22 after the point,
    /// no exponent), giving what `serde_json` gives; `None` (nothing consumed) otherwise.
    #[inline(always)]
    pub(super) fn number(&mut self) -> Option<Num> {
        let buf = self.buf;
        let mut i = self.pos;
        let neg = buf.get(i) == Some(&b'-');
        i += usize::from(neg);
        let int_start = i;
        let mut sig: u64 = 0;
        while let Some(&c) = buf.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            i += 1;
        }
        let int_len = i - int_start;
        if int_len == 0 || int_len > 18 || (int_len > 1 && buf.get(int_start) == Some(&b'0')) {
            return None;
        }
        match buf.get(i) {
            Some(b'.') => {
                i += 1;
                let frac_start = i;
                while let Some(&c) = buf.get(i) {
                    if !c.is_ascii_digit() {
                        break;
                    }
                    sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                    i += 1;
                }
                let frac_len = i - frac_start;
                if frac_len == 0
                    || int_len + frac_len > 19
                    || matches!(buf.get(i), Some(b'e' | b'E'))
                {
                    return None;
                }
                let pow = POW10.get(frac_len)?;
                // At most 19 digits: no overflow. `serde_json` computes exactly this.
                let f = sig as f64 / pow;
                self.pos = i;
                Some(Num::F(if neg { -f } else { f }))
            }
            Some(b'e' | b'E') => None,
            _ => {
                self.pos = i;
                Some(if !neg {
                    Num::U(sig)
                } else if sig == 0 {
                    Num::F(-0.0)
                } else {
                    // At most 18 digits: fits.
                    Num::I((sig as i64).wrapping_neg())
                })
            }
        }
    }

    /// The extent of the number-like run at the next byte (for the exact, slower path).
    pub(super) fn number_run(&self) -> (usize, usize) {
        let mut i = self.pos;
        while matches!(
            self.buf.get(i),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            i += 1;
        }
        (self.pos, i)
    }

    /// Skips one value, checking it is JSON (as `serde_json` does for ignored values: any
    /// depth, numbers by grammar only). Loops, never recurses.
    #[inline]
    pub(super) fn skip(&mut self) -> Result<(), Error> {
        match self.ws() {
            Some(b'"') => self.skip_string(),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            Some(b'n') => self.ident(b"null"),
            Some(b't') => self.ident(b"true"),
            Some(b'f') => self.ident(b"false"),
            _ => self.skip_nested(),
        }
    }

    /// [`Reader::skip`] of an array or object (or of what is not a value: an error).
    #[inline(never)]
    fn skip_nested(&mut self) -> Result<(), Error> {
        let mut open = Open::default();
        loop {
            // A value.
            match self.ws() {
                None => return Err(self.err("EOF while parsing a value")),
                Some(b'n') => self.ident(b"null")?,
                Some(b't') => self.ident(b"true")?,
                Some(b'f') => self.ident(b"false")?,
                Some(b'-' | b'0'..=b'9') => self.skip_number()?,
                Some(b'"') => self.skip_string_here()?,
                Some(c @ (b'[' | b'{')) => {
                    self.pos += 1;
                    let obj = c == b'{';
                    let close = if obj { b'}' } else { b']' };
                    if self.ws() == Some(close) {
                        self.pos += 1;
                    } else {
                        open.push(obj);
                        if obj {
                            self.skip_key()?;
                        }
                        continue;
                    }
                }
                Some(_) => return Err(self.err("expected value")),
            }
            // After a value: a comma (then the next value) or the end of containers.
            loop {
                let Some(obj) = open.last() else {
                    return Ok(());
                };
                match self.ws() {
                    Some(b',') => {
                        self.pos += 1;
                        if obj {
                            self.skip_key()?;
                        } else if self.ws() == Some(b']') {
                            return Err(self.err("trailing comma"));
                        }
                        break;
                    }
                    Some(b']') if !obj => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(b'}') if obj => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(_) if obj => return Err(self.err("expected `,` or `}`")),
                    Some(_) => return Err(self.err("expected `,` or `]`")),
                    None if obj => return Err(self.err("EOF while parsing an object")),
                    None => return Err(self.err("EOF while parsing a list")),
                }
            }
        }
    }

    /// A key and its colon, inside an object being skipped.
    #[inline(always)]
    fn skip_key(&mut self) -> Result<(), Error> {
        match self.ws() {
            Some(b'"') => self.skip_string_here()?,
            Some(b'}') => return Err(self.err("trailing comma")),
            Some(_) => return Err(self.err("key must be a string")),
            None => return Err(self.err("EOF while parsing an object")),
        }
        self.colon()
    }

    /// The `:` after a key.
    #[inline(always)]
    pub(super) fn colon(&mut self) -> Result<(), Error> {
        match self.ws() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.err("expected `:`")),
            None => Err(self.err("EOF while parsing an object")),
        }
    }

    /// Skips the string whose opening quote is the next byte, checking it as a string.
    #[inline]
    fn skip_string(&mut self) -> Result<(), Error> {
        self.skip_string_here()
    }

    /// [`Reader::skip_string`], always inlined: the loop of [`Reader::skip_nested`] meets a
    /// string at every key, and a call there cost a fifth of the string's instructions.
    #[inline(always)]
    fn skip_string_here(&mut self) -> Result<(), Error> {
        let mut i = self.pos + 1;
        loop {
            i = find_special::<true>(self.buf, i);
            match self.buf.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b'\\') => i = self.escape(i + 1, false, false)?,
                Some(_) => {
                    return Err(self.err_at(
                        i,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                None => return Err(self.err_at(i, "EOF while parsing a string")),
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, by grammar only.
    fn skip_number(&mut self) -> Result<(), Error> {
        let buf = self.buf;
        let mut i = self.pos;
        if buf.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while buf.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        match buf.get(i) {
            Some(b'0') => {
                i += 1;
                if buf.get(i).is_some_and(u8::is_ascii_digit) {
                    return Err(self.err_at(i, "invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            Some(_) => return Err(self.err_at(i, "invalid number")),
            None => return Err(self.err_at(i, "EOF while parsing a value")),
        }
        if buf.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return Err(self.err_at(i, "invalid number"));
            }
        }
        if matches!(buf.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(buf.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return Err(self.err_at(i, "invalid number"));
            }
        }
        self.pos = i;
        Ok(())
    }
}

/// The containers a skip is inside, innermost last (`true`: an object): the first 64 as bits
/// of one word (a `u128` cost a few instructions more at every value), deeper ones (rare, and
/// unbounded as in `serde_json`) in a `Vec`.
#[derive(Default)]
struct Open {
    bits: u64,
    len: usize,
    deeper: Vec<bool>,
}

impl Open {
    /// How many containers are held as bits.
    const BITS: usize = u64::BITS as usize;

    fn push(&mut self, obj: bool) {
        if self.len < Self::BITS {
            let bit = 1u64 << self.len;
            self.bits = if obj {
                self.bits | bit
            } else {
                self.bits & !bit
            };
        } else {
            self.deeper.push(obj);
        }
        self.len += 1;
    }

    fn last(&self) -> Option<bool> {
        match self.len {
            0 => None,
            1..=Self::BITS => Some(self.bits >> (self.len - 1) & 1 == 1),
            _ => self.deeper.last().copied(),
        }
    }

    fn pop(&mut self) {
        if self.len > Self::BITS {
            self.deeper.pop();
        }
        self.len = self.len.saturating_sub(1);
    }
}
