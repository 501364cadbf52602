//! The reference vendor's case system: journey actions applied to the SDK's typed VUM
//! domain (`ffbkit_sdk::domain`), and the daily reporting by the SDK's planner, catching
//! up missed days one report per day. Ids are derived from the run id, the journey and
//! the alias, so a run is reproducible and two runs never share ids.

use super::defect::Defect;
use crate::journey::resolve;
use crate::journey::*;
use ffbkit_sdk::builder::to_value;
use ffbkit_sdk::catalog::codes::Opfoelgningsresultat;
use ffbkit_sdk::domain::{self as d, Case, Date, Id, PlanStatus, Registration};
use ffbkit_sdk::generated::model;
use ffbkit_sdk::planner::{change_grant_with_ids, Planner};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What an alias names in the vendor system.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entity {
    Gathering(Id),
    Theme(Id),
    Plan(Id),
    Ydelse(Id),
    FollowUp(Id),
    Other,
}

/// One citizen's case in the vendor system.
#[derive(Clone, Debug)]
struct CitizenCase {
    case: Case,
    planner: Planner,
    /// The case as it stood at the end of each business day with actions, not yet reported.
    pending: BTreeMap<Date, Case>,
    /// Ydelser granted outside FFB (kept, never reported).
    non_ffb: Vec<(String, String)>,
    /// Ydelse ends not yet applied (the `end-date-reported-late` defect).
    late_ends: Vec<(Id, Date)>,
}

impl CitizenCase {
    /// The `end-date-reported-late` night job: ends dated before `date` are applied now.
    fn apply_late_ends(&mut self, date: Date) -> bool {
        let due: Vec<(Id, Date)> = self.late_ends.iter().filter(|(_, e)| *e < date).cloned().collect();
        self.late_ends.retain(|(_, e)| *e >= date);
        for (id, end) in &due {
            if let Some(i) = self.case.interventions.iter_mut().find(|i| &i.id == id) {
                i.end = Some(*end);
                i.status = PlanStatus::Completed;
            }
        }
        !due.is_empty()
    }
}

/// The vendor system of one run: citizens' cases by (journey, citizen alias).
#[derive(Clone, Debug)]
pub struct VendorSystem {
    run: String,
    defect: Option<Defect>,
    cases: BTreeMap<(String, String), CitizenCase>,
    aliases: HashMap<(String, String), (String, Entity)>,
}

type R<T> = Result<T, String>;

/// The målgrupper of a grant: the primary, the others, and those with an alias.
struct Groups {
    primary: Option<Id>,
    secondary: Vec<Id>,
    named: Vec<(String, Id)>,
}

impl VendorSystem {
    /// An empty system for a run, with an optional defect.
    pub fn new(run: &str, defect: Option<Defect>) -> VendorSystem {
        VendorSystem { run: run.to_string(), defect, cases: BTreeMap::new(), aliases: HashMap::new() }
    }

    /// The defect this system has, if any.
    pub fn defect(&self) -> Option<Defect> {
        self.defect
    }

    fn id(&self, journey: &str, parts: &[&str]) -> Id {
        let mut all = vec![self.run.as_str(), journey];
        all.extend_from_slice(parts);
        Id::derived(&all)
    }

    fn entity(&self, journey: &str, alias: &str) -> R<(String, Entity)> {
        self.aliases
            .get(&(journey.to_string(), alias.to_string()))
            .cloned()
            .ok_or_else(|| format!("unknown alias \"{alias}\" in journey {journey}"))
    }

    fn name(&mut self, journey: &str, citizen: &str, alias: &str, e: Entity) {
        self.aliases.insert((journey.to_string(), alias.to_string()), (citizen.to_string(), e));
    }

    fn case_mut(&mut self, journey: &str, citizen: &str) -> R<&mut CitizenCase> {
        self.cases
            .get_mut(&(journey.to_string(), citizen.to_string()))
            .ok_or_else(|| format!("citizen \"{citizen}\" has no case yet (create-case first)"))
    }

