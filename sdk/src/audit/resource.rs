//! Small readers over a resource's JSON: its key, codes, days and withdrawal, shared by
//! the protocol and DST checks; its profile and references are [`crate::report`]'s.

use crate::profile::ext;
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
