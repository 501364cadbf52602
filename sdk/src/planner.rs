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
//! The planner's memory lives in the process; [`crate::gateway::durable`] (feature
//! `client`) keeps it in SQLite beside the outbox, for a nightly job that survives restarts.
//!
//! ```
//! use ffbkit_sdk::planner::Planner;
//! # let case = ffbkit_sdk::planner::example_case();
//! let mut planner = Planner::new();
//! let day = ffbkit_sdk::domain::Date::parse("2025-03-03").unwrap();
//! assert!(planner.plan_day(&case, day).is_some());      // first report: everything
//! assert!(planner.plan_day(&case, day.succ()).is_none()); // nothing changed
//! ```

use crate::builder::{to_value, ReportBuilder};
use crate::domain::{CarePlan, Case, Date, Id, InformationGathering, PlanStatus};
use crate::generated::model::{DeliveryReport, DeliveryReportEntryResource as R};
use serde_json::Value;
use std::collections::HashMap;

/// The version of the content fingerprint ([`Planner::reported`]): FNV-1a (64 bits) of a
/// resource's JSON without `meta`, as the generated types serialise it. A fingerprint is
/// stable across runs of one ffbkit version; a version that serialises a resource
/// differently (a field added to the generated types) changes it, and with it this number,
/// so that stored fingerprints are recomputed rather than compared
/// ([`crate::gateway::durable`] does so from the outbox's history).
pub const FINGERPRINT_SCHEME: u32 = 1;

/// Remembers what was reported, to plan the next day's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Planner {
    reported: HashMap<String, u64>,
    last_day: Option<Date>,
}

/// FNV-1a over the bytes written to it.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for b in buf {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Content fingerprint of a resource: FNV-1a of its JSON without `meta` (which it loses),
/// hashed as serde writes it (no text is kept).
fn fingerprint(resource: &mut R) -> u64 {
    *resource.meta_mut() = None;
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    serde_json::to_writer(&mut h, resource).expect("the generated types always serialise");
    h.0
}

/// The key (`Type/id`) and content fingerprint ([`FINGERPRINT_SCHEME`]) of each entry of a
/// report, as [`Planner::remember`] remembers them.
pub(crate) fn fingerprints(report: &DeliveryReport) -> impl Iterator<Item = (String, u64)> + '_ {
    report.entry.iter().map(|e| {
        let mut resource = e.resource.clone();
        (key(e).to_string(), fingerprint(&mut resource))
    })
}

/// The key of a report's entry: its fullUrl, `Type/id` as the builder writes it.
fn key(entry: &crate::generated::model::DeliveryReportEntry) -> &str {
    entry.full_url.as_ref().map_or("", |u| u.0.as_str())
}

impl Planner {
    /// A planner that has reported nothing yet.
    pub fn new() -> Planner {
        Planner::default()
    }

    /// A planner that remembers `reported` (content fingerprint per resource key, `Type/id`)
    /// and `last_day`: the memory [`Planner::reported`] and [`Planner::last_day`] gave,
    /// kept elsewhere (e.g. [`crate::gateway::durable`]).
    pub fn from_memory(reported: HashMap<String, u64>, last_day: Option<Date>) -> Planner {
        Planner { reported, last_day }
    }

    /// The last day a report was planned for.
    pub fn last_day(&self) -> Option<Date> {
        self.last_day
    }

    /// What was reported: the content fingerprint ([`FINGERPRINT_SCHEME`]) of each resource
    /// by its key (`Type/id`, the entry's fullUrl).
    pub fn reported(&self) -> &HashMap<String, u64> {
        &self.reported
    }

    /// Remember a report as reported on `day` (rebuilding the memory from reports sent
    /// before, e.g. by another system): each entry's content, and `day` as the last day
    /// when it is later than the one remembered. Reports are remembered in day order.
    pub fn remember(&mut self, report: &DeliveryReport, day: Date) {
        self.reported.extend(fingerprints(report));
        if self.last_day.is_none_or(|d| d < day) {
            self.last_day = Some(day);
        }
    }

