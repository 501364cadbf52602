//! The IG's invariants as written (feature `as-written`): each FHIRPath expression of
//! `schemas/ig-invariants.json`, exactly as the IG's FSH writes it, evaluated on a real
//! FHIRPath engine on every resource it applies to; what a gateway built on the HL7
//! validator would answer. ffbkit's default stays "as intended" (the hand-coded rules of
//! [`crate::validate`], the fast path); this mode runs only when asked for
//! (`ffbkit validate --as-written`).
//!
//! The as-written outcome is the intended one with three changes: the IG's invariants are
//! judged by their expressions (findings under the same [`RuleId`]), `con-5` is an error
//! (as the HL7 validator reports it), and the IG's text-only rules are off. Every verdict
//! that differs between the two modes is a [`Judgement`] with [`Judgement::differs`], and
//! its finding says both: "ffbkit says … / the gateway as written would say …".
//!
//! ```
//! use ffbkit_sdk::as_written::Checker;
//! use ffbkit_sdk::rules::RuleId;
//! use ffbkit_sdk::validate::Validator;
//! // The IG's worked example, encounter 3: valid as intended; as written, every goal fails
//! // kl-reporting-ffb-intervention-goal-2 (an IG defect, REQUIREMENTS.md section 6).
//! let bytes = std::fs::read("../fixtures/reports/valid/ig-example-encounter-3.json").unwrap();
//! let result = Checker::shared().validate_bytes(Validator::default_validator(), &bytes);
//! assert!(!result.outcome.is_valid());
//! let goal_2 = result.differences().find(|j| j.rule == RuleId::KlInterventionGoal2).unwrap();
//! assert!(goal_2.intended.passes() && !goal_2.as_written.passes());
//! ```

mod engine;
pub mod invariants;
mod model;
mod spec_fixes;
mod terminology;

pub use engine::{Engine, EngineError, Verdict};
pub use invariants::{Invariant, Scope};
pub use terminology::LocalTerminology;

use crate::catalog::Catalog;
use crate::rules::{Family, RuleId, RuleSource};
use crate::validate::{fhirpath_location, Diagnostic, Outcome, Severity, Validator};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

/// One verdict of one rule on one node, in both modes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Judgement {
    /// The rule (an IG invariant, or `con-5`).
    pub rule: RuleId,
    /// JSON Pointer of the node judged (`""`: the report).
    pub pointer: String,
    /// ffbkit's (intended) verdict: the hand-coded rule's.
    pub intended: Verdict,
    /// The verdict of the IG's expression as written (for `con-5`: `fail` where the
    /// intended rule warns, as the HL7 validator reports it as an error).
    pub as_written: Verdict,
}

impl Judgement {
    /// True when the two modes disagree (one passes, the other does not).
    pub fn differs(&self) -> bool {
        self.intended.passes() != self.as_written.passes()
    }
}

/// A report judged as written.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct AsWritten {
    /// The as-written outcome: findings as the gateway as written would give them.
    pub outcome: Outcome,
    /// Every verdict of the IG's invariants (and `con-5`), in both modes.
    pub judgements: Vec<Judgement>,
}

impl AsWritten {
    /// The judgements on which the two modes disagree.
    pub fn differences(&self) -> impl Iterator<Item = &Judgement> {
        self.judgements.iter().filter(|j| j.differs())
    }

    /// The judgement a finding of the as-written outcome reports, when its verdict differs
    /// between the modes.
    pub fn difference_of(&self, d: &Diagnostic) -> Option<&Judgement> {
        self.differences().find(|j| j.rule == d.rule && covers(&j.pointer, &d.pointer))
    }
}

/// The as-written checker: the engine and the IG's invariants. Build once, use from many
/// threads.
#[derive(Debug)]
pub struct Checker {
    engine: Engine,
    invariants: &'static [Invariant],
}

impl Checker {
    /// A checker answering `memberOf` from `catalog` (the validator's).
    pub fn new(catalog: Arc<Catalog>) -> Result<Checker, EngineError> {
        Ok(Checker { engine: Engine::new(catalog)?, invariants: invariants::embedded() })
    }

