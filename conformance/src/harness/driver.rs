//! Drivers: who does a journey's actions on the vendor system.
//!
//! - [`Driver::Http`]: the harness calls the vendor's test adapter
//!   (`schemas/vendor-adapter.openapi.json`); the reference driver is this driver against
//!   the built-in reference vendor ([`crate::vendor::serve`]) over loopback HTTP.
//! - [`Driver::Manual`]: a person at the vendor's UI. The harness shows each step in plain
//!   Danish (the step's instruction and [`crate::journey::describe`] of each action) and
//!   waits, with a timeout, until the vendor's reports for it arrive at the receiver (push
//!   only); Enter continues early.
//!
//! Every exchange with an adapter is written to the evidence store before it is used.

use super::adapter::{AdapterClient, AdapterError, Delivered, Exchange};
use super::error::Result;
use super::store::Store;
use crate::journey::{describe, Journey};
use std::io::Write;
use std::time::Duration;
use tokio::sync::mpsc;

/// How reports reach the harness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// The vendor POSTs each report to the harness's in-process receiver (`ffbkit serve`).
    Push,
    /// The vendor returns the reports in the answer to `/deliver`.
    Pull,
}

impl Mode {
    /// `push` or `pull`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Push => "push",
            Mode::Pull => "pull",
        }
    }
}

/// Where pushed reports go, as told to the vendor in `/reset`.
#[derive(Clone, Debug, Default)]
pub struct Gateway {
    /// `http://…/fhir/Bundle`, none in pull mode.
    pub url: Option<String>,
    /// Bearer token the vendor must send (the receiver refuses reports without it).
    pub token: Option<super::secret::Secret>,
}

/// What a step's run produced, before its reports are collected and judged.
#[derive(Debug, Default)]
pub struct StepRun {
    /// Reports in the `/deliver` answer (pull mode), exact bytes.
    pub pulled: Vec<Vec<u8>>,
    /// Pushed reports to wait for at the receiver.
    pub wait: Wait,
    /// What went wrong (each an `error` verdict), with the exchange it rests on.
    pub errors: Vec<(String, Option<i64>)>,
}

/// What to wait for at the receiver after a step.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Nothing (pull mode, or no delivery).
    #[default]
    Nothing,
    /// Exactly this many (the vendor said it sent them); missing ones are an error.
    Sent(usize),
    /// A person is at work: this many expected; wait for them, for Enter, or the timeout.
    Operator(Option<usize>),
}

/// The HTTP driver: a vendor adapter.
pub struct HttpDriver {
    client: AdapterClient,
}

/// The manual driver: a person at the vendor's UI, this terminal.
pub struct ManualDriver {
    out: Box<dyn Write + Send>,
    input: mpsc::UnboundedReceiver<String>,
    timeout: Duration,
}

/// A driver, chosen per run.
pub enum Driver {
    /// A vendor adapter over HTTP (also the reference vendor).
    Http(HttpDriver),
    /// A person at the vendor's UI.
    Manual(ManualDriver),
}

impl HttpDriver {
    /// A driver for this adapter client.
    pub fn new(client: AdapterClient) -> HttpDriver {
        HttpDriver { client }
    }

    /// The adapter's URL.
    pub fn url(&self) -> &str {
        self.client.base()
    }
}

impl ManualDriver {
    /// A manual driver reading operator lines from stdin (a thread) and writing to stdout.
    pub fn stdio(timeout: Duration) -> ManualDriver {
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut line = String::new();
            while stdin.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if tx.send(std::mem::take(&mut line)).is_err() {
                    break;
                }
            }
        });
        ManualDriver { out: Box::new(std::io::stdout()), input: rx, timeout }
    }

    /// A manual driver with its own output and input (tests, other front ends).
    pub fn new(out: Box<dyn Write + Send>, input: mpsc::UnboundedReceiver<String>, timeout: Duration) -> ManualDriver {
        ManualDriver { out, input, timeout }
    }

    /// The operator's input (Enter continues early).
    pub fn input(&mut self) -> &mut mpsc::UnboundedReceiver<String> {
        &mut self.input
    }

    /// How long to wait for a step's reports.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

fn record(store: &Store, journey: &str, step: Option<&str>, ex: &Exchange, err: Option<&AdapterError>) -> Result<i64> {
    store.add_call(journey, step, &ex.endpoint, &ex.request, ex.status, ex.response.as_deref(), err.map(|e| e.to_string()).as_deref())
}

