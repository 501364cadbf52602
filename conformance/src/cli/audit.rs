//! `ffbkit audit PATH...` (first part): reports of many citizens (files, directories,
//! NDJSON, out of order), grouped by citizen and audited with the SDK's stream audit;
//! a summary per rule and municipality, details per citizen. Output: table or JSON.
//! (HTML, bounded memory for the national corpus and PROTO-DAILY/-SNAPSHOT/-ID-STABLE/-ERROR
//! across reports are still to come.)

use super::{EXIT_NOT_FOUND, EXIT_OK};
use anyhow::Result;
use clap::Args;
use ffbkit_sdk::audit::{audit_citizen, CitizenAudit};
use ffbkit_sdk::validate::{batch, Validator};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `ffbkit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files, directories or NDJSON files of delivery reports (any order, many citizens).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Run `ffbkit audit`.
pub fn run(args: AuditArgs, out: &mut dyn Write) -> Result<i32> {
    // Group readable, parseable reports by citizen (CPR); invalid ones are counted apart.
    let mut by_citizen: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut unreadable = 0usize;
    batch::validate_inputs(Validator::default_validator(), &args.paths, |item| {
        let Ok(v) = serde_json::from_slice::<Value>(&item.bytes) else {
            unreadable += 1;
            return;
        };
        let cpr = v["entry"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["resource"]["resourceType"] == "Patient"))
            .and_then(|e| e["resource"].pointer("/identifier/0/value"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        by_citizen.entry(cpr).or_default().push(v);
    });
    let audits: Vec<CitizenAudit> = by_citizen.values().map(|r| audit_citizen(r)).collect();
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_municipality: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for a in &audits {
        let m = per_municipality.entry(a.municipality.as_str()).or_default();
        m.0 += 1;
        if !a.findings.is_empty() {
            m.1 += 1;
        }
        let mut rules: Vec<&str> = a.findings.iter().map(|f| f.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        for r in rules {
            *per_rule.entry(r).or_default() += 1;
        }
    }
    let failing = audits.iter().filter(|a| !a.findings.is_empty()).count();
    if args.json {
        let v = json!({
            "citizens": audits.len(),
            "citizens_with_findings": failing,
            "unreadable_reports": unreadable,
            "per_rule": per_rule,
            "per_municipality": per_municipality.iter().map(|(m, (n, f))| json!({"municipality": m, "citizens": n, "citizens_with_findings": f})).collect::<Vec<_>>(),
            "citizens_detail": audits,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(out, "{} citizen(s), {} with findings, {} unreadable report(s)", audits.len(), failing, unreadable)?;
        writeln!(out, "\n  {:<24} {:>9} {:>7}", "rule", "citizens", "share")?;
        for (r, n) in &per_rule {
            writeln!(out, "  {r:<24} {n:>9} {:>6.1}%", 100.0 * *n as f64 / audits.len().max(1) as f64)?;
        }
        writeln!(out, "\n  {:<38} {:>9} {:>14}", "municipality (STS)", "citizens", "with findings")?;
        for (m, (n, f)) in &per_municipality {
            writeln!(out, "  {m:<38} {n:>9} {f:>14}")?;
        }
        for a in audits.iter().filter(|a| !a.findings.is_empty()) {
            writeln!(out, "\n{} ({})", a.citizen, a.municipality)?;
            for f in &a.findings {
                writeln!(out, "  [{}] {}{}", f.rule, f.resource.as_deref().map(|r| format!("{r}: ")).unwrap_or_default(), f.message)?;
            }
        }
    }
    Ok(if failing == 0 && unreadable == 0 { EXIT_OK } else { EXIT_NOT_FOUND })
}
