//! What the receiver does with a request body before storing it: parse it once into the
//! validator's tree, validate that tree with the SDK's validator (the gateway's rules, one
//! place), pick out of the same tree what the store indexes (Bundle id, the citizen's CPR
//! number by [`ffbkit_sdk::report::citizen_cpr`], municipality, timestamp) and decide the
//! answer.
//!
//! Statuses: 201 accepted (no error finding; warnings and information are in the
//! `OperationOutcome`); 400 when the body is not a JSON object at all (malformed JSON,
//! not UTF-8, an array, ...); 422 when it is a JSON object with error findings; 415 when the
//! declared `Content-Type` is not JSON; 500 should the validator fail (the body is kept).

use super::answer;
use super::store::Incoming;
use ffbkit_sdk::as_written::Checker;
use ffbkit_sdk::validate::render::operation_outcome;
use ffbkit_sdk::validate::{json, source, Outcome, Validator};

/// Parse `body` once, validate the tree and read the store's keys from it; with a checker,
/// the IG's invariants are then judged as written (`ffbkit serve --as-written`).
fn check(validator: &Validator, as_written: Option<&Checker>, body: &[u8]) -> (Outcome, Option<Keys>) {
    json::with_arena(|arena| {
        let parsed = source::parse(body, arena, &validator.options().limits);
        let mut outcome = validator.validate_parsed(body, &parsed);
        if let Some(checker) = as_written {
            outcome = checker.rejudge(outcome, body).outcome;
        }
        let keys = match &parsed {
            Ok((tree, _)) if tree.is_object() => Some(Keys {
                bundle_id: tree.get("id").and_then(json::Json::as_str).map(str::to_string),
                cpr: ffbkit_sdk::report::citizen_cpr(tree).map(str::to_string),
            }),
            _ => None,
        };
        (outcome, keys)
    })
}

/// The request as read off the wire.
#[derive(Clone, Debug)]
pub struct Request {
    /// The body.
    pub body: Vec<u8>,
    /// The `Content-Type` header, when given.
    pub content_type: Option<String>,
    /// The `Content-Encoding` header, when given (anything but `identity` is refused: 415).
    pub content_encoding: Option<String>,
    /// The `Idempotency-Key` header, when given.
    pub idempotency_key: Option<String>,
    /// Who sent it.
    pub sender: String,
    /// When it arrived (RFC 3339 UTC).
    pub received_at: String,
}

/// What the store indexes, read from the tree the validator checked; `None` when the
/// body is not a JSON object.
struct Keys {
    bundle_id: Option<String>,
    cpr: Option<String>,
}

fn is_json_media_type(ct: &str) -> bool {
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(essence.as_str(), "application/fhir+json" | "application/json")
}

/// Validate and classify one request (CPU work: run it off the async runtime).
pub fn intake(validator: &Validator, req: Request) -> Incoming {
    intake_as(validator, None, req)
}

