//! End to end through `ffbkit serve`: a synthetic stream written by `ffbkit synth` is sent
//! with the SDK's outbox and gateway client to a real receiver on loopback; then the stream
//! audit of what the receiver stored, per citizen (over HTTP and from its store), equals the
//! audit of the same reports read from the file.

use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver};
use ffbkit_sdk::audit::{audit_citizen, AuditRuleId};
use ffbkit_sdk::gateway::{Auth, GatewayClient, GatewayConfig, Outbox, State};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

fn ffbkit(args: &[&str]) -> i32 {
    let argv: Vec<String> = std::iter::once("ffbkit").chain(args.iter().copied()).map(str::to_string).collect();
    ffbkit_conformance::cli::run(argv)
}

fn cpr_of(r: &Value) -> String {
    ffbkit_sdk::report::citizen_cpr(r).expect("the report names its citizen").to_string()
}

#[tokio::test]
async fn the_audit_of_what_the_receiver_stored_equals_the_audit_of_the_files() {
    let dir = std::env::temp_dir().join(format!("ffbkit-e2e-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let stream = dir.join("stream.ndjson");
    assert_eq!(ffbkit(&["synth", "--citizens", "36", "--seed", "9", "--out", stream.to_str().unwrap()]), 0);
    // Flaws the gateway cannot see but the stream audit must (so the comparison is not of
    // empty audits): every 7th report carries a resource last updated a year earlier
    // (PROTO-ONE-DAY).
    let mut kept = Vec::new();
    for (i, line) in std::fs::read_to_string(&stream).unwrap().lines().enumerate() {
        let mut r: Value = serde_json::from_str(line).unwrap();
        if i % 7 == 3 {
            let updated = r["entry"][1]["resource"]["meta"]["lastUpdated"].as_str().unwrap().to_string();
            r["entry"][1]["resource"]["meta"]["lastUpdated"] = Value::String(updated.replacen("2025-", "2024-", 1));
        }
        kept.push(serde_json::to_string(&r).unwrap());
    }
    std::fs::write(&stream, kept.join("\n") + "\n").unwrap();
    assert_eq!(ffbkit(&["validate", "--format", "summary", stream.to_str().unwrap()]), 0, "still valid for the gateway");
    let lines: Vec<Value> = std::fs::read_to_string(&stream).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut by_citizen: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in &lines {
        by_citizen.entry(cpr_of(r)).or_default().push(r.clone());
    }
    assert_eq!(by_citizen.len(), 36);

    let mut config = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), dir.join("receiver"));
    config.token = Some("e2e-token".into());
    let rx = RunningReceiver::start(config).await.unwrap();
    let mut gw = GatewayConfig::new(&format!("{}/fhir/Bundle", rx.url()));
    gw.auth = Auth::Bearer("e2e-token".into());
    gw.timeout = Duration::from_secs(10);
    let client = GatewayClient::new(gw).unwrap();
    let outbox = Outbox::open(dir.join("outbox.sqlite")).unwrap();
    for r in &lines {
        outbox.enqueue(r).unwrap();
    }
    let summary = outbox.flush(&client).await.unwrap();
    assert_eq!((summary.sent, summary.rejected, summary.still_queued), (lines.len(), 0, 0));
    assert_eq!(outbox.count(State::Sent).unwrap(), lines.len());

    let store = rx.store();
    assert_eq!(store.count_accepted().unwrap(), lines.len() as u64);
    let citizens = store.citizens().unwrap();
    assert_eq!(citizens.len(), by_citizen.len());
    let http = reqwest::Client::new();
    for (cpr, reports) in &by_citizen {
        let expected = serde_json::to_value(audit_citizen(reports)).unwrap();
        let key = store.citizen_key(cpr);
        let summary = citizens.iter().find(|c| c.citizen_key == key).expect("the citizen is listed");
        assert_eq!(summary.reports, reports.len() as u64);
        assert_eq!(summary.citizen_masked, ffbkit_sdk::cpr::mask(cpr));

        // From the store: the accepted bodies, as sent, in receive order.
        let stored: Vec<Value> = store.citizen_reports(&key).unwrap().iter().map(|s| serde_json::from_slice(&s.body).unwrap()).collect();
        assert_eq!(&stored, reports, "stored in the order sent, content intact");
        assert_eq!(serde_json::to_value(audit_citizen(&stored)).unwrap(), expected);

        // Over HTTP: the receiver's own audit endpoint.
        let resp = http.get(format!("{}/citizens/{key}/audit", rx.url())).bearer_auth("e2e-token").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let text = resp.text().await.unwrap();
        assert!(!text.contains(cpr.as_str()), "masked CPR only");
        let mut got: Value = serde_json::from_str(&text).unwrap();
        got.as_object_mut().unwrap().remove("citizen_key");
        assert_eq!(got, expected, "audit of citizen {}", summary.citizen_masked);
    }
    let mut rules: BTreeMap<AuditRuleId, usize> = BTreeMap::new();
    for f in by_citizen.values().flat_map(|r| audit_citizen(r).findings) {
        *rules.entry(f.rule).or_default() += 1;
    }
    eprintln!("{} reports, {} citizens, audit findings {rules:?}: equal from files, store and HTTP", lines.len(), by_citizen.len());
    assert!(rules.contains_key(&AuditRuleId::ProtoOneDay), "the audits compared are not empty: {rules:?}");

    // A crash after sending: a fresh outbox sends the first reports again; each is answered
    // as accepted (same Bundle id, same bytes) and nothing is stored twice.
    let hash = store.content_hash().unwrap();
    let again = Outbox::open(dir.join("outbox-again.sqlite")).unwrap();
    for r in lines.iter().take(10) {
        again.enqueue(r).unwrap();
    }
    assert_eq!(again.flush(&client).await.unwrap().sent, 10);
    assert_eq!(store.count_accepted().unwrap(), lines.len() as u64);
    assert_eq!(store.content_hash().unwrap(), hash);
    rx.shutdown().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