    /// Apply one action of a journey step on a business day.
    pub fn apply(&mut self, journey: &str, date: Date, action: &Action) -> R<()> {
        let citizen = self.apply_inner(journey, date, action)?;
        let defect = self.defect;
        let c = self.case_mut(journey, &citizen)?;
        if defect == Some(Defect::EndDateReportedLate) {
            c.apply_late_ends(date);
        }
        c.pending.insert(date, c.case.clone());
        Ok(())
    }

    fn evaluation(&self, journey: &str, citizen: &str, case: &mut Case, date: Date, term: &str) -> R<Id> {
        let level = resolve::stoettebehov(term).map_err(|e| e.0)?;
        if let Some(e) =
            case.evaluations.iter().find(|e| e.level == level && e.at.date() == date && e.registration == Registration::Current)
        {
            return Ok(e.id.clone());
        }
        let mut e = d::SupportEvaluation::new(level, date.at(11, 0));
        e.id = self.id(journey, &[citizen, "stoettebehov", &date.to_string(), level.code()]);
        let id = e.id.clone();
        case.evaluations.push(e);
        Ok(id)
    }

    fn target_groups(&self, journey: &str, citizen: &str, case: &mut Case, date: Date, specs: &[MaalgruppeSpec]) -> R<Groups> {
        let mut primary = None;
        let mut secondary = Vec::new();
        let mut named = Vec::new();
        for m in specs {
            let code = resolve::maalgruppe(&m.maalgruppe).map_err(|e| e.0)?;
            // A citizen has a målgruppe once: a second plan refers to the same resource.
            let id = match case.target_groups.iter().find(|t| t.maalgruppe == code) {
                Some(t) => t.id.clone(),
                None => {
                    let mut t = d::TargetGroup::new(code, date).map_err(|e| e.to_string())?;
                    t.id = self.id(journey, &[citizen, "maalgruppe", code.code()]);
                    let id = t.id.clone();
                    case.target_groups.push(t);
                    id
                }
            };
            if let Some(a) = &m.alias {
                named.push((a.clone(), id.clone()));
            }
            if m.primary && primary.is_none() {
                primary = Some(id);
            } else {
                secondary.push(id);
            }
        }
        Ok(Groups { primary, secondary, named })
    }

    fn goals(&self, journey: &str, citizen: &str, plan_alias: &str, case: &mut Case, specs: &[GoalSpec]) -> R<Vec<Id>> {
        let mut out = Vec::new();
        for (i, g) in specs.iter().enumerate() {
            let mut themes = Vec::new();
            for t in &g.themes {
                match self.entity(journey, t)? {
                    (_, Entity::Theme(id)) => themes.push(case.themes.iter().find(|x| x.id == id).cloned().ok_or("theme not in the case")?),
                    _ => return Err(format!("\"{t}\" is not a theme")),
                }
            }
            if themes.is_empty() {
                return Err("a goal addresses at least one Aktivitet og deltagelse theme".into());
            }
            let secondary: Vec<&d::ThemeAssessment> = themes[1..].iter().collect();
            let mut goal = d::Goal::new(
                resolve::maaltype(&g.maaltype).map_err(|e| e.0)?,
                resolve::level(g.expected_score).map_err(|e| e.0)?,
                &themes[0],
                &secondary,
            )
            .map_err(|e| e.to_string())?;
            let idx = i.to_string();
            goal.id = self.id(journey, &[citizen, "goal", g.alias.as_deref().unwrap_or(plan_alias), &idx]);
            out.push(goal.id.clone());
            case.goals.push(goal);
        }
        Ok(out)
    }

