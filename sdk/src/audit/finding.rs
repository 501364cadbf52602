//! What the stream audit reports: one [`Finding`] per broken rule and place, with its
//! [`Severity`], gathered per citizen in a [`CitizenAudit`].

use super::rules::{AuditRuleId, Severity};

/// One finding of the audit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule (`DST-AD`, `PROTO-ENDED`, ...), one of [`super::RULES`]; serialised as its id.
    pub rule: AuditRuleId,
    /// `error` when the cited text states the rule, `interpretation` (a warning that never
    /// fails) when the check rests on ffbkit's reading (see [`super::AuditRule::readings`]).
    pub severity: Severity,
    /// The report (Bundle id) it points to. Rules judged on the citizen's state point to
    /// the report that carried the resource's current version, or the citizen's last report.
    pub report: Option<String>,
    /// The resource (`Type/id`) it points to; `Patient/<id>` for per-citizen DST rules.
    pub resource: Option<String>,
    /// The day (`YYYY-MM-DD`, the report's timestamp) of that report.
    pub day: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Finding {
    /// A finding of `rule` with the rule's severity ([`super::AuditRule::severity`]).
    pub(crate) fn new(
        rule_id: AuditRuleId,
        report: Option<String>,
        resource: Option<String>,
        day: Option<String>,
        message: String,
    ) -> Finding {
        Finding { rule: rule_id, severity: rule_id.rule().severity, report, resource, day, message }
    }

    /// The same finding as an interpretation (a check listed under the rule's readings).
    pub(crate) fn interpretation(mut self) -> Finding {
        self.severity = Severity::Interpretation;
        self
    }

    /// True for severity error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The audit of one citizen's stream.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CitizenAudit {
    /// The citizen's CPR number, masked (`010181-****`).
    pub citizen: String,
    /// The municipality's STS organisation id (of the latest report).
    pub municipality: String,
    /// Reports read.
    pub reports: usize,
    /// Findings: those on single reports in report order, then those on the stream's
    /// final state (PROTO-ENDED, PROTO-ID-STABLE duplicates, DST).
    pub findings: Vec<Finding>,
    /// What the stream holds, on its current state.
    pub coverage: super::coverage::Coverage,
}

impl CitizenAudit {
    /// The distinct rules among the findings (any severity), sorted by their id string.
    pub fn rules(&self) -> Vec<AuditRuleId> {
        let mut r: Vec<AuditRuleId> = self.findings.iter().map(|f| f.rule).collect();
        r.sort_unstable_by_key(|r| r.as_str());
        r.dedup();
        r
    }

    /// The distinct rules among the findings of severity error, sorted by their id string.
    pub fn error_rules(&self) -> Vec<AuditRuleId> {
        let mut r: Vec<AuditRuleId> = self.findings.iter().filter(|f| f.is_error()).map(|f| f.rule).collect();
        r.sort_unstable_by_key(|r| r.as_str());
        r.dedup();
        r
    }

    /// True when some finding has severity error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}
