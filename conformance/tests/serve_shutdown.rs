//! Graceful shutdown of `ffbkit serve`: a request still being sent when the stop comes is
//! read to the end, validated, stored and answered; only then does the receiver stop.

use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver, Store};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn a_slow_request_in_flight_at_shutdown_completes_and_is_stored() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let rx = RunningReceiver::start(ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), &dir)).await.unwrap();
    let addr = rx.addr();
    let body = serde_json::to_vec(&ffbkit_sdk::sample::report(9, 0)).unwrap();

    // A slow sender: headers and half the body now, the rest after the stop was asked for.
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /fhir/Bundle HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    conn.write_all(first).await.unwrap();
    conn.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopping = tokio::spawn(rx.shutdown());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!stopping.is_finished(), "the receiver waits for the request in flight");
    assert!(TcpStream::connect(addr).await.is_err(), "no new connections once stopping");

    conn.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // Read the answer head and body (the server closes the connection after it, as it stops).
    loop {
        match tokio::time::timeout(Duration::from_secs(20), conn.read(&mut buf)).await.expect("answered") {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
        if String::from_utf8_lossy(&answer).contains("\"OperationOutcome\"") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    tokio::time::timeout(Duration::from_secs(20), stopping).await.expect("stops").unwrap().unwrap();

    let store = Store::open(&dir.join("receiver.sqlite")).unwrap();
    assert_eq!(store.count_accepted().unwrap(), 1);
    assert_eq!(store.reports_since(0).unwrap()[0].body, body, "stored whole");
}

/// The `ffbkit serve` binary: prints where it listens, serves, and on SIGTERM stops with
/// exit code 0 and everything stored.
#[cfg(unix)]
#[tokio::test]
async fn the_serve_command_stops_cleanly_on_sigterm() {
    use std::io::BufRead;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir", dir.to_str().unwrap()])
        .env("FFBKIT_SERVE_TOKEN", "t0k")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("prints its URL").to_string();
    assert!(line.contains(&dir.join("receiver.sqlite").display().to_string()), "prints the store path: {line}");

    let body = serde_json::to_vec(&ffbkit_sdk::sample::report(9, 1)).unwrap();
    let client = reqwest::Client::new();
    let refused = client.post(format!("{url}/fhir/Bundle")).body(body.clone()).send().await.unwrap();
    assert_eq!(refused.status(), 401, "the token from FFBKIT_SERVE_TOKEN is required");
    let ok = client
        .post(format!("{url}/fhir/Bundle"))
        .bearer_auth("t0k")
        .header("content-type", "application/fhir+json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);

    assert!(std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let status = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
    let store = Store::open(&dir.join("receiver.sqlite")).unwrap();
    assert_eq!(store.count_accepted().unwrap(), 1);
    assert_eq!(store.reports_since(0).unwrap()[0].body, body);
}
