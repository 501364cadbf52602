//! CPR numbers (Danish personal identification numbers): the syntax check, masking and the
//! one pseudonym scheme. CPR numbers are personal data: every report, log and table masks
//! them (`010181-****`) unless the user asks otherwise, and a citizen named where the
//! number may not be shown (the receiver's store, Python's `cpr="pseudonym"`) is named by
//! its [`pseudonym`].
//!
//! Which CPR number a report is about is [`crate::report::citizen_cpr`]'s answer.

/// True when `value` is a syntactically valid CPR number: ten digits whose first six are a
/// day and month that exist (29 February is allowed, as the year is not fully known).
/// No modulus-11 check: CPR numbers since 2007 need not satisfy it (GW-CITIZEN).
///
/// ```
/// use ffbkit_sdk::cpr::is_valid;
/// assert!(is_valid("0101814321"));
/// assert!(is_valid("2902001234"));
/// assert!(!is_valid("3102001234"));
/// assert!(!is_valid("010181-4321"));
/// assert!(!is_valid("01018143"));
/// ```
pub fn is_valid(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let day = (b[0] - b'0') * 10 + (b[1] - b'0');
    let month = (b[2] - b'0') * 10 + (b[3] - b'0');
    let max_day = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => return false,
    };
    (1..=max_day).contains(&day)
}

/// The ten digits of a CPR number written with or without dashes (`010181-4321`,
/// `0101814321`), when they are a [valid](is_valid) CPR number.
///
/// ```
/// assert_eq!(ffbkit_sdk::cpr::parse("010181-4321").as_deref(), Some("0101814321"));
/// assert_eq!(ffbkit_sdk::cpr::parse("3102001234"), None);
/// ```
pub fn parse(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    is_valid(&digits).then_some(digits)
}

/// Mask a CPR number: keep the birth date, hide the serial (`0101814321` -> `010181-****`;
/// fewer than six digits -> `******-****`).
///
/// ```
/// assert_eq!(ffbkit_sdk::cpr::mask("0101814321"), "010181-****");
/// assert_eq!(ffbkit_sdk::cpr::mask("x"), "******-****");
/// ```
pub fn mask(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 6 {
        format!("{}-****", &digits[..6])
    } else {
        "******-****".into()
    }
}

/// Mask every CPR-like run in free text: ten digits, or `DDMMYY-XXXX` or `DDMMYY XXXX`, not
/// part of a longer number; a digit may also be written as the JSON escape `\u0030`..`\u0039`
/// (as in a source line or a raw body), so the same number written with escapes is masked
/// too (its first six digits shown plainly). Used on messages, found values, locations,
/// pointers, source lines and bodies that are not JSON: the one masking function, which
/// [`mask_in_value`] applies to each decoded string and key.
///
/// ```
/// use ffbkit_sdk::cpr::mask_in_text;
/// assert_eq!(mask_in_text(r#""value": "0101814321""#), r#""value": "010181-****""#);
/// assert_eq!(mask_in_text("cpr 010181-4321."), "cpr 010181-****.");
/// assert_eq!(mask_in_text("cpr 010181 4321."), "cpr 010181-****.");
/// assert_eq!(mask_in_text(r#""\u0030101814321""#), r#""010181-****""#);
/// assert_eq!(mask_in_text("/entry/0/resource/0101814321"), "/entry/0/resource/010181-****");
/// assert_eq!(mask_in_text("id 12345678901"), "id 12345678901");
/// ```
pub fn mask_in_text(text: &str) -> String {
    masked(text).unwrap_or_else(|| text.to_string())
}

/// [`mask_in_text`] in place: the string is rewritten only when it holds a CPR-like run.
pub fn mask_in_place(text: &mut String) {
    if let Some(m) = masked(text) {
        *text = m;
    }
}

/// The digit at `i`, plain or as a JSON escape `\u003D`, and its length in bytes.
fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    match b.get(i)? {
        d @ b'0'..=b'9' => Some((*d, 1)),
        b'\\' if b.get(i + 1..i + 5) == Some(&b"u003"[..]) && b.get(i + 5).is_some_and(u8::is_ascii_digit) => Some((b[i + 5], 6)),
        _ => None,
    }
}

