//! `ffbkit serve` as a user starts it (issue 22, secure defaults): a non-loopback address
//! without a token is refused (exit 2) unless `--insecure-no-auth`; `--token-file` reads the
//! token without its trailing newline; the stores holding CPR numbers (the receiver's, the
//! certification evidence) are created readable by their owner only.

use super::serve_process::Serve;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

fn ffbkit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ffbkit"))
}

#[test]
fn a_non_loopback_address_without_a_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o =
        ffbkit().args(["serve", "--addr", "0.0.0.0:0", "--data-dir"]).arg(dir.path()).env_remove("FFBKIT_SERVE_TOKEN").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("refusing to listen on 0.0.0.0:0 without a token") && err.contains("--insecure-no-auth"), "{err}");
    assert!(!dir.path().join("receiver.sqlite").exists(), "nothing was created");
    let o = ffbkit().args(["serve", "--token-file"]).arg(dir.path().join("missing")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// POST `body` with an optional bearer token; the status code.
fn post(addr: &str, body: &[u8], token: Option<&str>) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(s, "POST /fhir/Bundle HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/fhir+json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
    s.write_all(body).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn a_token_file_with_a_trailing_newline_matches_and_the_store_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret-token\n").unwrap();
    let token_arg = token.to_str().unwrap();
    let mut serve = Serve::start(&dir.path().join("rx"), &["--token-file", token_arg]);
    let addr = serve.addr.clone();
    let report = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/ig-example-encounter-2.json")).unwrap();
    let without = post(&addr, &report, None);
    let wrong = post(&addr, &report, Some("s3cret-toke"));
    let with = post(&addr, &report, Some("s3cret-token"));
    serve.kill();
    assert_eq!((without, wrong, with), (401, 401, 201));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("rx/receiver.sqlite")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the receiver's store is its owner's only");
        let run = dir.path().join("run");
        drop(ffbkit_conformance::harness::store::Store::open(&run).unwrap());
        let mode = std::fs::metadata(run.join("evidence.sqlite")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the evidence store is its owner's only");
    }
}

/// Issue 22: several senders, one token each (`NAME TOKEN` per line of the token file): each
/// is accepted and named in the stored sender; any other token, or none, is 401; a malformed
/// token file is a usage error (exit 2) naming its line.
#[test]
fn a_token_file_of_named_senders_accepts_each_and_stores_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("senders");
    std::fs::write(&tokens, "# sender token\nkommune-a  token-of-a\n\nvendor_b token-of-b\n").unwrap();
    let mut serve = Serve::start(&dir.path().join("rx"), &["--token-file", tokens.to_str().unwrap()]);
    let addr = serve.addr.clone();
    let report = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/ig-example-encounter-2.json")).unwrap();
    let statuses = (
        post(&addr, &report, Some("token-of-a")),
        post(&addr, &report, Some("token-of-b")),
        post(&addr, &report, Some("token-of-c")),
        post(&addr, &report, None),
    );
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(s, "GET /reports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer token-of-b\r\nConnection: close\r\n\r\n").unwrap();
    let mut listing = String::new();
    s.read_to_string(&mut listing).unwrap();
    serve.kill();
    assert_eq!(statuses, (201, 200, 401, 401), "the same report twice: accepted, then answered as a re-send");
    assert!(listing.contains("\"sender\":\"bearer:kommune-a@127.0.0.1:"), "{listing}");
    assert!(!listing.contains("token-of"), "tokens are never shown");

    std::fs::write(&tokens, "kommune-a token-of-a\nkommune-a token-of-b\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
        .args(["serve", "--addr", "127.0.0.1:0", "--token-file", tokens.to_str().unwrap(), "--data-dir"])
        .arg(dir.path().join("rx2"))
        .env_remove("FFBKIT_SERVE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("on line 2 of") && said.contains("kommune-a"), "{said}");
}
