//! `ffbkit serve` over real HTTP on loopback: a real receiver on 127.0.0.1:0, a real
//! client (reqwest, and the SDK's gateway client), the real SQLite store.

use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver, Store};
use ffbkit_sdk::gateway::{Auth, Delivery, GatewayClient, GatewayConfig};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

fn data_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-http-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

async fn start(name: &str, token: Option<&str>, max_body: Option<usize>) -> RunningReceiver {
    let mut c = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), data_dir(name));
    c.token = token.map(str::to_string);
    if let Some(m) = max_body {
        c.max_body_bytes = m;
    }
    RunningReceiver::start(c).await.unwrap()
}

fn sample(i: u64) -> (Value, Vec<u8>) {
    let r = ffbkit_sdk::sample::report(11, i);
    let b = serde_json::to_vec(&r).unwrap();
    (r, b)
}

fn cpr_of(r: &Value) -> String {
    ffbkit_sdk::report::citizen_cpr(r).expect("a sample report names its citizen").to_string()
}

async fn post(url: &str, body: Vec<u8>, ct: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let resp = reqwest::Client::new().post(format!("{url}/fhir/Bundle")).header("content-type", ct).body(body).send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let v = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, headers, v)
}

async fn get(url: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(format!("{url}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn rules(outcome: &Value) -> Vec<String> {
    outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i.pointer("/details/coding/0/code").and_then(Value::as_str).map(str::to_string))
        .collect()
}

#[tokio::test]
async fn an_accepted_report_is_stored_byte_for_byte_before_the_answer() {
    let rx = start("accepted", None, None).await;
    let (r, body) = sample(0);
    let (status, headers, outcome) = post(&rx.url(), body.clone(), "application/fhir+json").await;
    assert_eq!(status, 201, "{outcome}");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert!(outcome["issue"].as_array().unwrap().iter().all(|i| i["severity"] != "error"));
    assert_eq!(headers["location"], "/reports/1");
    // Stored when answered: read the store directly, before shutdown.
    let stored = rx.store().reports_since(0).unwrap();
    assert_eq!(stored.len(), 1);
    let s = &stored[0];
    assert!(s.accepted);
    assert_eq!(s.status, 201);
    assert_eq!(s.body, body);
    assert_eq!(s.bundle_id.as_deref(), r["id"].as_str());
    assert_eq!(s.outcome, outcome);
    let cpr = cpr_of(&r);
    assert_eq!(s.citizen_masked.as_deref(), Some(ffbkit_sdk::cpr::mask(&cpr).as_str()));
    assert_eq!(s.citizen_key.as_deref(), Some(rx.store().citizen_key(&cpr).as_str()));
    let key = s.citizen_key.as_ref().unwrap();
    assert!(key.len() == 32 && !key.contains(&cpr), "a pseudonym, not the CPR number: {key}");
    assert!(s.sender.starts_with("127.0.0.1:"), "{}", s.sender);
    assert!(s.received_at.ends_with('Z') && s.received_at.len() == 24, "{}", s.received_at);
    assert_eq!(s.timestamp.as_deref(), r["timestamp"].as_str());
    assert_eq!(rx.store().count_accepted().unwrap(), 1);
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn invalid_malformed_and_non_utf8_reports_are_rejected_and_kept_as_evidence() {
    let rx = start("rejected", None, None).await;
    let (mut r, _) = sample(1);
    r["type"] = "batch".into();
    let invalid = serde_json::to_vec(&r).unwrap();
    let (status, _, outcome) = post(&rx.url(), invalid.clone(), "application/json").await;
    assert_eq!(status, 422);
    assert!(rules(&outcome).contains(&"GW-BUNDLE".to_string()), "{outcome}");
    let (status, _, outcome) = post(&rx.url(), b"{\"resourceType\": \"Bundle\", ".to_vec(), "application/fhir+json").await;
    assert_eq!(status, 400);
    assert_eq!(rules(&outcome), vec!["GW-JSON"]);
    assert!(outcome["issue"][0]["location"][0].as_str().unwrap().starts_with("line 1"), "{outcome}");
    let non_utf8 = vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'];
    let (status, _, outcome) = post(&rx.url(), non_utf8.clone(), "application/fhir+json").await;
    assert_eq!(status, 400);
    assert_eq!(rules(&outcome), vec!["GW-JSON"]);
    let (status, _, outcome) = post(&rx.url(), b"[]".to_vec(), "application/fhir+json").await;
    assert_eq!(status, 400, "{outcome}");
    let (status, _, outcome) = post(&rx.url(), b"{}".to_vec(), "text/plain").await;
    assert_eq!(status, 415);
    assert_eq!(outcome["issue"][0]["code"], "not-supported");

    let stored = rx.store().reports_since(0).unwrap();
    assert_eq!(stored.iter().map(|s| s.status).collect::<Vec<_>>(), vec![422, 400, 400, 400, 415]);
    assert!(stored.iter().all(|s| !s.accepted));
    assert_eq!(stored[0].body, invalid);
    assert_eq!(
        stored[0].citizen_key.as_deref(),
        Some(rx.store().citizen_key(&cpr_of(&r)).as_str()),
        "a rejected report is still filed under its citizen"
    );
    assert_eq!(stored[2].body, non_utf8, "unreadable bodies are kept byte for byte");
    assert_eq!(rx.store().count_accepted().unwrap(), 0);
    assert!(rx.store().citizens().unwrap().is_empty(), "citizens lists accepted reports only");
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_configured_token_is_required_everywhere_but_health() {
    let rx = start("token", Some("s3cret"), None).await;
    let (_, body) = sample(2);
    let client = reqwest::Client::new();
    let url = format!("{}/fhir/Bundle", rx.url());
    let none = client.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    assert_eq!(serde_json::from_slice::<Value>(&none.bytes().await.unwrap()).unwrap()["issue"][0]["code"], "login");
    let wrong = client.post(&url).bearer_auth("guess").body(body.clone()).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(rx.store().count_received().unwrap(), 0, "unauthenticated requests are not stored");
    let right = client.post(&url).bearer_auth("s3cret").header("content-type", "application/fhir+json").body(body).send().await.unwrap();
    assert_eq!(right.status(), 201);
    let sender = &rx.store().reports_since(0).unwrap()[0].sender;
    assert!(sender.starts_with("bearer:") && sender.contains("@127.0.0.1:") && !sender.contains("s3cret"), "{sender}");
    for path in ["/citizens", "/reports?after=0", "/reports/1"] {
        assert_eq!(get(&rx.url(), path, None).await.0, 401, "{path}");
        assert_eq!(get(&rx.url(), path, Some("s3cret")).await.0, 200, "{path}");
    }
    assert_eq!(get(&rx.url(), "/health", None).await.0, 200);
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_and_noted() {
    let rx = start("limit", None, Some(4096)).await;
    let (_, body) = sample(3);
    assert!(body.len() > 4096);
    let (status, _, outcome) = post(&rx.url(), body, "application/fhir+json").await;
    assert_eq!(status, 413);
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(rules(&outcome), vec!["GW-JSON"]);
    let stored = rx.store().reports_since(0).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].status, stored[0].accepted, stored[0].body.len()), (413, false, 0));
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_resend_is_accepted_once_and_a_changed_resend_is_a_conflict() {
    let rx = start("dedupe", None, None).await;
    let (mut r, body) = sample(4);
    let (s1, h1, o1) = post(&rx.url(), body.clone(), "application/fhir+json").await;
    let (s2, h2, o2) = post(&rx.url(), body.clone(), "application/fhir+json").await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(o1, o2, "the re-send gets the first answer");
    assert_eq!(h1["location"], h2["location"]);
    assert_eq!(rx.store().count_accepted().unwrap(), 1);
    assert_eq!(rx.store().count_received().unwrap(), 1, "an identical re-send is not stored twice");

    r["timestamp"] = "2025-06-02T10:00:00+02:00".into();
    let changed = serde_json::to_vec(&r).unwrap();
    let (s3, _, o3) = post(&rx.url(), changed.clone(), "application/fhir+json").await;
    assert_eq!(s3, 409, "{o3}");
    assert_eq!(rules(&o3), vec!["GW-ID"]);
    assert_eq!(o3["issue"][0]["expression"][0], "Bundle.id");
    let stored = rx.store().reports_since(0).unwrap();
    assert_eq!(stored.len(), 2, "the conflicting one is kept as evidence");
    assert_eq!((stored[1].status, stored[1].accepted), (409, false));
    assert_eq!(stored[1].body, changed);

    // The Idempotency-Key header, when sent, is what identifies a re-send.
    let (_, other) = sample(5);
    let client = reqwest::Client::new();
    let send = |key: &'static str, b: Vec<u8>| {
        client.post(format!("{}/", rx.url())).header("idempotency-key", key).header("content-type", "application/fhir+json").body(b).send()
    };
    assert_eq!(send("k-1", other.clone()).await.unwrap().status(), 201);
    assert_eq!(send("k-1", other.clone()).await.unwrap().status(), 200);
    assert_eq!(send("k-1", body.clone()).await.unwrap().status(), 409);
    assert_eq!(rx.store().count_accepted().unwrap(), 2);
    // A key quoted back in an answer has CPR-like numbers masked.
    assert_eq!(send("0101814321", other.clone()).await.unwrap().status(), 201);
    let conflict = send("0101814321", body.clone()).await.unwrap();
    assert_eq!(conflict.status(), 409);
    let text = conflict.text().await.unwrap();
    assert!(text.contains("010181-****") && !text.contains("0101814321"), "{text}");
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_identical_resends_are_stored_once() {
    let rx = start("race", None, None).await;
    let (_, body) = sample(6);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (url, b) = (rx.url(), body.clone());
        tasks.push(tokio::spawn(async move { post(&url, b, "application/fhir+json").await.0 }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 15, "{statuses:?}");
    assert_eq!(rx.store().count_received().unwrap(), 1);
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn get_endpoints_list_citizens_reports_and_the_audit_with_masked_cpr_only() {
    let rx = start("get", None, None).await;
    let mut sent = Vec::new();
    for i in 0..3 {
        let (r, body) = sample(20 + i);
        assert_eq!(post(&rx.url(), body, "application/fhir+json").await.0, 201);
        sent.push(r);
    }
    let (mut bad, _) = sample(30);
    bad["type"] = "batch".into();
    assert_eq!(post(&rx.url(), serde_json::to_vec(&bad).unwrap(), "application/fhir+json").await.0, 422);
    let cprs: Vec<String> = sent.iter().chain([&bad]).map(cpr_of).collect();
    let no_cpr = |text: &str| cprs.iter().all(|c| !text.contains(c.as_str()));

    let (status, text) = get(&rx.url(), "/citizens", None).await;
    assert_eq!(status, 200);
    assert!(no_cpr(&text), "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    let list = list["citizens"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    for r in &sent {
        let cpr = cpr_of(r);
        let key = rx.store().citizen_key(&cpr);
        let entry = list.iter().find(|c| c["citizen_key"] == key.as_str()).expect("listed");
        assert_eq!(entry["citizen_masked"], ffbkit_sdk::cpr::mask(&cpr));
        assert_eq!(entry["reports"], 1);

        let (status, text) = get(&rx.url(), &format!("/citizens/{key}/reports"), None).await;
        assert_eq!(status, 200);
        assert!(no_cpr(&text));
        let reports: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reports["reports"][0]["bundle_id"], r["id"]);
        assert_eq!(reports["reports"][0]["report"]["entry"].as_array().unwrap().len(), r["entry"].as_array().unwrap().len());

        let (status, text) = get(&rx.url(), &format!("/citizens/{key}/audit"), None).await;
        assert_eq!(status, 200);
        assert!(no_cpr(&text));
        let mut audit: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(audit["citizen_key"], key.as_str());
        audit.as_object_mut().unwrap().remove("citizen_key");
        assert_eq!(audit, serde_json::to_value(ffbkit_sdk::audit::audit_citizen(std::slice::from_ref(r))).unwrap());
    }
    assert_eq!(get(&rx.url(), "/citizens/0000/audit", None).await.0, 404);
    assert_eq!(get(&rx.url(), "/citizens/0000/reports", None).await.0, 404);

    let (status, text) = get(&rx.url(), "/reports?after=0", None).await;
    assert_eq!(status, 200);
    assert!(no_cpr(&text));
    let all: Value = serde_json::from_str(&text).unwrap();
    let seqs: Vec<i64> = all["reports"].as_array().unwrap().iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4], "rejected ones too");
    assert_eq!(all["next_after"], 4);
    assert_eq!(all["reports"][3]["accepted"], false);
    assert_eq!(all["reports"][3]["status"], 422);
    let (_, text) = get(&rx.url(), "/reports?after=2&limit=1", None).await;
    let page: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["reports"].as_array().unwrap().len(), 1);
    assert_eq!(page["reports"][0]["seq"], 3);
    assert_eq!(get(&rx.url(), "/reports?after=x", None).await.0, 400);
    assert_eq!(get(&rx.url(), "/reports/99", None).await.0, 404);
    let (status, text) = get(&rx.url(), "/health", None).await;
    assert_eq!(status, 200);
    let health: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((health["received"].as_u64(), health["accepted"].as_u64()), (Some(4), Some(3)));
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sdk_gateway_client_reads_the_answers_right() {
    let rx = start("sdk-client", Some("tok"), None).await;
    let mut config = GatewayConfig::new(&format!("{}/fhir/Bundle", rx.url()));
    config.timeout = Duration::from_secs(10);
    config.backoff = Duration::from_millis(10);
    let unauthenticated = GatewayClient::new(config.clone()).unwrap();
    config.auth = Auth::Bearer("tok".into());
    let client = GatewayClient::new(config).unwrap();
    let (r, body) = sample(40);
    let id = r["id"].as_str().unwrap();
    match client.send(&body, id).await.unwrap() {
        Delivery::Accepted { status, attempts, .. } => assert_eq!((status, attempts), (201, 1)),
        other => panic!("{other:?}"),
    }
    match client.send(&body, id).await.unwrap() {
        Delivery::Accepted { status, .. } => assert_eq!(status, 200, "a re-send after a crash is accepted again"),
        other => panic!("{other:?}"),
    }
    let (mut bad, _) = sample(41);
    bad["type"] = "batch".into();
    match client.send(&serde_json::to_vec(&bad).unwrap(), bad["id"].as_str().unwrap()).await.unwrap() {
        Delivery::Rejected { status, issues } => {
            assert_eq!(status, 422);
            assert!(issues.iter().any(|i| i.rule.as_deref() == Some("GW-BUNDLE")), "{issues:?}");
        }
        other => panic!("{other:?}"),
    }
    match unauthenticated.send(&body, id).await.unwrap() {
        Delivery::Rejected { status, .. } => assert_eq!(status, 401),
        other => panic!("{other:?}"),
    }
    assert_eq!(rx.store().count_received().unwrap(), 2, "one accepted, one rejected; no retries stored");
    rx.shutdown().await.unwrap();
}

#[tokio::test]
async fn restart_keeps_the_data_and_the_citizen_keys() {
    let dir = data_dir("restart");
    let config = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), &dir);
    let rx = RunningReceiver::start(config.clone()).await.unwrap();
    let (r, body) = sample(50);
    assert_eq!(post(&rx.url(), body.clone(), "application/fhir+json").await.0, 201);
    let key = rx.store().citizen_key(&cpr_of(&r));
    let hash = rx.store().content_hash().unwrap();
    rx.shutdown().await.unwrap();

    let rx = RunningReceiver::start(config).await.unwrap();
    assert_eq!(rx.store().count_accepted().unwrap(), 1);
    assert_eq!(rx.store().content_hash().unwrap(), hash);
    assert_eq!(rx.store().citizen_key(&cpr_of(&r)), key, "the salt is kept in the store");
    assert_eq!(rx.store().citizens().unwrap()[0].citizen_key, key);
    assert_eq!(post(&rx.url(), body, "application/fhir+json").await.0, 200, "still known as accepted");
    rx.shutdown().await.unwrap();
    let store = Store::open(&dir.join("receiver.sqlite")).unwrap();
    assert_eq!(store.count_received().unwrap(), 1);
}