/// A run of digits from `i`: the digits and the end.
fn digit_run(b: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut digits = Vec::new();
    while let Some((d, len)) = digit_at(b, i) {
        digits.push(d);
        i += len;
    }
    (digits, i)
}

/// `text` with its CPR-like runs masked, or `None` when it has none (no copy).
fn masked(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut i, mut copied) = (0, 0);
    while i < b.len() {
        if digit_at(b, i).is_none() {
            i += 1;
            continue;
        }
        let (digits, end) = digit_run(b, i);
        let matched_end = match digits.len() {
            10 => Some(end),
            6 if matches!(b.get(end), Some(b'-' | b' ')) => {
                let (tail, tail_end) = digit_run(b, end + 1);
                (tail.len() == 4).then_some(tail_end)
            }
            _ => None,
        };
        match matched_end {
            Some(to) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push_str(std::str::from_utf8(&digits[..6]).unwrap_or("******"));
                o.push_str("-****");
                i = to;
                copied = to;
            }
            None => i = end,
        }
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(o)
}

/// A JSON value with every CPR number masked in its strings and object keys, after JSON
/// decoding: digits written as escapes (`"\u0030101814321"`) are masked as well as plain
/// ones ([`mask_in_text`] on each decoded string).
///
/// ```
/// let v: serde_json::Value = serde_json::from_str(r#"{"value": "\u00301\u00301814321", "0101814321": 1}"#).unwrap();
/// assert_eq!(ffbkit_sdk::cpr::mask_in_value(&v), serde_json::json!({"value": "010181-****", "010181-****": 1}));
/// ```
pub fn mask_in_value(value: &serde_json::Value) -> serde_json::Value {
    let mut v = value.clone();
    mask_in_value_mut(&mut v);
    v
}

/// [`mask_in_value`] in place: only strings and keys that hold a CPR-like run are rewritten
/// (a large report without one is not copied).
pub fn mask_in_value_mut(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => mask_in_place(s),
        Value::Array(a) => a.iter_mut().for_each(mask_in_value_mut),
        Value::Object(o) => {
            if o.keys().any(|k| masked(k).is_some()) {
                // Rebuilt in order with the keys masked.
                *o = std::mem::take(o).into_iter().map(|(k, v)| (mask_in_text(&k), v)).collect();
            }
            o.values_mut().for_each(mask_in_value_mut);
        }
        _ => {}
    }
}

/// Hex digits in a [`pseudonym`].
pub const PSEUDONYM_LEN: usize = 32;

/// The pseudonym of a CPR number under a secret `salt`: the first 16 bytes of
/// HMAC-SHA-256(key = salt, message = the CPR number as written), as 32 lower-case hex
/// digits. Stable for one salt, unlinkable without it. The receiver's store (one random
/// salt per store) and Python's `cpr="pseudonym"` use this scheme.
///
/// ```
/// use ffbkit_sdk::cpr::{pseudonym, PSEUDONYM_LEN};
/// let a = pseudonym(b"salt", "0101814321");
/// assert_eq!(a.len(), PSEUDONYM_LEN);
/// assert_eq!(a, pseudonym(b"salt", "0101814321"));
/// assert_ne!(a, pseudonym(b"other", "0101814321"));
/// assert!(!a.contains("0101814321"));
/// ```
pub fn pseudonym(salt: &[u8], cpr: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(salt).expect("HMAC takes a key of any length");
    mac.update(cpr.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(PSEUDONYM_LEN);
    for b in &digest[..PSEUDONYM_LEN / 2] {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pseudonym_is_hmac_sha256_of_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(pseudonym(b"Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7");
    }

    #[test]
    fn masking_never_shows_the_serial() {
        for cpr in ["0101814321", "010181-4321"] {
            assert_eq!(mask(cpr), "010181-****");
            assert!(!mask_in_text(&format!("a {cpr} b")).contains("4321"));
        }
        assert_eq!(parse("010181-4321").as_deref(), Some("0101814321"));
        assert!(parse("0101814").is_none());
    }
}
