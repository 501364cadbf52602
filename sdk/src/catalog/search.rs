//! Case- and diacritics-tolerant matching of Danish terms: "aeldre" finds "ældre",
//! "STOTTE" finds "støtte".

use unicode_normalization::UnicodeNormalization;

/// Normalise a term for matching: lower case, æ/ø/å spelled `ae`/`oe`/`aa`, other
/// diacritics removed, runs of non-alphanumerics folded to one space.
///
/// ```
/// use ffbkit_sdk::catalog::search::normalize;
/// assert_eq!(normalize("Ældre- og HANDICAPvenlig bolig"), "aeldre og handicapvenlig bolig");
/// assert_eq!(normalize("Støtte til sund levevis"), normalize("stotte til sund levevis").replace("ot", "oet"));
/// assert_eq!(normalize("Café  § 85"), "cafe 85");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        let folded: &str = match ch {
            'æ' => "ae",
            'ø' => "oe",
            'å' => "aa",
            _ => "",
        };
        let mut push = |c: char| {
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            } else {
                pending_space = true;
            }
        };
        if !folded.is_empty() {
            folded.chars().for_each(&mut push);
        } else {
            // Decompose and drop combining marks (é -> e, ü -> u).
            for d in std::iter::once(ch).nfd() {
                if !is_combining(d) {
                    push(d);
                }
            }
        }
    }
    out
}

/// A looser key where `oe`/`o`, `ae`/`a`, `aa`/`a` meet, so that "stotte" (ø typed as o)
/// still finds "støtte".
pub fn loose_key(normalized: &str) -> String {
    normalized.replace("aa", "a").replace("ae", "a").replace("oe", "o")
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_danish_letters_both_ways() {
        assert_eq!(normalize("ÆØÅ æøå"), "aeoeaa aeoeaa");
        assert_eq!(loose_key(&normalize("støtte")), loose_key(&normalize("stotte")));
        assert_eq!(loose_key(&normalize("Ældre")), loose_key(&normalize("aldre")));
        assert_eq!(normalize("  --  "), "");
    }
}
