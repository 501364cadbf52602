//! Reading one parsed delivery report: whose it is (the citizen's CPR number and
//! municipality), which profile each resource has, and what each resource references.
//! One implementation for every caller: the validator, the stream audit, the receiver
//! (`ffbkit serve`), the conformance harness, `ffbkit audit` and the Python package.
//!
//! The readers work on either document tree: `serde_json::Value`, or the validator's own
//! tree ([`Json`], what [`crate::validate::source::parse`] builds), through the small
//! [`Node`] trait; they are generic, so the validator's hot path pays nothing for it.
//!
//! # The citizen
//!
//! A report's citizen is the **first `Patient` among the entries' resources** (entry
//! order), and its CPR number the `value` of that Patient's **first identifier whose
//! `system` is the CPR system** (`urn:oid:1.2.208.176.1.2`, [`fixed::CPR_SYSTEM`]), when it
//! is a non-empty string. Nothing else is read as a CPR number: an identifier without that
//! system, a value that is not a string, a Patient that is not an entry's resource.
//!
//! - No Patient, or no such identifier: the report names no citizen (`None`); the validator
//!   reports it (GW-CITIZEN), `ffbkit audit` counts the report as not auditable, the
//!   receiver stores it without a citizen key, Python leaves the citizen cell empty.
//! - Two or more Patients: the first one is the citizen; the validator reports the report
//!   (GW-CITIZEN, "exactly one Patient").
//! - The value is taken as written: its syntax ([`crate::cpr::is_valid`]) is the
//!   validator's concern (GW-CITIZEN), not the grouping's.
//!
//! The municipality is the same Patient's `managingOrganization.identifier.value`.
//!
//! # The profile of a resource
//!
//! [`profile_of`]: the first profile the resource claims in `meta.profile` that is a
//! profile of its resource type; without one, the only profile of its type; for the three
//! types with two profiles, its content ([`profile_by_content`]: a målgruppe code is a
//! TargetGroup, `basedOn` an Intervention, the follow-up code a FollowUp, ...); when the
//! content does not decide either, the type's general profile (Condition, CarePlan,
//! CareEvaluation). The validator decides the same way, except that it settles an
//! undecided resource by testing it against both profiles' schemas, and takes the other
//! profile when a resource conforms to that one only; its decision for each entry is in
//! [`crate::validate::Outcome::profiles`], which readers of a validated report use.

use crate::catalog::Catalog;
use crate::profile::{fixed, Profile};
use crate::validate::json::Json;
use crate::validate::path::Seg;
use serde_json::Value;

/// A node of a parsed JSON document: what the readers of this module need of
/// `serde_json::Value` and of the validator's [`Json`].
pub trait Node: Sized {
    /// The member `key` of an object.
    fn get(&self, key: &str) -> Option<&Self>;
    /// The text of a string.
    fn as_str(&self) -> Option<&str>;
    /// The items of an array (empty for anything else).
    fn items(&self) -> &[Self];
    /// The members of an object (none for anything else), in document order.
    fn members(&self) -> impl Iterator<Item = (&str, &Self)>;
    /// True for an object.
    fn is_object(&self) -> bool;
    /// True for an array.
    fn is_array(&self) -> bool;
    /// False when an object is known to hold no `reference` member, in itself or below
    /// (the validator's parser notes it); true otherwise.
    fn may_hold_reference(&self) -> bool {
        true
    }
}

impl Node for Value {
    fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }
    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }
    fn items(&self) -> &[Value] {
        self.as_array().map_or(&[], Vec::as_slice)
    }
    fn members(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.as_object().into_iter().flat_map(|o| o.iter().map(|(k, v)| (k.as_str(), v)))
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn is_array(&self) -> bool {
        Value::is_array(self)
    }
}

