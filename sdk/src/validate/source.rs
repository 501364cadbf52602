//! Reading a report: UTF-8 and JSON checks with limits, duplicate keys, and the line and
//! column of any JSON Pointer (computed only when a finding needs it).

use super::json::{Arena, Json, Noticed};
use std::collections::HashMap;

/// Limits on one report.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest report in bytes; a larger one is refused unread (default 32 MiB).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 32 * 1024 * 1024 }
    }
}

/// Why a report could not be read as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonProblem {
    /// What is wrong, in plain words.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
}

/// Parse a report into `arena`, refusing invalid UTF-8, malformed JSON, nesting beyond
/// serde_json's limit of 128 and oversized input. `Ok` carries the value and what the parse
/// noticed: whether any object had a duplicate key (find them with
/// [`SourceIndex::duplicate_keys`]) and whether a value FHIR's JSON representation may not
/// allow occurs (the validator then looks for it).
///
/// ```
/// use ffbkit_sdk::validate::{json::Arena, source};
/// let arena = Arena::new();
/// let (v, noticed) = source::parse(br#"{"a": [1, "x"]}"#, &arena, &source::Limits::default()).unwrap();
/// assert_eq!(v.pointer("/a/1").and_then(|x| x.as_str()), Some("x"));
/// assert!(!noticed.duplicate_keys && !noticed.representation);
/// let (_, noticed) = source::parse(br#"{"a": []}"#, &arena, &source::Limits::default()).unwrap();
/// assert!(noticed.representation);
/// ```
pub fn parse<'a>(bytes: &'a [u8], arena: &'a Arena, limits: &Limits) -> Result<(Json<'a>, Noticed), JsonProblem> {
    if bytes.len() > limits.max_bytes {
        return Err(JsonProblem {
            message: format!("the report is {} bytes, more than the limit of {} bytes", bytes.len(), limits.max_bytes),
            line: None,
            column: None,
        });
    }
    let mut noticed = Noticed::default();
    let value = super::json::from_slice(bytes, arena, &mut noticed).map_err(|e| {
        // A UTF-8 byte order mark is refused (RFC 8259 section 8.1: not to be added; a
        // gateway need not ignore it), but named, not "expected value at 1:1". Only on the
        // error path: no cost for a report that parses.
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            return JsonProblem {
                message: "a byte order mark (BOM, bytes EF BB BF) before the JSON: save the report as UTF-8 without a BOM".into(),
                line: Some(1),
                column: Some(1),
            };
        }
        // serde_json checks UTF-8 as it reads strings; say so plainly when that was it.
        if let Err(u) = std::str::from_utf8(bytes) {
            let (line, column) = line_col(bytes, u.valid_up_to());
            return JsonProblem {
                message: format!("the report is not valid UTF-8 (byte {})", u.valid_up_to()),
                line: Some(line),
                column: Some(column),
            };
        }
        JsonProblem {
            message: describe_json_error(&e),
            line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
            column: u32::try_from(e.column()).ok().filter(|c| *c > 0),
        }
    })?;
    Ok((value, noticed))
}

fn describe_json_error(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    let text = raw.split(" at line ").next().unwrap_or(&raw);
    match e.classify() {
        serde_json::error::Category::Eof => format!("the JSON ends too early (truncated?): {text}"),
        _ if text.contains("recursion limit") => "the JSON is nested more than 128 levels deep".to_string(),
        _ => format!("malformed JSON: {text}"),
    }
}

/// 1-based line and character column of many byte offsets, each with its tag, in one pass
/// over the text (the offsets are sorted first): linear in the text and the offsets.
pub(crate) fn line_cols<T>(bytes: &[u8], mut offsets: Vec<(usize, T)>) -> Vec<((u32, u32), T)> {
    offsets.sort_by_key(|(o, _)| *o);
    let (mut at, mut line, mut chars) = (0usize, 1u32, 0u32);
    let mut out = Vec::with_capacity(offsets.len());
    for (offset, tag) in offsets {
        let offset = offset.min(bytes.len());
        for &b in &bytes[at..offset] {
            if b == b'\n' {
                line += 1;
                chars = 0;
            } else if b & 0xC0 != 0x80 {
                // A byte that starts a character (the text is UTF-8: it parsed).
                chars += 1;
            }
        }
        at = offset.max(at);
        out.push(((line, chars + 1), tag));
    }
    out
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(bytes: &[u8], offset: usize) -> (u32, u32) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&bytes[line_start..offset]).chars().count() + 1;
    (line as u32, col as u32)
}

/// Positions of every member and item of a parsed document, by JSON Pointer; built on
/// demand by a second, allocation-light pass over text that already parsed.
pub(crate) struct SourceIndex {
    positions: HashMap<String, usize>,
    duplicates: Vec<(String, usize)>,
}

