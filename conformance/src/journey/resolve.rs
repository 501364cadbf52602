//! Danish terms -> typed catalog codes (exact official terms, the embedded catalog), and
//! the checks a journey must pass beyond its schema: aliases defined before use and of the
//! right kind, terms that resolve, scores only on A&D themes, dates in order.

use super::model::*;
use super::JourneyError;
use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::catalog::{Catalog, FfbCode};
use ffbkit_sdk::domain::Theme;
use std::collections::HashMap;

/// A term that does not name exactly one concept of the expected kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TermError(pub String);

fn suggestions(term: &str) -> String {
    let found: Vec<String> = Catalog::embedded().search(term).into_iter().take(3).map(|c| format!("\"{}\"", c.term)).collect();
    if found.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", found.join(", "))
    }
}

/// The one concept of kind `T` whose official term is exactly `term`.
pub fn exact<T: FfbCode>(term: &str, what: &str) -> Result<T, TermError> {
    let hits: Vec<T> = T::all().iter().copied().filter(|c| c.term() == term).collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(TermError(format!("\"{term}\" is not a {what} of the catalog{}", suggestions(term)))),
        _ => Err(TermError(format!("\"{term}\" names {} {what} concepts; it is ambiguous", hits.len()))),
    }
}

/// A theme term, of any of the three theme kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeTerm {
    /// Funktioner og forhold.
    Ff(FfTema),
    /// Aktivitet og deltagelse.
    Ad(AdTema),
    /// Omgivelser.
    Omgivelse(Omgivelse),
}

impl ThemeTerm {
    /// The FFB code.
    pub fn code(self) -> &'static str {
        match self {
            ThemeTerm::Ff(t) => t.code(),
            ThemeTerm::Ad(t) => t.code(),
            ThemeTerm::Omgivelse(t) => t.code(),
        }
    }
}

/// Resolve a theme term (F&F, A&D or omgivelser; exactly one must match).
pub fn theme_term(term: &str) -> Result<ThemeTerm, TermError> {
    let mut hits = Vec::new();
    hits.extend(FfTema::ALL.iter().filter(|t| t.term() == term).map(|t| ThemeTerm::Ff(*t)));
    hits.extend(AdTema::ALL.iter().filter(|t| t.term() == term).map(|t| ThemeTerm::Ad(*t)));
    hits.extend(Omgivelse::ALL.iter().filter(|t| t.term() == term).map(|t| ThemeTerm::Omgivelse(*t)));
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(TermError(format!("\"{term}\" is not a theme of the catalog{}", suggestions(term)))),
        _ => Err(TermError(format!("\"{term}\" names {} themes; it is ambiguous", hits.len()))),
    }
}

/// A funktionsevnescore 0-4.
pub fn level(score: u8) -> Result<Funktionsevneniveau, TermError> {
    Funktionsevneniveau::from_score(score).ok_or_else(|| TermError(format!("score {score} is not a funktionsevnescore (0-4)")))
}

/// A theme with its score as the domain wants it (score exactly for A&D themes).
pub fn theme(term: &str, score: Option<u8>) -> Result<Theme, TermError> {
    let t = theme_term(term)?;
    let r = match (t, score) {
        (ThemeTerm::Ad(a), Some(s)) => Theme::ad(a, level(s)?),
        (ThemeTerm::Ad(_), None) => return Err(TermError(format!("\"{term}\" is an Aktivitet og deltagelse theme and needs a score 0-4"))),
        (_, Some(_)) => {
            return Err(TermError(format!(
                "\"{term}\" is not an Aktivitet og deltagelse theme and takes no score (kl-reporting-ffb-condition-1)"
            )))
        }
        (ThemeTerm::Ff(f), None) => Theme::ff(f),
        (ThemeTerm::Omgivelse(o), None) => Theme::omgivelse(o),
    };
    r.map_err(|e| TermError(e.to_string()))
}

