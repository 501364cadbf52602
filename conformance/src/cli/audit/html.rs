//! `ffbkit audit --format html`: one self-contained page (inline CSS, no script, nothing
//! fetched): the rule summary, the coverage per municipality as Social- og
//! Boligministeriet shows it (seed 002: who reports, how much per citizen; municipalities
//! that report nothing of a kind stand out), and each citizen with findings (CPR masked).

use super::input::Intake;
use super::spill::Details;
use super::summary::Totals;
use super::table::CitizenAuditView;
use anyhow::Result;
use std::io::Write;

/// Citizens shown one by one on the page (all are in the JSON output).
pub(super) const DETAILS_SHOWN: usize = 2000;

/// Escape text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th{background:#f0f0f3}
td.l,th.l{text-align:left}td.none{background:#fde2e1;color:#9b1c1c;font-weight:600}tr.ok td.n{color:#2f6f3e}
.bar{display:inline-block;height:.7rem;background:#c0392b;vertical-align:middle}.muted{color:#666}code{font-size:.8rem}
section.citizen{border-top:1px solid #ddd;padding:.3rem 0}ul{margin:.2rem 0}
.sev{font-size:.75rem;padding:0 .3rem;border-radius:3px;background:#fde2e1;color:#9b1c1c}li.interpretation .sev{background:#fff4d6;color:#7a5a00}";

fn per(n: usize, d: usize) -> String {
    format!("{:.1}", n as f64 / d.max(1) as f64)
}

/// Write the page.
pub(super) fn write(out: &mut dyn Write, t: &Totals, intake: &Intake, details: &mut Details) -> Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ffbkit audit</title><style>{STYLE}</style></head><body>"
    )?;
    writeln!(out, "<h1>FFB stream audit</h1>")?;
    writeln!(
        out,
        "<p id=\"overview\">{} citizens, {} reports, {} municipalities; <strong>{} citizens with findings</strong> ({:.1} %), {} with errors (the others warnings only: interpretations); {} reports and {} inputs could not be audited.</p>",
        t.citizens, t.reports, t.municipalities.len(), t.citizens_with_findings, t.share(t.citizens_with_findings), t.citizens_with_errors, intake.bad_reports, intake.unreadable_inputs
    )?;

    writeln!(out, "<h2>Rules</h2>\n<table id=\"rules\"><tr><th class=\"l\">rule</th><th class=\"l\">severity</th><th>citizens affected</th><th>with errors</th><th>share</th><th class=\"l\"></th></tr>")?;
    for (r, n) in &t.per_rule {
        let share = t.share(*n);
        let errors = t.per_rule_errors.get(r).copied().unwrap_or(0);
        writeln!(
            out,
            "<tr class=\"{}\" data-rule=\"{r}\"><td class=\"l\"><code>{r}</code></td><td class=\"l\">{}</td><td class=\"n\">{n}</td><td>{errors}</td><td>{share:.1} %</td><td class=\"l\"><span class=\"bar\" style=\"width:{:.0}px\"></span></td></tr>",
            if *n == 0 { "ok" } else { "bad" },
            esc(&super::table::rule_severity(r)),
            share * 2.0
        )?;
    }
    writeln!(out, "</table>")?;

    // Coverage per municipality, as in seed 002.
    let ms: Vec<_> = t.municipalities.values().collect();
    let none = |f: fn(&ffbkit_sdk::audit::Coverage) -> usize| ms.iter().filter(|m| f(&m.coverage) == 0).count();
    let top_share = |f: fn(&ffbkit_sdk::audit::Coverage) -> usize, k: usize| {
        let mut v: Vec<usize> = ms.iter().map(|m| f(&m.coverage)).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        let total: usize = v.iter().sum();
        100.0 * v.iter().take(k).sum::<usize>() as f64 / total.max(1) as f64
    };
    let c = &t.coverage;
    writeln!(out, "<h2>Coverage per municipality</h2>")?;
    writeln!(
        out,
        "<ul id=\"coverage-notes\"><li>{} F&amp;F themes from {} municipalities; {} report none. Top 8 municipalities hold {:.0} % of them.</li><li>{} A&amp;D themes ({} with a funktionsevnevurdering) from {} municipalities; {} report none. Top 10 hold {:.0} %.</li><li>{} støttebehov assessments ({} municipalities report none); {} måltyper ({} report none).</li></ul>",
        c.ff_themes, ms.len() - none(|c| c.ff_themes), none(|c| c.ff_themes), top_share(|c| c.ff_themes, 8),
        c.ad_themes, c.ad_scored, ms.len() - none(|c| c.ad_themes), none(|c| c.ad_themes), top_share(|c| c.ad_themes, 10),
        c.support_assessments, none(|c| c.support_assessments), c.maaltyper, none(|c| c.maaltyper)
    )?;
    writeln!(out, "<table id=\"municipalities\"><tr><th class=\"l\">municipality (STS id)</th><th>citizens</th><th>reports</th><th>with findings</th><th>F&amp;F themes</th><th>A&amp;D themes</th><th>funktionsevne&shy;vurderinger</th><th>støttebehov</th><th>måltyper</th><th>ydelser</th><th>F&amp;F / citizen</th><th>A&amp;D / citizen</th><th>støttebehov / citizen</th><th>måltyper / citizen</th></tr>")?;
    for m in &ms {
        let v = &m.coverage;
        let cell = |n: usize| if n == 0 { "<td class=\"none\">0</td>".to_string() } else { format!("<td>{n}</td>") };
        writeln!(
            out,
            "<tr data-municipality=\"{id}\"><td class=\"l\"><code>{id}</code></td><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.citizens, m.reports, m.citizens_with_findings,
            cell(v.ff_themes), cell(v.ad_themes), cell(v.ad_scored), cell(v.support_assessments), cell(v.maaltyper), v.ydelser,
            per(v.ff_themes, m.citizens), per(v.ad_themes, m.citizens), per(v.support_assessments, m.citizens), per(v.maaltyper, m.citizens),
            id = esc(&m.municipality)
        )?;
    }
    writeln!(out, "</table>")?;

    writeln!(out, "<h2>Citizens with findings</h2><div id=\"citizens\">")?;
    let mut shown = 0usize;
    details.each(|json| {
        shown += 1;
        if shown > DETAILS_SHOWN {
            return Ok(());
        }
        let a: CitizenAuditView = serde_json::from_str(json)?;
        writeln!(out, "<section class=\"citizen\"><strong>{}</strong> <span class=\"muted\">municipality <code>{}</code>, {} reports</span><ul>", esc(&a.citizen), esc(&a.municipality), a.reports)?;
        for f in a.findings {
            writeln!(
                out,
                "<li class=\"{sev}\" data-severity=\"{sev}\"><code>{}</code> <span class=\"sev\">{sev}</span> report <code>{}</code> ({}) <code>{}</code>: {}</li>",
                esc(&f.rule), esc(f.report.as_deref().unwrap_or("-")), esc(f.day.as_deref().unwrap_or("-")), esc(f.resource.as_deref().unwrap_or("-")), esc(&f.message),
                sev = f.severity.as_str()
            )?;
        }
        writeln!(out, "</ul></section>")?;
        Ok(())
    })?;
    if shown > DETAILS_SHOWN {
        writeln!(out, "<p class=\"muted\">{} more citizens with findings: see <code>--format json</code>.</p>", shown - DETAILS_SHOWN)?;
    }
    if shown == 0 {
        writeln!(out, "<p>None.</p>")?;
    }
    writeln!(out, "</div>")?;
    if !intake.problems.is_empty() {
        writeln!(out, "<h2>Not audited</h2><ul id=\"not-audited\">")?;
        for p in &intake.problems {
            writeln!(out, "<li><code>{}</code>: {}</li>", esc(&p.input), esc(&p.reason))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "<p class=\"muted\">ffbkit {}; CPR numbers masked.</p></body></html>", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
