//! The reporting protocol across a citizen's reports (REQUIREMENTS.md section 2): checks
//! on one report in the light of what came before (PROTO-ONE-DAY, PROTO-SNAPSHOT,
//! PROTO-GOAL-CONTEXT, PROTO-DAILY), on each new version of a known resource
//! (PROTO-COND-UPDATE, PROTO-NEW-GATHERING, PROTO-ERROR, PROTO-ID-STABLE), and on the
//! stream as a whole (PROTO-ENDED, PROTO-ID-STABLE). The semantics of each rule are set
//! out in the module documentation of [`crate::audit`].

use super::finding::Finding;
use super::resource::{code, day_before, day_of, key, last_asserted, withdrawn};
use super::rules::AuditRuleId;
use super::state::StreamState;
use crate::profile::Profile;
use crate::report::{profile_of, reference_key, references, references_under};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The report being read: its id, day and resources by key.
pub(crate) struct Report<'a> {
    /// Bundle id.
    pub id: &'a str,
    /// Day of its timestamp.
    pub day: &'a str,
    /// Its resources, in entry order.
    pub resources: Vec<&'a Value>,
    /// Its resources by `Type/id`.
    pub by_key: HashMap<String, &'a Value>,
}

impl<'a> Report<'a> {
    /// Read a report's id, day and resources.
    pub(super) fn new(report: &'a Value) -> Report<'a> {
        let resources: Vec<&Value> =
            report["entry"].as_array().map(|e| e.iter().map(|e| &e["resource"]).filter(|r| r.is_object()).collect()).unwrap_or_default();
        let by_key = resources.iter().map(|r| (key(r), *r)).collect();
        Report { id: report["id"].as_str().unwrap_or("?"), day: day_of(&report["timestamp"]).unwrap_or(""), resources, by_key }
    }

    /// A finding pointing to this report and `resource`, with the rule's severity.
    pub(super) fn finding(&self, rule: AuditRuleId, resource: Option<&str>, message: String) -> Finding {
        Finding::new(rule, Some(self.id.to_string()), resource.map(str::to_string), Some(self.day.to_string()), message)
    }

    /// A resource by key: in this report, else the stream's current version.
    pub(super) fn resolve<'s>(&'s self, state: &'s StreamState, k: &str) -> Option<&'s Value> {
        self.by_key.get(k).copied().or_else(|| state.get(k))
    }
}

/// PROTO-ONE-DAY: the resources a report changes (`changed`: new, or content other than
/// the stream's current version) were updated on one day. Resources carried unchanged
/// (because something in the report references them) keep their old `meta.lastUpdated`
/// and are not judged. When the changed ones span several days, each updated on another day
/// than the report's (or, when the report's day is not among them, than the most common
/// one) is named.
pub(crate) fn one_day(rep: &Report, changed: &HashSet<String>, out: &mut Vec<Finding>) {
    let judged: Vec<&&Value> = rep.resources.iter().filter(|r| changed.contains(&key(r))).collect();
    let mut days: BTreeMap<&str, usize> = BTreeMap::new();
    for d in judged.iter().filter_map(|r| day_of(&r["meta"]["lastUpdated"])) {
        *days.entry(d).or_default() += 1;
    }
    if days.len() <= 1 {
        return;
    }
    let main = if days.contains_key(rep.day) { rep.day } else { days.iter().max_by_key(|(_, n)| **n).map_or("", |(d, _)| *d) };
    let list = days.keys().copied().collect::<Vec<_>>().join(", ");
    for r in judged {
        if let Some(d) = day_of(&r["meta"]["lastUpdated"]).filter(|d| *d != main) {
            out.push(rep.finding(
                AuditRuleId::ProtoOneDay,
                Some(&key(r)),
                format!(
                    "The report changes resources updated on {} days ({list}); this resource changed on {d}, the report covers {main}.",
                    days.len()
                ),
            ));
        }
    }
}

/// PROTO-SNAPSHOT (every reference resolves within the report) and PROTO-GOAL-CONTEXT
/// (a goal comes with the conditions it addresses).
pub(crate) fn references_resolve(rep: &Report, out: &mut Vec<Finding>) {
    for r in &rep.resources {
        let k = key(r);
        let goal = r["resourceType"] == "Goal";
        for (top, reference) in references(*r) {
            let target = reference_key(reference);
            if rep.by_key.contains_key(target) {
                continue;
            }
            if goal && top == "addresses" {
                out.push(rep.finding(AuditRuleId::ProtoGoalContext, Some(&k), format!("The goal addresses {target}, which is not in the same report; a goal is reported with the conditions it addresses.")));
            } else {
                out.push(rep.finding(
                    AuditRuleId::ProtoSnapshot,
                    Some(&k),
                    format!(
                        "{k} references {target} ({top}), which is not in the report; a report carries everything its resources reference."
                    ),
                ));
            }
        }
    }
}

/// PROTO-SNAPSHOT: a new theme comes with an information gathering holding it; a new
/// target group or støttebehov assessment with a care plan (or gathering) holding it. A
/// new goal needs no holder: `CarePlan.goal` is must-support, not required, and the
/// invariant kl-reporting-ffb-care-plan-3 is commented out in the IG.
pub(crate) fn new_ones_are_held(rep: &Report, new_keys: &[String], out: &mut Vec<Finding>) {
    let held_by = |k: &str, holders: &[&str]| {
        rep.resources.iter().any(|h| {
            holders.contains(&h["resourceType"].as_str().unwrap_or(""))
                && profile_of(*h) != Some(Profile::Intervention)
                && references(*h).iter().any(|(_, r)| reference_key(r) == k)
        })
    };
    for k in new_keys {
        let Some(r) = rep.by_key.get(k) else { continue };
        if withdrawn(r) {
            continue;
        }
        let (holders, what): (&[&str], &str) = match profile_of(*r) {
            Some(Profile::Condition) => (&["ClinicalImpression"], "no information gathering"),
            Some(Profile::TargetGroup) => (&["CarePlan"], "no care plan"),
            Some(Profile::CareEvaluation) => (&["CarePlan", "ClinicalImpression"], "neither a care plan nor an information gathering"),
            _ => continue,
        };
        if !held_by(k, holders) {
            out.push(rep.finding(AuditRuleId::ProtoSnapshot, Some(k), format!("{k} is reported for the first time, but {what} in the same report holds it; the changed information gathering or care plan belongs in the snapshot.")));
        }
    }
}

/// PROTO-DAILY: a new or changed resource delivered more than a day after it changed, by
/// its `meta.lastUpdated` (the time of the change in the source system). Clinical dates
/// (recorded, effective, created) are not registration times and are not judged. Returns
/// false when the resource has no `meta.lastUpdated` (the delay cannot be judged).
pub(crate) fn daily(rep: &Report, r: &Value, out: &mut Vec<Finding>) -> bool {
    let Some(lu) = day_of(&r["meta"]["lastUpdated"]) else { return false };
    let Some(cutoff) = day_before(rep.day) else { return true };
    if lu < cutoff.as_str() {
        let k = key(r);
        out.push(rep.finding(
            AuditRuleId::ProtoDaily,
            Some(&k),
            format!(
                "{k} was updated on {lu} (meta.lastUpdated) but first delivered in the report of {}; changes are delivered at least daily.",
                rep.day
            ),
        ));
    }
    true
}

/// The målgruppe or tilbud codes a care plan's references under `element` resolve to
/// (the reference itself where it does not resolve).
fn codes_of(rep: &Report, state: &StreamState, plan: &Value, element: &str) -> BTreeSet<String> {
    references_under(plan, element)
        .into_iter()
        .map(|r| {
            let k = reference_key(r);
            rep.resolve(state, k)
                .and_then(|t| code(t, "code").or_else(|| t.pointer("/category/0/coding/0/code").and_then(Value::as_str)))
                .map_or_else(|| k.to_string(), str::to_string)
        })
        .collect()
}

/// A new version of a known resource: PROTO-COND-UPDATE, PROTO-NEW-GATHERING, PROTO-ERROR
/// (re-instated after withdrawal, withdrawn the wrong way), PROTO-ID-STABLE (the id now
/// names another kind of thing).
pub(crate) fn update(rep: &Report, state: &StreamState, old: &Value, new: &Value, out: &mut Vec<Finding>) {
    let k = key(new);
    // `reading`: a check listed under the rule's readings (an interpretation).
    let mut push = |rule: AuditRuleId, reading: bool, message: String| {
        let f = rep.finding(rule, Some(&k), message);
        out.push(if reading { f.interpretation() } else { f });
    };
    let (po, pn) = (profile_of(old), profile_of(new));
    if po != pn {
        push(
            AuditRuleId::ProtoIdStable,
            false,
            format!(
                "The id was a {} and is now reported as a {}; a known id is an update of the same thing.",
                po.map_or("?", |p| p.title()),
                pn.map_or("?", |p| p.title())
            ),
        );
        return;
    }
    if withdrawn(old) && !withdrawn(new) {
        push(
            AuditRuleId::ProtoError,
            true,
            "A withdrawn (entered-in-error) resource is reported again as valid; a new registration takes a new id.".into(),
        );
    }
    if new["resourceType"] == "Observation" && new["status"] == "cancelled" && old["status"] != "cancelled" {
        push(
            AuditRuleId::ProtoError,
            true,
            "A reported observation is re-sent as cancelled; data entered in error is withdrawn with status entered-in-error.".into(),
        );
    }
    match pn {
        Some(Profile::Condition) => {
            if code(old, "code") != code(new, "code") {
                push(
                    AuditRuleId::ProtoCondUpdate,
                    false,
                    "A re-assessed condition changed its FFB code; it must keep it (a new theme is a new resource).".into(),
                );
            }
            let changed = old.get("severity") != new.get("severity") || old.get("clinicalStatus") != new.get("clinicalStatus");
            let asserted = last_asserted(new);
            if changed && !withdrawn(new) && asserted != Some(rep.day) {
                push(
                    AuditRuleId::ProtoCondUpdate,
                    false,
                    format!(
                        "The condition was re-assessed in the report of {}, but its last-asserted date is {}.",
                        rep.day,
                        asserted.unwrap_or("missing")
                    ),
                );
            }
        }
        Some(Profile::CarePlan) => {
            let groups = codes_of(rep, state, old, "addresses") != codes_of(rep, state, new, "addresses");
            let tilbud = codes_of(rep, state, old, "careTeam") != codes_of(rep, state, new, "careTeam");
            if groups || tilbud {
                let what = if groups { "målgrupper" } else { "tilbud" };
                push(AuditRuleId::ProtoNewGathering, false, format!("The care plan's {what} changed under the same id; a changed grant is a new care plan (and a new information gathering)."));
            }
        }
        Some(Profile::Intervention) if code(&old["activity"][0]["detail"], "code") != code(&new["activity"][0]["detail"], "code") => {
            push(
                AuditRuleId::ProtoNewGathering,
                true,
                "The intervention's ydelse changed under the same id; a changed ydelse is a new intervention under a new care plan.".into(),
            );
        }
        _ => {}
    }
}

/// PROTO-ERROR for conditions: a withdrawn condition keeps clinicalStatus `inactive` (the
/// profile requires one, FHIR's con-5 forbids it; ffbkit's documented convention).
pub(crate) fn withdrawn_condition(rep: &Report, r: &Value, out: &mut Vec<Finding>) {
    if r["resourceType"] == "Condition"
        && code(r, "verificationStatus") == Some("entered-in-error")
        && code(r, "clinicalStatus") != Some("inactive")
    {
        out.push(rep.finding(AuditRuleId::ProtoError, Some(&key(r)), format!("The condition is withdrawn (entered-in-error) but its clinicalStatus is {}; a withdrawn condition is inactive (ffbkit's convention).", code(r, "clinicalStatus").unwrap_or("missing"))).interpretation());
    }
}

/// What a new version of a gathering or care plan no longer holds: (holder, dropped,
/// added) keys, for themes (`finding`) and goals (`goal`).
pub(crate) fn dropped(old: &Value, new: &Value) -> Option<(String, Vec<String>, Vec<String>)> {
    let element = match profile_of(new)? {
        Profile::InformationGathering => "finding",
        Profile::CarePlan => "goal",
        _ => return None,
    };
    let keys = |v: &Value| references_under(v, element).into_iter().map(|r| reference_key(r).to_string()).collect::<BTreeSet<String>>();
    let (before, after) = (keys(old), keys(new));
    let gone: Vec<String> = before.difference(&after).cloned().collect();
    (!gone.is_empty()).then(|| (key(new), gone, after.difference(&before).cloned().collect()))
}

/// PROTO-ERROR / PROTO-ID-STABLE for what a gathering or care plan dropped: withdrawn is
/// right; replaced by a new id with the same code is PROTO-ID-STABLE; a goal that ended
/// (completed, cancelled) may go; anything else vanished without a withdrawal (PROTO-ERROR).
pub(crate) fn judge_dropped(rep: &Report, state: &StreamState, holder: &str, gone: &[String], added: &[String], out: &mut Vec<Finding>) {
    for g in gone {
        let Some(r) = rep.resolve(state, g) else { continue };
        if withdrawn(r) || matches!(r["lifecycleStatus"].as_str(), Some("completed" | "cancelled")) {
            continue;
        }
        // The same thing: a theme with the same code; a goal with the same targets and themes.
        let same = |a: &&String| {
            rep.resolve(state, a).is_some_and(|x| {
                if r["resourceType"] == "Goal" {
                    x.get("target") == r.get("target") && x.get("addresses") == r.get("addresses")
                } else {
                    code(x, "code").is_some() && code(x, "code") == code(r, "code")
                }
            })
        };
        if let Some(a) = added.iter().find(same) {
            out.push(rep.finding(
                AuditRuleId::ProtoIdStable,
                Some(a),
                format!(
                    "{holder} replaced {g} by {a}, the same thing under a new id; an update keeps the id (and a mistake is withdrawn)."
                ),
            ));
        } else {
            let f = rep.finding(AuditRuleId::ProtoError, Some(g), format!("{holder} no longer holds {g}, which was never withdrawn; data entered in error is withdrawn by re-sending its id as entered-in-error."));
            // Goals need not be held by a care plan: dropping one is judged as a reading.
            out.push(if r["resourceType"] == "Goal" { f.interpretation() } else { f });
        }
    }
}

/// PROTO-ID-STABLE on the stream's current state, as interpretations (the IG does not
/// forbid it; its own example holds two target groups with one code in one care plan): the
/// same theme twice in one gathering, the same målgruppe twice in one care plan, the same
/// open ydelse twice under one care plan (the later id is reported).
/// Resources grouped by (holder, element, code): where each sits (report index) and its key.
type DuplicateGroups<'a> = BTreeMap<(String, String, &'a str), Vec<(usize, &'a String)>>;

pub(crate) fn duplicates(state: &StreamState, out: &mut Vec<Finding>) {
    let mut groups: DuplicateGroups = BTreeMap::new();
    let live = |k: &str| state.resources.get(k).filter(|t| !withdrawn(t.current));
    for (hk, h) in state.resources.iter().filter(|(_, t)| !withdrawn(t.current)) {
        let element = match profile_of(h.current) {
            Some(Profile::InformationGathering) => "finding",
            Some(Profile::CarePlan) => "addresses",
            _ => continue,
        };
        for r in references_under(h.current, element) {
            if let Some(t) = live(reference_key(r)) {
                if let Some(c) = code(t.current, "code") {
                    groups
                        .entry((hk.clone(), c.to_string(), element))
                        .or_default()
                        .push((t.seen, state.resources.get_key_value(reference_key(r)).map(|(k, _)| k).expect("live")));
                }
            }
        }
    }
    for (k, t) in state.current_of(Profile::Intervention) {
        let open = t.current["period"].get("end").is_none() && !matches!(t.current["status"].as_str(), Some("completed" | "revoked"));
        if let (true, Some(plan), Some(c)) =
            (open, t.current.pointer("/basedOn/0/reference").and_then(Value::as_str), code(&t.current["activity"][0]["detail"], "code"))
        {
            groups.entry((reference_key(plan).to_string(), c.to_string(), "ydelse")).or_default().push((t.seen, k));
        }
    }
    for ((holder, c, what), mut v) in groups {
        v.sort();
        v.dedup();
        for (_, k) in v.iter().skip(1) {
            let t = &state.resources[*k];
            let thing = match what {
                "finding" => "theme",
                "addresses" => "målgruppe",
                _ => "open ydelse",
            };
            let message = format!(
                "{holder} holds the {thing} {c} twice, as {} and {k}; the same thing usually keeps one id (the IG does not forbid it).",
                v[0].1
            );
            out.push(
                Finding::new(
                    AuditRuleId::ProtoIdStable,
                    Some(t.first_report.clone()),
                    Some((*k).clone()),
                    Some(t.first_day.clone()),
                    message,
                )
                .interpretation(),
            );
        }
    }
}

/// PROTO-ENDED: an intervention that ended was reported on its end day (end days after the
/// stream's last report are not yet due).
pub(crate) fn ended(state: &StreamState, last_day: &str, out: &mut Vec<Finding>) {
    for (k, t) in state.current_of(Profile::Intervention) {
        if let Some(end) = day_of(&t.current["period"]["end"]) {
            if end <= last_day && !t.days.contains(end) {
                out.push(Finding::new(
                    AuditRuleId::ProtoEnded,
                    Some(t.report.clone()),
                    Some(k.clone()),
                    Some(t.day.clone()),
                    format!("The intervention ended {end}, but no report of that day carries it with its end date."),
                ));
            }
        }
    }
}
