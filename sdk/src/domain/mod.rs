//! The FFB case in VUM terms, typed: a vendor maps its case data to these types and the
//! [`crate::builder`] turns them into delivery reports. Constructors refuse what the IG
//! forbids (a score on an F&F theme, a target group that is not a målgruppe leaf, a goal
//! without exactly one primary A&D theme, two primary target groups) with a clear error.
//!
//! ```
//! use ffbkit_sdk::catalog::codes::*;
//! use ffbkit_sdk::domain::*;
//! let day = Date::parse("2025-03-03").unwrap();
//! let spise = ThemeAssessment::new(Theme::ad(AdTema::Spise, Funktionsevneniveau::SvaertNedsatFunktionsevne)?, day);
//! let goal = Goal::new(Maaltype::UdvikleFunktionsevne, Funktionsevneniveau::ModeratNedsatFunktionsevne, &spise, &[])?;
//! assert_eq!(goal.primary, spise.id);
//! // A score on a Funktioner og forhold theme cannot be expressed; a goal on one is refused:
//! let syn = ThemeAssessment::new(Theme::ff(FfTema::Syn)?, day);
//! assert!(Goal::new(Maaltype::FastholdeFunktionsevne, Funktionsevneniveau::LetNedsatFunktionsevne, &syn, &[]).is_err());
//! # Ok::<(), ffbkit_sdk::domain::DomainError>(())
//! ```

mod time;

pub use time::{BadTime, Date, DateTime};

use crate::catalog::codes::{
    AdTema, FfTema, Funktionsevneniveau, Maalgruppe, Maaltype, Omgivelse, Opfoelgningsresultat, Stoettebehov, Tilbud, Ydelse,
};
use crate::catalog::Catalog;
use std::fmt;

/// Why a domain value could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not a syntactically valid CPR number (GW-CITIZEN).
    #[error("not a valid CPR number (GW-CITIZEN): {0}")]
    Cpr(String),
    /// Not a KOMBIT STS organisation UUID (GW-CITIZEN).
    #[error("not a KOMBIT STS organisation UUID (GW-CITIZEN): {0:?}")]
    Municipality(String),
    /// Not a UUID (GW-ID).
    #[error("not a UUID (GW-ID): {0:?}")]
    Id(String),
    /// A code that is not in the value set the profile binds (GW-BINDING).
    #[error("{term} is not in {value_set} (GW-BINDING): {why}")]
    Binding {
        /// The concept's term.
        term: &'static str,
        /// The value set.
        value_set: &'static str,
        /// Why, in plain words.
        why: &'static str,
    },
    /// A goal that addresses a theme that is not Aktivitet og deltagelse.
    #[error("a goal may address only Aktivitet og deltagelse themes (kl-reporting-ffb-intervention-goal-1); {0} is not one")]
    GoalTheme(String),
    /// An invalid date or dateTime (GW-DATETIME).
    #[error("{0} (GW-DATETIME)")]
    Time(#[from] BadTime),
}

impl DomainError {
    /// The rule a report carrying the refused value would break (the id its message names).
    pub fn rule(&self) -> crate::rules::RuleId {
        use crate::rules::RuleId;
        match self {
            DomainError::Cpr(_) | DomainError::Municipality(_) => RuleId::GwCitizen,
            DomainError::Id(_) => RuleId::GwId,
            DomainError::Binding { .. } => RuleId::GwBinding,
            DomainError::GoalTheme(_) => RuleId::KlInterventionGoal1,
            DomainError::Time(_) => RuleId::GwDatetime,
        }
    }
}

