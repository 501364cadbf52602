//! Domain state -> delivery report: ids, fullUrls, references, `meta.profile` and
//! `meta.lastUpdated` exactly as the IG wants. Everything a chosen resource references is
//! included with it (PROTO-SNAPSHOT), the citizen always.
//!
//! The report is made of the wire types generated from `schemas/fhir`
//! ([`crate::generated::model`]): [`ReportBuilder::build`] gives the typed
//! [`DeliveryReport`], whose codes are the typed codes of `catalog::codes`;
//! [`ReportBuilder::build_value`] and [`ReportBuilder::build_bytes`] serialise it once.
//!
//! ```
//! use ffbkit_sdk::builder::ReportBuilder;
//! use ffbkit_sdk::catalog::codes::*;
//! use ffbkit_sdk::domain::*;
//! let day = Date::parse("2025-03-03")?;
//! let citizen = Citizen::new(Cpr::parse("0101504321")?, "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40")?;
//! let mut case = Case::new(citizen);
//! let request = ServiceRequest::new("SAG-1");
//! let spise = ThemeAssessment::new(Theme::ad(AdTema::Spise, Funktionsevneniveau::ModeratNedsatFunktionsevne)?, day);
//! case.gatherings.push(InformationGathering { id: Id::random(), service_request: request.id.clone(), at: day.at(10, 0), completed: true, themes: vec![spise.id.clone()], evaluation: None });
//! case.service_requests.push(request);
//! case.themes.push(spise);
//! let builder = ReportBuilder::new(&case, day.at(16, 0)).all();
//! let report = builder.build(); // the generated `DeliveryReport`
//! assert_eq!(report.entry.len(), 4); // citizen, request, gathering, theme
//! let outcome = ffbkit_sdk::validate::Validator::default_validator().validate_value(&builder.build_value());
//! assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
//! # Ok::<(), ffbkit_sdk::domain::DomainError>(())
//! ```
//!
//! The typed report is read and changed like any Rust value; its codes are typed:
//!
//! ```
//! use ffbkit_sdk::builder::ReportBuilder;
//! use ffbkit_sdk::catalog::codes::Ydelse;
//! use ffbkit_sdk::generated::model::DeliveryReportEntryResource as Resource;
//! let case = ffbkit_sdk::planner::example_case();
//! let day = ffbkit_sdk::domain::Date::parse("2025-03-03")?;
//! let report = ReportBuilder::new(&case, day.at(16, 0)).all().build();
//! for entry in &report.entry {
//!     if let Resource::Intervention(i) = &entry.resource {
//!         let ydelse: Ydelse = i.activity[0].detail.code.coding[0].code;
//!         assert_eq!(ydelse, Ydelse::StoetteTilDagligeOpgaverIHjemmet);
//!     }
//! }
//! let body: Vec<u8> = serde_json::to_vec(&report)?; // serialised once, for the gateway
//! # assert!(ffbkit_sdk::validate::Validator::default_validator().validate_bytes(&body).is_valid());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A code of the wrong kind does not compile (a tilbud where the IG binds a ydelse):
//!
//! ```compile_fail
//! use ffbkit_sdk::catalog::codes::Tilbud;
//! use ffbkit_sdk::generated::model::InterventionActivityDetailCodeCodingItem;
//! let coding = InterventionActivityDetailCodeCodingItem { system: Default::default(), version: None, code: Tilbud::MobiltTilbud, display: None };
//! ```

use crate::catalog::codes::{MaalgruppeEllerTema, Tema};
use crate::catalog::KL_CARE_SOCIAL_SYSTEM;
use crate::domain::{CarePlan, Case, DateTime, Id, PlanStatus, Registration, Theme};
use crate::generated::model::{self as m, DeliveryReport};
use crate::profile::{fixed, Profile, DELIVERY_REPORT_URL};
use serde_json::Value;
use std::collections::BTreeSet;
use std::num::NonZeroU64;

/// Builds one delivery report from a case.
pub struct ReportBuilder<'c> {
    case: &'c Case,
    timestamp: DateTime,
    chosen: BTreeSet<Id>,
}

