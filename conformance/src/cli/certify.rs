//! `ffbkit certify`: run the scripted VUM journeys against a vendor and write the
//! certification reports (`certify.json`, `certify.junit.xml`, `certify.html`) with their
//! evidence (`evidence.sqlite`); `ffbkit certify verify RUN_DIR` checks a certificate
//! against its evidence (and, with `--pubkey`, its signature); `ffbkit certify keygen`
//! makes a signing key. Exit codes: 0 the vendor passes (verify: matches), 1 it fails or
//! errs or the run was interrupted (verify: does not match), 2 usage error.

use crate::harness::adapter::{AdapterClient, AdapterCredentials};
use crate::harness::driver::Mode;
use crate::harness::progress::Progress;
use crate::harness::report;
use crate::harness::runner::Ended;
use crate::harness::secret::Secret;
use crate::harness::session::{certify, Options, ReceiverToken, VendorChoice};
use crate::harness::signature::{self, PrivateKey, PublicKey};
use crate::harness::testscript;
use crate::harness::verdict::Status;
use crate::harness::HarnessError;
use crate::vendor::Defect;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// `ffbkit certify` arguments.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CertifyArgs {
    /// Check a finished run instead of running one.
    #[command(subcommand)]
    pub action: Option<CertifyAction>,
    /// The run's options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `ffbkit certify` subcommands.
#[derive(Debug, Subcommand)]
pub enum CertifyAction {
    /// Recompute the evidence hash of RUN_DIR and compare certify.json with the evidence.
    Verify {
        /// The run directory (holds certify.json and evidence.sqlite).
        run_dir: PathBuf,
        /// Also check the signature (certify.json.sig) with this public key (PEM, SPKI, as
        /// `ffbkit certify keygen` writes it to FILE.pub); exit 1 when it is missing or
        /// does not hold.
        #[arg(long, value_name = "FILE")]
        pubkey: Option<PathBuf>,
    },
    /// Generate an Ed25519 key pair for `--sign`: FILE (private, PEM PKCS#8, mode 0600) and
    /// FILE.pub (public, PEM SPKI); prints the public key's fingerprint.
    Keygen {
        /// The private key file (the public key goes to FILE.pub).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Overwrite existing key files.
        #[arg(long)]
        force: bool,
    },
}

/// Drivers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DriverKind {
    /// Call the vendor's test adapter (`--vendor http://…`).
    Http,
    /// Show each step to a person at the vendor's UI and wait for its reports.
    Manual,
    /// The built-in reference vendor over loopback HTTP (the default).
    Reference,
}