/// A resource id: a UUID, stable across reports (PROTO-ID-STABLE).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    /// A fresh random UUID (version 4, [`crate::ids::random_uuid`]).
    pub fn random() -> Id {
        Id(crate::ids::random_uuid())
    }

    /// An id from a seeded generator (deterministic test data).
    pub fn seeded(rng: &mut crate::ids::Rng) -> Id {
        Id(rng.uuid())
    }

    /// A stable id derived from other ids and names ([`crate::ids::derived_uuid`]): the
    /// CareTeam and follow-up Encounter of a plan, a report's Bundle.
    pub fn derived(parts: &[&str]) -> Id {
        Id(crate::ids::derived_uuid(parts))
    }

    /// An existing UUID.
    pub fn parse(s: &str) -> Result<Id, DomainError> {
        if crate::ids::is_uuid(s) {
            Ok(Id(s.to_string()))
        } else {
            Err(DomainError::Id(s.to_string()))
        }
    }

    /// The UUID text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A CPR number. Personal data: `Display` and `Debug` mask it (`010181-****`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr(String);

impl Cpr {
    /// A syntactically valid CPR number (ten digits, `DDMMYY` a real day and month).
    pub fn parse(s: &str) -> Result<Cpr, DomainError> {
        crate::cpr::parse(s).map(Cpr).ok_or_else(|| DomainError::Cpr(crate::cpr::mask(s)))
    }
    /// The ten digits, unmasked: for the report itself only.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::cpr::mask(&self.0))
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({self})")
    }
}

/// The citizen: CPR number and municipality (KOMBIT STS organisation UUID).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citizen {
    /// Resource id.
    pub id: Id,
    /// CPR number.
    pub cpr: Cpr,
    /// The municipality's STS organisation UUID.
    pub municipality: String,
}

impl Citizen {
    /// A citizen of a municipality.
    pub fn new(cpr: Cpr, municipality: &str) -> Result<Citizen, DomainError> {
        if !crate::ids::is_uuid(municipality) {
            return Err(DomainError::Municipality(municipality.to_string()));
        }
        Ok(Citizen { id: Id::random(), cpr, municipality: municipality.to_string() })
    }
}

/// Whether a registration stands or was withdrawn (PROTO-ERROR).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Registration {
    /// It stands.
    #[default]
    Current,
    /// It was entered in error and is withdrawn.
    EnteredInError,
}

/// An FFB theme at undertema level, with the funktionsevneniveau where FFB has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Theme {
    /// A Funktioner og forhold undertema (no score).
    FunktionerOgForhold(FfTema),
    /// An Aktivitet og deltagelse undertema with its funktionsevneniveau.
    AktivitetOgDeltagelse(AdTema, Funktionsevneniveau),
    /// An omgivelser undertema (no score).
    Omgivelser(Omgivelse),
}

fn in_value_set(code: &str, vs: &str) -> bool {
    Catalog::embedded().value_set(vs).is_some_and(|v| v.contains(code))
}

impl Theme {
    /// An F&F theme; refused unless it is an undertema.
    pub fn ff(t: FfTema) -> Result<Theme, DomainError> {
        if in_value_set(t.code(), "KLConditionFFCodesFFB") {
            Ok(Theme::FunktionerOgForhold(t))
        } else {
            Err(DomainError::Binding { term: t.term(), value_set: "KLConditionFFCodesFFB", why: "report themes at undertema level" })
        }
    }
    /// An A&D theme with its funktionsevneniveau; refused unless it is an undertema.
    pub fn ad(t: AdTema, level: Funktionsevneniveau) -> Result<Theme, DomainError> {
        if in_value_set(t.code(), "KLConditionADCodesFFB") {
            Ok(Theme::AktivitetOgDeltagelse(t, level))
        } else {
            Err(DomainError::Binding { term: t.term(), value_set: "KLConditionADCodesFFB", why: "report themes at undertema level" })
        }
    }
    /// An omgivelser theme; refused unless it is an undertema.
    pub fn omgivelse(t: Omgivelse) -> Result<Theme, DomainError> {
        if in_value_set(t.code(), "KLConditionOCodesFFB") {
            Ok(Theme::Omgivelser(t))
        } else {
            Err(DomainError::Binding { term: t.term(), value_set: "KLConditionOCodesFFB", why: "report themes at undertema level" })
        }
    }
    /// The FFB code.
    pub fn code(self) -> &'static str {
        match self {
            Theme::FunktionerOgForhold(t) => t.code(),
            Theme::AktivitetOgDeltagelse(t, _) => t.code(),
            Theme::Omgivelser(t) => t.code(),
        }
    }
    /// The term.
    pub fn term(self) -> &'static str {
        match self {
            Theme::FunktionerOgForhold(t) => t.term(),
            Theme::AktivitetOgDeltagelse(t, _) => t.term(),
            Theme::Omgivelser(t) => t.term(),
        }
    }
    /// The funktionsevneniveau, for A&D themes.
    pub fn level(self) -> Option<Funktionsevneniveau> {
        match self {
            Theme::AktivitetOgDeltagelse(_, l) => Some(l),
            _ => None,
        }
    }
}

