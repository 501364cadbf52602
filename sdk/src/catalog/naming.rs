//! Rust identifiers from Danish terms, for the generated code enums:
//! "Støtte til daglige opgaver i hjemmet" becomes `StoetteTilDagligeOpgaverIHjemmet`.

/// Turn a Danish term into an UpperCamelCase Rust identifier.
///
/// æ, ø, å become `ae`, `oe`, `aa`; other diacritics are dropped; every run of
/// non-alphanumeric characters starts a new word; a leading digit gets an `N` prefix and
/// an empty result becomes `Unnamed`. The result is never a Rust keyword (`Self` gets a
/// trailing underscore).
///
/// ```
/// use ffbkit_sdk::catalog::naming::rust_variant_name;
/// assert_eq!(rust_variant_name("Støtte til daglige opgaver i hjemmet"), "StoetteTilDagligeOpgaverIHjemmet");
/// assert_eq!(rust_variant_name("Selvmordstanker eller -forsøg"), "SelvmordstankerEllerForsoeg");
/// assert_eq!(rust_variant_name("Intellektuel/kognitiv forstyrrelse"), "IntellektuelKognitivForstyrrelse");
/// assert_eq!(rust_variant_name("2. opfølgning"), "N2Opfoelgning");
/// ```
pub fn rust_variant_name(term: &str) -> String {
    let normalized = super::search::normalize(term);
    let mut out = String::new();
    for word in normalized.split(' ').filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    let mut out: String = out.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if out.is_empty() {
        out = "Unnamed".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'N');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rust_variant_name;

    #[test]
    fn sanitizes_danish_and_punctuation() {
        assert_eq!(rust_variant_name("Ændre og opretholde kropsstilling"), "AendreOgOpretholdeKropsstilling");
        assert_eq!(rust_variant_name("Bære, flytte og håndtere genstande"), "BaereFlytteOgHaandtereGenstande");
        assert_eq!(rust_variant_name("Anvende kommunikationsudstyr- og teknikker"), "AnvendeKommunikationsudstyrOgTeknikker");
        assert_eq!(rust_variant_name("Café"), "Cafe");
        assert_eq!(rust_variant_name("self"), "Self_");
        assert_eq!(rust_variant_name("--"), "Unnamed");
        assert_eq!(rust_variant_name("Økonomisk situation"), "OekonomiskSituation");
    }
}
