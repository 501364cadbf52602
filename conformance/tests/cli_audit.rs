//! `ffbkit audit` on the real binary: clean synthetic streams exit 0; broken ones exit 1
//! and name the rule, the citizen (masked), the report and the resource; table, JSON and
//! HTML outputs, each showing every finding's severity; the stream fixtures found under
//! their ids (exit 1 only for findings of severity error); the IG's example stream, with
//! warnings only, exits 0; unreadable input reported, not lost.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ffbkit-audit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn streams() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/streams")
}

fn synth(dir: &Path, citizens: &str, seed: &str) -> PathBuf {
    let p = dir.join(format!("synth-{seed}.ndjson"));
    let o = ffbkit(&["synth", "--citizens", citizens, "--seed", seed, "--out", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    p
}

/// The lines of an NDJSON file, shuffled deterministically (reversed, then interleaved).
fn shuffled(p: &Path) -> String {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let (a, b) = lines.split_at(lines.len() / 2);
    let mut out = String::new();
    for i in 0..a.len().max(b.len()) {
        for part in [b, a] {
            if let Some(l) = part.get(i) {
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn clean_streams_out_of_order_exit_0() {
    let dir = temp("clean");
    let p = synth(&dir, "30", "2");
    let mixed = dir.join("mixed.ndjson");
    std::fs::write(&mixed, shuffled(&p)).unwrap();
    let o = ffbkit(&["audit", mixed.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.starts_with("30 citizen(s), "), "{text}");
    for rule in ffbkit_rules() {
        assert!(text.lines().any(|l| l.trim_start().starts_with(rule) && l.contains(" 0 ")), "{rule} listed as passed: {text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The CPR numbers of the stream fixtures.
fn fixture_cprs() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(streams()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ndjson") {
            for line in std::fs::read_to_string(&p).unwrap().lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                out.push(ffbkit_sdk::report::citizen_cpr(&v).expect("a stream report names its citizen").to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    assert!(out.len() > 10);
    out
}

fn ffbkit_rules() -> Vec<&'static str> {
    ffbkit_sdk::audit::rule_ids().collect()
}

#[test]
fn broken_streams_json_names_rule_citizen_report_and_resource() {
    let dir = temp("broken");
    let clean = synth(&dir, "20", "2");
    // Break DST-STOETTE for every citizen: drop all støttebehov evaluations and the
    // references to them.
    let broken = dir.join("broken.ndjson");
    let mut out = String::new();
    for line in std::fs::read_to_string(&clean).unwrap().lines() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let entries: Vec<Value> = v["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource"]["code"]["coding"][0]["code"] != "effe55c7-572c-4a99-8fb4-2a9dda2f6572")
            .cloned()
            .collect();
        v["entry"] = Value::Array(entries);
        let text = v.to_string();
        out.push_str(&text);
        out.push('\n');
    }
    std::fs::write(&broken, out).unwrap();
    let o = ffbkit(&["audit", "--json", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["citizens"], 20);
    assert_eq!(v["per_rule"]["DST-STOETTE"], 20);
    let rule = v["rules"].as_array().unwrap().iter().find(|r| r["rule"] == "DST-STOETTE").unwrap();
    assert_eq!(rule["share"], 100.0);
    let first = &v["citizens_detail"][0];
    assert!(first["citizen"].as_str().unwrap().ends_with("-****"));
    assert!(!first["municipality"].as_str().unwrap().is_empty());
    let f = first["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "DST-STOETTE").unwrap();
    assert!(f["report"].as_str().is_some_and(|r| r.len() == 36), "{f}");
    assert!(f["resource"].as_str().is_some_and(|r| r.contains('/')), "{f}");
    assert_eq!(f["severity"], "error", "{f}");
    assert_eq!(rule["severity"], "error");
    assert_eq!(v["citizens_with_errors"], 20);
    assert_eq!(v["per_rule_errors"]["DST-STOETTE"], 20);
    // Municipalities add up to the whole.
    let ms = v["per_municipality"].as_array().unwrap();
    assert_eq!(ms.iter().map(|m| m["citizens"].as_u64().unwrap()).sum::<u64>(), 20);
    assert_eq!(ms.iter().map(|m| m["reports"].as_u64().unwrap()).sum::<u64>(), v["reports"].as_u64().unwrap());
    // No CPR number in clear anywhere in the output.
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(!text.contains("\"value\""));
    for m in ms {
        assert!(m["coverage"]["support_assessments"] == 0, "{m}");
    }
    // --format json is the same as --json.
    let o2 = ffbkit(&["audit", "--format", "json", broken.to_str().unwrap()]);
    assert_eq!(o2.stdout, o.stdout);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_stream_fixture_is_found_under_its_ids() {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(streams().join("index.json")).unwrap()).unwrap();
    for case in index["cases"].as_array().unwrap() {
        let file = streams().join(case["file"].as_str().unwrap());
        let o = ffbkit(&["audit", "--json", file.to_str().unwrap()]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let want: Vec<&str> = case["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        let got: Vec<&str> =
            v["per_rule"].as_object().unwrap().iter().filter(|(_, n)| n.as_u64() != Some(0)).map(|(r, _)| r.as_str()).collect();
        let mut want_sorted = want.clone();
        want_sorted.sort_unstable();
        assert_eq!(got, want_sorted, "{}", file.display());
        // Exit 1 only for findings of severity error: interpretations (warnings) alone exit 0.
        let warnings: Vec<&str> = case["warnings"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        let errors: Vec<&str> = want.iter().copied().filter(|r| !warnings.contains(r)).collect();
        assert_eq!(o.status.code(), Some(if errors.is_empty() { 0 } else { 1 }), "{}", file.display());
        let got_errors: Vec<&str> =
            v["per_rule_errors"].as_object().unwrap().iter().filter(|(_, n)| n.as_u64() != Some(0)).map(|(r, _)| r.as_str()).collect();
        let mut errors_sorted = errors.clone();
        errors_sorted.sort_unstable();
        assert_eq!(got_errors, errors_sorted, "{}", file.display());
        for f in v["citizens_detail"][0]["findings"].as_array().into_iter().flatten() {
            let sev = f["severity"].as_str().unwrap();
            assert!(
                if warnings.contains(&f["rule"].as_str().unwrap()) {
                    sev == "interpretation"
                } else {
                    sev == "error" || sev == "interpretation"
                },
                "{f}"
            );
        }
    }
}

#[test]
fn table_of_the_fixture_directory_names_every_rule_and_the_index_as_not_audited() {
    let o = ffbkit(&["audit", streams().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    // Every rule is broken by some fixture: no rule row with 0 citizens.
    for rule in ffbkit_rules() {
        let row = text.lines().find(|l| l.trim_start().starts_with(&format!("{rule} "))).unwrap_or_else(|| panic!("{rule}: {text}"));
        let n: usize = row.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(n >= 1, "{row}");
        assert!(
            text.contains(&format!("[{rule}] error report ")) || text.contains(&format!("[{rule}] interpretation report ")),
            "{rule} in the details, with its severity"
        );
    }
    // index.json is not a report: named, not lost.
    assert!(text.contains("not audited:") && text.contains("index.json: names no citizen"), "{text}");
    for cpr in fixture_cprs() {
        assert!(!text.contains(&cpr), "CPR masked");
    }
}

#[test]
fn html_is_self_contained_with_municipalities_and_rules() {
    let dir = temp("html");
    let a = synth(&dir, "40", "4");
    let page = dir.join("out/audit.html");
    let o = ffbkit(&[
        "audit",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
        a.to_str().unwrap(),
        streams().join("dst-ff-withdrawn.ndjson").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "written to the file");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(html.contains("<style>") && !html.contains("<script") && !html.contains("<link") && !html.contains("src="), "self-contained");
    for rule in ffbkit_rules() {
        assert!(html.contains(&format!("data-rule=\"{rule}\"")), "{rule}");
    }
    let rows = html.matches("<tr data-municipality=").count();
    let v: Value = serde_json::from_slice(
        &ffbkit(&["audit", "--json", a.to_str().unwrap(), streams().join("dst-ff-withdrawn.ndjson").to_str().unwrap()]).stdout,
    )
    .unwrap();
    assert_eq!(rows, v["per_municipality"].as_array().unwrap().len());
    assert!(rows > 10, "{rows} municipalities");
    // The withdrawn-F&F citizen's municipality stands out with 0 F&F themes only if it has
    // no other citizen; the finding itself is listed with its report and resource.
    assert!(
        html.contains("<li class=\"error\" data-severity=\"error\"><code>DST-FF</code> <span class=\"sev\">error</span> report <code>"),
        "DST-FF detail, with its severity"
    );
    assert!(html.contains("-****"), "masked CPR shown");
    for cpr in fixture_cprs() {
        assert!(!html.contains(&cpr), "CPR masked");
    }
    assert!(html.contains("id=\"coverage-notes\""));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_input_is_reported_not_lost() {
    let dir = temp("bad");
    let good = std::fs::read_to_string(streams().join("dst-ff-ok.ndjson")).unwrap();
    let mixed = dir.join("mixed.ndjson");
    std::fs::write(&mixed, format!("{good}{{not json\n{{\"resourceType\":\"Bundle\",\"entry\":[]}}\n")).unwrap();
    let missing = dir.join("missing.ndjson");
    let o = ffbkit(&["audit", "--json", mixed.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "a missing input is exit 2");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["citizens"], 1, "the good report is still audited");
    assert_eq!(v["unreadable_reports"], 2);
    assert_eq!(v["unreadable_inputs"], 1);
    let named: Vec<&str> = v["not_audited"].as_array().unwrap().iter().map(|p| p["input"].as_str().unwrap()).collect();
    let lines = good.lines().count();
    assert!(named.iter().any(|n| n.ends_with(&format!("mixed.ndjson:{}", lines + 1))), "{named:?}");
    assert!(named.iter().any(|n| n.ends_with(&format!("mixed.ndjson:{}", lines + 2))), "{named:?}");
    assert!(named.iter().any(|n| n.ends_with("missing.ndjson")), "{named:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.ndjson"));
    // Only bad reports, no missing input: exit 1.
    let o = ffbkit(&["audit", mixed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn standard_input_and_usage_errors() {
    let text = std::fs::read_to_string(streams().join("proto-ended-late.ndjson")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["audit", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["per_rule"]["PROTO-ENDED"], 1);
    assert_eq!(ffbkit(&["audit", "--format", "pdf", "x"]).status.code(), Some(2));
    assert_eq!(ffbkit(&["audit"]).status.code(), Some(2));
}

#[test]
fn html_marks_municipalities_that_report_nothing_of_a_kind() {
    let dir = temp("html-none");
    let page = dir.join("audit.html");
    let o = ffbkit(&["audit", "--format", "html", "-o", page.to_str().unwrap(), streams().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let html = std::fs::read_to_string(&page).unwrap();
    let v: Value = serde_json::from_slice(&ffbkit(&["audit", "--json", streams().to_str().unwrap()]).stdout).unwrap();
    let silent: Vec<&str> = v["per_municipality"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["coverage"]["ff_themes"] == 0)
        .map(|m| m["municipality"].as_str().unwrap())
        .collect();
    assert!(!silent.is_empty(), "the withdrawn-F&F fixture leaves a municipality without F&F themes");
    for m in silent {
        let row = html.lines().find(|l| l.starts_with(&format!("<tr data-municipality=\"{m}\""))).unwrap();
        assert!(row.contains("<td class=\"none\">0</td>"), "{row}");
    }
    assert!(html.contains("report none"), "the notes count municipalities reporting none");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_ig_example_stream_exits_0_and_every_output_shows_its_warnings() {
    let valid = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/valid");
    let files: Vec<String> =
        [2, 3, 5, 6, 7].iter().map(|n| valid.join(format!("ig-example-encounter-{n}.json")).to_string_lossy().into_owned()).collect();
    let args =
        |extra: &[&str]| -> Vec<String> { ["audit"].iter().chain(extra).map(|s| s.to_string()).chain(files.iter().cloned()).collect() };
    let run = |extra: &[&str]| {
        let a = args(extra);
        ffbkit(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let table = run(&[]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.status.code(), Some(0), "warnings only: {text}");
    assert!(text.contains("1 with findings (0 with errors"), "{text}");
    assert!(text.contains("[PROTO-ID-STABLE] interpretation report ") && text.contains("[PROTO-DAILY] interpretation report "), "{text}");
    assert!(!text.contains("] error report "), "{text}");

    let json = run(&["--json"]);
    assert_eq!(json.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["citizens_with_errors"], 0);
    assert_eq!(v["citizens_with_findings"], 1);
    let findings = v["citizens_detail"][0]["findings"].as_array().unwrap();
    assert!(!findings.is_empty() && findings.iter().all(|f| f["severity"] == "interpretation"), "{findings:#?}");

    let dir = temp("ig-example");
    let page = dir.join("audit.html");
    let html = run(&["--format", "html", "-o", page.to_str().unwrap()]);
    assert_eq!(html.status.code(), Some(0));
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(page.contains("data-severity=\"interpretation\"") && !page.contains("data-severity=\"error\""), "severity on every finding");
    assert!(page.contains("0 with errors"));
    std::fs::remove_dir_all(&dir).ok();
}

/// Issue 22: an audit of a directory that holds no report is not a clean audit: exit 2 with
/// "no reports found" (the same check as `ffbkit validate`), unless `--allow-empty`.
#[test]
fn an_empty_directory_is_not_a_clean_audit() {
    let dir = temp("empty-dir");
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let o = ffbkit(&["audit", "--json", d]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no reports found in"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = ffbkit(&["audit", "--json", "--allow-empty", d]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["reports"], 0);
}
