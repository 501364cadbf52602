//! A finding of the validator: rule id, severity, FHIRPath-style location, line and
//! column, the value found and what was expected, in one plain sentence.

use serde::Serialize;

pub use crate::rules::table::Severity;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule (see [`crate::rules::REPORT_RULES`]); serialised as its id, e.g. `GW-CARD`.
    pub rule: crate::rules::table::RuleId,
    /// How serious.
    pub severity: Severity,
    /// FHIRPath-style location, e.g. `Bundle.entry[3].resource.severity`.
    pub location: String,
    /// JSON Pointer to the same place, e.g. `/entry/3/resource/severity`.
    pub pointer: String,
    /// 1-based line in the input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column (in characters) in the input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The offending value as found (shortened; CPR numbers masked unless asked otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// What was expected, in plain words.
    pub expected: String,
    /// One plain sentence saying what is wrong.
    pub message: String,
}

/// Show a JSON value briefly: strings quoted and cut to 60 characters, objects and arrays
/// summarised.
pub fn brief(v: &super::json::Json<'_>) -> String {
    use super::json::Json;
    match v {
        Json::String(s) => brief_str(s),
        Json::Array(a) => format!("an array of {} item{}", a.len(), if a.len() == 1 { "" } else { "s" }),
        Json::Object(o) => {
            if o.is_empty() {
                "an empty object".into()
            } else {
                let keys: Vec<&str> = o.keys().take(4).collect();
                format!("an object with {}{}", keys.join(", "), if o.len() > 4 { ", …" } else { "" })
            }
        }
        other => other.to_value().to_string(),
    }
}

/// A string value as [`brief`] shows it: quoted, cut at 60 characters (with its length).
pub fn brief_str(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        format!("\"{cut}…\" ({} characters)", s.chars().count())
    } else {
        format!("\"{cut}\"")
    }
}
