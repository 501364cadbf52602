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

/// One edit of a report: the path is chosen by walking `steps` through the document.
#[derive(Arbitrary, Debug)]
enum Edit {
    Remove { steps: Vec<u8> },
    SetString { steps: Vec<u8>, value: String },
    SetNumber { steps: Vec<u8>, value: i64 },
    SetNull { steps: Vec<u8> },
    CopyFrom { from: Vec<u8>, to: Vec<u8> },
    SwapArrayItems { steps: Vec<u8>, a: u8, b: u8 },
}

/// The JSON Pointer reached by walking `steps` (each picks a member or item, modulo size).
fn pointer(doc: &Value, steps: &[u8]) -> String {
    let mut v = doc;
    let mut p = String::new();
    for s in steps {
        match v {
            Value::Object(m) if !m.is_empty() => {
                let (k, next) = m.iter().nth(*s as usize % m.len()).unwrap();
                p.push('/');
                p.push_str(&k.replace('~', "~0").replace('/', "~1"));
                v = next;
            }
            Value::Array(a) if !a.is_empty() => {
                let i = *s as usize % a.len();
                p.push_str(&format!("/{i}"));
                v = &a[i];
            }
            _ => break,
        }
    }
    p
}

fn walk<'v>(doc: &'v mut Value, steps: &[u8]) -> &'v mut Value {
    let p = pointer(doc, steps);
    doc.pointer_mut(&p).expect("pointer was just computed")
}

fn apply(doc: &mut Value, e: &Edit) {
    match e {
        Edit::Remove { steps } => {
            if let Some((last, init)) = steps.split_last() {
                match walk(doc, init) {
                    Value::Object(m) if !m.is_empty() => {
                        let k = m.keys().nth(*last as usize % m.len()).cloned().unwrap();
                        m.remove(&k);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        let n = a.len();
                        a.remove(*last as usize % n);
                    }
                    _ => {}
                }
            }
        }
        Edit::SetString { steps, value } => *walk(doc, steps) = Value::String(value.clone()),
        Edit::SetNumber { steps, value } => *walk(doc, steps) = Value::from(*value),
        Edit::SetNull { steps } => *walk(doc, steps) = Value::Null,
        Edit::CopyFrom { from, to } => {
            let v = walk(doc, from).clone();
            *walk(doc, to) = v;
        }
        Edit::SwapArrayItems { steps, a, b } => {
            if let Value::Array(items) = walk(doc, steps) {
                if !items.is_empty() {
                    let n = items.len();
                    items.swap(*a as usize % n, *b as usize % n);
                }
            }
        }
    }
}

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
