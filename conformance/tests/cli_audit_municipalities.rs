//! `ffbkit audit --municipalities FILE --top N,...` (issue 21): municipalities by name, the
//! coverage view out of the 98 with a mapping, out of those present without one (and the
//! output says so, showing STS ids), in table, JSON and HTML; a bad mapping file is exit 2
//! with its line. The streams are written here: five citizens planned from the example
//! case, whose counts the SDK's audit gives per citizen.

use ffbkit_sdk::audit::audit_citizen;
use ffbkit_sdk::domain::{Cpr, Date};
use ffbkit_sdk::planner::{example_case_seeded, Planner};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().unwrap()
}

const KBH: &str = "aaaaaaaa-0000-4000-8000-000000000101";
const AARHUS: &str = "aaaaaaaa-0000-4000-8000-000000000751";
const OTHER: &str = "aaaaaaaa-0000-4000-8000-000000000999";
const CPRS: [&str; 5] = ["0101801234", "0202801234", "0303801234", "0404801234", "0505801234"];

/// Five citizens: three in KBH, one in AARHUS, one in OTHER. Returns the directory and one
/// citizen's coverage (all five are the same case).
fn streams(name: &str) -> (PathBuf, ffbkit_sdk::audit::Coverage) {
    let dir = std::env::temp_dir().join(format!("ffbkit-audit-mun-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let day = Date::parse("2025-03-03").unwrap();
    let mut text = String::new();
    let mut one = None;
    for (i, org) in [KBH, KBH, KBH, AARHUS, OTHER].iter().enumerate() {
        let mut case = example_case_seeded(i as u64 + 1);
        case.citizen.municipality = org.to_string();
        case.citizen.cpr = Cpr::parse(CPRS[i]).unwrap();
        let report = Planner::new().plan_day(&case, day).unwrap();
        let c = audit_citizen(std::slice::from_ref(&report)).coverage;
        assert_eq!(*one.get_or_insert(c), c, "the same case gives the same counts");
        text.push_str(&serde_json::to_string(&report).unwrap());
        text.push('\n');
    }
    std::fs::write(dir.join("stream.ndjson"), text).unwrap();
    std::fs::write(dir.join("map.csv"), format!("sts_uuid,kommunekode\n{KBH},101\n{},0751\n", AARHUS.to_uppercase())).unwrap();
    (dir, one.unwrap())
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn with_a_mapping_the_view_is_out_of_98_with_names() {
    let (dir, one) = streams("map");
    let map = dir.join("map.csv");
    let o = ffbkit(&["audit", "--json", "--municipalities", s(&map), "--top", "1,7", s(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["citizens"], 5);
    assert_eq!(v["municipality_mapping"], 2);
    let cv = &v["coverage_view"];
    assert_eq!(cv["universe"], "register");
    assert_eq!(cv["out_of"], 98);
    assert_eq!(cv["municipalities"].as_array().unwrap().len(), 98);
    let ad = cv["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "ad_themes").unwrap();
    assert_eq!(ad["total"], 4 * one.ad_themes, "the unmapped citizen is not counted");
    assert_eq!((ad["reporting"].as_u64(), ad["none"].as_u64()), (Some(2), Some(96)));
    assert_eq!(ad["top"][0]["n"], 1);
    assert_eq!(ad["top"][0]["share"], 75.0, "København holds three of four citizens' themes");
    assert_eq!(ad["top"][1]["share"], 100.0);
    let st = cv["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "support_assessments").unwrap();
    assert_eq!(st["total"], 4 * one.support_assessments);
    let kbh = cv["municipalities"].as_array().unwrap().iter().find(|m| m["kommunekode"] == "101").unwrap();
    assert_eq!(kbh["name"], "København");
    assert_eq!(kbh["citizens"], 3);
    assert_eq!(kbh["sts_ids"][0], KBH);
    assert_eq!(cv["unmapped"][0]["sts_ids"][0], OTHER);
    // The existing per-municipality totals keep their fields and gain the name.
    let pm = v["per_municipality"].as_array().unwrap();
    assert_eq!(pm.len(), 3);
    let aarhus = pm.iter().find(|m| m["municipality"] == AARHUS).unwrap();
    assert_eq!((aarhus["kommunekode"].as_str(), aarhus["name"].as_str()), (Some("751"), Some("Aarhus")));
    assert!(aarhus["coverage"]["ad_themes"].is_number());
    assert!(pm.iter().find(|m| m["municipality"] == OTHER).unwrap()["name"].is_null());

    let table = String::from_utf8(ffbkit(&["audit", "--municipalities", s(&map), s(&dir)]).stdout).unwrap();
    assert!(table.contains("101 København"), "{table}");
    assert!(table.contains("not in the mapping"), "{table}");
    assert!(table.contains("Out of Denmark's 98 municipalities"), "{table}");
    assert!(table.contains("top 7 hold 100.0 %, top 10 hold 100.0 %"), "default --top 7,10: {table}");

    let page = dir.join("audit.html");
    let o = ffbkit(&["audit", "--format", "html", "--municipalities", s(&map), "-o", s(&page), s(&dir)]);
    assert_eq!(o.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("data-universe=\"register\" data-out-of=\"98\""));
    assert_eq!(html.matches("<tr data-kommune=").count(), 98);
    let row = html.lines().find(|l| l.starts_with("<tr data-kommune=\"101\"")).unwrap();
    assert!(row.contains("101 København") && row.contains(KBH), "{row}");
    let soroe = html.lines().find(|l| l.starts_with("<tr data-kommune=\"340\"")).unwrap();
    assert!(soroe.contains("<td class=\"none\">0</td>"), "absent municipalities report none: {soroe}");
    assert!(html.contains("<th>top 7 share</th><th>top 10 share</th>"));
    assert!(html.contains("<tr data-measure=\"ad_themes\"><td class=\"l\">A&amp;D themes</td>"));
    assert!(html.contains("report none"));
    assert_eq!(html.matches("<tr data-municipality=").count(), 3, "the audited organisations' table is unchanged");
    for cpr in CPRS {
        assert!(!html.contains(cpr) && !table.contains(cpr), "CPR masked");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn without_a_mapping_the_output_says_so_and_shows_sts_ids() {
    let (dir, one) = streams("nomap");
    let o = ffbkit(&["audit", "--json", s(&dir.join("stream.ndjson"))]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["municipality_mapping"].is_null());
    let cv = &v["coverage_view"];
    assert_eq!((cv["universe"].as_str(), cv["out_of"].as_u64()), (Some("present"), Some(3)));
    assert!(cv["note"].as_str().unwrap().contains("no mapping"), "{}", cv["note"]);
    let ad = &cv["measures"][0];
    assert_eq!(ad["measure"], "ad_themes");
    assert_eq!(ad["total"], 5 * one.ad_themes);
    assert_eq!(ad["top"][0]["n"], 7, "default --top 7,10");
    assert_eq!(ad["top"][1]["n"], 10);
    assert!(cv["municipalities"].as_array().unwrap().iter().all(|m| m["kommunekode"].is_null()));
    let table = String::from_utf8(ffbkit(&["audit", s(&dir)]).stdout).unwrap();
    assert!(table.contains("no mapping given") && table.contains(KBH), "{table}");
    let html = String::from_utf8(ffbkit(&["audit", "--format", "html", s(&dir)]).stdout).unwrap();
    assert!(html.contains("data-universe=\"present\" data-out-of=\"3\""));
    assert!(html.contains(&format!("<tr data-sts=\"{KBH}\">")));
    assert!(html.contains("no mapping given"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_mapping_file_is_exit_2_with_its_line() {
    let (dir, _) = streams("bad");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("sts_uuid,kommunekode\n{KBH},101\n{AARHUS},999\n")).unwrap();
    let o = ffbkit(&["audit", "--municipalities", s(&bad), s(&dir.join("stream.ndjson"))]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3") && err.contains("999"), "{err}");
    std::fs::write(&bad, format!("{KBH},101\n{},147\n", KBH.to_uppercase())).unwrap();
    let err = String::from_utf8_lossy(&ffbkit(&["audit", "--municipalities", s(&bad), s(&dir)]).stderr).into_owned();
    assert!(err.contains("line 2") && err.contains("line 1"), "duplicate: {err}");
    assert_eq!(ffbkit(&["audit", "--municipalities", s(&dir.join("missing.csv")), s(&dir)]).status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 21's "done when": `ffbkit audit --format html` on `ffbkit synth --national` output
/// shows the coverage view with municipality names and the top-N shares; the spread looks
/// like seed 002's slides (the SDK's `synth::tests` pin the distribution itself).
#[test]
fn synth_national_audited_with_its_mapping_shows_the_slides_view_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (stream, mapping) = (dir.path().join("national.ndjson"), dir.path().join("kommuner.csv"));
    let (s, m) = (stream.to_str().unwrap(), mapping.to_str().unwrap());
    let o = ffbkit(&["synth", "--national", "--citizens", "1500", "--days", "120", "--seed", "4", "--out", s, "--municipalities-out", m]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = ffbkit(&["audit", "--json", "--municipalities", m, s]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let view = &json["coverage_view"];
    assert_eq!(view["out_of"], 98);
    let ad = view["measures"].as_array().unwrap().iter().find(|x| x["measure"] == "ad_themes").unwrap();
    let (reporting, none) = (ad["reporting"].as_u64().unwrap(), ad["none"].as_u64().unwrap());
    assert_eq!(reporting + none, 98);
    assert!((12..=16).contains(&none), "about 12 municipalities report nothing: {none}");
    let top10 = ad["top"].as_array().unwrap().iter().find(|t| t["n"] == 10).unwrap()["share"].as_f64().unwrap();
    assert!((40.0..=60.0).contains(&top10), "the top 10 hold about half: {top10}");
    assert_eq!(json["citizens_with_errors"].as_u64(), Some(0), "synth streams audit clean");
    let html = ffbkit(&["audit", "--format", "html", "--municipalities", m, s]);
    let text = String::from_utf8_lossy(&html.stdout);
    assert!(text.contains("Out of Denmark's 98 municipalities") && text.contains("top 10 hold") && text.contains("København"));
}
