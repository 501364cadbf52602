//! `ffbkit testscript run TESTSCRIPT.json --report TEST=REPORT.json …`: a FHIR TestScript's
//! FHIRPath asserts on the reports its tests post ([`crate::testscript`]), without
//! Touchstone. Exit 0 when no assert fails, 1 when one does, 2 for usage errors and
//! unreadable input.

use super::{EXIT_NOT_FOUND, EXIT_OK};
use crate::testscript::{self, Options, RunReport, Status};
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `ffbkit testscript`.
#[derive(Debug, Args)]
pub struct TestscriptArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TestscriptCommand,
}

/// The subcommands of `ffbkit testscript`.
#[derive(Debug, Subcommand)]
pub enum TestscriptCommand {
    /// Run a TestScript's FHIRPath asserts on reports: pass, fail or not applicable (with
    /// the reason) per assert; exit 0 when none fails, 1 otherwise, 2 unreadable input.
    Run(RunArgs),
}

/// Output formats of `ffbkit testscript run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestscriptFormat {
    /// One line per assert, then the counts.
    Text,
    /// The whole run as JSON.
    Json,
}

/// Arguments of `ffbkit testscript run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The TestScript (FHIR R4 JSON).
    #[arg(value_name = "TESTSCRIPT")]
    pub script: PathBuf,
    /// The report a test posts, as TEST=REPORT.json (TEST: the test's id or name);
    /// repeatable. A test without a report has its asserts not applicable.
    #[arg(long = "report", value_name = "TEST=REPORT")]
    pub reports: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestscriptFormat::Text)]
    pub format: TestscriptFormat,
    /// The run's time (RFC 3339) for `${CURRENTDATETIME}`; default: now.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
}

/// Run `ffbkit testscript`.
pub(super) fn run(args: TestscriptArgs, out: &mut dyn Write) -> Result<i32> {
    let TestscriptCommand::Run(args) = args.command;
    let script = testscript::load(&args.script)?;
    let mut reports = BTreeMap::new();
    for given in &args.reports {
        let (test, file) = given.split_once('=').ok_or_else(|| anyhow!("--report {given}: expected TEST=REPORT.json"))?;
        let bytes = std::fs::read(file).map_err(|source| testscript::TestScriptError::Read { path: file.to_string(), source })?;
        let report: Value = serde_json::from_slice(&bytes)
            .map_err(|e| testscript::TestScriptError::Report { path: file.to_string(), message: e.to_string() })?;
        if report.get("resourceType").and_then(Value::as_str).is_none() {
            let message = "not a FHIR resource (no resourceType)".to_string();
            return Err(testscript::TestScriptError::Report { path: file.to_string(), message }.into());
        }
        reports.insert(test.to_string(), Arc::new(report));
    }
    let mut options = Options::default();
    if let Some(now) = args.now {
        options.now = now;
    }
    let engine = ffbkit_sdk::as_written::Checker::shared().engine();
    let report = testscript::run(&script, &reports, engine, &options)?;
    match args.format {
        TestscriptFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        TestscriptFormat::Text => write_text(&report, out)?,
    }
    Ok(if report.failed() { EXIT_NOT_FOUND } else { EXIT_OK })
}

fn write_text(report: &RunReport, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "TestScript {}", report.script)?;
    let mut test = "";
    for a in &report.asserts {
        if a.test != test {
            test = &a.test;
            writeln!(out, "test {test}")?;
        }
        let status = match a.status {
            Status::Fail if a.warning_only => "warn",
            s => s.as_str(),
        };
        write!(out, "  {status:<4} #{:<3} {}", a.action, a.description.trim())?;
        match &a.reason {
            Some(reason) => writeln!(out, ": {reason}")?,
            None => writeln!(out)?,
        }
    }
    for (name, value) in &report.variables.values {
        if let Err(why) = value {
            writeln!(out, "variable ${{{name}}} unresolved: {why}")?;
        }
    }
    writeln!(
        out,
        "{} asserts: {} pass, {} fail, {} not applicable",
        report.asserts.len(),
        report.pass,
        report.fail,
        report.not_applicable
    )?;
    Ok(())
}
