//! One certification session end to end, as `ffbkit certify` runs it: open (or resume) the
//! run directory, start the in-process receiver (push) and the reference vendor (when
//! certifying it), drive the journeys, write the reports.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ffbkit_conformance::harness::session::{certify, Options, VendorChoice};
//! use ffbkit_conformance::harness::progress::Progress;
//! let options = Options::new(VendorChoice::Reference(None), "out/certify".into());
//! let done = certify(&options, ffbkit_conformance::journey::embedded(), &Progress::hidden()).await?;
//! println!("{}: {}", done.report.status, done.written.html.display());
//! # Ok(()) }
//! ```

use super::adapter::{AdapterClient, AdapterCredentials};
use super::driver::{Driver, HttpDriver, ManualDriver, Mode};
use super::error::{HarnessError, Result};
use super::progress::Progress;
use super::report::{self, RunReport, Written};
use super::runner::{self, Ended, RunSettings};
use super::secret::Secret;
use super::signature::{PrivateKey, Signer};
use super::store::Store;
use crate::journey::Journey;
use crate::receiver::{ReceiverConfig, RunningReceiver};
use crate::vendor::{self, Defect};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Who is certified, and how the harness reaches them.
#[derive(Clone, Debug)]
pub enum VendorChoice {
    /// The built-in reference vendor (or one of its faulty variants) over loopback HTTP.
    Reference(Option<Defect>),
    /// A vendor's test adapter at this URL.
    Http(String),
    /// A person at the vendor's UI; the label names the vendor in the reports.
    Manual(String),
}

impl VendorChoice {
    /// The vendor's name in the reports.
    pub fn label(&self) -> String {
        match self {
            VendorChoice::Reference(None) => "reference".into(),
            VendorChoice::Reference(Some(d)) => format!("reference+{}", d.name()),
            VendorChoice::Http(url) => url.clone(),
            VendorChoice::Manual(label) => label.clone(),
        }
    }

    /// The driver's name: reference, http or manual.
    pub fn driver(&self) -> &'static str {
        match self {
            VendorChoice::Reference(_) => "reference",
            VendorChoice::Http(_) => "http",
            VendorChoice::Manual(_) => "manual",
        }
    }
}

/// The bearer token the in-process receiver requires (push mode).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ReceiverToken {
    /// A random token for this session (the default), handed to the vendor in `/reset`
    /// and shown to the operator of the manual driver.
    #[default]
    Generated,
    /// This token (`--receiver-token-file`, `--receiver-token`), e.g. one a vendor's test
    /// system is configured with.
    Given(Secret),
    /// No token: the receiver takes every report (`--open-receiver`).
    Open,
}

/// A session's options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Who is certified.
    pub vendor: VendorChoice,
    /// push or pull.
    pub mode: Mode,
    /// The run directory (evidence store, receiver store, reports).
    pub run_dir: PathBuf,
    /// Per adapter call; per step for the manual driver.
    pub timeout: Duration,
    /// Resume the run in `run_dir` instead of starting a new one.
    pub resume: bool,
    /// Validate with the IG's text-only rules as errors.
    pub strict: bool,
    /// Judge the IG's invariants as their expressions are written (`--as-written`).
    pub as_written: bool,
    /// Where the receiver listens in push mode (port 0: any free port).
    pub listen: SocketAddr,
    /// Set to stop after the current step.
    pub interrupt: Arc<AtomicBool>,
    /// The receiver's URL as the vendor reaches it (default `http://` + the bound address).
    pub public_url: Option<String>,
    /// `--testscript`: a TestScript's JSON text, run on the reports of the journey steps
    /// that map its tests ([`super::testscript`]).
    pub testscript: Option<String>,
    /// `--sign`: sign `certify.json` with this key (`certify.json.sig`,
    /// [`super::signature`]); `certify.json` names the key's fingerprint.
    pub sign: Option<PrivateKey>,
    /// The receiver's bearer token (push mode).
    pub receiver_token: ReceiverToken,
    /// How the harness authenticates to a vendor's test adapter (`VendorChoice::Http`).
    pub adapter: AdapterCredentials,
}

impl Options {
    /// Push mode, 30 s timeout, a new run, gateway severities, receiver on a free loopback port.
    pub fn new(vendor: VendorChoice, run_dir: PathBuf) -> Options {
        Options {
            vendor,
            mode: Mode::Push,
            run_dir,
            timeout: Duration::from_secs(30),
            resume: false,
            strict: false,
            as_written: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            interrupt: Arc::new(AtomicBool::new(false)),
            public_url: None,
            testscript: None,
            sign: None,
            receiver_token: ReceiverToken::Generated,
            adapter: AdapterCredentials::default(),
        }
    }
}

/// What a session produced.
pub struct Done {
    /// The report (also written to the run directory).
    pub report: RunReport,
    /// The files written.
    pub written: Written,
    /// Whether every journey ran.
    pub ended: Ended,
}

