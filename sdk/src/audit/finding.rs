//! What the stream audit reports: one [`Finding`] per broken rule and place, gathered per
//! citizen in a [`CitizenAudit`].

/// The rule ids the stream audit checks (REQUIREMENTS.md sections 2 and 3), in the order of
/// that document.
pub const RULES: [&str; 15] = [
    "PROTO-DAILY",
    "PROTO-ONE-DAY",
    "PROTO-SNAPSHOT",
    "PROTO-ID-STABLE",
    "PROTO-ERROR",
    "PROTO-COND-UPDATE",
    "PROTO-NEW-GATHERING",
    "PROTO-ENDED",
    "PROTO-GOAL-CONTEXT",
    "DST-SCOPE",
    "DST-TRIPLE",
    "DST-FF",
    "DST-AD",
    "DST-STOETTE",
    "DST-MAALTYPE",
];

/// One finding of the audit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Rule id (`DST-AD`, `PROTO-ENDED`, ...), one of [`RULES`].
    pub rule: &'static str,
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
    /// The distinct rule ids among the findings, sorted.
    pub fn rules(&self) -> Vec<&'static str> {
        let mut r: Vec<&'static str> = self.findings.iter().map(|f| f.rule).collect();
        r.sort_unstable();
        r.dedup();
        r
    }
}
