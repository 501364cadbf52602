//! The IG example fixtures (`fixtures/reports/valid/ig-example-encounter-{2,3,5,6,7}.json`)
//! are made by `fixtures/tools/ig_example.py` from the IG's FSH source (hl7dk/kl-ffb-reporting,
//! tag 1.0.0), never edited by hand. Its lock, `fixtures/tools/ig_example.lock.json`, records
//! the sha256 of the script and of every output. These tests fail when a fixture was edited
//! by hand or the script changed without regenerating. That the five reports validate with
//! no error is tested, with every valid fixture, by `corpus.rs`.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const LOCK: &str = "fixtures/tools/ig_example.lock.json";
const SCRIPT: &str = "fixtures/tools/ig_example.py";
const REGENERATE: &str = "python3 fixtures/tools/ig_example.py --source <working tree or bare git mirror of hl7dk/kl-ffb-reporting>";
/// The IG 1.0.0 release commit (tag `1.0.0`) the fixtures are made from.
const IG_COMMIT: &str = "22b3d14d4fedbdf3a08a6c5b2c223db9d436bcf7";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn lock() -> Value {
    let text = std::fs::read_to_string(repo_root().join(LOCK)).unwrap_or_else(|e| panic!("{LOCK}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{LOCK} is not JSON: {e}"))
}

#[test]
fn the_lock_names_the_ig_release_and_the_five_reports() {
    let lock = lock();
    assert_eq!(lock["source"]["repository"], "hl7dk/kl-ffb-reporting");
    assert_eq!(lock["source"]["commit"], IG_COMMIT, "{LOCK}: the fixtures must be made from the IG 1.0.0 commit");
    assert!(lock["inputs"]["input/fsh/KLReportingFFBExample.fsh"].is_string(), "{LOCK}: the example's FSH file is not among the inputs");
    let outputs: BTreeSet<String> = lock["outputs"].as_object().expect("lock outputs").keys().cloned().collect();
    let expected: BTreeSet<String> =
        [2, 3, 5, 6, 7].iter().map(|n| format!("fixtures/reports/valid/ig-example-encounter-{n}.json")).collect();
    assert_eq!(outputs, expected);
    // No IG example fixture exists that the script did not make.
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo_root().join("fixtures/reports/valid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ig-example"))
        .map(|n| format!("fixtures/reports/valid/{n}"))
        .collect();
    assert_eq!(on_disk, expected, "fixtures/reports/valid has IG example files the script does not make; regenerate: {REGENERATE}");
}

#[test]
fn the_script_and_the_fixtures_match_the_lock() {
    let lock = lock();
    assert_eq!(lock["script"]["path"], SCRIPT);
    let script = sha256_hex(&repo_root().join(SCRIPT));
    assert_eq!(
        lock["script"]["sha256"].as_str(),
        Some(script.as_str()),
        "{SCRIPT} changed since the fixtures were made; regenerate them and the lock: {REGENERATE}"
    );
    let outputs = lock["outputs"].as_object().expect("lock outputs");
    assert!(!outputs.is_empty());
    for (rel, want) in outputs {
        let got = sha256_hex(&repo_root().join(rel));
        assert_eq!(
            want.as_str(),
            Some(got.as_str()),
            "{rel} differs from what {SCRIPT} made (edited by hand?); the IG example fixtures are generated, regenerate: {REGENERATE}"
        );
    }
}

#[test]
fn full_regeneration_check_when_the_ig_source_is_given() {
    let Some(source) = std::env::var_os("FFBKIT_IG_SOURCE") else {
        println!(
            "ig_example: full regeneration check skipped: FFBKIT_IG_SOURCE is not set (CI machines have no copy of the IG source); \
             set it to a working tree or bare git mirror of hl7dk/kl-ffb-reporting to run `{SCRIPT} --check`"
        );
        return;
    };
    let out = Command::new("python3")
        .arg(repo_root().join(SCRIPT))
        .arg("--source")
        .arg(&source)
        .arg("--check")
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {SCRIPT}: {e}"));
    assert!(
        out.status.success(),
        "{SCRIPT} --source {} --check failed ({}):\n{}{}",
        Path::new(&source).display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
