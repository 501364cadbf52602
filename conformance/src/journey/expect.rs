//! The per-step expectation checks `VUM-<journey>-<step>`: what the vendor reported for a
//! step's delivery, held against the step's `expect` (report count, resources that must be
//! there, resources that must not), by content: codes from the catalog, dates, statuses,
//! references followed inside the report. The GW, PROTO and DST rules are not repeated here
//! (the validator and the stream audit judge them); these checks say whether the vendor
//! reported what the journey did.

use super::model::{Journey, Match};
use super::resolve;
use ffbkit_sdk::audit::AuditRuleId;
use ffbkit_sdk::profile::{ext, fixed, Profile};
use ffbkit_sdk::report::{citizen_cpr, profile_of};
use ffbkit_sdk::rules::AnyRuleId;
use serde_json::Value;
use std::collections::HashSet;

/// The verdict of one step's expectations.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StepCheck {
    /// `VUM-<journey>-<step>`.
    pub id: String,
    /// True when every expectation holds.
    pub passed: bool,
    /// One line per expectation that failed (or, when passed, what was checked).
    pub messages: Vec<String>,
    /// The requirement ids the failed expectations stand for (their `rule`, and the report
    /// count's `reports_rule`), sorted, without duplicates; empty when passed.
    pub failed_rules: Vec<String>,
}

fn day(v: &Value) -> Option<&str> {
    v.as_str().and_then(|s| s.get(..10))
}

fn code<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(|c| c.pointer("/coding/0/code")).and_then(Value::as_str)
}

/// A resource found in a report.
struct Found<'r> {
    report: &'r Value,
    resource: &'r Value,
}

impl<'r> Found<'r> {
    fn resolve(&self, reference: Option<&str>) -> Option<&'r Value> {
        let r = reference?;
        self.report["entry"]
            .as_array()?
            .iter()
            .map(|e| &e["resource"])
            .find(|x| format!("{}/{}", x["resourceType"].as_str().unwrap_or(""), x["id"].as_str().unwrap_or("")) == r)
    }
    fn ext_value(&self, url: &str) -> Option<&'r Value> {
        self.resource.get("extension")?.as_array()?.iter().find(|e| e["url"] == url)
    }
    fn key(&self) -> String {
        format!("{}/{}", self.resource["resourceType"].as_str().unwrap_or(""), self.resource["id"].as_str().unwrap_or(""))
    }
}

fn resources(reports: &[Value]) -> impl Iterator<Item = Found<'_>> {
    reports
        .iter()
        .flat_map(|report| report["entry"].as_array().into_iter().flatten().map(move |e| Found { report, resource: &e["resource"] }))
}

fn tilbud_code<'r>(f: &Found<'r>, plan: &'r Value) -> Option<&'r str> {
    let team = f.resolve(plan.pointer("/careTeam/0/reference").and_then(Value::as_str))?;
    code(team, "/category/0")
}

fn goal_target<'v>(goal: &'v Value, measure: &str) -> Option<&'v str> {
    goal.get("target")?.as_array()?.iter().find(|t| code(t, "/measure") == Some(measure)).and_then(|t| code(t, "/detailCodeableConcept"))
}