    /// Ydelser under a plan, starting with it unless they say otherwise.
    fn interventions(
        &self,
        journey: &str,
        citizen: &str,
        case: &mut Case,
        plan: &Id,
        date: Date,
        specs: &[YdelseSpec],
    ) -> R<Vec<(String, Id)>> {
        let p = case.care_plans.iter().find(|p| &p.id == plan).cloned().ok_or("plan not in the case")?;
        let start = p.start;
        let mut out = Vec::new();
        for y in specs {
            let mut i = d::Intervention::new(&p, resolve::ydelse(&y.ydelse).map_err(|e| e.0)?, y.start.unwrap_or(start), date.at(12, 0))
                .map_err(|e| e.to_string())?;
            i.id = self.id(journey, &[citizen, "ydelse", &y.alias]);
            out.push((y.alias.clone(), i.id.clone()));
            case.interventions.push(i);
        }
        Ok(out)
    }

    /// Apply an action; returns the citizen alias it concerned.
    fn apply_inner(&mut self, journey: &str, date: Date, action: &Action) -> R<String> {
        let j = journey;
        match action {
            Action::CreateCase(a) => {
                let cpr = a.cpr.as_deref().ok_or("create-case needs the citizen's cpr")?;
                let municipality = a.municipality.as_deref().ok_or("create-case needs the municipality")?;
                let key = (j.to_string(), a.citizen.clone());
                if !self.cases.contains_key(&key) {
                    let mut citizen =
                        d::Citizen::new(d::Cpr::parse(cpr).map_err(|e| e.to_string())?, municipality).map_err(|e| e.to_string())?;
                    citizen.id = self.id(j, &[&a.citizen, "patient"]);
                    self.cases.insert(
                        key.clone(),
                        CitizenCase {
                            case: Case::new(citizen),
                            planner: Planner::new(),
                            pending: BTreeMap::new(),
                            non_ffb: Vec::new(),
                            late_ends: Vec::new(),
                        },
                    );
                }
                let mut r = d::ServiceRequest::new(&a.case_number);
                r.id = self.id(j, &[&a.citizen, "request", a.request.as_deref().unwrap_or(&a.case_number)]);
                self.cases.get_mut(&key).expect("inserted").case.service_requests.push(r);
                if let Some(al) = &a.request {
                    self.name(j, &a.citizen, al, Entity::Other);
                }
                Ok(a.citizen.clone())
            }
            Action::RecordGathering(a) => {
                let mut case = self.case_mut(j, &a.citizen)?.case.clone();
                let gid = match self.aliases.get(&(j.to_string(), a.gathering.clone())) {
                    Some((_, Entity::Gathering(id))) => id.clone(),
                    Some(_) => return Err(format!("\"{}\" is not an information gathering", a.gathering)),
                    None => {
                        let request = case.service_requests.last().ok_or("no henvendelse to gather information for")?.id.clone();
                        let id = self.id(j, &[&a.citizen, "gathering", &a.gathering]);
                        case.gatherings.push(d::InformationGathering {
                            id: id.clone(),
                            service_request: request,
                            at: date.at(10, 0),
                            completed: false,
                            themes: Vec::new(),
                            evaluation: None,
                        });
                        self.name(j, &a.citizen, &a.gathering, Entity::Gathering(id.clone()));
                        id
                    }
                };
                let mut new_themes = Vec::new();
                for t in &a.themes {
                    let theme = resolve::theme(&t.theme, t.score).map_err(|e| e.0)?;
                    let mut ta = d::ThemeAssessment::new(theme, date);
                    ta.id = self.id(j, &[&a.citizen, "theme", &t.alias]);
                    new_themes.push((t.alias.clone(), ta));
                }
                let eval = match &a.stoettebehov {
                    Some(s) => Some(self.evaluation(j, &a.citizen, &mut case, date, s)?),
                    None => None,
                };
                let g = case
                    .gatherings
                    .iter_mut()
                    .find(|g| g.id == gid)
                    .ok_or_else(|| format!("the information gathering \"{}\" belongs to another citizen", a.gathering))?;
                for (alias, ta) in &new_themes {
                    g.themes.push(ta.id.clone());
                    self.aliases.insert((j.to_string(), alias.clone()), (a.citizen.clone(), Entity::Theme(ta.id.clone())));
                }
                if eval.is_some() {
                    g.evaluation = eval;
                    g.completed = true;
                }
                if a.completed {
                    g.completed = true;
                }
                case.themes.extend(new_themes.into_iter().map(|(_, t)| t));
                self.case_mut(j, &a.citizen)?.case = case;
                Ok(a.citizen.clone())
            }
            Action::Grant(a) => {
                let mut case = self.case_mut(j, &a.citizen)?.case.clone();
                let start = a.start.unwrap_or(date);
                let eval = self.evaluation(j, &a.citizen, &mut case, date, &a.stoettebehov)?;
                if let Some(g) = case.gatherings.last_mut() {
                    g.completed = true;
                    g.evaluation = Some(eval.clone());
                }
                let Groups { primary, secondary, named } = self.target_groups(j, &a.citizen, &mut case, date, &a.maalgrupper)?;
                let goals = self.goals(j, &a.citizen, &a.plan, &mut case, &a.goals)?;
                let case_number = case.service_requests.last().map(|r| r.case_number.clone()).ok_or("no henvendelse to grant on")?;
                let mut plan =
                    d::CarePlan::new(&case_number, start, resolve::tilbud(&a.tilbud).map_err(|e| e.0)?).map_err(|e| e.to_string())?;
                plan.id = self.id(j, &[&a.citizen, "plan", &a.plan]);
                plan.primary_target_group = primary;
                plan.secondary_target_groups = secondary;
                plan.goals = goals;
                plan.evaluation = Some(eval);
                plan.follow_up = Some(a.follow_up);
                let pid = plan.id.clone();
                case.care_plans.push(plan);
                let ys = self.interventions(j, &a.citizen, &mut case, &pid, date, &a.ydelser)?;
                self.name(j, &a.citizen, &a.plan, Entity::Plan(pid));
                for (al, id) in ys {
                    self.name(j, &a.citizen, &al, Entity::Ydelse(id));
                }
                for (al, _) in named {
                    self.name(j, &a.citizen, &al, Entity::Other);
                }
                self.case_mut(j, &a.citizen)?.case = case;
                Ok(a.citizen.clone())
            }
            Action::FollowUp(a) => {
                let (citizen, e) = self.entity(j, &a.plan)?;
                let Entity::Plan(pid) = e else { return Err(format!("\"{}\" is not a care plan", a.plan)) };
                let mut case = self.case_mut(j, &citizen)?.case.clone();
                let result = resolve::result(&a.result).map_err(|e| e.0)?;
                let eval = if self.defect == Some(Defect::ForgetsStoettebehovAtFollowUp) {
                    None
                } else {
                    Some(self.evaluation(j, &citizen, &mut case, date, &a.stoettebehov)?)
                };
                let fid = self.id(j, &[&citizen, "follow-up", &a.plan, &date.to_string(), a.alias.as_deref().unwrap_or("")]);
                case.follow_ups.push(d::FollowUpResult {
                    id: fid.clone(),
                    care_plan: pid.clone(),
                    result,
                    day: date,
                    registration: Registration::Current,
                });
                let plan = case.care_plans.iter_mut().find(|p| p.id == pid).ok_or("plan not in the case")?;
                if let Some(e) = eval {
                    plan.evaluation = Some(e);
                }
                if result == Opfoelgningsresultat::TraefAfgoerelseOmAfslutningAfIndsats {
                    end_plan(&mut case, &pid, date);
                } else if let Some(n) = a.next_follow_up {
                    plan.follow_up = Some(n);
                }
                if let Some(al) = &a.alias {
                    self.name(j, &citizen, al, Entity::FollowUp(fid));
                }
                self.case_mut(j, &citizen)?.case = case;
                Ok(citizen)
            }
            Action::Reassess(a) => {
                let (citizen, e) = self.entity(j, &a.theme)?;
                let Entity::Theme(tid) = e else { return Err(format!("\"{}\" is not a theme", a.theme)) };
                let level = a.score.map(resolve::level).transpose().map_err(|e| e.0)?;
                let defect = self.defect;
                let c = self.case_mut(j, &citizen)?;
                let t = c.case.themes.iter_mut().find(|t| t.id == tid).ok_or("theme not in the case")?;
                if defect == Some(Defect::ReassessWithoutLastAsserted) {
                    let keep = t.last_asserted;
                    t.reassess(date, level);
                    t.last_asserted = keep;
                } else {
                    t.reassess(date, level);
                }
                Ok(citizen)
            }
            Action::ChangeGrant(a) => {
                let (citizen, e) = self.entity(j, &a.plan)?;
                let Entity::Plan(old) = e else { return Err(format!("\"{}\" is not a care plan", a.plan)) };
                let mut case = self.case_mut(j, &citizen)?.case.clone();
                let tilbud = a.tilbud.as_deref().map(resolve::tilbud).transpose().map_err(|e| e.0)?;
                let groups = match &a.maalgrupper {
                    Some(m) => Some(self.target_groups(j, &citizen, &mut case, date, m)?),
                    None => None,
                };
                let goals = match &a.goals {
                    Some(g) => Some(self.goals(j, &citizen, &a.new_plan, &mut case, g)?),
                    None => None,
                };
                let eval = match &a.stoettebehov {
                    Some(s) => Some(self.evaluation(j, &citizen, &mut case, date, s)?),
                    None => None,
                };
                let new_plan = self.id(j, &[&citizen, "plan", &a.new_plan]);
                let new_gathering = self.id(j, &[&citizen, "gathering", &a.gathering]);
                let follow_up = a.follow_up;
                let change = |p: &mut d::CarePlan| {
                    if let Some(t) = tilbud {
                        p.tilbud = t;
                    }
                    if let Some(g) = &groups {
                        p.primary_target_group = g.primary.clone();
                        p.secondary_target_groups = g.secondary.clone();
                    }
                    if let Some(g) = &goals {
                        p.goals = g.clone();
                    }
                    if let Some(e) = &eval {
                        p.evaluation = Some(e.clone());
                    }
                    p.follow_up = Some(follow_up);
                };
                let pid = if self.defect == Some(Defect::KeepsPlanIdOnNewGrant) {
                    // Changes the grant in place: same care plan, same information gathering.
                    let p = case.care_plans.iter_mut().find(|p| p.id == old).ok_or("plan not in the case")?;
                    change(p);
                    for i in case.interventions.iter_mut().filter(|i| i.care_plan == old && i.end.is_none()) {
                        i.end = Some(date);
                        i.status = PlanStatus::Completed;
                    }
                    self.name(j, &citizen, &a.gathering, Entity::Other);
                    old.clone()
                } else {
                    let pid = change_grant_with_ids(&mut case, &old, date, new_plan, new_gathering.clone(), change)
                        .ok_or("plan not in the case")?;
                    let plan_eval = case.care_plans.iter().find(|p| p.id == pid).and_then(|p| p.evaluation.clone());
                    if let Some(g) = case.gatherings.last_mut() {
                        g.evaluation = plan_eval.or(g.evaluation.clone());
                    }
                    self.name(j, &citizen, &a.gathering, Entity::Gathering(new_gathering));
                    pid
                };
                let ys = self.interventions(j, &citizen, &mut case, &pid, date, &a.ydelser)?;
                self.name(j, &citizen, &a.new_plan, Entity::Plan(pid));
                for (al, id) in ys {
                    self.name(j, &citizen, &al, Entity::Ydelse(id));
                }
                if let Some(g) = groups {
                    for (al, _) in g.named {
                        self.name(j, &citizen, &al, Entity::Other);
                    }
                }
                self.case_mut(j, &citizen)?.case = case;
                Ok(citizen)
            }
            Action::EndYdelse(a) => {
                let (citizen, e) = self.entity(j, &a.ydelse)?;
                let Entity::Ydelse(yid) = e else { return Err(format!("\"{}\" is not a ydelse", a.ydelse)) };
                let end = a.end.unwrap_or(date);
                let defect = self.defect;
                let c = self.case_mut(j, &citizen)?;
                if defect == Some(Defect::EndDateReportedLate) {
                    c.late_ends.push((yid, end));
                    return Ok(citizen);
                }
                let i = c.case.interventions.iter_mut().find(|i| i.id == yid).ok_or("ydelse not in the case")?;
                i.end = Some(end);
                i.status = PlanStatus::Completed;
                Ok(citizen)
            }
            Action::EndPlan(a) => {
                let (citizen, e) = self.entity(j, &a.plan)?;
                let Entity::Plan(pid) = e else { return Err(format!("\"{}\" is not a care plan", a.plan)) };
                let c = self.case_mut(j, &citizen)?;
                end_plan(&mut c.case, &pid, a.end.unwrap_or(date));
                Ok(citizen)
            }
            Action::Withdraw(a) => {
                let (citizen, e) = self.entity(j, &a.target)?;
                let defect = self.defect;
                let c = self.case_mut(j, &citizen)?;
                if defect == Some(Defect::DeletesInsteadOfWithdrawing) {
                    // Deleted in the system: simply no longer part of the case.
                    match e {
                        Entity::Theme(id) => {
                            c.case.themes.retain(|t| t.id != id);
                            c.case.gatherings.iter_mut().for_each(|g| g.themes.retain(|t| *t != id));
                        }
                        Entity::Ydelse(id) => c.case.interventions.retain(|i| i.id != id),
                        Entity::Plan(id) => {
                            c.case.care_plans.retain(|p| p.id != id);
                            c.case.interventions.retain(|i| i.care_plan != id);
                            c.case.follow_ups.retain(|f| f.care_plan != id);
                        }
                        Entity::FollowUp(id) => c.case.follow_ups.retain(|f| f.id != id),
                        _ => return Err(format!("\"{}\" cannot be withdrawn by this vendor", a.target)),
                    }
                    return Ok(citizen);
                }
                match e {
                    Entity::Theme(id) => {
                        c.case.themes.iter_mut().find(|t| t.id == id).ok_or("theme not in the case")?.registration =
                            Registration::EnteredInError
                    }
                    Entity::Ydelse(id) => {
                        c.case.interventions.iter_mut().find(|t| t.id == id).ok_or("ydelse not in the case")?.status =
                            PlanStatus::EnteredInError
                    }
                    Entity::Plan(id) => {
                        c.case.care_plans.iter_mut().find(|t| t.id == id).ok_or("plan not in the case")?.status =
                            PlanStatus::EnteredInError;
                        for i in c.case.interventions.iter_mut().filter(|i| i.care_plan == id) {
                            i.status = PlanStatus::EnteredInError;
                        }
                    }
                    Entity::FollowUp(id) => {
                        c.case.follow_ups.iter_mut().find(|t| t.id == id).ok_or("follow-up not in the case")?.registration =
                            Registration::EnteredInError
                    }
                    _ => return Err(format!("\"{}\" cannot be withdrawn by this vendor", a.target)),
                }
                Ok(citizen)
            }
            Action::GrantNonFfb(a) => {
                let intervention_id = self.id(j, &[&a.citizen, "non-ffb", a.alias.as_deref().unwrap_or(&a.description)]);
                let defect = self.defect;
                let c = self.case_mut(j, &a.citizen)?;
                c.non_ffb.push((a.paragraph.clone(), a.description.clone()));
                if defect == Some(Defect::ReportsParagraf83AsFfb) {
                    // The vendor's mapping table sends every ydelse, § 83 included, mapped
                    // to the nearest FFB ydelse under the citizen's active care plan.
                    if let Some(plan) = c.case.care_plans.iter().rev().find(|p| p.status == PlanStatus::Active).cloned() {
                        let mut i = d::Intervention::new(
                            &plan,
                            ffbkit_sdk::catalog::codes::Ydelse::StoetteTilPersonligHygiejne,
                            date,
                            date.at(12, 0),
                        )
                        .map_err(|e| e.to_string())?;
                        i.id = intervention_id;
                        c.case.interventions.push(i);
                    }
                }
                if let Some(al) = &a.alias {
                    self.name(j, &a.citizen, al, Entity::Other);
                }
                Ok(a.citizen.clone())
            }
        }
    }