/// A theme as assessed (an FFB Condition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeAssessment {
    /// Resource id, kept when the theme is re-assessed (PROTO-COND-UPDATE).
    pub id: Id,
    /// The theme and score.
    pub theme: Theme,
    /// The day it was first recorded.
    pub recorded: Date,
    /// The day it was last re-assessed, if it was.
    pub last_asserted: Option<Date>,
    /// Current or withdrawn.
    pub registration: Registration,
}

impl ThemeAssessment {
    /// A theme recorded on a day.
    pub fn new(theme: Theme, recorded: Date) -> ThemeAssessment {
        ThemeAssessment { id: Id::random(), theme, recorded, last_asserted: None, registration: Registration::Current }
    }
    /// Re-assess an A&D theme on a day with a new level (same id, same code).
    pub fn reassess(&mut self, day: Date, level: Option<Funktionsevneniveau>) {
        if let (Theme::AktivitetOgDeltagelse(t, _), Some(l)) = (self.theme, level) {
            self.theme = Theme::AktivitetOgDeltagelse(t, l);
        }
        self.last_asserted = Some(day);
    }
}

/// A target group (målgruppe) of the citizen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetGroup {
    /// Resource id.
    pub id: Id,
    /// The målgruppe (a leaf of the catalog).
    pub maalgruppe: Maalgruppe,
    /// The day it was recorded.
    pub recorded: Date,
}

impl TargetGroup {
    /// A målgruppe; refused unless it is one of KLTargetGroupsFFB (leaves only).
    pub fn new(maalgruppe: Maalgruppe, recorded: Date) -> Result<TargetGroup, DomainError> {
        if in_value_set(maalgruppe.code(), "KLTargetGroupsFFB") {
            Ok(TargetGroup { id: Id::random(), maalgruppe, recorded })
        } else {
            Err(DomainError::Binding {
                term: maalgruppe.term(),
                value_set: "KLTargetGroupsFFB",
                why: "only the most detailed målgrupper are reported",
            })
        }
    }
}

/// An indsatsmål: måltype and expected funktionsevneniveau for one primary and any
/// secondary A&D themes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    /// Resource id.
    pub id: Id,
    /// The måltype.
    pub maaltype: Maaltype,
    /// The expected funktionsevneniveau.
    pub expected: Funktionsevneniveau,
    /// The primary A&D theme (rank 1).
    pub primary: Id,
    /// Secondary A&D themes (rank 2).
    pub secondary: Vec<Id>,
}

impl Goal {
    /// A goal; refused when a theme is not Aktivitet og deltagelse.
    pub fn new(
        maaltype: Maaltype,
        expected: Funktionsevneniveau,
        primary: &ThemeAssessment,
        secondary: &[&ThemeAssessment],
    ) -> Result<Goal, DomainError> {
        for t in std::iter::once(primary).chain(secondary.iter().copied()) {
            if t.theme.level().is_none() {
                return Err(DomainError::GoalTheme(t.theme.term().to_string()));
            }
        }
        Ok(Goal {
            id: Id::random(),
            maaltype,
            expected,
            primary: primary.id.clone(),
            secondary: secondary.iter().map(|t| t.id.clone()).collect(),
        })
    }
}