/// Options of a run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// `reference` (the built-in reference vendor) or the URL of a vendor's test adapter
    /// (`schemas/vendor-adapter.openapi.json`); with `--driver manual`, the vendor's name.
    #[arg(long, default_value = "reference")]
    pub vendor: String,
    /// Who performs the steps (default: reference for `--vendor reference`, http for a URL).
    #[arg(long, value_enum)]
    pub driver: Option<DriverKind>,
    /// How reports reach the harness: the vendor POSTs them to the in-process receiver
    /// (push) or returns them from `/deliver` (pull).
    #[arg(long, value_enum, default_value = "push")]
    pub mode: Mode,
    /// A directory of journey files (default: the embedded suite, fixtures/journeys).
    #[arg(long, value_name = "DIR")]
    pub journeys: Option<PathBuf>,
    /// The run directory: evidence.sqlite, receiver/, certify.{json,junit.xml,html}.
    #[arg(long, value_name = "DIR", default_value = "out/certify")]
    pub out: PathBuf,
    /// Seconds per adapter call (default 30), or per step with `--driver manual` (default 900).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Resume an interrupted run (in RUN_DIR, default `--out`): finished journeys are kept,
    /// an interrupted journey is re-run from reset.
    #[arg(long, value_name = "RUN_DIR", num_args = 0..=1)]
    pub resume: Option<Option<PathBuf>>,
    /// A faulty variant of the reference vendor (see `ffbkit certify --list-defects`).
    #[arg(long, value_name = "NAME")]
    pub defect: Option<String>,
    /// List the reference vendor's defects and exit.
    #[arg(long)]
    pub list_defects: bool,
    /// Treat the IG's text-only rules (GW-CASE-NUMBER, GW-LAST-UPDATED, …) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Judge the IG's invariants as their FHIRPath expressions are written, con-5 an error,
    /// the text-only rules off: what a gateway built on the HL7 validator would say (see
    /// `ffbkit validate --as-written`); a finding whose verdict differs says both.
    #[arg(long)]
    pub as_written: bool,
    /// Where the receiver listens in push mode (the vendor must reach it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// The receiver's base URL as the vendor reaches it, when not `http://` + the `--listen`
    /// address (e.g. `http://harness.example:8787`).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Also run a FHIR TestScript's FHIRPath asserts (e.g. MedCom's
    /// fixtures/testscripts/TestScript-ffb-encounter-1-7.json) on the reports of the journey
    /// steps that map its tests (a step's `testscript` field); reported per assert, not part
    /// of the verdict (docs/testscript.md).
    #[arg(long, value_name = "FILE")]
    pub testscript: Option<PathBuf>,
    /// Sign certify.json with this Ed25519 private key (PEM PKCS#8, e.g. from `ffbkit
    /// certify keygen`): a detached signature over its exact bytes in certify.json.sig;
    /// certify.json and the HTML name the key's fingerprint.
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
    /// Push mode: the bearer token the in-process receiver requires, read from FILE
    /// (default: a random token per session, handed to the vendor in /reset).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["receiver_token", "open_receiver"])]
    pub receiver_token_file: Option<PathBuf>,
    /// Push mode: the receiver's bearer token itself (visible in the process list; prefer
    /// --receiver-token-file or the environment variable).
    #[arg(long, value_name = "TOKEN", env = "FFBKIT_RECEIVER_TOKEN", hide_env_values = true, conflicts_with = "open_receiver")]
    pub receiver_token: Option<String>,
    /// Push mode: no token at the receiver (for a vendor system that cannot send one).
    #[arg(long)]
    pub open_receiver: bool,
    /// Send `Authorization: Bearer TOKEN` on every call to the vendor's test adapter, the
    /// token read from FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "adapter_token")]
    pub adapter_token_file: Option<PathBuf>,
    /// The adapter's bearer token itself (visible in the process list; prefer
    /// --adapter-token-file or the environment variable).
    #[arg(long, value_name = "TOKEN", env = "FFBKIT_ADAPTER_TOKEN", hide_env_values = true)]
    pub adapter_token: Option<String>,
    /// A TLS client certificate for the adapter (mutual TLS): a PEM file holding the
    /// certificate chain and its private key.
    #[arg(long, value_name = "PEM")]
    pub adapter_cert: Option<PathBuf>,
    /// Extra trusted root certificate(s) (PEM) for an https:// adapter, e.g. a test CA.
    #[arg(long, value_name = "PEM")]
    pub adapter_ca: Option<PathBuf>,
}

fn usage(out: &mut dyn Write, message: &str) -> Result<i32> {
    let _ = out.flush();
    eprintln!("ffbkit certify: {message}");
    Ok(super::EXIT_USAGE)
}

