//! `ffbkit audit --format json`: one JSON object, written as it goes (the details are
//! streamed from the store, never held together). `coverage_view` is the SDK's
//! [`ffbkit_sdk::audit::CoverageView`]; `municipality_mapping` the number of STS ids the
//! mapping names (`null`: none given, municipalities are STS ids).

use super::input::Intake;
use super::municipalities::Municipalities;
use super::spill::Details;
use super::summary::Totals;
use anyhow::Result;
use serde_json::json;
use std::io::Write;

/// Write the JSON document.
pub(super) fn write(out: &mut dyn Write, t: &Totals, ms: &Municipalities, intake: &Intake, details: &mut Details) -> Result<()> {
    let rules: Vec<_> = t
        .per_rule
        .iter()
        .map(|(r, n)| {
            let rule = ffbkit_sdk::audit::rule(r);
            json!({
                "rule": r,
                "severity": rule.map(|x| x.severity),
                "has_interpretations": rule.is_some_and(|x| !x.readings.is_empty()),
                "citizens": n,
                "citizens_with_errors": t.per_rule_errors.get(r).copied().unwrap_or(0),
                "share": (t.share(*n) * 10.0).round() / 10.0
            })
        })
        .collect();
    let head = json!({
        "citizens": t.citizens,
        "reports": t.reports,
        "citizens_with_findings": t.citizens_with_findings,
        "citizens_with_errors": t.citizens_with_errors,
        "unreadable_reports": intake.bad_reports,
        "unreadable_inputs": intake.unreadable_inputs,
        "not_audited": intake.problems,
        "per_rule": t.per_rule,
        "per_rule_errors": t.per_rule_errors,
        "rules": rules,
        "coverage": t.coverage,
        "per_municipality": t.municipalities.values().collect::<Vec<_>>(),
        "municipality_mapping": ms.mapping.as_ref().map(|m| m.len()),
        "coverage_view": ms.view,
    });
    let text = serde_json::to_string_pretty(&head)?;
    // Open the object again to append the details array.
    let text = text.trim_end().strip_suffix('}').unwrap_or(&text).trim_end();
    write!(out, "{text},\n  \"citizens_detail\": [")?;
    let mut first = true;
    details.each(|j| {
        write!(out, "{}\n    {j}", if first { "" } else { "," })?;
        first = false;
        Ok(())
    })?;
    writeln!(out, "\n  ]\n}}")?;
    Ok(())
}