impl Driver {
    /// `http` or `manual`.
    pub fn name(&self) -> &'static str {
        match self {
            Driver::Http(_) => "http",
            Driver::Manual(_) => "manual",
        }
    }

    /// Before a run: is the vendor there? (`GET /health`; the manual driver asks nothing.)
    pub async fn check(&mut self) -> Result<(), AdapterError> {
        match self {
            Driver::Http(d) => d.client.health().await.1,
            Driver::Manual(_) => Ok(()),
        }
    }

    /// Start a journey from an empty vendor system: `/reset`, or ask the operator.
    pub async fn begin_journey(
        &mut self,
        store: &Store,
        run: &str,
        journey: &Journey,
        gateway: &Gateway,
    ) -> Result<Result<(), (String, Option<i64>)>> {
        match self {
            Driver::Http(d) => {
                let (ex, res) = d.client.reset(run, gateway.url.as_deref(), gateway.token.as_ref().map(|t| t.expose())).await;
                let id = record(store, &journey.id, None, &ex, res.as_ref().err())?;
                Ok(res.map_err(|e| (e.to_string(), Some(id))))
            }
            Driver::Manual(m) => {
                let citizens: Vec<String> = journey
                    .citizens
                    .iter()
                    .map(|c| {
                        format!(
                            "  - {}: CPR {} (fuldt test-CPR i journey-filen), {} ({})",
                            c.alias,
                            ffbkit_sdk::cpr::mask(&c.cpr),
                            c.municipality_name,
                            c.municipality
                        )
                    })
                    .collect();
                let _ = writeln!(
                    m.out,
                    "\n=== Forløb {}: {} ===\n{}\nBorgere:\n{}\nNulstil testsystemet (ingen borgere, sager eller indberetninger), og send indberetninger til {}{}.\nTryk Enter, når du er klar.",
                    journey.id,
                    journey.title,
                    journey.description,
                    citizens.join("\n"),
                    gateway.url.as_deref().unwrap_or("gatewayen"),
                    if gateway.token.is_some() { " med headeren Authorization: Bearer <token> (tokenet er vist ovenfor)" } else { "" }
                );
                let _ = m.out.flush();
                let _ = tokio::time::timeout(m.timeout, m.input.recv()).await;
                Ok(Ok(()))
            }
        }
    }

    /// Do a step: its actions in order, then the day's delivery when the step has one.
    pub async fn perform_step(&mut self, store: &Store, journey: &Journey, index: usize, mode: Mode) -> Result<StepRun> {
        let step = &journey.steps[index];
        let date = step.date.to_string();
        let mut run = StepRun::default();
        match self {
            Driver::Http(d) => {
                for action in &step.actions {
                    let (ex, res) = d.client.action(&journey.id, &step.id, &date, action).await;
                    let id = record(store, &journey.id, Some(&step.id), &ex, res.as_ref().err())?;
                    if let Err(e) = res {
                        run.errors.push((e.to_string(), Some(id)));
                    }
                }
                if step.deliver {
                    let (ex, res) = d.client.deliver(&date).await;
                    let id = record(store, &journey.id, Some(&step.id), &ex, res.as_ref().err())?;
                    match (res, mode) {
                        (Ok(Delivered::Pulled(reports)), Mode::Pull) => run.pulled = reports,
                        (Ok(Delivered::Pushed(n)), Mode::Push) => run.wait = Wait::Sent(n),
                        (Ok(Delivered::Pulled(reports)), Mode::Push) => {
                            run.pulled = reports;
                            run.errors.push(("POST /deliver: in push mode the vendor must POST its reports to the gateway and answer {\"sent\": n}, but it answered with the reports".into(), Some(id)));
                        }
                        (Ok(Delivered::Pushed(n)), Mode::Pull) => {
                            run.errors.push((format!("POST /deliver: in pull mode the vendor must answer {{\"reports\": [...]}}, but it answered {{\"sent\": {n}}}"), Some(id)));
                        }
                        (Err(e), _) => run.errors.push((e.to_string(), Some(id))),
                    }
                }
            }
            Driver::Manual(m) => {
                while m.input.try_recv().is_ok() {} // an Enter typed before this step was shown
                let _ = writeln!(
                    m.out,
                    "\n--- Trin {}/{}: {} ({}), forretningsdato {} ---\n{}",
                    index + 1,
                    journey.steps.len(),
                    step.id,
                    step.phase.danish(),
                    date,
                    step.instruction
                );
                for action in &step.actions {
                    let _ = writeln!(m.out, "  * {}", describe(action));
                }
                if step.deliver {
                    let n = step.expect.reports;
                    let _ = writeln!(
                        m.out,
                        "Kør derefter dagens indberetning for {date}.{} Harness venter (højst {} s) på indberetningerne; tryk Enter for at fortsætte før.",
                        n.map(|n| format!(" Der forventes {n} indberetning(er).")).unwrap_or_default(),
                        m.timeout.as_secs()
                    );
                    run.wait = Wait::Operator(n);
                } else {
                    let _ = writeln!(m.out, "Ingen indberetning denne dag. Tryk Enter, når handlingerne er udført.");
                    run.wait = Wait::Operator(Some(0));
                }
                let _ = m.out.flush();
            }
        }
        Ok(run)
    }
}
