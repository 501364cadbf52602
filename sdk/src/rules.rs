//! The rule registry: every rule ffbkit checks, under the ids of `REQUIREMENTS.md`, declared
//! once. Single-report rules (the validator's: input, gateway, IG invariants, FHIR R4 base
//! rules) are the variants of [`RuleId`], written once in the table below with family,
//! default severity, source and summary; the stream audit's PROTO-* and DST-* rules are
//! [`crate::audit::RULES`], wrapped here, not copied. [`all`] yields both; [`find`] looks
//! one up by its id. `validate::RULES` is a view of this table.
//!
//! ```
//! use ffbkit_sdk::rules::{self, Family, RuleId};
//! assert_eq!(RuleId::GwCard.as_str(), "GW-CARD");
//! assert_eq!("GW-CARD".parse::<RuleId>(), Ok(RuleId::GwCard));
//! assert_eq!(rules::find("DST-AD").map(|r| r.family()), Some(Family::Dst));
//! assert!(rules::all().any(|r| r.id() == "kl-reporting-ffb-care-plan-1"));
//! ```

use crate::audit::{self, AuditRule, AuditRuleId};
use crate::validate::Severity;

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

/// The typed id of any rule of the registry: a single-report rule's or a stream audit
/// rule's. Its string form is the `REQUIREMENTS.md` id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnyRuleId {
    /// A rule of the validator.
    Report(RuleId),
    /// A rule of the stream audit (PROTO-*, DST-*).
    Audit(AuditRuleId),
}

impl AnyRuleId {
    /// The id as in `REQUIREMENTS.md`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AnyRuleId::Report(r) => r.as_str(),
            AnyRuleId::Audit(r) => r.as_str(),
        }
    }

    /// The rule.
    pub fn rule(self) -> AnyRule {
        match self {
            AnyRuleId::Report(r) => AnyRule::Report(r.rule()),
            AnyRuleId::Audit(r) => AnyRule::Audit(r.rule()),
        }
    }
}

impl From<RuleId> for AnyRuleId {
    fn from(r: RuleId) -> AnyRuleId {
        AnyRuleId::Report(r)
    }
}

impl From<AuditRuleId> for AnyRuleId {
    fn from(r: AuditRuleId) -> AnyRuleId {
        AnyRuleId::Audit(r)
    }
}

impl std::str::FromStr for AnyRuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<AnyRuleId, UnknownRule> {
        s.parse::<RuleId>().map(AnyRuleId::Report).or_else(|_| s.parse::<AuditRuleId>().map(AnyRuleId::Audit))
    }
}

impl std::fmt::Display for AnyRuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AnyRuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AnyRuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AnyRuleId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(|e: UnknownRule| {
            let close = close_matches(&s);
            if close.is_empty() {
                serde::de::Error::custom(e)
            } else {
                serde::de::Error::custom(format!("{e}; did you mean {}?", close.join(", ")))
            }
        })
    }
}

/// Any rule of the registry: a single-report rule or a stream audit rule.
#[derive(Clone, Copy, Debug)]
pub enum AnyRule {
    /// A rule of the validator.
    Report(&'static Rule),
    /// A rule of the stream audit (PROTO-*, DST-*).
    Audit(&'static AuditRule),
}

impl AnyRule {
    /// The id, as in `REQUIREMENTS.md`.
    pub fn id(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.id,
            AnyRule::Audit(r) => r.id,
        }
    }

    /// The family.
    pub fn family(&self) -> Family {
        match self {
            AnyRule::Report(r) => r.family,
            AnyRule::Audit(r) => match r.family {
                audit::Family::Proto => Family::Proto,
                audit::Family::Dst => Family::Dst,
            },
        }
    }

    /// The default severity: `error`, `warning` (validator) or `error`, `interpretation`
    /// (audit).
    pub fn severity(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.severity.as_str(),
            AnyRule::Audit(r) => r.severity.as_str(),
        }
    }

    /// True when the user may change the severity (`--severity`, `--strict`): the IG's
    /// text-only rules of the validator.
    pub fn adjustable(&self) -> bool {
        matches!(self, AnyRule::Report(r) if r.source == RuleSource::IgText)
    }

    /// What it requires.
    pub fn summary(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.summary,
            AnyRule::Audit(r) => r.summary,
        }
    }

    /// The source it rests on, in words (for audit rules: each cited sentence).
    pub fn sources(&self) -> Vec<String> {
        match self {
            AnyRule::Report(r) => vec![format!("{}: {}", r.source.describe(), r.reference)],
            AnyRule::Audit(r) => r.source.iter().map(|s| format!("{}, {}: {}", s.document.title(), s.section, s.sentence)).collect(),
        }
    }
}

