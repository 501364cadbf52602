//! The http driver against a vendor adapter that misbehaves on purpose (wiremock): a
//! timeout, HTTP 500s, a malformed body, garbage reports, a refused action, a failing
//! reset. Each gives `error` verdicts for its steps, the run goes on to the end, and
//! everything received is in the evidence store.

use ffbkit_conformance::harness::driver::Mode;
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
use ffbkit_conformance::harness::store::Store;
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::journey::{self, Journey};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn date(j: &Journey, step: &str) -> String {
    j.steps.iter().find(|s| s.id == step).unwrap_or_else(|| panic!("{} has no step {step}", j.id)).date.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_adapter_gets_error_verdicts_and_the_run_goes_on() {
    let all = journey::embedded();
    let borge = all.iter().find(|j| j.id == "boerge-mogensen").unwrap().clone();
    let other = all.iter().find(|j| j.id != "boerge-mogensen").unwrap().clone();
    let good_report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap(),
    )
    .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/health")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    // The first reset works, every later one (the second journey) answers 500.
    Mock::given(method("POST"))
        .and(path("/reset"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/reset"))
        .respond_with(ResponseTemplate::new(500).set_body_string("database locked"))
        .with_priority(2)
        .mount(&server)
        .await;
    // Actions: refused in the follow-up step, fine otherwise.
    Mock::given(method("POST"))
        .and(path("/actions"))
        .and(body_partial_json(json!({"step": "afslutning"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"error": "afslutning understøttes ikke"})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/actions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .with_priority(5)
        .mount(&server)
        .await;
    // Deliveries, by business date.
    let deliver =
        |step: &str| Mock::given(method("POST")).and(path("/deliver")).and(body_partial_json(json!({"date": date(&borge, step)})));
    deliver("henvendelse")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"reports": [good_report]})))
        .with_priority(1)
        .mount(&server)
        .await;
    deliver("sagsoplysning")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"reports": []})).set_delay(Duration::from_secs(3)))
        .with_priority(1)
        .mount(&server)
        .await;
    deliver("bestilling")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>Bad gateway</html>"))
        .with_priority(1)
        .mount(&server)
        .await;
    deliver("levering")
        .respond_with(ResponseTemplate::new(500).set_body_string("NullPointerException"))
        .with_priority(1)
        .mount(&server)
        .await;
    deliver("opfoelgning")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"reports": ["garbage", 42]})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/deliver"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"reports": []})))
        .with_priority(5)
        .mount(&server)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(VendorChoice::Http(server.uri()), dir.path().to_path_buf());
    options.mode = Mode::Pull;
    options.timeout = Duration::from_millis(500);
    let done = certify(&options, vec![borge.clone(), other.clone()], &Progress::hidden()).await.unwrap();
    let r = &done.report;
    assert_ne!(r.status, Status::Pass);

    let j = &r.journeys[0];
    let step = |id: &str| j.steps.iter().find(|s| s.id == id).unwrap();
    let vum = |id: &str| step(id).verdicts.iter().find(|v| v.check == format!("VUM-boerge-mogensen-{id}")).unwrap().clone();
    // The good report was judged: GW passes on it.
    assert_eq!(step("henvendelse").outcome, "judged");
    assert!(step("henvendelse").verdicts.iter().any(|v| v.check == "GW-REF" && v.status == Status::Pass));
    for (id, needle) in [
        ("sagsoplysning", "timeout"),
        ("bestilling", "malformed"),
        ("levering", "HTTP 500"),
        ("opfoelgning", "not a JSON object"),
        ("afslutning", "422"),
    ] {
        assert_eq!(step(id).outcome, "error", "{id}");
        let v = vum(id);
        assert_eq!(v.status, Status::Error, "{id}");
        assert!(v.messages.iter().any(|m| m.contains(needle)), "{id}: {:?}", v.messages);
        assert!(!v.evidence.is_empty(), "{id}: the error points at its evidence");
    }
    // Garbage reports are stored as received and fail GW-JSON.
    assert!(step("opfoelgning").verdicts.iter().any(|v| v.check == "GW-JSON" && v.status == Status::Fail));
    // The second journey could not start: every step is an error, and the run finished.
    let j2 = &r.journeys[1];
    assert!(j2.steps.iter().all(|s| s.outcome == "error" && s.status == Status::Error), "{:#?}", j2.steps);
    assert!(j2.steps[0].messages[0].contains("could not start") && j2.steps[0].messages[0].contains("HTTP 500"));
    assert!(r.journeys.iter().all(|j| j.finished));
    let summary = |id: &str| r.requirements.iter().find(|q| q.id == id).unwrap().clone();
    assert_eq!(summary("VUM-boerge-mogensen-levering").status, Status::Error);

    // Everything received is in the evidence store.
    let store = Store::open_existing(dir.path()).unwrap();
    let calls = store.calls("boerge-mogensen").unwrap();
    assert!(calls.iter().any(|c| c.status == Some(500) && c.response.as_deref() == Some("NullPointerException")));
    assert!(calls.iter().any(|c| c.response.as_deref() == Some("<html>Bad gateway</html>")));
    assert!(calls.iter().any(|c| c.status.is_none() && c.error.as_deref().is_some_and(|e| e.contains("timeout"))));
    let bodies: Vec<Vec<u8>> = store.reports("boerge-mogensen").unwrap().into_iter().map(|r| r.body).collect();
    assert!(bodies.contains(&b"\"garbage\"".to_vec()) && bodies.contains(&b"42".to_vec()));
    assert_eq!(bodies.len(), 3);
    assert!(store.calls(&other.id).unwrap().iter().any(|c| c.endpoint == "POST /reset" && c.status == Some(500)));
    assert!(ffbkit_conformance::harness::report::verify(dir.path()).unwrap().ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adapter_that_is_not_there_errs_every_step_and_the_reports_are_still_written() {
    let j = journey::embedded().into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut options = Options::new(VendorChoice::Http(format!("http://127.0.0.1:{port}")), dir.path().to_path_buf());
    options.timeout = Duration::from_millis(500);
    let done = certify(&options, vec![j], &Progress::hidden()).await.unwrap();
    assert_eq!(done.report.status, Status::Error);
    assert!(done.report.journeys[0].steps.iter().all(|s| s.status == Status::Error));
    assert!(done.written.html.is_file());
}