fn reference(rt: &str, id: &Id) -> m::Reference {
    m::Reference { reference: m::String(format!("{rt}/{id}")), type_: None, display: None }
}

/// The ConditionRank extension: 1 for the primary, 2 for a secondary condition.
fn rank(primary: bool) -> m::ConditionRank {
    let n = if primary { NonZeroU64::MIN } else { NonZeroU64::MIN.saturating_add(1) };
    m::ConditionRank { url: Default::default(), value_positive_int: n }
}

fn date_time(s: impl ToString) -> m::DateTime {
    m::DateTime(s.to_string())
}

fn tema(theme: Theme) -> Tema {
    match theme {
        Theme::FunktionerOgForhold(t) => t.into(),
        Theme::AktivitetOgDeltagelse(t, _) => t.into(),
        Theme::Omgivelser(t) => t.into(),
    }
}

fn case_number(n: &str) -> m::MunicipalityCaseNumber {
    let specific = m::CaseNumberMunicipalitySpecific {
        url: Default::default(),
        value_identifier: m::CaseNumberIdentifier {
            use_: Some(m::CaseNumberIdentifierUse::Usual),
            system: None,
            value: m::String(n.to_string()),
            period: None,
        },
    };
    m::MunicipalityCaseNumber {
        url: Default::default(),
        extension: vec![m::MunicipalityCaseNumberExtensionItem::MunicipalitySpecific(specific)],
    }
}

fn care_plan_status(s: PlanStatus) -> m::CarePlanStatus {
    match s {
        PlanStatus::Active => m::CarePlanStatus::Active,
        PlanStatus::Completed => m::CarePlanStatus::Completed,
        PlanStatus::EnteredInError => m::CarePlanStatus::EnteredInError,
    }
}

fn intervention_status(s: PlanStatus) -> m::InterventionStatus {
    match s {
        PlanStatus::Active => m::InterventionStatus::Active,
        PlanStatus::Completed => m::InterventionStatus::Completed,
        PlanStatus::EnteredInError => m::InterventionStatus::EnteredInError,
    }
}

/// The report's entries as they are added: each with its fullUrl `Type/id`.
struct Entries(Vec<m::DeliveryReportEntry>);

impl Entries {
    fn push(&mut self, resource_type: &str, id: &Id, resource: impl Into<m::DeliveryReportEntryResource>) {
        self.0.push(m::DeliveryReportEntry {
            link: Vec::new(),
            full_url: Some(m::Uri(format!("{resource_type}/{id}"))),
            resource: resource.into(),
        });
    }
}

impl<'c> ReportBuilder<'c> {
    /// A report of `case` stamped `timestamp` (also each resource's `meta.lastUpdated`).
    pub fn new(case: &'c Case, timestamp: DateTime) -> Self {
        ReportBuilder { case, timestamp, chosen: BTreeSet::new() }
    }

    /// Include a resource (by id) and, when the report is built, all it references.
    pub fn include(mut self, id: &Id) -> Self {
        self.chosen.insert(id.clone());
        self
    }

    /// Include every resource of the case.
    pub fn all(mut self) -> Self {
        let c = self.case;
        let ids = c
            .service_requests
            .iter()
            .map(|x| &x.id)
            .chain(c.gatherings.iter().map(|x| &x.id))
            .chain(c.themes.iter().map(|x| &x.id))
            .chain(c.target_groups.iter().map(|x| &x.id))
            .chain(c.goals.iter().map(|x| &x.id))
            .chain(c.evaluations.iter().map(|x| &x.id))
            .chain(c.care_plans.iter().map(|x| &x.id))
            .chain(c.interventions.iter().map(|x| &x.id))
            .chain(c.follow_ups.iter().map(|x| &x.id));
        self.chosen.extend(ids.cloned());
        self
    }

