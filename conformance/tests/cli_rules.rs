//! `ffbkit rules [ID]` as a user runs it: the real binary, its output and exit codes,
//! against the SDK's rule registry.

use ffbkit_sdk::rules;
use std::process::{Command, Output};

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().expect("ffbkit runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_list_holds_every_rule_of_the_registry_once() {
    let o = ffbkit(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("SEVERITY"), "{}", lines[0]);
    let ids: Vec<&str> = lines[1..].iter().map(|l| l.split_whitespace().next().unwrap_or("")).collect();
    let registry: Vec<&str> = rules::all().map(|r| r.id()).collect();
    assert_eq!(ids, registry);
    let card = lines.iter().find(|l| l.starts_with("GW-CARD ")).unwrap();
    assert!(card.contains("gateway") && card.contains("error") && card.contains("cardinalities"), "{card}");
    let daily = lines.iter().find(|l| l.starts_with("PROTO-DAILY ")).unwrap();
    assert!(daily.contains("proto"), "{daily}");
}

#[test]
fn the_json_list_has_id_family_severity_summary_and_source() {
    let o = ffbkit(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), rules::all().count());
    for (item, rule) in list.iter().zip(rules::all()) {
        assert_eq!(item["id"], rule.id());
        assert_eq!(item["family"], rule.family().as_str());
        assert_eq!(item["severity"], rule.severity());
        assert_eq!(item["summary"], rule.summary());
        assert!(item["source"].as_str().is_some_and(|s| !s.is_empty()), "{item}");
    }
    let ad = list.iter().find(|r| r["id"] == "DST-AD").unwrap();
    assert!(ad["source"].as_str().unwrap().contains("seed 002"), "{ad}");
}

#[test]
fn explaining_a_rule_shows_its_fixtures_and_a_real_finding() {
    let o = ffbkit(&["rules", "kl-reporting-ffb-care-plan-1"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.starts_with("kl-reporting-ffb-care-plan-1\n"), "{s}");
    assert!(s.contains("family:   ig-invariant"), "{s}");
    assert!(s.contains("reports/invalid/care-plan-1-no-follow-up-date.json"), "{s}");
    assert!(s.contains("Example finding (on reports/invalid/"), "{s}");
    assert!(s.contains("error[kl-reporting-ffb-care-plan-1]: ") && s.contains("--> reports/invalid/"), "{s}");

    let o = ffbkit(&["rules", "GW-LAST-UPDATED"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("severity: warning (adjustable"), "{s}");
    assert!(s.contains("warning[GW-LAST-UPDATED]: "), "{s}");

    let o = ffbkit(&["rules", "DST-STOETTE"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("family:   dst") && s.contains("streams/dst-stoette-"), "{s}");
    assert!(s.contains("error[DST-STOETTE]: "), "{s}");
}

#[test]
fn every_rule_explains_with_an_example_finding_of_that_rule() {
    for rule in rules::all() {
        let id = rule.id();
        let o = ffbkit(&["rules", id, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{id}");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["id"], id);
        assert!(!v["fixtures"].as_array().unwrap().is_empty(), "{id}: no fixture");
        assert_eq!(v["example"]["finding"]["rule"], id, "{id}: {v}");
        assert!(v["example"]["fixture"].as_str().is_some_and(|f| v["fixtures"].as_array().unwrap().iter().any(|x| x["file"] == f)), "{id}");
    }
}

#[test]
fn an_unknown_id_exits_2_and_names_the_close_ones() {
    let o = ffbkit(&["rules", "GW-CRAD"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown rule id \"GW-CRAD\"") && err.contains("did you mean") && err.contains("GW-CARD"), "{err}");
    assert!(o.stdout.is_empty());

    let o = ffbkit(&["rules", "dst-ad"]);
    assert_eq!(o.status.code(), Some(2), "ids are exact");
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean DST-AD"));

    let o = ffbkit(&["rules", "zzzzzzzzzzzzzz"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`ffbkit rules` lists every rule"));
}

#[test]
fn a_missing_fixtures_directory_still_explains_the_rule() {
    let o = ffbkit(&["rules", "GW-CARD", "--fixtures", "/nonexistent/fixtures"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("reports/invalid/") && s.contains("No example finding: cannot read /nonexistent/fixtures/"), "{s}");
}
