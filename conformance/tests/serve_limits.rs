//! `ffbkit serve` against slow, many and hostile clients (issue 22): raw TCP clients that
//! send nothing, their headers or their body a byte at a time, hold the in-flight or memory
//! bound, or send rejected reports in bulk, while a normal client (reqwest) posts beside
//! them on the same real receiver on loopback.

use ffbkit_conformance::receiver::{Limits, ReceiverConfig, RunningReceiver};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn data_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-limits-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Short timeouts so a test sees them fire; everything else as given.
fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits { header_read_timeout: Duration::from_secs(1), body_read_timeout: Duration::from_secs(2), ..Limits::default() };
    change(&mut l);
    l
}

async fn start(name: &str, limits: Limits, max_body: Option<usize>) -> RunningReceiver {
    let mut c = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), data_dir(name));
    c.limits = limits;
    if let Some(m) = max_body {
        c.max_body_bytes = m;
    }
    RunningReceiver::start(c).await.unwrap()
}

fn sample(i: u64) -> Vec<u8> {
    serde_json::to_vec(&ffbkit_sdk::sample::report(22, i)).unwrap()
}

async fn post(url: &str, body: Vec<u8>) -> (u16, Option<String>, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{url}/fhir/Bundle"))
        .header("content-type", "application/fhir+json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    (status, retry, serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null))
}

/// A client that writes `head` at once, then `trickle` a byte every 250 ms (until the
/// server closes), while reading what the server says. Ends with what it read and how long
/// the server kept it.
async fn slow_client(addr: SocketAddr, head: &'static [u8], trickle: &'static [u8]) -> (String, Duration) {
    let start = Instant::now();
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let writer = tokio::spawn(async move {
        if wr.write_all(head).await.is_err() {
            return;
        }
        for b in trickle.iter().cycle() {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if wr.write_all(&[*b]).await.is_err() {
                return;
            }
        }
        // Nothing to trickle: stay silent with the connection open (dropping the write half
        // would close it).
        std::future::pending::<()>().await;
        drop(wr);
    });
    // The writer ends with this client, also when a test aborts it.
    let _writer = AbortOnDrop(writer);
    let mut got = Vec::new();
    // Until EOF or a reset; a server that never closes fails the test at 30 s.
    let _ = tokio::time::timeout(Duration::from_secs(30), rd.read_to_end(&mut got)).await;
    (String::from_utf8_lossy(&got).into_owned(), start.elapsed())
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

const POST_HEAD: &[u8] = b"POST /fhir/Bundle HTTP/1.1\r\nhost: x\r\ncontent-type: application/fhir+json\r\ncontent-length: 100000\r\n\r\n{";

#[tokio::test]
async fn slow_and_silent_clients_are_cut_off_within_the_timeouts_while_another_posts_normally() {
    let receiver = start("slowloris", limits(|_| {}), None).await;
    let addr = receiver.addr();
    // Silent: connects and sends nothing. Headers a byte at a time. The body a byte at a time.
    let silent = tokio::spawn(slow_client(addr, b"", b""));
    let slow_headers = tokio::spawn(slow_client(addr, b"POST /fhir/Bundle HTTP/1.1\r\nhost: x\r\n", b"x-slow: yes\r\n"));
    let slow_body = tokio::spawn(slow_client(addr, POST_HEAD, b" "));
    // Meanwhile a normal client posts and reads.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _, outcome) = post(&receiver.url(), sample(1)).await;
    assert_eq!(status, 201, "{outcome}");
    let health = reqwest::get(format!("{}/health", receiver.url())).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);

    let (said, held) = silent.await.unwrap();
    assert!(held < Duration::from_secs(5), "a silent connection held {held:?} (header timeout 1 s)");
    assert!(said.is_empty(), "{said}");
    let (said, held) = slow_headers.await.unwrap();
    assert!(held < Duration::from_secs(5), "headers a byte at a time held the connection {held:?} (header timeout 1 s)");
    assert!(!said.contains("201"), "{said}");
    let (said, held) = slow_body.await.unwrap();
    assert!(held < Duration::from_secs(6), "a body a byte at a time held the connection {held:?} (body timeout 2 s)");
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert!(said.contains("OperationOutcome") && said.contains("did not arrive within 2 s"), "{said}");
    // Only the normal report was stored; the cut-off ones were not half-stored.
    assert_eq!(receiver.store().count_received().unwrap(), 1);
    receiver.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_request_beyond_the_in_flight_bound_is_answered_503_with_retry_after_and_health_still_answers() {
    let receiver = start(
        "in-flight",
        limits(|l| {
            l.max_in_flight = 1;
            l.body_read_timeout = Duration::from_secs(20);
        }),
        None,
    )
    .await;
    // A slow body holds the one slot.
    let holder = tokio::spawn(slow_client(receiver.addr(), POST_HEAD, b" "));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, retry, outcome) = post(&receiver.url(), sample(2)).await;
    assert_eq!(status, 503, "{outcome}");
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["code"], "transient");
    let health = reqwest::get(format!("{}/health", receiver.url())).await.unwrap();
    assert_eq!(health.status().as_u16(), 200, "/health is outside the bound");
    holder.abort();
    // The holder's connection is gone: its request ends (unreadable body) and frees the slot.
    let mut status = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = post(&receiver.url(), sample(2)).await.0;
        if status == 201 {
            break;
        }
    }
    assert_eq!(status, 201);
    receiver.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_that_does_not_fit_the_memory_budget_waits_and_is_answered_503_when_it_still_does_not() {
    // A 64 KiB limit and budget: a slow 100,000-byte declaration is refused (413) at once;
    // one of 60,000 holds 59 of the 64 KiB.
    // The body timeout is 4 s: the holder keeps its share for 4 s, a waiting body gives up
    // after half of it.
    let receiver = start(
        "budget",
        limits(|l| {
            l.body_budget_bytes = 64 << 10;
            l.body_read_timeout = Duration::from_secs(4);
        }),
        Some(64 << 10),
    )
    .await;
    let (said, _) = slow_client(receiver.addr(), POST_HEAD, b"").await;
    assert!(said.starts_with("HTTP/1.1 413"), "{said}");
    let holder =
        tokio::spawn(slow_client(receiver.addr(), b"POST /fhir/Bundle HTTP/1.1\r\nhost: x\r\ncontent-length: 60000\r\n\r\n{", b" "));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let report = sample(3);
    assert!(report.len() > 5 << 10 && report.len() < 64 << 10, "{}", report.len());
    let waited = Instant::now();
    let (status, retry, outcome) = post(&receiver.url(), report.clone()).await;
    assert_eq!(status, 503, "{outcome}");
    assert_eq!(retry.as_deref(), Some("1"));
    assert!(waited.elapsed() >= Duration::from_millis(1800), "it waited for the budget first: {:?}", waited.elapsed());
    // The holder is cut off by its body timeout; then the report fits.
    let (said, _) = holder.await.unwrap();
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    assert_eq!(post(&receiver.url(), report).await.0, 201);
    receiver.shutdown().await.unwrap();
}

