//! Credentials of a certification run. The in-process receiver (push mode) requires a bearer
//! token: a random one per session by default, handed to the vendor in `/reset` (never
//! recorded in the evidence), or one from `--receiver-token-file`. A vendor that pushes
//! without it is refused (401) and its delivery steps err at once, saying why; the
//! reference vendor, which sends the token it is given, passes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::session::{certify, Options, ReceiverToken, VendorChoice};
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::journey;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A vendor adapter that pushes a valid report at every delivery, to the gateway it was
/// given, but without the token it was given.
async fn tokenless_vendor() -> String {
    let gateway: Arc<Mutex<Option<String>>> = Arc::default();
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/reports/valid/own-85-granted.json")).unwrap(),
    )
    .unwrap();
    let app = Router::new()
        .route("/health", get(|| async { StatusCode::OK }))
        .route(
            "/reset",
            post(|State(g): State<Arc<Mutex<Option<String>>>>, Json(b): Json<Value>| async move {
                assert!(b["token"].as_str().is_some_and(|t| t.len() == 64), "a generated token is handed over: {b}");
                *g.lock().unwrap() = b["gateway"].as_str().map(str::to_string);
                StatusCode::NO_CONTENT
            }),
        )
        .route("/actions", post(|| async { Json(json!({})) }))
        .route(
            "/deliver",
            post(move |State(g): State<Arc<Mutex<Option<String>>>>| {
                let report = report.clone();
                async move {
                    let url = g.lock().unwrap().clone().unwrap();
                    let status = reqwest::Client::new().post(url).json(&report).send().await.unwrap().status();
                    assert_eq!(status, 401, "the receiver refuses a report without the token");
                    Json(json!({"sent": 1}))
                }
            }),
        )
        .with_state(gateway);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_tokens_a_vendor_that_pushes_without_the_receiver_token_errs_at_once() {
    let borge: Vec<_> = journey::embedded().into_iter().filter(|j| j.id == "boerge-mogensen").collect();
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(VendorChoice::Http(tokenless_vendor().await), dir.path().to_path_buf());
    options.timeout = Duration::from_secs(20);
    let started = Instant::now();
    let done = certify(&options, borge.clone(), &Progress::hidden()).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(15), "refused reports are not waited for: {:?}", started.elapsed());
    assert_eq!(done.report.status, Status::Error);
    let steps: Vec<_> = done.report.journeys[0].steps.iter().filter(|s| s.deliver).collect();
    assert!(!steps.is_empty());
    for s in steps {
        assert_eq!(s.outcome, "error", "{}", s.id);
        assert!(s.messages.iter().any(|m| m.contains("refused 1 report(s) without the bearer token") && m.contains("401")), "{s:#?}");
    }
    // The token handed over in /reset is not in the evidence or the reports.
    let json = std::fs::read_to_string(&done.written.json).unwrap();
    assert!(json.contains("not recorded"), "the /reset exchange says the token was left out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certify_tokens_the_reference_vendor_passes_with_a_given_receiver_token_that_is_never_written() {
    let borge: Vec<_> = journey::embedded().into_iter().filter(|j| j.id == "boerge-mogensen").collect();
    let dir = tempfile::tempdir().unwrap();
    let token = "a-receiver-token-0123456789";
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let mut options = Options::new(VendorChoice::Reference(None), dir.path().join("run"));
    options.receiver_token = ReceiverToken::Given(ffbkit_conformance::harness::secret::Secret::read_file(&file).unwrap());
    let done = certify(&options, borge, &Progress::hidden()).await.unwrap();
    assert_eq!(
        done.report.status,
        Status::Pass,
        "{:#?}",
        done.report.requirements.iter().filter(|q| q.status != Status::Pass).collect::<Vec<_>>()
    );
    assert!(done.report.journeys[0].reports.iter().all(|r| r.source == "push"));
    for f in [&done.written.json, &done.written.junit, &done.written.html] {
        assert!(!std::fs::read_to_string(f).unwrap().contains(token), "{} shows the token", f.display());
    }
    let evidence = std::fs::read(dir.path().join("run/evidence.sqlite")).unwrap();
    assert!(!evidence.windows(token.len()).any(|w| w == token.as_bytes()), "the evidence keeps no token");
}

