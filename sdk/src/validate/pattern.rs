//! The `pattern` keyword: the regular expressions of the schemas, with hand-written
//! matchers for the handful that are checked on nearly every string (FHIR `string`, `id`,
//! `code`, `date`, `dateTime`, `instant`, CPR digits, `urn:uuid`).
//!
//! The regex crate stays the definition: [`Pattern::compile`] always compiles the
//! expression, a matcher is only used for the exact pattern text it was written for, and
//! the tests check every matcher against its regex on generated strings. The matchers
//! exist because one shared `Regex` is slow when several threads use it at once (its
//! cache pool favours one thread) and because these patterns are simple enough to decide
//! in one pass over the bytes.

use regex::Regex;

/// The patterns with their own matcher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    /// `^[ \r\n\t\S]+$`: FHIR `string` (no whitespace but space, CR, LF and tab).
    FhirString,
    /// `^\S+$`: FHIR `uri` and friends.
    NoWhitespace,
    /// `^[^\s]+(\s[^\s]+)*$`: FHIR `code` (single whitespace between tokens).
    Code,
    /// `^[A-Za-z0-9\-\.]{1,64}$`: FHIR `id`.
    Id,
    /// `^[0-9]{10}$`: ten digits.
    TenDigits,
    /// `^urn:uuid:` and a lower-case UUID.
    UrnUuid,
    /// FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// FHIR `dateTime`: a date, or a full day with time and zone.
    DateTime,
    /// FHIR `instant`: a full day with time and zone.
    Instant,
    /// `^(<|<=|>=|>)$`: a quantity comparator.
    Comparator,
}

const YEAR: &str = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
const MONTH: &str = "(0[1-9]|1[0-2])";
const DAY: &str = "(0[1-9]|[1-2][0-9]|3[0-1])";
const TIME_ZONE: &str = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";

impl Known {
    /// The matcher written for exactly this pattern text, if any.
    fn of(pattern: &str) -> Option<Known> {
        let known = [
            (Known::FhirString, "^[ \\r\\n\\t\\S]+$".to_string()),
            (Known::NoWhitespace, "^\\S+$".to_string()),
            (Known::Code, "^[^\\s]+(\\s[^\\s]+)*$".to_string()),
            (Known::Id, "^[A-Za-z0-9\\-\\.]{1,64}$".to_string()),
            (Known::TenDigits, "^[0-9]{10}$".to_string()),
            (Known::UrnUuid, "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$".to_string()),
            (Known::Date, format!("^{YEAR}(-{MONTH}(-{DAY})?)?$")),
            (Known::DateTime, format!("^{YEAR}(-{MONTH}(-{DAY}(T{TIME_ZONE})?)?)?$")),
            (Known::Instant, format!("^{YEAR}-{MONTH}-{DAY}T{TIME_ZONE}$")),
            (Known::Comparator, "^(<|<=|>=|>)$".to_string()),
        ];
        known.into_iter().find(|(_, p)| p == pattern).map(|(k, _)| k)
    }

    fn is_match(self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Known::FhirString => {
                !s.is_empty()
                    && no_whitespace(s, |b| matches!(b, 0x0b | 0x0c), |c| matches!(c, ' ' | '\r' | '\n' | '\t') || !c.is_whitespace())
            }
            Known::NoWhitespace => {
                !s.is_empty() && no_whitespace(s, |b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), |c| !c.is_whitespace())
            }
            // Plain ASCII without any whitespace (nearly every code) needs no more.
            Known::Code if !any_byte(b, |c| c >= 0x80 || c.is_ascii_whitespace() || c == 0x0b) => !b.is_empty(),
            Known::Code => {
                let mut previous_space = true; // no leading whitespace
                for c in s.chars() {
                    let space = c.is_whitespace();
                    if space && previous_space {
                        return false;
                    }
                    previous_space = space;
                }
                !s.is_empty() && !previous_space
            }
            Known::Id => (1..=64).contains(&b.len()) && !any_byte(b, |c| !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.')),
            Known::TenDigits => b.len() == 10 && b.iter().all(u8::is_ascii_digit),
            Known::UrnUuid => s.strip_prefix("urn:uuid:").is_some_and(crate::ids::is_uuid),
            Known::Date => date(b).is_some_and(|(rest, _)| rest.is_empty()),
            Known::DateTime => match date(b) {
                Some((rest, full_day)) => rest.is_empty() || (full_day && rest.first() == Some(&b'T') && time_zone(&rest[1..])),
                None => false,
            },
            Known::Instant => match date(b) {
                Some((rest, true)) => rest.first() == Some(&b'T') && time_zone(&rest[1..]),
                _ => false,
            },
            Known::Comparator => matches!(s, "<" | "<=" | ">=" | ">"),
        }
    }
}