impl<'a> Node for Json<'a> {
    fn get(&self, key: &str) -> Option<&Json<'a>> {
        Json::get(self, key)
    }
    fn as_str(&self) -> Option<&str> {
        Json::as_str(self)
    }
    fn items(&self) -> &[Json<'a>] {
        self.as_array().unwrap_or_default()
    }
    fn members<'s>(&'s self) -> impl Iterator<Item = (&'s str, &'s Json<'a>)> {
        // One slice iterator (no `flat_map` over an `Option`); the tree's items live as
        // long as the tree ('a), shortened to the borrow ('s).
        let o = match self {
            Json::Object(o) => *o,
            _ => crate::validate::json::Obj::default(),
        };
        o.iter().map(|(k, v)| -> (&'s str, &'s Json<'a>) { (k, v) })
    }
    fn is_object(&self) -> bool {
        Json::is_object(self)
    }
    fn is_array(&self) -> bool {
        Json::is_array(self)
    }
    fn may_hold_reference(&self) -> bool {
        self.as_object().is_none_or(|o| o.may_hold_reference())
    }
}

/// The resources of the report's entries (`entry[*].resource`), in entry order, with
/// their entry index.
pub fn resources<N: Node>(report: &N) -> impl Iterator<Item = (usize, &N)> {
    report.get("entry").map_or(&[][..], Node::items).iter().enumerate().filter_map(|(i, e)| Some((i, e.get("resource")?)))
}

/// The resource type of a resource.
pub fn resource_type<N: Node>(resource: &N) -> Option<&str> {
    resource.get("resourceType")?.as_str()
}

/// The citizen's Patient: the first entry resource of type `Patient`, with its entry index.
pub fn patient<N: Node>(report: &N) -> Option<(usize, &N)> {
    resources(report).find(|(_, r)| resource_type(*r) == Some("Patient"))
}

/// The identifier of a Patient that holds the CPR number (the first with the CPR system),
/// with its index in `identifier`.
pub fn cpr_identifier<N: Node>(patient: &N) -> Option<(usize, &N)> {
    patient.get("identifier")?.items().iter().enumerate().find(|(_, i)| i.get("system").and_then(Node::as_str) == Some(fixed::CPR_SYSTEM))
}

/// The CPR number of a Patient, as written (see [the rule](self#the-citizen)).
pub fn cpr_of_patient<N: Node>(patient: &N) -> Option<&str> {
    cpr_identifier(patient)?.1.get("value")?.as_str().filter(|v| !v.is_empty())
}

/// The municipality of a Patient: `managingOrganization.identifier.value`.
pub fn municipality_of_patient<N: Node>(patient: &N) -> Option<&str> {
    patient.get("managingOrganization")?.get("identifier")?.get("value")?.as_str()
}

/// Whose a report is: the citizen's CPR number (as written, never shown unmasked) and
/// municipality. See [the rule](self#the-citizen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Citizen<'r> {
    /// The CPR number, as written in the report.
    pub cpr: Option<&'r str>,
    /// The municipality's KOMBIT STS organisation identifier.
    pub municipality: Option<&'r str>,
}

/// The citizen of a report (see [the rule](self#the-citizen)).
///
/// ```
/// let r = serde_json::json!({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient",
///     "identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": "0101504321"}],
///     "managingOrganization": {"identifier": {"value": "9e0c8a7f-6b5d-4c3e-8f1a-2b3c4d5e6f70"}}}}]});
/// let c = ffbkit_sdk::report::citizen(&r);
/// assert_eq!(c.cpr, Some("0101504321"));
/// assert_eq!(c.municipality, Some("9e0c8a7f-6b5d-4c3e-8f1a-2b3c4d5e6f70"));
/// ```
pub fn citizen<N: Node>(report: &N) -> Citizen<'_> {
    match patient(report) {
        Some((_, p)) => Citizen { cpr: cpr_of_patient(p), municipality: municipality_of_patient(p) },
        None => Citizen::default(),
    }
}

/// The citizen's CPR number in a report, as written (see [the rule](self#the-citizen)).
pub fn citizen_cpr<N: Node>(report: &N) -> Option<&str> {
    cpr_of_patient(patient(report)?.1)
}

/// The first coding's code of a CodeableConcept element.
fn first_code<'n, N: Node>(resource: &'n N, element: &str) -> Option<&'n str> {
    resource.get(element)?.get("coding")?.items().first()?.get("code")?.as_str()
}

/// Each profile URL a resource claims (`meta.profile`, strings only), with its index and
/// the profile it names when that is a profile of the resource type `resource_type`.
pub fn claims<'r, N: Node>(resource_type: &str, resource: &'r N) -> impl Iterator<Item = (usize, &'r str, Option<Profile>)> {
    let candidates = Profile::for_resource_type(resource_type);
    let claims = resource.get("meta").and_then(|m| m.get("profile")).map_or(&[][..], Node::items);
    claims.iter().enumerate().filter_map(move |(k, c)| {
        let url = c.as_str()?;
        Some((k, url, Profile::from_url(url).filter(|p| candidates.contains(p))))
    })
}

/// The first profile a resource claims (`meta.profile`) that is a profile of its resource
/// type `resource_type`.
pub fn claimed_profile<N: Node>(resource_type: &str, resource: &N) -> Option<Profile> {
    claims(resource_type, resource).find_map(|(_, _, p)| p)
}

