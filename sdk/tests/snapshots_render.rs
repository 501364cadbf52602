//! Snapshot tests (insta) of the rendered findings: for every invalid fixture of
//! `fixtures/reports/invalid/index.json` and every official IG example report
//! (`fixtures/reports/valid/ig-example-encounter-*.json`), the findings as
//! `ffbkit validate` shows them to a person (human format, no colour, CPR masked) and as
//! the gateway answers (`--format operation-outcome`). Paths in the text are relative to
//! the repository root, so the snapshots do not depend on the machine.
//!
//! The snapshots live in `sdk/tests/snapshots/`. After an intended change of a message,
//! review and accept the new texts with
//! `INSTA_UPDATE=always cargo test -p ffbkit-sdk --locked --test tests snapshots_render::`
//! and read `git diff sdk/tests/snapshots/` (or `cargo insta review`, if cargo-insta is
//! installed). Under `CI=true` insta writes nothing: a missing or different snapshot fails.

use ffbkit_sdk::validate::{render, Validator};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Render one fixture (path relative to the repository root) both ways and snapshot it.
fn snapshot(rel: &str) {
    let bytes = std::fs::read(repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let outcome = Validator::default_validator().validate_bytes(&bytes);
    let stem = Path::new(rel).file_stem().unwrap().to_string_lossy().into_owned();
    let human = render::human(rel, Some(&bytes), &outcome, false, false);
    let mut oo = render::operation_outcome(&outcome);
    oo["id"] = Value::String(rel.to_string());
    let oo = serde_json::to_string_pretty(&oo).unwrap();
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true, description => rel }, {
        insta::assert_snapshot!(format!("{stem}.human"), human);
        insta::assert_snapshot!(format!("{stem}.operation-outcome"), oo);
    });
}

#[test]
fn invalid_fixtures_render_stably() {
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("fixtures/reports/invalid/index.json")).unwrap()).unwrap();
    let cases = index["cases"].as_array().expect("index.json has cases");
    assert!(!cases.is_empty());
    for case in cases {
        let file = case["file"].as_str().expect("every case names a file");
        snapshot(&format!("fixtures/reports/invalid/{file}"));
    }
}

#[test]
fn ig_example_warnings_render_stably() {
    let mut files: Vec<String> = std::fs::read_dir(repo_root().join("fixtures/reports/valid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ig-example-encounter-") && n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        snapshot(&format!("fixtures/reports/valid/{f}"));
    }
}
