//! Judging what a vendor reported, with the SDK's rules only: the gateway validator on
//! every report (GW), the stream audit over a journey's accepted reports per citizen
//! (PROTO as soon as a finding appears, DST at the end of the journey). Nothing here
//! decides a rule itself.

use super::requirements::{dst_ids, gw_ids, is_proto, proto_ids};
use super::store::StoredEvidenceReport;
use super::verdict::{Evidence, Status, Verdict};
use ffbkit_sdk::as_written::Checker;
use ffbkit_sdk::audit::{audit_citizen, Finding, Severity as AuditSeverity};
use ffbkit_sdk::cpr::mask_in_text;
use ffbkit_sdk::report::citizen_cpr;
use ffbkit_sdk::validate::{json, source, Severity, Validator};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many messages per verdict (the evidence holds the rest).
const MAX_MESSAGES: usize = 25;

/// A report after the gateway checks.
#[derive(Clone, Debug)]
pub struct JudgedReport {
    /// Its row in the evidence store.
    pub id: i64,
    /// Its Bundle id.
    pub bundle: Option<String>,
    /// The step whose delivery it belongs to.
    pub step: String,
    /// The parsed report, when it is a JSON object.
    pub value: Option<Value>,
    /// True when the gateway would accept it (no error finding).
    pub accepted: bool,
}

impl JudgedReport {
    fn evidence(&self) -> Evidence {
        Evidence::report(self.id, self.bundle.clone())
    }
}

/// Validate every report of a step: one verdict per GW rule (fail when any report has an
/// error of that rule, pass otherwise, warnings as messages), and the judged reports.
/// With a checker, the IG's invariants are judged as written (`certify --as-written`).
pub fn judge_gw(
    validator: &Validator,
    as_written: Option<&Checker>,
    journey: &str,
    step: &str,
    reports: &[StoredEvidenceReport],
) -> (Vec<Verdict>, Vec<JudgedReport>) {
    let mut judged = Vec::with_capacity(reports.len());
    let mut per_rule: BTreeMap<&'static str, (bool, Vec<Evidence>, Vec<String>)> = BTreeMap::new();
    for r in reports {
        // One parse: the validator checks the tree the audit's `Value` is made from.
        let (outcome, value) = json::with_arena(|arena| {
            let parsed = source::parse(&r.body, arena, &validator.options().limits);
            let mut outcome = validator.validate_parsed(&r.body, &parsed);
            if let Some(checker) = as_written {
                outcome = checker.rejudge(outcome, &r.body).outcome;
            }
            (outcome, parsed.ok().map(|(tree, _)| tree).filter(json::Json::is_object).map(|tree| tree.to_value()))
        });
        let name = r.bundle_id.clone().unwrap_or_else(|| format!("report #{}", r.id));
        for d in &outcome.diagnostics {
            let e = per_rule.entry(d.rule.as_str()).or_default();
            let failed = d.severity == Severity::Error;
            e.0 |= failed;
            if failed || d.severity == Severity::Warning {
                let ev = Evidence::report(r.id, r.bundle_id.clone()).at(Some(d.location.clone()).filter(|l| !l.is_empty()));
                if !e.1.contains(&ev) {
                    e.1.push(ev);
                }
                if e.2.len() < MAX_MESSAGES {
                    e.2.push(mask_in_text(&format!(
                        "{}[{}] {name}: {}: {}",
                        d.severity.as_str(),
                        d.rule,
                        if d.location.is_empty() { "Bundle" } else { &d.location },
                        d.message
                    )));
                }
            }
        }
        judged.push(JudgedReport { id: r.id, bundle: r.bundle_id.clone(), step: r.step.clone(), value, accepted: outcome.is_valid() });
    }
    let mut verdicts = Vec::new();
    if reports.is_empty() {
        return (verdicts, judged);
    }
    let all: Vec<Evidence> = judged.iter().map(JudgedReport::evidence).collect();
    for id in gw_ids() {
        let (failed, ev, msgs) = per_rule.remove(id).unwrap_or_default();
        let status = if failed { Status::Fail } else { Status::Pass };
        let mut v = Verdict::new(id, status, journey, Some(step));
        v.evidence = if failed { ev } else { all.clone() };
        v.messages = msgs;
        verdicts.push(v);
    }
    (verdicts, judged)
}