    /// The report for `day` (stamped 23:59 that day) as FHIR JSON, or `None` when nothing
    /// changed. Days must come in order; a day at or before the last planned one gives
    /// `None`. [`Planner::plan_day_typed`] gives the same report as the generated types.
    pub fn plan_day(&mut self, case: &Case, day: Date) -> Option<Value> {
        self.plan_day_typed(case, day).map(|r| to_value(&r))
    }

    /// [`Planner::plan_day`]'s report as the generated wire types.
    pub fn plan_day_typed(&mut self, case: &Case, day: Date) -> Option<DeliveryReport> {
        if self.last_day.is_some_and(|d| day <= d) {
            return None;
        }
        let stamp = day.at(23, 59);
        let full = ReportBuilder::new(case, stamp.clone()).all().build();
        let mut changed: Vec<Id> = Vec::new();
        let mut patient_changed = false;
        let mut prints: Vec<(String, u64)> = Vec::new();
        for mut e in full.entry {
            let key = key(&e).to_string();
            let fp = fingerprint(&mut e.resource);
            if self.reported.get(&key) != Some(&fp) {
                if matches!(e.resource, R::Citizen(_)) {
                    patient_changed = true;
                } else if let Some(id) = key.split_once('/').and_then(|(_, id)| Id::parse(id).ok()) {
                    changed.push(id);
                }
            }
            prints.push((key, fp));
        }
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
        let sent: std::collections::HashSet<&str> = report.entry.iter().map(key).collect();
        for (key, fp) in prints {
            if sent.contains(key.as_str()) {
                self.reported.insert(key, fp);
            }
        }
        Some(report)
    }

    /// After a gap: one report per day from `states` (each day's case), in day order,
    /// skipping days without changes (PROTO-ONE-DAY).
    pub fn catch_up(&mut self, states: &[(Date, Case)]) -> Vec<(Date, Value)> {
        self.catch_up_typed(states).into_iter().map(|(day, r)| (day, to_value(&r))).collect()
    }

