//! Stream audit (first part): a citizen's reports taken together, judged by the rules the
//! gateway cannot check — Danmarks Statistik's requirements per citizen (REQUIREMENTS.md
//! section 3) and, so far, the stream-level protocol rules PROTO-ONE-DAY, PROTO-COND-UPDATE,
//! PROTO-NEW-GATHERING and PROTO-ENDED (section 2).
//!
//! Reports are read in timestamp order; the latest version of each resource id stands.
//! Decisions (documented in the README):
//! - withdrawn data (`entered-in-error`) does not count towards any DST requirement;
//! - DST-TRIPLE applies to ydelser that start on or after 2025-01-01; the per-citizen DST
//!   requirements (F&F, A&D, støttebehov, måltype) apply to citizens with at least one such
//!   ydelse, as DST counts them from that date.

use crate::catalog::Catalog;
use crate::profile::{ext, fixed, Profile};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One finding of the audit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Rule id (`DST-AD`, `PROTO-ENDED`, ...).
    pub rule: &'static str,
    /// The report (Bundle id) it points to, when one.
    pub report: Option<String>,
    /// The resource (`Type/id`) it points to, when one.
    pub resource: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// The audit of one citizen's stream.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CitizenAudit {
    /// The citizen's CPR number, masked.
    pub citizen: String,
    /// The municipality's STS organisation id.
    pub municipality: String,
    /// Reports read.
    pub reports: usize,
    /// Findings.
    pub findings: Vec<Finding>,
}

/// The day (`YYYY-MM-DD`) of a FHIR date/dateTime.
fn day_of(v: &Value) -> Option<&str> {
    v.as_str().and_then(|s| s.get(..10))
}

fn code(v: &Value, element: &str) -> Option<String> {
    v.get(element)?.get("coding")?.get(0)?.get("code")?.as_str().map(str::to_string)
}

fn withdrawn(r: &Value) -> bool {
    r.get("status").and_then(Value::as_str) == Some("entered-in-error")
        || code(r, "verificationStatus").as_deref() == Some("entered-in-error")
}

fn profile_of(r: &Value) -> Option<Profile> {
    r.pointer("/meta/profile/0").and_then(Value::as_str).and_then(Profile::from_url)
}