/// `schemas/receiver.openapi.json` and the routes agree: every path and method it lists is
/// served (answered by a handler, with a JSON body, not the router's empty 404/405).
#[tokio::test]
async fn every_path_of_the_openapi_file_is_served() {
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/receiver.openapi.json")).unwrap())
            .unwrap();
    let rx = start("openapi", None, None).await;
    let (r, body) = sample(60);
    assert_eq!(post(&rx.url(), body, "application/fhir+json").await.0, 201);
    let key = rx.store().citizen_key(&cpr_of(&r));
    let client = reqwest::Client::new();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.len() >= 8);
    for (path, methods) in paths {
        let concrete = path.replace("{key}", &key).replace("{seq}", "1");
        for (method, op) in methods.as_object().unwrap() {
            let url = format!("{}{concrete}", rx.url());
            let resp = match method.as_str() {
                "get" => client.get(&url).send().await.unwrap(),
                "post" => client
                    .post(&url)
                    .header("content-type", "application/fhir+json")
                    .body(serde_json::to_vec(&sample(61).0).unwrap())
                    .send()
                    .await
                    .unwrap(),
                m => panic!("unexpected method {m}"),
            };
            let status = resp.status().as_u16().to_string();
            assert!(op["responses"].get(&status).is_some(), "{method} {path}: {status} is not a documented answer");
            let body: Value =
                serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or_else(|_| panic!("{method} {path}: a JSON answer"));
            assert!(body.is_object());
        }
    }
    rx.shutdown().await.unwrap();
}

