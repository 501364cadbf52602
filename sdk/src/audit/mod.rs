//! Stream audit: a citizen's reports taken together, judged by the rules the gateway
//! cannot check: the reporting protocol across reports (REQUIREMENTS.md section 2,
//! PROTO-*) and Danmarks Statistik's requirements per citizen (sections 3 and 7, DST-*). All 16
//! ids are checked; [`RULES`] is their one table (family, severity, the sentences each
//! rests on). Every [`Finding`] names its rule, its [`Severity`] (`error` when the cited
//! text states the rule, `interpretation` when the check rests on ffbkit's reading: a
//! warning that never fails), the report (Bundle id), that report's day and the resource
//! (`Type/id`) it points to.
//!
//! Reports are read in timestamp order (ties: input order); each resource id's latest
//! version is its current state; a version is a *change* when its content differs from the
//! previous one, `meta` aside.
//!
//! What each rule checks:
//! Checks marked *(interpretation)* give findings of severity interpretation.
//!
//! - **PROTO-DAILY**: a new or changed resource is delivered no later than the day after it
//!   changed by its `meta.lastUpdated` (the time of the change in the source system):
//!   at most one day before the report's day. Clinical dates (recorded, effective, created)
//!   are not registration times and are not judged. *(interpretation)* When changed
//!   resources carry no `meta.lastUpdated` (the IG's own examples), the delay is not judged,
//!   and one finding per citizen says so.
//! - **PROTO-ONE-DAY**: the resources a report changes were updated (`meta.lastUpdated`) on
//!   one day; resources it carries unchanged (referenced by something in it) keep their old
//!   `meta.lastUpdated` and are not judged.
//! - **PROTO-SNAPSHOT**: every reference in a report resolves within it; a theme reported
//!   for the first time comes with an information gathering holding it, a new target group
//!   with a care plan holding it, a new støttebehov assessment with a care plan or
//!   gathering holding it. A new goal needs no care plan (`CarePlan.goal` is must-support,
//!   not required). (A re-assessed theme does not drag its gathering along: the gathering
//!   did not change.)
//! - **PROTO-ID-STABLE**: a known id stays the same kind of thing (profile); a gathering or
//!   care plan that drops an id and takes a new one with the same code (the same thing
//!   re-created). *(interpretation)* The citizen keeps one Patient id; on the final state,
//!   the same theme twice in one gathering, the same målgruppe twice in one care plan, the
//!   same open ydelse twice under one care plan (none withdrawn or ended).
//! - **PROTO-ERROR**: a theme a gathering stops holding must be withdrawn
//!   (`entered-in-error`). *(interpretation)* A goal a care plan stops holding is withdrawn
//!   or ended (completed, cancelled); a withdrawn resource is never re-instated; an
//!   observation is withdrawn with `entered-in-error`, not `cancelled`; a withdrawn
//!   condition keeps clinicalStatus `inactive` (the profile requires clinicalStatus, FHIR's
//!   con-5 forbids it: ffbkit's convention, see docs/fidelity.md).
//! - **PROTO-COND-UPDATE**: a re-assessed condition keeps its FFB code and sets its
//!   last-asserted date to the report's day.
//! - **PROTO-NEW-GATHERING**: a care plan keeps its målgrupper and tilbud (compared as codes)
//!   under the same id. *(interpretation)* An intervention keeps its ydelse.
//! - **PROTO-ENDED**: an intervention's end date is carried by a report of that day (end
//!   dates after the stream's last report are not yet due).
//! - **PROTO-GOAL-CONTEXT**: a goal is reported with the conditions it addresses.
//! - **DST-SCOPE**: every reported ydelse is an FFB ydelse (KLInterventionsFFB) (and,
//!   *(interpretation)*, every tilbud an FFB tilbud (KLServiceCodesFFB)) whose legal basis (the catalog's, else the
//!   nearest ancestor's) includes Serviceloven §§ 82 a-d, 85, 103, 104, 107, 108 or
//!   Almenboligloven § 105 ("Midlertidigt ophold", §§ 107, 109, 110, is in through § 107);
//!   codes whose basis the catalog does not state are not judged on it.
//! - **DST-TRIPLE**: a ydelse starting on or after 2025-01-01 has a ydelse code and a care
//!   plan with an FFB målgruppe and a tilbud.
//! - **DST-FF**, **DST-AD**, **DST-STOETTE**, **DST-MAALTYPE**: per citizen, on the final
//!   state: a dated F&F theme; an A&D theme, each dated and scored (*(interpretation)* not
//!   all "Ikke vurderet"); a dated støttebehov assessment, not all "Ikke vurderet", and one
//!   on the day of every follow-up (*(interpretation)* one that the care plan followed up,
//!   `FollowUp.focus`, holds in `activity.outcomeReference` in some version reported); a
//!   goal with a måltype addressing an A&D theme.
//! - **DST-AD-INDSATS** *(interpretation, the whole rule)*: per citizen, on the final state:
//!   every current A&D theme (not withdrawn, clinicalStatus not inactive or resolved) is
//!   addressed by a goal (or a care plan) that is not withdrawn.
//!
//! Decisions: withdrawn (`entered-in-error`) data counts for nothing towards any DST rule;
//! DST-TRIPLE applies to ydelser starting on or after 2025-01-01 ([`dst::DST_FROM`]), and the
//! per-citizen DST rules to citizens with at least one such ydelse, as DST counts from that
//! date; a citizen whose ydelser all started earlier is judged by the PROTO rules and
//! DST-SCOPE only.
//!
//! ```
//! use ffbkit_sdk::audit::audit_citizen;
//! use ffbkit_sdk::planner::{example_case, Planner};
//! let report = Planner::new().plan_day(&example_case(), ffbkit_sdk::domain::Date::parse("2025-03-03").unwrap()).unwrap();
//! let audit = audit_citizen(&[report]);
//! assert!(audit.findings.is_empty(), "{:?}", audit.findings);
//! assert_eq!(audit.citizen, "010150-****");
//! ```

