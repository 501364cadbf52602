//! `ffbkit audit PATH...`: the reports of many citizens (files, directories, NDJSON,
//! standard input; any order, several municipalities) audited citizen by citizen with the
//! SDK's stream audit ([`ffbkit_sdk::audit::audit_citizen`]): every PROTO and DST rule.
//! Output: a summary per rule (citizens affected, share) and per municipality (citizens,
//! reports, coverage as in seed 002), then the details per citizen with findings (rule,
//! report, day, resource, severity); as a terminal table, JSON or a self-contained HTML
//! page. A finding's severity is `error` (the cited IG or seed text states the rule) or
//! `interpretation` (ffbkit's reading: a warning).
//!
//! Memory stays bounded: a first pass records per report only its citizen, timestamp and
//! byte range in a temporary SQLite store ([`spill`]); the second reads one citizen's
//! reports at a time in timestamp order and audits batches of citizens in parallel; the
//! details are kept in the store until written. Exit codes: 0 no finding of severity error
//! (interpretations alone never fail), 1 findings of severity error or reports that could
//! not be audited (not JSON, no citizen), 2 inputs that could not be read.

mod html;
mod input;
mod json;
mod municipalities;
mod spill;
mod summary;
mod table;

use super::{EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ffbkit_sdk::audit::{audit_citizen, CitizenAudit};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Citizens audited per parallel batch.
const CITIZEN_BATCH: usize = 512;

/// Output formats of `ffbkit audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Aligned text for a terminal.
    Table,
    /// One JSON object.
    Json,
    /// A self-contained HTML page.
    Html,
}

/// Arguments of `ffbkit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files, directories (searched recursively for *.json, *.ndjson, *.jsonl), NDJSON
    /// files or `-` for standard input: delivery reports of any number of citizens, in
    /// any order.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// Same as `--format json`.
    #[arg(long)]
    pub json: bool,
    /// Write the output here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// A CSV file mapping KOMBIT STS organisation ids to kommunekoder, one
    /// `sts_uuid,kommunekode` per line: municipalities are then shown by name and the
    /// coverage view counts out of Denmark's 98 municipalities. Without it, municipalities
    /// are shown by STS id and counted out of those present in the input.
    #[arg(long, value_name = "FILE")]
    pub municipalities: Option<PathBuf>,
    /// The top-N shares of the coverage view (share of all registrations held by the N
    /// municipalities with most), comma-separated.
    #[arg(long, value_name = "N,...", value_delimiter = ',', default_values_t = ffbkit_sdk::audit::DEFAULT_TOP.to_vec())]
    pub top: Vec<usize>,
    /// Directory for the temporary store (default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub spill_dir: Option<PathBuf>,
    /// Exit 0 when the paths hold no report at all (by default that is exit 2, "no
    /// reports found", so that an audit of an empty or mistyped directory does not pass).
    #[arg(long)]
    pub allow_empty: bool,
}

fn bar(template: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(ProgressStyle::with_template(template).ok()?);
    Some(pb)
}

/// Run `ffbkit audit`.
pub(super) fn run(args: AuditArgs, out: &mut dyn Write) -> Result<i32> {
    let mapping = match &args.municipalities {
        Some(p) => Some(ffbkit_sdk::municipality::StsMapping::read(p).with_context(|| format!("--municipalities {}", p.display()))?),
        None => None,
    };
    let dir = args.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut store = spill::Spill::create(&dir)?;

    // First pass: who each report is about, and where its bytes are.
    let reading = bar("{spinner} reading: {pos} reports {per_sec}");
    let intake = input::read_inputs(&args.paths, &mut store, &mut || {
        if let Some(pb) = &reading {
            pb.inc(1);
        }
    })?;
    if let Some(pb) = reading {
        pb.finish_and_clear();
    }
    store.seal()?;

    // Second pass: citizen by citizen, in parallel batches.
    let auditing = bar("{spinner} auditing: {pos} citizens {per_sec}");
    if let Some(pb) = &auditing {
        pb.set_length(0);
    }
    let mut totals = summary::Totals::default();
    store.citizens(CITIZEN_BATCH, |details, batch| {
        let audits: Vec<CitizenAudit> = batch
            .par_iter()
            .map(|reports| {
                let values: Vec<Value> = reports.iter().filter_map(|b| serde_json::from_slice(b).ok()).collect();
                audit_citizen(&values)
            })
            .collect();
        for a in &audits {
            totals.add(a);
            if !a.findings.is_empty() {
                details.keep(&a.municipality, &serde_json::to_string(a)?)?;
            }
        }
        if let Some(pb) = &auditing {
            pb.inc(audits.len() as u64);
        }
        Ok(())
    })?;
    if let Some(pb) = auditing {
        pb.finish_and_clear();
    }

    if let Some(m) = &mapping {
        totals.name_municipalities(m);
    }
    let municipalities = municipalities::Municipalities::new(&totals, mapping, &args.top);

    let format = if args.json { AuditFormat::Json } else { args.format };
    let mut file;
    let sink: &mut dyn Write = match &args.out {
        Some(p) => {
            if let Some(d) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(d)?;
            }
            file = std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?);
            &mut file
        }
        None => out,
    };
    let details = store.details();
    match format {
        AuditFormat::Table => table::write(sink, &totals, &municipalities, &intake, details)?,
        AuditFormat::Json => json::write(sink, &totals, &municipalities, &intake, details)?,
        AuditFormat::Html => html::write(sink, &totals, &municipalities, &intake, details)?,
    }
    sink.flush()?;
    if intake.unreadable_inputs > 0 {
        for p in intake.problems.iter().take(20) {
            eprintln!("ffbkit: {}: {}", p.input, p.reason);
        }
        return Ok(EXIT_USAGE);
    }
    if let Some(code) = super::nothing_found(&args.paths, intake.reports + intake.bad_reports, args.allow_empty) {
        return Ok(code);
    }
    Ok(if totals.citizens_with_errors == 0 && intake.bad_reports == 0 { EXIT_OK } else { EXIT_NOT_FOUND })
}
