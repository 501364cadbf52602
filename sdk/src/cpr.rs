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
/// part of a longer number. Used on messages, found values and source lines. Text that is
/// JSON may hide digits in escapes (`\u0030`): mask a parsed value with [`mask_in_value`].
///
/// ```
/// use ffbkit_sdk::cpr::mask_in_text;
/// assert_eq!(mask_in_text(r#""value": "0101814321""#), r#""value": "010181-****""#);
/// assert_eq!(mask_in_text("cpr 010181-4321."), "cpr 010181-****.");
/// assert_eq!(mask_in_text("cpr 010181 4321."), "cpr 010181-****.");
/// assert_eq!(mask_in_text("id 12345678901"), "id 12345678901");
/// ```
pub fn mask_in_text(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let (len, matched) = if run == 10 {
                (10, true)
            } else if run == 6 && matches!(b.get(i + 6), Some(b'-' | b' ')) {
                let tail = b[i + 7..].iter().take_while(|c| c.is_ascii_digit()).count();
                (11, tail == 4)
            } else {
                (run, false)
            };
            if matched {
                out.push_str(&text[copied..i]);
                out.push_str(&text[i..i + 6]);
                out.push_str("-****");
                i += len;
                copied = i;
                continue;
            }
            i += run.max(1);
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
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
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(mask_in_text(s)),
        Value::Array(a) => Value::Array(a.iter().map(mask_in_value).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (mask_in_text(k), mask_in_value(v))).collect()),
        other => other.clone(),
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