    /// The chosen resources and everything they reference.
    fn closure(&self) -> BTreeSet<Id> {
        let c = self.case;
        let mut set = self.chosen.clone();
        loop {
            let mut add: Vec<Id> = Vec::new();
            for g in c.gatherings.iter().filter(|g| set.contains(&g.id)) {
                add.push(g.service_request.clone());
                add.extend(g.themes.iter().cloned());
                add.extend(g.evaluation.iter().cloned());
            }
            for p in c.care_plans.iter().filter(|p| set.contains(&p.id)) {
                add.extend(p.primary_target_group.iter().cloned());
                add.extend(p.secondary_target_groups.iter().cloned());
                add.extend(p.goals.iter().cloned());
                add.extend(p.evaluation.iter().cloned());
            }
            for g in c.goals.iter().filter(|g| set.contains(&g.id)) {
                add.push(g.primary.clone());
                add.extend(g.secondary.iter().cloned());
            }
            for i in c.interventions.iter().filter(|i| set.contains(&i.id)) {
                add.push(i.care_plan.clone());
            }
            for f in c.follow_ups.iter().filter(|f| set.contains(&f.id)) {
                add.push(f.care_plan.clone());
            }
            let before = set.len();
            set.extend(add);
            if set.len() == before {
                return set;
            }
        }
    }

    fn meta(&self, p: Profile) -> Option<m::Meta> {
        Some(m::Meta {
            version_id: None,
            profile: vec![m::Canonical(p.url())],
            last_updated: Some(m::Instant(self.timestamp.as_str().to_string())),
            source: None,
        })
    }

