//! Load generator for `ffbkit serve` (loopback only): 64 (or `--concurrency`) connections
//! POST `--reports` valid reports, each a unique Bundle id; prints requests/s and p50/p99
//! latency, then checks the receiver's store: as many accepted rows as 201 answers, and the
//! store's content hash equal to the hash of the bodies sent (in the seq order the
//! `Location` answers gave).
//!
//! ```sh
//! cargo run --release -p ffbkit-conformance --example load -- run --url http://127.0.0.1:8787 \
//!     --store ffbkit-data/receiver.sqlite --reports 20000 --manifest target/load.json
//! cargo run --release -p ffbkit-conformance --example load -- verify \
//!     --store ffbkit-data/receiver.sqlite --manifest target/load.json
//! ```
//! `bash benches/run_serve.sh` runs both against a release `ffbkit serve`.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use ffbkit_conformance::receiver::store::ContentHasher;
use ffbkit_conformance::receiver::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Send the load, then check the store.
    Run {
        /// The receiver (must be on 127.0.0.1).
        #[arg(long)]
        url: String,
        /// The receiver's store file, checked after the load.
        #[arg(long)]
        store: PathBuf,
        /// Reports to send.
        #[arg(long, default_value_t = 20_000)]
        reports: u64,
        /// Concurrent connections.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Distinct report contents (`ffbkit_sdk::sample`), reused with fresh Bundle ids.
        #[arg(long, default_value_t = 500)]
        templates: u64,
        /// Seed of the sample reports.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop sending after this many seconds.
        #[arg(long, default_value_t = 300)]
        max_seconds: u64,
        /// Bearer token, if the receiver requires one.
        #[arg(long)]
        token: Option<String>,
        /// Where to write what was accepted (for `verify`).
        #[arg(long)]
        manifest: PathBuf,
    },
    /// Check a store against a manifest written by `run` (e.g. after the receiver stopped).
    Verify {
        /// The store file.
        #[arg(long)]
        store: PathBuf,
        /// The manifest.
        #[arg(long)]
        manifest: PathBuf,
    },
}

/// A report body split around its Bundle id, so each request gets a fresh id by copying.
struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Template {
    fn new(seed: u64, index: u64) -> Template {
        let mut r = ffbkit_sdk::sample::report(seed, index);
        r["id"] = serde_json::Value::String("@@ID@@".into());
        let text = serde_json::to_string(&r).expect("serialises");
        let (head, tail) = text.split_once("@@ID@@").expect("the id placeholder");
        Template { head: head.as_bytes().to_vec(), tail: tail.as_bytes().to_vec() }
    }
    fn body(&self, id: &str) -> Vec<u8> {
        let mut b = Vec::with_capacity(self.head.len() + id.len() + self.tail.len());
        b.extend_from_slice(&self.head);
        b.extend_from_slice(id.as_bytes());
        b.extend_from_slice(&self.tail);
        b
    }
}

/// Bundle id of request `n` (a valid UUID, unique per run).
fn bundle_id(run: u64, n: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (run >> 32) as u32,
        (run >> 16) as u16,
        (run & 0xfff) as u16,
        (n >> 48) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    seed: u64,
    templates: u64,
    run: u64,
    /// (seq, request number) of every accepted report.
    accepted: Vec<(i64, u64)>,
    expected_hash: String,
}

fn expected_hash(templates: &[Template], run: u64, accepted: &mut [(i64, u64)]) -> String {
    accepted.sort_unstable();
    let mut h = ContentHasher::new();
    for (_, n) in accepted.iter() {
        h.update(&templates[(*n % templates.len() as u64) as usize].body(&bundle_id(run, *n)));
    }
    h.finish()
}

