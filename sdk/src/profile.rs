//! The 12 profiles of the FFB reporting IG and the delivery report: canonical URLs,
//! resource types and schema files.

/// Canonical base of the IG's StructureDefinitions.
pub const IG_BASE: &str = "http://fhir.kl.dk/ffbreporting/StructureDefinition/";
/// Canonical URL of the delivery report (Bundle) profile.
pub const DELIVERY_REPORT_URL: &str = "http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-deliveryReport";
/// IG package and version this project implements.
pub const IG_PACKAGE: &str = "kl.dk.fhir.ffbreporting#1.0.0";

/// Extension URLs used by the profiles.
pub mod ext {
    /// Municipality case number (CarePlan 1..1, ServiceRequest 0..1).
    pub const MUNICIPALITY_CASE_NUMBER: &str = "http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-municipalityCaseNumber";
    /// Follow-up date: a reference to a FollowUpEncounter (CarePlan).
    pub const FOLLOW_UP_DATE: &str = "http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-follow-up-date-extension";
    /// Rank of an addressed condition: 1 primary, 2 secondary.
    pub const CONDITION_RANK: &str = "http://fhir.kl.dk/core/StructureDefinition/ConditionRank";
    /// The day a condition was last asserted (re-assessed). KL core 1.2.0, as the published
    /// IG 1.0.0 Condition profile page names it (not DK core's extension of the same name).
    pub const CONDITION_LAST_ASSERTED_DATE: &str = "http://fhir.kl.dk/core/StructureDefinition/ConditionLastAssertedDate";
    /// The service request an information gathering is based on.
    pub const BASED_ON_SERVICE_REQUEST: &str = "http://fhir.kl.dk/core/StructureDefinition/BasedOnServiceRequest";
}

/// Other fixed systems and codes of the profiles.
pub mod fixed {
    /// CPR identifier system.
    pub const CPR_SYSTEM: &str = "urn:oid:1.2.208.176.1.2";
    /// KOMBIT STS organisation identifier system.
    pub const STS_ORG_SYSTEM: &str = "https://www.kombit.dk/organisation";
    /// SNOMED CT.
    pub const SNOMED: &str = "http://snomed.info/sct";
    /// FollowUp observation code (SNOMED CT).
    pub const FOLLOW_UP_CODE: &str = "712744002";
    /// Goal description code (SNOMED CT).
    pub const GOAL_DESCRIPTION_CODE: &str = "410518001";
    /// CareEvaluation code, "FFB støttebehovsvurdering" (KL).
    pub const CARE_EVALUATION_CODE: &str = "effe55c7-572c-4a99-8fb4-2a9dda2f6572";
    /// Goal category "FFB indsatsmål" (KL).
    pub const GOAL_CATEGORY_CODE: &str = "0bb3daef-538d-45dc-b444-abdbcb63f6bc";
    /// Goal target measure "funktionsevneniveau" (KL).
    pub const MEASURE_SEVERITY: &str = "66959f77-6e2a-4574-8423-3ff097f8b9fa";
    /// Goal target measure "måltype" (KL).
    pub const MEASURE_CHANGE_VALUE: &str = "90c48f03-f194-4b2f-ad7d-6cba1069ae48";
    /// Encounter type "opfølgning" (KL).
    pub const FOLLOW_UP_ENCOUNTER_TYPE: &str = "9f03dfbb-7a97-45a5-94db-d4c3501714a9";
    /// HL7 v3 ActCode system (Encounter.class).
    pub const V3_ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    /// Condition clinical status system.
    pub const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    /// Condition verification status system.
    pub const CONDITION_VER_STATUS: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
}

/// One profile of the IG.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Profile {
    /// The citizen (Patient).
    Citizen,
    /// The request that started an information gathering (ServiceRequest).
    ServiceRequest,
    /// An information gathering, *udredning* (ClinicalImpression).
    InformationGathering,
    /// An FFB theme with its assessment (Condition).
    Condition,
    /// A target group, *målgruppe* (Condition).
    TargetGroup,
    /// An intervention goal, *indsatsmål* (Goal).
    InterventionGoal,
    /// A care plan, *indsats* (CarePlan).
    CarePlan,
    /// An intervention, *ydelse* (CarePlan).
    Intervention,
    /// The type of service performer, *tilbud* (CareTeam).
    ServicePerformer,
    /// The planned follow-up date (Encounter).
    FollowUpEncounter,
    /// A support-need evaluation, *støttebehov* (Observation).
    CareEvaluation,
    /// A follow-up result (Observation).
    FollowUp,
}

impl Profile {
    /// All profiles.
    pub const ALL: [Profile; 12] = [
        Profile::Citizen,
        Profile::ServiceRequest,
        Profile::InformationGathering,
        Profile::Condition,
        Profile::TargetGroup,
        Profile::InterventionGoal,
        Profile::CarePlan,
        Profile::Intervention,
        Profile::ServicePerformer,
        Profile::FollowUpEncounter,
        Profile::CareEvaluation,
        Profile::FollowUp,
    ];

