//! Signed certificates (`ffbkit certify keygen`, `certify --sign`, `certify verify
//! --pubkey`) through the real binary: a signed run verifies; a tampered certify.json, a
//! wrong public key, a missing signature do not (exit 1); a malformed key file is a usage
//! error (exit 2) with a clear message; no key material is printed.

use std::path::Path;
use std::process::{Command, Output};

fn ffbkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ffbkit")).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One short journey (pull mode), so the run takes well under a second.
fn one_journey(dir: &Path) -> std::path::PathBuf {
    let j = dir.join("journeys");
    std::fs::create_dir_all(&j).unwrap();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/journeys/boerge-mogensen.json");
    std::fs::copy(src, j.join("boerge-mogensen.json")).unwrap();
    j
}

#[test]
fn certify_sign_a_signed_run_verifies_and_tampering_or_another_key_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("keys/certifier");
    let other = dir.path().join("keys/other");
    let g = ffbkit(&["certify", "keygen", "--out", s(&key)]);
    assert_eq!(g.status.code(), Some(0), "{}", text(&g));
    assert_eq!(ffbkit(&["certify", "keygen", "--out", s(&other)]).status.code(), Some(0));
    let private = std::fs::read_to_string(&key).unwrap();
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
    assert!(std::fs::read_to_string(dir.path().join("keys/certifier.pub")).unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let body: String = private.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!text(&g).contains(&body), "keygen prints no key");
    let fingerprint = text(&g).lines().find_map(|l| l.strip_prefix("fingerprint: ").map(str::to_string)).unwrap();
    // keygen refuses to overwrite a key.
    assert_eq!(ffbkit(&["certify", "keygen", "--out", s(&key)]).status.code(), Some(2));

    let journeys = one_journey(dir.path());
    let run = dir.path().join("run");
    let o = ffbkit(&["certify", "--mode", "pull", "--journeys", s(&journeys), "--out", s(&run), "--sign", s(&key)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains(&format!("signed by {fingerprint}")), "{}", text(&o));
    assert!(!text(&o).contains(&body));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("certify.json")).unwrap()).unwrap();
    assert_eq!(json["signer"]["fingerprint"], fingerprint.as_str());
    assert!(std::fs::read_to_string(run.join("certify.html")).unwrap().contains(&fingerprint), "the HTML names the signer");
    let sig: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("certify.json.sig")).unwrap()).unwrap();
    assert_eq!(sig["algorithm"], "Ed25519");
    assert_eq!(sig["fingerprint"], fingerprint.as_str());

    let public = dir.path().join("keys/certifier.pub");
    let v = ffbkit(&["certify", "verify", s(&run), "--pubkey", s(&public)]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v));
    assert!(text(&v).contains("ok: certify.json matches its evidence") && text(&v).contains("ok: signature valid"), "{}", text(&v));
    // Without --pubkey the signature is named, not checked; the evidence still decides.
    let v = ffbkit(&["certify", "verify", s(&run)]);
    assert_eq!(v.status.code(), Some(0));
    assert!(text(&v).contains("not checked"), "{}", text(&v));

    // Another key: exit 1, the line says so.
    let v = ffbkit(&["certify", "verify", s(&run), "--pubkey", &format!("{}.pub", s(&other))]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("ANOTHER KEY"), "{}", text(&v));

    // A tampered certificate: one byte of whitespace (the evidence still matches, the
    // signature does not), then a changed verdict (neither holds).
    let path = run.join("certify.json");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{original} ")).unwrap();
    let v = ffbkit(&["certify", "verify", s(&run), "--pubkey", s(&public)]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("ok: certify.json matches its evidence") && text(&v).contains("signature INVALID"), "{}", text(&v));
    std::fs::write(&path, original.replacen("\"checks\": ", "\"checks\": 1", 1)).unwrap();
    let v = ffbkit(&["certify", "verify", s(&run), "--pubkey", s(&public)]);
    assert_eq!(v.status.code(), Some(1));
    assert!(text(&v).contains("MISMATCH") && text(&v).contains("signature INVALID"), "{}", text(&v));
    std::fs::write(&path, &original).unwrap();
    assert_eq!(ffbkit(&["certify", "verify", s(&run), "--pubkey", s(&public)]).status.code(), Some(0));

    // A missing signature with --pubkey: exit 1.
    std::fs::remove_file(run.join("certify.json.sig")).unwrap();
    let v = ffbkit(&["certify", "verify", s(&run), "--pubkey", s(&public)]);
    assert_eq!(v.status.code(), Some(1), "{}", text(&v));
    assert!(text(&v).contains("signature MISSING"), "{}", text(&v));
    let v = ffbkit(&["certify", "verify", s(&run)]);
    assert_eq!(v.status.code(), Some(0), "without --pubkey the evidence decides");
    assert!(text(&v).contains(&format!("names signer {fingerprint} (certify.json.sig is missing)")), "{}", text(&v));
}

#[test]
fn certify_sign_malformed_or_unreadable_key_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n").unwrap();
    let run = dir.path().join("run");
    let o = ffbkit(&["certify", "--mode", "pull", "--out", s(&run), "--sign", s(&bad)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--sign") && text(&o).contains("is not an Ed25519 private key"), "{}", text(&o));
    assert!(!run.join("certify.json").exists(), "nothing ran");
    let o = ffbkit(&["certify", "--mode", "pull", "--out", s(&run), "--sign", s(&dir.path().join("absent"))]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot read"), "{}", text(&o));
    // verify --pubkey with a private key, garbage, or no file: exit 2 before any check.
    let key = dir.path().join("k");
    assert_eq!(ffbkit(&["certify", "keygen", "--out", s(&key)]).status.code(), Some(0));
    for pubkey in [key.clone(), bad.clone(), dir.path().join("absent.pub")] {
        let o = ffbkit(&["certify", "verify", s(dir.path()), "--pubkey", s(&pubkey)]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("--pubkey"), "{}", text(&o));
    }
    let o = ffbkit(&["certify", "verify", s(dir.path()), "--pubkey", s(&key)]);
    assert!(text(&o).contains("is not an Ed25519 public key"), "{}", text(&o));
}
