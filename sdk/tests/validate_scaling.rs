//! Issue 22: validation time grows linearly with the size of one report, in entries and in
//! findings. Before, line and column were found by scanning from the first byte for every
//! finding (80,000 findings: 40 s; 20,000 copies of an entry: 15 s). These tests compare
//! a report with ten times the entries or findings of another: linear time gives a ratio
//! near 10, quadratic near 100; the bound is 30, far from both (the absolute figures, release
//! build: benches/README.md, "Issue 22: validation time against report size").

use ffbkit_sdk::validate::Validator;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn base() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap(),
    )
    .unwrap()
}

/// The base report with `n` entries: its own, then its entries but the Patient copied with
/// new ids (a valid report).
fn distinct(n: usize) -> Vec<u8> {
    let mut r = base();
    let extra: Vec<Value> = r["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] != "Patient").cloned().collect();
    let entries = r["entry"].as_array_mut().unwrap();
    let mut i = 0;
    while entries.len() < n {
        let mut e = extra[i % extra.len()].clone();
        i += 1;
        let id = format!("00000000-0000-4000-8000-{i:012}");
        let old = e["resource"]["id"].as_str().unwrap().to_string();
        e["resource"]["id"] = json!(id);
        let url = e["fullUrl"].as_str().unwrap().replace(&old, &id);
        e["fullUrl"] = json!(url);
        entries.push(e);
    }
    serde_json::to_vec(&r).unwrap()
}

/// The base report plus `n` copies of one entry: `n` duplicate-id findings, pretty-printed
/// (each finding on its own line).
fn copies(n: usize) -> Vec<u8> {
    let mut r = base();
    let one = r["entry"][2].clone();
    r["entry"].as_array_mut().unwrap().extend(std::iter::repeat_n(one, n));
    serde_json::to_vec_pretty(&r).unwrap()
}

/// The base report plus an object of `n` unknown keys on one line: `n` findings.
fn keys(n: usize) -> Vec<u8> {
    let mut r = base();
    r["zz"] = Value::Object((0..n).map(|i| (format!("k{i}"), json!(1))).collect());
    serde_json::to_vec(&r).unwrap()
}

/// The best of three validations, and the number of findings.
fn time(bytes: &[u8]) -> (Duration, usize) {
    let v = Validator::default_validator();
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let t = Instant::now();
        findings = v.validate_bytes(bytes).diagnostics.len();
        best = best.min(t.elapsed());
    }
    (best, findings)
}

fn assert_linear(what: &str, make: fn(usize) -> Vec<u8>, n: usize) {
    let (small, small_findings) = time(&make(n));
    let (large, large_findings) = time(&make(10 * n));
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    eprintln!(
        "{what}: {n} in {small:?} ({small_findings} findings), {} in {large:?} ({large_findings} findings): ratio {ratio:.1}",
        10 * n
    );
    assert!(ratio < 30.0, "{what}: ten times the size took {ratio:.1} times as long ({small:?} -> {large:?})");
}

#[test]
fn time_is_linear_in_the_entries_of_a_report() {
    assert_linear("distinct entries", distinct, 2_000);
}

#[test]
fn time_is_linear_in_the_findings_of_a_report() {
    assert_linear("copies of one entry", copies, 1_000);
    assert_linear("unknown keys", keys, 4_000);
}
