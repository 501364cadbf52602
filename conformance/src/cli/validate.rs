//! `ffbkit validate PATH...`: check delivery reports exactly as the gateway would, and more.

use super::{EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ffbkit_sdk::as_written::Checker;
use ffbkit_sdk::catalog::Catalog;
use ffbkit_sdk::validate::batch::{self, Item, Summary};
use ffbkit_sdk::validate::{render, Options, Outcome, Severity, Validator, RULES};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Output formats of `ffbkit validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Findings with the source line and a caret, then a summary.
    Human,
    /// One JSON object per finding.
    Jsonl,
    /// One FHIR OperationOutcome per report (NDJSON), as the gateway answers.
    OperationOutcome,
    /// JUnit XML, one test case per report.
    Junit,
    /// Only the summary.
    Summary,
}

/// Arguments of `ffbkit validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, directories (searched recursively for *.json, *.ndjson, *.jsonl), NDJSON
    /// files (one report per line) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
    /// Show CPR numbers instead of masking them (010181-****).
    #[arg(long)]
    pub show_cpr: bool,
    /// Treat the IG's text-only rules (meta.profile, meta.lastUpdated, case number,
    /// intervention start) as errors.
    #[arg(long)]
    pub strict: bool,
    /// Judge the IG's invariants exactly as their FHIRPath expressions are written (on a
    /// FHIRPath engine), con-5 as an error and the text-only rules off: what a gateway
    /// built on the HL7 validator would say. A finding whose verdict differs from ffbkit's
    /// intended reading says both. The default is "as intended".
    #[arg(long)]
    pub as_written: bool,
    /// Set the severity of a text-only rule, e.g. `GW-LAST-UPDATED=error` (repeatable).
    #[arg(long = "severity", value_name = "RULE=LEVEL")]
    pub severities: Vec<String>,
    /// Largest report in bytes (larger ones are refused unread).
    #[arg(long, default_value_t = 32 * 1024 * 1024)]
    pub max_size: usize,
    /// Use this official FHIR CodeSystem JSON for the bindings (e.g. a newer FFB).
    #[arg(long, value_name = "FILE")]
    pub code_system: Option<PathBuf>,
    /// Colour: auto (when standard output is a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the output here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Exit 0 when the paths hold no report at all (by default that is exit 2, "no
    /// reports found", so that a check on an empty or mistyped directory does not pass).
    #[arg(long)]
    pub allow_empty: bool,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

fn options(args: &ValidateArgs) -> Result<Options> {
    let mut o = Options { show_cpr: args.show_cpr, ..Options::default() };
    o.limits.max_bytes = args.max_size;
    if args.strict {
        o = o.strict();
    }
    for s in &args.severities {
        let (rule, level) = s.split_once('=').with_context(|| format!("--severity {s}: expected RULE=LEVEL"))?;
        let level = Severity::parse(level).with_context(|| format!("--severity {s}: level is error, warning or information"))?;
        o.set_severity(rule, level)?;
    }
    Ok(o)
}

/// Run `ffbkit validate`.
pub(super) fn run(args: ValidateArgs, stdout: &mut dyn Write) -> Result<i32> {
    let opts = options(&args)?;
    let validator = match &args.code_system {
        Some(p) => Validator::with_catalog(Arc::new(Catalog::with_code_system_file(p)?), opts)?,
        None => Validator::new(opts)?,
    };
    let mut file;
    let out: &mut dyn Write = match &args.out {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            file = std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?);
            &mut file
        }
        None => stdout,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => args.out.is_none() && std::io::stdout().is_terminal(),
    };
    let checker = if args.as_written {
        if args.strict || !args.severities.is_empty() {
            eprintln!("ffbkit: --as-written turns the text-only rules off; --strict and --severity have no effect");
        }
        Some(Checker::new(Arc::new(validator.catalog().clone()))?)
    } else {
        None
    };
    let progress = progress_bar(&args.paths);
    let mut junit_rows: Vec<(String, Outcome)> = Vec::new();
    let mut write_error: Option<std::io::Error> = None;
    let show_cpr = args.show_cpr;
    let mut as_written_summary = Summary::default();
    let summary = batch::validate_inputs(&validator, &args.paths, |mut item: Item| {
        if let Some(pb) = &progress {
            pb.inc(1);
        }
        if let Some(checker) = &checker {
            // The hand-coded checks ran (the fast path); the engine judges what the
            // as-written mode changes.
            if item.unreadable.is_none() {
                item.outcome = checker.rejudge(std::mem::take(&mut item.outcome), &item.bytes).outcome;
            }
            as_written_summary.add(&item);
        }
        if write_error.is_some() {
            return;
        }
        let r = emit_item(&args.format, &item, out, color, show_cpr, &mut junit_rows);
        if let Err(e) = r {
            write_error = Some(e);
        }
    });
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    let summary = if checker.is_some() { as_written_summary } else { summary };
    if let Some(e) = write_error {
        return Err(e.into());
    }
    match args.format {
        ValidateFormat::Junit => out.write_all(render::junit("ffbkit validate", &junit_rows).as_bytes())?,
        ValidateFormat::Human | ValidateFormat::Summary => write_summary(&summary, out, color, args.as_written)?,
        _ => {}
    }
    out.flush()?;
    if !matches!(args.format, ValidateFormat::Human | ValidateFormat::Summary) {
        // Keep machine output clean; a one-line summary goes to stderr.
        eprintln!(
            "ffbkit: {} report(s), {} valid, {} invalid, {} unreadable",
            summary.reports, summary.valid, summary.invalid, summary.unreadable
        );
    }
    if let Some(code) = super::nothing_found(&args.paths, summary.reports + summary.unreadable, args.allow_empty) {
        return Ok(code);
    }
    Ok(if summary.unreadable > 0 {
        EXIT_USAGE
    } else if summary.invalid > 0 {
        EXIT_NOT_FOUND
    } else {
        EXIT_OK
    })
}