/// True when no ASCII byte of `s` is one of `ascii_bad` and every other character passes
/// `ok`: the ASCII bytes are decided one by one, the rest (rare) by character.
fn no_whitespace(s: &str, ascii_bad: impl Fn(u8) -> bool, ok: impl Fn(char) -> bool) -> bool {
    if !any_byte(s.as_bytes(), |b| !b.is_ascii() || ascii_bad(b)) {
        return true;
    }
    match s.bytes().position(|b| !b.is_ascii() || ascii_bad(b)) {
        None => true,
        Some(i) if s.as_bytes()[i].is_ascii() => false,
        Some(i) => s[i..].chars().all(ok),
    }
}

/// True when some byte of `b` passes `test`. Written without an early exit so that the
/// compiler can test many bytes per instruction; the strings checked are short.
#[inline]
fn any_byte(b: &[u8], test: impl Fn(u8) -> bool) -> bool {
    b.iter().fold(false, |any, &c| any | test(c))
}

/// Two ASCII digits at the start of `b`, as a number.
fn two(b: &[u8]) -> Option<u32> {
    match b {
        [x, y, ..] if x.is_ascii_digit() && y.is_ascii_digit() => Some(u32::from(x - b'0') * 10 + u32::from(y - b'0')),
        _ => None,
    }
}

/// The longest FHIR date at the start of `b` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): the rest,
/// and whether the date has a day. `None` when `b` does not start with a valid year.
fn date(b: &[u8]) -> Option<(&[u8], bool)> {
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) || &b[..4] == b"0000" {
        return None;
    }
    let rest = &b[4..];
    // A month follows only as a whole `-MM`; anything else is left as the rest.
    let month = |r: &[u8]| r.first() == Some(&b'-') && two(&r[1..]).is_some_and(|m| (1..=12).contains(&m));
    if !month(rest) {
        return Some((rest, false));
    }
    let rest = &rest[3..];
    let day = |r: &[u8]| r.first() == Some(&b'-') && two(&r[1..]).is_some_and(|d| (1..=31).contains(&d));
    if !day(rest) {
        return Some((rest, false));
    }
    Some((&rest[3..], true))
}

/// `hh:mm:ss(.f+)?` and a zone (`Z`, `+hh:mm`, `-hh:mm`), the whole of `b`.
fn time_zone(b: &[u8]) -> bool {
    let field = |b: &[u8], max: u32| two(b).is_some_and(|v| v <= max);
    if b.len() < 9 || !field(b, 23) || b[2] != b':' || !field(&b[3..], 59) || b[5] != b':' || !field(&b[6..], 60) {
        return false;
    }
    let mut rest = &b[8..];
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[1 + digits..];
    }
    match rest {
        [b'Z'] => true,
        [b'+' | b'-', zone @ ..] => zone.len() == 5 && zone[2] == b':' && (zone == b"14:00" || (field(zone, 13) && field(&zone[3..], 59))),
        _ => false,
    }
}

/// A compiled `pattern`.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    regex: Regex,
    known: Option<Known>,
}

impl Pattern {
    /// Compile a pattern (a regex error is the caller's compile error).
    pub(crate) fn compile(pattern: &str) -> Result<Pattern, regex::Error> {
        Ok(Pattern { regex: Regex::new(pattern)?, known: Known::of(pattern) })
    }

