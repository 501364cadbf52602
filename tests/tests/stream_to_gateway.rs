//! A synthetic stream from `ffbkit synth` is valid by `ffbkit validate`, and every report of
//! it reaches a gateway on loopback through the SDK's outbox, in order, exactly once.

use ffbkit_sdk::gateway::{GatewayClient, GatewayConfig, Outbox, State};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ffbkit(args: &[&str]) -> i32 {
    let argv: Vec<String> = std::iter::once("ffbkit").chain(args.iter().copied()).map(str::to_string).collect();
    ffbkit_conformance::cli::run(argv)
}

#[tokio::test]
async fn synth_validate_and_send() {
    let dir = std::env::temp_dir().join(format!("ffbkit-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stream = dir.join("stream.ndjson");
    assert_eq!(ffbkit(&["synth", "--citizens", "40", "--seed", "5", "--out", stream.to_str().unwrap()]), 0);
    assert_eq!(ffbkit(&["validate", "--format", "summary", stream.to_str().unwrap()]), 0, "the stream is valid");

    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&stream).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() >= 80);
    let gateway = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).expect(lines.len() as u64).mount(&gateway).await;
    let outbox = Outbox::open(dir.join("outbox.sqlite")).unwrap();
    for r in &lines {
        outbox.enqueue(r).unwrap();
    }
    let mut config = GatewayConfig::new(&format!("{}/ffb", gateway.uri()));
    config.timeout = Duration::from_secs(5);
    let summary = outbox.flush(&GatewayClient::new(config).unwrap()).await.unwrap();
    assert_eq!(summary.sent, lines.len());
    assert_eq!(outbox.count(State::Queued).unwrap(), 0);
    let keys: Vec<String> =
        gateway.received_requests().await.unwrap().iter().map(|r| r.headers["idempotency-key"].to_str().unwrap().to_string()).collect();
    let ids: Vec<String> = lines.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(keys, ids, "in order, once each");
    std::fs::remove_dir_all(&dir).ok();
}
