//! `ffbkit audit --format table`: the summary per rule (its severity, citizens affected,
//! those with an error) and municipality, then each citizen with findings (severity, rule,
//! report, day, resource, message), then what could not be read. Municipalities are shown
//! by STS id and, with a mapping, by kommunekode and name; the coverage view follows the
//! municipality table.

use super::input::Intake;
use super::municipalities::Municipalities;
use super::spill::Details;
use super::summary::Totals;
use anyhow::Result;
use std::io::Write;

/// Write the table.
pub(super) fn write(out: &mut dyn Write, t: &Totals, ms: &Municipalities, intake: &Intake, details: &mut Details) -> Result<()> {
    writeln!(
        out,
        "{} citizen(s), {} report(s), {} with findings ({} with errors, the others warnings only), {} unreadable report(s), {} unreadable input(s)",
        t.citizens, t.reports, t.citizens_with_findings, t.citizens_with_errors, intake.bad_reports, intake.unreadable_inputs
    )?;
    writeln!(out, "\n  {:<22} {:>9} {:>7} {:>7}  severity", "rule", "citizens", "share", "errors")?;
    for (r, n) in &t.per_rule {
        let errors = t.per_rule_errors.get(r).copied().unwrap_or(0);
        writeln!(out, "  {r:<22} {n:>9} {:>6.1}% {errors:>7}  {}", t.share(*n), rule_severity(r))?;
    }
    writeln!(
        out,
        "\n  {:<38} {:<24} {:>8} {:>8} {:>9} {:>7} {:>7} {:>7} {:>8} {:>8} {:>8}",
        "municipality (STS)", "kommune", "citizens", "reports", "findings", "F&F", "A&D", "støtte", "måltype", "F&F/cit", "A&D/cit"
    )?;
    for m in t.municipalities.values() {
        let c = &m.coverage;
        let per = |n: usize| n as f64 / m.citizens.max(1) as f64;
        writeln!(
            out,
            "  {:<38} {:<24} {:>8} {:>8} {:>9} {:>7} {:>7} {:>7} {:>8} {:>8.1} {:>8.1}",
            m.municipality,
            ms.name_of(&m.municipality),
            m.citizens,
            m.reports,
            m.citizens_with_findings,
            c.ff_themes,
            c.ad_themes,
            c.support_assessments,
            c.maaltyper,
            per(c.ff_themes),
            per(c.ad_themes)
        )?;
    }
    coverage_view(out, ms)?;
    details.each(|json| {
        let a: CitizenAuditView = serde_json::from_str(json)?;
        writeln!(out, "\n{} ({}, {}), {} report(s)", a.citizen, a.municipality, ms.name_of(&a.municipality), a.reports)?;
        for f in a.findings {
            writeln!(
                out,
                "  [{}] {} report {} ({}) {}: {}",
                f.rule,
                f.severity,
                f.report.as_deref().unwrap_or("-"),
                f.day.as_deref().unwrap_or("-"),
                f.resource.as_deref().unwrap_or("-"),
                f.message
            )?;
        }
        Ok(())
    })?;
    if !intake.problems.is_empty() {
        writeln!(out, "\nnot audited:")?;
        for p in &intake.problems {
            writeln!(out, "  {}: {}", p.input, p.reason)?;
        }
        let more = intake.bad_reports + intake.unreadable_inputs - intake.problems.len();
        if more > 0 {
            writeln!(out, "  ... and {more} more")?;
        }
    }
    Ok(())
}

/// The coverage view (seed 002's data slides): what it is out of, per measure the
/// municipalities reporting any, none and 1-5 and the top-N shares, then per municipality
/// its counts.
fn coverage_view(out: &mut dyn Write, ms: &Municipalities) -> Result<()> {
    let v = &ms.view;
    writeln!(out, "\ncoverage view: {}", v.note)?;
    for m in &v.measures {
        writeln!(
            out,
            "  {:<26} {:>8} in all; {} of {} municipalities report some, {} none, {} report 1-5; {}",
            m.label,
            m.total,
            m.reporting,
            v.out_of,
            m.none,
            m.one_to_five,
            Municipalities::top_phrase(m)
        )?;
    }
    writeln!(
        out,
        "\n  {:<38} {:>8} {:>7} {:>9} {:>7} {:>7} {:>8}",
        "municipality", "citizens", "A&D", "funktion.", "F&F", "støtte", "måltype"
    )?;
    for r in v.municipalities.iter().chain(&v.unmapped) {
        let c = &r.coverage;
        let name =
            if r.kommunekode.is_none() && ms.mapping.is_some() { format!("{} (not in the mapping)", r.display()) } else { r.display() };
        writeln!(
            out,
            "  {:<38} {:>8} {:>7} {:>9} {:>7} {:>7} {:>8}",
            name, r.citizens, c.ad_themes, c.ad_scored, c.ff_themes, c.support_assessments, c.maaltyper
        )?;
    }
    Ok(())
}

/// A rule's severity as the table shows it: `error`, or `error (+ interpretations)` when
/// some of its checks are ffbkit's reading.
pub(super) fn rule_severity(id: &str) -> String {
    match ffbkit_sdk::audit::rule(id) {
        Some(r) if r.readings.is_empty() => r.severity.to_string(),
        Some(r) => format!("{} (+ interpretations)", r.severity),
        None => "-".to_string(),
    }
}

/// A `CitizenAudit` read back from the details store.
#[derive(serde::Deserialize)]
pub(super) struct CitizenAuditView {
    /// Masked CPR.
    pub citizen: String,
    /// STS id.
    pub municipality: String,
    /// Reports.
    pub reports: usize,
    /// Findings.
    pub findings: Vec<FindingView>,
}

/// A finding read back.
#[derive(serde::Deserialize)]
pub(super) struct FindingView {
    /// Rule id.
    pub rule: String,
    /// `error` or `interpretation`.
    pub severity: ffbkit_sdk::audit::Severity,
    /// Bundle id.
    pub report: Option<String>,
    /// `Type/id`.
    pub resource: Option<String>,
    /// Report day.
    pub day: Option<String>,
    /// Message.
    pub message: String,
}