fn progress_bar(paths: &[PathBuf]) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let total: usize = ffbkit_sdk::input::expand(paths).len();
    if total < 200 {
        return None;
    }
    let pb = ProgressBar::new(total as u64);
    pb.set_style(ProgressStyle::with_template("{spinner} {pos}/{len} reports {wide_bar} {per_sec} eta {eta}").ok()?);
    Some(pb)
}

fn emit_item(
    format: &ValidateFormat,
    item: &Item,
    out: &mut dyn Write,
    color: bool,
    show_cpr: bool,
    junit_rows: &mut Vec<(String, Outcome)>,
) -> std::io::Result<()> {
    if let Some(e) = &item.unreadable {
        eprintln!("ffbkit: cannot read {}: {}", render::terminal_safe(&item.name), render::terminal_safe(e));
        return Ok(());
    }
    match format {
        ValidateFormat::Human => {
            if !item.outcome.diagnostics.is_empty() {
                out.write_all(render::human(&item.name, Some(&item.bytes), &item.outcome, color, show_cpr).as_bytes())?;
            }
        }
        ValidateFormat::Jsonl => out.write_all(render::json_lines(&item.name, &item.outcome).as_bytes())?,
        ValidateFormat::OperationOutcome => {
            let mut oo = render::operation_outcome(&item.outcome);
            oo["id"] = serde_json::Value::String(item.name.clone());
            writeln!(out, "{oo}")?;
        }
        ValidateFormat::Junit => {
            let mut o = item.outcome.clone();
            o.diagnostics.retain(|d| d.severity == Severity::Error);
            junit_rows.push((item.name.clone(), o));
        }
        ValidateFormat::Summary => {}
    }
    Ok(())
}

fn write_summary(s: &Summary, out: &mut dyn Write, color: bool, as_written: bool) -> std::io::Result<()> {
    let verdict = if s.invalid == 0 && s.unreadable == 0 { ("valid", "1;32") } else { ("invalid", "1;31") };
    let v = if color { format!("\x1b[{}m{}\x1b[0m", verdict.1, verdict.0) } else { verdict.0.to_string() };
    writeln!(
        out,
        "{v}: {} report(s), {} resource(s); {} valid, {} invalid, {} unreadable",
        s.reports, s.resources, s.valid, s.invalid, s.unreadable
    )?;
    if as_written {
        writeln!(out, "  as written: the IG's invariants as their expressions give them, con-5 an error, the text-only rules off")?;
    }
    if !s.per_rule.is_empty() {
        writeln!(out, "\n  {:<40} {:>8} {:>8} {:>8}", "rule", "errors", "warnings", "info")?;
        for r in RULES {
            if let Some((e, w, i)) = s.per_rule.get(r.id) {
                writeln!(out, "  {:<40} {e:>8} {w:>8} {i:>8}", r.id)?;
            }
        }
    }
    Ok(())
}