/// The stream audit of one journey, step by step.
#[derive(Debug, Default)]
pub struct StreamJudge {
    seen: BTreeSet<(String, Option<String>, Option<String>, String)>,
    failed: BTreeSet<String>,
    /// Findings of severity interpretation per rule: warnings shown on the rule's verdict,
    /// never a failure.
    warnings: BTreeMap<String, Vec<String>>,
}

impl StreamJudge {
    /// A judge for a new journey.
    pub fn new() -> StreamJudge {
        StreamJudge::default()
    }

    /// Note a PROTO or DST id failed by another check of this journey (a journey
    /// expectation that stands for it), so the end of the journey does not pass it.
    pub fn mark_failed(&mut self, rule: &str) {
        self.failed.insert(rule.to_string());
    }

    /// Audit the accepted stream so far; every PROTO finding of severity error not seen
    /// before is a fail at `step` (interpretations are kept as warnings).
    pub fn after_step(&mut self, journey: &str, step: &str, stream: &[JudgedReport]) -> Vec<Verdict> {
        self.new_findings(journey, Some(step), stream, is_proto)
    }

    /// End of the journey: DST findings of severity error per citizen (and any PROTO one
    /// still new) are fails; every PROTO and DST id the audit checks that did not fail
    /// passes, its interpretations (warnings) listed in its messages; with no accepted
    /// report at all they are skipped.
    pub fn finish(&mut self, journey: &str, stream: &[JudgedReport]) -> Vec<Verdict> {
        let mut out = self.new_findings(journey, None, stream, |_| true);
        let accepted: Vec<&JudgedReport> = stream.iter().filter(|r| r.accepted && r.value.is_some()).collect();
        let citizens: BTreeSet<String> =
            accepted.iter().filter_map(|r| r.value.as_ref().and_then(citizen_cpr)).map(str::to_string).collect();
        for id in proto_ids().chain(dst_ids()) {
            if self.failed.contains(id) {
                continue;
            }
            let v = if accepted.is_empty() {
                Verdict::new(id, Status::Skip, journey, None).with_message("no accepted report to audit in this journey")
            } else {
                let warnings = self.warnings.get(id).map_or(&[][..], Vec::as_slice);
                let what = if warnings.is_empty() {
                    "no finding".to_string()
                } else {
                    format!("no error ({} interpretation(s): warnings, not failures)", warnings.len())
                };
                let mut v = Verdict::new(id, Status::Pass, journey, None)
                    .with_evidence(accepted.iter().map(|r| r.evidence()))
                    .with_message(format!("{what} over {} accepted report(s) of {} citizen(s)", accepted.len(), citizens.len()));
                v.messages.extend(warnings.iter().take(MAX_MESSAGES).map(|w| format!("interpretation (warning): {w}")));
                v
            };
            out.push(v);
        }
        out
    }