/// The profile a resource of type `resource_type` has by its content, with `catalog`'s
/// value sets; `None` when the content does not decide (or the type has no profile).
///
/// - One profile for the type: that one.
/// - Condition: a code of `KLTargetGroupsFFB` is a TargetGroup; a code of
///   `KLConditionCodesFFB`, or a `severity`, a Condition.
/// - CarePlan: `basedOn` or `activity[0].detail` is an Intervention, else a CarePlan.
/// - Observation: the follow-up code is a FollowUp, the støttebehov code a CareEvaluation.
pub fn profile_by_content<N: Node>(resource_type: &str, resource: &N, catalog: &Catalog) -> Option<Profile> {
    let candidates = Profile::for_resource_type(resource_type);
    if candidates.len() == 1 {
        return Some(candidates[0]);
    }
    match resource_type {
        "Condition" => {
            let code = first_code(resource, "code").unwrap_or("");
            if catalog.value_set("KLTargetGroupsFFB").is_some_and(|s| s.contains(code)) {
                Some(Profile::TargetGroup)
            } else if catalog.value_set("KLConditionCodesFFB").is_some_and(|s| s.contains(code)) || resource.get("severity").is_some() {
                Some(Profile::Condition)
            } else {
                None
            }
        }
        "CarePlan" => {
            let detail = resource.get("activity").and_then(|a| a.items().first()).and_then(|a| a.get("detail"));
            Some(if resource.get("basedOn").is_some() || detail.is_some() { Profile::Intervention } else { Profile::CarePlan })
        }
        "Observation" => match first_code(resource, "code") {
            Some(fixed::FOLLOW_UP_CODE) => Some(Profile::FollowUp),
            Some(fixed::CARE_EVALUATION_CODE) => Some(Profile::CareEvaluation),
            _ => None,
        },
        _ => None,
    }
}

/// The profile of a resource without validating it (see [the rule](self#the-profile-of-a-resource)):
/// its claim, else its content (embedded catalog), else its type's general profile; `None`
/// for a resource type that has no FFB profile.
///
/// ```
/// use ffbkit_sdk::profile::Profile;
/// let plan = serde_json::json!({"resourceType": "CarePlan", "basedOn": [{"reference": "CarePlan/x"}]});
/// assert_eq!(ffbkit_sdk::report::profile_of(&plan), Some(Profile::Intervention));
/// ```
pub fn profile_of<N: Node>(resource: &N) -> Option<Profile> {
    let rt = resource_type(resource)?;
    let candidates = Profile::for_resource_type(rt);
    let first = *candidates.first()?;
    claimed_profile(rt, resource).or_else(|| profile_by_content(rt, resource, Catalog::embedded())).or(Some(first))
}

/// True for an array, or an object that may hold a `reference` member: what the reference
/// walk steps into.
fn worth_walking<N: Node>(v: &N) -> bool {
    v.is_array() || (v.is_object() && v.may_hold_reference())
}

/// Call `f` with every `reference` member in `v` (whatever its value) and its path (ending
/// in `reference`), in document order; objects known to hold none are skipped. The one
/// walk behind [`references`] and the validator's GW-REF.
pub(crate) fn for_each_reference<'v, N: Node>(v: &'v N, path: &mut Vec<Seg<'v>>, f: &mut dyn FnMut(&[Seg<'v>], &'v N)) {
    if v.is_object() {
        if !v.may_hold_reference() {
            return;
        }
        for (k, x) in v.members() {
            // The first byte before the whole name: `extension` has the same length.
            if k.as_bytes().first() == Some(&b'r') && k == "reference" {
                path.push(Seg::Key(k));
                f(path, x);
                path.pop();
            } else if worth_walking(x) {
                path.push(Seg::Key(k));
                for_each_reference(x, path, f);
                path.pop();
            }
        }
    } else {
        for (i, x) in v.items().iter().enumerate() {
            if worth_walking(x) {
                path.push(Seg::Index(i));
                for_each_reference(x, path, f);
                path.pop();
            }
        }
    }
}

/// Every reference (`reference` string) in a resource, with the top-level element it sits
/// under (`subject`, `addresses`, `extension`, ...); `meta` is not searched.
pub fn references<N: Node>(resource: &N) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for_each_reference(resource, &mut Vec::new(), &mut |path, r| {
        if let (Some(Seg::Key(top)), Some(s)) = (path.first(), r.as_str()) {
            if *top != "meta" {
                out.push((*top, s));
            }
        }
    });
    out
}

/// The references under one top-level element (`finding`, `goal`, `addresses`, ...).
pub fn references_under<'r, N: Node>(resource: &'r N, element: &str) -> Vec<&'r str> {
    references(resource).into_iter().filter(|(t, _)| *t == element).map(|(_, s)| s).collect()
}