/// A støttebehov evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportEvaluation {
    /// Resource id.
    pub id: Id,
    /// The støttebehov.
    pub level: Stoettebehov,
    /// When it was evaluated.
    pub at: DateTime,
    /// Current or withdrawn.
    pub registration: Registration,
}

impl SupportEvaluation {
    /// An evaluation at a time.
    pub fn new(level: Stoettebehov, at: DateTime) -> SupportEvaluation {
        SupportEvaluation { id: Id::random(), level, at, registration: Registration::Current }
    }
}

/// A henvendelse: the request that starts a sagsoplysning, with the case number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRequest {
    /// Resource id.
    pub id: Id,
    /// The municipality's case number (sagsnummer).
    pub case_number: String,
}

impl ServiceRequest {
    /// A request with its case number.
    pub fn new(case_number: &str) -> ServiceRequest {
        ServiceRequest { id: Id::random(), case_number: case_number.to_string() }
    }
}

/// A sagsoplysning (information gathering): themes found and the støttebehov evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InformationGathering {
    /// Resource id; a new one when granted services change (PROTO-NEW-GATHERING).
    pub id: Id,
    /// The request it answers.
    pub service_request: Id,
    /// When.
    pub at: DateTime,
    /// Finished or still in progress.
    pub completed: bool,
    /// The themes found.
    pub themes: Vec<Id>,
    /// The støttebehov evaluation, once made.
    pub evaluation: Option<Id>,
}

/// The state of a care plan or intervention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanStatus {
    /// Granted and running.
    #[default]
    Active,
    /// Ended.
    Completed,
    /// Withdrawn as entered in error.
    EnteredInError,
}

impl PlanStatus {
    /// The FHIR request-status code.
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::Active => "active",
            PlanStatus::Completed => "completed",
            PlanStatus::EnteredInError => "entered-in-error",
        }
    }
}

/// An indsats (care plan): tilbud, målgrupper, goals, støttebehov, follow-up date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarePlan {
    /// Resource id; a new one when a new information gathering changes the plan.
    pub id: Id,
    /// The municipality's case number.
    pub case_number: String,
    /// Granted from.
    pub start: Date,
    /// Ended, if it has.
    pub end: Option<Date>,
    /// The tilbud delivering it.
    pub tilbud: Tilbud,
    /// The primary target group (rank 1), if one is named.
    pub primary_target_group: Option<Id>,
    /// Secondary target groups (rank 2).
    pub secondary_target_groups: Vec<Id>,
    /// The goals.
    pub goals: Vec<Id>,
    /// The støttebehov evaluation.
    pub evaluation: Option<Id>,
    /// The next follow-up (opfølgningsdato).
    pub follow_up: Option<Date>,
    /// Active, completed or withdrawn.
    pub status: PlanStatus,
}

impl CarePlan {
    /// A plan granted on a day with a tilbud; refused unless the tilbud is one of
    /// KLServiceCodesFFB. Target groups: one primary at most, by construction.
    pub fn new(case_number: &str, start: Date, tilbud: Tilbud) -> Result<CarePlan, DomainError> {
        if !in_value_set(tilbud.code(), "KLServiceCodesFFB") {
            return Err(DomainError::Binding {
                term: tilbud.term(),
                value_set: "KLServiceCodesFFB",
                why: "a grouping of tilbud is not a tilbud",
            });
        }
        Ok(CarePlan {
            id: Id::random(),
            case_number: case_number.to_string(),
            start,
            end: None,
            tilbud,
            primary_target_group: None,
            secondary_target_groups: Vec::new(),
            goals: Vec::new(),
            evaluation: None,
            follow_up: None,
            status: PlanStatus::Active,
        })
    }
}

