//! Verdicts: the result of one check (a requirement id judged at one step of one journey)
//! and the summary per requirement id.
//!
//! A requirement id *passes* when it was checked at least once and never failed; it *fails*
//! when any check failed; it is an *error* when the vendor (or the network) did not answer
//! for a check and nothing failed; it is a *skip* when nothing exercised it. The vendor
//! passes the run when no requirement fails or errs (skips are listed, not counted against
//! it).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The result of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Checked and satisfied.
    Pass,
    /// Nothing exercised it, or the rule is not implemented (the message says which).
    Skip,
    /// The vendor or the network failed to answer, so it could not be judged.
    Error,
    /// Checked and violated.
    Fail,
}

impl Status {
    /// `pass`, `fail`, `skip` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }

    /// Parse `pass`, `fail`, `skip` or `error`.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pass" => Some(Status::Pass),
            "fail" => Some(Status::Fail),
            "skip" => Some(Status::Skip),
            "error" => Some(Status::Error),
            _ => None,
        }
    }

    /// How bad it is, for combining: fail > error > pass > skip.
    fn weight(self) -> u8 {
        match self {
            Status::Skip => 0,
            Status::Pass => 1,
            Status::Error => 2,
            Status::Fail => 3,
        }
    }

    /// The worse of two statuses (fail > error > pass > skip).
    pub fn worst(self, other: Status) -> Status {
        if other.weight() > self.weight() {
            other
        } else {
            self
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a verdict rests on: a report in the evidence store, optionally one resource of it,
/// or an exchange with the vendor adapter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The report's row id in the evidence store (`reports.id`), when a report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<i64>,
    /// The report's Bundle id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// A resource (`Type/id`) or location (FHIRPath) inside the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The exchange's row id in the evidence store (`calls.id`), when an adapter call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<i64>,
}

impl Evidence {
    /// Evidence pointing at a stored report.
    pub fn report(id: i64, bundle: Option<String>) -> Evidence {
        // A Bundle id that is a CPR number is shown masked wherever evidence is (issue 22).
        Evidence { report: Some(id), bundle: bundle.map(|b| ffbkit_sdk::cpr::mask_in_text(&b)), ..Evidence::default() }
    }

    /// Evidence pointing at a stored adapter exchange.
    pub fn call(id: i64) -> Evidence {
        Evidence { call: Some(id), ..Evidence::default() }
    }

    /// The same evidence narrowed to a resource or location.
    pub fn at(mut self, resource: Option<String>) -> Evidence {
        self.resource = resource;
        self
    }
}

/// One check's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The requirement id checked (`GW-REF`, `kl-reporting-ffb-care-plan-1`, `PROTO-ENDED`,
    /// `DST-AD`, `VUM-<journey>-<step>`).
    pub check: String,
    /// The result.
    pub status: Status,
    /// The journey.
    pub journey: String,
    /// The step, or none for a check over the whole journey (DST, PROTO at the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// What it rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Findings and explanations (CPR numbers masked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

impl Verdict {
    /// A verdict without evidence or messages.
    pub fn new(check: impl Into<String>, status: Status, journey: &str, step: Option<&str>) -> Verdict {
        Verdict {
            check: check.into(),
            status,
            journey: journey.to_string(),
            step: step.map(str::to_string),
            evidence: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// Add evidence.
    pub fn with_evidence(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Verdict {
        self.evidence.extend(evidence);
        self
    }

    /// Add a message (a CPR number in it masked).
    pub fn with_message(mut self, message: impl Into<String>) -> Verdict {
        // Messages quote report content: a CPR number in any notation is masked (issue 22).
        self.messages.push(ffbkit_sdk::cpr::mask_in_text(&message.into()));
        self
    }
}

/// The summary of one requirement id over a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementSummary {
    /// The requirement id.
    pub id: String,
    /// Combined status: fail > error > pass > skip.
    pub status: Status,
    /// Checks made (verdicts other than skip).
    pub checks: usize,
    /// Failed checks.
    pub failed: usize,
    /// Checks the vendor did not answer for.
    pub errors: usize,
    /// Why it was skipped, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Summarise verdicts per requirement id. `known` lists ids that must appear even when no
/// verdict names them (they are `skip`, "not exercised"), with an optional note (e.g. "not
/// implemented by the stream audit").
pub fn summarize(verdicts: &[Verdict], known: &[(String, Option<String>)]) -> Vec<RequirementSummary> {
    let mut by_id: BTreeMap<String, RequirementSummary> = BTreeMap::new();
    for (id, note) in known {
        by_id.entry(id.clone()).or_insert_with(|| RequirementSummary {
            id: id.clone(),
            status: Status::Skip,
            checks: 0,
            failed: 0,
            errors: 0,
            note: Some(note.clone().unwrap_or_else(|| "not exercised by any journey".into())),
        });
    }
    for v in verdicts {
        let s = by_id.entry(v.check.clone()).or_insert_with(|| RequirementSummary {
            id: v.check.clone(),
            status: Status::Skip,
            checks: 0,
            failed: 0,
            errors: 0,
            note: None,
        });
        if v.status != Status::Skip {
            s.checks += 1;
        } else if s.note.is_none() {
            s.note = v.messages.first().cloned();
        }
        if v.status == Status::Fail {
            s.failed += 1;
        }
        if v.status == Status::Error {
            s.errors += 1;
        }
        s.status = s.status.worst(v.status);
        if s.status != Status::Skip {
            s.note = None;
        }
    }
    by_id.into_values().collect()
}

/// The run's overall status: fail when any requirement failed, error when any erred (and
/// none failed), pass otherwise (skips do not count against the vendor).
pub fn overall(summary: &[RequirementSummary]) -> Status {
    summary.iter().map(|s| s.status).fold(Status::Pass, |acc, s| match s {
        Status::Skip => acc,
        s => acc.worst(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_status_combines_fail_over_error_over_pass_over_skip() {
        let v = vec![
            Verdict::new("GW-REF", Status::Pass, "j", Some("a")),
            Verdict::new("GW-REF", Status::Fail, "j", Some("b")),
            Verdict::new("GW-ID", Status::Pass, "j", Some("a")),
            Verdict::new("GW-ID", Status::Error, "j", Some("b")),
            Verdict::new("DST-AD", Status::Pass, "j", None),
        ];
        let known = vec![("PROTO-DAILY".to_string(), Some("not implemented".to_string())), ("DST-AD".to_string(), None)];
        let s = summarize(&v, &known);
        let get = |id: &str| s.iter().find(|r| r.id == id).unwrap().clone();
        assert_eq!(get("GW-REF").status, Status::Fail);
        assert_eq!(get("GW-REF").failed, 1);
        assert_eq!(get("GW-REF").checks, 2);
        assert_eq!(get("GW-ID").status, Status::Error);
        assert_eq!(get("GW-ID").errors, 1);
        assert_eq!(get("DST-AD").status, Status::Pass);
        assert_eq!(get("DST-AD").note, None);
        assert_eq!(get("PROTO-DAILY").status, Status::Skip);
        assert_eq!(get("PROTO-DAILY").note.as_deref(), Some("not implemented"));
        assert_eq!(overall(&s), Status::Fail);
        let only_pass: Vec<_> = s.iter().filter(|r| r.status != Status::Fail && r.status != Status::Error).cloned().collect();
        assert_eq!(overall(&only_pass), Status::Pass);
    }

    #[test]
    fn status_round_trips_through_text() {
        for s in [Status::Pass, Status::Fail, Status::Skip, Status::Error] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("ok"), None);
    }
}