/// A reference as `Type/id` (an absolute URL's last two segments; a `urn:` reference is
/// kept as written).
///
/// ```
/// use ffbkit_sdk::report::reference_key;
/// assert_eq!(reference_key("Condition/abc"), "Condition/abc");
/// assert_eq!(reference_key("http://x.dk/fhir/Condition/abc"), "Condition/abc");
/// assert_eq!(reference_key("urn:uuid:abc"), "urn:uuid:abc");
/// ```
pub fn reference_key(reference: &str) -> &str {
    let parts: Vec<&str> = reference.rsplitn(3, '/').collect();
    if parts.len() >= 2 && !reference.starts_with("urn:") {
        let start = reference.len() - parts[0].len() - parts[1].len() - 1;
        &reference[start..]
    } else {
        reference
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patient(identifier: Value) -> Value {
        json!({"resourceType": "Patient", "identifier": identifier, "managingOrganization": {"identifier": {"value": "m"}}})
    }

    fn bundle(resources: Vec<Value>) -> Value {
        json!({"resourceType": "Bundle", "entry": resources.into_iter().map(|r| json!({"resource": r})).collect::<Vec<_>>()})
    }

    /// Both trees give the same answer.
    fn cpr_both(report: &Value) -> Option<String> {
        let arena = crate::validate::json::Arena::new();
        let tree = Json::from_value(report, &arena);
        let a = citizen_cpr(report).map(str::to_string);
        assert_eq!(a.as_deref(), citizen_cpr(&tree));
        a
    }

    #[test]
    fn the_citizen_is_the_first_patients_cpr_identifier() {
        let cpr = |v: &str| json!({"system": fixed::CPR_SYSTEM, "value": v});
        // The identifier with the CPR system, wherever it is.
        assert_eq!(
            cpr_both(&bundle(vec![patient(json!([{"system": "x", "value": "1"}, cpr("0101504321")]))])).as_deref(),
            Some("0101504321")
        );
        // No CPR system, an empty value, a number, no Patient: no citizen.
        assert_eq!(cpr_both(&bundle(vec![patient(json!([{"value": "0101504321"}]))])), None);
        assert_eq!(cpr_both(&bundle(vec![patient(json!([cpr("")]))])), None);
        assert_eq!(cpr_both(&bundle(vec![patient(json!([{"system": fixed::CPR_SYSTEM, "value": 101504321}]))])), None);
        assert_eq!(cpr_both(&bundle(vec![json!({"resourceType": "Goal"})])), None);
        assert_eq!(cpr_both(&json!([1, 2])), None);
        // Two Patients: the first.
        let two = bundle(vec![json!({"resourceType": "Goal"}), patient(json!([cpr("0101504321")])), patient(json!([cpr("0202504321")]))]);
        assert_eq!(cpr_both(&two).as_deref(), Some("0101504321"));
        assert_eq!(citizen(&two).municipality, Some("m"));
        assert_eq!(super::patient(&two).map(|(i, _)| i), Some(1));
    }

    #[test]
    fn profiles_by_claim_then_content_then_type() {
        let tg = Catalog::embedded()
            .value_set("KLTargetGroupsFFB")
            .and_then(|s| s.members().first().map(|(_, c)| c.clone()))
            .expect("a target group code");
        let cases = [
            (json!({"resourceType": "Condition", "code": {"coding": [{"code": tg}]}}), Some(Profile::TargetGroup)),
            (json!({"resourceType": "Condition", "severity": {}}), Some(Profile::Condition)),
            (json!({"resourceType": "Condition"}), Some(Profile::Condition)),
            (
                json!({"resourceType": "Condition", "meta": {"profile": [Profile::CareEvaluation.url(), Profile::TargetGroup.url()]}}),
                Some(Profile::TargetGroup),
            ),
            (json!({"resourceType": "CarePlan", "activity": [{"detail": {}}]}), Some(Profile::Intervention)),
            (json!({"resourceType": "CarePlan"}), Some(Profile::CarePlan)),
            (json!({"resourceType": "Observation", "code": {"coding": [{"code": fixed::FOLLOW_UP_CODE}]}}), Some(Profile::FollowUp)),
            (json!({"resourceType": "Observation"}), Some(Profile::CareEvaluation)),
            (json!({"resourceType": "Encounter"}), Some(Profile::FollowUpEncounter)),
            (json!({"resourceType": "Basic"}), None),
            (json!({"id": "x"}), None),
        ];
        let arena = crate::validate::json::Arena::new();
        for (r, want) in cases {
            assert_eq!(profile_of(&r), want, "{r}");
            assert_eq!(profile_of(&Json::from_value(&r, &arena)), want, "{r}");
        }
    }

    #[test]
    fn references_by_top_element() {
        let r = json!({"resourceType": "CarePlan", "meta": {"source": {"reference": "no"}}, "addresses": [{"reference": "Condition/a"}, {"reference": "http://x/Condition/b"}], "goal": [{"reference": "Goal/g"}]});
        assert_eq!(references(&r), vec![("addresses", "Condition/a"), ("addresses", "http://x/Condition/b"), ("goal", "Goal/g")]);
        assert_eq!(
            references_under(&r, "addresses").into_iter().map(reference_key).collect::<Vec<_>>(),
            vec!["Condition/a", "Condition/b"]
        );
    }
}