/// A ydelse granted under a care plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intervention {
    /// Resource id.
    pub id: Id,
    /// The care plan it belongs to.
    pub care_plan: Id,
    /// The ydelse.
    pub ydelse: Ydelse,
    /// Granted from.
    pub start: Date,
    /// Ended, if it has (PROTO-ENDED).
    pub end: Option<Date>,
    /// When it was created.
    pub created: DateTime,
    /// Active, completed or withdrawn.
    pub status: PlanStatus,
}

impl Intervention {
    /// A ydelse granted on a day; refused unless it is one of KLInterventionsFFB.
    pub fn new(care_plan: &CarePlan, ydelse: Ydelse, start: Date, created: DateTime) -> Result<Intervention, DomainError> {
        if !in_value_set(ydelse.code(), "KLInterventionsFFB") {
            return Err(DomainError::Binding {
                term: ydelse.term(),
                value_set: "KLInterventionsFFB",
                why: "report the specific ydelse, not its area",
            });
        }
        Ok(Intervention {
            id: Id::random(),
            care_plan: care_plan.id.clone(),
            ydelse,
            start,
            end: None,
            created,
            status: PlanStatus::Active,
        })
    }
}

/// The result of a follow-up on a care plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpResult {
    /// Resource id.
    pub id: Id,
    /// The plan followed up.
    pub care_plan: Id,
    /// Fortsættelse, afslutning, or afslutning og visitation til ny.
    pub result: Opfoelgningsresultat,
    /// The day of the follow-up.
    pub day: Date,
    /// Current or withdrawn.
    pub registration: Registration,
}

/// A citizen's FFB case: everything a delivery report can hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The citizen.
    pub citizen: Citizen,
    /// Henvendelser.
    pub service_requests: Vec<ServiceRequest>,
    /// Sagsoplysninger.
    pub gatherings: Vec<InformationGathering>,
    /// Themes as assessed.
    pub themes: Vec<ThemeAssessment>,
    /// Målgrupper.
    pub target_groups: Vec<TargetGroup>,
    /// Indsatsmål.
    pub goals: Vec<Goal>,
    /// Støttebehov evaluations.
    pub evaluations: Vec<SupportEvaluation>,
    /// Indsatser.
    pub care_plans: Vec<CarePlan>,
    /// Ydelser.
    pub interventions: Vec<Intervention>,
    /// Follow-up results.
    pub follow_ups: Vec<FollowUpResult>,
}

impl Case {
    /// An empty case for a citizen.
    pub fn new(citizen: Citizen) -> Case {
        Case {
            citizen,
            service_requests: Vec::new(),
            gatherings: Vec::new(),
            themes: Vec::new(),
            target_groups: Vec::new(),
            goals: Vec::new(),
            evaluations: Vec::new(),
            care_plans: Vec::new(),
            interventions: Vec::new(),
            follow_ups: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule of a refused value is the one its message names.
    #[test]
    fn a_domain_error_names_its_rule_in_its_message() {
        let day = Date::parse("2025-03-03").expect("a date");
        let errors = [
            Cpr::parse("0113504321").err(),
            Citizen::new(Cpr::parse("0101504321").expect("a CPR"), "Aarhus").err(),
            Id::parse("42").err(),
            TargetGroup::new(Maalgruppe::ALL[0], day)
                .err()
                .or_else(|| Maalgruppe::ALL.iter().find_map(|m| TargetGroup::new(*m, day).err())),
            Goal::new(
                Maaltype::UdvikleFunktionsevne,
                Funktionsevneniveau::LetNedsatFunktionsevne,
                &ThemeAssessment::new(Theme::ff(FfTema::Hukommelse).expect("undertema"), day),
                &[],
            )
            .err(),
            Date::parse("2025-02-30").err().map(DomainError::from),
        ];
        for e in errors.into_iter().map(|e| e.expect("refused")) {
            assert!(e.to_string().contains(e.rule().as_str()), "{e} / {}", e.rule().as_str());
        }
    }
}