/// A ydelse term.
pub fn ydelse(term: &str) -> Result<Ydelse, TermError> {
    exact(term, "ydelse")
}
/// A tilbud term.
pub fn tilbud(term: &str) -> Result<Tilbud, TermError> {
    exact(term, "tilbud")
}
/// A målgruppe term.
pub fn maalgruppe(term: &str) -> Result<Maalgruppe, TermError> {
    exact(term, "målgruppe")
}
/// A måltype term.
pub fn maaltype(term: &str) -> Result<Maaltype, TermError> {
    exact(term, "måltype")
}
/// A støttebehov term.
pub fn stoettebehov(term: &str) -> Result<Stoettebehov, TermError> {
    exact(term, "støttebehov")
}
/// A follow-up result term (status på indsats).
pub fn result(term: &str) -> Result<Opfoelgningsresultat, TermError> {
    exact(term, "opfølgningsresultat")
}

fn bound<T: FfbCode>(r: Result<T, TermError>, value_set: &str, why: &str) -> Result<T, TermError> {
    let t = r?;
    if Catalog::embedded().value_set(value_set).is_some_and(|v| v.contains(t.code())) {
        Ok(t)
    } else {
        Err(TermError(format!("\"{}\" is not in {value_set} (GW-BINDING): {why}", t.term())))
    }
}

/// A ydelse that may be reported (KLInterventionsFFB: a specific ydelse, not an area).
pub fn granted_ydelse(term: &str) -> Result<Ydelse, TermError> {
    bound(ydelse(term), "KLInterventionsFFB", "grant the specific ydelse, not its area")
}
/// A tilbud that may be reported (KLServiceCodesFFB).
pub fn granted_tilbud(term: &str) -> Result<Tilbud, TermError> {
    bound(tilbud(term), "KLServiceCodesFFB", "a grouping of tilbud is not a tilbud")
}
/// A målgruppe that may be reported (KLTargetGroupsFFB: the most detailed level).
pub fn granted_maalgruppe(term: &str) -> Result<Maalgruppe, TermError> {
    bound(maalgruppe(term), "KLTargetGroupsFFB", "only the most detailed målgrupper are reported")
}

/// What an alias names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasKind {
    /// A citizen.
    Citizen,
    /// A henvendelse.
    Request,
    /// An information gathering.
    Gathering,
    /// A theme (A&D or not).
    Theme {
        /// An A&D theme.
        ad: bool,
    },
    /// A målgruppe.
    TargetGroup,
    /// An indsatsmål.
    Goal,
    /// A care plan.
    Plan,
    /// A ydelse.
    Ydelse,
    /// A follow-up.
    FollowUp,
    /// A ydelse outside FFB.
    NonFfb,
}

struct Checker<'j> {
    journey: &'j str,
    step: Option<String>,
    aliases: HashMap<String, AliasKind>,
}

