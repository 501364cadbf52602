//! A library caller can tell the kinds of failure apart by matching on the typed errors
//! (`HarnessError`, `ReceiverError`, `vendor::ServeError`), and their messages keep the
//! context (the setting, the path, the address).

use ffbkit_conformance::harness::adapter::AdapterClient;
use ffbkit_conformance::harness::driver::Mode;
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::runner::{prepare_store, RunSettings};
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::store::Store;
use ffbkit_conformance::harness::HarnessError;
use ffbkit_conformance::journey;
use ffbkit_conformance::receiver::{ReceiverConfig, ReceiverError, RunningReceiver};
use ffbkit_conformance::vendor::{self, ServeError};
use std::time::Duration;

fn settings(vendor: &str) -> RunSettings {
    RunSettings {
        run: "run-test".into(),
        vendor: vendor.into(),
        mode: Mode::Push,
        timeout: Duration::from_secs(5),
        strict: false,
        as_written: false,
        interrupt: Default::default(),
        public_url: None,
        testscript: None,
        gateway_token: None,
    }
}

#[test]
fn resuming_with_another_vendor_is_a_resume_mismatch_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let journeys: Vec<_> = journey::embedded().into_iter().take(1).collect();
    let store = Store::open(dir.path()).unwrap();
    prepare_store(&store, &journeys, &settings("reference"), "http", false).unwrap();
    let err = prepare_store(&store, &journeys, &settings("http://other.example"), "http", true).unwrap_err();
    match &err {
        HarnessError::ResumeMismatch { key, stored, given } => {
            assert_eq!((key.as_str(), stored.as_str(), given.as_str()), ("vendor", "reference", "http://other.example"));
        }
        other => panic!("expected a resume mismatch, got {other:?}"),
    }
    assert!(err.to_string().starts_with("cannot resume: the run in the evidence store has a different vendor (\"reference\")"), "{err}");
    // The same settings resume.
    prepare_store(&store, &journeys, &settings("reference"), "http", true).unwrap();
    // A TestScript the run did not have is a mismatch, named without the script's text.
    let mut with_script = settings("reference");
    with_script.testscript = Some(r#"{"resourceType":"TestScript"}"#.into());
    match prepare_store(&store, &journeys, &with_script, "http", true).unwrap_err() {
        HarnessError::ResumeMismatch { key, stored, given } => {
            assert_eq!((key.as_str(), stored.as_str(), given.as_str()), ("--testscript", "none", "a TestScript of 29 bytes"));
        }
        other => panic!("expected a resume mismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn resuming_without_an_evidence_store_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
    options.resume = true;
    let err = certify(&options, journey::embedded(), &Progress::hidden()).await.err().expect("no store to resume");
    match &err {
        HarnessError::NoEvidenceStore { path } => assert!(path.starts_with(dir.path()), "{}", path.display()),
        other => panic!("expected NoEvidenceStore, got {other:?}"),
    }
    assert!(err.to_string().starts_with("no evidence store at "), "{err}");
}

#[tokio::test]
async fn usage_errors_of_a_session_have_their_own_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(VendorChoice::Reference(None), dir.path().to_path_buf());
    assert!(matches!(certify(&options, Vec::new(), &Progress::hidden()).await, Err(HarnessError::NoJourneys)));
    match AdapterClient::new("ftp://vendor.example", Duration::from_secs(1)) {
        Err(HarnessError::AdapterUrl { url }) => assert_eq!(url, "ftp://vendor.example"),
        Err(other) => panic!("expected AdapterUrl, got {other:?}"),
        Ok(_) => panic!("an ftp URL was accepted"),
    }
}

#[tokio::test]
async fn a_receiver_on_an_address_in_use_is_a_bind_error_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = RunningReceiver::start(ReceiverConfig::new(addr, dir.path())).await.err().expect("the address is in use");
    match &err {
        ReceiverError::Bind { addr: a, source } => {
            assert_eq!(*a, addr);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
        }
        other => panic!("expected a bind error, got {other:?}"),
    }
    assert_eq!(err.to_string(), format!("cannot listen on {addr}"));
    assert!(std::error::Error::source(&err).is_some(), "the OS error is kept as the source");

    match vendor::serve(None, addr).await {
        Err(ServeError::Bind { addr: a, .. }) => assert_eq!(a, addr),
        Err(other) => panic!("expected a bind error, got {other:?}"),
        Ok(_) => panic!("the reference vendor bound an address in use"),
    }
}