    /// The report as the generated wire types (the typed [`DeliveryReport`]).
    pub fn build(&self) -> DeliveryReport {
        let c = self.case;
        let set = self.closure();
        let pid = &c.citizen.id;
        let subject = reference("Patient", pid);
        let mut out = Entries(Vec::new());
        out.push(
            "Patient",
            pid,
            m::Citizen {
                resource_type: Default::default(),
                id: Some(m::Id(pid.as_str().to_string())),
                meta: self.meta(Profile::Citizen),
                identifier: [m::CprIdentifier {
                    use_: Some(m::CprIdentifierUse::Official),
                    system: Default::default(),
                    value: c.citizen.cpr.digits().to_string(),
                }],
                managing_organization: m::ManagingMunicipality {
                    identifier: m::KombitStsOrgIdentifier {
                        use_: Some(m::KombitStsOrgIdentifierUse::Official),
                        system: Default::default(),
                        value: m::String(c.citizen.municipality.clone()),
                    },
                },
            },
        );
        for r in c.service_requests.iter().filter(|x| set.contains(&x.id)) {
            out.push(
                "ServiceRequest",
                &r.id,
                m::ServiceRequest {
                    resource_type: Default::default(),
                    id: Some(m::Id(r.id.as_str().to_string())),
                    meta: self.meta(Profile::ServiceRequest),
                    extension: vec![case_number(&r.case_number)],
                    status: m::ServiceRequestStatus::Active,
                    intent: Default::default(),
                    subject: subject.clone(),
                },
            );
        }
        for t in c.themes.iter().filter(|x| set.contains(&x.id)) {
            let withdrawn = t.registration == Registration::EnteredInError;
            // The profile requires clinicalStatus; a withdrawn theme keeps it (inactive) and
            // says entered-in-error in verificationStatus (see docs/fidelity.md: con-5 and PROTO-ERROR).
            let clinical = if withdrawn {
                m::ConditionClinicalStatusCodingItemCode::Inactive
            } else {
                m::ConditionClinicalStatusCodingItemCode::Active
            };
            let verification = if withdrawn {
                m::ConditionVerificationStatusCodingItemCode::EnteredInError
            } else {
                m::ConditionVerificationStatusCodingItemCode::Confirmed
            };
            out.push(
                "Condition",
                &t.id,
                m::Condition {
                    resource_type: Default::default(),
                    id: Some(m::Id(t.id.as_str().to_string())),
                    meta: self.meta(Profile::Condition),
                    extension: t
                        .last_asserted
                        .iter()
                        .map(|d| m::ConditionLastAssertedDate { url: Default::default(), value_date_time: date_time(d) })
                        .collect(),
                    clinical_status: m::ConditionClinicalStatus {
                        coding: vec![m::ConditionClinicalStatusCodingItem { system: Default::default(), code: clinical, display: None }],
                    },
                    verification_status: Some(m::ConditionVerificationStatus {
                        coding: vec![m::ConditionVerificationStatusCodingItem {
                            system: Default::default(),
                            code: verification,
                            display: None,
                        }],
                    }),
                    severity: t.theme.level().map(|level| m::ConditionSeverity {
                        coding: vec![m::ConditionSeverityCodingItem {
                            system: Default::default(),
                            version: None,
                            code: level,
                            display: None,
                        }],
                    }),
                    code: m::ConditionCode {
                        coding: vec![m::ConditionCodeCodingItem {
                            system: Default::default(),
                            version: None,
                            code: tema(t.theme),
                            display: None,
                        }],
                    },
                    subject: subject.clone(),
                    recorded_date: date_time(t.recorded),
                },
            );
        }
        for e in c.evaluations.iter().filter(|x| set.contains(&x.id)) {
            out.push(
                "Observation",
                &e.id,
                m::CareEvaluation {
                    resource_type: Default::default(),
                    id: Some(m::Id(e.id.as_str().to_string())),
                    meta: self.meta(Profile::CareEvaluation),
                    status: if e.registration == Registration::EnteredInError {
                        m::CareEvaluationStatus::EnteredInError
                    } else {
                        m::CareEvaluationStatus::Final
                    },
                    code: m::CareEvaluationCode {
                        coding: [m::CareEvaluationCodeCodingItem { system: Default::default(), code: Default::default(), display: None }],
                    },
                    subject: subject.clone(),
                    effective_date_time: date_time(e.at.as_str()),
                    value_codeable_concept: m::CareEvaluationValueCodeableConcept {
                        coding: vec![m::CareEvaluationValueCodeableConceptCodingItem {
                            system: Default::default(),
                            version: None,
                            code: e.level,
                            display: None,
                        }],
                    },
                },
            );
        }
        for g in c.gatherings.iter().filter(|x| set.contains(&x.id)) {
            let investigation = g.evaluation.iter().map(|e| m::InformationGatheringInvestigation {
                code: m::CodeableConcept {
                    coding: vec![m::Coding {
                        system: m::Uri(KL_CARE_SOCIAL_SYSTEM.to_string()),
                        version: None,
                        code: m::Code(fixed::CARE_EVALUATION_CODE.to_string()),
                        display: None,
                    }],
                },
                item: vec![reference("Observation", e)],
            });
            out.push(
                "ClinicalImpression",
                &g.id,
                m::InformationGathering {
                    resource_type: Default::default(),
                    id: Some(m::Id(g.id.as_str().to_string())),
                    meta: self.meta(Profile::InformationGathering),
                    extension: [m::BasedOnServiceRequest {
                        url: Default::default(),
                        value_reference: reference("ServiceRequest", &g.service_request),
                    }],
                    status: if g.completed { m::InformationGatheringStatus::Completed } else { m::InformationGatheringStatus::InProgress },
                    subject: subject.clone(),
                    effective_date_time: date_time(g.at.as_str()),
                    investigation: investigation.collect(),
                    finding: g
                        .themes
                        .iter()
                        .map(|t| m::InformationGatheringFinding { item_reference: reference("Condition", t) })
                        .collect(),
                    prognosis_codeable_concept: Vec::new(),
                    prognosis_reference: Vec::new(),
                    supporting_info: Vec::new(),
                },
            );
        }
        for g in c.goals.iter().filter(|x| set.contains(&x.id)) {
            let addressed = |id: &Id, primary: bool| m::GoalAddressedCondition {
                extension: vec![rank(primary)],
                reference: m::String(format!("Condition/{id}")),
                type_: None,
                display: None,
            };
            let mut addresses = vec![addressed(&g.primary, true)];
            addresses.extend(g.secondary.iter().map(|s| addressed(s, false)));
            let severity = m::GoalSeverityTarget {
                measure: m::GoalSeverityTargetMeasure {
                    coding: [m::GoalSeverityTargetMeasureCodingItem {
                        system: Default::default(),
                        code: Default::default(),
                        display: None,
                    }],
                },
                detail_codeable_concept: Some(m::GoalSeverityTargetDetailCodeableConcept {
                    coding: vec![m::GoalSeverityTargetDetailCodeableConceptCodingItem {
                        system: Default::default(),
                        version: None,
                        code: g.expected,
                        display: None,
                    }],
                }),
                due_date: None,
                due_duration: None,
            };
            let change = m::GoalChangeValueTarget {
                measure: m::GoalChangeValueTargetMeasure {
                    coding: [m::GoalChangeValueTargetMeasureCodingItem {
                        system: Default::default(),
                        code: Default::default(),
                        display: None,
                    }],
                },
                detail_codeable_concept: Some(m::GoalChangeValueTargetDetailCodeableConcept {
                    coding: vec![m::GoalChangeValueTargetDetailCodeableConceptCodingItem {
                        system: Default::default(),
                        version: None,
                        code: g.maaltype,
                        display: None,
                    }],
                }),
                due_date: None,
                due_duration: None,
            };
            out.push(
                "Goal",
                &g.id,
                m::InterventionGoal {
                    resource_type: Default::default(),
                    id: Some(m::Id(g.id.as_str().to_string())),
                    meta: self.meta(Profile::InterventionGoal),
                    lifecycle_status: m::InterventionGoalLifecycleStatus::Active,
                    category: [m::InterventionGoalCategoryItem {
                        coding: [m::InterventionGoalCategoryItemCodingItem {
                            system: Default::default(),
                            code: Default::default(),
                            display: None,
                        }],
                    }],
                    description: m::InterventionGoalDescription {
                        coding: [m::InterventionGoalDescriptionCodingItem {
                            system: Default::default(),
                            code: Default::default(),
                            display: None,
                        }],
                    },
                    subject: subject.clone(),
                    target: [
                        m::InterventionGoalTargetItem::SeverityTarget(severity),
                        m::InterventionGoalTargetItem::ChangeValueTarget(change),
                    ],
                    addresses,
                },
            );
        }
        for t in c.target_groups.iter().filter(|x| set.contains(&x.id)) {
            out.push(
                "Condition",
                &t.id,
                m::TargetGroup {
                    resource_type: Default::default(),
                    id: Some(m::Id(t.id.as_str().to_string())),
                    meta: self.meta(Profile::TargetGroup),
                    clinical_status: Some(m::ConditionClinicalStatus {
                        coding: vec![m::ConditionClinicalStatusCodingItem {
                            system: Default::default(),
                            code: m::ConditionClinicalStatusCodingItemCode::Active,
                            display: None,
                        }],
                    }),
                    verification_status: None,
                    code: m::TargetGroupCode {
                        coding: vec![m::TargetGroupCodeCodingItem {
                            system: Default::default(),
                            version: None,
                            code: MaalgruppeEllerTema::from(t.maalgruppe),
                            display: None,
                        }],
                    },
                    subject: subject.clone(),
                    recorded_date: date_time(t.recorded),
                },
            );
        }
        let plans: Vec<&CarePlan> = c.care_plans.iter().filter(|x| set.contains(&x.id)).collect();
        for p in &plans {
            let team = Id::derived(&[p.id.as_str(), "tilbud", p.tilbud.code()]);
            out.push(
                "CareTeam",
                &team,
                m::ServicePerformer {
                    resource_type: Default::default(),
                    id: Some(m::Id(team.as_str().to_string())),
                    meta: self.meta(Profile::ServicePerformer),
                    category: [m::ServicePerformerCategoryItem {
                        coding: vec![m::ServicePerformerCategoryItemCodingItem {
                            system: Default::default(),
                            version: None,
                            code: p.tilbud,
                            display: None,
                        }],
                    }],
                    subject: subject.clone(),
                },
            );
            if let Some(day) = p.follow_up {
                let enc = Id::derived(&[p.id.as_str(), "follow-up", &day.to_string()]);
                out.push(
                    "Encounter",
                    &enc,
                    m::FollowUpEncounter {
                        resource_type: Default::default(),
                        id: Some(m::Id(enc.as_str().to_string())),
                        meta: self.meta(Profile::FollowUpEncounter),
                        status: Default::default(),
                        class: m::FollowUpEncounterClass { system: Default::default(), code: Default::default() },
                        type_: [m::FollowUpEncounterType {
                            coding: [m::FollowUpEncounterTypeCodingItem { system: Default::default(), code: Default::default() }],
                        }],
                        subject: subject.clone(),
                        period: m::FollowUpEncounterPeriod { start: date_time(day) },
                    },
                );
            }
        }
        for p in &plans {
            out.push("CarePlan", &p.id, self.care_plan(p, &subject));
        }
        for i in c.interventions.iter().filter(|x| set.contains(&x.id)) {
            let activity = match i.status {
                PlanStatus::Active => m::InterventionActivityDetailStatus::InProgress,
                PlanStatus::Completed => m::InterventionActivityDetailStatus::Completed,
                PlanStatus::EnteredInError => m::InterventionActivityDetailStatus::EnteredInError,
            };
            out.push(
                "CarePlan",
                &i.id,
                m::Intervention {
                    resource_type: Default::default(),
                    id: Some(m::Id(i.id.as_str().to_string())),
                    meta: self.meta(Profile::Intervention),
                    based_on: vec![reference("CarePlan", &i.care_plan)],
                    status: intervention_status(i.status),
                    intent: m::InterventionIntent::Order,
                    subject: subject.clone(),
                    period: Some(m::InterventionPeriod { start: date_time(i.start), end: i.end.map(date_time) }),
                    created: date_time(i.created.as_str()),
                    activity: vec![m::InterventionActivity {
                        detail: m::InterventionActivityDetail {
                            code: m::InterventionActivityDetailCode {
                                coding: [m::InterventionActivityDetailCodeCodingItem {
                                    system: Default::default(),
                                    version: None,
                                    code: i.ydelse,
                                    display: None,
                                }],
                            },
                            status: activity,
                        },
                    }],
                },
            );
        }
        for f in c.follow_ups.iter().filter(|x| set.contains(&x.id)) {
            out.push(
                "Observation",
                &f.id,
                m::FollowUp {
                    resource_type: Default::default(),
                    id: Some(m::Id(f.id.as_str().to_string())),
                    meta: self.meta(Profile::FollowUp),
                    status: if f.registration == Registration::EnteredInError {
                        m::FollowUpStatus::EnteredInError
                    } else {
                        m::FollowUpStatus::Final
                    },
                    code: m::FollowUpCode {
                        coding: [m::FollowUpCodeCodingItem { system: Default::default(), code: Default::default(), display: None }],
                    },
                    subject: subject.clone(),
                    focus: vec![reference("CarePlan", &f.care_plan)],
                    effective_date_time: date_time(f.day),
                    value_codeable_concept: m::FollowUpValueCodeableConcept {
                        coding: vec![m::FollowUpValueCodeableConceptCodingItem {
                            system: Default::default(),
                            version: None,
                            code: f.result,
                            display: None,
                        }],
                    },
                },
            );
        }
        // The same citizen and timestamp give the same Bundle id: a report made again is
        // recognisably the same report (the outbox's idempotency key).
        let bundle_id = Id::derived(&[pid.as_str(), "report", self.timestamp.as_str()]);
        DeliveryReport {
            resource_type: Default::default(),
            id: Some(m::Id(bundle_id.as_str().to_string())),
            meta: Some(m::Meta {
                version_id: None,
                profile: vec![m::Canonical(DELIVERY_REPORT_URL.to_string())],
                last_updated: Some(m::Instant(self.timestamp.as_str().to_string())),
                source: None,
            }),
            type_: Default::default(),
            timestamp: m::Instant(self.timestamp.as_str().to_string()),
            entry: out.0,
        }
    }

