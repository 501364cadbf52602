//! Fuzz the receiver's request handling (issue 22): any method, path, query, headers and
//! body through `ffbkit serve`'s routes, extractors and store, in-process
//! (`receiver::InProcess`, a real SQLite store in a temporary directory). Every answer has a
//! documented status and is JSON; every error answer is an OperationOutcome.

#![no_main]

use arbitrary::Arbitrary;
use axum::body::Body;
use axum::http::{Method, Request};
use ffbkit_conformance::receiver::{InProcess, ReceiverConfig};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    path: u8,
    tail: String,
    headers: Vec<(u8, String)>,
    body: Vec<u8>,
}

const METHODS: [&str; 6] = ["POST", "GET", "HEAD", "PUT", "DELETE", "OPTIONS"];
const PATHS: [&str; 8] = ["/fhir/Bundle", "/", "/citizens", "/citizens/", "/reports", "/reports/", "/health", "/"];
const HEADERS: [&str; 6] = ["content-type", "content-encoding", "idempotency-key", "authorization", "content-length", "x-other"];
const STATUSES: [u16; 14] = [200, 201, 400, 401, 404, 405, 408, 409, 413, 415, 422, 429, 500, 503];

fn runtime() -> &'static (tokio::runtime::Runtime, InProcess) {
    static R: OnceLock<(tokio::runtime::Runtime, InProcess)> = OnceLock::new();
    R.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let dir = std::env::temp_dir().join(format!("ffbkit-fuzz-receiver-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let receiver = rt.block_on(InProcess::open(&ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), dir))).unwrap();
        (rt, receiver)
    })
}

fuzz_target!(|input: Input| {
    let (rt, receiver) = runtime();
    let uri = format!("{}{}", PATHS[input.path as usize % PATHS.len()], input.tail);
    let mut request = Request::builder().method(Method::from_bytes(METHODS[input.method as usize % METHODS.len()].as_bytes()).unwrap()).uri(uri);
    for (name, value) in input.headers.iter().take(6) {
        // content-length is set by the body, as hyper would.
        let name = HEADERS[*name as usize % HEADERS.len()];
        if name != "content-length" {
            request = request.header(name, value.as_str());
        }
    }
    let Ok(request) = request.body(Body::from(input.body)) else { return };
    let (status, content_type, body) = rt.block_on(async {
        let r = receiver.call(request, "127.0.0.1:9".parse().unwrap()).await;
        let status = r.status().as_u16();
        let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (status, ct, r.into_body().collect().await.unwrap().to_bytes())
    });
    assert!(STATUSES.contains(&status), "undocumented status {status}");
    if body.is_empty() {
        return; // HEAD
    }
    assert!(content_type.contains("json"), "{status} answered {content_type}");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("every answer is JSON");
    if status >= 400 {
        assert_eq!(v["resourceType"], "OperationOutcome", "{status}: {v}");
    }
});
