//! `ffbkit validate --as-written` as a user runs it: the IG's invariants as their
//! expressions give them (on the FHIRPath engine), and every finding whose verdict differs
//! from ffbkit's intended reading says both, in human, JSONL and OperationOutcome output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports")
}

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().expect("ffbkit runs")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

const GOAL_2: &str = "kl-reporting-ffb-intervention-goal-2";

#[test]
fn the_valid_fixtures_fail_intervention_goal_2_as_written_and_say_the_intended_reading_passes() {
    let dir = fixtures().join("valid");
    let o = ffbkit(&["validate", "--as-written", "--color", "never", path(&dir)]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "as written, the reports with goals fail: {s}");
    assert!(
        s.contains(&format!("error[{GOAL_2}]: ffbkit says: the intended rule passes. The gateway as written would say: {GOAL_2}")),
        "{s}"
    );
    assert!(s.contains("valuePositiveInt = '1').count() = 1"), "the expression as written: {s}");
    assert!(s.contains("as written: the IG's invariants as their expressions give them"), "{s}");
    // The text-only rules are off (the IG's examples have no meta.lastUpdated).
    assert!(!s.contains("GW-LAST-UPDATED") && !s.contains("kl-reporting-ffb-care-plan-3"), "{s}");
    // Only the goals' invariant differs on the valid fixtures: the reports without goals stay valid.
    let errors: Vec<&str> = s.lines().filter(|l| l.starts_with("error[")).collect();
    assert!(!errors.is_empty() && errors.iter().all(|l| l.starts_with(&format!("error[{GOAL_2}]"))), "{s}");
    assert!(s.contains("8 report(s)") && s.contains("3 valid, 5 invalid"), "{s}");

    let intended = ffbkit(&["validate", path(&dir)]);
    assert_eq!(intended.status.code(), Some(0), "as intended they are valid");
}

#[test]
fn jsonl_and_operation_outcome_say_both_verdicts() {
    let f = fixtures().join("valid/own-85-granted.json");
    let o = ffbkit(&["validate", "--as-written", "--format", "jsonl", path(&f)]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let goal = lines.iter().find(|l| l["rule"] == GOAL_2).expect("an intervention-goal-2 finding");
    let m = goal["message"].as_str().unwrap_or("").to_lowercase();
    assert!(m.contains("ffbkit says: the intended rule passes") && m.contains("the gateway as written would say"), "{m}");
    assert_eq!(goal["severity"], "error");

    let o = ffbkit(&["validate", "--as-written", "--format", "operation-outcome", path(&f)]);
    let oo: serde_json::Value = serde_json::from_slice(&o.stdout).expect("an OperationOutcome");
    let issue = oo["issue"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["details"]["coding"][0]["code"] == GOAL_2))
        .expect("an intervention-goal-2 issue");
    let text = issue["details"]["text"].as_str().unwrap_or("").to_lowercase();
    assert!(text.contains("ffbkit says") && text.contains("the gateway as written would say"), "{text}");
}

#[test]
fn a_defect_the_gateway_misses_is_information_and_con_5_is_an_error() {
    // delivery-report-1: ffbkit's intended rule fails; entry.ofType(Condition) is empty, so
    // the expression as written is true.
    let f = fixtures().join("invalid/delivery-report-1-condition-neither.json");
    let o = ffbkit(&["validate", "--as-written", "--color", "never", path(&f)]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("information[kl-reporting-ffb-delivery-report-1]: ffbkit says:"), "{s}");
    assert!(s.contains("The gateway as written would say: kl-reporting-ffb-delivery-report-1 passes"), "{s}");

    let f = fixtures().join("invalid/con-5-withdrawn-condition.json");
    let o = ffbkit(&["validate", "--as-written", "--color", "never", path(&f)]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("error[con-5]") && s.contains("the gateway as written would say: an error"), "{s}");
    let intended = ffbkit(&["validate", "--color", "never", path(&f)]);
    assert!(String::from_utf8_lossy(&intended.stdout).contains("warning[con-5]"));
}

/// `ffbkit certify --as-written` end to end (it hung before the engine ran outside tokio's
/// cooperative budget): the reference vendor's Børge Mogensen reports, IG-conform as
/// intended, fail intervention-goal-2 as the IG writes it; the finding says both readings
/// in certify.json, JUnit and HTML; the mode is in the evidence, shown, and a resume in
/// the other mode is refused.
#[test]
fn certify_as_written_fails_the_reference_vendor_on_intervention_goal_2_and_says_both() {
    let dir = tempfile::tempdir().unwrap();
    let journeys = dir.path().join("journeys");
    std::fs::create_dir_all(&journeys).unwrap();
    std::fs::copy(fixtures().join("../journeys/boerge-mogensen.json"), journeys.join("boerge-mogensen.json")).unwrap();
    let run = dir.path().join("run");
    let certify = |extra: &[&str]| {
        let mut args = vec!["certify", "--journeys", path(&journeys), "--out", path(&run)];
        args.extend_from_slice(extra);
        ffbkit(&args)
    };
    let intended = certify(&[]);
    assert_eq!(intended.status.code(), Some(0), "{}", String::from_utf8_lossy(&intended.stdout));
    let out = certify(&["--as-written"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("fail  {GOAL_2}")), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("certify.json")).unwrap()).unwrap();
    assert_eq!(json["as_written"], true);
    let messages: Vec<&str> = json["journeys"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["verdicts"].as_array().unwrap())
        .filter(|v| v["check"] == GOAL_2 && v["status"] == "fail")
        .flat_map(|v| v["messages"].as_array().unwrap().iter().filter_map(|m| m.as_str()))
        .collect();
    assert!(!messages.is_empty());
    assert!(messages.iter().all(|m| m.contains("ffbkit says") && m.contains("The gateway as written would say")), "{messages:#?}");
    let junit = std::fs::read_to_string(run.join("certify.junit.xml")).unwrap();
    let html = std::fs::read_to_string(run.join("certify.html")).unwrap();
    assert!(junit.contains("The gateway as written would say") && html.contains("The gateway as written would say"));
    assert!(html.contains("as written (the IG&#39;s invariants") || html.contains("as written (the IG's invariants"), "mode shown");
    assert_eq!(ffbkit(&["certify", "verify", path(&run)]).status.code(), Some(0));
    // Resuming in the intended mode is refused.
    let resumed = certify(&["--resume"]);
    assert_eq!(resumed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("different --as-written"), "{}", String::from_utf8_lossy(&resumed.stderr));
}
