//! Arbitrary edits of a JSON document, for fuzz targets that start from valid documents
//! (reports, journeys) so the fuzzer gets past the parser into the rules. Shared by the SDK's
//! `validate` target and `fuzz/conformance`'s `journey` target (included by path there).

use arbitrary::Arbitrary;
use serde_json::Value;

/// One edit of a report: the path is chosen by walking `steps` through the document.
#[derive(Arbitrary, Debug)]
pub enum Edit {
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

pub fn apply(doc: &mut Value, e: &Edit) {
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