/// Audit one citizen's reports (any order).
pub fn audit_citizen(reports: &[Value]) -> CitizenAudit {
    let catalog = Catalog::embedded();
    let mut order: Vec<&Value> = reports.iter().collect();
    order.sort_by(|a, b| a["timestamp"].as_str().cmp(&b["timestamp"].as_str()));
    let mut out = CitizenAudit { reports: reports.len(), ..CitizenAudit::default() };
    let mut state: BTreeMap<String, (Value, String)> = BTreeMap::new(); // key -> (resource, report id)
    let mut sent_days: BTreeMap<String, BTreeSet<String>> = BTreeMap::new(); // key -> days it was sent
    for report in &order {
        let rid = report["id"].as_str().unwrap_or("?").to_string();
        let rday = day_of(&report["timestamp"]).unwrap_or("").to_string();
        let entries = report["entry"].as_array().map(Vec::as_slice).unwrap_or_default();
        // PROTO-ONE-DAY: the resources of one report were updated on one day.
        let days: BTreeSet<&str> = entries.iter().filter_map(|e| day_of(&e["resource"]["meta"]["lastUpdated"])).collect();
        if days.len() > 1 {
            out.findings.push(Finding { rule: "PROTO-ONE-DAY", report: Some(rid.clone()), resource: None, message: format!("The report holds updates from {} days ({}); a report covers one day.", days.len(), days.into_iter().collect::<Vec<_>>().join(", ")) });
        }
        for e in entries {
            let r = &e["resource"];
            let key = format!("{}/{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or(""));
            if r["resourceType"] == "Patient" {
                out.citizen = crate::validate::cpr::mask_cpr(r.pointer("/identifier/0/value").and_then(Value::as_str).unwrap_or(""));
                out.municipality = r.pointer("/managingOrganization/identifier/value").and_then(Value::as_str).unwrap_or("").to_string();
            }
            if let Some((old, _)) = state.get(&key) {
                check_update(old, r, &key, &rid, &rday, &mut out.findings);
            }
            sent_days.entry(key.clone()).or_default().insert(rday.clone());
            state.insert(key, (r.clone(), rid.clone()));
        }
    }
    // PROTO-ENDED: an intervention that ended was reported on its end day.
    for (key, (r, rid)) in &state {
        if profile_of(r) != Some(Profile::Intervention) {
            continue;
        }
        if let Some(end) = day_of(&r["period"]["end"]) {
            if !sent_days.get(key).is_some_and(|d| d.contains(end)) {
                out.findings.push(Finding { rule: "PROTO-ENDED", report: Some(rid.clone()), resource: Some(key.clone()), message: format!("The intervention ended {end}, but no report of that day carries it with its end date.") });
            }
        }
    }
    dst(&state, catalog, &mut out.findings);
    out
}

/// PROTO-COND-UPDATE and PROTO-NEW-GATHERING: what may change under the same id.
fn check_update(old: &Value, new: &Value, key: &str, rid: &str, rday: &str, findings: &mut Vec<Finding>) {
    let mut push = |rule: &'static str, message: String| findings.push(Finding { rule, report: Some(rid.to_string()), resource: Some(key.to_string()), message });
    match profile_of(new) {
        Some(Profile::Condition) => {
            if code(old, "code") != code(new, "code") {
                push("PROTO-COND-UPDATE", "A re-assessed condition changed its FFB code; it must keep it (a new theme is a new resource).".into());
            }
            let changed = old.get("severity") != new.get("severity") || old.get("clinicalStatus") != new.get("clinicalStatus");
            let asserted = new.get("extension").and_then(Value::as_array).and_then(|x| {
                x.iter().find(|e| e["url"] == ext::CONDITION_LAST_ASSERTED_DATE).and_then(|e| day_of(&e["valueDateTime"]))
            });
            if changed && !withdrawn(new) && asserted != Some(rday) {
                push("PROTO-COND-UPDATE", format!("The condition was re-assessed in the report of {rday}, but its last-asserted date is {}.", asserted.unwrap_or("missing")));
            }
        }
        Some(Profile::CarePlan) => {
            let targets = |v: &Value| v.get("addresses").cloned();
            if targets(old) != targets(new) || old.get("careTeam") != new.get("careTeam") {
                push("PROTO-NEW-GATHERING", "The care plan's målgrupper or tilbud changed under the same id; a changed grant is a new care plan (and a new information gathering).".into());
            }
        }
        Some(Profile::Intervention) => {
            if old.pointer("/activity/0/detail/code") != new.pointer("/activity/0/detail/code") {
                push("PROTO-NEW-GATHERING", "The intervention's ydelse changed under the same id; a changed ydelse is a new intervention under a new care plan.".into());
            }
        }
        _ => {}
    }
}

/// DST requirements per citizen, on the latest state.
fn dst(state: &BTreeMap<String, (Value, String)>, catalog: &Catalog, findings: &mut Vec<Finding>) {
    let current: Vec<(&String, &Value)> = state.iter().map(|(k, (v, _))| (k, v)).filter(|(_, v)| !withdrawn(v)).collect();
    let of = |p: Profile| current.iter().filter(move |(_, v)| profile_of(v) == Some(p)).map(|(k, v)| (*k, *v));
    let in_set = |c: &str, vs: &str| catalog.value_set(vs).is_some_and(|s| s.contains(c));
    let plans: BTreeMap<String, &Value> = of(Profile::CarePlan).map(|(k, v)| (k.clone(), v)).collect();
    let teams: BTreeMap<String, &Value> = of(Profile::ServicePerformer).map(|(k, v)| (k.clone(), v)).collect();
    let recent: Vec<(&String, &Value)> = of(Profile::Intervention).filter(|(_, v)| day_of(&v["period"]["start"]).is_some_and(|d| d >= "2025-01-01")).collect();
    for (key, i) in &recent {
        let ydelse = i.pointer("/activity/0/detail/code/coding/0/code").and_then(Value::as_str).unwrap_or("");
        let plan = i.pointer("/basedOn/0/reference").and_then(Value::as_str).and_then(|r| plans.get(r));
        let has_target = plan.is_some_and(|p| p.get("addresses").and_then(Value::as_array).is_some_and(|a| !a.is_empty()));
        let has_tilbud = plan.is_some_and(|p| {
            p.get("careTeam").and_then(Value::as_array).is_some_and(|a| a.iter().any(|t| t["reference"].as_str().and_then(|r| teams.get(r)).is_some()))
        });
        if !in_set(ydelse, "KLInterventionsFFB") || !has_target || !has_tilbud {
            let missing: Vec<&str> = [(!in_set(ydelse, "KLInterventionsFFB"), "an FFB ydelse"), (!has_target, "an FFB målgruppe"), (!has_tilbud, "an FFB tilbud")].into_iter().filter(|(m, _)| *m).map(|(_, w)| w).collect();
            findings.push(Finding { rule: "DST-TRIPLE", report: None, resource: Some(key.to_string()), message: format!("The ydelse started on or after 2025-01-01 lacks {}.", missing.join(" and ")) });
        }
    }
    if recent.is_empty() {
        return;
    }
    let conditions: Vec<&Value> = of(Profile::Condition).map(|(_, v)| v).collect();
    let dated = |c: &&Value| c.get("recordedDate").is_some();
    let ff = conditions.iter().filter(|c| code(c, "code").is_some_and(|x| in_set(&x, "KLConditionFFCodesFFB")) && dated(c)).count();
    if ff == 0 {
        findings.push(Finding { rule: "DST-FF", report: None, resource: None, message: "The citizen receives FFB ydelser but has no Funktioner og forhold theme at undertema level with a registration date.".into() });
    }
    let ad: Vec<&&Value> = conditions.iter().filter(|c| code(c, "code").is_some_and(|x| in_set(&x, "KLConditionADCodesFFB"))).collect();
    if ad.is_empty() || ad.iter().any(|c| c.get("severity").is_none() || !dated(c)) {
        findings.push(Finding { rule: "DST-AD", report: None, resource: None, message: "The citizen receives FFB ydelser but has no Aktivitet og deltagelse theme with a date and a funktionsevnevurdering for each.".into() });
    }
    let evaluations: Vec<&Value> = of(Profile::CareEvaluation).map(|(_, v)| v).collect();
    if evaluations.is_empty() {
        findings.push(Finding { rule: "DST-STOETTE", report: None, resource: None, message: "The citizen receives FFB ydelser but has no støttebehov assessment.".into() });
    }
    let evaluation_days: BTreeSet<&str> = evaluations.iter().filter_map(|e| day_of(&e["effectiveDateTime"])).collect();
    for (key, f) in of(Profile::FollowUp) {
        let d = day_of(&f["effectiveDateTime"]).unwrap_or("");
        if !evaluation_days.contains(d) {
            findings.push(Finding { rule: "DST-STOETTE", report: None, resource: Some(key.clone()), message: format!("The follow-up of {d} has no støttebehov assessment of the same day (required also when unchanged).") });
        }
    }
    let maaltype = of(Profile::InterventionGoal).any(|(_, g)| {
        g.get("target").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t.pointer("/measure/coding/0/code").and_then(Value::as_str) == Some(fixed::MEASURE_CHANGE_VALUE)))
            && g.get("addresses").and_then(Value::as_array).is_some_and(|a| !a.is_empty())
    });
    if !maaltype {
        findings.push(Finding { rule: "DST-MAALTYPE", report: None, resource: None, message: "The citizen receives FFB ydelser but has no goal with a måltype tied to an A&D theme.".into() });
    }
}
