//! The bottom of the rule registry: the single-report rules ([`RuleId`], [`REPORT_RULES`])
//! and the words every rule shares ([`Family`], [`RuleSource`], [`Severity`],
//! [`UnknownRule`]). It imports neither the validator nor the stream audit, so both can
//! name their rules through it; the combined view of all rules is [`super`].

/// How serious a finding is. The order is from least to most serious.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never makes a report invalid.
    Information,
    /// The gateway accepts it, but something is off (e.g. an IG text-only rule).
    Warning,
    /// The gateway rejects the report.
    Error,
}

impl Severity {
    /// `error`, `warning` or `information`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning` or `information` (also `info`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of rule: what it rests on and who checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// ffbkit's rules on the input itself (GW-JSON, GW-TYPE).
    Input,
    /// The gateway's checks of a report (GW-*).
    Gateway,
    /// An invariant of the IG's profiles (kl-reporting-ffb-*), under its id.
    IgInvariant,
    /// A FHIR R4 base invariant (per-1, ele-1, ...), under FHIR's id.
    FhirBase,
    /// The reporting protocol across reports (stream audit, PROTO-*).
    Proto,
    /// Danmarks Statistik's requirements per citizen (stream audit, DST-*).
    Dst,
}

impl Family {
    /// `input`, `gateway`, `ig-invariant`, `fhir-base`, `proto` or `dst`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Gateway => "gateway",
            Family::IgInvariant => "ig-invariant",
            Family::FhirBase => "fhir-base",
            Family::Proto => "proto",
            Family::Dst => "dst",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a single-report rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSource {
    /// A profile, extension or invariant of the IG (what the gateway enforces).
    IgProfile,
    /// A rule stated only in the IG's text; the profiles do not enforce it.
    IgText,
    /// A rule of ffbkit about the input itself (well-formed JSON, JSON types).
    Input,
    /// A rule of FHIR R4 itself (an invariant of a base resource or datatype, under FHIR's
    /// own id) that the gateway's HL7 validator applies to every report.
    FhirBase,
}

impl RuleSource {
    /// What the source is, in words (the document the rule rests on).
    pub fn describe(self) -> &'static str {
        match self {
            RuleSource::IgProfile => "the IG's profiles (kl.dk.fhir.ffbreporting 1.0.0, input/fsh)",
            RuleSource::IgText => "the IG's text only (kl.dk.fhir.ffbreporting 1.0.0, index.md); the profiles do not enforce it",
            RuleSource::Input => "ffbkit: FHIR R4's JSON representation of the input",
            RuleSource::FhirBase => "FHIR R4 base specification (an invariant under FHIR's own id)",
        }
    }
}

/// One single-report rule (checked by the validator): id, family, default severity, source
/// and what it requires in plain words.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Rule {
    /// The id, as in `REQUIREMENTS.md` (IG invariant ids verbatim).
    pub id: &'static str,
    /// The typed id.
    #[serde(skip)]
    pub rule: RuleId,
    /// Its family.
    pub family: Family,
    /// Default severity; text-only rules can be raised or lowered by the user.
    pub severity: Severity,
    /// Where it comes from.
    pub source: RuleSource,
    /// What it requires.
    pub summary: &'static str,
    /// Where exactly it comes from: the IG's FSH file and invariant or profile, the section
    /// of the IG's `index.md`, or FHIR R4's resource or datatype and invariant id.
    pub reference: &'static str,
}

/// An id that is not a rule's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule id {0:?}")]
pub struct UnknownRule(pub String);

