//! Small readers over a resource's JSON: its key, profile, codes, days, references and
//! withdrawal, shared by the protocol and DST checks.

use crate::profile::{ext, Profile};
use serde_json::Value;

/// The day (`YYYY-MM-DD`) of a FHIR date/dateTime.
pub(crate) fn day_of(v: &Value) -> Option<&str> {
    v.as_str().and_then(|s| s.get(..10))
}

/// The first coding's code of a CodeableConcept element.
pub(crate) fn code<'a>(v: &'a Value, element: &str) -> Option<&'a str> {
    v.get(element)?.get("coding")?.get(0)?.get("code")?.as_str()
}

/// `Type/id` of a resource.
pub(crate) fn key(r: &Value) -> String {
    format!("{}/{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or(""))
}

/// Withdrawn: `status` or `verificationStatus` is `entered-in-error` (PROTO-ERROR).
pub(crate) fn withdrawn(r: &Value) -> bool {
    r.get("status").and_then(Value::as_str) == Some("entered-in-error") || code(r, "verificationStatus") == Some("entered-in-error")
}

/// The profile a resource claims, or, without a claim, the one its content matches (as the
/// validator does: a målgruppe code is a TargetGroup, `basedOn` an Intervention, ...).
pub(crate) fn profile_of(r: &Value) -> Option<Profile> {
    if let Some(p) = r.pointer("/meta/profile/0").and_then(Value::as_str).and_then(Profile::from_url) {
        return Some(p);
    }
    let catalog = crate::catalog::Catalog::embedded();
    match r["resourceType"].as_str()? {
        "Patient" => Some(Profile::Citizen),
        "ServiceRequest" => Some(Profile::ServiceRequest),
        "ClinicalImpression" => Some(Profile::InformationGathering),
        "Goal" => Some(Profile::InterventionGoal),
        "CareTeam" => Some(Profile::ServicePerformer),
        "Encounter" => Some(Profile::FollowUpEncounter),
        "Condition" => {
            let c = code(r, "code").unwrap_or("");
            if catalog.value_set("KLTargetGroupsFFB").is_some_and(|s| s.contains(c)) {
                Some(Profile::TargetGroup)
            } else {
                Some(Profile::Condition)
            }
        }
        "CarePlan" => Some(if r.get("basedOn").is_some() { Profile::Intervention } else { Profile::CarePlan }),
        "Observation" => Some(if code(r, "code") == Some(crate::profile::fixed::FOLLOW_UP_CODE) { Profile::FollowUp } else { Profile::CareEvaluation }),
        _ => None,
    }
}

/// Same content, `meta` aside (a re-sent resource is not a change).
pub(crate) fn same_content(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(x), Some(y)) => {
            let n = |o: &serde_json::Map<String, Value>| o.keys().filter(|k| *k != "meta").count();
            n(x) == n(y) && x.iter().filter(|(k, _)| *k != "meta").all(|(k, v)| y.get(k) == Some(v))
        }
        _ => a == b,
    }
}

/// Every reference (`reference` string) in a resource, with the top-level element it sits
/// under (`subject`, `addresses`, `extension`, ...).
pub(crate) fn references(r: &Value) -> Vec<(&str, &str)> {
    fn walk<'a>(top: &'a str, v: &'a Value, out: &mut Vec<(&'a str, &'a str)>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    match (k.as_str(), x) {
                        ("reference", Value::String(s)) => out.push((top, s)),
                        _ => walk(top, x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(top, x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(o) = r.as_object() {
        for (k, v) in o.iter().filter(|(k, _)| *k != "meta") {
            walk(k, v, &mut out);
        }
    }
    out
}

/// The references under one top-level element (`finding`, `goal`, `addresses`, ...).
pub(crate) fn refs_under<'a>(r: &'a Value, element: &str) -> Vec<&'a str> {
    references(r).into_iter().filter(|(t, _)| *t == element).map(|(_, s)| s).collect()
}

/// A reference as `Type/id` (an absolute or `urn:uuid:` reference is kept as written).
pub(crate) fn ref_key(reference: &str) -> &str {
    let parts: Vec<&str> = reference.rsplitn(3, '/').collect();
    if parts.len() >= 2 && !reference.starts_with("urn:") {
        let start = reference.len() - parts[0].len() - parts[1].len() - 1;
        &reference[start..]
    } else {
        reference
    }
}

/// The last-asserted date (`conditionLastAssertedDate`) of a condition.
pub(crate) fn last_asserted(r: &Value) -> Option<&str> {
    r.get("extension")?.as_array()?.iter().find(|e| e["url"] == ext::CONDITION_LAST_ASSERTED_DATE).and_then(|e| day_of(&e["valueDateTime"]))
}

/// The day before `day` (`YYYY-MM-DD`), if it is a date.
pub(crate) fn day_before(day: &str) -> Option<String> {
    if !day.is_ascii() {
        return None;
    }
    let d = crate::domain::Date::parse(day).ok()?;
    // Date has no `pred`: step back through the calendar.
    let (y, m, dd) = (day[0..4].parse::<u16>().ok()?, day[5..7].parse::<u8>().ok()?, day[8..10].parse::<u8>().ok()?);
    let prev = if dd > 1 {
        crate::domain::Date::new(y, m, dd - 1).ok()?
    } else if m > 1 {
        (28..=31).rev().find_map(|x| crate::domain::Date::new(y, m - 1, x).ok())?
    } else {
        crate::domain::Date::new(y.checked_sub(1)?, 12, 31).ok()?
    };
    debug_assert_eq!(prev.succ(), d);
    Some(prev.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers() {
        assert_eq!(ref_key("Condition/abc"), "Condition/abc");
        assert_eq!(ref_key("http://x.dk/fhir/Condition/abc"), "Condition/abc");
        assert_eq!(ref_key("urn:uuid:abc"), "urn:uuid:abc");
        assert_eq!(day_before("2025-03-01").as_deref(), Some("2025-02-28"));
        assert_eq!(day_before("2024-03-01").as_deref(), Some("2024-02-29"));
        assert_eq!(day_before("2025-01-01").as_deref(), Some("2024-12-31"));
        assert_eq!(day_before("2025-06-15").as_deref(), Some("2025-06-14"));
        assert_eq!(day_before("2025-ø6-1"), None);
        assert_eq!(day_before("2025-02-30"), None);
        let a = serde_json::json!({"id": "1", "meta": {"lastUpdated": "x"}, "status": "final"});
        let b = serde_json::json!({"id": "1", "meta": {"lastUpdated": "y"}, "status": "final"});
        assert!(same_content(&a, &b));
    }
}
