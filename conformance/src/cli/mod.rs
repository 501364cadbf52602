//! Command-line interface: argument definitions (one place for every flag, feeding help)
//! and dispatch. Exit codes: 0 success/found, 1 not found or invalid, 2 usage error or
//! unreadable input. A closed pipe (`ffbkit ... | head`) is not an error.

mod audit;
mod catalog;
mod certify;
mod journeys;
mod rules;
mod sample;
mod serve;
mod synth;
mod testscript;
mod validate;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{self, Write};

/// Exit code: success, or the thing looked for was found.
pub const EXIT_OK: i32 = 0;
/// Exit code: not found, or the input is invalid.
pub const EXIT_NOT_FOUND: i32 = 1;
/// Exit code: usage error or unreadable input.
pub const EXIT_USAGE: i32 = 2;

/// The check that an input held something (issue 22): a run over paths that held no report
/// and nothing unreadable is a usage error ("no reports found", exit 2), so that a CI check
/// on an empty or mistyped directory does not pass; `--allow-empty` accepts it. One
/// message for `ffbkit validate` and `ffbkit audit`.
pub(crate) fn nothing_found(paths: &[std::path::PathBuf], found: usize, allow_empty: bool) -> Option<i32> {
    if found > 0 || allow_empty {
        return None;
    }
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    eprintln!("ffbkit: no reports found in {} (--allow-empty to accept that)", paths.join(" "));
    Some(EXIT_USAGE)
}

/// ffbkit: SDK and conformance kit for FFB reporting (Fælles Faglige Begreber).
#[derive(Debug, Parser)]
#[command(name = "ffbkit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look up, search, list and export the FFB catalog.
    Catalog(catalog::CatalogArgs),
    /// Validate delivery reports as the gateway would (and more); exit 0 valid, 1 invalid,
    /// 2 unreadable input.
    Validate(validate::ValidateArgs),
    /// Write a seeded corpus of synthetic valid reports (for benchmarks and load tests).
    Sample(sample::SampleArgs),
    /// Write realistic report streams: each citizen's VUM journey, reported day by day.
    Synth(synth::SynthArgs),
    /// Audit many citizens' report streams: every PROTO and DST rule per citizen, summed
    /// per rule and municipality (table, JSON or HTML), each finding with its severity
    /// (error or interpretation); exit 0 no error, 1 errors or unreadable reports, 2
    /// unreadable input.
    Audit(audit::AuditArgs),
    /// Certify a vendor: run the scripted VUM journeys against it, judge what it reports,
    /// write certify.json, certify.junit.xml and certify.html; exit 0 pass, 1 fail or error.
    Certify(Box<certify::CertifyArgs>),
    /// Run the gateway receiver: validate each POSTed report, answer like the gateway, store
    /// every request in SQLite (DIR/receiver.sqlite) before answering.
    Serve(serve::ServeArgs),
    /// List, show (in plain Danish) and check the conformance journeys.
    Journeys(journeys::JourneysArgs),
    /// Run the reference vendor's adapter (or a faulty variant) until Ctrl-C.
    Vendor(journeys::VendorArgs),
    /// List every rule ffbkit checks (table or JSON), or explain one: family, severity,
    /// source, the fixtures that break it and an example finding; exit 2 on an unknown id.
    Rules(rules::RulesArgs),
    /// Run a FHIR TestScript's FHIRPath asserts (MedCom's Touchstone scripts) on reports,
    /// without Touchstone: pass, fail or not applicable per assert, with the reason.
    Testscript(testscript::TestscriptArgs),
}

/// Run the tool with these arguments (the first is the program name); returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Catalog(args) => catalog::run(args, &mut out),
        Command::Validate(args) => validate::run(args, &mut out),
        Command::Sample(args) => sample::run(args, &mut out),
        Command::Synth(args) => synth::run(args, &mut out),
        Command::Audit(args) => audit::run(args, &mut out),
        Command::Certify(args) => certify::run(*args, &mut out),
        Command::Serve(args) => serve::run(args, &mut out),
        Command::Journeys(args) => journeys::run(args, &mut out),
        Command::Vendor(args) => journeys::run_vendor(args, &mut out),
        Command::Rules(args) => rules::run(args, &mut out),
        Command::Testscript(args) => testscript::run(args, &mut out),
    };
    let result = result.and_then(|code| out.flush().map(|_| code).map_err(Into::into));
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("ffbkit: {e:#}");
            EXIT_USAGE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// Output format for lists and records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Text,
    /// JSON.
    Json,
    /// CSV (RFC 4180).
    Csv,
}

/// Write `text` to `path`, or to `out` when no path is given.
pub(crate) fn emit(out: &mut dyn Write, path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(p, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))
        }
        None => Ok(out.write_all(text.as_bytes())?),
    }
}