/// Run `ffbkit certify`.
pub(super) fn run(args: CertifyArgs, out: &mut dyn Write) -> Result<i32> {
    match args.action {
        Some(CertifyAction::Verify { run_dir, pubkey }) => return verify(&run_dir, pubkey.as_deref(), out),
        Some(CertifyAction::Keygen { out: file, force }) => return keygen(&file, force, out),
        None => {}
    }
    let a = args.run;
    if a.list_defects {
        for d in Defect::all() {
            writeln!(out, "{:<40} {}  [{}]", d.name(), d.description(), d.expected_failures().join(", "))?;
        }
        return Ok(super::EXIT_OK);
    }
    let is_url = a.vendor.starts_with("http://") || a.vendor.starts_with("https://");
    let driver = a.driver.unwrap_or(if is_url { DriverKind::Http } else { DriverKind::Reference });
    let defect = match &a.defect {
        Some(name) => match Defect::from_name(name) {
            Some(d) => Some(d),
            None => return usage(out, &format!("unknown defect {name:?}; see --list-defects")),
        },
        None => None,
    };
    let vendor = match driver {
        DriverKind::Reference if a.vendor == "reference" => VendorChoice::Reference(defect),
        DriverKind::Reference => {
            return usage(
                out,
                "--driver reference certifies the built-in reference vendor; use --vendor reference (or --driver http for a URL)",
            )
        }
        DriverKind::Http if is_url => VendorChoice::Http(a.vendor.clone()),
        DriverKind::Http if a.vendor == "reference" => VendorChoice::Reference(defect),
        DriverKind::Http => return usage(out, &format!("--vendor {:?} is neither `reference` nor an http:// URL", a.vendor)),
        DriverKind::Manual => VendorChoice::Manual(if a.vendor == "reference" { "manual".into() } else { a.vendor.clone() }),
    };
    if defect.is_some() && !matches!(vendor, VendorChoice::Reference(_)) {
        return usage(out, "--defect applies to the reference vendor only");
    }
    if driver == DriverKind::Manual && a.mode == Mode::Pull {
        return usage(out, "--driver manual needs --mode push: the vendor's system sends its reports to the receiver");
    }
    let timeout = match a.timeout {
        Some(t) if t.is_finite() && t > 0.0 => Duration::from_secs_f64(t),
        Some(t) => return usage(out, &format!("--timeout must be a positive number of seconds, got {t}")),
        None if driver == DriverKind::Manual => Duration::from_secs(900),
        None => Duration::from_secs(30),
    };
    let journeys = match &a.journeys {
        Some(dir) => match crate::journey::load_dir(dir) {
            Ok(j) => j,
            Err(e) => return usage(out, &format!("{e}")),
        },
        None => crate::journey::embedded(),
    };
    let testscript = match &a.testscript {
        Some(file) => match testscript_of(file, &journeys) {
            Ok(text) => Some(text),
            Err(message) => return usage(out, &message),
        },
        None => None,
    };
    let sign = match &a.sign {
        Some(file) => match PrivateKey::read(file) {
            Ok(k) => Some(k),
            Err(e) => return usage(out, &format!("--sign: {e}")),
        },
        None => None,
    };
    let receiver_token = match (&a.receiver_token_file, &a.receiver_token, a.open_receiver) {
        (_, _, true) => ReceiverToken::Open,
        (Some(file), _, _) => match Secret::read_file(file) {
            Ok(t) => ReceiverToken::Given(t),
            Err(e) => return usage(out, &format!("--receiver-token-file: {e}")),
        },
        (None, Some(t), _) => match Secret::new(t.as_str(), "of --receiver-token") {
            Ok(t) => ReceiverToken::Given(t),
            Err(e) => return usage(out, &e.to_string()),
        },
        (None, None, false) => ReceiverToken::Generated,
    };
    let adapter = match adapter_credentials(&a) {
        Ok(c) => c,
        Err(message) => return usage(out, &message),
    };
    let has_adapter_credentials = adapter.token.is_some() || adapter.client_identity_pem.is_some() || adapter.ca_pem.is_some();
    if has_adapter_credentials {
        match &vendor {
            VendorChoice::Http(url) => {
                // A certificate that cannot be used is a usage error before anything runs.
                if let Err(e) = AdapterClient::with_credentials(url, timeout, &adapter) {
                    return usage(out, &format!("{:#}", anyhow::Error::from(e)));
                }
            }
            _ => {
                return usage(
                    out,
                    "--adapter-token(-file), --adapter-cert and --adapter-ca apply to a vendor adapter URL (--vendor http://…)",
                )
            }
        }
    }
    let (resume, run_dir) = match a.resume {
        Some(Some(dir)) => (true, dir),
        Some(None) => (true, a.out.clone()),
        None => (false, a.out.clone()),
    };
    let mut options = Options::new(vendor, run_dir);
    options.mode = a.mode;
    options.timeout = timeout;
    options.resume = resume;
    options.strict = a.strict;
    options.as_written = a.as_written;
    options.listen = a.listen;
    options.public_url = a.public_url.clone();
    options.testscript = testscript;
    options.sign = sign;
    options.receiver_token = receiver_token;
    options.adapter = adapter;
    let steps: u64 = journeys.iter().map(|j| j.steps.len() as u64).sum();
    let progress = if driver == DriverKind::Manual { Progress::lines() } else { Progress::new(steps) };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let interrupt = options.interrupt.clone();
    let done = runtime.block_on(async {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\nffbkit certify: interrupted; finishing the current step (Ctrl-C again to abort)");
                interrupt.store(true, Ordering::SeqCst);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
        certify(&options, journeys, &progress).await
    });
    let done = match done {
        Ok(d) => d,
        Err(e @ (HarnessError::ResumeMismatch { .. } | HarnessError::NoEvidenceStore { .. } | HarnessError::EvidenceEdited { .. })) => {
            return usage(out, &e.to_string())
        }
        Err(e) => return Err(e.into()),
    };
    let r = &done.report;
    writeln!(out, "ffbkit certify: vendor {} ({} driver, {} mode): {}", r.vendor, r.driver, r.mode, r.status.as_str().to_uppercase())?;
    let counts: Vec<String> = r.counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    writeln!(out, "requirements: {}", counts.join(", "))?;
    for q in r.requirements.iter().filter(|q| matches!(q.status, Status::Fail | Status::Error)) {
        writeln!(out, "  {:<5} {} ({} of {} checks)", q.status.as_str(), q.id, q.failed + q.errors, q.checks)?;
    }
    for t in &r.testscripts {
        writeln!(
            out,
            "testscript {} on {}: {} pass, {} fail, {} not applicable (reported only, not part of the verdict)",
            t.script, t.journey, t.pass, t.fail, t.not_applicable
        )?;
    }
    writeln!(out, "evidence sha256: {}", r.evidence_sha256)?;
    writeln!(out, "reports: {}, {}, {}", done.written.json.display(), done.written.junit.display(), done.written.html.display())?;
    if let (Some(sig), Some(signer)) = (&done.written.signature, &r.signer) {
        writeln!(out, "signed by {} ({}): {}", signer.fingerprint, signer.algorithm, sig.display())?;
    }
    if done.ended == Ended::Interrupted {
        writeln!(out, "interrupted: resume with `ffbkit certify --resume {}` (same options)", options.run_dir.display())?;
        return Ok(super::EXIT_NOT_FOUND);
    }
    Ok(if r.status == Status::Pass { super::EXIT_OK } else { super::EXIT_NOT_FOUND })
}

