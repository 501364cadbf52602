//! The daily delivery planner: given what was reported before and the case as it stands
//! on a day, the day's report — only what changed, plus everything it references
//! (REQUIREMENTS.md section 2).
//!
//! - PROTO-DAILY, PROTO-ONE-DAY: call [`Planner::plan_day`] once per day, in day order;
//!   after a gap, [`Planner::catch_up`] plans one report per missed day from the states of
//!   those days. A day without changes gives no report.
//! - PROTO-SNAPSHOT, PROTO-GOAL-CONTEXT: a changed resource comes with all it references
//!   (a changed goal with its themes), via [`ReportBuilder`].
//! - PROTO-ID-STABLE: ids come from the domain and never change; a resource is "changed"
//!   when its content (without `meta.lastUpdated`) differs from what was last reported.
//! - PROTO-ERROR, PROTO-COND-UPDATE, PROTO-ENDED: withdrawals, re-assessments and end dates
//!   are changes of content, so they are reported with the same id on their day.
//! - PROTO-NEW-GATHERING: [`change_grant`] makes the new information gathering and care plan
//!   (new ids) when granted ydelser, målgrupper or tilbud change.
//!
//! ```
//! use ffbkit_sdk::planner::Planner;
//! # let case = ffbkit_sdk::planner::example_case();
//! let mut planner = Planner::new();
//! let day = ffbkit_sdk::domain::Date::parse("2025-03-03").unwrap();
//! assert!(planner.plan_day(&case, day).is_some());      // first report: everything
//! assert!(planner.plan_day(&case, day.succ()).is_none()); // nothing changed
//! ```

use crate::builder::ReportBuilder;
use crate::domain::{Case, CarePlan, Date, Id, InformationGathering, PlanStatus};
use serde_json::Value;
use std::collections::HashMap;

/// Remembers what was reported, to plan the next day's report.
#[derive(Clone, Debug, Default)]
pub struct Planner {
    reported: HashMap<String, u64>,
    last_day: Option<Date>,
}