/// [`intake`], judging the IG's invariants as written when a checker is given (the answer
/// is then what a gateway built on the HL7 validator would say; a finding whose verdict
/// differs from ffbkit's intended reading says both).
pub fn intake_as(validator: &Validator, as_written: Option<&Checker>, req: Request) -> Incoming {
    let mut inc = Incoming {
        dedupe_key: req.idempotency_key.clone(),
        bundle_id: None,
        received_at: req.received_at,
        sender: req.sender,
        cpr: None,
        municipality: None,
        timestamp: None,
        status: 0,
        outcome: serde_json::Value::Null,
        body: Vec::new(),
    };
    if let Some(enc) = req.content_encoding.as_deref().filter(|e| !e.trim().eq_ignore_ascii_case("identity")) {
        inc.status = 415;
        inc.outcome = answer::unsupported_encoding(enc);
        inc.body = req.body;
        return inc;
    }
    if let Some(ct) = req.content_type.as_deref().filter(|ct| !is_json_media_type(ct)) {
        inc.status = 415;
        inc.outcome = answer::unsupported_media_type(ct);
        inc.body = req.body;
        return inc;
    }
    // The validator does not panic on input (fuzzed; rule ids are typed, nothing is looked
    // up at run time). The body is parsed once, for the validator and the keys.
    let (outcome, keys) = check(validator, as_written, &req.body);
    inc.status = match (&keys, outcome.is_valid()) {
        (None, _) => 400,
        (Some(_), true) => 201,
        (Some(_), false) => 422,
    };
    if let Some(k) = keys {
        inc.bundle_id = k.bundle_id;
        inc.cpr = k.cpr;
    }
    if inc.dedupe_key.is_none() {
        inc.dedupe_key = inc.bundle_id.clone();
    }
    inc.municipality = outcome.municipality.clone();
    inc.timestamp = outcome.timestamp.clone();
    inc.outcome = operation_outcome(&outcome);
    inc.body = req.body;
    inc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &[u8], ct: Option<&str>) -> Request {
        Request {
            body: body.to_vec(),
            content_type: ct.map(str::to_string),
            content_encoding: None,
            idempotency_key: None,
            sender: "t".into(),
            received_at: "2026-01-01T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn a_sample_report_is_accepted_with_its_keys() {
        let r = ffbkit_sdk::sample::report(3, 0);
        let body = serde_json::to_vec(&r).unwrap();
        let inc = intake(Validator::default_validator(), req(&body, Some("application/fhir+json; charset=utf-8")));
        assert_eq!(inc.status, 201, "{}", inc.outcome);
        assert_eq!(inc.bundle_id.as_deref(), r["id"].as_str());
        assert_eq!(inc.dedupe_key, inc.bundle_id);
        let cpr = inc.cpr.as_deref().expect("cpr found");
        assert!(ffbkit_sdk::cpr::is_valid(cpr));
        assert!(inc.municipality.is_some() && inc.timestamp.is_some());
    }

    #[test]
    fn as_written_the_igs_example_is_refused_and_the_answer_says_both_verdicts() {
        let body = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/ig-example-encounter-3.json")).unwrap();
        let v = Validator::default_validator();
        assert_eq!(intake(v, req(&body, None)).status, 201);
        let inc = intake_as(v, Some(Checker::shared()), req(&body, None));
        assert_eq!(inc.status, 422, "{}", inc.outcome);
        let text = inc.outcome.to_string();
        assert!(text.contains("kl-reporting-ffb-intervention-goal-2") && text.contains("The gateway as written would say"), "{text}");
    }

    #[test]
    fn statuses_for_bad_bodies() {
        let v = Validator::default_validator();
        assert_eq!(intake(v, req(b"{\"resourceType\": ", None)).status, 400);
        assert_eq!(intake(v, req(b"[1,2]", None)).status, 400);
        assert_eq!(intake(v, req(&[0xff, 0xfe, b'{'], None)).status, 400);
        assert_eq!(intake(v, req(b"{\"resourceType\": \"Bundle\"}", None)).status, 422);
        assert_eq!(intake(v, req(b"{}", Some("text/plain"))).status, 415);
        // A gzip body (magic bytes 1f 8b) declared as such is refused by its encoding.
        let gzip = Request { content_encoding: Some("gzip".into()), ..req(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", None) };
        let inc = intake(v, gzip);
        assert_eq!(inc.status, 415);
        assert!(inc.outcome.to_string().contains("Content-Encoding \\\"gzip\\\" is not accepted"), "{}", inc.outcome);
        // Issue 22: nesting at any depth is unreadable JSON (400, GW-JSON), not 422.
        for depth in [200, 1_000_000] {
            let mut deep = b"{\"a\":".repeat(depth);
            deep.extend_from_slice(b"1");
            deep.extend(std::iter::repeat_n(b'}', depth));
            let inc = intake(v, req(&deep, None));
            assert_eq!(inc.status, 400, "depth {depth}: {}", inc.outcome);
            assert!(inc.outcome.to_string().contains("GW-JSON"), "{}", inc.outcome);
        }
    }
}
