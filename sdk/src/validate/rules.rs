//! Every rule the validator checks, under the ids of `REQUIREMENTS.md`: one table, read by
//! the validator, the CLI (`ffbkit rules`), the reports and the tests.

use super::Severity;

/// Where a rule comes from.
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

/// One rule: id, default severity, source, and what it requires in plain words.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Rule {
    /// The id, as in `REQUIREMENTS.md` (IG invariant ids verbatim).
    pub id: &'static str,
    /// Default severity; text-only rules can be raised or lowered by the user.
    pub severity: Severity,
    /// Where it comes from.
    pub source: RuleSource,
    /// What it requires.
    pub summary: &'static str,
}

const fn rule(id: &'static str, severity: Severity, source: RuleSource, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        source,
        summary,
    }
}

use RuleSource::*;
use Severity::*;

/// All single-report rules, in the order of `REQUIREMENTS.md` section 1.
pub const RULES: &[Rule] = &[
    rule("GW-JSON", Error, Input, "the report is one well-formed JSON object in UTF-8, without duplicate keys, within the size and nesting limits, in FHIR's JSON representation: no null, no empty array, no empty or white-space-only string, no string over 1024 * 1024 characters"),
    rule("ele-1", Error, FhirBase, "every element has a value or children: no empty JSON object (FHIR R4 ele-1)"),
    rule("GW-TYPE", Error, Input, "every element has the JSON type FHIR gives it (string, number, boolean, object or array)"),
    rule("GW-BUNDLE", Error, IgProfile, "the report is a Bundle of type collection with a timestamp; no identifier, total, link or signature; every entry has a resource and no search, request or response"),
    rule("GW-PROFILE", Error, IgProfile, "every resource is one of the 12 FFB reporting profiles, and a meta.profile it claims names the profile it conforms to"),
    rule("GW-PROFILE-CLAIM", Warning, IgText, "every resource claims its profile in meta.profile (IG text; the IG's own examples omit it)"),
    rule("GW-LAST-UPDATED", Warning, IgText, "every resource has meta.lastUpdated (IG text; the IG's own examples omit it)"),
    rule("kl-reporting-ffb-delivery-report-1", Error, IgProfile, "every Condition conforms to the Condition or the TargetGroup profile"),
    rule("kl-reporting-ffb-delivery-report-2", Error, IgProfile, "every CarePlan conforms to the CarePlan or the Intervention profile"),
    rule("kl-reporting-ffb-delivery-report-3", Error, IgProfile, "every Observation conforms to the CareEvaluation or the FollowUp profile"),
    rule("GW-CITIZEN", Error, IgProfile, "exactly one Patient; its identifier is a syntactically valid CPR number (system urn:oid:1.2.208.176.1.2); managingOrganization holds only a KOMBIT STS organisation identifier"),
    rule("GW-SUBJECT", Error, IgProfile, "every resource's subject refers to the report's citizen"),
    rule("GW-REF", Error, IgProfile, "every reference resolves to an entry of the same bundle, of a type the profile allows"),
    rule("GW-ID", Error, IgProfile, "every resource has a universally unique id (a UUID), unique in the report, and fullUrl agrees with its type and id"),
    rule("GW-CLOSED", Error, IgProfile, "no element the profiles forbid: no free text, narrative, notes or unknown elements"),
    rule("GW-CARD", Error, IgProfile, "cardinalities and required elements of each profile"),
    rule("GW-FIXED", Error, IgProfile, "fixed values of the profiles (ServiceRequest.intent, Encounter status/class/type, Goal category and description, CareEvaluation and FollowUp codes, target measures)"),
    rule("GW-BINDING", Error, IgProfile, "every coded element holds a code from its bound value set"),
    rule("GW-DATETIME", Error, IgProfile, "dates, dateTimes and instants follow FHIR's formats"),
    rule("GW-CASE-NUMBER", Warning, IgText, "the ServiceRequest carries the municipality case number (IG text; the profile allows 0..1)"),
    rule("GW-INTERVENTION-START", Warning, IgText, "an Intervention has a period with a start date (IG text; the profile makes period optional)"),
    rule("kl-reporting-ffb-condition-1", Error, IgProfile, "severity (funktionsevneniveau) is present exactly when the condition code is an Aktivitet og deltagelse theme"),
    rule("kl-reporting-ffb-intervention-goal-1", Error, IgProfile, "a goal addresses only Aktivitet og deltagelse conditions"),
    rule("kl-reporting-ffb-intervention-goal-2", Error, IgProfile, "a goal addresses exactly one condition with rank 1 (the intended rule; the IG 1.0.0 expression fails on every goal)"),
    rule("kl-reporting-ffb-care-plan-1", Error, IgProfile, "an ordered, not completed care plan has a follow-up date (extension referring to a FollowUpEncounter)"),
    rule("kl-reporting-ffb-care-plan-2", Error, IgProfile, "a care plan addresses at most one target group with rank 1"),
    rule("kl-reporting-ffb-care-plan-3", Warning, IgProfile, "an ordered, not completed care plan has goals (commented out in IG 1.0.0: never an error)"),
    rule("kl-reporting-ffb-care-plan-4", Error, IgProfile, "an ordered, not completed care plan has a støttebehov evaluation"),
    rule("kl-reporting-ffb-care-plan-5", Error, IgProfile, "an ordered, not completed care plan has target groups"),
    rule("kl-reporting-ffb-follow-up-1", Error, IgProfile, "a follow-up result has status final or entered-in-error"),
    rule("per-1", Error, FhirBase, "a Period's end, if given, is not before its start (FHIR R4 per-1)"),
    rule("ref-1", Error, FhirBase, "a local reference (#id) names a contained resource; the profiles allow none, so no reference starts with # (FHIR R4 ref-1)"),
    rule("bdl-7", Error, FhirBase, "no two entries have the same fullUrl unless their meta.versionId differs (FHIR R4 bdl-7)"),
    rule("bdl-8", Error, FhirBase, "a fullUrl is not version specific: it does not contain /_history/ (FHIR R4 bdl-8)"),
    rule("qty-3", Error, FhirBase, "a Duration (a goal target's dueDuration) with a unit code has a system (FHIR R4 qty-3)"),
    rule("drt-1", Error, FhirBase, "a Duration (a goal target's dueDuration) with a unit code has a value and the system UCUM, http://unitsofmeasure.org (FHIR R4 drt-1)"),
    rule("con-5", Warning, FhirBase, "an entered-in-error Condition has no clinicalStatus (FHIR R4 con-5); a warning: the FFB Condition profile requires clinicalStatus (1..1), so a withdrawn condition cannot meet both, and ffbkit follows the profile (clinicalStatus inactive); the gateway's HL7 validator reports it as an error"),
];

/// The rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
