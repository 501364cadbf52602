//! `ffbkit certify` end to end over real HTTP on loopback against the built-in reference
//! vendor: every requirement id passes, in push mode (the vendor POSTs to the in-process
//! receiver) and pull mode; the three reports are written, CPR numbers masked, and the
//! evidence hash verifies. The CLI's exit codes.

use ffbkit_conformance::harness::driver::Mode;
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::report;
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::journey;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_vendor_passes_every_requirement_push_and_pull() {
    let journeys = journey::embedded();
    let cprs: Vec<String> = journeys.iter().flat_map(|j| j.citizens.iter().map(|c| c.cpr.clone())).collect();
    let steps: usize = journeys.iter().map(|j| j.steps.len()).sum();
    for mode in [Mode::Push, Mode::Pull] {
        let dir = tempfile::tempdir().unwrap();
        let mut options = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
        options.mode = mode;
        let done = certify(&options, journeys.clone(), &Progress::hidden()).await.unwrap();
        let r = &done.report;
        let not_passed: Vec<_> = r.requirements.iter().filter(|q| q.status != Status::Pass).collect();
        assert!(not_passed.is_empty(), "{mode:?}: {not_passed:#?}");
        assert_eq!(r.status, Status::Pass);
        // Every GW, PROTO and DST id and every step's VUM id was checked.
        for id in ffbkit_sdk::validate::RULES.iter().map(|r| r.id).chain(ffbkit_sdk::audit::rule_ids()) {
            assert!(r.requirements.iter().any(|q| q.id == id && q.checks > 0), "{id} not checked");
        }
        for j in &journeys {
            for id in j.check_ids() {
                assert!(r.requirements.iter().any(|q| q.id == id && q.status == Status::Pass), "{id}");
            }
        }
        assert_eq!(r.journeys.iter().map(|j| j.steps.len()).sum::<usize>(), steps);
        assert!(r.journeys.iter().all(|j| j.finished && j.steps.iter().all(|s| s.outcome == "judged")));
        let reports: Vec<_> = r.journeys.iter().flat_map(|j| &j.reports).collect();
        assert!(!reports.is_empty());
        let source = if mode == Mode::Push { "push" } else { "pull" };
        assert!(reports.iter().all(|x| x.source == source), "{mode:?}");
        // The reports: written, CPR masked, hash verifies.
        for path in [&done.written.json, &done.written.junit, &done.written.html] {
            let text = std::fs::read_to_string(path).unwrap();
            for cpr in &cprs {
                assert!(!text.contains(cpr.as_str()), "{} shows a CPR number", path.display());
            }
        }
        let junit = std::fs::read_to_string(&done.written.junit).unwrap();
        assert!(!junit.contains("<failure") && !junit.contains("<error"));
        let html = std::fs::read_to_string(&done.written.html).unwrap();
        assert!(html.contains(&r.evidence_sha256) && html.contains("kl.dk.fhir.ffbreporting 1.0.0"));
        let v = report::verify(dir.path()).unwrap();
        assert!(v.ok(), "{v:?}");
    }
}

fn cli(args: &[&str]) -> i32 {
    let mut argv = vec!["ffbkit", "certify"];
    argv.extend_from_slice(args);
    ffbkit_conformance::cli::run(argv)
}

#[test]
fn certify_exit_codes_pass_fail_verify_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let out_s = out.to_str().unwrap();
    assert_eq!(cli(&["--vendor", "reference", "--out", out_s]), 0, "the reference vendor passes");
    assert!(out.join("certify.html").is_file() && out.join("certify.junit.xml").is_file() && out.join("certify.json").is_file());
    assert_eq!(cli(&["verify", out_s]), 0);
    // A tampered certificate no longer verifies.
    let json = out.join("certify.json");
    let text = std::fs::read_to_string(&json).unwrap();
    std::fs::write(&json, text.replacen("\"checks\": ", "\"checks\": 1", 1)).unwrap();
    assert_eq!(cli(&["verify", out_s]), 1);
    // A faulty vendor fails.
    let bad = dir.path().join("bad");
    assert_eq!(cli(&["--defect", "scores-ff-theme", "--mode", "pull", "--out", bad.to_str().unwrap()]), 1);
    // Usage errors.
    assert_eq!(cli(&["--defect", "no-such-defect"]), 2);
    assert_eq!(cli(&["--driver", "manual", "--mode", "pull"]), 2);
    assert_eq!(cli(&["--vendor", "ftp://example"]), 2);
    assert_eq!(cli(&["--timeout", "0"]), 2);
    assert_eq!(cli(&["verify", dir.path().join("nothing").to_str().unwrap()]), 2);
    assert_eq!(cli(&["--resume", dir.path().join("nothing").to_str().unwrap()]), 2);
}

#[test]
fn the_main_job_as_a_process_prints_progress_and_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["certify", "--vendor", "reference", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("PASS") && stdout.contains("evidence sha256: "), "{stdout}");
    // Not a terminal: one progress line per step on stderr.
    let steps: usize = journey::embedded().iter().map(|j| j.steps.len()).sum();
    assert_eq!(stderr.lines().filter(|l| l.starts_with("certify: ") && l.contains(" / ")).count(), steps, "{stderr}");
    assert!(dir.path().join("certify.html").is_file());
}