    /// The report as FHIR JSON: [`ReportBuilder::build`] serialised once.
    pub fn build_value(&self) -> Value {
        to_value(&self.build())
    }

    /// The report as FHIR JSON text (UTF-8, compact): [`ReportBuilder::build`] serialised once.
    pub fn build_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.build()).expect("the generated types always serialise")
    }

    fn care_plan(&self, p: &CarePlan, subject: &m::Reference) -> m::CarePlan {
        let mut extension = vec![m::CarePlanExtensionItem::MunicipalityCaseNumber(case_number(&p.case_number))];
        if let Some(day) = p.follow_up {
            let enc = Id::derived(&[p.id.as_str(), "follow-up", &day.to_string()]);
            extension.push(m::CarePlanExtensionItem::FollowUpDate(m::FollowUpDate {
                url: Default::default(),
                value_reference: reference("Encounter", &enc),
            }));
        }
        let team = Id::derived(&[p.id.as_str(), "tilbud", p.tilbud.code()]);
        let addressed = |id: &Id, primary: bool| m::CarePlanAddressedTargetGroup {
            extension: [rank(primary)],
            reference: m::String(format!("Condition/{id}")),
        };
        let mut addresses: Vec<m::CarePlanAddressedTargetGroup> = p.primary_target_group.iter().map(|t| addressed(t, true)).collect();
        addresses.extend(p.secondary_target_groups.iter().map(|t| addressed(t, false)));
        m::CarePlan {
            resource_type: Default::default(),
            id: Some(m::Id(p.id.as_str().to_string())),
            meta: self.meta(Profile::CarePlan),
            extension,
            status: care_plan_status(p.status),
            intent: m::CarePlanIntent::Order,
            subject: subject.clone(),
            period: m::CarePlanPeriod { start: date_time(p.start), end: p.end.map(date_time) },
            care_team: vec![reference("CareTeam", &team)],
            addresses,
            goal: p.goals.iter().map(|g| reference("Goal", g)).collect(),
            activity: p.evaluation.iter().map(|e| m::CarePlanActivity { outcome_reference: [reference("Observation", e)] }).collect(),
        }
    }
}

