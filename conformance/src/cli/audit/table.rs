//! `ffbkit audit --format table`: the summary per rule and municipality, then each citizen
//! with findings (rule, report, day, resource, message), then what could not be read.

use super::input::Intake;
use super::spill::Details;
use super::summary::Totals;
use anyhow::Result;
use std::io::Write;

/// Write the table.
pub fn write(out: &mut dyn Write, t: &Totals, intake: &Intake, details: &mut Details) -> Result<()> {
    writeln!(out, "{} citizen(s), {} report(s), {} with findings, {} unreadable report(s), {} unreadable input(s)", t.citizens, t.reports, t.citizens_with_findings, intake.bad_reports, intake.unreadable_inputs)?;
    writeln!(out, "\n  {:<22} {:>9} {:>7}", "rule", "citizens", "share")?;
    for (r, n) in &t.per_rule {
        writeln!(out, "  {r:<22} {n:>9} {:>6.1}%", t.share(*n))?;
    }
    writeln!(out, "\n  {:<38} {:>8} {:>8} {:>9} {:>7} {:>7} {:>7} {:>8} {:>8} {:>8}", "municipality (STS)", "citizens", "reports", "findings", "F&F", "A&D", "støtte", "måltype", "F&F/cit", "A&D/cit")?;
    for m in t.municipalities.values() {
        let c = &m.coverage;
        let per = |n: usize| n as f64 / m.citizens.max(1) as f64;
        writeln!(out, "  {:<38} {:>8} {:>8} {:>9} {:>7} {:>7} {:>7} {:>8} {:>8.1} {:>8.1}", m.municipality, m.citizens, m.reports, m.citizens_with_findings, c.ff_themes, c.ad_themes, c.support_assessments, c.maaltyper, per(c.ff_themes), per(c.ad_themes))?;
    }
    details.each(|json| {
        let a: CitizenAuditView = serde_json::from_str(json)?;
        writeln!(out, "\n{} ({}), {} report(s)", a.citizen, a.municipality, a.reports)?;
        for f in a.findings {
            writeln!(out, "  [{}] report {} ({}) {}: {}", f.rule, f.report.as_deref().unwrap_or("-"), f.day.as_deref().unwrap_or("-"), f.resource.as_deref().unwrap_or("-"), f.message)?;
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

/// A `CitizenAudit` read back from the details store.
#[derive(serde::Deserialize)]
pub struct CitizenAuditView {
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
pub struct FindingView {
    /// Rule id.
    pub rule: String,
    /// Bundle id.
    pub report: Option<String>,
    /// `Type/id`.
    pub resource: Option<String>,
    /// Report day.
    pub day: Option<String>,
    /// Message.
    pub message: String,
}