    /// The vendor's daily reporting as at the end of `date`: for every citizen, one report
    /// per business day since the last delivery on which the case changed, in day order.
    pub fn deliver(&mut self, date: Date) -> Vec<Value> {
        let mut out: Vec<(Date, String, Value)> = Vec::new();
        let defect = self.defect;
        for ((journey, alias), c) in self.cases.iter_mut() {
            if defect == Some(Defect::EndDateReportedLate) && c.apply_late_ends(date) {
                c.pending.insert(date, c.case.clone());
            }
            let mut reports: Vec<(Date, Value)> = if defect == Some(Defect::ReportsADayLate) {
                // The job runs before the day's registrations: it sends what stood at the
                // end of the last earlier day with changes, stamped today; the resources
                // keep the time they were registered (meta.lastUpdated, that earlier day).
                let days: Vec<Date> = c.pending.keys().copied().filter(|d| *d < date).collect();
                let last = days.last().copied();
                let latest = last.and_then(|d| c.pending.get(&d).cloned());
                days.iter().for_each(|d| {
                    c.pending.remove(d);
                });
                let registered = last.map(|d| d.at(23, 59));
                latest
                    .and_then(|state| c.planner.plan_day_typed(&state, date))
                    .map(|mut r| {
                        if let Some(when) = &registered {
                            for e in &mut r.entry {
                                if let Some(meta) = e.resource.meta_mut() {
                                    meta.last_updated = Some(model::Instant(when.as_str().to_string()));
                                }
                            }
                        }
                        vec![(date, to_value(&r))]
                    })
                    .unwrap_or_default()
            } else {
                let days: Vec<Date> = c.pending.keys().copied().filter(|d| *d <= date).collect();
                let states: Vec<(Date, Case)> = days.iter().filter_map(|d| c.pending.remove(d).map(|s| (*d, s))).collect();
                c.planner.catch_up(&states)
            };
            if let Some(d) = defect {
                reports = d.apply_to_delivery(reports);
            }
            for (day, r) in reports {
                out.push((day, format!("{journey}/{alias}"), r));
            }
        }
        out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        out.into_iter().map(|(_, _, r)| r).collect()
    }