/// The adapter credentials of `--adapter-token(-file)`, `--adapter-cert`, `--adapter-ca`;
/// else the usage message.
fn adapter_credentials(a: &RunArgs) -> std::result::Result<AdapterCredentials, String> {
    let token = match (&a.adapter_token_file, &a.adapter_token) {
        (Some(file), _) => Some(Secret::read_file(file).map_err(|e| format!("--adapter-token-file: {e}"))?),
        (None, Some(t)) => Some(Secret::new(t.as_str(), "of --adapter-token").map_err(|e| e.to_string())?),
        (None, None) => None,
    };
    let read = |flag: &str, p: &Option<PathBuf>| -> std::result::Result<Option<Vec<u8>>, String> {
        p.as_ref().map(|p| std::fs::read(p).map_err(|e| format!("{flag} {}: {e}", p.display()))).transpose()
    };
    Ok(AdapterCredentials {
        token,
        client_identity_pem: read("--adapter-cert", &a.adapter_cert)?,
        ca_pem: read("--adapter-ca", &a.adapter_ca)?,
    })
}

/// Read `--testscript FILE`: its text, when it is a TestScript some journey step maps a test
/// of; else the usage message. Step names that are not tests of the script are warned about.
fn testscript_of(file: &std::path::Path, journeys: &[crate::journey::Journey]) -> std::result::Result<String, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("--testscript {}: {e}", file.display()))?;
    let script = crate::testscript::parse(text.as_bytes()).map_err(|e| format!("--testscript: {}", e.at(file)))?;
    let suite = crate::harness::runner::suite_of(journeys);
    let unmapped = testscript::unmapped_tests(&script, &suite);
    if unmapped.len() == script.test.len() {
        return Err(format!(
            "--testscript {}: no journey step maps a test of the script (tests: {}); name them in a step's `testscript` field",
            file.display(),
            unmapped.join(", ")
        ));
    }
    for name in testscript::unknown_names(&script, &suite) {
        eprintln!("ffbkit certify: warning: journey step {name} is not a test of the TestScript");
    }
    Ok(text)
}

