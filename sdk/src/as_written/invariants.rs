//! The IG's invariants as its FSH writes them: `schemas/ig-invariants.json`, embedded and
//! read once. Each names its rule in the registry ([`RuleId`]), the FHIRPath expression
//! exactly as written, the profiles it applies to and where the FSH declares it.

use crate::profile::Profile;
use crate::rules::RuleId;
use std::sync::OnceLock;

/// The data file, embedded.
pub const IG_INVARIANTS_JSON: &str = include_str!("../../../schemas/ig-invariants.json");

/// The delivery report profile's id (the Bundle), which [`Profile`] does not list.
pub const DELIVERY_REPORT_ID: &str = "kl-reporting-ffb-deliveryReport";

/// What an invariant is evaluated on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The delivery report itself (the Bundle).
    Report,
    /// Each resource checked against this profile.
    Profile(Profile),
}

/// Where the FSH declares an invariant.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Source {
    /// The FSH file, e.g. `input/fsh/KLReportingFFBCarePlan.fsh`.
    pub file: String,
    /// The line of its `Invariant:` keyword.
    pub line: u32,
    /// The `obeys` lines naming it (`file:line`, "(commented out)" when so).
    pub obeys: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Raw {
    id: String,
    severity: String,
    human: String,
    expression: String,
    profiles: Vec<String>,
    obeyed: bool,
    source: Source,
}

#[derive(serde::Deserialize)]
struct File {
    invariants: Vec<Raw>,
}

/// One invariant of the IG.
#[derive(Clone, Debug)]
pub struct Invariant {
    /// Its rule in the registry.
    pub rule: RuleId,
    /// The severity the FSH declares (`error` for all of IG 1.0.0).
    pub severity: String,
    /// The FSH's `Description` (the invariant's human text).
    pub human: String,
    /// The FHIRPath expression, exactly as written.
    pub expression: String,
    /// What it is evaluated on.
    pub scopes: Vec<Scope>,
    /// False when its `obeys` line is commented out: the IG does not enforce it, and the
    /// as-written mode does not evaluate it.
    pub obeyed: bool,
    /// Where the FSH declares it.
    pub source: Source,
}

impl Invariant {
    /// True when the invariant applies to `scope` and the IG enforces it.
    pub fn applies_to(&self, scope: Scope) -> bool {
        self.obeyed && self.scopes.contains(&scope)
    }
}

/// A problem in the data file (only with a broken `schemas/ig-invariants.json`; the tests
/// read the embedded one).
#[derive(Debug, Clone, thiserror::Error)]
pub enum InvariantsError {
    /// Not the expected JSON.
    #[error("schemas/ig-invariants.json: {0}")]
    Json(String),
    /// An id that is not a registry rule's.
    #[error("schemas/ig-invariants.json: {0} is not a rule of the registry")]
    UnknownRule(String),
    /// A profile id that is not one of the IG's.
    #[error("schemas/ig-invariants.json: {invariant} names the unknown profile {profile}")]
    UnknownProfile {
        /// The invariant.
        invariant: String,
        /// The profile id as written.
        profile: String,
    },
}

/// Read invariants from the JSON of `schemas/ig-invariants.json`.
pub fn parse(json: &str) -> Result<Vec<Invariant>, InvariantsError> {
    let file: File = serde_json::from_str(json).map_err(|e| InvariantsError::Json(e.to_string()))?;
    file.invariants
        .into_iter()
        .map(|r| {
            let rule: RuleId = r.id.parse().map_err(|_| InvariantsError::UnknownRule(r.id.clone()))?;
            let scopes = r
                .profiles
                .iter()
                .map(|p| {
                    if p == DELIVERY_REPORT_ID {
                        Ok(Scope::Report)
                    } else {
                        Profile::ALL
                            .into_iter()
                            .find(|q| q.id() == p)
                            .map(Scope::Profile)
                            .ok_or_else(|| InvariantsError::UnknownProfile { invariant: r.id.clone(), profile: p.clone() })
                    }
                })
                .collect::<Result<Vec<Scope>, InvariantsError>>()?;
            Ok(Invariant {
                rule,
                severity: r.severity,
                human: r.human,
                expression: r.expression,
                scopes,
                obeyed: r.obeyed,
                source: r.source,
            })
        })
        .collect()
}

/// The embedded invariants, read once.
pub fn embedded() -> &'static [Invariant] {
    static ALL: OnceLock<Vec<Invariant>> = OnceLock::new();
    ALL.get_or_init(|| parse(IG_INVARIANTS_JSON).expect("the embedded schemas/ig-invariants.json is valid (checked by tests)"))
}

/// The invariant of this rule, if the rule is one of the IG's invariants.
pub fn of_rule(rule: RuleId) -> Option<&'static Invariant> {
    embedded().iter().find(|i| i.rule == rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_reads() {
        let all = embedded();
        assert_eq!(all.len(), 12);
        assert!(of_rule(RuleId::KlInterventionGoal2).is_some_and(|i| i.applies_to(Scope::Profile(Profile::InterventionGoal))));
        assert!(of_rule(RuleId::KlCarePlan3).is_some_and(|i| !i.obeyed && !i.applies_to(Scope::Profile(Profile::CarePlan))));
        assert!(of_rule(RuleId::KlDeliveryReport1).is_some_and(|i| i.applies_to(Scope::Report)));
        assert!(of_rule(RuleId::GwCard).is_none());
    }
}
