//! Fuzz the validator: raw bytes (anything at all), and valid reports changed by a
//! sequence of arbitrary edits (so the fuzzer reaches the semantic rules, not only the
//! JSON parser). Nothing may panic; every finding names a registered rule and a location.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use ffbkit_sdk::validate::{rule_by_id, Validator};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const BASES: [&str; 3] = [
    include_str!("../../fixtures/reports/valid/own-85-granted.json"),
    include_str!("../../fixtures/reports/valid/own-85-follow-up.json"),
    include_str!("../../fixtures/reports/valid/ig-example-encounter-6.json"),
];

mod edits;
use edits::{apply, Edit};

fn check(bytes: &[u8]) {
    let outcome = Validator::default_validator().validate_bytes(bytes);
    for d in &outcome.diagnostics {
        assert_eq!(rule_by_id(d.rule.as_str()).map(|r| r.rule), Some(d.rule), "rule {} does not round-trip", d.rule);
        assert!(d.location.starts_with("Bundle"), "{}", d.location);
        assert!(!d.message.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        check(rest);
        return;
    }
    let mut u = Unstructured::new(rest);
    let Ok(base) = u.choose_index(BASES.len()) else { return };
    let Ok(edits) = Vec::<Edit>::arbitrary(&mut u) else { return };
    let mut doc: Value = serde_json::from_str(BASES[base]).unwrap();
    for e in edits.iter().take(16) {
        apply(&mut doc, e);
    }
    check(serde_json::to_string(&doc).unwrap().as_bytes());
});