/// Reports where the readers of the citizen used to disagree: the CPR identifier second,
/// an identifier without a system, one with another system, an empty CPR number, no
/// Patient, a Patient that is not an entry's resource; as NDJSON.
fn edge_cases() -> Vec<u8> {
    let patient = |r: &mut Value| -> usize {
        r["entry"].as_array().unwrap().iter().position(|e| e["resource"]["resourceType"] == "Patient").unwrap()
    };
    let mut out = Vec::new();
    for (i, edit) in [
        |r: &mut Value, p: usize| {
            r["entry"][p]["resource"]["identifier"]
                .as_array_mut()
                .unwrap()
                .insert(0, serde_json::json!({"system": "urn:x", "value": "3112999999"}))
        },
        |r: &mut Value, p: usize| {
            r["entry"][p]["resource"]["identifier"][0].as_object_mut().unwrap().remove("system").map(drop).unwrap_or(())
        },
        |r: &mut Value, p: usize| r["entry"][p]["resource"]["identifier"][0]["system"] = "urn:oid:1.2.208.176.1.1".into(),
        |r: &mut Value, p: usize| r["entry"][p]["resource"]["identifier"][0]["value"] = "".into(),
        |r: &mut Value, p: usize| drop(r["entry"].as_array_mut().unwrap().remove(p)),
        |r: &mut Value, p: usize| {
            let patient = r["entry"][p]["resource"].take();
            r["entry"][p]["resource"] = serde_json::json!({"resourceType": "Basic", "id": "x"});
            r["contained"] = serde_json::json!([patient]);
        },
    ]
    .into_iter()
    .enumerate()
    {
        // Two reports of each citizen, so that a wrong reading would also group wrongly.
        for day in 0..2 {
            let mut r = ffbkit_sdk::sample::report(13, i as u64);
            r["id"] = format!("{}-{day}", r["id"].as_str().unwrap()).into();
            r["timestamp"] = format!("2025-03-0{}T12:00:00+01:00", day + 1).into();
            let p = patient(&mut r);
            edit(&mut r, p);
            out.extend(serde_json::to_vec(&r).unwrap());
            out.push(b'\n');
        }
    }
    out
}