fn run_id() -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::getrandom(&mut b);
    let now = super::clock::utc_now();
    let compact: String = now.chars().filter(|c| c.is_ascii_digit()).take(14).collect();
    format!("run-{compact}-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

/// Run a certification session over `journeys`.
pub async fn certify(options: &Options, journeys: Vec<Journey>, progress: &Progress) -> Result<Done> {
    if journeys.is_empty() {
        return Err(HarnessError::NoJourneys);
    }
    if matches!(options.vendor, VendorChoice::Manual(_)) && options.mode == Mode::Pull {
        return Err(HarnessError::ManualNeedsPush);
    }
    let dir = &options.run_dir;
    let receiver_dir = dir.join("receiver");
    if !options.resume {
        Store::remove(dir)?;
        if receiver_dir.exists() {
            std::fs::remove_dir_all(&receiver_dir).map_err(HarnessError::io("clear", &receiver_dir))?;
        }
    } else if receiver_dir.exists() {
        // Every session gets an empty receiver (it answers a re-sent identical report as a
        // duplicate without storing it again, and a re-run journey re-sends its reports);
        // what the earlier session's receiver holds is kept beside it, and its reports are
        // already copied into the evidence store step by step.
        let kept = dir.join(format!("receiver.before-{}", super::clock::utc_now().replace([':', '.'], "")));
        std::fs::rename(&receiver_dir, &kept).map_err(HarnessError::io("move aside", &receiver_dir))?;
    }
    let mut store = if options.resume { Store::open_existing(dir)? } else { Store::open(dir)? };
    let run = if options.resume { store.meta("run")?.unwrap_or_else(run_id) } else { run_id() };
    let gateway_token = match (&options.receiver_token, options.mode) {
        (_, Mode::Pull) | (ReceiverToken::Open, _) => None,
        (ReceiverToken::Generated, Mode::Push) => Some(Secret::generate()?),
        (ReceiverToken::Given(t), Mode::Push) => Some(t.clone()),
    };
    let settings = RunSettings {
        run,
        vendor: options.vendor.label(),
        mode: options.mode,
        timeout: options.timeout,
        strict: options.strict,
        as_written: options.as_written,
        interrupt: options.interrupt.clone(),
        public_url: options.public_url.clone(),
        testscript: options.testscript.clone(),
        gateway_token: gateway_token.clone(),
    };
    runner::prepare_store(&store, &journeys, &settings, options.vendor.driver(), options.resume)?;

    let receiver = match options.mode {
        Mode::Push => {
            let mut config = ReceiverConfig::new(options.listen, receiver_dir.clone());
            config.as_written = options.as_written;
            config.token = gateway_token.as_ref().map(|t| t.expose().to_string());
            Some(RunningReceiver::start(config).await?)
        }
        Mode::Pull => None,
    };
    let mut reference = None;
    let mut driver = match &options.vendor {
        VendorChoice::Reference(defect) => {
            let adapter = vendor::serve(*defect, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
            let client = AdapterClient::new(&adapter.url(), options.timeout)?;
            reference = Some(adapter);
            Driver::Http(HttpDriver::new(client))
        }
        VendorChoice::Http(url) => Driver::Http(HttpDriver::new(AdapterClient::with_credentials(url, options.timeout, &options.adapter)?)),
        VendorChoice::Manual(_) => Driver::Manual(ManualDriver::stdio(options.timeout)),
    };
    if let Err(e) = driver.check().await {
        progress.line(&format!("warning: the vendor adapter does not answer /health ({e}); every step will be an error"));
    }
    if let (Some(r), Driver::Manual(_)) = (&receiver, &driver) {
        progress.line(&format!(
            "the receiver takes reports at {}/fhir/Bundle",
            options.public_url.as_deref().map(|u| u.trim_end_matches('/').to_string()).unwrap_or_else(|| r.url())
        ));
        match (&options.receiver_token, &gateway_token) {
            // The operator must configure the vendor's system with it: shown on this
            // terminal only (it is valid for this session alone).
            (ReceiverToken::Generated, Some(t)) => {
                progress.line(&format!("with the header `Authorization: Bearer {}` (a token for this session)", t.expose()))
            }
            (_, Some(t)) => progress.line(&format!("with the bearer token you gave ({})", t.fingerprint())),
            _ => progress.line("without a token (--open-receiver)"),
        }
    }
    let ended = runner::run(&journeys, &mut driver, receiver.as_ref(), &mut store, &settings, progress).await;
    if let Some(r) = receiver {
        r.shutdown().await?;
    }
    if let Some(a) = reference {
        a.shutdown().await;
    }
    let ended = ended?;
    progress.finish();
    let mut report = report::collect(&store)?;
    report.signer = options.sign.as_ref().map(Signer::of);
    let mut written = report::write_all(&report, dir)?;
    if let Some(key) = &options.sign {
        written.signature = Some(key.sign_run(dir)?);
    } else {
        // A signature of an earlier run (a resume without --sign) no longer holds.
        let stale = dir.join(super::signature::SIGNATURE_FILE);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(HarnessError::io("remove", &stale))?;
        }
    }
    Ok(Done { report, written, ended })
}
