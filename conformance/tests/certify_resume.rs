//! Resume: a run interrupted in the middle of a journey is resumed from its evidence
//! store. Finished journeys are kept as judged; the interrupted journey is re-run from
//! reset as a new attempt, its earlier attempt's evidence kept; the result equals an
//! uninterrupted run's and the hash verifies.

use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::report;
use ffbkit_conformance::harness::runner::Ended;
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::journey;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_and_reruns_only_the_unfinished_journey() {
    let journeys: Vec<_> = journey::embedded().into_iter().take(2).collect();
    assert_eq!(journeys.len(), 2);
    let first_len = journeys[0].steps.len();
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
    // Interrupt two steps into the second journey (as Ctrl-C does).
    let seen = Arc::new(AtomicUsize::new(0));
    let (flag, count) = (options.interrupt.clone(), seen.clone());
    let progress = Progress::hidden().on_step(move |_, _, _| {
        if count.fetch_add(1, Ordering::SeqCst) + 1 == first_len + 2 {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let done = certify(&options, journeys.clone(), &progress).await.unwrap();
    assert_eq!(done.ended, Ended::Interrupted);
    assert!(done.report.journeys[0].finished && !done.report.journeys[1].finished);
    assert_eq!(done.report.journeys[1].steps.iter().filter(|s| s.outcome == "judged").count(), 2);
    assert!(done.report.journeys[1].steps.iter().any(|s| s.outcome == "not run"));
    assert!(report::verify(dir.path()).unwrap().ok(), "an interrupted run's partial certificate matches its evidence too");
    let first_journey_before = done.report.journeys[0].clone();

    // Resuming with another vendor is refused.
    let mut other = Options::new(VendorChoice::Reference(Some(ffbkit_conformance::vendor::Defect::all()[0])), dir.path().to_path_buf());
    other.resume = true;
    let refused = certify(&other, journeys.clone(), &Progress::hidden()).await;
    assert!(
        matches!(refused, Err(ffbkit_conformance::harness::HarnessError::ResumeMismatch { ref key, .. }) if key == "vendor"),
        "{:?}",
        refused.err()
    );

    let mut resume = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
    resume.resume = true;
    let steps_run = Arc::new(AtomicUsize::new(0));
    let counter = steps_run.clone();
    let progress = Progress::hidden().on_step(move |_, _, _| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let done = certify(&resume, journeys.clone(), &progress).await.unwrap();
    assert_eq!(done.ended, Ended::Complete);
    assert_eq!(steps_run.load(Ordering::SeqCst), journeys[1].steps.len(), "only the interrupted journey is run again");
    let r = &done.report;
    assert_eq!(r.status, Status::Pass, "{:#?}", r.requirements.iter().filter(|q| q.status != Status::Pass).collect::<Vec<_>>());
    assert_eq!(r.journeys[0], first_journey_before, "the finished journey is kept as judged");
    assert_eq!((r.journeys[0].attempt, r.journeys[1].attempt), (1, 2));
    assert!(r.superseded_reports >= 2, "the interrupted attempt's reports are kept");
    assert!(r.journeys.iter().all(|j| j.finished && j.steps.iter().all(|s| s.outcome == "judged")));
    assert!(report::verify(dir.path()).unwrap().ok());
}

/// One journey of the reference vendor, interrupted after two steps (`interrupt`) or run to
/// its end: the run directory.
async fn one_journey(interrupt: bool) -> (tempfile::TempDir, Vec<journey::Journey>) {
    let journeys: Vec<_> = journey::embedded().into_iter().take(1).collect();
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
    let (flag, count) = (options.interrupt.clone(), Arc::new(AtomicUsize::new(0)));
    let progress = Progress::hidden().on_step(move |_, _, _| {
        if count.fetch_add(1, Ordering::SeqCst) + 1 == 2 && interrupt {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let done = certify(&options, journeys.clone(), &progress).await.unwrap();
    assert_eq!(done.ended, if interrupt { Ended::Interrupted } else { Ended::Complete });
    assert!(report::verify(dir.path()).unwrap().ok());
    (dir, journeys)
}

fn edit(dir: &std::path::Path, sql: &str) {
    let c = rusqlite::Connection::open(dir.join("evidence.sqlite")).unwrap();
    assert!(c.execute(sql, []).unwrap() >= 1, "{sql} changed nothing");
}

fn resume(dir: &std::path::Path) -> Options {
    let mut o = Options::new(VendorChoice::Reference(None), dir.to_path_buf());
    o.resume = true;
    o
}

/// `ffbkit certify verify DIR`: exit code and output.
fn verify_cli(dir: &std::path::Path) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(["certify", "verify"]).arg(dir).output().unwrap();
    (out.status.code().unwrap(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_verdicts_in_an_interrupted_run_are_refused_on_resume() {
    let (dir, journeys) = one_journey(true).await;
    edit(dir.path(), "UPDATE verdicts SET status = 'fail' WHERE id = (SELECT MIN(id) FROM verdicts)");
    let refused = certify(&resume(dir.path()), journeys, &Progress::hidden()).await;
    match refused {
        Err(ffbkit_conformance::harness::HarnessError::EvidenceEdited { detail, .. }) => {
            assert!(detail.starts_with("verdicts row 1 (journey ") && detail.ends_with("was changed after it was recorded"), "{detail}")
        }
        other => panic!("{:?}", other.err()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_verdicts_in_a_finished_run_are_refused_by_verify() {
    let (dir, _) = one_journey(false).await;
    assert_eq!(verify_cli(dir.path()).0, 0);
    edit(dir.path(), "UPDATE verdicts SET messages = '[]' WHERE id = (SELECT MAX(id) FROM verdicts)");
    let (code, said) = verify_cli(dir.path());
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("was changed outside ffbkit") && said.contains("was changed after it was recorded"), "{said}");
    assert!(matches!(report::verify(dir.path()), Err(ffbkit_conformance::harness::HarnessError::EvidenceEdited { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_added_or_deleted_outside_ffbkit_and_a_store_without_a_chain_are_refused() {
    let (dir, journeys) = one_journey(true).await;
    let store = dir.path().join("evidence.sqlite");
    let pristine = std::fs::read(&store).unwrap();
    let (wal, shm) = (dir.path().join("evidence.sqlite-wal"), dir.path().join("evidence.sqlite-shm"));
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "the store was checkpointed at close");
    let refused = |what: &str| {
        let e = report::verify(dir.path()).err().unwrap_or_else(|| panic!("{what}: not refused"));
        e.to_string()
    };
    edit(
        dir.path(),
        "INSERT INTO verdicts(journey, attempt, step, check_id, status, evidence, messages) SELECT journey, attempt, step, check_id, 'pass', evidence, '[]' FROM verdicts LIMIT 1",
    );
    assert!(refused("added").contains("is not in the hash chain"));
    for (sql, expected) in [
        ("DELETE FROM calls WHERE id = (SELECT MAX(id) FROM calls)", "was deleted after it was recorded"),
        ("UPDATE chain SET row_sha256 = hash WHERE seq = 3", "does not follow from the links before it"),
        ("DELETE FROM chain", "is not in the hash chain"),
    ] {
        let _ = std::fs::remove_file(&wal);
        let _ = std::fs::remove_file(&shm);
        std::fs::write(&store, &pristine).unwrap();
        edit(dir.path(), sql);
        let said = refused(sql);
        assert!(said.contains(expected), "{sql}: {said}");
    }
    // Untouched, it resumes.
    let _ = std::fs::remove_file(&wal);
    let _ = std::fs::remove_file(&shm);
    std::fs::write(&store, &pristine).unwrap();
    let done = certify(&resume(dir.path()), journeys, &Progress::hidden()).await.unwrap();
    assert_eq!(done.ended, Ended::Complete);
    assert!(report::verify(dir.path()).unwrap().ok());
}
