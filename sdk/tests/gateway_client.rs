//! The gateway client and the outbox against a wiremock gateway on loopback: retries with
//! backoff, rejections not retried, OperationOutcome parsed, bearer auth, slow answers,
//! a crash between queueing and sending.

use ffbkit_sdk::gateway::{Auth, Delivery, GatewayClient, GatewayConfig, Outbox, State};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn config(server: &MockServer) -> GatewayConfig {
    let mut c = GatewayConfig::new(&format!("{}/ffb/report", server.uri()));
    c.backoff = Duration::from_millis(10);
    c.max_backoff = Duration::from_millis(40);
    c.timeout = Duration::from_millis(500);
    c.max_attempts = 4;
    c
}

fn report() -> serde_json::Value {
    ffbkit_sdk::sample::report(3, 1)
}

/// Fails `n` times with 503, then accepts.
struct FailThenAccept {
    n: usize,
    seen: std::sync::atomic::AtomicUsize,
}

impl Respond for FailThenAccept {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < self.n {
            ResponseTemplate::new(503)
        } else {
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational", "diagnostics": "ok"}]}))
        }
    }
}

#[tokio::test]
async fn failing_twice_then_succeeding_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ffb/report"))
        .respond_with(FailThenAccept { n: 2, seen: 0.into() })
        .expect(3)
        .mount(&server)
        .await;
    let client = GatewayClient::new(config(&server)).unwrap();
    let body = serde_json::to_vec(&report()).unwrap();
    match client.send(&body, "k1").await.unwrap() {
        Delivery::Accepted { status, attempts, .. } => assert_eq!((status, attempts), (201, 3)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_rejection_is_not_retried_and_its_issues_are_read() {
    let server = MockServer::start().await;
    let oo = serde_json::json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invariant",
        "details": {"coding": [{"system": "https://ffbkit.dev/rules", "code": "kl-reporting-ffb-condition-1"}], "text": "severity missing"},
        "expression": ["Bundle.entry[3].resource"]}]});
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(422).set_body_json(oo)).expect(1).mount(&server).await;
    let client = GatewayClient::new(config(&server)).unwrap();
    match client.send(b"{}", "k2").await.unwrap() {
        Delivery::Rejected { status, issues } => {
            assert_eq!(status, 422);
            assert_eq!(issues[0].rule.as_deref(), Some("kl-reporting-ffb-condition-1"));
            assert_eq!(issues[0].expression.as_deref(), Some("Bundle.entry[3].resource"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn slow_answers_time_out_and_are_retried_then_given_up() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2))).expect(4).mount(&server).await;
    let client = GatewayClient::new(config(&server)).unwrap();
    let err = client.send(b"{}", "k3").await.unwrap_err();
    assert_eq!(err.attempts, 4);
    assert!(err.last.contains("timed out"), "{err}");
}

#[tokio::test]
async fn rate_limited_answers_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(429)).expect(4).mount(&server).await;
    let client = GatewayClient::new(config(&server)).unwrap();
    assert!(client.send(b"{}", "k4").await.is_err());
}

#[tokio::test]
async fn bearer_token_and_idempotency_key_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer s3cret"))
        .and(header("idempotency-key", "bundle-1"))
        .and(header("content-type", "application/fhir+json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server);
    c.auth = Auth::Bearer("s3cret".into());
    let client = GatewayClient::new(c).unwrap();
    assert!(matches!(client.send(b"{}", "bundle-1").await.unwrap(), Delivery::Accepted { .. }));
}

#[test]
fn a_bad_client_certificate_is_a_clear_error() {
    let mut c = GatewayConfig::new("https://127.0.0.1:1/");
    c.auth = Auth::ClientCertificate(b"not a pem".to_vec());
    let err = GatewayClient::new(c).unwrap_err();
    assert!(err.to_string().contains("client certificate"), "{err}");
}

#[tokio::test]
async fn outbox_keeps_reports_while_the_gateway_is_down_and_survives_a_crash() {
    let dir = std::env::temp_dir().join(format!("ffbkit-outbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("outbox.sqlite");
    let _ = std::fs::remove_file(&db);
    let reports: Vec<serde_json::Value> = (0..3).map(|i| ffbkit_sdk::sample::report(9, i)).collect();

    // Gateway down: everything stays queued.
    let down = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&down).await;
    {
        let outbox = Outbox::open(&db).unwrap();
        for r in &reports {
            outbox.enqueue(r).unwrap();
        }
        outbox.enqueue(&reports[0]).unwrap(); // the same report twice is kept once
        let s = outbox.flush(&GatewayClient::new(config(&down)).unwrap()).await.unwrap();
        assert_eq!((s.sent, s.still_queued), (0, 3));
        // The process "crashes" here: the outbox is dropped without anything else.
    }

    // After a restart, with the gateway up: all three are sent, in order, exactly once.
    let up = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(3).mount(&up).await;
    let outbox = Outbox::open(&db).unwrap();
    let s = outbox.flush(&GatewayClient::new(config(&up)).unwrap()).await.unwrap();
    assert_eq!((s.sent, s.still_queued), (3, 0));
    assert_eq!(outbox.count(State::Sent).unwrap(), 3);
    let order: Vec<String> =
        up.received_requests().await.unwrap().iter().map(|r| r.headers["idempotency-key"].to_str().unwrap().to_string()).collect();
    let expected: Vec<String> = reports.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(order, expected);
    // Flushing again sends nothing twice.
    let s = outbox.flush(&GatewayClient::new(config(&up)).unwrap()).await.unwrap();
    assert_eq!(s.sent, 0);
    std::fs::remove_dir_all(&dir).ok();
}