mod coverage;
mod coverage_view;
pub mod dst;
mod finding;
mod proto;
mod resource;
mod rules;
mod state;

pub use coverage::Coverage;
pub use coverage_view::{CoverageView, Measure, MeasureCoverage, MunicipalityRow, TopShare, Universe, DEFAULT_TOP};
pub use finding::{CitizenAudit, Finding};
pub use rules::{rule, rule_ids, AuditRule, AuditRuleId, Document, Family, Reading, Severity, Source, RULES};

use proto::Report;
use resource::{key, same_content};
use serde_json::Value;
use state::StreamState;
use std::collections::{HashMap, HashSet};

/// Audit one citizen's reports (any order).
pub fn audit_citizen(reports: &[Value]) -> CitizenAudit {
    let mut order: Vec<&Value> = reports.iter().collect();
    order.sort_by(|a, b| a["timestamp"].as_str().cmp(&b["timestamp"].as_str()));
    let mut out = CitizenAudit { reports: reports.len(), ..CitizenAudit::default() };
    let mut state = StreamState::default();
    let mut patient: Option<String> = None;
    let mut kind_of_id: HashMap<String, String> = HashMap::new(); // id -> Type/id
    let (mut last_id, mut last_day) = (String::new(), String::new());
    let f = &mut out.findings;
    // Changed resources without meta.lastUpdated: (report, day, key), PROTO-DAILY not judged.
    let mut undated: Vec<(String, String, String)> = Vec::new();
    for report in order {
        let rep = Report::new(report);
        // New, or content other than the stream's current version (meta aside).
        let changed: HashSet<String> =
            rep.resources.iter().filter(|r| state.get(&key(r)).is_none_or(|old| !same_content(old, r))).map(|r| key(r)).collect();
        proto::one_day(&rep, &changed, f);
        proto::references_resolve(&rep, f);
        let mut new_keys = Vec::new();
        let mut drops = Vec::new();
        for r in &rep.resources {
            let k = key(r);
            if r["resourceType"] == "Patient" {
                out.citizen = crate::cpr::mask(crate::report::cpr_of_patient(*r).unwrap_or(""));
                out.municipality = crate::report::municipality_of_patient(*r).unwrap_or("").to_string();
                match &patient {
                    None => patient = Some(k.clone()),
                    Some(p) if *p != k => f.push(
                        rep.finding(
                            AuditRuleId::ProtoIdStable,
                            Some(&k),
                            format!("The citizen was reported as {p} before and is now {k}; the citizen usually keeps one Patient id."),
                        )
                        .interpretation(),
                    ),
                    _ => {}
                }
            }
            match state.get(&k) {
                Some(old) if same_content(old, r) => {}
                Some(old) => {
                    if !proto::daily(&rep, r, f) {
                        undated.push((rep.id.to_string(), rep.day.to_string(), k.clone()));
                    }
                    proto::update(&rep, &state, old, r, f);
                    proto::withdrawn_condition(&rep, r, f);
                    drops.extend(proto::dropped(old, r));
                }
                None => {
                    if !proto::daily(&rep, r, f) {
                        undated.push((rep.id.to_string(), rep.day.to_string(), k.clone()));
                    }
                    proto::withdrawn_condition(&rep, r, f);
                    let id = r["id"].as_str().unwrap_or("").to_string();
                    match kind_of_id.get(&id) {
                        Some(other) if !id.is_empty() && *other != k => f.push(rep.finding(
                            AuditRuleId::ProtoIdStable,
                            Some(&k),
                            format!("The id was reported before as {other}; an id names one thing."),
                        )),
                        _ => {
                            kind_of_id.insert(id, k.clone());
                        }
                    }
                    new_keys.push(k.clone());
                }
            }
            state.record(k, r, rep.id, rep.day);
        }
        proto::new_ones_are_held(&rep, &new_keys, f);
        for (holder, gone, added) in &drops {
            proto::judge_dropped(&rep, &state, holder, gone, added, f);
        }
        last_id = rep.id.to_string();
        last_day = rep.day.to_string();
    }
    if let Some((report, day, k)) = undated.first() {
        let reports: HashSet<&str> = undated.iter().map(|(r, _, _)| r.as_str()).collect();
        let message = format!(
            "{} not judged for {} changed resource version(s) in {} report(s), from this one on: they carry no meta.lastUpdated, so when they changed in the source system is unknown (clinical dates are not registration times).",
            AuditRuleId::ProtoDaily,
            undated.len(),
            reports.len()
        );
        f.push(Finding::new(AuditRuleId::ProtoDaily, Some(report.clone()), Some(k.clone()), Some(day.clone()), message).interpretation());
    }
    proto::ended(&state, &last_day, f);
    proto::duplicates(&state, f);
    out.coverage = coverage::count(&state);
    let patient = patient.unwrap_or_default();
    dst::check(&state, &dst::Citizen { patient: &patient, report: &last_id, day: &last_day }, f);
    out
}