    fn new_findings(&mut self, journey: &str, step: Option<&str>, stream: &[JudgedReport], wanted: impl Fn(&str) -> bool) -> Vec<Verdict> {
        let mut by_citizen: BTreeMap<String, Vec<&JudgedReport>> = BTreeMap::new();
        for r in stream.iter().filter(|r| r.accepted) {
            if let Some(v) = &r.value {
                by_citizen.entry(citizen_cpr(v).unwrap_or_default().to_string()).or_default().push(r);
            }
        }
        let mut grouped: BTreeMap<&'static str, Vec<(Finding, Vec<Evidence>)>> = BTreeMap::new();
        for reports in by_citizen.values() {
            let values: Vec<Value> = reports.iter().filter_map(|r| r.value.clone()).collect();
            let audit = audit_citizen(&values);
            for f in audit.findings {
                if !wanted(f.rule.as_str()) {
                    continue;
                }
                let key = (f.rule.to_string(), f.report.clone(), f.resource.clone(), f.message.clone());
                if !self.seen.insert(key) {
                    continue;
                }
                if f.severity == AuditSeverity::Interpretation {
                    let at = [f.report.as_deref(), f.resource.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                    let text = mask_in_text(&if at.is_empty() { f.message.clone() } else { format!("{at}: {}", f.message) });
                    self.warnings.entry(f.rule.to_string()).or_default().push(text);
                    continue;
                }
                let ev: Vec<Evidence> = reports
                    .iter()
                    .filter(|r| f.report.is_some() && r.bundle == f.report)
                    .map(|r| r.evidence().at(f.resource.clone()))
                    .collect();
                grouped.entry(f.rule.as_str()).or_default().push((f, ev));
            }
        }
        let mut out = Vec::new();
        for (rule, findings) in grouped {
            self.failed.insert(rule.to_string());
            let mut v = Verdict::new(rule, Status::Fail, journey, step);
            for (f, ev) in findings {
                if v.messages.len() < MAX_MESSAGES {
                    let at = [f.report.as_deref(), f.resource.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                    v.messages.push(mask_in_text(&if at.is_empty() { f.message.clone() } else { format!("{at}: {}", f.message) }));
                }
                for e in ev {
                    if !v.evidence.contains(&e) {
                        v.evidence.push(e);
                    }
                }
            }
            out.push(v);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: i64, body: &[u8]) -> StoredEvidenceReport {
        let v: Option<Value> = serde_json::from_slice(body).ok();
        StoredEvidenceReport {
            id,
            journey: "j".into(),
            step: "s".into(),
            source: "pull".into(),
            receiver_seq: None,
            received_at: "2025-03-03T00:00:00Z".into(),
            bundle_id: v.as_ref().and_then(|v| v["id"].as_str()).map(str::to_string),
            citizen_masked: None,
            body: body.to_vec(),
        }
    }

    #[test]
    fn the_igs_example_passes_every_gw_rule_and_garbage_fails_gw_json() {
        let example = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap();
        let (verdicts, judged) = judge_gw(Validator::default_validator(), None, "j", "s", &[stored(1, &example), stored(2, b"{not json")]);
        assert_eq!(judged.len(), 2);
        assert!(judged[0].accepted && judged[0].value.is_some());
        assert!(!judged[1].accepted && judged[1].value.is_none());
        let json = verdicts.iter().find(|v| v.check == "GW-JSON").unwrap();
        assert_eq!(json.status, Status::Fail);
        assert_eq!(json.evidence[0].report, Some(2));
        assert!(verdicts.iter().filter(|v| v.check != "GW-JSON").all(|v| v.status == Status::Pass), "{verdicts:#?}");
        assert_eq!(verdicts.len(), gw_ids().count());
    }

    #[test]
    fn as_written_a_report_with_goals_fails_intervention_goal_2_and_says_both() {
        let report = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap();
        let checker = ffbkit_sdk::as_written::Checker::shared();
        let (verdicts, judged) = judge_gw(Validator::default_validator(), Some(checker), "j", "s", &[stored(1, &report)]);
        assert!(!judged[0].accepted);
        let goal_2 = verdicts.iter().find(|v| v.check == "kl-reporting-ffb-intervention-goal-2").unwrap();
        assert_eq!(goal_2.status, Status::Fail);
        let text = format!("{goal_2:?}");
        assert!(text.contains("ffbkit says: the intended rule passes"), "{text}");
    }

    #[test]
    fn interpretations_never_fail_a_verdict_and_are_listed_as_warnings() {
        // The IG's example stream: no error, warnings (PROTO-DAILY not judged, one
        // målgruppe twice in a care plan) only.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid");
        let stored: Vec<StoredEvidenceReport> = [2, 3, 5, 6, 7]
            .iter()
            .enumerate()
            .map(|(i, n)| stored(i as i64 + 1, &std::fs::read(format!("{dir}/ig-example-encounter-{n}.json")).unwrap()))
            .collect();
        let (_, judged) = judge_gw(Validator::default_validator(), None, "j", "s", &stored);
        assert!(judged.iter().all(|r| r.accepted));
        let mut judge = StreamJudge::new();
        let mut verdicts = judge.after_step("j", "s", &judged);
        verdicts.extend(judge.finish("j", &judged));
        assert!(verdicts.iter().all(|v| v.status == Status::Pass), "{verdicts:#?}");
        let stable = verdicts.iter().find(|v| v.check == "PROTO-ID-STABLE").unwrap();
        assert!(
            stable.messages.iter().any(|m| m.starts_with("interpretation (warning): ") && m.contains("twice")),
            "{:#?}",
            stable.messages
        );
    }
}