/// Every report of `fixtures/streams` and `fixtures/reports` (valid and invalid: two
/// Patients, malformed JSON, ...) and of `extra`, one per file or NDJSON line, in the order
/// `ffbkit audit` reads them.
fn corpus(extra: &std::path::Path) -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut out = Vec::new();
    for p in ffbkit_sdk::input::expand(&[root.join("streams"), root.join("reports"), extra.to_path_buf()]) {
        let p = p.unwrap();
        let bytes = std::fs::read(&p).unwrap();
        if p.extension().is_some_and(|e| e == "ndjson") {
            out.extend(bytes.split(|b| *b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).map(<[u8]>::to_vec));
        } else {
            out.push(bytes);
        }
    }
    out
}

/// One rule for whose report it is: the receiver (`ffbkit serve`, over real HTTP) files
/// each report of the corpus under the citizen the SDK's `report::citizen_cpr` names
/// (read here from a `serde_json::Value`, the receiver reads its own tree), and
/// `ffbkit audit` groups the same corpus into the same citizens and reports. The Python
/// side is `bindings/python/tests/test_audit.py::test_the_citizens_are_the_sdks`.
#[tokio::test]
async fn serve_and_audit_group_a_corpus_by_the_sdks_citizen() {
    let rx = start("grouping", None, None).await;
    let extra = data_dir("grouping-edge").with_extension("ndjson");
    std::fs::write(&extra, edge_cases()).unwrap();
    let corpus = corpus(&extra);
    assert!(corpus.len() > 100, "{} reports", corpus.len());
    let mut expected: Vec<Option<String>> = Vec::new();
    for body in &corpus {
        let value: Option<Value> = serde_json::from_slice(body).ok();
        expected.push(value.as_ref().and_then(ffbkit_sdk::report::citizen_cpr).map(str::to_string));
        let (status, _, outcome) = post(&rx.url(), body.clone(), "application/fhir+json").await;
        assert!(matches!(status, 201 | 400 | 409 | 422), "{status} {outcome}");
    }
    // The corpus has reports without a citizen, and citizens with several reports.
    assert!(expected.iter().any(Option::is_none));
    let mut per_citizen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in expected.iter().flatten() {
        *per_citizen.entry(c).or_default() += 1;
    }
    assert!(per_citizen.values().any(|n| *n > 1));

    // The receiver: each stored report under the SDK's citizen (identical re-sends are
    // answered from the first and not stored again, so stored rows are matched by body).
    let stored = rx.store().reports_since(0).unwrap();
    assert!(stored.len() > corpus.len() / 2);
    for s in &stored {
        let i = corpus.iter().position(|b| *b == s.body).expect("a stored body is one of the corpus");
        let want = expected[i].as_deref().map(|c| rx.store().citizen_key(c));
        assert_eq!(s.citizen_key, want, "report #{} ({:?})", s.seq, s.bundle_id);
        assert_eq!(s.citizen_masked, expected[i].as_deref().map(ffbkit_sdk::cpr::mask));
    }
    // Over HTTP: /citizens lists the citizens of the accepted reports, with their counts.
    let (status, text) = get(&rx.url(), "/citizens", None).await;
    assert_eq!(status, 200, "{text}");
    let listed: Value = serde_json::from_str(&text).unwrap();
    let listed = listed.as_array().or_else(|| listed["citizens"].as_array()).expect("a list of citizens").clone();
    let mut accepted: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for s in stored.iter().filter(|s| s.accepted) {
        *accepted.entry(s.citizen_key.clone().expect("an accepted report names its citizen")).or_default() += 1;
    }
    let got: std::collections::BTreeMap<String, u64> =
        listed.iter().map(|c| (c["citizen_key"].as_str().unwrap().to_string(), c["reports"].as_u64().unwrap())).collect();
    assert_eq!(got, accepted);
    rx.shutdown().await.unwrap();

    // `ffbkit audit` over the same files: the same citizens, the same reports per total, and
    // the reports without a citizen not audited.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["audit", "--json"])
        .arg(root.join("streams"))
        .arg(root.join("reports"))
        .arg(&extra)
        .output()
        .unwrap();
    let audit: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(audit["citizens"].as_u64(), Some(per_citizen.len() as u64));
    assert_eq!(audit["reports"].as_u64(), Some(expected.iter().flatten().count() as u64));
    assert_eq!(audit["unreadable_reports"].as_u64(), Some(expected.iter().filter(|c| c.is_none()).count() as u64));
}