    /// Ydelser granted outside FFB for a citizen (never reported).
    pub fn non_ffb(&self, journey: &str, citizen: &str) -> Vec<(String, String)> {
        self.cases.get(&(journey.to_string(), citizen.to_string())).map(|c| c.non_ffb.clone()).unwrap_or_default()
    }
}

fn end_plan(case: &mut Case, plan: &Id, end: Date) {
    if let Some(p) = case.care_plans.iter_mut().find(|p| &p.id == plan) {
        p.status = PlanStatus::Completed;
        p.end = Some(end);
        p.follow_up = None;
    }
    for i in case.interventions.iter_mut().filter(|i| &i.care_plan == plan && i.end.is_none() && i.status != PlanStatus::EnteredInError) {
        i.end = Some(end);
        i.status = PlanStatus::Completed;
    }
}

/// Run a whole journey through a vendor system in-process (no HTTP): the reports of each
/// step's delivery (empty for steps without delivery). For tests and the defect checks.
pub fn simulate(journey: &Journey, defect: Option<Defect>) -> Result<Vec<Vec<Value>>, String> {
    let mut sys = VendorSystem::new(&format!("simulate-{}", journey.id), defect);
    let mut out = Vec::new();
    for step in &journey.steps {
        for a in &step.actions {
            sys.apply(&journey.id, step.date, a).map_err(|e| format!("step {}: {} failed: {e}", step.id, a.name()))?;
        }
        out.push(if step.deliver { sys.deliver(step.date) } else { Vec::new() });
    }
    Ok(out)
}
