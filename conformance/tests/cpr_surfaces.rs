//! Issue 22: a CPR number never reaches an output in clear, whatever notation a report
//! writes it in and wherever in the report it stands. One citizen's number is written
//! plainly, with JSON escapes (`\u0030…`), as `DDMMYY NNNN`, as the Bundle id, as a key, and
//! at the end of a long value (where a cut at 60 characters used to leave eight digits); then
//! every surface is searched for it: the real `ffbkit serve` (each POST answer, every GET
//! endpoint, its debug log), `ffbkit validate` in each format and `ffbkit audit` in each
//! format.

use super::serve_process::Serve;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// Each digit as its JSON escape.
fn escaped(digits: &str) -> String {
    digits.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

/// The report bodies, each with the CPR number written another way; pretty-printed, so
/// that a finding's source line is the line that holds the number.
fn variants(cpr: &str) -> Vec<(&'static str, String)> {
    let base = ffbkit_sdk::sample::report(22, 7);
    let text = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    // Each variant with its own Bundle id (else the receiver answers 409 for a changed
    // re-send), unless the variant sets the id itself.
    let n = std::cell::Cell::new(0);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        n.set(n.get() + 1);
        v["id"] = json!(format!("cpr-variant-{}", n.get()));
        f(&mut v);
        v
    };
    let patient = |v: &mut Value| -> usize {
        v["entry"].as_array().unwrap().iter().position(|e| e["resource"]["resourceType"] == "Patient").expect("a Patient")
    };
    let plain = text(&base);
    assert!(plain.contains(&format!("\"{cpr}\"")), "the sample report names its citizen");
    vec![
        ("plain", plain.clone()),
        ("escaped", text(&with(&|_| {})).replace(&format!("\"{cpr}\""), &format!("\"{}\"", escaped(cpr)))),
        (
            "escaped-in-a-finding",
            text(&with(&|v| v["type"] = json!("PLACEHOLDER"))).replace("\"PLACEHOLDER\"", &format!("\"{}\"", escaped(cpr))),
        ),
        ("spaced-id", text(&with(&|v| v["id"] = json!(format!("{} {}", &cpr[..6], &cpr[6..]))))),
        ("dashed-type", text(&with(&|v| v["type"] = json!(format!("{}-{}", &cpr[..6], &cpr[6..]))))),
        ("cpr-id", text(&with(&|v| v["id"] = json!(cpr)))),
        (
            "cpr-key",
            text(&with(&|v| {
                let p = patient(v);
                v["entry"][p]["resource"][cpr] = json!("x");
            })),
        ),
        ("cut-value", text(&with(&|v| v["type"] = json!(format!("{}{cpr}", "x".repeat(52)))))),
    ]
}

/// The number in any notation, after undoing JSON's digit escapes: its first eight digits
/// (a cut value), or date and serial joined by a dash or a space.
fn leaks(text: &str, cpr: &str) -> Option<String> {
    let mut plain = text.to_string();
    for d in 0..10 {
        plain = plain.replace(&format!("\\u003{d}"), &d.to_string());
    }
    for needle in [cpr[..8].to_string(), format!("{}-{}", &cpr[..6], &cpr[6..8]), format!("{} {}", &cpr[..6], &cpr[6..8])] {
        if let Some(at) = plain.find(&needle) {
            let from = plain[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
            return Some(plain[from..(at + 20).min(plain.len())].to_string());
        }
    }
    None
}

fn assert_masked(surface: &str, text: &str, cpr: &str) {
    if let Some(context) = leaks(text, cpr) {
        panic!("{surface} shows the CPR number in clear: …{context}…");
    }
}

/// One exchange with the receiver: the status and the whole answer as text (head and body).
fn exchange(addr: &str, method_path: &str, body: &[u8]) -> (u16, String) {
    let a = super::serve_process::exchange(addr, &format!("{method_path} HTTP/1.1\r\nContent-Type: application/fhir+json"), body);
    (a.status, format!("{}{}", a.head, String::from_utf8_lossy(&a.body)))
}

fn ffbkit(args: &[&str], dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).arg(dir).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_cpr_number_in_any_notation_is_masked_on_every_surface() {
    let cpr = ffbkit_sdk::report::citizen_cpr(&ffbkit_sdk::sample::report(22, 7)).unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let variants = variants(&cpr);
    for (name, body) in &variants {
        std::fs::write(reports.join(format!("{name}.json")), body).unwrap();
    }

    // ffbkit validate, every format; ffbkit audit, every format.
    for format in ["human", "jsonl", "operation-outcome", "junit", "summary"] {
        let out = ffbkit(&["validate", "--format", format], &reports);
        assert_masked(&format!("ffbkit validate --format {format}"), &out, &cpr);
    }
    let human = ffbkit(&["validate", "--format", "human"], &reports);
    assert!(human.contains(&format!("{}-****", &cpr[..6])), "the masked number is shown: {human}");
    for format in ["table", "json", "html"] {
        let out = ffbkit(&["audit", "--format", format], &reports);
        assert_masked(&format!("ffbkit audit --format {format}"), &out, &cpr);
    }

    // ffbkit serve: the answers, every GET endpoint, the debug log.
    let log = dir.path().join("serve.log");
    let mut serve = Serve::start_logging(&dir.path().join("data"), &[], &log);
    for (name, body) in &variants {
        let (status, answer) = exchange(&serve.addr, "POST /fhir/Bundle", body.as_bytes());
        assert!(matches!(status, 201 | 422), "{name}: {answer}");
        assert_masked(&format!("the answer to POST {name}"), &answer, &cpr);
    }
    let (_, list) = exchange(&serve.addr, "GET /reports?limit=100", b"");
    assert_masked("GET /reports", &list, &cpr);
    let body = &list[list.find("\r\n\r\n").unwrap() + 4..];
    let seqs: Vec<u64> =
        serde_json::from_str::<Value>(body).unwrap()["reports"].as_array().unwrap().iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs.len(), variants.len());
    for seq in seqs {
        let (_, one) = exchange(&serve.addr, &format!("GET /reports/{seq}"), b"");
        assert_masked(&format!("GET /reports/{seq}"), &one, &cpr);
    }
    let (_, citizens) = exchange(&serve.addr, "GET /citizens", b"");
    assert_masked("GET /citizens", &citizens, &cpr);
    let body = &citizens[citizens.find("\r\n\r\n").unwrap() + 4..];
    let keys: Vec<String> = serde_json::from_str::<Value>(body).unwrap()["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["citizen_key"].as_str().unwrap().to_string())
        .collect();
    assert!(!keys.is_empty());
    for key in keys {
        for what in ["reports", "audit"] {
            let (status, text) = exchange(&serve.addr, &format!("GET /citizens/{key}/{what}"), b"");
            assert_eq!(status, 200, "{text}");
            assert_masked(&format!("GET /citizens/{{key}}/{what}"), &text, &cpr);
        }
    }
    serve.kill();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("report accepted"), "the debug log was written: {logged}");
    assert_masked("the serve log (RUST_LOG=debug)", &logged, &cpr);
}