#[tokio::test]
async fn rejected_reports_beyond_a_senders_budget_are_answered_429_counted_and_not_stored() {
    let receiver = start("rejected-budget", limits(|l| l.rejected_bytes_per_minute = 5_000), None).await;
    let garbage = format!(r#"{{"resourceType":"Bundle","pad":"{}"}}"#, "x".repeat(3_000)).into_bytes();
    let (status, _, first) = post(&receiver.url(), garbage.clone()).await;
    assert_eq!(status, 422, "{first}");
    let (status, retry, second) = post(&receiver.url(), garbage.clone()).await;
    assert_eq!(status, 429, "{second}");
    let wait: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(second["issue"][0]["code"], "throttled");
    // The findings are still told.
    assert_eq!(second["issue"].as_array().unwrap().len(), first["issue"].as_array().unwrap().len() + 1, "{second}");
    // A valid report of the same sender is not held up.
    assert_eq!(post(&receiver.url(), sample(4)).await.0, 201);
    assert_eq!(receiver.store().count_received().unwrap(), 2, "the 429 was not stored");
    assert_eq!(receiver.refused_over_budget(), 1);
    let health: Value = reqwest::get(format!("{}/health", receiver.url())).await.unwrap().json().await.unwrap();
    assert_eq!(health["refused_over_budget"], 1, "{health}");
    receiver.shutdown().await.unwrap();
}

#[tokio::test]
async fn at_the_connection_bound_a_client_waits_until_an_idle_connection_is_closed() {
    let receiver = start("connections", limits(|l| l.max_connections = 2), None).await;
    let idle: Vec<_> = (0..2).map(|_| tokio::spawn(slow_client(receiver.addr(), b"", b""))).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (status, _, outcome) = post(&receiver.url(), sample(5)).await;
    assert_eq!(status, 201, "{outcome}");
    assert!(started.elapsed() >= Duration::from_millis(500), "served only once an idle connection was closed: {:?}", started.elapsed());
    for i in idle {
        let (_, held) = i.await.unwrap();
        assert!(held < Duration::from_secs(5), "{held:?}");
    }
    receiver.shutdown().await.unwrap();
}