/// Content fingerprint of a resource: a hash of its JSON tree without `meta` (FNV-1a over
/// a canonical walk; no text is built).
fn fingerprint(resource: &Value) -> u64 {
    fn mix(h: &mut u64, bytes: &[u8]) {
        for b in bytes {
            *h ^= u64::from(*b);
            *h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn walk(v: &Value, h: &mut u64, top: bool) {
        match v {
            Value::Null => mix(h, b"n"),
            Value::Bool(b) => mix(h, if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                mix(h, b"#");
                mix(h, n.to_string().as_bytes());
            }
            Value::String(s) => {
                mix(h, b"\"");
                mix(h, s.as_bytes());
                mix(h, b"\"");
            }
            Value::Array(a) => {
                mix(h, b"[");
                for x in a {
                    walk(x, h, false);
                }
                mix(h, b"]");
            }
            Value::Object(o) => {
                mix(h, b"{");
                for (k, x) in o {
                    if top && k == "meta" {
                        continue;
                    }
                    mix(h, k.as_bytes());
                    mix(h, b":");
                    walk(x, h, false);
                }
                mix(h, b"}");
            }
        }
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    walk(resource, &mut h, true);
    h
}

impl Planner {
    /// A planner that has reported nothing yet.
    pub fn new() -> Planner {
        Planner::default()
    }

    /// The last day a report was planned for.
    pub fn last_day(&self) -> Option<Date> {
        self.last_day
    }

    /// The report for `day` (stamped 23:59 that day), or `None` when nothing changed.
    /// Days must come in order; a day at or before the last planned one gives `None`.
    pub fn plan_day(&mut self, case: &Case, day: Date) -> Option<Value> {
        if self.last_day.is_some_and(|d| day <= d) {
            return None;
        }
        let stamp = day.at(23, 59);
        let full = ReportBuilder::new(case, stamp.clone()).all().build();
        let entries = full["entry"].as_array().cloned().unwrap_or_default();
        let mut changed: Vec<Id> = Vec::new();
        let mut prints: Vec<(String, u64)> = Vec::new();
        for e in &entries {
            let r = &e["resource"];
            let key = format!("{}/{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or(""));
            let fp = fingerprint(r);
            if self.reported.get(&key) != Some(&fp) && r["resourceType"] != "Patient" {
                if let Some(id) = r["id"].as_str().and_then(|s| Id::parse(s).ok()) {
                    changed.push(id);
                }
            }
            prints.push((key, fp));
        }
        let patient_changed = entries.iter().any(|e| {
            let r = &e["resource"];
            r["resourceType"] == "Patient" && self.reported.get(&format!("Patient/{}", r["id"].as_str().unwrap_or(""))) != Some(&fingerprint(r))
        });
        self.last_day = Some(day);
        if changed.is_empty() && !patient_changed {
            return None;
        }
        let mut builder = ReportBuilder::new(case, stamp);
        for id in &changed {
            builder = builder.include(id);
        }
        let report = builder.build();
        // Everything sent is now known at its current content.
        let sent: std::collections::HashSet<String> = report["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| format!("{}/{}", e["resource"]["resourceType"].as_str().unwrap_or(""), e["resource"]["id"].as_str().unwrap_or("")))
            .collect();
        for (key, fp) in prints {
            if sent.contains(&key) {
                self.reported.insert(key, fp);
            }
        }
        Some(report)
    }

    /// After a gap: one report per day from `states` (each day's case), in day order,
    /// skipping days without changes (PROTO-ONE-DAY).
    pub fn catch_up(&mut self, states: &[(Date, Case)]) -> Vec<(Date, Value)> {
        let mut out = Vec::new();
        for (day, case) in states {
            if let Some(r) = self.plan_day(case, *day) {
                out.push((*day, r));
            }
        }
        out
    }
}

/// Change what is granted under a care plan (ydelser, målgrupper or tilbud) as VUM and the
/// IG want it (PROTO-NEW-GATHERING): a new information gathering (new id, same request,
/// the latest gathering's themes and evaluation) and a new care plan (new id) made by
/// `change` from the old one, which is completed on `day`. Returns the new plan's id;
/// interventions of the old plan are ended on `day`.
pub fn change_grant(case: &mut Case, old_plan: &Id, day: Date, change: impl FnOnce(&mut CarePlan)) -> Option<Id> {
    change_grant_with_ids(case, old_plan, day, Id::random(), Id::random(), change)
}

/// [`change_grant`] with the new care plan's and information gathering's ids given (for
/// deterministic data).
pub fn change_grant_with_ids(case: &mut Case, old_plan: &Id, day: Date, new_plan_id: Id, new_gathering_id: Id, change: impl FnOnce(&mut CarePlan)) -> Option<Id> {
    let idx = case.care_plans.iter().position(|p| &p.id == old_plan)?;
    let mut new_plan = case.care_plans[idx].clone();
    {
        let old = &mut case.care_plans[idx];
        old.status = PlanStatus::Completed;
        old.end = Some(day);
        old.follow_up = None;
    }
    for i in case.interventions.iter_mut().filter(|i| &i.care_plan == old_plan && i.end.is_none()) {
        i.end = Some(day);
        i.status = PlanStatus::Completed;
    }
    new_plan.id = new_plan_id;
    new_plan.start = day;
    new_plan.end = None;
    new_plan.status = PlanStatus::Active;
    change(&mut new_plan);
    let new_id = new_plan.id.clone();
    case.care_plans.push(new_plan);
    if let Some(latest) = case.gatherings.last().cloned() {
        case.gatherings.push(InformationGathering { id: new_gathering_id, at: day.at(9, 0), ..latest });
    }
    Some(new_id)
}

/// A small, complete § 85 case for examples and tests.
pub fn example_case() -> Case {
    use crate::catalog::codes::*;
    use crate::domain::*;
    let day = Date::parse("2025-03-03").expect("valid");
    let citizen = Citizen::new(Cpr::parse("0101504321").expect("valid"), "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40").expect("valid");
    let mut case = Case::new(citizen);
    let request = ServiceRequest::new("SAG-2025-0042");
    let hukommelse = ThemeAssessment::new(Theme::ff(FfTema::Hukommelse).expect("undertema"), day);
    let koebe_ind = ThemeAssessment::new(Theme::ad(AdTema::KoebeInd, Funktionsevneniveau::SvaertNedsatFunktionsevne).expect("undertema"), day);
    let lave_mad = ThemeAssessment::new(Theme::ad(AdTema::LaveMad, Funktionsevneniveau::ModeratNedsatFunktionsevne).expect("undertema"), day);
    let goal = Goal::new(Maaltype::UdvikleFunktionsevne, Funktionsevneniveau::LetNedsatFunktionsevne, &koebe_ind, &[&lave_mad]).expect("A&D");
    let eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, day.at(11, 0));
    let angst = TargetGroup::new(Maalgruppe::Angst, day).expect("leaf");
    let mut plan = CarePlan::new("SAG-2025-0042", day, Tilbud::MobiltTilbud).expect("tilbud");
    plan.primary_target_group = Some(angst.id.clone());
    plan.goals = vec![goal.id.clone()];
    plan.evaluation = Some(eval.id.clone());
    plan.follow_up = Some(day.plus_months(3));
    let ydelse = Intervention::new(&plan, Ydelse::StoetteTilDagligeOpgaverIHjemmet, day, day.at(12, 0)).expect("ydelse");
    case.gatherings.push(InformationGathering {
        id: Id::random(),
        service_request: request.id.clone(),
        at: day.at(10, 0),
        completed: true,
        themes: vec![hukommelse.id.clone(), koebe_ind.id.clone(), lave_mad.id.clone()],
        evaluation: Some(eval.id.clone()),
    });
    case.service_requests.push(request);
    case.themes = vec![hukommelse, koebe_ind, lave_mad];
    case.goals.push(goal);
    case.evaluations.push(eval);
    case.target_groups.push(angst);
    case.care_plans.push(plan);
    case.interventions.push(ydelse);
    case
}