/// The plain form of a rule, for listings (`ffbkit rules --format json`, Python).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleEntry {
    /// The id.
    pub id: &'static str,
    /// The family.
    pub family: Family,
    /// The default severity.
    pub severity: &'static str,
    /// The source it rests on (cited sentences joined by `; `).
    pub source: String,
    /// What it requires.
    pub summary: &'static str,
}

impl From<AnyRule> for RuleEntry {
    fn from(r: AnyRule) -> RuleEntry {
        RuleEntry { id: r.id(), family: r.family(), severity: r.severity(), source: r.sources().join("; "), summary: r.summary() }
    }
}

/// Every rule: the single-report rules, then the stream audit's, in `REQUIREMENTS.md` order.
pub fn all() -> impl Iterator<Item = AnyRule> {
    REPORT_RULES.iter().map(AnyRule::Report).chain(audit::RULES.iter().map(AnyRule::Audit))
}

/// The rule with this id (exact).
pub fn find(id: &str) -> Option<AnyRule> {
    all().find(|r| r.id() == id)
}

/// Rule ids close to `id` (same text ignoring case, or one containing the other, or a small
/// edit distance), best first; for messages on a typo.
pub fn close_matches(id: &str) -> Vec<&'static str> {
    let want = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = all()
        .map(|r| r.id())
        .filter_map(|cand| {
            let c = cand.to_ascii_lowercase();
            let d = if c == want {
                0
            } else if !want.is_empty() && (c.contains(&want) || want.contains(&c)) {
                1
            } else {
                edit_distance(&c, &want) + 1
            };
            (d <= 3).then_some((d, cand))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(5).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_indexed_and_round_trip() {
        let mut ids: Vec<&str> = all().map(|r| r.id()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate id across families");
        assert_eq!(REPORT_RULES.len(), RuleId::ALL.len());
        for (i, id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(id.rule().rule, *id);
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
            assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(id.as_str()));
        }
        assert!("GW-NOPE".parse::<RuleId>().is_err());
        for r in all() {
            let any: AnyRuleId = serde_json::from_value(serde_json::json!(r.id())).unwrap();
            assert_eq!(any.as_str(), r.id());
            assert_eq!(any.rule().id(), r.id());
        }
        let e = serde_json::from_value::<AnyRuleId>(serde_json::json!("PROTO-DAYLY")).unwrap_err().to_string();
        assert!(e.contains("unknown rule id \"PROTO-DAYLY\"") && e.contains("did you mean PROTO-DAILY"), "{e}");
    }

    #[test]
    fn families_follow_the_ids() {
        for r in all() {
            let id = r.id();
            let expected = match id {
                "GW-JSON" | "GW-TYPE" => Family::Input,
                _ if id.starts_with("GW-") => Family::Gateway,
                _ if id.starts_with("kl-reporting-ffb-") => Family::IgInvariant,
                _ if id.starts_with("PROTO-") => Family::Proto,
                _ if id.starts_with("DST-") => Family::Dst,
                _ => Family::FhirBase,
            };
            assert_eq!(r.family(), expected, "{id}");
            assert!(!r.summary().is_empty() && !r.sources().is_empty(), "{id}");
        }
    }

    #[test]
    fn every_single_report_rule_names_where_it_comes_from() {
        for r in REPORT_RULES {
            let ok = match r.source {
                RuleSource::IgProfile => r.reference.starts_with("input/"),
                RuleSource::IgText => r.reference.starts_with("input/pagecontent/index.md, "),
                RuleSource::Input | RuleSource::FhirBase => r.reference.starts_with("FHIR R4"),
            };
            assert!(ok, "{}: {:?} does not fit its source {:?}", r.id, r.reference, r.source);
            if r.family == Family::IgInvariant || r.family == Family::FhirBase {
                assert!(r.reference.contains(r.id), "{}: the reference names the invariant", r.id);
            }
        }
    }

    #[test]
    fn close_matches_name_the_intended_rule() {
        assert_eq!(close_matches("gw-card").first(), Some(&"GW-CARD"));
        assert!(close_matches("DST-AB").contains(&"DST-AD"));
        assert!(close_matches("zzzzzzzzzzzz").is_empty());
    }
}
