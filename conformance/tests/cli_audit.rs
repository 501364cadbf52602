//! `ffbkit audit` on synthetic streams: clean streams exit 0; a stream with a broken rule
//! exits 1 and names the rule, the citizen (masked) and the municipality.

use std::process::Command;

fn ffbkit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().unwrap()
}

#[test]
fn audit_clean_and_broken_streams() {
    let dir = std::env::temp_dir().join(format!("ffbkit-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clean = dir.join("clean.ndjson");
    assert!(ffbkit(&["synth", "--citizens", "20", "--seed", "2", "--out", clean.to_str().unwrap()]).status.success());
    let o = ffbkit(&["audit", clean.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));

    // Break DST-STOETTE for every citizen: drop all støttebehov evaluations and their references.
    let broken = dir.join("broken.ndjson");
    let text = std::fs::read_to_string(&clean).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let entries: Vec<serde_json::Value> = v["entry"].as_array().unwrap().iter().filter(|e| {
            e["resource"]["code"]["coding"][0]["code"] != "effe55c7-572c-4a99-8fb4-2a9dda2f6572"
        }).cloned().collect();
        v["entry"] = serde_json::Value::Array(entries);
        out.push_str(&v.to_string());
        out.push('\n');
    }
    std::fs::write(&broken, out).unwrap();
    let o = ffbkit(&["audit", "--json", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["citizens"], 20);
    assert_eq!(v["per_rule"]["DST-STOETTE"], 20);
    let first = &v["citizens_detail"][0];
    assert!(first["citizen"].as_str().unwrap().ends_with("-****"));
    assert!(!first["municipality"].as_str().unwrap().is_empty());
    std::fs::remove_dir_all(&dir).ok();
}
