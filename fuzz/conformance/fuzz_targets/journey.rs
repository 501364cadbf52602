//! Fuzz the journey loader (issue 22): any text, and the embedded journeys changed by
//! arbitrary edits (so the fuzzer gets past JSON and the schema into resolving steps,
//! references and dates). `parse` answers `Ok` or a `JourneyError`, never a panic; a journey
//! it accepts can be described.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use ffbkit_conformance::journey::{describe, parse, EMBEDDED_FILES};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[derive(Arbitrary, Debug)]
enum Edit {
    Remove(Vec<u8>),
    SetString(Vec<u8>, String),
    SetNumber(Vec<u8>, i64),
    SetNull(Vec<u8>),
    Copy(Vec<u8>, Vec<u8>),
}

/// The JSON Pointer reached by walking `steps` (each picks a member or item, modulo size).
fn pointer(doc: &Value, steps: &[u8]) -> String {
    let (mut at, mut p) = (doc, String::new());
    for s in steps {
        match at {
            Value::Object(o) if !o.is_empty() => {
                let (k, v) = o.iter().nth(*s as usize % o.len()).expect("in range");
                p.push('/');
                p.push_str(&k.replace('~', "~0").replace('/', "~1"));
                at = v;
            }
            Value::Array(a) if !a.is_empty() => {
                let i = *s as usize % a.len();
                p.push_str(&format!("/{i}"));
                at = &a[i];
            }
            _ => break,
        }
    }
    p
}

/// The value at the end of that walk.
fn walk<'a>(doc: &'a mut Value, steps: &[u8]) -> &'a mut Value {
    let p = pointer(doc, steps);
    doc.pointer_mut(&p).expect("the pointer was just walked")
}

fn apply(doc: &mut Value, edit: Edit) {
    match edit {
        Edit::Remove(p) => *walk(doc, &p) = Value::Null,
        Edit::SetString(p, s) => *walk(doc, &p) = Value::String(s),
        Edit::SetNumber(p, n) => *walk(doc, &p) = Value::from(n),
        Edit::SetNull(p) => {
            if let Value::Object(o) = walk(doc, &p) {
                o.clear();
            }
        }
        Edit::Copy(from, to) => {
            let v = walk(doc, &from).clone();
            *walk(doc, &to) = v;
        }
    }
}

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
        for e in edits.into_iter().take(8) {
            apply(&mut doc, e);
        }
    }
    check(&doc.to_string());
});
