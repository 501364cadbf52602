//! FHIR's JSON representation (FHIR R4, "JSON Representation of Resources" and the
//! `string` datatype), checked on the whole document: no `null`, no empty array, no empty
//! or white-space-only string, no string longer than 1024 * 1024 characters (all under
//! GW-JSON), and no empty object, which is an element with neither a value nor children
//! (FHIR's `ele-1`).
//!
//! The parser notes on the way whether any value might break these rules
//! ([`super::json::Noticed::representation`]); only then is the document walked here, so
//! a clean report costs nothing beyond that note.

use super::json::{Json, MAX_STRING_CHARS};
use super::path::{render, Seg, PATH_DEPTH};
use super::{Findings, RuleId};

/// What is wrong with one value, if anything.
fn fault(v: &Json<'_>) -> Option<(RuleId, &'static str, String)> {
    match v {
        Json::Null => Some((
            RuleId::GwJson,
            "a value (FHIR JSON has no null: leave the element out)",
            "is null; FHIR's JSON has no null values: an element without a value is left out".into(),
        )),
        Json::Array([]) => Some((
            RuleId::GwJson,
            "at least one item (FHIR JSON has no empty arrays: leave the element out)",
            "is an empty array; FHIR's JSON has no empty arrays: an element without items is left out".into(),
        )),
        Json::Object(o) if o.is_empty() => {
            Some((RuleId::Ele1, "a value or children", "is an empty object: an element needs a value or children (FHIR ele-1)".into()))
        }
        Json::String("") => Some((
            RuleId::GwJson,
            "a non-empty string",
            "is an empty string; FHIR's JSON has no empty strings: an element without a value is left out".into(),
        )),
        Json::String(s) if s.trim().is_empty() => Some((
            RuleId::GwJson,
            "a string with content other than white space",
            "holds only white space; a FHIR string has content other than white space".into(),
        )),
        Json::String(s) if s.len() > MAX_STRING_CHARS => {
            let n = s.chars().count();
            (n > MAX_STRING_CHARS).then(|| {
                (
                    RuleId::GwJson,
                    "at most 1,048,576 characters",
                    format!("is a string of {n} characters; FHIR strings have at most 1024 * 1024 (1,048,576) characters"),
                )
            })
        }
        _ => None,
    }
}

/// True when a `null` at `index` of the array `key` of the object `parent` is one FHIR's
/// JSON allows: the placeholder in an array of primitives (`given`) or of their extensions
/// (`_given`) where the partner array has an item at the same position.
fn null_placeholder(parent: &Json<'_>, key: &str, index: usize) -> bool {
    let Some(o) = parent.as_object() else { return false };
    let partner = |k: &str| match key.strip_prefix('_') {
        Some(plain) => k == plain,
        None => k.strip_prefix('_') == Some(key),
    };
    o.iter().find(|(k, _)| partner(k)).and_then(|(_, v)| v.as_array()).and_then(|a| a.get(index)).is_some_and(|x| !x.is_null())
}

/// Record a finding for every value of `doc` that FHIR's JSON representation does not
/// allow; returns the pointers of the nulls and strings found wrong (a schema type, pattern
/// or value error at the same place says nothing more and is left out).
pub(super) fn check(doc: &Json<'_>, cx: &mut Findings<'_>) -> Vec<String> {
    let mut values = Vec::new();
    let mut path = Vec::with_capacity(PATH_DEPTH);
    walk(doc, None, &mut path, cx, &mut values);
    values
}

fn walk<'v>(
    v: &'v Json<'_>,
    parent: Option<(&'v Json<'_>, &'v str)>,
    path: &mut Vec<Seg<'v>>,
    cx: &mut Findings<'_>,
    values: &mut Vec<String>,
) {
    if let Some((rule, expected, what)) = fault(v) {
        let placeholder = v.is_null()
            && match (parent, path.last()) {
                (Some((p, k)), Some(Seg::Index(i))) => null_placeholder(p, k, *i),
                _ => false,
            };
        if !placeholder {
            let ptr = render(path);
            let message = format!("{} {what}.", cx.loc(&ptr));
            if v.is_string() || v.is_null() {
                values.push(ptr.clone());
            }
            cx.push(rule, &ptr, Some(v), expected.into(), message);
        }
    }
    match v {
        Json::Object(o) => {
            for (k, x) in o.iter() {
                path.push(Seg::Key(k));
                walk(x, Some((v, k)), path, cx, values);
                path.pop();
            }
        }
        Json::Array(items) => {
            // Items see the array's own parent and name, for the null placeholder.
            for (i, x) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(x, parent, path, cx, values);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{fault, null_placeholder, RuleId};
    use crate::validate::json::{Json, MAX_STRING_CHARS};

    #[test]
    fn each_fault_has_its_rule_and_ordinary_values_have_none() {
        let rule = |v: Json<'_>| fault(&v).map(|(r, _, _)| r);
        assert_eq!(rule(Json::Null), Some(RuleId::GwJson));
        assert_eq!(rule(Json::Array(&[])), Some(RuleId::GwJson));
        assert_eq!(rule(Json::Object(Default::default())), Some(RuleId::Ele1));
        assert_eq!(rule(Json::String("")), Some(RuleId::GwJson));
        assert_eq!(rule(Json::String(" \t\n\u{a0}")), Some(RuleId::GwJson));
        assert_eq!(rule(Json::String(" x ")), None);
        assert_eq!(rule(Json::String("Ærø")), None);
        assert_eq!(rule(Json::Bool(false)), None);
        let at_limit = "æ".repeat(MAX_STRING_CHARS);
        assert!(at_limit.len() > MAX_STRING_CHARS, "two bytes a character: longer in bytes than the limit");
        assert_eq!(rule(Json::String(&at_limit)), None, "1,048,576 characters are allowed");
        let over = "x".repeat(MAX_STRING_CHARS + 1);
        assert_eq!(rule(Json::String(&over)), Some(RuleId::GwJson));
    }

    #[test]
    fn a_null_is_allowed_only_as_a_placeholder_for_a_partner_array_item() {
        let v: serde_json::Value = serde_json::json!({"given": ["a", null, null], "_given": [null, {"id": "x"}], "other": [null]});
        let arena = crate::validate::json::Arena::new();
        let parent = Json::from_value(&v, &arena);
        assert!(null_placeholder(&parent, "given", 1), "given[1] has _given[1]");
        assert!(!null_placeholder(&parent, "given", 2), "_given has no item 2");
        assert!(null_placeholder(&parent, "_given", 0), "_given[0] stands for given[0]");
        assert!(!null_placeholder(&parent, "other", 0), "no _other");
        assert!(!null_placeholder(&Json::Null, "given", 1));
    }
}
