//! `ffbkit certify --testscript`: MedCom's `ffb-encounter-1-7` run on what the reference
//! vendor reports in the Børge Mogensen journey (its steps name the script's tests), over
//! real HTTP on loopback, as the real binary. The result is pinned per assert: every
//! failing assert is listed with the reason it fails on these reports (docs/testscript.md,
//! "In certify"); the script's result is reported in certify.json, JUnit and HTML, is
//! rebuilt by `certify verify`, and does not change the certificate's verdict.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SCRIPT: &str = "fixtures/testscripts/TestScript-ffb-encounter-1-7.json";

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).current_dir(root()).output().expect("ffbkit runs")
}

/// A journeys directory holding only the named journeys of the embedded suite.
fn journeys(dir: &Path, ids: &[&str]) -> PathBuf {
    let out = dir.join("journeys");
    std::fs::create_dir_all(&out).unwrap();
    for id in ids {
        let file = format!("{id}.json");
        std::fs::copy(root().join("fixtures/journeys").join(&file), out.join(&file)).unwrap();
    }
    out
}

/// The asserts that fail on the reference vendor's Børge Mogensen reports, as (test,
/// action), each with why (none is a defect of the reference vendor under IG 1.0.0):
const FAILING: &[(&str, usize, &str)] = &[
    // The vendor records a Condition's recordedDate as a date, on the day it reports: a date
    // against the Bundle's dateTime on the same day is empty in FHIRPath (N1 section 6.2),
    // so `all(recordedDate <= %resource.timestamp)` is false. The IG example records
    // dateTimes of an earlier hour.
    ("ffb-2", 27, "same-day recordedDate (date) vs timestamp"),
    ("ffb-3", 36, "same-day recordedDate (date) vs timestamp"),
    // One report per citizen and day (PROTO-ONE-DAY): bestilling holds what the IG example
    // splits into encounters 3 and 5, so its 3 target-group Conditions are not findings.
    ("ffb-3", 7, "Conditions = ClinicalImpression.finding, on a report that also holds the grant"),
    // The example makes one target-group Condition (5cfc9530…, Anden udviklingsforstyrrelse)
    // per care plan; the reference vendor one per citizen, addressed by both care plans.
    ("ffb-5", 5, "target group Condition twice"),
    ("ffb-6", 4, "target group Condition twice"),
    ("ffb-7", 4, "target group Condition twice"),
    ("ffb-7", 19, "target group Condition twice"),
    // The example's botilbud care plan has intent `plan`; the journey grants it (`order`).
    ("ffb-5", 9, "botilbud care plan with intent plan"),
    ("ffb-6", 7, "botilbud care plan with intent plan"),
    // Two CareTeams of the dagtilbud category (the ended and the new dagtilbud): the left
    // operand of `in` has two items, an error in FHIRPath; the example has one.
    ("ffb-6", 8, "`in` with a two-item left operand"),
    // The final report holds what changed; the example repeats the unchanged ServiceRequest
    // and ClinicalImpression.
    ("ffb-7", 9, "ServiceRequest not repeated"),
    ("ffb-7", 10, "ServiceRequest not repeated"),
    ("ffb-7", 15, "ClinicalImpression not repeated"),
];