/// Whether a resource fits a description (id fields aside). `cpr` filters by citizen.
fn fits(m: &Match, f: &Found<'_>, cpr: Option<&str>) -> bool {
    let r = f.resource;
    let Some(p) = profile_of(r) else { return false };
    if p.title() != m.profile {
        return false;
    }
    if let Some(cpr) = cpr {
        if citizen_cpr(f.report) != Some(cpr) {
            return false;
        }
    }
    if let Some(t) = &m.theme {
        let want = resolve::theme_term(t).ok().map(|t| t.code());
        let got = match p {
            Profile::InterventionGoal => {
                let primary = r["addresses"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x.pointer("/extension/0/valuePositiveInt").and_then(Value::as_u64) == Some(1)));
                f.resolve(primary.and_then(|x| x["reference"].as_str())).and_then(|c| code(c, "/code"))
            }
            _ => code(r, "/code"),
        };
        if got.is_none() || got != want {
            return false;
        }
    }
    if let Some(s) = m.score {
        if code(r, "/severity") != resolve::level(s).ok().map(|l| l.code()) {
            return false;
        }
    }
    if let Some(t) = &m.maalgruppe {
        let want = resolve::maalgruppe(t).ok().map(|x| x.code());
        let ok = match p {
            Profile::CarePlan => r["addresses"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| f.resolve(x["reference"].as_str()).and_then(|c| code(c, "/code")) == want)),
            _ => code(r, "/code") == want,
        };
        if !ok {
            return false;
        }
    }
    if let Some(t) = &m.ydelse {
        if code(r, "/activity/0/detail/code") != resolve::ydelse(t).ok().map(|x| x.code()) {
            return false;
        }
    }
    if let Some(t) = &m.tilbud {
        let want = resolve::tilbud(t).ok().map(|x| x.code());
        let got = match p {
            Profile::ServicePerformer => code(r, "/category/0"),
            Profile::CarePlan => tilbud_code(f, r),
            Profile::Intervention => {
                f.resolve(r.pointer("/basedOn/0/reference").and_then(Value::as_str)).and_then(|plan| tilbud_code(f, plan))
            }
            _ => None,
        };
        if got.is_none() || got != want {
            return false;
        }
    }
    if let Some(t) = &m.maaltype {
        if goal_target(r, fixed::MEASURE_CHANGE_VALUE) != resolve::maaltype(t).ok().map(|x| x.code()) {
            return false;
        }
    }
    if let Some(s) = m.expected_score {
        if goal_target(r, fixed::MEASURE_SEVERITY) != resolve::level(s).ok().map(|x| x.code()) {
            return false;
        }
    }
    if let Some(t) = &m.stoettebehov {
        if code(r, "/valueCodeableConcept") != resolve::stoettebehov(t).ok().map(|x| x.code()) {
            return false;
        }
    }
    if let Some(t) = &m.result {
        if code(r, "/valueCodeableConcept") != resolve::result(t).ok().map(|x| x.code()) {
            return false;
        }
    }
    if let Some(s) = &m.status {
        if r["status"].as_str() != Some(s.as_str()) {
            return false;
        }
    }
    if let Some(w) = m.withdrawn {
        let is = r["status"] == "entered-in-error" || code(r, "/verificationStatus") == Some("entered-in-error");
        if is != w {
            return false;
        }
    }
    if let Some(d) = m.date {
        let got = day(&r["recordedDate"]).or_else(|| day(&r["effectiveDateTime"]));
        if got != Some(d.to_string().as_str()) {
            return false;
        }
    }
    if let Some(d) = m.start {
        if day(&r["period"]["start"]) != Some(d.to_string().as_str()) {
            return false;
        }
    }
    if let Some(d) = m.end {
        if day(&r["period"]["end"]) != Some(d.to_string().as_str()) {
            return false;
        }
    }
    if let Some(open) = m.open {
        if r["period"].get("end").is_none() != open {
            return false;
        }
    }
    if let Some(d) = m.follow_up {
        let enc = f.ext_value(ext::FOLLOW_UP_DATE).and_then(|e| f.resolve(e.pointer("/valueReference/reference").and_then(Value::as_str)));
        if enc.and_then(|e| day(&e["period"]["start"])) != Some(d.to_string().as_str()) {
            return false;
        }
    }
    if let Some(d) = m.last_asserted {
        if f.ext_value(ext::CONDITION_LAST_ASSERTED_DATE).and_then(|e| day(&e["valueDateTime"])) != Some(d.to_string().as_str()) {
            return false;
        }
    }
    if let Some(n) = &m.case_number {
        let got = f
            .ext_value(ext::MUNICIPALITY_CASE_NUMBER)
            .and_then(|e| e.pointer("/extension/0/valueIdentifier/value"))
            .and_then(Value::as_str);
        if got != Some(n.as_str()) {
            return false;
        }
    }
    if let Some(d) = m.report_date {
        if day(&f.report["timestamp"]) != Some(d.to_string().as_str()) {
            return false;
        }
    }
    true
}

/// What a description says about *which* thing it is (not its state): the fields compared
/// with an earlier step for `same_id_as_step`.
fn identity(m: &Match) -> Match {
    Match {
        profile: m.profile.clone(),
        citizen: m.citizen.clone(),
        theme: m.theme.clone(),
        maalgruppe: m.maalgruppe.clone(),
        ydelse: m.ydelse.clone(),
        tilbud: m.tilbud.clone(),
        maaltype: m.maaltype.clone(),
        case_number: m.case_number.clone(),
        ..Match::default()
    }
}

/// A short description of a match for messages.
fn show(m: &Match) -> String {
    let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("same_id_as_step");
        o.remove("new_id");
        o.remove("rule");
    }
    v.to_string()
}

/// The reports of an earlier delivering step: those of the stream whose day lies after the
/// delivering step before it and on or before its date.
fn step_window<'s>(journey: &Journey, step: usize, stream: &'s [Value]) -> Vec<&'s Value> {
    let to = journey.steps[step].date.to_string();
    let from = journey.steps[..step].iter().rev().find(|s| s.deliver).map(|s| s.date.to_string());
    stream.iter().filter(|r| day(&r["timestamp"]).is_some_and(|d| d <= to.as_str() && from.as_deref().is_none_or(|f| d > f))).collect()
}

