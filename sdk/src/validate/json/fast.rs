//! The fast parse: a recursive-descent parser over UTF-8 text that builds the tree
//! straight into the arena. It accepts only input it is sure serde_json reads the same
//! way and gives up (`None`) on anything else, for [`super::reference`] to decide: syntax
//! errors, escapes of lone surrogates, integers serde_json turns into floats (`-0`, more
//! than fit u64), nesting deeper than 100 levels (serde_json's limit is 128).

use super::{string_worth_a_look, Arena, Json, Noticed, Number, Obj};
use std::collections::HashSet;

/// Deepest nesting the fast parser takes on (serde_json's own limit is 128).
const MAX_DEPTH: u32 = 100;

/// Objects up to this size are checked for repeated keys by comparing; larger ones with a
/// set (no quadratic time on hostile input).
const DUP_SCAN: usize = 32;

/// Parse `text` into `arena`: the tree and what the parse noticed (a repeated key, a value
/// FHIR's JSON representation may not allow), or `None` when serde_json must decide.
pub(crate) fn parse<'a>(text: &'a str, arena: &'a Arena) -> Option<(Json<'a>, Noticed)> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        arena,
        members: Vec::with_capacity(64),
        items: Vec::with_capacity(64),
        buf: String::new(),
        dup: false,
        odd: false,
        depth: 0,
        reference_below: false,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    (p.i == p.b.len()).then_some((v, Noticed { duplicate_keys: p.dup, representation: p.odd }))
}

/// The repeated-key check of one object.
#[derive(Default)]
pub(crate) struct DupCheck<'a> {
    /// One bit per (length, last byte) class of the keys read so far: a key whose bit is
    /// clear cannot be a repeat, so most keys are decided without comparing.
    classes: u64,
    seen: Option<HashSet<&'a str>>,
}

impl<'a> DupCheck<'a> {
    /// True when `key` is among `before` (the members read so far).
    #[inline(always)]
    pub(crate) fn repeats(&mut self, before: &[(&'a str, Json<'a>)], key: &'a str) -> bool {
        let b = key.as_bytes();
        let bit = 1u64 << ((b.len().wrapping_mul(7) + usize::from(b.last().copied().unwrap_or(0))) & 63);
        let maybe = self.classes & bit != 0;
        self.classes |= bit;
        if !maybe && self.seen.is_none() {
            return false;
        }
        self.compare(before, key, maybe)
    }

    /// The rest of [`DupCheck::repeats`]: a key whose class was seen, or any key of a large
    /// object.
    #[inline(never)]
    fn compare(&mut self, before: &[(&'a str, Json<'a>)], key: &'a str, maybe: bool) -> bool {
        if !maybe {
            if let Some(set) = &mut self.seen {
                set.insert(key);
            }
            return false;
        }
        if before.len() < DUP_SCAN {
            return before.iter().any(|(k, _)| *k == key);
        }
        let set = self.seen.get_or_insert_with(|| before.iter().map(|(k, _)| *k).collect());
        !set.insert(key)
    }
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    arena: &'a Arena,
    /// Members of the objects being parsed, innermost last.
    members: Vec<(&'a str, Json<'a>)>,
    /// Items of the arrays being parsed, innermost last.
    items: Vec<Json<'a>>,
    /// Scratch for strings with escapes.
    buf: String,
    dup: bool,
    /// A value FHIR's JSON representation may not allow was read (see [`Noticed`]).
    odd: bool,
    depth: u32,
    /// A member named `reference` was read in the object being parsed or below it.
    reference_below: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A mask with the high bit set at (at least) the first of the 8 bytes that is a quote, a
/// backslash or a control character; zero when none is.
#[inline]
fn special(x: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\'))) | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
}

impl<'a> Parser<'a> {
    #[inline]
    fn ws(&mut self) {
        // Compact JSON has none: one comparison decides.
        if self.b.get(self.i).is_none_or(|&c| c > b' ') {
            return;
        }
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn value(&mut self) -> Option<Json<'a>> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                let s = self.string()?;
                self.odd |= string_worth_a_look(s);
                Some(Json::String(s))
            }
            b'{' => self.object(),
            b'[' => self.array(),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'n' => {
                self.odd = true;
                self.literal(b"null", Json::Null)
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8], v: Json<'a>) -> Option<Json<'a>> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }

    /// Enter an object or array at its opening bracket: `Some(true)` when it is empty
    /// (closed at once by `close`), `None` when it nests too deep.
    fn open(&mut self, close: u8) -> Option<bool> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.i += 1;
        self.ws();
        let empty = self.peek() == Some(close);
        if empty {
            self.i += 1;
        }
        Some(empty)
    }

    /// After a member or item: `Some(false)` after a comma (another follows), `Some(true)`
    /// at `close`, `None` at anything else.
    fn next_or_close(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let c = self.peek()?;
        self.i += 1;
        if c == b',' {
            self.ws();
            Some(false)
        } else {
            (c == close).then_some(true)
        }
    }

    fn object(&mut self) -> Option<Json<'a>> {
        let start = self.members.len();
        let opened = self.i;
        let outer_reference = std::mem::replace(&mut self.reference_below, false);
        let mut check = DupCheck::default();
        if self.open(b'}')? {
            self.odd = true;
        } else {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                self.i += 1;
                let k = self.string()?;
                self.reference_below |= k.len() == 9 && k == "reference";
                self.ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.i += 1;
                self.ws();
                let v = self.value()?;
                if !self.dup && check.repeats(&self.members[start..], k) {
                    self.dup = true;
                }
                self.members.push((k, v));
                if self.next_or_close(b'}')? {
                    break;
                }
            }
        }
        let reference_below = self.reference_below;
        self.reference_below |= outer_reference;
        let obj = Obj::new(self.arena, &self.members[start..], self.text.get(opened..self.i)?, reference_below);
        self.members.truncate(start);
        self.depth -= 1;
        Some(Json::Object(obj))
    }

    fn array(&mut self) -> Option<Json<'a>> {
        let start = self.items.len();
        if self.open(b']')? {
            self.odd = true;
        } else {
            loop {
                let v = self.value()?;
                self.items.push(v);
                if self.next_or_close(b']')? {
                    break;
                }
            }
        }
        let slice = self.arena.alloc_slice(&self.items[start..]);
        self.items.truncate(start);
        self.depth -= 1;
        Some(Json::Array(slice))
    }

    /// The rest of a string whose opening quote was read.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        let start = self.i;
        loop {
            self.skip_plain();
            match self.peek()? {
                b'"' => {
                    let s = self.text.get(start..self.i)?;
                    self.i += 1;
                    return Some(s);
                }
                b'\\' => return self.escaped(start),
                c if c < 0x20 => return None,
                _ => self.i += 1,
            }
        }
    }

    /// Skip bytes that need no attention, eight at a time.
    #[inline(always)]
    fn skip_plain(&mut self) {
        while let Some(chunk) = self.b.get(self.i..self.i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let m = special(x);
            if m != 0 {
                self.i += (m.trailing_zeros() / 8) as usize;
                return;
            }
            self.i += 8;
        }
    }

    /// A string with escapes: unescaped into the scratch buffer, then into the arena.
    fn escaped(&mut self, start: usize) -> Option<&'a str> {
        self.buf.clear();
        self.buf.push_str(self.text.get(start..self.i)?);
        loop {
            let from = self.i;
            self.skip_plain();
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
                self.skip_plain();
            }
            self.buf.push_str(self.text.get(from..self.i)?);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(self.arena.alloc_str(&self.buf));
                }
                b'\\' => {
                    self.i += 1;
                    let c = match self.peek()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let cp = match hi {
                                0xD800..=0xDBFF => {
                                    if self.b.get(self.i..self.i + 2)? != b"\\u" {
                                        return None;
                                    }
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..=0xDFFF).contains(&lo) {
                                        return None;
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                }
                                0xDC00..=0xDFFF => return None,
                                cp => cp,
                            };
                            self.buf.push(char::from_u32(cp)?);
                            continue;
                        }
                        _ => return None,
                    };
                    self.i += 1;
                    self.buf.push(c);
                }
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + (d as char).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> Option<Json<'a>> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.i += 1;
        }
        let int_start = self.i;
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        let int_end = self.i;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
            float = true;
        }
        if float {
            // serde_json's own float reading, on just this number.
            let f: f64 = serde_json::from_str(self.text.get(start..self.i)?).ok()?;
            return f.is_finite().then_some(Json::Number(Number::Float(f)));
        }
        let digits = &self.b[int_start..int_end];
        let n = if digits.len() <= 19 {
            digits.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'))
        } else if digits.len() == 20 {
            digits.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))?
        } else {
            return None; // serde_json reads these as floats
        };
        if !negative {
            return Some(Json::Number(Number::PosInt(n)));
        }
        if n == 0 || n > 1 << 63 {
            return None; // serde_json reads -0 and what does not fit i64 as floats
        }
        Some(Json::Number(Number::NegInt((n as i64).wrapping_neg())))
    }
}
