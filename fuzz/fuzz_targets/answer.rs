//! Fuzz the reading of a gateway's answer (issue 22): any bytes read as an
//! `OperationOutcome` (`from_operation_outcome`, what the SDK's client does with an answer)
//! never panic; and the OperationOutcome ffbkit writes for any input reads back to the same
//! findings: one issue per finding, with its rule id, in order.

#![no_main]

use ffbkit_sdk::validate::render::{from_operation_outcome, operation_outcome};
use ffbkit_sdk::validate::Validator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        for issue in from_operation_outcome(&v) {
            assert!(!issue.severity.is_empty() && !issue.code.is_empty());
        }
    }
    let outcome = Validator::default_validator().validate_bytes(data);
    let written = operation_outcome(&outcome);
    let read = from_operation_outcome(&serde_json::from_str(&written.to_string()).expect("ffbkit writes JSON"));
    if outcome.diagnostics.is_empty() {
        assert_eq!(read.len(), 1, "a valid report is one informational issue");
        assert_eq!(read[0].severity, "information");
    } else {
        assert_eq!(read.len(), outcome.diagnostics.len());
        for (d, i) in outcome.diagnostics.iter().zip(&read) {
            assert_eq!(i.rule.as_deref(), Some(d.rule.as_str()));
            assert_eq!(i.severity, d.severity.as_str());
            assert_eq!(i.expression.as_deref(), Some(d.location.as_str()));
        }
    }
});
