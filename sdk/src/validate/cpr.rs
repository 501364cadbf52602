//! CPR numbers (Danish personal identification numbers): syntax check and masking.
//! CPR numbers are personal data: every report and log masks them (`010181-****`)
//! unless the user asks otherwise.

/// True when `value` is a syntactically valid CPR number: ten digits whose first six are a
/// day and month that exist (29 February is allowed, as the year is not fully known).
/// No modulus-11 check: CPR numbers since 2007 need not satisfy it.
///
/// ```
/// use ffbkit_sdk::validate::cpr::is_valid_cpr;
/// assert!(is_valid_cpr("0101814321"));
/// assert!(is_valid_cpr("2902001234"));
/// assert!(!is_valid_cpr("3102001234"));
/// assert!(!is_valid_cpr("010181-4321"));
/// assert!(!is_valid_cpr("01018143"));
/// ```
pub fn is_valid_cpr(value: &str) -> bool {
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

/// Mask a CPR number: keep the birth date, hide the serial (`0101814321` -> `010181-****`).
pub fn mask_cpr(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 6 {
        format!("{}-****", &digits[..6])
    } else {
        "******-****".into()
    }
}

/// Mask every CPR-like run in free text: ten digits (optionally `DDMMYY-XXXX`) not part of
/// a longer number. Used on messages, found values and source lines.
///
/// ```
/// use ffbkit_sdk::validate::cpr::mask_cpr_in_text;
/// assert_eq!(mask_cpr_in_text(r#""value": "0101814321""#), r#""value": "010181-****""#);
/// assert_eq!(mask_cpr_in_text("cpr 010181-4321."), "cpr 010181-****.");
/// assert_eq!(mask_cpr_in_text("id 12345678901"), "id 12345678901");
/// ```
pub fn mask_cpr_in_text(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let (len, matched) = if run == 10 {
                (10, true)
            } else if run == 6 && b.get(i + 6) == Some(&b'-') {
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