    /// The FHIR resource type.
    pub const fn resource_type(self) -> &'static str {
        match self {
            Profile::Citizen => "Patient",
            Profile::ServiceRequest => "ServiceRequest",
            Profile::InformationGathering => "ClinicalImpression",
            Profile::Condition | Profile::TargetGroup => "Condition",
            Profile::InterventionGoal => "Goal",
            Profile::CarePlan | Profile::Intervention => "CarePlan",
            Profile::ServicePerformer => "CareTeam",
            Profile::FollowUpEncounter => "Encounter",
            Profile::CareEvaluation | Profile::FollowUp => "Observation",
        }
    }

    /// The StructureDefinition id, e.g. `kl-reporting-ffb-condition`.
    pub const fn id(self) -> &'static str {
        match self {
            Profile::Citizen => "kl-reporting-ffb-citizen",
            Profile::ServiceRequest => "kl-reporting-ffb-serviceRequest",
            Profile::InformationGathering => "kl-reporting-ffb-informationGathering",
            Profile::Condition => "kl-reporting-ffb-condition",
            Profile::TargetGroup => "kl-reporting-ffb-targetGroup",
            Profile::InterventionGoal => "kl-reporting-ffb-interventionGoal",
            Profile::CarePlan => "kl-reporting-ffb-carePlan",
            Profile::Intervention => "kl-reporting-ffb-intervention",
            Profile::ServicePerformer => "kl-reporting-ffb-servicePerformer",
            Profile::FollowUpEncounter => "kl-reporting-ffb-followUpEncounter",
            Profile::CareEvaluation => "kl-reporting-ffb-careEvaluation",
            Profile::FollowUp => "kl-reporting-ffb-followUp",
        }
    }

    /// The canonical URL, as claimed in `meta.profile`.
    pub fn url(self) -> String {
        format!("{IG_BASE}{}", self.id())
    }

    /// The profile with this canonical URL (a `|version` suffix is ignored).
    ///
    /// ```
    /// use ffbkit_sdk::profile::Profile;
    /// let url = Profile::Condition.url();
    /// assert_eq!(Profile::from_url(&url), Some(Profile::Condition));
    /// assert_eq!(Profile::from_url(&format!("{url}|1.0.0")), Some(Profile::Condition));
    /// assert_eq!(Profile::from_url(&format!("{url}x")), None);
    /// assert_eq!(Profile::from_url("http://example.org/Condition"), None);
    /// ```
    pub fn from_url(url: &str) -> Option<Profile> {
        let id = url.strip_prefix(IG_BASE)?;
        // A plain loop: `split` would call memchr for these short strings.
        let id = id.bytes().position(|b| b == b'|').map_or(id, |i| &id[..i]);
        Profile::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The schema file in `schemas/fhir`.
    pub const fn schema_file(self) -> &'static str {
        match self {
            Profile::Citizen => "citizen.schema.json",
            Profile::ServiceRequest => "service-request.schema.json",
            Profile::InformationGathering => "information-gathering.schema.json",
            Profile::Condition => "condition.schema.json",
            Profile::TargetGroup => "target-group.schema.json",
            Profile::InterventionGoal => "intervention-goal.schema.json",
            Profile::CarePlan => "care-plan.schema.json",
            Profile::Intervention => "intervention.schema.json",
            Profile::ServicePerformer => "service-performer.schema.json",
            Profile::FollowUpEncounter => "follow-up-encounter.schema.json",
            Profile::CareEvaluation => "care-evaluation.schema.json",
            Profile::FollowUp => "follow-up.schema.json",
        }
    }

    /// The profile's title, e.g. `TargetGroup`.
    pub fn title(self) -> &'static str {
        match self {
            Profile::Citizen => "Citizen",
            Profile::ServiceRequest => "ServiceRequest",
            Profile::InformationGathering => "InformationGathering",
            Profile::Condition => "Condition",
            Profile::TargetGroup => "TargetGroup",
            Profile::InterventionGoal => "InterventionGoal",
            Profile::CarePlan => "CarePlan",
            Profile::Intervention => "Intervention",
            Profile::ServicePerformer => "ServicePerformer",
            Profile::FollowUpEncounter => "FollowUpEncounter",
            Profile::CareEvaluation => "CareEvaluation",
            Profile::FollowUp => "FollowUp",
        }
    }

    /// The profiles a resource type can have (two for Condition, CarePlan, Observation).
    pub fn for_resource_type(rt: &str) -> &'static [Profile] {
        match rt {
            "Patient" => &[Profile::Citizen],
            "ServiceRequest" => &[Profile::ServiceRequest],
            "ClinicalImpression" => &[Profile::InformationGathering],
            "Condition" => &[Profile::Condition, Profile::TargetGroup],
            "Goal" => &[Profile::InterventionGoal],
            "CarePlan" => &[Profile::CarePlan, Profile::Intervention],
            "CareTeam" => &[Profile::ServicePerformer],
            "Encounter" => &[Profile::FollowUpEncounter],
            "Observation" => &[Profile::CareEvaluation, Profile::FollowUp],
            _ => &[],
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}