    /// [`Planner::catch_up`]'s reports as the generated wire types.
    pub fn catch_up_typed(&mut self, states: &[(Date, Case)]) -> Vec<(Date, DeliveryReport)> {
        let mut out = Vec::new();
        for (day, case) in states {
            if let Some(r) = self.plan_day_typed(case, *day) {
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
pub fn change_grant_with_ids(
    case: &mut Case,
    old_plan: &Id,
    day: Date,
    new_plan_id: Id,
    new_gathering_id: Id,
    change: impl FnOnce(&mut CarePlan),
) -> Option<Id> {
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

/// A small, complete § 85 case for examples and tests (random ids).
pub fn example_case() -> Case {
    example_case_with(&mut Id::random)
}

/// [`example_case`] with ids from a seeded generator: the same seed gives the same case
/// (a job that must make the same case again after a restart, in tests).
pub fn example_case_seeded(seed: u64) -> Case {
    let mut rng = crate::ids::Rng::new(seed);
    example_case_with(&mut || Id::seeded(&mut rng))
}

/// [`example_case_seeded`] as it stands on each of seven days from 2025-03-03 (the week
/// of `examples/plan_week.rs`): granted; nothing happens; a theme re-assessed; the ydelse
/// ended; a theme registered in error withdrawn and the right one recorded; the grant changed (new information gathering and care
/// plan with a new ydelse, PROTO-NEW-GATHERING); followed up (with the day's støttebehov). The same seed gives the same
/// week, ids included (a job made to run again after a kill, in tests).
pub fn example_week(seed: u64) -> Vec<(Date, Case)> {
    use crate::catalog::codes::*;
    use crate::domain::*;
    let mut rng = crate::ids::Rng::new(seed ^ 0x5745_454b);
    let mut case = example_case_seeded(seed);
    let monday = Date::parse("2025-03-03").expect("valid");
    let mut week = Vec::new();
    for n in 0..7 {
        let day = monday.plus_days(n);
        match n {
            2 => case.themes[1].reassess(day, Some(Funktionsevneniveau::ModeratNedsatFunktionsevne)),
            3 => {
                case.interventions[0].end = Some(day);
                case.interventions[0].status = PlanStatus::Completed;
            }
            4 => {
                // Registered on the wrong theme: withdrawn, and the right one recorded.
                case.themes[0].registration = Registration::EnteredInError;
                let mut syn = ThemeAssessment::new(Theme::ff(FfTema::Syn).expect("undertema"), day);
                syn.id = Id::seeded(&mut rng);
                if let Some(g) = case.gatherings.last_mut() {
                    g.themes.push(syn.id.clone());
                }
                case.themes.push(syn);
            }
            5 => {
                let old = case.care_plans[0].id.clone();
                let (plan_id, gathering_id) = (Id::seeded(&mut rng), Id::seeded(&mut rng));
                if let Some(new) =
                    change_grant_with_ids(&mut case, &old, day, plan_id, gathering_id, |p| p.tilbud = Tilbud::AktivitetsOgSamvaerstilbud)
                {
                    if let Some(plan) = case.care_plans.iter().find(|p| p.id == new) {
                        let mut i = Intervention::new(plan, Ydelse::SocialAktivitet, day, day.at(9, 0)).expect("ydelse");
                        i.id = Id::seeded(&mut rng);
                        case.interventions.push(i);
                    }
                }
            }
            6 => {
                // The follow-up's støttebehov, assessed that day, held by the plan (DST-STOETTE).
                let mut eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, day.at(10, 30));
                eval.id = Id::seeded(&mut rng);
                let plan = case.care_plans.last_mut().expect("a plan");
                plan.evaluation = Some(eval.id.clone());
                plan.follow_up = Some(day.plus_months(3));
                let plan = plan.id.clone();
                case.evaluations.push(eval);
                case.follow_ups.push(FollowUpResult {
                    id: Id::seeded(&mut rng),
                    care_plan: plan,
                    result: Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats,
                    day,
                    registration: Registration::Current,
                });
            }
            _ => {}
        }
        week.push((day, case.clone()));
    }
    week
}

fn example_case_with(next_id: &mut dyn FnMut() -> Id) -> Case {
    use crate::catalog::codes::*;
    use crate::domain::*;
    let day = Date::parse("2025-03-03").expect("valid");
    let mut citizen = Citizen::new(Cpr::parse("0101504321").expect("valid"), "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40").expect("valid");
    citizen.id = next_id();
    let mut case = Case::new(citizen);
    let mut request = ServiceRequest::new("SAG-2025-0042");
    request.id = next_id();
    let mut hukommelse = ThemeAssessment::new(Theme::ff(FfTema::Hukommelse).expect("undertema"), day);
    hukommelse.id = next_id();
    let mut koebe_ind =
        ThemeAssessment::new(Theme::ad(AdTema::KoebeInd, Funktionsevneniveau::SvaertNedsatFunktionsevne).expect("undertema"), day);
    koebe_ind.id = next_id();
    let mut lave_mad =
        ThemeAssessment::new(Theme::ad(AdTema::LaveMad, Funktionsevneniveau::ModeratNedsatFunktionsevne).expect("undertema"), day);
    lave_mad.id = next_id();
    let mut goal =
        Goal::new(Maaltype::UdvikleFunktionsevne, Funktionsevneniveau::LetNedsatFunktionsevne, &koebe_ind, &[&lave_mad]).expect("A&D");
    goal.id = next_id();
    let mut eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, day.at(11, 0));
    eval.id = next_id();
    let mut angst = TargetGroup::new(Maalgruppe::Angst, day).expect("leaf");
    angst.id = next_id();
    let mut plan = CarePlan::new("SAG-2025-0042", day, Tilbud::MobiltTilbud).expect("tilbud");
    plan.id = next_id();
    plan.primary_target_group = Some(angst.id.clone());
    plan.goals = vec![goal.id.clone()];
    plan.evaluation = Some(eval.id.clone());
    plan.follow_up = Some(day.plus_months(3));
    let mut ydelse = Intervention::new(&plan, Ydelse::StoetteTilDagligeOpgaverIHjemmet, day, day.at(12, 0)).expect("ydelse");
    ydelse.id = next_id();
    case.gatherings.push(InformationGathering {
        id: next_id(),
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
