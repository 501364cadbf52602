//! Fuzz the journey loader (issue 22): any text, and the embedded journeys changed by
//! arbitrary edits (so the fuzzer gets past JSON and the schema into resolving steps,
//! references and dates). `parse` answers `Ok` or a `JourneyError`, never a panic; a journey
//! it accepts can be described.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use ffbkit_conformance::journey::{describe, parse, EMBEDDED_FILES};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../fuzz_targets/edits.rs"]
mod edits;
use edits::{apply, Edit};

fn check(text: &str) {
    if let Ok(j) = parse(text, "fuzz.json") {
        for a in j.steps.iter().flat_map(|s| &s.actions) {
            let _ = describe(a);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 4 == 0 {
        check(&String::from_utf8_lossy(rest));
        return;
    }
    let (_, base) = EMBEDDED_FILES[mode as usize % EMBEDDED_FILES.len()];
    let mut doc: Value = serde_json::from_str(base).expect("embedded journeys are JSON");
    let mut u = Unstructured::new(rest);
    if let Ok(edits) = Vec::<Edit>::arbitrary(&mut u) {
        for e in edits.iter().take(8) {
            apply(&mut doc, e);
        }
    }
    check(&doc.to_string());
});
