//! The manual driver: the harness shows each step to an operator in plain Danish and waits
//! for the vendor's reports at the receiver. Here the "operator" is a task that reads the
//! prompts and does each step on the reference vendor's system (through its adapter, as a
//! person would in the UI), which pushes to the harness's receiver over loopback, with the
//! receiver's bearer token the operator was given.

use ffbkit_conformance::harness::adapter::AdapterClient;
use ffbkit_conformance::harness::driver::{Driver, ManualDriver, Mode};
use ffbkit_conformance::harness::progress::Progress;
use ffbkit_conformance::harness::report;
use ffbkit_conformance::harness::runner::{self, Ended, RunSettings};
use ffbkit_conformance::harness::secret::Secret;
use ffbkit_conformance::harness::store::Store;
use ffbkit_conformance::harness::verdict::Status;
use ffbkit_conformance::journey::{self, describe, Journey};
use ffbkit_conformance::receiver::{ReceiverConfig, RunningReceiver};
use ffbkit_conformance::vendor;
use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The harness's terminal output, forwarded to the operator task and kept for asserts.
struct Screen {
    tx: mpsc::UnboundedSender<String>,
    all: Arc<Mutex<String>>,
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let s = String::from_utf8_lossy(buf).into_owned();
        self.all.lock().unwrap().push_str(&s);
        let _ = self.tx.send(s);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads the prompts line by line and does what they say on the vendor's system.
async fn operator(
    journeys: Vec<Journey>,
    vendor_url: String,
    gateway: String,
    token: String,
    mut screen: mpsc::UnboundedReceiver<String>,
    keys: mpsc::UnboundedSender<String>,
) {
    let client = AdapterClient::new(&vendor_url, Duration::from_secs(10)).unwrap();
    let mut pending = String::new();
    let mut journey: Option<Journey> = None;
    let mut step: Option<usize> = None;
    while let Some(text) = screen.recv().await {
        pending.push_str(&text);
        while let Some(nl) = pending.find('\n') {
            let line: String = pending.drain(..=nl).collect();
            let line = line.trim_end();
            if let Some(rest) = line.strip_prefix("=== Forløb ") {
                let id = rest.split(':').next().unwrap();
                journey = journeys.iter().find(|j| j.id == id).cloned();
            } else if line.starts_with("Tryk Enter, når du er klar.") {
                client.reset("manual", Some(&gateway), Some(&token)).await.1.unwrap();
                keys.send("\n".into()).unwrap();
            } else if let Some(rest) = line.strip_prefix("--- Trin ") {
                let id = rest.split(": ").nth(1).unwrap().split(' ').next().unwrap();
                step = journey.as_ref().unwrap().steps.iter().position(|s| s.id == id);
            } else if line.starts_with("Kør derefter") || line.starts_with("Ingen indberetning") {
                let j = journey.as_ref().unwrap();
                let s = &j.steps[step.unwrap()];
                for a in &s.actions {
                    client.action(&j.id, &s.id, &s.date.to_string(), a).await.1.unwrap();
                }
                if s.deliver {
                    client.deliver(&s.date.to_string()).await.1.unwrap();
                }
                // The harness goes on by itself once the expected reports are in; else Enter.
                if !line.contains("Der forventes") || line.contains("Der forventes 0 ") {
                    keys.send("\n".into()).unwrap();
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_guided_session_is_judged_like_an_automatic_one() {
    let journeys: Vec<Journey> = journey::embedded().into_iter().take(2).collect();
    let dir = tempfile::tempdir().unwrap();
    let token = Secret::generate().unwrap();
    let mut config = ReceiverConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().join("receiver"));
    config.token = Some(token.expose().to_string());
    let receiver = RunningReceiver::start(config).await.unwrap();
    let adapter = vendor::serve(None, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (screen_tx, screen_rx) = mpsc::unbounded_channel();
    let (keys_tx, keys_rx) = mpsc::unbounded_channel();
    let all = Arc::new(Mutex::new(String::new()));
    let op = tokio::spawn(operator(
        journeys.clone(),
        adapter.url(),
        format!("{}/fhir/Bundle", receiver.url()),
        token.expose().to_string(),
        screen_rx,
        keys_tx,
    ));
    let mut driver =
        Driver::Manual(ManualDriver::new(Box::new(Screen { tx: screen_tx, all: all.clone() }), keys_rx, Duration::from_secs(20)));

    let mut store = Store::open(dir.path()).unwrap();
    let settings = RunSettings {
        run: "manual-test".into(),
        vendor: "manual".into(),
        mode: Mode::Push,
        timeout: Duration::from_secs(20),
        strict: false,
        as_written: false,
        interrupt: Arc::new(AtomicBool::new(false)),
        public_url: None,
        testscript: None,
        gateway_token: Some(token.clone()),
    };
    runner::prepare_store(&store, &journeys, &settings, "manual", false).unwrap();
    let ended = runner::run(&journeys, &mut driver, Some(&receiver), &mut store, &settings, &Progress::hidden()).await.unwrap();
    assert_eq!(ended, Ended::Complete);
    drop(driver);
    let _ = op.await;
    let receiver_refused = receiver.refused_unauthorized();
    receiver.shutdown().await.unwrap();
    adapter.shutdown().await;

    let r = report::collect(&store).unwrap();
    assert_eq!(r.status, Status::Pass, "{:#?}", r.requirements.iter().filter(|q| q.status != Status::Pass).collect::<Vec<_>>());
    assert!(r.journeys.iter().flat_map(|j| &j.reports).all(|x| x.source == "manual"));
    let screen = all.lock().unwrap().clone();
    assert!(screen.contains("med headeren Authorization: Bearer <token>"), "the operator is told to send the token");
    assert!(!screen.contains(token.expose()), "the prompt itself does not repeat the token");
    assert_eq!(receiver_refused, 0);
    for j in &journeys {
        assert!(screen.contains(&j.title));
        for s in &j.steps {
            assert!(screen.contains(&s.instruction), "the operator sees the step's instruction");
            for a in &s.actions {
                assert!(screen.contains(&describe(a)), "the operator sees each action in Danish");
            }
        }
        for c in &j.citizens {
            assert!(!screen.contains(&c.cpr), "CPR masked on the screen");
            assert!(screen.contains(&ffbkit_sdk::cpr::mask(&c.cpr)));
        }
    }
}