    /// A shared checker with the embedded catalog.
    pub fn shared() -> &'static Checker {
        static SHARED: OnceLock<Checker> = OnceLock::new();
        SHARED.get_or_init(|| Checker::new(Arc::new(Catalog::embedded().clone())).expect("the engine sets up (checked by tests)"))
    }

    /// Its FHIRPath engine (for [`Engine::collect`]).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The invariants it evaluates.
    pub fn invariants(&self) -> &'static [Invariant] {
        self.invariants
    }

    /// Validate a report given as bytes, as written: the validator's findings (with line
    /// and column) changed as the module says, the invariants judged by the engine.
    pub fn validate_bytes(&self, validator: &Validator, bytes: &[u8]) -> AsWritten {
        self.rejudge(validator.validate_bytes(bytes), bytes)
    }

    /// Validate a parsed report, as written.
    pub fn validate_value(&self, validator: &Validator, value: &Value) -> AsWritten {
        let intended = validator.validate_value(value);
        self.as_written(intended, Some(Arc::new(value.clone())))
    }

    /// The as-written verdict of every applicable invariant on `report`, whose resources
    /// were checked against `profiles` (by entry index, [`Outcome::profiles`]): one
    /// `(rule, pointer, verdict)` per invariant and node.
    pub fn judge(&self, report: Arc<Value>, profiles: &[Option<crate::profile::Profile>]) -> Vec<(RuleId, String, Verdict)> {
        let mut nodes: Vec<(RuleId, String, &str)> = Vec::new();
        for inv in self.invariants {
            if inv.applies_to(Scope::Report) {
                nodes.push((inv.rule, String::new(), &inv.expression));
            }
            for (i, p) in profiles.iter().enumerate() {
                if let Some(p) = p {
                    if inv.applies_to(Scope::Profile(*p)) {
                        nodes.push((inv.rule, format!("/entry/{i}/resource"), &inv.expression));
                    }
                }
            }
        }
        let checks: Vec<(&str, &str)> = nodes.iter().map(|(_, p, e)| (p.as_str(), *e)).collect();
        let verdicts = self.engine.evaluate(report, &checks);
        nodes.into_iter().zip(verdicts).map(|((r, p, _), v)| (r, p, v)).collect()
    }

    /// The as-written outcome of a report from its intended outcome (the validator's, on
    /// these bytes): for callers that validated already (`ffbkit validate --as-written`).
    pub fn rejudge(&self, intended: Outcome, bytes: &[u8]) -> AsWritten {
        let report = if intended.profiles.is_empty() { None } else { serde_json::from_slice::<Value>(bytes).ok().map(Arc::new) };
        self.as_written(intended, report)
    }

    /// The as-written outcome from the intended one and the report (`None`: not JSON).
    fn as_written(&self, intended: Outcome, report: Option<Arc<Value>>) -> AsWritten {
        let judged = match report {
            Some(r) if !intended.profiles.is_empty() => self.judge(r, &intended.profiles),
            _ => Vec::new(),
        };
        combine(intended, judged)
    }
}

/// A new finding of the as-written mode.
fn finding(rule: RuleId, severity: Severity, pointer: &str, expected: String, message: String) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        location: fhirpath_location("Bundle", pointer),
        pointer: pointer.to_string(),
        line: None,
        column: None,
        found: None,
        expected,
        message,
    }
}

/// Does a finding at `pointer` belong to the node at `node`?
fn covers(node: &str, pointer: &str) -> bool {
    node.is_empty() || pointer == node || pointer.strip_prefix(node).is_some_and(|rest| rest.starts_with('/'))
}

/// Is this rule off or replaced in the as-written mode? The IG's invariants (judged by the
/// engine instead) and the text-only rules.
fn replaced_or_off(rule: RuleId) -> bool {
    rule.family() == Family::IgInvariant || rule.rule().source == RuleSource::IgText
}

fn combine(intended: Outcome, judged: Vec<(RuleId, String, Verdict)>) -> AsWritten {
    let mut out = Outcome { diagnostics: Vec::new(), ..intended.clone() };
    let mut judgements = Vec::new();
    for d in &intended.diagnostics {
        match d.rule {
            RuleId::Con5 => {
                let mut d = d.clone();
                if d.severity < Severity::Error {
                    d.severity = Severity::Error;
                    d.message = format!(
                        "{} ffbkit says: a warning (the FFB Condition profile requires clinicalStatus); the gateway as written would say: an error (FHIR R4 con-5).",
                        d.message
                    );
                    judgements.push(Judgement {
                        rule: RuleId::Con5,
                        pointer: d.pointer.clone(),
                        intended: Verdict::Pass,
                        as_written: Verdict::Fail,
                    });
                }
                out.diagnostics.push(d);
            }
            r if replaced_or_off(r) => {}
            _ => out.diagnostics.push(d.clone()),
        }
    }
    for (rule, pointer, as_written) in judged {
        let found: Vec<&Diagnostic> = intended.diagnostics.iter().filter(|d| d.rule == rule && covers(&pointer, &d.pointer)).collect();
        let intended_verdict = if found.is_empty() { Verdict::Pass } else { Verdict::Fail };
        let inv = invariants::of_rule(rule);
        let (human, expression) = inv.map_or(("", ""), |i| (i.human.as_str(), i.expression.as_str()));
        match (intended_verdict.passes(), as_written.passes()) {
            (true, true) => {}
            (false, false) => out.diagnostics.extend(found.iter().map(|d| Diagnostic { severity: Severity::Error, ..(*d).clone() })),
            (true, false) => {
                let why = match &as_written {
                    Verdict::Error(e) => format!("the engine cannot evaluate its expression ({e})"),
                    _ => "its expression is not true here".to_string(),
                };
                out.diagnostics.push(finding(
                    rule,
                    Severity::Error,
                    &pointer,
                    format!("the IG's expression true: {expression}"),
                    format!("ffbkit says: the intended rule passes. The gateway as written would say: {rule} (\"{human}\") fails, because {why}."),
                ));
            }
            (false, true) => out.diagnostics.extend(found.iter().map(|d| Diagnostic {
                severity: Severity::Information,
                message: format!(
                    "ffbkit says: {} The gateway as written would say: {rule} passes (its expression is true here).",
                    d.message
                ),
                ..(*d).clone()
            })),
        }
        judgements.push(Judgement { rule, pointer, intended: intended_verdict, as_written });
    }
    AsWritten { outcome: out, judgements }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_is_by_path_segment() {
        assert!(covers("/entry/1/resource", "/entry/1/resource/addresses"));
        assert!(covers("/entry/1/resource", "/entry/1/resource"));
        assert!(!covers("/entry/1/resource", "/entry/10/resource"));
        assert!(!covers("/entry/1/resource", "/entry/1/resourcex"));
        assert!(covers("", "/entry/3/resource"));
    }
}