impl SourceIndex {
    /// Index `text` (which must be JSON that [`parse`] accepted).
    pub(crate) fn build(text: &[u8]) -> SourceIndex {
        let mut s = Scanner { b: text, i: 0, positions: HashMap::new(), duplicates: Vec::new() };
        s.ws();
        let mut path = String::new();
        s.positions.insert(String::new(), s.i);
        s.value(&mut path);
        SourceIndex { positions: s.positions, duplicates: s.duplicates }
    }

    /// Byte offset of the member (its key) or item a pointer names; falls back to the
    /// nearest enclosing element that exists.
    pub(crate) fn offset(&self, pointer: &str) -> Option<usize> {
        let mut p = pointer;
        loop {
            if let Some(&o) = self.positions.get(p) {
                return Some(o);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// Pointers and byte offsets of keys that occur twice in one object (the later ones).
    pub(crate) fn duplicate_keys(&self) -> &[(String, usize)] {
        &self.duplicates
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    positions: HashMap<String, usize>,
    duplicates: Vec<(String, usize)>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn string(&mut self) -> String {
        // At an opening quote; returns the unescaped content.
        let start = self.i + 1;
        let mut j = start;
        while j < self.b.len() && self.b[j] != b'"' {
            j += if self.b[j] == b'\\' { 2 } else { 1 };
        }
        let raw = &self.b[self.i..(j + 1).min(self.b.len())];
        self.i = (j + 1).min(self.b.len());
        serde_json::from_slice::<String>(raw).unwrap_or_default()
    }

    fn value(&mut self, path: &mut String) {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut seen = std::collections::HashSet::new();
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        Some(b'"') => {
                            let key_at = self.i;
                            let key = self.string();
                            let len = path.len();
                            path.push('/');
                            path.push_str(&super::path::pointer_segment(&key));
                            if !seen.insert(key) {
                                self.duplicates.push((path.clone(), key_at));
                            }
                            self.positions.insert(path.clone(), key_at);
                            self.ws();
                            if self.b.get(self.i) == Some(&b':') {
                                self.i += 1;
                            }
                            self.value(path);
                            path.truncate(len);
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut n = 0usize;
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => {
                            self.i += 1;
                        }
                        Some(_) => {
                            let len = path.len();
                            path.push('/');
                            path.push_str(&n.to_string());
                            self.positions.insert(path.clone(), self.i);
                            self.value(path);
                            path.truncate(len);
                            n += 1;
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_positions_count_characters_not_bytes() {
        let text = "{\n  \"æø\": \"å\", \"b\": 1\n}".as_bytes();
        let offsets: Vec<(usize, usize)> =
            (0..=text.len()).filter(|&o| o == text.len() || text[o] & 0xC0 != 0x80).map(|o| (o, o)).collect();
        for ((l, c), o) in line_cols(text, offsets) {
            assert_eq!((l, c), line_col(text, o), "offset {o}");
        }
    }

    #[test]
    fn locates_members_and_items() {
        let text = br#"{
  "a": [1, {"b": "x"}],
  "c/d": true
}"#;
        let idx = SourceIndex::build(text);
        assert_eq!(line_col(text, idx.offset("/a").unwrap()), (2, 3));
        assert_eq!(line_col(text, idx.offset("/a/1/b").unwrap()), (2, 13));
        assert_eq!(line_col(text, idx.offset("/c~1d").unwrap()), (3, 3));
        assert_eq!(line_col(text, idx.offset("/a/1/zzz").unwrap()), (2, 12), "falls back to parent");
        // The one-pass positions agree with the per-offset ones, in any order of offsets.
        let offsets: Vec<(usize, usize)> = (0..=text.len()).rev().map(|o| (o, o)).collect();
        for ((l, c), o) in line_cols(text, offsets) {
            assert_eq!((l, c), line_col(text, o), "offset {o}");
        }
    }

    #[test]
    fn finds_duplicate_keys() {
        let text = br#"{"a": 1, "b": {"x": 1, "x": 2}}"#;
        let (_, noticed) = parse(text, &Arena::new(), &Limits::default()).unwrap();
        assert!(noticed.duplicate_keys);
        let idx = SourceIndex::build(text);
        assert_eq!(idx.duplicate_keys().len(), 1);
        assert_eq!(idx.duplicate_keys()[0].0, "/b/x");
    }

    #[test]
    fn refuses_bad_input_with_positions() {
        let l = Limits::default();
        assert!(parse(b"{\"a\": ", &Arena::new(), &l).unwrap_err().message.contains("ends too early"));
        let e = parse(b"{\"a\": \xff}", &Arena::new(), &l).unwrap_err();
        assert!(e.message.contains("UTF-8"));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(deep.as_bytes(), &Arena::new(), &l).unwrap_err().message.contains("128 levels"));
        let small = Limits { max_bytes: 4 };
        assert!(parse(b"{\"a\":1}", &Arena::new(), &small).unwrap_err().message.contains("limit"));
        let e = parse(b"{\n  \"a\": tru\n}", &Arena::new(), &l).unwrap_err();
        assert!(matches!(e.line, Some(2 | 3)));
    }
}
