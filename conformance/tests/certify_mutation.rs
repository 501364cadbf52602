//! The mutation test: every faulty variant of the reference vendor
//! (`vendor::Defect::all()`) is certified over real loopback HTTP, and the harness must
//! fail it on (at least) the requirement ids the defect names; the reference vendor itself
//! passes everything (`certify_reference.rs`). Prints the mutation score.

use ffbkit_conformance::harness::driver::Mode;
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::{journey, vendor::Defect};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_fails_every_faulty_vendor_on_its_requirement_ids() {
    let journeys = journey::embedded();
    let mut caught = 0;
    let mut missed = Vec::new();
    for (i, defect) in Defect::all().iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let mut options = Options::new(VendorChoice::Reference(Some(*defect)), dir.path().to_path_buf());
        // Alternate push and pull so both paths see every kind of defect.
        options.mode = if i % 2 == 0 { Mode::Push } else { Mode::Pull };
        let done = certify(&options, journeys.clone(), &Progress::hidden()).await.unwrap();
        let failed: Vec<&str> = done.report.requirements.iter().filter(|q| q.status == Status::Fail).map(|q| q.id.as_str()).collect();
        let missing: Vec<&str> = defect.expected_failures().iter().copied().filter(|id| !failed.contains(id)).collect();
        if missing.is_empty() {
            caught += 1;
        } else {
            missed.push(format!("{}: not failed on {missing:?} (failed: {failed:?})", defect.name()));
        }
    }
    let total = Defect::all().len();
    println!("mutation score: {caught}/{total} defects caught");
    assert!(missed.is_empty(), "mutation score {caught}/{total}; missed:\n{}", missed.join("\n"));
}