fn keygen(file: &std::path::Path, force: bool, out: &mut dyn Write) -> Result<i32> {
    match signature::generate(file, force) {
        Ok(g) => {
            writeln!(out, "private key: {} (keep it secret; mode 0600)", g.private.display())?;
            writeln!(out, "public key:  {}", g.public.display())?;
            writeln!(out, "fingerprint: {}", g.fingerprint())?;
            Ok(super::EXIT_OK)
        }
        Err(e) => usage(out, &format!("keygen: {e}")),
    }
}

fn verify(run_dir: &std::path::Path, pubkey: Option<&std::path::Path>, out: &mut dyn Write) -> Result<i32> {
    // The trusted key first: an unreadable key is a usage error before anything is checked.
    let key = match pubkey.map(PublicKey::read).transpose() {
        Ok(k) => k,
        Err(e) => return usage(out, &format!("--pubkey: {e}")),
    };
    let v = match report::verify(run_dir) {
        Ok(v) => v,
        Err(e) => return usage(out, &format!("{e:#}")),
    };
    writeln!(out, "stated evidence sha256:     {}", v.stated)?;
    writeln!(out, "recomputed evidence sha256: {}", v.recomputed)?;
    for d in &v.differences {
        writeln!(out, "  differs: {d}")?;
    }
    if v.ok() {
        writeln!(out, "ok: certify.json matches its evidence")?;
    } else {
        writeln!(out, "MISMATCH: certify.json does not match its evidence")?;
    }
    let signed = match &key {
        Some(key) => match signature::check(run_dir, key) {
            Ok(c) => {
                writeln!(out, "{}{c}", if c.is_ok() { "ok: " } else { "" })?;
                c.is_ok()
            }
            Err(e) => return usage(out, &format!("{e}")),
        },
        None => {
            match signature::read_signature(run_dir) {
                Some(Ok(s)) => writeln!(
                    out,
                    "signature: present ({} key {}), not checked: give --pubkey FILE to check it",
                    s.algorithm, s.fingerprint
                )?,
                Some(Err(e)) => writeln!(out, "signature: unreadable ({e}), not checked")?,
                None => match signature::stated_signer(run_dir) {
                    Some(fp) => writeln!(out, "signature: none, though certify.json names signer {fp} (certify.json.sig is missing)")?,
                    None => writeln!(out, "signature: none")?,
                },
            }
            true
        }
    };
    Ok(if v.ok() && signed { super::EXIT_OK } else { super::EXIT_NOT_FOUND })
}