    /// True when `s` matches.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        match self.known {
            Some(k) => k.is_match(s),
            None => self.regex.is_match(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL: [Known; 10] = [
        Known::FhirString,
        Known::NoWhitespace,
        Known::Code,
        Known::Id,
        Known::TenDigits,
        Known::UrnUuid,
        Known::Date,
        Known::DateTime,
        Known::Instant,
        Known::Comparator,
    ];

    /// Every pattern of the schemas that has a matcher.
    fn schema_patterns() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/fhir");
        let mut out = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            collect(&serde_json::from_str(&text).unwrap(), &mut out);
        }
        out
    }

    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(p) = m.get("pattern").and_then(|p| p.as_str()) {
                    out.push(p.to_string());
                }
                m.values().for_each(|x| collect(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }

    fn patterns() -> &'static [(Known, Regex)] {
        static PATTERNS: std::sync::OnceLock<Vec<(Known, Regex)>> = std::sync::OnceLock::new();
        PATTERNS.get_or_init(|| {
            let all = schema_patterns();
            ALL.iter()
                .map(|&k| {
                    let text = all.iter().find(|p| Known::of(p) == Some(k)).unwrap_or_else(|| panic!("{k:?} is no pattern of the schemas"));
                    (k, Regex::new(text).unwrap())
                })
                .collect()
        })
    }

    #[test]
    fn every_matcher_is_for_a_pattern_of_the_schemas() {
        assert_eq!(patterns().len(), ALL.len());
        let with_matcher = schema_patterns().iter().filter(|p| Known::of(p).is_some()).count();
        assert!(with_matcher >= ALL.len());
    }

    #[test]
    fn matchers_agree_with_the_regex_on_edge_cases() {
        let cases = [
            "",
            " ",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\u{a0}b",
            "a\u{2003}",
            "\u{85}",
            "x\r\ny",
            "0",
            "0000",
            "0001",
            "1000",
            "2025",
            "2025-",
            "2025-1",
            "2025-00",
            "2025-01",
            "2025-13",
            "2025-12-31",
            "2025-12-32",
            "2025-02-30",
            "2025-01-01T",
            "2025-01-01T10:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T23:59:60+14:00",
            "2025-01-01T23:59:59+14:01",
            "2025-01-01T23:59:59-13:59",
            "2025-01-01T23:59:59.Z",
            "2025-01-01T23:59:59.123456+01:00",
            "2025-01-01T10:00Z",
            "2025-01T10:00:00Z",
            "2025-01-01 10:00:00Z",
            "2025-01-01T10:00:00+0100",
            "0123456789",
            "012345678",
            "01234567890",
            "012345678a",
            "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
            "urn:uuid:123E4567-e89b-12d3-a456-426614174000",
            "urn:uuid:123e4567e89b-12d3-a456-4266141740000",
            "<",
            "<=",
            ">=",
            ">",
            "=",
            "<<",
            "A-Za-z.0",
            "a_b",
            &"x".repeat(64),
            &"x".repeat(65),
            "ÆØÅ",
            "\u{0660}\u{0661}",
            "a\u{b}b",
            "a\u{c}",
            "a\u{1c}b",
            "æ b",
            "æ\u{a0}b",
            "\u{3000}",
        ];
        for (k, re) in patterns() {
            for c in cases {
                assert_eq!(k.is_match(c), re.is_match(c), "{k:?} on {c:?}");
            }
        }
    }

    fn alphabet() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            '0', '1', '2', '3', '4', '5', '9', '-', ':', 'T', 'Z', '+', '.', ' ', '\t', '\n', '\u{a0}', '\u{2028}', 'a', 'f', 'g', 'A',
            'u', 'r', 'n', 'i', 'd', '<', '=', '>', 'æ', '\u{b}', '\u{c}', '\u{1c}', '\u{85}',
        ]);
        prop::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect())
    }

    /// Strings shaped like dates, times and uuids, mostly near-valid.
    fn shaped() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,3})?(Z|[+-][0-9]{2}:[0-9]{2}|))?)?)?",
            "urn:uuid:[0-9a-fA-F]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{11,13}",
            "[0-9]{9,11}",
            "[A-Za-z0-9.\\-_ ]{0,70}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn matchers_agree_with_the_regex(s in prop_oneof![alphabet(), shaped()]) {
            for (k, re) in patterns() {
                prop_assert_eq!(k.is_match(&s), re.is_match(&s), "{:?} on {:?}", k, s);
            }
        }
    }
}
