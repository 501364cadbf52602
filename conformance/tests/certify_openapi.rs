//! The vendor-adapter contract (`schemas/vendor-adapter.openapi.json`) holds on both sides:
//! every request the harness's adapter client sends matches the spec's request schema, and
//! the reference vendor's answers match the spec's response schemas, in push and pull mode.

use ffbkit_conformance::harness::adapter::AdapterClient;
use ffbkit_conformance::{journey, vendor};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn spec() -> Value {
    serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/vendor-adapter.openapi.json")).unwrap())
        .unwrap()
}

/// A validator for one component schema (the spec is the root, so `$ref`s resolve).
fn component(name: &str) -> jsonschema::Validator {
    let mut root = spec();
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    jsonschema::options().with_draft(jsonschema::Draft::Draft202012).build(&root).unwrap()
}

fn assert_valid(schema: &str, v: &Value) {
    let errors: Vec<String> = component(schema).iter_errors(v).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?} in {v}");
}

#[test]
fn the_spec_names_the_four_endpoints_and_their_bodies() {
    let s = spec();
    for p in ["/health", "/reset", "/actions", "/deliver"] {
        assert!(s["paths"][p].is_object(), "{p}");
    }
    assert_valid("Reset", &json!({"run": "r", "gateway": null, "token": null}));
    assert!(!component("Reset").is_valid(&json!({"gateway": "http://x"})), "run is required");
    assert!(!component("DeliverRequest").is_valid(&json!({"date": "3 March"})));
    assert!(!component("Sent").is_valid(&json!({"sent": -1})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sends_what_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"reports": []}))).mount(&server).await;
    let client = AdapterClient::new(&server.uri(), Duration::from_secs(5)).unwrap();
    let j = journey::embedded().into_iter().next().unwrap();
    client.reset("run-1", Some("http://127.0.0.1:1/fhir/Bundle"), Some("tok")).await.1.unwrap();
    client.reset("run-1", None, None).await.1.unwrap();
    for step in &j.steps {
        for a in &step.actions {
            client.action(&j.id, &step.id, &step.date.to_string(), a).await.1.unwrap();
        }
        client.deliver(&step.date.to_string()).await.1.unwrap();
    }
    for req in server.received_requests().await.unwrap() {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let schema = match req.url.path() {
            "/reset" => "Reset",
            "/actions" => "ActionRequest",
            "/deliver" => "DeliverRequest",
            p => panic!("unexpected {p}"),
        };
        assert_valid(schema, &body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_vendor_answers_what_the_spec_says() {
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let http = reqwest::Client::new();
    let j = journey::embedded().into_iter().next().unwrap();
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{}{path}", adapter.url())).json(&body);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };
    assert_eq!(http.get(format!("{}/health", adapter.url())).send().await.unwrap().status().as_u16(), 200);
    let (status, _) = post("/reset", json!({"run": "r", "gateway": null, "token": null})).await;
    assert!(status == 204 || status == 200);
    for step in &j.steps {
        for a in &step.actions {
            let (status, body) =
                post("/actions", json!({"journey": j.id, "step": step.id, "date": step.date.to_string(), "action": a})).await;
            assert_eq!(status, 200, "{body}");
        }
        let (status, body) = post("/deliver", json!({"date": step.date.to_string()})).await;
        assert_eq!(status, 200);
        assert_valid("Reports", &serde_json::from_str(&body).unwrap());
    }
    // A refused action answers the spec's Error body.
    let (status, body) = post(
        "/actions",
        json!({"journey": j.id, "step": "x", "date": "2025-01-01", "action": {"action": "end-plan", "plan": "no-such-plan"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_valid("Error", &serde_json::from_str(&body).unwrap());
    adapter.shutdown().await;
}