#[test]
fn certify_tokens_receiver_token_options_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut argv = vec!["ffbkit", "certify", "--journeys"];
        let journeys = dir.path().join("journeys");
        std::fs::create_dir_all(&journeys).unwrap();
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/journeys/boerge-mogensen.json"), journeys.join("b.json")).unwrap();
        let j = journeys.to_str().unwrap().to_string();
        let out = dir.path().join("run").to_str().unwrap().to_string();
        argv.push(Box::leak(j.into_boxed_str()));
        argv.push("--out");
        argv.push(Box::leak(out.into_boxed_str()));
        argv.extend_from_slice(args);
        ffbkit_conformance::cli::run(argv)
    };
    let file = dir.path().join("token");
    std::fs::write(&file, "s3cret-token\n").unwrap();
    assert_eq!(run(&["--receiver-token-file", file.to_str().unwrap()]), 0);
    assert_eq!(run(&["--open-receiver"]), 0);
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    assert_eq!(run(&["--receiver-token-file", empty.to_str().unwrap()]), 2, "an empty token file is a usage error");
    assert_eq!(run(&["--receiver-token-file", dir.path().join("absent").to_str().unwrap()]), 2);
    assert_eq!(run(&["--receiver-token", "two words"]), 2);
    assert_eq!(run(&["--receiver-token-file", file.to_str().unwrap(), "--open-receiver"]), 2, "conflicting options");
}

/// `ffbkit vendor --require-token-file` as a process; its URL from the first line it prints.
struct VendorProcess {
    child: std::process::Child,
    url: String,
}

impl VendorProcess {
    fn start(token_file: &std::path::Path) -> VendorProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
            .args(["vendor", "--listen", "127.0.0.1:0", "--require-token-file"])
            .arg(token_file)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.contains("requiring a bearer token (sha256:"), "{line}");
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches(',').to_string();
        VendorProcess { child, url }
    }
}

impl Drop for VendorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn certify_tokens_an_adapter_that_requires_a_token_passes_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let token = "adapter-token-4711";
    let token_file = dir.path().join("adapter-token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let vendor = VendorProcess::start(&token_file);
    let journeys = dir.path().join("journeys");
    std::fs::create_dir_all(&journeys).unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/journeys/boerge-mogensen.json"), journeys.join("b.json")).unwrap();
    let certify = |out: &str, extra: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_ffbkit"))
            .args(["certify", "--vendor", &vendor.url, "--journeys", journeys.to_str().unwrap(), "--timeout", "10", "--out"])
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(!text.contains(token), "the token is never printed: {text}");
        (o.status.code(), text)
    };
    // With the token: the reference vendor passes, push and pull.
    let (code, text) = certify("with", &["--adapter-token-file", token_file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = certify("with-pull", &["--adapter-token-file", token_file.to_str().unwrap(), "--mode", "pull"]);
    assert_eq!(code, Some(0), "{text}");
    // Without it (or with another): every step is an error, exit 1.
    for (out, extra) in [("without", vec![]), ("wrong", vec!["--adapter-token", "not-the-token"])] {
        let (code, text) = certify(out, &extra);
        assert_eq!(code, Some(1), "{out}: {text}");
        let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join(out).join("certify.json")).unwrap()).unwrap();
        let steps = json["journeys"][0]["steps"].as_array().unwrap();
        assert!(steps.iter().all(|s| s["outcome"] == "error"), "{out}: {steps:#?}");
        assert!(steps[0]["messages"].to_string().contains("401"), "{out}: {}", steps[0]["messages"]);
    }
    for out in ["with", "with-pull", "without", "wrong"] {
        for f in ["certify.json", "certify.html", "certify.junit.xml"] {
            assert!(!std::fs::read_to_string(dir.path().join(out).join(f)).unwrap().contains(token));
        }
    }
}

#[test]
fn certify_tokens_adapter_credential_options_are_checked_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let cli = |args: &[&str]| {
        let mut argv = vec!["ffbkit", "certify", "--out", out.to_str().unwrap()];
        argv.extend_from_slice(args);
        ffbkit_conformance::cli::run(argv)
    };
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n").unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no pem here\n").unwrap();
    let url = "http://127.0.0.1:9";
    assert_eq!(cli(&["--vendor", url, "--adapter-cert", garbage.to_str().unwrap()]), 2, "a client certificate without a key");
    assert_eq!(cli(&["--vendor", url, "--adapter-ca", empty.to_str().unwrap()]), 2, "no CA certificate in the file");
    assert_eq!(cli(&["--vendor", url, "--adapter-cert", dir.path().join("absent.pem").to_str().unwrap()]), 2);
    assert_eq!(cli(&["--vendor", url, "--adapter-token-file", empty.to_str().unwrap(), "--adapter-token", "x"]), 2, "one of the two");
    assert_eq!(cli(&["--vendor", "reference", "--adapter-token", "x"]), 2, "the built-in vendor takes no adapter credentials");
    assert!(!out.exists(), "nothing ran");
}
