//! Loader for official FHIR `CodeSystem` JSON files (FFB and KL CareSocialCodes).
//!
//! A user can load a newer FFB version at run time; kinds and theme levels are inferred
//! from the stable codes of the branch roots, and legal basis is read from the labelled
//! phrases of the official definitions ("Visitationsparagraf: Serviceloven § 85.").
//! The definition texts themselves are not kept.

use super::concept::{CodeSystemId, Concept, Kind, Level};
use serde_json::Value;

/// Branch roots of FFB and the kind of everything below them (root included).
const FFB_BRANCH_ROOTS: [(&str, Kind); 10] = [
    ("af7624f8-affd-4a7e-8754-b1b1dd9d8def", Kind::Ydelse),
    ("f708aea3-66bd-46c6-af11-7bf28942fa47", Kind::Tilbud),
    ("cda90d67-f65a-4a34-b8d8-168ee9ff0949", Kind::Maalgruppe),
    ("740934cd-002b-4b96-b92e-b3562eed9448", Kind::FunktionerOgForhold),
    ("93433530-b85c-4d04-a4fb-5ae26cf16f1c", Kind::AktivitetOgDeltagelse),
    ("a56d59c0-c8fd-468c-85f9-b67f66561b90", Kind::Omgivelser),
    ("e89d317c-4657-4970-b614-ada2ed220595", Kind::Funktionsevneniveau),
    ("7ac451dc-773b-4877-baaf-1e6b1d5c8e28", Kind::Stoettebehov),
    ("b5257b2d-0fbf-4d00-bf38-d298c8568116", Kind::Maaltype),
    ("90479ffa-bf46-4b3a-a172-91f2798e2a43", Kind::Opfoelgningsresultat),
];

/// A problem with a CodeSystem file.
#[derive(Debug, thiserror::Error)]
pub enum CodeSystemError {
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is not a FHIR CodeSystem the catalog can use.
    #[error("not a usable FHIR CodeSystem: {0}")]
    Shape(String),
}

/// What a CodeSystem file holds, reduced to the catalog's format.
#[derive(Debug, Clone)]
pub struct LoadedCodeSystem {
    /// Which code system it is (by its `url`).
    pub system: CodeSystemId,
    /// The `version` of the file, e.g. `20240530`.
    pub version: String,
    /// Its concepts, parents before children, in file order.
    pub concepts: Vec<Concept>,
}

/// Read an official FHIR CodeSystem (FFB or KL CareSocialCodes) from JSON text.
///
/// ```
/// let json = r#"{"resourceType":"CodeSystem","url":"urn:oid:1.2.208.176.2.22","version":"1",
///   "concept":[{"code":"af7624f8-affd-4a7e-8754-b1b1dd9d8def","display":"Ydelse",
///     "concept":[{"code":"x","display":"Støtte","definition":"Visitationsparagraf: Serviceloven § 85."}]}]}"#;
/// let cs = ffbkit_sdk::catalog::codesystem::parse_code_system(json).unwrap();
/// assert_eq!(cs.concepts[1].legal_basis, vec!["Serviceloven § 85".to_string()]);
/// ```
pub fn parse_code_system(text: &str) -> Result<LoadedCodeSystem, CodeSystemError> {
    let v: Value = serde_json::from_str(text)?;
    if v.get("resourceType").and_then(Value::as_str) != Some("CodeSystem") {
        return Err(CodeSystemError::Shape("resourceType is not CodeSystem".into()));
    }
    let url = v.get("url").and_then(Value::as_str).ok_or_else(|| CodeSystemError::Shape("no url".into()))?;
    let system = CodeSystemId::from_url(url).ok_or_else(|| {
        CodeSystemError::Shape(format!(
            "url {url} is neither FFB ({}) nor KL CareSocialCodes ({})",
            CodeSystemId::Ffb.url(),
            CodeSystemId::KlCareSocial.url()
        ))
    })?;
    let version = v.get("version").and_then(Value::as_str).unwrap_or("unknown").to_string();
    let top = v.get("concept").and_then(Value::as_array).ok_or_else(|| CodeSystemError::Shape("no concept array".into()))?;
    let mut concepts = Vec::new();
    let ctx = Ctx { system, parent: None, kind: None, depth_in_branch: 0 };
    walk(top, &ctx, &mut concepts)?;
    Ok(LoadedCodeSystem { system, version, concepts })
}

struct Ctx<'a> {
    system: CodeSystemId,
    parent: Option<&'a str>,
    kind: Option<Kind>,
    depth_in_branch: usize,
}

fn walk(nodes: &[Value], ctx: &Ctx<'_>, out: &mut Vec<Concept>) -> Result<(), CodeSystemError> {
    for node in nodes {
        let code = node.get("code").and_then(Value::as_str).ok_or_else(|| CodeSystemError::Shape("a concept has no code".into()))?;
        let term = node.get("display").and_then(Value::as_str).unwrap_or(code).trim().to_string();
        let (kind, depth) = match ctx.system {
            CodeSystemId::KlCareSocial => (Some(Kind::KlCode), 0),
            CodeSystemId::Ffb => match FFB_BRANCH_ROOTS.iter().find(|(c, _)| *c == code) {
                Some((_, k)) => (Some(*k), 0),
                None => (ctx.kind, ctx.depth_in_branch + 1),
            },
        };
        let resolved_kind = kind.unwrap_or(Kind::Gruppering);
        let level = if resolved_kind.is_theme() {
            match depth {
                0 => Some(Level::Omraade),
                1 => Some(Level::Tema),
                _ => Some(Level::Undertema),
            }
        } else {
            None
        };
        let legal_basis = node.get("definition").and_then(Value::as_str).map(legal_basis_of).unwrap_or_default();
        out.push(Concept {
            system: ctx.system,
            code: code.to_string(),
            term,
            parent: ctx.parent.map(str::to_string),
            kind: resolved_kind,
            level,
            legal_basis,
        });
        if let Some(children) = node.get("concept").and_then(Value::as_array) {
            let child_ctx = Ctx { system: ctx.system, parent: Some(code), kind, depth_in_branch: depth };
            walk(children, &child_ctx, out)?;
        }
    }
    Ok(())
}

