//! `ffbkit rules [ID]`: the rule registry ([`ffbkit_sdk::rules`]) for people. Without an id,
//! every rule (single-report and stream audit) as a table or JSON; with one, the rule
//! explained: family, severity, summary, the source it rests on, the fixtures that break
//! it (`fixtures/reports/invalid/index.json`, `fixtures/streams/index.json`) and an example
//! finding, made by running the validator or the stream audit on the first of them. An
//! unknown id exits 2 and names the ids close to it.

use super::{EXIT_OK, EXIT_USAGE};
use anyhow::Result;
use clap::{Args, ValueEnum};
use ffbkit_sdk::audit::{audit_citizen, Finding};
use ffbkit_sdk::rules::{self, AnyRule, RuleEntry};
use ffbkit_sdk::validate::{render, Outcome, Validator};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The fixture indexes, embedded: which fixture breaks which rule.
const REPORT_INDEX: &str = include_str!("../../../fixtures/reports/invalid/index.json");
const STREAM_INDEX: &str = include_str!("../../../fixtures/streams/index.json");
/// The fixtures directory of the source tree this binary was built from (the default of
/// `--fixtures`).
const FIXTURES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");

/// Output formats of `ffbkit rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Aligned text.
    Text,
    /// JSON (a list of rules, or one rule explained).
    Json,
}

/// Arguments of `ffbkit rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// The rule to explain (`GW-CARD`, `kl-reporting-ffb-care-plan-1`, `DST-AD`, ...);
    /// without it, every rule is listed.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// The fixtures directory (holding `reports/invalid` and `streams`) the example finding
    /// is made from; default: the source tree's.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
}

/// One fixture that breaks a rule.
#[derive(Debug, Serialize)]
struct FixtureRef {
    /// Path under the fixtures directory (`reports/invalid/gw-card-....json`).
    file: String,
    /// The index's description.
    description: String,
}

/// An example finding: the fixture it came from and the finding, as the validator or the
/// audit reports it.
#[derive(Debug, Serialize)]
struct Example {
    fixture: String,
    finding: Value,
    #[serde(skip)]
    text: String,
}

/// One rule explained.
#[derive(Debug, Serialize)]
struct Explained {
    #[serde(flatten)]
    entry: RuleEntry,
    /// True when `--severity`/`--strict` may change the severity.
    adjustable: bool,
    fixtures: Vec<FixtureRef>,
    example: Option<Example>,
    /// Why there is no example, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    no_example: Option<String>,
}

/// Run `ffbkit rules`.
pub(super) fn run(args: RulesArgs, out: &mut dyn Write) -> Result<i32> {
    let Some(id) = args.id.as_deref() else {
        list(args.format, out)?;
        return Ok(EXIT_OK);
    };
    let Some(rule) = rules::find(id) else {
        let close = rules::close_matches(id);
        if close.is_empty() {
            eprintln!("ffbkit: unknown rule id {id:?}; `ffbkit rules` lists every rule");
        } else {
            eprintln!("ffbkit: unknown rule id {id:?}; did you mean {}?", close.join(", "));
        }
        return Ok(EXIT_USAGE);
    };
    let dir = args.fixtures.unwrap_or_else(|| PathBuf::from(FIXTURES_DIR));
    let e = explain(rule, &dir);
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &e)?;
            writeln!(out)?;
        }
        RulesFormat::Text => write_explained(&e, out)?,
    }
    Ok(EXIT_OK)
}

fn list(format: RulesFormat, out: &mut dyn Write) -> Result<()> {
    let entries: Vec<RuleEntry> = rules::all().map(RuleEntry::from).collect();
    match format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &entries)?;
            writeln!(out)?;
        }
        RulesFormat::Text => {
            let w = entries.iter().map(|e| e.id.len()).max().unwrap_or(2);
            writeln!(out, "{:<w$}  {:<12}  {:<14}  SUMMARY", "ID", "FAMILY", "SEVERITY")?;
            for e in &entries {
                writeln!(out, "{:<w$}  {:<12}  {:<14}  {}", e.id, e.family.as_str(), e.severity, e.summary)?;
            }
        }
    }
    Ok(())
}