/// A path or query the extractors cannot read (invalid UTF-8 in a percent-escape) is a 400
/// with an OperationOutcome, like every other error, and so are an unknown path, a wrong
/// method and an encoded body (issue 22).
#[tokio::test]
async fn unreadable_paths_and_queries_are_answered_with_an_operation_outcome() {
    let rx = start("extract", None, None).await;
    let url = rx.url();
    for path in ["/reports/%FF%FE", "/citizens/%C3%28/reports", "/reports?limit=%FF"] {
        let resp = reqwest::Client::new().get(format!("{url}{path}")).send().await.unwrap();
        let (status, ct) = (resp.status().as_u16(), resp.headers()["content-type"].to_str().unwrap().to_string());
        let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
        assert_eq!(status, 400, "{path}");
        assert!(ct.starts_with("application/fhir+json"), "{path}: {ct}");
        assert_eq!(body["resourceType"], "OperationOutcome", "{path}");
    }
    // An unknown path (404), a served path with another method (405, with Allow), and a
    // gzip-encoded body (415: the receiver does not decompress): each an OperationOutcome.
    let client = reqwest::Client::new();
    let report = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/ig-example-encounter-2.json")).unwrap();
    for (request, want, allow) in [
        (client.get(format!("{url}/no/such/0101811234")), 404, None),
        (client.delete(format!("{url}/fhir/Bundle")), 405, Some("POST")),
        (client.put(format!("{url}/reports/1")), 405, Some("GET, HEAD")),
        (
            client
                .post(format!("{url}/fhir/Bundle"))
                .header("content-type", "application/fhir+json")
                .header("content-encoding", "gzip")
                .body(report),
            415,
            None,
        ),
    ] {
        let resp = request.send().await.unwrap();
        let status = resp.status().as_u16();
        assert_eq!(resp.headers().get("allow").map(|a| a.to_str().unwrap().to_string()).as_deref(), allow);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/fhir+json"));
        let text = resp.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!((status, body["resourceType"].as_str()), (want, Some("OperationOutcome")), "{text}");
        assert!(!text.contains("0101811234"), "a CPR-like path is masked: {text}");
    }
    rx.shutdown().await.unwrap();
}

