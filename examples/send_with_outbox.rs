//! Queue reports in the durable outbox and send them to a local receiver on loopback. The
//! receiver is down at first (reports stay queued), then comes up and answers like the
//! gateway: it validates with the same validator and replies with an OperationOutcome.
//!
//! Run: `cargo run -p ffbkit-sdk --example send_with_outbox`

use ffbkit_sdk::gateway::{GatewayClient, GatewayConfig, Outbox, State};
use ffbkit_sdk::validate::{render, Validator};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A minimal HTTP/1.1 receiver: one POSTed report per connection, answered 201 (accepted)
/// or 422 (rejected) with the validator's OperationOutcome.
async fn receiver(listener: TcpListener) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else { return };
        tokio::spawn(async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            let body = loop {
                let Ok(n) = sock.read(&mut chunk).await else { return };
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let len: usize =
                        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break buf[end + 4..end + 4 + len].to_vec();
                    }
                }
            };
            let outcome = Validator::default_validator().validate_bytes(&body);
            let answer = render::operation_outcome(&outcome).to_string();
            let status = if outcome.is_valid() { "201 Created" } else { "422 Unprocessable Entity" };
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        });
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("ffbkit-example-outbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let outbox = Outbox::open(dir.join("outbox.sqlite"))?;
    for i in 0..5 {
        outbox.enqueue(&ffbkit_sdk::sample::report(11, i))?;
    }
    // Reserve a loopback port, then close it: the receiver is "down".
    let port = TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();
    let mut config = GatewayConfig::new(&format!("http://127.0.0.1:{port}/ffb"));
    config.max_attempts = 2;
    config.backoff = Duration::from_millis(50);
    let client = GatewayClient::new(config)?;
    let s = outbox.flush(&client).await?;
    println!("receiver down: sent {}, still queued {}", s.sent, s.still_queued);

    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    tokio::spawn(receiver(listener));
    let s = outbox.flush(&client).await?;
    println!("receiver up:   sent {}, rejected {}, still queued {}", s.sent, s.rejected, s.still_queued);
    if let Some(stop) = &s.stopped {
        return Err(format!("flush stopped by HTTP {} (token or URL?): {}", stop.status, stop.message).into());
    }
    let sent = outbox.count(State::Sent)?;
    std::fs::remove_dir_all(&dir).ok();
    if sent != 5 {
        return Err(format!("expected 5 sent, got {sent}").into());
    }
    Ok(())
}
