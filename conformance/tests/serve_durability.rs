//! `ffbkit serve` killed with SIGKILL in the middle of a load (issue 22): the real binary,
//! real sockets, eight clients posting distinct reports; the server is killed after some
//! answers, started again on the same data directory, and killed again. Every report that
//! was answered 201 is in the store afterwards (the answer comes only after the commit),
//! byte for byte, and SQLite's `integrity_check` is `ok`.

use super::serve_process::Serve;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// POST `body`; the status, or `None` when the connection broke (the server was killed).
fn post(addr: &str, body: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "POST /fhir/Bundle HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/fhir+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).ok()?;
    s.write_all(body).ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1).and_then(|c| c.parse().ok())
}

/// One load: clients post reports `from..` until the server dies; it is killed once
/// `kill_after` reports were acknowledged. Returns the acknowledged Bundle ids and bodies.
fn load_and_kill(data: &Path, from: u64, kill_after: usize) -> BTreeMap<String, Vec<u8>> {
    let mut serve = Serve::start(data, &[]);
    let addr = serve.addr.clone();
    let acked = Arc::new(Mutex::new(BTreeMap::new()));
    let dead = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8u64)
        .map(|c| {
            let (addr, acked, dead) = (addr.clone(), acked.clone(), dead.clone());
            std::thread::spawn(move || {
                let mut i = from + c;
                while !dead.load(Ordering::SeqCst) {
                    let report = ffbkit_sdk::sample::report(22, i);
                    let body = serde_json::to_vec(&report).unwrap();
                    match post(&addr, &body) {
                        Some(201) => {
                            acked.lock().unwrap().insert(report["id"].as_str().unwrap().to_string(), body);
                        }
                        Some(status) => panic!("a valid sample report answered {status}"),
                        None => break,
                    }
                    i += 8;
                }
            })
        })
        .collect();
    let waited = std::time::Instant::now();
    while acked.lock().unwrap().len() < kill_after && waited.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    serve.kill(); // SIGKILL: no shutdown, no flush
    dead.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= kill_after, "the load got {} answers in 60 s", acked.len());
    acked
}

#[test]
fn kill_9_mid_load_loses_no_acknowledged_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rx");
    let mut acked = load_and_kill(&data, 0, 60);
    acked.extend(load_and_kill(&data, 1_000_000, 40));
    let db = rusqlite::Connection::open(data.join("receiver.sqlite")).unwrap();
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let mut stmt = db.prepare("SELECT body FROM reports WHERE bundle_id = ?1 AND accepted = 1").unwrap();
    for (id, body) in &acked {
        let stored: Vec<Vec<u8>> = stmt.query_map([id], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(stored.len(), 1, "report {id}, acknowledged 201, is stored once");
        assert_eq!(&stored[0], body, "report {id} is stored byte for byte");
    }
    // The store still serves: a third start answers /health.
    let serve = Serve::start(&data, &[]);
    let mut s = TcpStream::connect(&serve.addr).unwrap();
    write!(s, "GET /health HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", serve.addr).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