/// Labels that introduce a legal basis in FFB's definitions. Labels for children's
/// services ("på Børn- og ungeområdet") are skipped: FFB for adults is the scope.
const LEGAL_LABELS: [&str; 2] = ["visitationsparagraf", "lovhjemmel"];

/// Extract the legal basis named by a definition, e.g. `["Serviceloven § 85"]`.
///
/// ```
/// use ffbkit_sdk::catalog::codesystem::legal_basis_of;
/// assert_eq!(
///     legal_basis_of("Vejledende lovhjemmel: Serviceloven § 82a, § 82b, §82d, § 85"),
///     ["Serviceloven § 82a", "Serviceloven § 82b", "Serviceloven § 82d", "Serviceloven § 85"]
/// );
/// assert_eq!(legal_basis_of("Lovhjemmel: Servicelovens § 108 stk. 1"), ["Serviceloven § 108"]);
/// ```
pub fn legal_basis_of(definition: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lower = definition.to_lowercase();
    let mut search_from = 0;
    while let Some(found) = LEGAL_LABELS.iter().filter_map(|l| lower[search_from..].find(l).map(|i| (i + search_from, *l))).min() {
        let (at, label) = found;
        let after_label = at + label.len();
        let Some(colon) = lower[after_label..].find(':').map(|c| c + after_label) else {
            break;
        };
        let qualifier = &lower[after_label..colon];
        let clause_end = sentence_end(definition, colon + 1);
        if !qualifier.contains("børn") {
            for item in paragraphs_in(&definition[colon + 1..clause_end]) {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
        }
        search_from = clause_end.max(colon + 1);
    }
    out
}

/// Index of the end of the sentence starting at `from`: a full stop followed by a space
/// and a capital letter, or the end of the text. "stk. 7" does not end a sentence.
fn sentence_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'.' {
            let rest = &text[i + 1..];
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (None, _) => return i,
                (Some(' '), Some(c)) if c.is_uppercase() => return i,
                _ => {}
            }
        }
        i += 1;
    }
    text.len()
}

/// The `<law> § <n>` items of a clause such as "Serviceloven §§ 107, 109, 110".
fn paragraphs_in(clause: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut law: Option<String> = None;
    let mut in_paragraphs = false;
    let mut skip_next = false;
    for raw in clause.split(|c: char| c.is_whitespace() || c == ',') {
        let token = raw.trim_matches(|c: char| c == '.' || c == ';');
        if token.is_empty() {
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        let lowered = token.to_lowercase();
        if lowered == "stk" || lowered == "nr" {
            in_paragraphs = false;
            skip_next = true;
            continue;
        }
        if lowered.ends_with("loven") || lowered.ends_with("lovens") {
            law = Some(token.trim_end_matches('s').to_string());
            in_paragraphs = false;
            continue;
        }
        let number = if let Some(rest) = token.strip_prefix('§') {
            in_paragraphs = true;
            rest.trim_start_matches('§')
        } else {
            token
        };
        if number.is_empty() {
            continue;
        }
        if in_paragraphs && is_paragraph_number(number) {
            if let Some(l) = &law {
                out.push(format!("{l} § {number}"));
            }
        } else {
            in_paragraphs = false;
        }
    }
    out
}

fn is_paragraph_number(s: &str) -> bool {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && s[digits..].chars().all(|c| c.is_ascii_lowercase()) && s.len() - digits <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_basis_variants() {
        assert_eq!(legal_basis_of("Lovhjemmel: Serviceloven § 108, stk. 7, nr. 1-3. Mere tekst."), ["Serviceloven § 108"]);
        assert_eq!(
            legal_basis_of(
                "Vejledende visitationsparagraf på Børn- og ungeområdet: Serviceloven §§ 52, 58, 66. \
                 Vejledende visitationsparagraf på Voksen-området: Serviceloven §§ 107, 109, 110."
            ),
            ["Serviceloven § 107", "Serviceloven § 109", "Serviceloven § 110"]
        );
        assert_eq!(
            legal_basis_of(
                "Vejledende visitationsparagraf: Serviceloven § 108, Almenboligloven § 54, Friplejeboligloven, Ældreboligloven m.fl."
            ),
            ["Serviceloven § 108", "Almenboligloven § 54"]
        );
        assert_eq!(legal_basis_of("Lovhjemmel: Almenboligloven § 105"), ["Almenboligloven § 105"]);
        assert!(legal_basis_of("Herved adskiller den sig fra hjælp efter § 83.").is_empty());
    }

    #[test]
    fn rejects_other_systems_and_shapes() {
        assert!(parse_code_system("[]").is_err());
        assert!(parse_code_system(r#"{"resourceType":"CodeSystem","url":"http://x","concept":[]}"#).is_err());
        assert!(parse_code_system("{not json").is_err());
    }
}