macro_rules! report_rules {
    ($( $variant:ident => $id:literal, $family:ident, $severity:ident, $source:ident, $summary:literal, $reference:literal; )*) => {
        /// The id of a single-report rule (one variant per rule of the validator). Its
        /// string form ([`RuleId::as_str`], serde, `FromStr`) is the `REQUIREMENTS.md` id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $(
                #[doc = concat!("`", $id, "`: ", $summary)]
                $variant,
            )*
        }

        impl RuleId {
            /// Every single-report rule id, in the order of `REQUIREMENTS.md` section 1.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The id as in `REQUIREMENTS.md`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }

        impl std::str::FromStr for RuleId {
            type Err = UnknownRule;
            fn from_str(s: &str) -> Result<RuleId, UnknownRule> {
                match s {
                    $($id => Ok(RuleId::$variant),)*
                    _ => Err(UnknownRule(s.to_string())),
                }
            }
        }

        /// All single-report rules, in the order of `REQUIREMENTS.md` section 1 (indexed
        /// by [`RuleId`]).
        pub const REPORT_RULES: &[Rule] = &[
            $(Rule {
                id: $id,
                rule: RuleId::$variant,
                family: Family::$family,
                severity: Severity::$severity,
                source: RuleSource::$source,
                summary: $summary,
                reference: $reference,
            },)*
        ];
    };
}

