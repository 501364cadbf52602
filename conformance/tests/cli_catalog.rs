//! `ffbkit catalog` as a user runs it: the real binary, its output and exit codes.

use std::process::{Command, Output};

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().expect("ffbkit runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn show_finds_a_code_and_exits_0() {
    let o = ffbkit(&["catalog", "show", "638f44df-6bf2-47f8-9935-b8fdc83e5bf5"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.starts_with("Støtte til daglige opgaver i hjemmet\n"));
    assert!(s.contains("Serviceloven § 85"));
    assert!(s.contains("KLInterventionsFFB"));
}

#[test]
fn show_json_names_parent_and_value_sets() {
    let o = ffbkit(&["catalog", "show", "--format", "json", "464a2ab6-a7df-4b3a-b74d-7873f4cfe668"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["term"], "Spise");
    assert_eq!(v["kind"], "ad-tema");
    assert_eq!(v["level"], "undertema");
    assert_eq!(v["parent"]["term"], "Egenomsorg");
    assert!(v["value_sets"].as_array().unwrap().iter().any(|x| x == "KLConditionADCodesFFB"));
}

#[test]
fn unknown_code_exits_1_with_a_message() {
    let o = ffbkit(&["catalog", "show", "00000000-0000-0000-0000-000000000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no concept with code"));
}

#[test]
fn search_tolerates_case_and_danish_letters() {
    let o = ffbkit(&["catalog", "search", "AELDRE"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Almen ældre- og handicapvenlig bolig"));
    let o = ffbkit(&["catalog", "search", "samspil", "--kind", "ad-tema", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Indgå i samspil og kontakt,ad-tema,undertema"));
    let o = ffbkit(&["catalog", "search", "qqqqqq"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn value_sets_list_and_members() {
    let o = ffbkit(&["catalog", "valueset"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("KLTargetGroupsFFB"));
    let o = ffbkit(&["catalog", "valueset", "KLSeveritiesFFB", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 6);
    assert_eq!(ffbkit(&["catalog", "valueset", "NoSuchSet"]).status.code(), Some(1));
}

#[test]
fn export_json_and_csv_to_files() {
    let dir = std::env::temp_dir().join(format!("ffbkit-cli-{}", std::process::id()));
    let json = dir.join("catalog.json");
    let csv = dir.join("catalog.csv");
    assert_eq!(ffbkit(&["catalog", "export", "--out", json.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(ffbkit(&["catalog", "export", "--format", "csv", "-o", csv.to_str().unwrap()]).status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["format"], "ffbkit-catalog/1");
    assert_eq!(v["concepts"].as_array().unwrap().len(), 311);
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 312);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(ffbkit(&["catalog", "bogus"]).status.code(), Some(2));
    assert_eq!(ffbkit(&["catalog", "search"]).status.code(), Some(2));
    assert_eq!(ffbkit(&["catalog", "search", "x", "--kind", "nonsense"]).status.code(), Some(2));
    let o = ffbkit(&["catalog", "--code-system", "/nonexistent.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("ffbkit: "));
}

#[test]
fn loads_an_official_code_system_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/CodeSystem-FFB-20240530.json");
    let o = ffbkit(&["catalog", "--code-system", path.to_str().unwrap(), "show", "464a2ab6-a7df-4b3a-b74d-7873f4cfe668"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn summary_without_subcommand() {
    let o = ffbkit(&["catalog"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("version 20240530"));
}