/// A CPR number written with JSON escapes is masked where reports are shown, and one written
/// `DDMMYY NNNN` in the answer (issue 22: masking runs on the decoded value).
#[tokio::test]
async fn a_cpr_number_in_escapes_or_with_a_space_is_never_shown_in_clear() {
    let rx = start("cpr-escapes", None, None).await;
    let url = rx.url();
    let (r, body) = sample(3);
    let cpr = cpr_of(&r);
    let escaped: String = cpr.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let text = String::from_utf8(body).unwrap().replace(&format!("\"{cpr}\""), &format!("\"{escaped}\""));
    assert!(!text.contains(&cpr) && text.contains(&escaped));
    let (status, _, _) = post(&url, text.into_bytes(), "application/fhir+json").await;
    assert_eq!(status, 201, "an escaped CPR is still the citizen's CPR");
    let (_, page) = get(&url, "/reports", None).await;
    let (_, one) = get(&url, "/reports/1", None).await;
    let (_, citizens) = get(&url, "/citizens", None).await;
    let key = serde_json::from_str::<Value>(&citizens).unwrap()["citizens"][0]["citizen_key"].as_str().unwrap().to_string();
    let (_, theirs) = get(&url, &format!("/citizens/{key}/reports"), None).await;
    for shown in [&page, &one, &citizens, &theirs] {
        assert!(!shown.contains(&cpr), "a clear CPR number is shown: {}", &shown[..shown.len().min(300)]);
        assert!(shown.contains(&format!("{}-****", &cpr[..6])));
    }
    // Written with a space, in a report the gateway rejects: the answer masks it.
    let (r, body) = sample(4);
    let cpr = cpr_of(&r);
    let spaced = format!("{} {}", &cpr[..6], &cpr[6..]);
    let text = String::from_utf8(body).unwrap().replace(&format!("\"{cpr}\""), &format!("\"{spaced}\""));
    let resp = reqwest::Client::new()
        .post(format!("{url}/fhir/Bundle"))
        .header("content-type", "application/fhir+json")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let answer = resp.text().await.unwrap();
    assert!(!answer.contains(&spaced) && !answer.contains(&cpr), "{answer}");
    rx.shutdown().await.unwrap();
}