/// Check one step's expectations. `step_reports`: what the vendor reported for this step's
/// delivery; `stream`: all accepted reports of the journey so far (these included).
pub fn check_step(journey: &Journey, step_index: usize, step_reports: &[Value], stream: &[Value]) -> StepCheck {
    let id = journey.check_id(step_index);
    let Some(step) = journey.steps.get(step_index) else {
        return StepCheck { id, passed: false, messages: vec![format!("the journey has no step {step_index}")], failed_rules: Vec::new() };
    };
    let mut fails = Vec::new();
    let mut rules: Vec<String> = Vec::new();
    let mut checked = 0usize;
    let e = &step.expect;
    if let Some(n) = e.reports {
        checked += 1;
        if step_reports.len() != n {
            fails.push(format!("expected {n} delivery report(s) for this delivery, got {}", step_reports.len()));
            // Too few: a delivery is missing (PROTO-DAILY unless the step says otherwise);
            // too many: only the step's own rule, if it names one.
            if step_reports.len() < n {
                let rule = e.reports_rule.unwrap_or(AnyRuleId::Audit(AuditRuleId::ProtoDaily));
                rules.push(rule.as_str().to_string());
            } else if let Some(r) = e.reports_rule {
                rules.push(r.as_str().to_string());
            }
        }
    }
    let cpr_of = |m: &Match| {
        m.citizen.as_ref().and_then(|a| journey.citizen(a)).map(|c| c.cpr.chars().filter(char::is_ascii_digit).collect::<String>())
    };
    let these: HashSet<&str> = step_reports.iter().filter_map(|r| r["id"].as_str()).collect();
    let earlier_ids: HashSet<String> =
        resources(stream).filter(|f| f.report["id"].as_str().is_none_or(|i| !these.contains(i))).map(|f| f.key()).collect();
    for m in &e.contains {
        checked += 1;
        let before_fails = fails.len();
        let cpr = cpr_of(m);
        let hits: Vec<Found<'_>> = resources(step_reports).filter(|f| fits(m, f, cpr.as_deref())).collect();
        if hits.is_empty() {
            fails.push(format!("no {} {} in this delivery's reports", m.profile, show(m)));
            rules.extend(m.rule.clone());
            continue;
        }
        if m.new_id == Some(true) && !hits.iter().any(|f| !earlier_ids.contains(&f.key())) {
            fails.push(format!(
                "{} {} was reported, but under an id already reported earlier ({}); a new one was expected",
                m.profile,
                show(m),
                hits[0].key()
            ));
        }
        if let Some(s) = &m.same_id_as_step {
            match journey.steps.iter().position(|x| &x.id == s) {
                Some(si) => {
                    let window: Vec<Value> = step_window(journey, si, stream).into_iter().cloned().collect();
                    let who = identity(m);
                    let before: HashSet<String> = resources(&window).filter(|f| fits(&who, f, cpr.as_deref())).map(|f| f.key()).collect();
                    if before.is_empty() {
                        fails.push(format!(
                            "{} {}: nothing like it was reported in step {s}'s delivery to compare ids with",
                            m.profile,
                            show(m)
                        ));
                    } else if !hits.iter().any(|f| before.contains(&f.key())) {
                        fails.push(format!(
                            "{} {} is reported under {}, not under the id it had in step {s} ({}): the same thing keeps its id",
                            m.profile,
                            show(m),
                            hits[0].key(),
                            before.iter().next().cloned().unwrap_or_default()
                        ));
                    }
                }
                None => fails.push(format!("unknown step {s}")),
            }
        }
        if fails.len() > before_fails {
            rules.extend(m.rule.clone());
        }
    }
    for m in &e.absent {
        checked += 1;
        let cpr = cpr_of(m);
        if let Some(f) = resources(step_reports).find(|f| fits(m, f, cpr.as_deref())) {
            fails.push(format!(
                "{} {} must not be reported, but {} is (report {})",
                m.profile,
                show(m),
                f.key(),
                f.report["id"].as_str().unwrap_or("?")
            ));
            rules.extend(m.rule.clone());
        }
    }
    let passed = fails.is_empty();
    let messages = if passed { vec![format!("{checked} expectation(s) hold")] } else { fails };
    rules.sort();
    rules.dedup();
    StepCheck { id, passed, messages, failed_rules: rules }
}
