//! The nightly job killed with SIGKILL (`kill -9`) at each step of its run, and started
//! again (issue 20): a real child process (`src/bin/nightly_job.rs`, the durable planner and
//! outbox in one SQLite file) reports two citizens' weeks to `ffbkit serve` on loopback
//! through a forwarding proxy (which can hold a request the receiver has answered: a kill
//! mid-send). Afterwards the receiver holds every change exactly once: per citizen, the
//! reports the uninterrupted in-memory planner makes, in order, each Bundle id once, and the
//! stream audits clean.

use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver};
use ffbkit_sdk::audit::audit_citizen;
use ffbkit_sdk::gateway::{Outbox, State};
use ffbkit_sdk::planner::Planner;
use serde_json::Value;
use std::collections::HashSet;
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "nightly-token";

/// A forwarding proxy in front of the receiver: it counts requests and can hold the next
/// one after the receiver answered it (the answer never reaches the job).
#[derive(Default)]
struct Proxy {
    requests: AtomicUsize,
    hold_next: AtomicBool,
    held: tokio::sync::Notify,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn proxy_connection(mut sock: TcpStream, upstream: String, proxy: Arc<Proxy>) -> std::io::Result<()> {
    let http = reqwest::Client::new();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let path = lines.next().and_then(|l| l.split(' ').nth(1)).unwrap_or("/").to_string();
        let mut headers = Vec::new();
        let mut length = 0usize;
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                if k == "content-length" {
                    length = v.parse().unwrap_or(0);
                }
                if ["authorization", "idempotency-key", "content-type", "accept"].contains(&k.as_str()) {
                    headers.push((k, v));
                }
            }
        }
        while buf.len() < head_end + length {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);
        let mut req = http.post(format!("{upstream}{path}")).body(body);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let resp = req.send().await.map_err(std::io::Error::other)?;
        let status = resp.status().as_u16();
        let answer = resp.bytes().await.map_err(std::io::Error::other)?;
        proxy.requests.fetch_add(1, Ordering::SeqCst);
        if proxy.hold_next.swap(false, Ordering::SeqCst) {
            // The receiver has it; the job never hears so.
            proxy.held.notify_one();
            std::future::pending::<()>().await;
        }
        let head = format!("HTTP/1.1 {status} X\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\n\r\n", answer.len());
        sock.write_all(head.as_bytes()).await?;
        sock.write_all(&answer).await?;
    }
}

async fn start_proxy(upstream: String) -> (String, Arc<Proxy>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let proxy = Arc::new(Proxy::default());
    let p = proxy.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(proxy_connection(sock, upstream.clone(), p.clone()));
        }
    });
    (url, proxy)
}

/// Run the job once: to its end (`stop` None, not held), or until it prints `stopped` at
/// `stop` or the proxy holds a request, then kill it with SIGKILL. Its output lines.
async fn run_job(store: &std::path::Path, endpoint: &str, stop: Option<&str>, proxy: &Proxy) -> Vec<String> {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_nightly_job"));
    cmd.arg(store).arg(endpoint).arg(TOKEN).args(stop).stdout(std::process::Stdio::piped()).kill_on_drop(true);
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = Vec::new();
    let killed = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            tokio::select! {
                line = lines.next_line() => match line.unwrap() {
                    Some(l) if l == "stopped" => return true,
                    Some(l) => out.push(l),
                    None => return false,
                },
                _ = proxy.held.notified() => return true,
            }
        }
    })
    .await
    .expect("the job stops, ends or is held in time");
    if killed {
        child.start_kill().unwrap(); // SIGKILL
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(9), "killed with SIGKILL: {status:?}");
    } else {
        let status = child.wait().await.unwrap();
        assert!(status.success(), "the job ended with {status:?}: {out:?}");
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nightly_job_killed_at_each_step_reports_every_change_exactly_once() {
    let dir = std::env::temp_dir().join(format!("ffbkit-e2e-nightly-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), dir.join("receiver"));
    config.token = Some(TOKEN.into());
    let rx = RunningReceiver::start(config).await.unwrap();
    let (proxy_url, proxy) = start_proxy(rx.url()).await;
    let endpoint = format!("{proxy_url}/fhir/Bundle");
    let store = dir.join("job.sqlite");

    // Killed before planning, inside the transaction (planned; written, not committed),
    // after the commit (queued, not sent), mid-send (the receiver has it, the job has no
    // answer), before sending, and once more inside a transaction; then run to the end.
    for stop in ["before-plan:0", "after-plan:2", "after-write:2", "after-enqueue:3", "mid-send", "before-send:5", "after-write:6"] {
        let held = stop == "mid-send";
        proxy.hold_next.store(held, Ordering::SeqCst);
        let out = run_job(&store, &endpoint, (!held).then_some(stop), &proxy).await;
        assert!(!out.iter().any(|l| l == "done"), "{stop}: killed before the end");
        if !held {
            let (point, day) = stop.split_once(':').unwrap();
            assert_eq!(out.last().map(String::as_str), Some(format!("at {point} {day} 0").as_str()), "{stop}");
        }
    }
    let requests_before_end = proxy.requests.load(Ordering::SeqCst);
    assert!(requests_before_end > 0, "reports were sent before the last run");
    let out = run_job(&store, &endpoint, None, &proxy).await;
    assert_eq!(out.last().map(String::as_str), Some("done"));

    // Every change exactly once, nothing owed missing: per citizen, what the uninterrupted
    // in-memory planner reports, in order.
    let cases = ffbkit_e2e::nightly_cases();
    let mut expected_total = 0;
    let receiver = rx.store();
    for week in &cases {
        let mut planner = Planner::new();
        let expected: Vec<Value> = week.iter().filter_map(|(day, case)| planner.plan_day(case, *day)).collect();
        expected_total += expected.len();
        let key = receiver.citizen_key(week[0].1.citizen.cpr.digits());
        let stored: Vec<Value> = receiver.citizen_reports(&key).unwrap().iter().map(|s| serde_json::from_slice(&s.body).unwrap()).collect();
        assert_eq!(stored.len(), expected.len(), "one report per day with changes");
        assert_eq!(stored, expected, "the reports of the uninterrupted planner, each once, in order");
        let audit = audit_citizen(&stored);
        assert!(!audit.has_errors(), "the stream audits clean: {:#?}", audit.findings);
    }
    assert_eq!(expected_total, 12);
    assert_eq!(receiver.count_accepted().unwrap(), expected_total as u64);
    assert_eq!(receiver.count_received().unwrap(), expected_total as u64, "nothing rejected, no conflicting re-send");
    let ids: HashSet<String> = receiver.reports_since(0).unwrap().into_iter().filter_map(|r| r.bundle_id).collect();
    assert_eq!(ids.len(), expected_total, "no Bundle id stored twice");
    let requests = proxy.requests.load(Ordering::SeqCst);
    assert!(requests > expected_total, "the report held mid-send was sent again ({requests} requests)");
    let outbox = Outbox::open(&store).unwrap();
    assert_eq!((outbox.count(State::Sent).unwrap(), outbox.count(State::Queued).unwrap()), (expected_total, 0));
    eprintln!("8 runs, 7 killed with SIGKILL; {requests} requests, {expected_total} reports stored once each, audit clean");
    rx.shutdown().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