impl Checker<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> JourneyError {
        JourneyError::Invalid {
            journey: self.journey.to_string(),
            step: self.step.clone(),
            field: field.to_string(),
            message: message.into(),
        }
    }
    fn term<T>(&self, field: &str, r: Result<T, TermError>) -> Result<T, JourneyError> {
        r.map_err(|e| self.err(field, e.0))
    }
    fn define(&mut self, field: &str, alias: &str, kind: AliasKind) -> Result<(), JourneyError> {
        if !is_kebab(alias) {
            return Err(self.err(field, format!("alias \"{alias}\" is not kebab-case ASCII")));
        }
        if self.aliases.contains_key(alias) {
            return Err(self.err(field, format!("alias \"{alias}\" is already defined in this journey")));
        }
        self.aliases.insert(alias.to_string(), kind);
        Ok(())
    }
    fn use_alias(&self, field: &str, alias: &str, ok: impl Fn(AliasKind) -> bool, what: &str) -> Result<AliasKind, JourneyError> {
        match self.aliases.get(alias) {
            None => Err(self.err(field, format!("alias \"{alias}\" is not defined by an earlier action"))),
            Some(k) if ok(*k) => Ok(*k),
            Some(k) => Err(self.err(field, format!("alias \"{alias}\" names a {k:?}, not {what}"))),
        }
    }
    fn ydelser(&mut self, field: &str, ys: &[YdelseSpec]) -> Result<(), JourneyError> {
        for (i, y) in ys.iter().enumerate() {
            self.term(&format!("{field}[{i}].ydelse"), granted_ydelse(&y.ydelse))?;
            self.define(&format!("{field}[{i}].alias"), &y.alias, AliasKind::Ydelse)?;
        }
        Ok(())
    }
    fn maalgrupper(&mut self, field: &str, ms: &[MaalgruppeSpec]) -> Result<(), JourneyError> {
        if ms.iter().filter(|m| m.primary).count() > 1 {
            return Err(self.err(field, "at most one primary målgruppe (kl-reporting-ffb-care-plan-2)"));
        }
        for (i, m) in ms.iter().enumerate() {
            self.term(&format!("{field}[{i}].maalgruppe"), granted_maalgruppe(&m.maalgruppe))?;
            if let Some(a) = &m.alias {
                self.define(&format!("{field}[{i}].alias"), a, AliasKind::TargetGroup)?;
            }
        }
        Ok(())
    }
    fn goals(&mut self, field: &str, gs: &[GoalSpec]) -> Result<(), JourneyError> {
        for (i, g) in gs.iter().enumerate() {
            self.term(&format!("{field}[{i}].maaltype"), maaltype(&g.maaltype))?;
            self.term(&format!("{field}[{i}].expected_score"), level(g.expected_score))?;
            if g.themes.is_empty() {
                return Err(self.err(&format!("{field}[{i}].themes"), "a goal addresses at least one theme (the first is primary)"));
            }
            for (j, t) in g.themes.iter().enumerate() {
                self.use_alias(
                    &format!("{field}[{i}].themes[{j}]"),
                    t,
                    |k| k == AliasKind::Theme { ad: true },
                    "an Aktivitet og deltagelse theme (kl-reporting-ffb-intervention-goal-1)",
                )?;
            }
            if let Some(a) = &g.alias {
                self.define(&format!("{field}[{i}].alias"), a, AliasKind::Goal)?;
            }
        }
        Ok(())
    }
}

/// True for kebab-case ASCII: lower-case letters, digits and single hyphens.
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

const PROFILES: [&str; 12] = [
    "Citizen",
    "ServiceRequest",
    "InformationGathering",
    "Condition",
    "TargetGroup",
    "InterventionGoal",
    "CarePlan",
    "Intervention",
    "ServicePerformer",
    "FollowUpEncounter",
    "CareEvaluation",
    "FollowUp",
];

/// The profile names a match may name.
pub fn profile_names() -> &'static [&'static str] {
    &PROFILES
}