/// Applies `$f` to the resource of whichever profile `$r` holds (every generated resource
/// type has `id` and `meta`).
macro_rules! each_profile {
    ($r:expr, $x:ident => $e:expr) => {
        match $r {
            m::DeliveryReportEntryResource::Citizen($x) => $e,
            m::DeliveryReportEntryResource::ServiceRequest($x) => $e,
            m::DeliveryReportEntryResource::InformationGathering($x) => $e,
            m::DeliveryReportEntryResource::Condition($x) => $e,
            m::DeliveryReportEntryResource::TargetGroup($x) => $e,
            m::DeliveryReportEntryResource::InterventionGoal($x) => $e,
            m::DeliveryReportEntryResource::CarePlan($x) => $e,
            m::DeliveryReportEntryResource::Intervention($x) => $e,
            m::DeliveryReportEntryResource::ServicePerformer($x) => $e,
            m::DeliveryReportEntryResource::FollowUpEncounter($x) => $e,
            m::DeliveryReportEntryResource::CareEvaluation($x) => $e,
            m::DeliveryReportEntryResource::FollowUp($x) => $e,
        }
    };
}

/// What every resource of a typed report has, whatever its profile.
impl m::DeliveryReportEntryResource {
    /// The resource's id.
    pub fn id(&self) -> Option<&str> {
        each_profile!(self, r => r.id.as_ref().map(|i| i.0.as_str()))
    }

    /// The resource's `meta` (profile claim, `lastUpdated`).
    pub fn meta(&self) -> Option<&m::Meta> {
        each_profile!(self, r => r.meta.as_ref())
    }

    /// The resource's `meta`, to change it.
    pub fn meta_mut(&mut self) -> &mut Option<m::Meta> {
        each_profile!(self, r => &mut r.meta)
    }
}

/// A typed report as FHIR JSON (the generated types always serialise: string keys only).
pub fn to_value(report: &DeliveryReport) -> Value {
    serde_json::to_value(report).expect("the generated types always serialise")
}