#[test]
fn medcoms_script_on_the_reference_vendors_boerge_mogensen_reports_is_pinned_and_reported_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let js = journeys(dir.path(), &["boerge-mogensen"]);
    let out = ffbkit(&[
        "certify",
        "--vendor",
        "reference",
        "--journeys",
        js.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "--testscript",
        SCRIPT,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "reported only: the vendor still passes\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("testscript ffb-encounter-1-7 on boerge-mogensen: 102 pass, 13 fail, 18 not applicable (reported only, not part of the verdict)"),
        "{stdout}"
    );

    // certify.json: the section, the tests' reports, every assert.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(run.join("certify.json")).unwrap()).unwrap();
    assert_eq!(json["status"], "pass");
    let section = &json["testscripts"][0];
    assert_eq!((section["script"].as_str(), section["journey"].as_str()), (Some("ffb-encounter-1-7"), Some("boerge-mogensen")));
    assert_eq!(section["gates_certificate"], false);
    let steps: Vec<(&str, &str)> =
        section["tests"].as_array().unwrap().iter().map(|t| (t["test"].as_str().unwrap(), t["step"].as_str().unwrap())).collect();
    assert_eq!(
        steps,
        [("ffb-2", "sagsoplysning"), ("ffb-3", "bestilling"), ("ffb-5", "bestilling"), ("ffb-6", "opfoelgning"), ("ffb-7", "afslutning")]
    );
    assert!(section["tests"].as_array().unwrap().iter().all(|t| t["report"].as_i64().is_some()), "{section:#}");
    let asserts = section["asserts"].as_array().unwrap();
    assert_eq!(asserts.len(), 133);
    let failing: Vec<(String, usize)> = asserts
        .iter()
        .filter(|a| a["status"] == "fail")
        .map(|a| (a["test"].as_str().unwrap().to_string(), a["action"].as_u64().unwrap() as usize))
        .collect();
    let mut expected: Vec<(String, usize)> = FAILING.iter().map(|(t, a, _)| (t.to_string(), *a)).collect();
    expected.sort();
    let mut got = failing.clone();
    got.sort();
    assert_eq!(got, expected, "the failing asserts changed; explain each in FAILING and docs/testscript.md");
    let na: Vec<&Value> = asserts.iter().filter(|a| a["status"] == "not_applicable").collect();
    assert_eq!(na.len(), 18);
    assert!(na.iter().all(|a| a["why"] == "ig_0_9_0_url"), "{na:#?}");
    assert!(asserts.iter().filter(|a| a["status"] == "fail").all(|a| a["reason"].as_str().is_some_and(|r| !r.is_empty())));

    // JUnit: a suite of its own, a case per assert; failures and skips counted.
    let junit = std::fs::read_to_string(run.join("certify.junit.xml")).unwrap();
    assert!(
        junit.contains(r#"<testsuite name="testscript ffb-encounter-1-7 on journey boerge-mogensen (reported only)" tests="133" failures="13" errors="0" skipped="18">"#),
        "{junit}"
    );
    assert!(junit.contains("not applicable: it names the IG 0.9.0 URL"));
    // HTML: the section, linked to the reports.
    let html = std::fs::read_to_string(run.join("certify.html")).unwrap();
    assert!(html.contains("TestScript <code>ffb-encounter-1-7</code>") && html.contains("102 pass, 13 fail, 18 not applicable"));
    assert!(html.contains(r##"<a href="#r-"##));
    // CPR numbers stay masked in all three.
    for c in ffbkit_conformance::journey::embedded().iter().flat_map(|j| j.citizens.clone()) {
        for (name, text) in [("json", json.to_string()), ("junit", junit.clone()), ("html", html.clone())] {
            assert!(!text.contains(&c.cpr), "{name} shows a CPR number");
        }
    }

    // verify rebuilds the section from the evidence store; an edited result is caught.
    assert_eq!(ffbkit(&["certify", "verify", run.to_str().unwrap()]).status.code(), Some(0));
    let path = run.join("certify.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"status\": \"fail\"", "\"status\": \"pass\"", 1)).unwrap();
    let verify = ffbkit(&["certify", "verify", run.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("the TestScript results differ from the evidence"));
}

#[test]
fn a_script_no_step_maps_or_a_file_that_is_no_testscript_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    // sel82-forebyggende names no test of the script.
    let js = journeys(dir.path(), &["sel82-forebyggende"]);
    let out = ffbkit(&["certify", "--journeys", js.to_str().unwrap(), "--out", run.to_str().unwrap(), "--testscript", SCRIPT]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no journey step maps a test of the script (tests: ffb-2, ffb-3, ffb-5, ffb-6, ffb-7)"), "{stderr}");
    // A report is not a TestScript; a missing file.
    for file in ["fixtures/reports/valid/ig-example-encounter-2.json", "no/such/file.json"] {
        let out = ffbkit(&["certify", "--out", run.to_str().unwrap(), "--testscript", file]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--testscript"), "{file}");
    }
    assert!(!run.join("certify.json").exists(), "nothing ran");
}