/// Check a journey and fill what its actions need from the citizens (CPR, municipality).
pub fn check(journey: &mut Journey) -> Result<(), JourneyError> {
    let mut c = Checker { journey: &journey.id.clone(), step: None, aliases: HashMap::new() };
    if !is_kebab(&journey.id) {
        return Err(c.err("id", "the journey id must be kebab-case ASCII"));
    }
    for (i, z) in journey.citizens.iter().enumerate() {
        ffbkit_sdk::domain::Cpr::parse(&z.cpr).map_err(|e| c.err(&format!("citizens[{i}].cpr"), e.to_string()))?;
        if !ffbkit_sdk::ids::is_uuid(&z.municipality) {
            return Err(c.err(&format!("citizens[{i}].municipality"), "not a KOMBIT STS organisation UUID (GW-CITIZEN)"));
        }
        c.define(&format!("citizens[{i}].alias"), &z.alias, AliasKind::Citizen)?;
    }
    let citizens = journey.citizens.clone();
    let mut step_ids: Vec<String> = Vec::new();
    let mut delivering: Vec<String> = Vec::new();
    let mut last_date = None;
    let mut delivering_dates = Vec::new();
    for step in &mut journey.steps {
        c.step = Some(step.id.clone());
        if !is_kebab(&step.id) {
            return Err(c.err("id", "the step id must be kebab-case ASCII"));
        }
        if step_ids.contains(&step.id) {
            return Err(c.err("id", "the step id is used twice"));
        }
        if last_date.is_some_and(|d| step.date < d) {
            return Err(c.err("date", format!("{} is before the previous step's date", step.date)));
        }
        last_date = Some(step.date);
        if step.deliver && delivering_dates.contains(&step.date) {
            return Err(c.err("date", format!("another step already delivers on {}; the vendor reports once a day", step.date)));
        }
        if step.deliver {
            delivering_dates.push(step.date);
        }
        if !step.deliver && !step.expect.is_empty() {
            return Err(
                c.err("expect", "a step without delivery (deliver: false) has no expectations; put them on the next delivering step")
            );
        }
        for (ai, action) in step.actions.iter_mut().enumerate() {
            let f = |name: &str| format!("actions[{ai}].{name}");
            match action {
                Action::CreateCase(a) => {
                    c.use_alias(&f("citizen"), &a.citizen, |k| k == AliasKind::Citizen, "a citizen")?;
                    let z = citizens.iter().find(|z| z.alias == a.citizen).expect("checked");
                    a.cpr = Some(z.cpr.clone());
                    a.municipality = Some(z.municipality.clone());
                    if let Some(r) = &a.request {
                        c.define(&f("request"), r, AliasKind::Request)?;
                    }
                }
                Action::RecordGathering(a) => {
                    c.use_alias(&f("citizen"), &a.citizen, |k| k == AliasKind::Citizen, "a citizen")?;
                    match c.aliases.get(&a.gathering) {
                        Some(AliasKind::Gathering) => {}
                        Some(_) => return Err(c.err(&f("gathering"), format!("alias \"{}\" is not an information gathering", a.gathering))),
                        None => c.define(&f("gathering"), &a.gathering, AliasKind::Gathering)?,
                    }
                    for (ti, t) in a.themes.iter().enumerate() {
                        let th = c.term(&f(&format!("themes[{ti}].theme")), theme(&t.theme, t.score))?;
                        c.define(&f(&format!("themes[{ti}].alias")), &t.alias, AliasKind::Theme { ad: th.level().is_some() })?;
                    }
                    if let Some(s) = &a.stoettebehov {
                        c.term(&f("stoettebehov"), stoettebehov(s))?;
                    }
                }
                Action::Grant(a) => {
                    c.use_alias(&f("citizen"), &a.citizen, |k| k == AliasKind::Citizen, "a citizen")?;
                    c.term(&f("tilbud"), granted_tilbud(&a.tilbud))?;
                    c.term(&f("stoettebehov"), stoettebehov(&a.stoettebehov))?;
                    if a.maalgrupper.is_empty() {
                        return Err(c.err(&f("maalgrupper"), "a granted care plan has målgrupper (kl-reporting-ffb-care-plan-5)"));
                    }
                    c.maalgrupper(&f("maalgrupper"), &a.maalgrupper)?;
                    c.goals(&f("goals"), &a.goals)?;
                    c.define(&f("plan"), &a.plan, AliasKind::Plan)?;
                    c.ydelser(&f("ydelser"), &a.ydelser)?;
                    if a.follow_up <= step.date {
                        return Err(c.err(&f("follow_up"), "the follow-up date lies after the grant"));
                    }
                }
                Action::FollowUp(a) => {
                    c.use_alias(&f("plan"), &a.plan, |k| k == AliasKind::Plan, "a care plan")?;
                    let r = c.term(&f("result"), result(&a.result))?;
                    c.term(&f("stoettebehov"), stoettebehov(&a.stoettebehov))?;
                    if r == Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats && a.next_follow_up.is_none() {
                        return Err(c.err(
                            &f("next_follow_up"),
                            "a plan that continues needs its next follow-up date (kl-reporting-ffb-care-plan-1)",
                        ));
                    }
                    if let Some(al) = &a.alias {
                        c.define(&f("alias"), al, AliasKind::FollowUp)?;
                    }
                }
                Action::Reassess(a) => {
                    let k = c.use_alias(&f("theme"), &a.theme, |k| matches!(k, AliasKind::Theme { .. }), "a theme")?;
                    if let Some(s) = a.score {
                        if k != (AliasKind::Theme { ad: true }) {
                            return Err(
                                c.err(&f("score"), "only Aktivitet og deltagelse themes have a score (kl-reporting-ffb-condition-1)")
                            );
                        }
                        c.term(&f("score"), level(s))?;
                    } else if k == (AliasKind::Theme { ad: true }) {
                        return Err(c.err(&f("score"), "re-assessing an Aktivitet og deltagelse theme gives a new score 0-4"));
                    }
                }
                Action::ChangeGrant(a) => {
                    c.use_alias(&f("plan"), &a.plan, |k| k == AliasKind::Plan, "a care plan")?;
                    if let Some(t) = &a.tilbud {
                        c.term(&f("tilbud"), granted_tilbud(t))?;
                    }
                    if let Some(s) = &a.stoettebehov {
                        c.term(&f("stoettebehov"), stoettebehov(s))?;
                    }
                    if let Some(m) = &a.maalgrupper {
                        c.maalgrupper(&f("maalgrupper"), m)?;
                    }
                    if let Some(g) = &a.goals {
                        c.goals(&f("goals"), g)?;
                    }
                    c.define(&f("new_plan"), &a.new_plan, AliasKind::Plan)?;
                    c.define(&f("gathering"), &a.gathering, AliasKind::Gathering)?;
                    c.ydelser(&f("ydelser"), &a.ydelser)?;
                }
                Action::EndYdelse(a) => {
                    c.use_alias(&f("ydelse"), &a.ydelse, |k| k == AliasKind::Ydelse, "a ydelse")?;
                }
                Action::EndPlan(a) => {
                    c.use_alias(&f("plan"), &a.plan, |k| k == AliasKind::Plan, "a care plan")?;
                }
                Action::Withdraw(a) => {
                    c.use_alias(
                        &f("target"),
                        &a.target,
                        |k| matches!(k, AliasKind::Theme { .. } | AliasKind::Ydelse | AliasKind::Plan | AliasKind::FollowUp),
                        "a theme, ydelse, care plan or follow-up",
                    )?;
                }
                Action::GrantNonFfb(a) => {
                    c.use_alias(&f("citizen"), &a.citizen, |k| k == AliasKind::Citizen, "a citizen")?;
                    if let Some(al) = &a.alias {
                        c.define(&f("alias"), al, AliasKind::NonFfb)?;
                    }
                }
            }
        }
        for (list, name) in [(&step.expect.contains, "contains"), (&step.expect.absent, "absent")] {
            for (mi, m) in list.iter().enumerate() {
                let f = |field: &str| format!("expect.{name}[{mi}].{field}");
                if !PROFILES.contains(&m.profile.as_str()) {
                    return Err(c.err(&f("profile"), format!("\"{}\" is not one of the 12 profiles ({})", m.profile, PROFILES.join(", "))));
                }
                if let Some(z) = &m.citizen {
                    c.use_alias(&f("citizen"), z, |k| k == AliasKind::Citizen, "a citizen")?;
                }
                if let Some(t) = &m.theme {
                    c.term(&f("theme"), theme_term(t))?;
                }
                if let Some(s) = m.score {
                    c.term(&f("score"), level(s))?;
                }
                if let Some(s) = m.expected_score {
                    c.term(&f("expected_score"), level(s))?;
                }
                if let Some(t) = &m.maalgruppe {
                    c.term(&f("maalgruppe"), maalgruppe(t))?;
                }
                if let Some(t) = &m.ydelse {
                    c.term(&f("ydelse"), ydelse(t))?;
                }
                if let Some(t) = &m.tilbud {
                    c.term(&f("tilbud"), tilbud(t))?;
                }
                if let Some(t) = &m.maaltype {
                    c.term(&f("maaltype"), maaltype(t))?;
                }
                if let Some(t) = &m.stoettebehov {
                    c.term(&f("stoettebehov"), stoettebehov(t))?;
                }
                if let Some(t) = &m.result {
                    c.term(&f("result"), result(t))?;
                }
                if let Some(s) = &m.same_id_as_step {
                    if !delivering.contains(s) {
                        return Err(c.err(&f("same_id_as_step"), format!("\"{s}\" is not an earlier delivering step")));
                    }
                }
            }
        }
        step_ids.push(step.id.clone());
        if step.deliver {
            delivering.push(step.id.clone());
        }
    }
    Ok(())
}