report_rules! {
    GwJson => "GW-JSON", Input, Error, Input,
        "the report is one well-formed JSON object in UTF-8, without duplicate keys, within the size and nesting limits, in FHIR's JSON representation: no null, no empty array, no empty or white-space-only string, no string over 1024 * 1024 characters",
        "FHIR R4, JSON representation of resources (json.html) and the string datatype";
    Ele1 => "ele-1", FhirBase, Error, FhirBase,
        "every element has a value or children: no empty JSON object (FHIR R4 ele-1)",
        "FHIR R4, Element: invariant ele-1";
    GwType => "GW-TYPE", Input, Error, Input,
        "every element has the JSON type FHIR gives it (string, number, boolean, object or array)",
        "FHIR R4, JSON representation of resources: the JSON type of each datatype";
    GwBundle => "GW-BUNDLE", Gateway, Error, IgProfile,
        "the report is a Bundle of type collection with a timestamp; no identifier, total, link or signature; every entry has a resource and no search, request or response",
        "input/fsh/KLReportingFFBDeliveryReport.fsh: Profile KLReportingFFBDeliveryReport";
    GwProfile => "GW-PROFILE", Gateway, Error, IgProfile,
        "every resource is one of the 12 FFB reporting profiles, and a meta.profile it claims names the profile it conforms to",
        "input/fsh/KLReportingFFBDeliveryReport.fsh: entry.resource only the FFB profiles";
    GwProfileClaim => "GW-PROFILE-CLAIM", Gateway, Warning, IgText,
        "every resource claims its profile in meta.profile (IG text; the IG's own examples omit it)",
        "input/pagecontent/index.md, Reporting: every resource carries the metadata giving its profile";
    GwLastUpdated => "GW-LAST-UPDATED", Gateway, Warning, IgText,
        "every resource has meta.lastUpdated (IG text; the IG's own examples omit it)",
        "input/pagecontent/index.md, Reporting: every resource carries the metadata giving lastUpdated";
    KlDeliveryReport1 => "kl-reporting-ffb-delivery-report-1", IgInvariant, Error, IgProfile,
        "every Condition conforms to the Condition or the TargetGroup profile",
        "input/fsh/KLReportingFFBDeliveryReport.fsh: Invariant kl-reporting-ffb-delivery-report-1";
    KlDeliveryReport2 => "kl-reporting-ffb-delivery-report-2", IgInvariant, Error, IgProfile,
        "every CarePlan conforms to the CarePlan or the Intervention profile",
        "input/fsh/KLReportingFFBDeliveryReport.fsh: Invariant kl-reporting-ffb-delivery-report-2";
    KlDeliveryReport3 => "kl-reporting-ffb-delivery-report-3", IgInvariant, Error, IgProfile,
        "every Observation conforms to the CareEvaluation or the FollowUp profile",
        "input/fsh/KLReportingFFBDeliveryReport.fsh: Invariant kl-reporting-ffb-delivery-report-3";
    GwCitizen => "GW-CITIZEN", Gateway, Error, IgProfile,
        "exactly one Patient; its identifier is a syntactically valid CPR number (system urn:oid:1.2.208.176.1.2); managingOrganization holds only a KOMBIT STS organisation identifier",
        "input/fsh/KLReportingFFBCitizen.fsh and KombitSTSOrgIdentifier.fsh; input/pagecontent/index.md, Citizen: only one citizen resource";
    GwSubject => "GW-SUBJECT", Gateway, Error, IgProfile,
        "every resource's subject refers to the report's citizen",
        "input/fsh/KLReportingFFB*.fsh: subject only Reference(KLReportingFFBCitizen), bundled; input/pagecontent/index.md, Reporting: a delivery report is about one citizen";
    GwRef => "GW-REF", Gateway, Error, IgProfile,
        "every reference resolves to an entry of the same bundle, of a type the profile allows",
        "input/fsh/KLReportingFFB*.fsh: the reference types of each profile, aggregation bundled";
    GwId => "GW-ID", Gateway, Error, IgProfile,
        "every resource has a universally unique id (a UUID), unique in the report, and fullUrl agrees with its type and id",
        "input/pagecontent/index.md, Reporting: the id of any resource is universally unique (e.g. a UUID); FHIR R4 Bundle.entry.fullUrl";
    GwClosed => "GW-CLOSED", Gateway, Error, IgProfile,
        "no element the profiles forbid: no free text, narrative, notes or unknown elements",
        "input/fsh/KLReportingFFB*.fsh and RuleSets.fsh: the elements each profile and extension allows";
    GwCard => "GW-CARD", Gateway, Error, IgProfile,
        "cardinalities and required elements of each profile",
        "input/fsh/KLReportingFFB*.fsh and RuleSets.fsh: the cardinalities of each profile and extension";
    GwFixed => "GW-FIXED", Gateway, Error, IgProfile,
        "fixed values of the profiles (ServiceRequest.intent, Encounter status/class/type, Goal category and description, CareEvaluation and FollowUp codes, target measures)",
        "input/fsh/KLReportingFFB*.fsh: the fixed and pattern values of each profile";
    GwBinding => "GW-BINDING", Gateway, Error, IgProfile,
        "every coded element holds a code from its bound value set",
        "input/fsh/KLReportingFFB*.fsh: the value set bindings (value sets of kl.dk.fhir.term)";
    GwDatetime => "GW-DATETIME", Gateway, Error, IgProfile,
        "dates, dateTimes and instants follow FHIR's formats",
        "input/fsh/KLReportingFFB*.fsh: the date, dateTime and instant elements of each profile, in FHIR R4's formats of those datatypes";
    GwCaseNumber => "GW-CASE-NUMBER", Gateway, Warning, IgText,
        "the ServiceRequest carries the municipality case number (IG text; the profile allows 0..1)",
        "input/pagecontent/index.md, Service Request: it contains the municipality case number; input/fsh/KLReportingFFBMunicipalityCaseNumber.fsh";
    GwInterventionStart => "GW-INTERVENTION-START", Gateway, Warning, IgText,
        "an Intervention has a period with a start date (IG text; the profile makes period optional)",
        "input/pagecontent/index.md, Interventions: it has a start date; input/fsh/KLReportingFFBIntervention.fsh (period 0..1, period.start 1..1)";
    KlCondition1 => "kl-reporting-ffb-condition-1", IgInvariant, Error, IgProfile,
        "severity (funktionsevneniveau) is present exactly when the condition code is an Aktivitet og deltagelse theme",
        "input/fsh/KLReportingFFBCondition.fsh: Invariant kl-reporting-ffb-condition-1";
    KlInterventionGoal1 => "kl-reporting-ffb-intervention-goal-1", IgInvariant, Error, IgProfile,
        "a goal addresses only Aktivitet og deltagelse conditions",
        "input/fsh/KLReportingFFBInterventionGoal.fsh: Invariant kl-reporting-ffb-intervention-goal-1";
    KlInterventionGoal2 => "kl-reporting-ffb-intervention-goal-2", IgInvariant, Error, IgProfile,
        "a goal addresses exactly one condition with rank 1 (the intended rule; the IG 1.0.0 expression fails on every goal)",
        "input/fsh/KLReportingFFBInterventionGoal.fsh: Invariant kl-reporting-ffb-intervention-goal-2 (IG defect, REQUIREMENTS.md section 6)";
    KlCarePlan1 => "kl-reporting-ffb-care-plan-1", IgInvariant, Error, IgProfile,
        "an ordered, not completed care plan has a follow-up date (extension referring to a FollowUpEncounter)",
        "input/fsh/KLReportingFFBCarePlan.fsh: Invariant kl-reporting-ffb-care-plan-1";
    KlCarePlan2 => "kl-reporting-ffb-care-plan-2", IgInvariant, Error, IgProfile,
        "a care plan addresses at most one target group with rank 1",
        "input/fsh/KLReportingFFBCarePlan.fsh: Invariant kl-reporting-ffb-care-plan-2";
    KlCarePlan3 => "kl-reporting-ffb-care-plan-3", IgInvariant, Warning, IgProfile,
        "an ordered, not completed care plan has goals (commented out in IG 1.0.0: never an error)",
        "input/fsh/KLReportingFFBCarePlan.fsh: Invariant kl-reporting-ffb-care-plan-3 (its obeys is commented out)";
    KlCarePlan4 => "kl-reporting-ffb-care-plan-4", IgInvariant, Error, IgProfile,
        "an ordered, not completed care plan has a støttebehov evaluation",
        "input/fsh/KLReportingFFBCarePlan.fsh: Invariant kl-reporting-ffb-care-plan-4";
    KlCarePlan5 => "kl-reporting-ffb-care-plan-5", IgInvariant, Error, IgProfile,
        "an ordered, not completed care plan has target groups",
        "input/fsh/KLReportingFFBCarePlan.fsh: Invariant kl-reporting-ffb-care-plan-5";
    KlFollowUp1 => "kl-reporting-ffb-follow-up-1", IgInvariant, Error, IgProfile,
        "a follow-up result has status final or entered-in-error",
        "input/fsh/KLReportingFFBFollowUp.fsh: Invariant kl-reporting-ffb-follow-up-1";
    Per1 => "per-1", FhirBase, Error, FhirBase,
        "a Period's end, if given, is not before its start (FHIR R4 per-1)",
        "FHIR R4, Period: invariant per-1";
    Ref1 => "ref-1", FhirBase, Error, FhirBase,
        "a local reference (#id) names a contained resource; the profiles allow none, so no reference starts with # (FHIR R4 ref-1)",
        "FHIR R4, Reference: invariant ref-1";
    Bdl7 => "bdl-7", FhirBase, Error, FhirBase,
        "no two entries have the same fullUrl unless their meta.versionId differs (FHIR R4 bdl-7)",
        "FHIR R4, Bundle: invariant bdl-7";
    Bdl8 => "bdl-8", FhirBase, Error, FhirBase,
        "a fullUrl is not version specific: it does not contain /_history/ (FHIR R4 bdl-8)",
        "FHIR R4, Bundle.entry.fullUrl: invariant bdl-8";
    Qty3 => "qty-3", FhirBase, Error, FhirBase,
        "a Duration (a goal target's dueDuration) with a unit code has a system (FHIR R4 qty-3)",
        "FHIR R4, Quantity (inherited by Duration): invariant qty-3";
    Drt1 => "drt-1", FhirBase, Error, FhirBase,
        "a Duration (a goal target's dueDuration) with a unit code has a value and the system UCUM, http://unitsofmeasure.org (FHIR R4 drt-1)",
        "FHIR R4, Duration: invariant drt-1";
    Con5 => "con-5", FhirBase, Warning, FhirBase,
        "an entered-in-error Condition has no clinicalStatus (FHIR R4 con-5); a warning: the FFB Condition profile requires clinicalStatus (1..1), so a withdrawn condition cannot meet both, and ffbkit follows the profile (clinicalStatus inactive); the gateway's HL7 validator reports it as an error",
        "FHIR R4, Condition: invariant con-5";
}

impl RuleId {
    /// The rule's entry in [`REPORT_RULES`] (no lookup: the table is indexed by the id).
    pub fn rule(self) -> &'static Rule {
        &REPORT_RULES[self as usize]
    }

    /// The rule's family.
    pub fn family(self) -> Family {
        self.rule().family
    }

    /// The rule's default severity.
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RuleId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
