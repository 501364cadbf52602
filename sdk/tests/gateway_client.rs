//! The gateway client and the outbox against a wiremock gateway on loopback: retries with
//! backoff, rejections not retried, OperationOutcome parsed, bearer auth, slow answers,
//! a crash between queueing and sending, a flush stopped (not drained) by an auth error,
//! Retry-After, the answer size limit, plain http refused, the outbox's busy timeout and a
//! changed report under a queued id.

use ffbkit_sdk::gateway::{Auth, ConfigError, Delivery, GatewayClient, GatewayConfig, Outbox, OutboxError, State};
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

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ffbkit-outbox-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("outbox.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    db
}

fn outcome(text: &str) -> serde_json::Value {
    serde_json::json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid", "diagnostics": text}]})
}

#[tokio::test]
async fn an_expired_token_stops_the_flush_and_keeps_every_report_queued() {
    let db = temp_db("token");
    let outbox = Outbox::open(&db).unwrap();
    let reports: Vec<serde_json::Value> = (0..4).map(|i| ffbkit_sdk::sample::report(11, i)).collect();
    for r in &reports {
        outbox.enqueue(r).unwrap();
    }
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(header("authorization", "Bearer fresh")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(401).set_body_json(outcome("token expired"))).mount(&server).await;

    let mut c = config(&server);
    c.auth = Auth::Bearer("expired".into());
    let s = outbox.flush(&GatewayClient::new(c.clone()).unwrap()).await.unwrap();
    assert_eq!((s.sent, s.rejected, s.still_queued), (0, 0, 4));
    let stop = s.stopped.expect("stopped");
    assert_eq!(stop.status, 401);
    assert_eq!(stop.report_id, reports[0]["id"].as_str().unwrap());
    assert!(stop.message.contains("token expired"), "{stop:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "stops at the first 401");
    assert_eq!(outbox.count(State::Rejected).unwrap(), 0);

    c.auth = Auth::Bearer("fresh".into());
    let s = outbox.flush(&GatewayClient::new(c).unwrap()).await.unwrap();
    assert_eq!((s.sent, s.rejected, s.still_queued, s.stopped), (4, 0, 0, None));
}

#[tokio::test]
async fn a_4xx_that_is_no_verdict_on_the_report_stops_the_flush() {
    for status in [403u16, 404, 405, 408, 400, 422] {
        let db = temp_db(&format!("status{status}"));
        let outbox = Outbox::open(&db).unwrap();
        for i in 0..2 {
            outbox.enqueue(&ffbkit_sdk::sample::report(12, i)).unwrap();
        }
        let server = MockServer::start().await;
        // No OperationOutcome: a proxy's or a web server's answer, not the gateway's verdict.
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(status).set_body_string("<html>nope</html>")).mount(&server).await;
        let s = outbox.flush(&GatewayClient::new(config(&server)).unwrap()).await.unwrap();
        assert_eq!((s.sent, s.rejected, s.still_queued), (0, 0, 2), "{status}");
        assert_eq!(s.stopped.map(|r| r.status), Some(status));
    }
}

#[tokio::test]
async fn only_the_gateways_verdict_rejects_a_report() {
    let db = temp_db("verdict");
    let outbox = Outbox::open(&db).unwrap();
    let reports: Vec<serde_json::Value> = (0..5).map(|i| ffbkit_sdk::sample::report(13, i)).collect();
    for r in &reports {
        outbox.enqueue(r).unwrap();
    }
    let id = |i: usize| reports[i]["id"].as_str().unwrap().to_string();
    let server = MockServer::start().await;
    Mock::given(header("idempotency-key", id(1).as_str()))
        .respond_with(ResponseTemplate::new(422).set_body_json(outcome("severity missing")))
        .mount(&server)
        .await;
    Mock::given(header("idempotency-key", id(2).as_str())).respond_with(ResponseTemplate::new(409)).mount(&server).await;
    Mock::given(header("idempotency-key", id(3).as_str())).respond_with(ResponseTemplate::new(413)).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let s = outbox.flush(&GatewayClient::new(config(&server)).unwrap()).await.unwrap();
    assert_eq!((s.sent, s.rejected, s.still_queued, s.stopped), (2, 3, 0, None));
}

