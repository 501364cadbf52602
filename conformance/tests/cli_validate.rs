//! `ffbkit validate` as a user runs it: exit codes, formats, stdin, NDJSON, directories.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports")
}

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().expect("ffbkit runs")
}

fn ffbkit_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn valid_directory_exits_0_with_a_summary() {
    let o = ffbkit(&["validate", path(&fixtures().join("valid"))]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("valid: 8 report(s)"), "{s}");
    assert!(s.contains("GW-LAST-UPDATED"), "warnings are counted per rule: {s}");
    assert!(!s.contains("GW-PROFILE-CLAIM"), "the IG examples claim their profiles: {s}");
}

#[test]
fn invalid_report_exits_1_with_source_line_and_caret() {
    let f = fixtures().join("invalid/gw-closed-patient-name.json");
    let o = ffbkit(&["validate", "--color", "never", path(&f)]);
    assert_eq!(o.status.code(), Some(1));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("error[GW-CLOSED]: name is not allowed in the Citizen profile"), "{s}");
    assert!(s.contains("Bundle.entry[0].resource.name"), "{s}");
    assert!(s.contains("\"name\": ["), "shows the source line: {s}");
    assert!(s.contains('^'));
}

#[test]
fn an_empty_directory_is_not_success() {
    let d = std::env::temp_dir().join(format!("ffbkit-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/notes.txt"), b"not a report").unwrap();
    let o = ffbkit(&["validate", path(&d)]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no reports found in"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = ffbkit(&["validate", "--allow-empty", path(&d)]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::remove_dir_all(&d).unwrap();
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_self_link_in_a_directory_neither_hang_nor_repeat() {
    let d = std::env::temp_dir().join(format!("ffbkit-cli-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(fixtures().join("valid/own-85-granted.json"), d.join("r.json")).unwrap();
    assert!(Command::new("mkfifo").arg(d.join("x.json")).status().unwrap().success());
    std::os::unix::fs::symlink(".", d.join("a")).unwrap();
    std::os::unix::fs::symlink(".", d.join("b")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["validate", "--format", "summary", path(&d)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("ffbkit validate hangs on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    // The FIFO is unreadable input (exit 2), named; the one report is counted once.
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("FIFO"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 report(s)"), "{}", String::from_utf8_lossy(&o.stdout));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn missing_file_exits_2() {
    let o = ffbkit(&["validate", "/no/such/report.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /no/such/report.json"));
}

#[test]
fn stdin_and_ndjson() {
    let valid = std::fs::read(fixtures().join("valid/own-85-granted.json")).unwrap();
    let o = ffbkit_stdin(&["validate", "-"], &valid);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let one_line: serde_json::Value = serde_json::from_slice(&valid).unwrap();
    let nd = format!("{one_line}\n{{\"resourceType\":\"Bundle\"}}\n");
    let o = ffbkit_stdin(&["validate", "--format", "jsonl", "-"], nd.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().all(|l| l["file"] == "-:2"), "{lines:?}");
    assert!(lines.iter().any(|l| l["rule"] == "GW-BUNDLE"));
}

#[test]
fn operation_outcome_format() {
    let f = fixtures().join("invalid/gw-binding-tilbud-grouping.json");
    let o = ffbkit(&["validate", "--format", "operation-outcome", path(&f)]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["resourceType"], "OperationOutcome");
    assert_eq!(v["issue"][0]["code"], "code-invalid");
    assert_eq!(v["issue"][0]["details"]["coding"][0]["code"], "GW-BINDING");
    assert!(v["issue"][0]["expression"][0].as_str().unwrap().starts_with("Bundle.entry["));
}

#[test]
fn junit_format_to_file() {
    let out = std::env::temp_dir().join(format!("ffbkit-junit-{}", std::process::id())).join("new-dir/validate.xml");
    let o = ffbkit(&["validate", "--format", "junit", "-o", path(&out), path(&fixtures().join("invalid"))]);
    assert_eq!(o.status.code(), Some(1));
    let xml = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(out.parent().unwrap().parent().unwrap()).ok();
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<failure message=") && xml.contains("GW-REF"));
    assert!(xml.contains("gw-profile-claim-missing.json\"/>"), "warnings alone do not fail a test case");
}

#[test]
fn strict_and_severity_overrides() {
    let f = fixtures().join("valid/ig-example-encounter-2.json");
    assert_eq!(ffbkit(&["validate", path(&f)]).status.code(), Some(0));
    assert_eq!(ffbkit(&["validate", "--strict", path(&f)]).status.code(), Some(1));
    assert_eq!(ffbkit(&["validate", "--severity", "GW-LAST-UPDATED=error", path(&f)]).status.code(), Some(1));
    let o = ffbkit(&["validate", "--severity", "GW-REF=warning", path(&f)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("only the text-only rules"));
    let o = ffbkit(&["validate", "--severity", "GW-LAST-UPDATE=error", path(&f)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown rule id \"GW-LAST-UPDATE\"; did you mean GW-LAST-UPDATED"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn cpr_masked_unless_asked() {
    let f = fixtures().join("invalid/gw-citizen-invalid-cpr.json");
    let masked = ffbkit(&["validate", "--color", "never", path(&f)]);
    assert!(!String::from_utf8_lossy(&masked.stdout).contains("3201504321"));
    let shown = ffbkit(&["validate", "--color", "never", "--show-cpr", path(&f)]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("3201504321"));
}
