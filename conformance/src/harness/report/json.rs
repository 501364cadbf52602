//! `certify.json`: the run's report for machines (format `ffbkit-certify/1`, the
//! [`RunReport`](super::RunReport) as JSON).

use super::RunReport;

/// The report as pretty JSON.
pub fn render(report: &RunReport) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