/// 503 with a Retry-After once, then 201.
struct RetryAfterOnce {
    value: &'static str,
    seen: std::sync::atomic::AtomicUsize,
}

impl Respond for RetryAfterOnce {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            ResponseTemplate::new(503).insert_header("Retry-After", self.value)
        } else {
            ResponseTemplate::new(201)
        }
    }
}

#[tokio::test]
async fn retry_after_is_followed_within_the_backoff_cap() {
    // Followed: 1 s asked, backoff alone would wait 10-20 ms.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(RetryAfterOnce { value: "1", seen: 0.into() }).expect(2).mount(&server).await;
    let mut c = config(&server);
    c.max_backoff = Duration::from_secs(5);
    let t = std::time::Instant::now();
    assert!(matches!(GatewayClient::new(c).unwrap().send(b"{}", "ra1").await.unwrap(), Delivery::Accepted { attempts: 2, .. }));
    assert!(t.elapsed() >= Duration::from_millis(950), "{:?}", t.elapsed());

    // Capped: an hour asked, max_backoff is 200 ms.
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(RetryAfterOnce { value: "3600", seen: 0.into() }).expect(2).mount(&server).await;
    let mut c = config(&server);
    c.max_backoff = Duration::from_millis(200);
    let t = std::time::Instant::now();
    assert!(matches!(GatewayClient::new(c).unwrap().send(b"{}", "ra2").await.unwrap(), Delivery::Accepted { .. }));
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(190) && took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn an_answer_over_the_size_limit_fails_the_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_bytes(vec![b' '; 3 << 20])).expect(2).mount(&server).await;
    let mut c = config(&server);
    c.max_attempts = 2;
    c.max_answer_bytes = 1 << 20;
    let err = GatewayClient::new(c).unwrap().send(b"{}", "big").await.unwrap_err();
    assert_eq!(err.attempts, 2);
    assert!(err.last.contains("answer larger than 1048576 bytes"), "{err}");
}

#[test]
fn plain_http_is_refused_unless_loopback_or_allowed() {
    let err = GatewayClient::new(GatewayConfig::new("http://gateway.example/ffb")).unwrap_err();
    assert!(matches!(&err, ConfigError::InsecureHttp { host } if host == "gateway.example"), "{err}");
    assert!(err.to_string().contains("plain http"), "{err}");
    let mut allowed = GatewayConfig::new("http://gateway.example/ffb");
    allowed.allow_insecure_http = true;
    assert!(GatewayClient::new(allowed).is_ok());
    for ok in ["https://gateway.example/ffb", "http://127.0.0.1:8787/ffb", "http://localhost:1/", "http://[::1]:2/"] {
        assert!(GatewayClient::new(GatewayConfig::new(ok)).is_ok(), "{ok}");
    }
    assert!(matches!(GatewayClient::new(GatewayConfig::new("not a url")), Err(ConfigError::Endpoint(_))));
}

#[test]
fn a_second_writer_waits_for_the_lock_instead_of_failing() {
    let db = temp_db("busy");
    let outbox = Outbox::open(&db).unwrap();
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE; INSERT INTO outbox (report_id, body) VALUES ('other', x'7b7d');").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        other.execute_batch("COMMIT").unwrap();
    });
    rx.recv().unwrap();
    let t = std::time::Instant::now();
    outbox.enqueue(&ffbkit_sdk::sample::report(14, 0)).unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
    holder.join().unwrap();
    assert_eq!(outbox.count(State::Queued).unwrap(), 2);
}

#[test]
fn a_changed_report_under_a_queued_id_is_a_conflict() {
    let db = temp_db("conflict");
    let outbox = Outbox::open(&db).unwrap();
    let report = ffbkit_sdk::sample::report(15, 0);
    let id = outbox.enqueue(&report).unwrap();
    assert_eq!(outbox.enqueue(&report).unwrap(), id, "the same report again is fine");
    let mut changed = report.clone();
    changed["timestamp"] = serde_json::json!("2030-01-01T00:00:00Z");
    match outbox.enqueue(&changed) {
        Err(OutboxError::Conflict { report_id }) => assert_eq!(report_id, id),
        other => panic!("{other:?}"),
    }
    assert_eq!(outbox.count(State::Queued).unwrap(), 1);
}