fn verify(store: &std::path::Path, m: &Manifest) -> Result<()> {
    let store = Store::open(store).with_context(|| format!("open {}", store.display()))?;
    let count = store.count_accepted()?;
    let hash = store.content_hash()?;
    println!("store: {count} accepted, content hash {hash}");
    println!("sent:  {} accepted, content hash {}", m.accepted.len(), m.expected_hash);
    if count != m.accepted.len() as u64 || hash != m.expected_hash {
        bail!("the store does not hold exactly what was accepted");
    }
    println!("OK: every accepted report is in the store, byte for byte");
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Verify { store, manifest } => {
            let m: Manifest = serde_json::from_slice(&std::fs::read(&manifest)?)?;
            verify(&store, &m)
        }
        Cmd::Run { url, store, reports, concurrency, templates, seed, max_seconds, token, manifest } => {
            let parsed = url.strip_prefix("http://").unwrap_or("");
            if !(parsed.starts_with("127.0.0.1:") || parsed.starts_with("localhost:")) {
                bail!("the load generator only sends to 127.0.0.1 (got {url})");
            }
            let t0 = Instant::now();
            let tpl: Arc<Vec<Template>> = Arc::new((0..templates.max(1)).map(|i| Template::new(seed, i)).collect());
            let avg = tpl.iter().map(|t| t.head.len() + t.tail.len() + 36).sum::<usize>() / tpl.len();
            println!("{} report templates made in {:.1} s, {avg} bytes per report on average", tpl.len(), t0.elapsed().as_secs_f64());
            let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
            let endpoint = format!("{url}/fhir/Bundle");
            let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).timeout(Duration::from_secs(60)).build()?;
            let next = Arc::new(AtomicU64::new(0));
            let deadline = Instant::now() + Duration::from_secs(max_seconds);
            let start = Instant::now();
            let mut workers = Vec::new();
            for _ in 0..concurrency {
                let (client, endpoint, next, tpl, token) = (client.clone(), endpoint.clone(), next.clone(), tpl.clone(), token.clone());
                workers.push(tokio::spawn(async move {
                    let mut lat = Vec::new();
                    let mut accepted = Vec::new();
                    let mut other: Vec<u16> = Vec::new();
                    let mut errors = 0u64;
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= reports || Instant::now() > deadline {
                            break;
                        }
                        let id = bundle_id(run, n);
                        let body = tpl[(n % tpl.len() as u64) as usize].body(&id);
                        let mut req = client
                            .post(&endpoint)
                            .header("content-type", "application/fhir+json")
                            .header("idempotency-key", &id)
                            .body(body);
                        if let Some(t) = &token {
                            req = req.bearer_auth(t);
                        }
                        let t = Instant::now();
                        match req.send().await {
                            Ok(resp) => {
                                let status = resp.status().as_u16();
                                let seq = resp
                                    .headers()
                                    .get("location")
                                    .and_then(|l| l.to_str().ok())
                                    .and_then(|l| l.rsplit('/').next())
                                    .and_then(|s| s.parse::<i64>().ok());
                                let _ = resp.bytes().await;
                                lat.push(t.elapsed());
                                match (status, seq) {
                                    (201, Some(seq)) => accepted.push((seq, n)),
                                    _ => other.push(status),
                                }
                            }
                            Err(_) => errors += 1,
                        }
                    }
                    (lat, accepted, other, errors)
                }));
            }
            let (mut lat, mut accepted, mut other, mut errors) = (Vec::new(), Vec::new(), Vec::new(), 0);
            for w in workers {
                let (l, a, o, e) = w.await?;
                lat.extend(l);
                accepted.extend(a);
                other.extend(o);
                errors += e;
            }
            let wall = start.elapsed();
            lat.sort_unstable();
            let answered = lat.len();
            println!(
                "{answered} requests in {:.2} s over {concurrency} connections: {:.0} requests/s, {:.0} accepted/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                wall.as_secs_f64(),
                answered as f64 / wall.as_secs_f64(),
                accepted.len() as f64 / wall.as_secs_f64(),
                percentile(&lat, 0.50).as_secs_f64() * 1e3,
                percentile(&lat, 0.99).as_secs_f64() * 1e3,
                lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            );
            println!("answers: {} accepted (201), {} other {:?}, {errors} transport errors", accepted.len(), other.len(), {
                let mut o = other.clone();
                o.sort_unstable();
                o.dedup();
                o
            });
            let hash = expected_hash(&tpl, run, &mut accepted);
            let m = Manifest { seed, templates, run, accepted, expected_hash: hash };
            if let Some(dir) = manifest.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&manifest, serde_json::to_vec(&m)?)?;
            verify(&store, &m)?;
            if !other.is_empty() || errors > 0 {
                bail!("not every request was accepted");
            }
            Ok(())
        }
    }
}
