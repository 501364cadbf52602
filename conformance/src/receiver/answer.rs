//! The receiver's own answers as FHIR `OperationOutcome`s: what is refused before or
//! beside validation (size, authentication, media type, a conflicting re-send, a store
//! failure). Validation findings are rendered by the SDK
//! (`ffbkit_sdk::validate::render::operation_outcome`), never here.
//!
//! Rule ids: a too-large body is `GW-JSON` (the report could not be read, as the SDK's
//! validator says for its own size limit); a Bundle id re-sent with other content is
//! `GW-ID` (ids are universally unique). Authentication, media type and store failures are
//! HTTP matters, not FFB rules, and carry no rule id.

use ffbkit_sdk::cpr::mask_in_text;
use ffbkit_sdk::rules::RuleId;
use ffbkit_sdk::validate::render::RULE_SYSTEM;
use serde_json::{json, Value};

fn one(severity: &str, code: &str, rule: Option<&str>, text: &str, expression: Option<&str>) -> Value {
    let mut issue = json!({"severity": severity, "code": code, "diagnostics": text});
    if let Some(rule) = rule {
        issue["details"] = json!({"coding": [{"system": RULE_SYSTEM, "code": rule}], "text": text});
    }
    if let Some(e) = expression {
        issue["expression"] = json!([e]);
    }
    json!({"resourceType": "OperationOutcome", "issue": [issue]})
}

/// 409: the key (Bundle id or `Idempotency-Key`) was accepted before with other content.
pub fn conflict(key: &str, original_seq: i64) -> Value {
    one(
        "error",
        "conflict",
        Some(RuleId::GwId.as_str()),
        &format!("A report with id \"{}\" was accepted before (receipt {original_seq}) with other content; a changed report needs a new Bundle id.", mask_in_text(key)),
        Some("Bundle.id"),
    )
}

/// 413: the body is over the receiver's size limit and was not read.
pub fn too_large(limit: usize) -> Value {
    one(
        "error",
        "too-costly",
        Some(RuleId::GwJson.as_str()),
        &format!("The report is larger than the receiver's limit of {limit} bytes; it was not read."),
        Some("Bundle"),
    )
}

/// 401: a bearer token is required and was missing or wrong.
pub fn unauthorized() -> Value {
    one("error", "login", None, "A valid bearer token is required (Authorization: Bearer <token>).", None)
}

/// 415: the body is not declared as JSON.
pub fn unsupported_media_type(found: &str) -> Value {
    one(
        "error",
        "not-supported",
        None,
        &format!("Content-Type \"{}\" is not accepted; send application/fhir+json or application/json.", mask_in_text(found)),
        None,
    )
}

/// 415: the body is compressed or otherwise encoded (`Content-Encoding` other than
/// `identity`); the receiver reads plain JSON only and does not decompress, so that the size
/// limit bounds what it holds.
pub fn unsupported_encoding(found: &str) -> Value {
    one(
        "error",
        "not-supported",
        None,
        &format!("Content-Encoding \"{}\" is not accepted; send the report uncompressed (identity).", mask_in_text(found)),
        None,
    )
}

/// 405: the path exists but not for this method.
pub fn method_not_allowed(method: &str, path: &str, allowed: &str) -> Value {
    one(
        "error",
        "not-supported",
        None,
        &format!("{} is not served for {}; allowed: {}.", mask_in_text(method), mask_in_text(path), mask_in_text(allowed)),
        None,
    )
}

/// 503: the report could not be stored; nothing was accepted, send it again.
pub fn store_failed() -> Value {
    one("error", "transient", None, "The receiver could not store the report; it was not accepted. Send it again.", None)
}

/// 503: the receiver is at one of its bounds (requests in flight, bytes of bodies held);
/// nothing was read or stored, send it again after `Retry-After`.
pub fn busy(why: &str) -> Value {
    one("error", "transient", None, &format!("{why} Nothing was stored; send the report again after Retry-After."), None)
}

/// 408: the body did not arrive within the receiver's body-read timeout.
pub fn body_timeout(timeout: std::time::Duration) -> Value {
    one("error", "timeout", None, &format!("The request body did not arrive within {} s; nothing was stored.", timeout.as_secs_f64()), None)
}

/// 429: the report was rejected (its findings follow) and this sender's rejected reports
/// of the last minute fill its budget, so it was not stored; `wait` seconds until it is
/// stored again.
pub fn over_rejected_budget(rejection: &Value, wait: u64) -> Value {
    let mut v = one(
        "error",
        "throttled",
        None,
        &format!("This sender's rejected reports of the last minute reached the receiver's budget: this one was not stored (its findings follow). Rejected reports are stored again in {wait} s."),
        None,
    );
    if let (Some(list), Some(findings)) = (v["issue"].as_array_mut(), rejection["issue"].as_array()) {
        list.extend(findings.iter().cloned());
    }
    v
}

/// 404 for the GET endpoints.
pub fn not_found(what: &str) -> Value {
    one("error", "not-found", None, what, None)
}

/// 400 for a bad query parameter of the GET endpoints.
pub fn bad_request(what: &str) -> Value {
    one("error", "invalid", None, what, None)
}
