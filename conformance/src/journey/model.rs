//! The journey file's types (`fixtures/journeys/<id>.json`, schema
//! `schemas/journey.schema.json`). Entities are named by journey-local aliases; codes by
//! their exact official Danish catalog terms (resolved by [`super::resolve`]).

use ffbkit_sdk::domain::Date;
use serde::{Deserialize, Serialize};

/// `YYYY-MM-DD` dates in journey JSON.
pub mod date_serde {
    use ffbkit_sdk::domain::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Write a date as `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Read a `YYYY-MM-DD` date.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }

    /// Optional dates.
    pub mod option {
        use ffbkit_sdk::domain::Date;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Write an optional date (`None` is skipped by the field attribute).
        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }

        /// Read an optional `YYYY-MM-DD` date.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            let s = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
            s.map(|s| Date::parse(&s).map_err(serde::de::Error::custom)).transpose()
        }
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One scripted VUM case journey.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    /// Kebab-case ASCII id; checks are named `VUM-<id>-<step>`.
    pub id: String,
    /// Danish title.
    pub title: String,
    /// Danish description of what the journey exercises.
    pub description: String,
    /// Rule ids (REQUIREMENTS.md) and profile names the journey exercises.
    pub exercises: Vec<String>,
    /// The citizens of the journey.
    pub citizens: Vec<CitizenSpec>,
    /// The steps, in VUM 2.0 order and date order.
    pub steps: Vec<Step>,
}

impl Journey {
    /// The check id of a step: `VUM-<journey>-<step>`.
    pub fn check_id(&self, step_index: usize) -> String {
        format!("VUM-{}-{}", self.id, self.steps.get(step_index).map(|s| s.id.as_str()).unwrap_or("?"))
    }

    /// Every `VUM-*` check id of the journey (one per delivering step).
    pub fn check_ids(&self) -> Vec<String> {
        (0..self.steps.len()).filter(|&i| self.steps[i].deliver).map(|i| self.check_id(i)).collect()
    }

    /// The citizen with an alias.
    pub fn citizen(&self, alias: &str) -> Option<&CitizenSpec> {
        self.citizens.iter().find(|c| c.alias == alias)
    }
}

/// A citizen of a journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenSpec {
    /// Journey-local alias.
    pub alias: String,
    /// CPR number (ten digits; a test number). Masked in all output.
    pub cpr: String,
    /// The municipality's KOMBIT STS organisation UUID.
    pub municipality: String,
    /// The municipality's name, for people.
    pub municipality_name: String,
}

/// The VUM 2.0 phase of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Henvendelse (service request).
    Henvendelse,
    /// Sagsoplysning (information gathering).
    Sagsoplysning,
    /// Sagsvurdering og bestilling.
    Bestilling,
    /// Levering.
    Levering,
    /// Opfølgning.
    Opfoelgning,
    /// Fortsættelse.
    Fortsaettelse,
    /// Ny visitation.
    NyVisitation,
    /// Afslutning.
    Afslutning,
}

impl Phase {
    /// The Danish name.
    pub fn danish(self) -> &'static str {
        match self {
            Phase::Henvendelse => "henvendelse",
            Phase::Sagsoplysning => "sagsoplysning",
            Phase::Bestilling => "sagsvurdering og bestilling",
            Phase::Levering => "levering",
            Phase::Opfoelgning => "opfølgning",
            Phase::Fortsaettelse => "fortsættelse",
            Phase::NyVisitation => "ny visitation",
            Phase::Afslutning => "afslutning",
        }
    }
}

/// One step: a business day, the actions done on the vendor system that day, whether the
/// vendor's daily reporting runs at its end, and what it must then report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Kebab-case id, unique in the journey.
    pub id: String,
    /// VUM phase.
    pub phase: Phase,
    /// Business date.
    #[serde(with = "date_serde")]
    pub date: Date,
    /// Plain Danish instruction for an operator (manual driver).
    pub instruction: String,
    /// Actions on the vendor system, in order.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Whether the vendor's daily reporting runs at the end of this day (default true).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub deliver: bool,
    /// What the vendor must report for this delivery (`VUM-<journey>-<step>`).
    #[serde(default, skip_serializing_if = "Expect::is_empty")]
    pub expect: Expect,
    /// The TestScript tests (their id or name) that post this step's report: with
    /// `ffbkit certify --testscript`, their asserts are judged on it (docs/testscript.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testscript: Vec<String>,
}

/// An action on the vendor system. Serializes back to the journey JSON of the action
/// (what the http driver sends to the vendor adapter).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Create the citizen (if new) and a case with a henvendelse.
    CreateCase(CreateCase),
    /// Record (or add to) an information gathering: themes with scores.
    RecordGathering(RecordGathering),
    /// Grant a care plan: tilbud, ydelser, målgrupper, goals, støttebehov, follow-up date.
    Grant(Grant),
    /// Follow up on a care plan: result, støttebehov (again), next follow-up date.
    FollowUp(FollowUp),
    /// Re-assess a theme (new score for an A&D theme).
    Reassess(Reassess),
    /// Change what is granted: a new information gathering and a new care plan.
    ChangeGrant(ChangeGrant),
    /// End one ydelse.
    EndYdelse(EndYdelse),
    /// End a care plan and its open ydelser.
    EndPlan(EndPlan),
    /// Withdraw a wrong registration (entered in error).
    Withdraw(Withdraw),
    /// Grant a ydelse outside FFB (e.g. § 83): it must not be reported.
    GrantNonFfb(GrantNonFfb),
}

impl Action {
    /// The action's kebab-case name.
    pub fn name(&self) -> &'static str {
        match self {
            Action::CreateCase(_) => "create-case",
            Action::RecordGathering(_) => "record-gathering",
            Action::Grant(_) => "grant",
            Action::FollowUp(_) => "follow-up",
            Action::Reassess(_) => "reassess",
            Action::ChangeGrant(_) => "change-grant",
            Action::EndYdelse(_) => "end-ydelse",
            Action::EndPlan(_) => "end-plan",
            Action::Withdraw(_) => "withdraw",
            Action::GrantNonFfb(_) => "grant-non-ffb",
        }
    }
}

/// `create-case`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCase {
    /// Citizen alias.
    pub citizen: String,
    /// The municipality's case number (sagsnummer).
    pub case_number: String,
    /// Alias of the henvendelse (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The citizen's CPR number: filled from `citizens` when the journey is loaded, so that
    /// the action carries all a vendor needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpr: Option<String>,
    /// The municipality's STS organisation UUID: filled from `citizens` when loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
}

/// A theme of an information gathering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeSpec {
    /// Alias of the theme.
    pub alias: String,
    /// The theme's official term (undertema level).
    pub theme: String,
    /// Funktionsevnescore 0-4, for Aktivitet og deltagelse themes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
}

/// `record-gathering`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordGathering {
    /// Citizen alias.
    pub citizen: String,
    /// Alias of the information gathering (a known alias adds to it).
    pub gathering: String,
    /// Themes found.
    #[serde(default)]
    pub themes: Vec<ThemeSpec>,
    /// Støttebehov term, when assessed already (completes the gathering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stoettebehov: Option<String>,
    /// Whether the gathering is finished (default false; a grant finishes it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub completed: bool,
}

/// A ydelse granted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YdelseSpec {
    /// Alias of the ydelse.
    pub alias: String,
    /// The ydelse's official term.
    pub ydelse: String,
    /// Start date (default: the plan's start).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub start: Option<Date>,
}

/// A målgruppe of a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaalgruppeSpec {
    /// Alias (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The målgruppe's official term (a leaf).
    pub maalgruppe: String,
    /// The primary målgruppe (rank 1); at most one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary: bool,
}

/// An indsatsmål of a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalSpec {
    /// Alias (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Måltype term.
    pub maaltype: String,
    /// Expected funktionsevnescore 0-4.
    pub expected_score: u8,
    /// Aliases of the A&D themes it addresses; the first is the primary.
    pub themes: Vec<String>,
}

/// `grant`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Citizen alias.
    pub citizen: String,
    /// Alias of the care plan.
    pub plan: String,
    /// Tilbud term.
    pub tilbud: String,
    /// Granted from (default: the step's date).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub start: Option<Date>,
    /// Ydelser.
    pub ydelser: Vec<YdelseSpec>,
    /// Målgrupper.
    pub maalgrupper: Vec<MaalgruppeSpec>,
    /// Indsatsmål.
    #[serde(default)]
    pub goals: Vec<GoalSpec>,
    /// Støttebehov term.
    pub stoettebehov: String,
    /// Follow-up date (opfølgningsdato).
    #[serde(with = "date_serde")]
    pub follow_up: Date,
}

/// `follow-up`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Alias of the care plan.
    pub plan: String,
    /// Alias of the follow-up (optional; to withdraw it later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Result term (status på indsats).
    pub result: String,
    /// Støttebehov term, assessed again (also when unchanged).
    pub stoettebehov: String,
    /// Next follow-up date (required when the plan continues).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub next_follow_up: Option<Date>,
}

/// `reassess`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reassess {
    /// Alias of the theme.
    pub theme: String,
    /// New funktionsevnescore 0-4 (A&D themes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
}

/// `change-grant`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeGrant {
    /// Alias of the care plan that ends.
    pub plan: String,
    /// Alias of the new care plan.
    pub new_plan: String,
    /// Alias of the new information gathering.
    pub gathering: String,
    /// New tilbud term (default: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tilbud: Option<String>,
    /// The ydelser of the new plan (new aliases).
    pub ydelser: Vec<YdelseSpec>,
    /// New målgrupper (default: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maalgrupper: Option<Vec<MaalgruppeSpec>>,
    /// New indsatsmål (default: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<GoalSpec>>,
    /// New støttebehov term (default: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stoettebehov: Option<String>,
    /// Follow-up date of the new plan.
    #[serde(with = "date_serde")]
    pub follow_up: Date,
}

/// `end-ydelse`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndYdelse {
    /// Alias of the ydelse.
    pub ydelse: String,
    /// End date (default: the step's date).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub end: Option<Date>,
}

/// `end-plan`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndPlan {
    /// Alias of the care plan.
    pub plan: String,
    /// End date (default: the step's date).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub end: Option<Date>,
}

/// `withdraw`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdraw {
    /// Alias of a theme, ydelse, care plan or follow-up.
    pub target: String,
}

/// `grant-non-ffb`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantNonFfb {
    /// Citizen alias.
    pub citizen: String,
    /// Alias (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The legal basis, e.g. `§ 83`.
    pub paragraph: String,
    /// Danish description of the ydelse.
    pub description: String,
}

/// What the vendor must report for a step's delivery (`VUM-<journey>-<step>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expect {
    /// Exact number of delivery reports of this delivery (0: a quiet day; after a gap,
    /// one per missed day with changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<usize>,
    /// The requirement id a wrong report count stands for: too few reports point to it
    /// (default `PROTO-DAILY`), too many only when it is given (after a gap:
    /// `PROTO-ONE-DAY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports_rule: Option<ffbkit_sdk::rules::AnyRuleId>,
    /// Resources that must be in the delivery's reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contains: Vec<Match>,
    /// Resources that must not be in them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Match>,
}

impl Expect {
    /// True when nothing is expected.
    pub fn is_empty(&self) -> bool {
        self.reports.is_none() && self.reports_rule.is_none() && self.contains.is_empty() && self.absent.is_empty()
    }
}

/// A resource described by content. Every given field must hold; terms are resolved with
/// the catalog. See `fixtures/journeys/README.md` for what each field reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// Profile name (`Condition`, `CarePlan`, `Intervention`, `CareEvaluation`, ...).
    pub profile: String,
    /// Only in the reports of this citizen (alias).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen: Option<String>,
    /// Theme term (Condition; InterventionGoal: its primary theme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Funktionsevnescore 0-4 (Condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    /// Målgruppe term (TargetGroup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maalgruppe: Option<String>,
    /// Ydelse term (Intervention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ydelse: Option<String>,
    /// Tilbud term (ServicePerformer; CarePlan and Intervention through their references).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tilbud: Option<String>,
    /// Måltype term (InterventionGoal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maaltype: Option<String>,
    /// Expected funktionsevnescore 0-4 (InterventionGoal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_score: Option<u8>,
    /// Støttebehov term (CareEvaluation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stoettebehov: Option<String>,
    /// Result term (FollowUp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The resource's `status` code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Withdrawn (entered-in-error) or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<bool>,
    /// The day of `recordedDate` / `effectiveDateTime`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub date: Option<Date>,
    /// `period.start`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub start: Option<Date>,
    /// `period.end`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub end: Option<Date>,
    /// `true`: no `period.end`; `false`: has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// The follow-up date of a CarePlan (its FollowUpEncounter's start).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub follow_up: Option<Date>,
    /// The last-asserted date of a Condition.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub last_asserted: Option<Date>,
    /// The case number (ServiceRequest, CarePlan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// The day of the report that holds it (after a gap).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_serde::option")]
    pub report_date: Option<Date>,
    /// Same resource id as the resource matching the same description in that earlier
    /// step's delivery (PROTO-ID-STABLE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_id_as_step: Option<String>,
    /// `true`: an id never reported before in the journey (PROTO-NEW-GATHERING).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_id: Option<bool>,
    /// The requirement id (REQUIREMENTS.md) this expectation stands for, named in the
    /// step check's `failed_rules` when it fails (e.g. `DST-SCOPE` for an absent § 83 ydelse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}
