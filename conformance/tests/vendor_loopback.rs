//! The reference vendor over real HTTP on loopback: reset, actions, deliver, in pull and
//! push mode; every report valid (SDK validator: zero errors), every journey's stream free
//! of audit findings, every `VUM-*` check passing.

use ffbkit_conformance::journey::{self, Journey};
use ffbkit_conformance::vendor;
use ffbkit_sdk::validate::{Severity, Validator};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let resp = client.post(url).json(&body).send().await.expect("adapter answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Drive one journey through the adapter; the reports of each step in pull mode.
async fn drive_pull(client: &reqwest::Client, base: &str, j: &Journey) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    for step in &j.steps {
        for a in &step.actions {
            let (status, body) = post(
                client,
                format!("{base}/actions"),
                json!({"journey": j.id, "step": step.id, "date": step.date.to_string(), "action": a}),
            )
            .await;
            assert_eq!(status, 200, "{} {}: {body}", j.id, step.id);
        }
        if step.deliver {
            let (status, body) = post(client, format!("{base}/deliver"), json!({"date": step.date.to_string()})).await;
            assert_eq!(status, 200, "{body}");
            out.push(body["reports"].as_array().cloned().expect("pull mode answers reports"));
        } else {
            out.push(Vec::new());
        }
    }
    out
}

fn judge(j: &Journey, per_step: &[Vec<Value>]) {
    let validator = Validator::default_validator();
    let mut stream: Vec<Value> = Vec::new();
    for (i, reports) in per_step.iter().enumerate() {
        for r in reports {
            let outcome = validator.validate_value(r);
            let errors: Vec<String> = outcome
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect();
            assert!(errors.is_empty(), "{} step {}: {errors:#?}", j.id, j.steps[i].id);
        }
        stream.extend(reports.iter().cloned());
        if j.steps[i].deliver {
            let check = journey::check_step(j, i, reports, &stream);
            assert!(check.passed, "{}: {:#?}", check.id, check.messages);
        }
    }
    let mut by_citizen: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for r in &stream {
        let cpr = ffbkit_sdk::report::citizen_cpr(r).unwrap_or_default().to_string();
        by_citizen.entry(cpr).or_default().push(r.clone());
    }
    assert_eq!(by_citizen.len(), j.citizens.len(), "{}: one stream per citizen", j.id);
    for reports in by_citizen.values() {
        let audit = ffbkit_sdk::audit::audit_citizen(reports);
        assert!(audit.findings.is_empty(), "{}: {:#?}", j.id, audit.findings);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_vendor_in_pull_mode_passes_every_journey() {
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = adapter.url();
    let client = reqwest::Client::new();
    assert_eq!(client.get(format!("{base}/health")).send().await.unwrap().status().as_u16(), 200);
    for j in journey::embedded() {
        let resp = client
            .post(format!("{base}/reset"))
            .json(&json!({"run": format!("test-{}", j.id), "gateway": null, "token": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 204);
        let per_step = drive_pull(&client, &base, &j).await;
        judge(&j, &per_step);
    }
    adapter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_vendor_in_push_mode_posts_each_report_with_the_token() {
    // A minimal gateway on loopback that keeps what it is sent (and the bearer token).
    type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let app = axum::Router::new().route(
        "/fhir/Bundle",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let s2 = s2.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
                s2.lock().unwrap().push((auth, serde_json::from_slice(&body).unwrap()));
                (axum::http::StatusCode::CREATED, "{}")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gw = format!("http://{}/fhir/Bundle", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = adapter.url();
    let client = reqwest::Client::new();
    let j = journey::embedded().into_iter().find(|j| j.id == "boerge-mogensen").unwrap();
    let (status, _) = post(&client, format!("{base}/reset"), json!({"run": "push", "gateway": gw, "token": "s3cret"})).await;
    assert_eq!(status, 204);
    let mut per_step = Vec::new();
    for step in &j.steps {
        for a in &step.actions {
            let (status, body) = post(
                &client,
                format!("{base}/actions"),
                json!({"journey": j.id, "step": step.id, "date": step.date.to_string(), "action": a}),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
        let before = seen.lock().unwrap().len();
        let (status, body) = post(&client, format!("{base}/deliver"), json!({"date": step.date.to_string()})).await;
        assert_eq!(status, 200, "{body}");
        let got: Vec<Value> = seen.lock().unwrap()[before..].iter().map(|(_, v)| v.clone()).collect();
        assert_eq!(body["sent"].as_u64(), Some(got.len() as u64));
        per_step.push(got);
    }
    assert!(seen.lock().unwrap().iter().all(|(auth, _)| auth.as_deref() == Some("Bearer s3cret")));
    judge(&j, &per_step);
    adapter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_answers_bad_requests_with_an_error_not_a_crash() {
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = adapter.url();
    let client = reqwest::Client::new();
    let (status, _) = post(&client, format!("{base}/reset"), json!({"run": "bad"})).await;
    assert_eq!(status, 204);
    // An action on a citizen that does not exist: 422 with a message.
    let (status, body) = post(
        &client,
        format!("{base}/actions"),
        json!({"journey": "x", "step": "s", "date": "2025-03-03", "action": {"action": "reassess", "theme": "spise", "score": 2}}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["error"].as_str().unwrap().contains("spise"), "{body}");
    // Not an action at all.
    let (status, body) =
        post(&client, format!("{base}/actions"), json!({"journey": "x", "date": "2025-03-03", "action": {"action": "fly"}})).await;
    assert_eq!(status, 422, "{body}");
    // Malformed body.
    let resp = client.post(format!("{base}/deliver")).body("{not json").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    adapter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_fails_gives_a_502_with_the_reason_and_the_reports_are_not_lost() {
    // A gateway that answers 500 to the first three posts, then accepts.
    let count = Arc::new(Mutex::new(0usize));
    let c2 = count.clone();
    let app = axum::Router::new().route(
        "/fhir/Bundle",
        axum::routing::post(move || {
            let c2 = c2.clone();
            async move {
                let mut n = c2.lock().unwrap();
                *n += 1;
                if *n <= 3 {
                    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down")
                } else {
                    (axum::http::StatusCode::CREATED, "{}")
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gw = format!("http://{}/fhir/Bundle", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = adapter.url();
    let client = reqwest::Client::new();
    let j = journey::embedded().into_iter().find(|j| j.id == "sel85-stoette-i-hjemmet").unwrap();
    post(&client, format!("{base}/reset"), json!({"run": "flaky", "gateway": gw, "token": null})).await;
    let step = &j.steps[0];
    for a in &step.actions {
        post(&client, format!("{base}/actions"), json!({"journey": j.id, "step": step.id, "date": step.date.to_string(), "action": a}))
            .await;
    }
    let (status, body) = post(&client, format!("{base}/deliver"), json!({"date": step.date.to_string()})).await;
    assert_eq!(status, 502, "{body}");
    assert!(body["error"].as_str().unwrap().contains("HTTP 500"), "{body}");
    assert_eq!(*count.lock().unwrap(), 3, "three attempts");
    assert!(body["error"].as_str().unwrap().contains("1 kept"), "{body}");
    // The gateway is back: the next delivery sends the kept report first.
    let (status, body) = post(&client, format!("{base}/deliver"), json!({"date": "2025-03-04"})).await;
    assert_eq!((status, body["sent"].as_u64()), (200, Some(1)), "{body}");
    adapter.shutdown().await;
}
