//! `ffbkit journeys` and `ffbkit vendor` on the real binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn ffbkit(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn list_and_show_the_embedded_journeys_in_danish_with_cpr_masked() {
    let (code, out, _) = ffbkit(&["journeys", "list"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 14, "{out}");
    assert!(out.contains("boerge-mogensen") && out.contains("IG-eksemplet: Børge Mogensen"));
    let (code, out, _) = ffbkit(&["journeys", "show", "boerge-mogensen"]);
    assert_eq!(code, 0);
    assert!(out.contains("010150-****") && !out.contains("0101504321"), "{out}");
    assert!(out.contains("Bevilg indsatsen «botilbud»") && out.contains("Kontrol: VUM-boerge-mogensen-afslutning"), "{out}");
    let (code, _, err) = ffbkit(&["journeys", "show", "no-such"]);
    assert_eq!(code, 1);
    assert!(err.contains("no journey no-such"));
}

#[test]
fn check_reports_each_file_and_fails_on_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("ffbkit-journey-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/journeys/sel85-stoette-i-hjemmet.json");
    let text = std::fs::read_to_string(&good).unwrap().replace("\"Mobilt tilbud\"", "\"Mobil tilbud\"");
    std::fs::write(dir.join("bad.json"), text).unwrap();
    let (code, out, _) = ffbkit(&["journeys", "check", good.to_str().unwrap(), dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ok    ") && out.contains("error ") && out.contains("step bestilling") && out.contains("Mobil tilbud"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn vendor_lists_its_defects_and_serves_the_adapter() {
    let (code, out, _) = ffbkit(&["vendor", "--list-defects"]);
    assert_eq!(code, 0);
    assert!(out.contains("forgets-stoettebehov-at-follow-up") && out.contains("DST-STOETTE"));
    let (code, _, err) = ffbkit(&["vendor", "--defect", "nope"]);
    assert_eq!(code, 2, "{err}");
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(["vendor", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async { reqwest::get(format!("{url}/health")).await.unwrap().status().as_u16() });
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
