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