/// The fixtures breaking `rule`: invalid reports whose index lists it, streams whose index
/// lists it (audit rules) or whose gateway findings hold it (single-report rules).
fn breaking_fixtures(rule: &AnyRule) -> Vec<FixtureRef> {
    let id = rule.id();
    let mut found = Vec::new();
    let lists = |case: &Value, key: &str| case[key].as_array().is_some_and(|a| a.iter().any(|r| r == id));
    let mut add = |index: &str, under: &str, key: &str| {
        let index: Value = serde_json::from_str(index).unwrap_or(Value::Null);
        for case in index["cases"].as_array().into_iter().flatten().filter(|c| lists(c, key)) {
            if let Some(file) = case["file"].as_str() {
                found.push(FixtureRef {
                    file: format!("{under}/{file}"),
                    description: case["description"].as_str().unwrap_or("").to_string(),
                });
            }
        }
    };
    match rule {
        AnyRule::Report(_) => {
            add(REPORT_INDEX, "reports/invalid", "rules");
            add(STREAM_INDEX, "streams", "gateway");
        }
        AnyRule::Audit(_) => add(STREAM_INDEX, "streams", "rules"),
    }
    found
}

fn explain(rule: AnyRule, dir: &Path) -> Explained {
    let fixtures = breaking_fixtures(&rule);
    let mut example = None;
    let mut why = None;
    for f in &fixtures {
        match example_from(&rule, dir, &f.file) {
            Ok(Some(e)) => {
                example = Some(e);
                break;
            }
            Ok(None) => {}
            Err(e) => {
                why.get_or_insert(e);
            }
        }
    }
    let no_example = example.is_none().then(|| {
        why.unwrap_or_else(|| {
            if fixtures.is_empty() {
                "no fixture breaks this rule".into()
            } else {
                "no fixture produced a finding of this rule".into()
            }
        })
    });
    Explained { entry: RuleEntry::from(rule), adjustable: rule.adjustable(), fixtures, example, no_example }
}

/// Run the validator (single-report rules) or the audit (stream rules) on one fixture and
/// keep its first finding of `rule`.
fn example_from(rule: &AnyRule, dir: &Path, file: &str) -> Result<Option<Example>, String> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e} (see --fixtures)", path.display()))?;
    let id = rule.id();
    let lines = || bytes.split(|b| *b == b'\n').filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
    match rule {
        AnyRule::Report(r) => {
            // A stream holds one report per line; a report fixture is one document.
            let docs: Vec<&[u8]> = if file.ends_with(".ndjson") { lines().collect() } else { vec![&bytes[..]] };
            for doc in docs {
                let outcome = Validator::default_validator().validate_bytes(doc);
                if let Some(d) = outcome.diagnostics.iter().find(|d| d.rule == r.rule) {
                    let one = Outcome { diagnostics: vec![d.clone()], ..Outcome::default() };
                    let text = render::human(file, Some(doc), &one, false, false);
                    let finding = serde_json::to_value(d).map_err(|e| e.to_string())?;
                    return Ok(Some(Example { fixture: file.to_string(), finding, text }));
                }
            }
            Ok(None)
        }
        AnyRule::Audit(_) => {
            let reports: Vec<Value> =
                lines().map(serde_json::from_slice).collect::<Result<_, _>>().map_err(|e| format!("{}: {e}", path.display()))?;
            let audit = audit_citizen(&reports);
            Ok(audit.findings.iter().find(|f| f.rule.as_str() == id).map(|f| Example {
                fixture: file.to_string(),
                finding: serde_json::to_value(f).unwrap_or(Value::Null),
                text: finding_text(f),
            }))
        }
    }
}

fn finding_text(f: &Finding) -> String {
    let mut at = Vec::new();
    if let Some(r) = &f.report {
        at.push(format!("report {r}"));
    }
    if let Some(d) = &f.day {
        at.push(format!("of {d}"));
    }
    if let Some(r) = &f.resource {
        at.push(r.clone());
    }
    format!("{}[{}]: {}\n  --> {}\n", f.severity, f.rule, f.message, at.join(" "))
}

fn write_explained(e: &Explained, out: &mut dyn Write) -> Result<()> {
    let r = &e.entry;
    writeln!(out, "{}", r.id)?;
    writeln!(out, "  family:   {}", r.family)?;
    writeln!(out, "  severity: {}{}", r.severity, if e.adjustable { " (adjustable: --severity, --strict)" } else { "" })?;
    writeln!(out, "  summary:  {}", r.summary)?;
    writeln!(out, "  source:   {}", r.source)?;
    writeln!(out)?;
    if e.fixtures.is_empty() {
        writeln!(out, "No fixture breaks this rule.")?;
    } else {
        writeln!(out, "Fixtures that break it (under fixtures/):")?;
        for f in &e.fixtures {
            writeln!(out, "  {}  {}", f.file, f.description)?;
        }
    }
    writeln!(out)?;
    match (&e.example, &e.no_example) {
        (Some(x), _) => {
            writeln!(out, "Example finding (on {}):", x.fixture)?;
            for line in x.text.trim_end().lines() {
                writeln!(out, "  {line}")?;
            }
        }
        (None, Some(why)) => writeln!(out, "No example finding: {why}.")?,
        (None, None) => {}
    }
    Ok(())
}
