//! `ffbkit audit --format html`: one self-contained page (inline CSS, no script, nothing
//! fetched): the rule summary, the coverage per municipality as Social- og
//! Boligministeriet shows it (seed 002: who reports, how much per citizen; municipalities
//! that report nothing of a kind stand out), and each citizen with findings (CPR masked).

use super::input::Intake;
use super::municipalities::Municipalities;
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

/// The universe as the page's data attribute names it.
fn universe(u: ffbkit_sdk::audit::Universe) -> &'static str {
    match u {
        ffbkit_sdk::audit::Universe::Register => "register",
        ffbkit_sdk::audit::Universe::Present => "present",
    }
}

fn per(n: usize, d: usize) -> String {
    format!("{:.1}", n as f64 / d.max(1) as f64)
}

/// Write the page.
pub(super) fn write(out: &mut dyn Write, t: &Totals, ms: &Municipalities, intake: &Intake, details: &mut Details) -> Result<()> {
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

    // Coverage per municipality, as in seed 002: the SDK's coverage view.
    let v = &ms.view;
    writeln!(out, "<h2>Coverage per municipality</h2>")?;
    writeln!(
        out,
        "<p id=\"coverage-universe\" data-universe=\"{}\" data-out-of=\"{}\">{}</p>",
        universe(v.universe),
        v.out_of,
        esc(&v.note)
    )?;
    writeln!(out, "<ul id=\"coverage-notes\">")?;
    for m in &v.measures {
        writeln!(
            out,
            "<li data-measure=\"{}\">{} {}: {} of {} municipalities report some, {} report none, {} report 1-5; {}.</li>",
            m.measure.as_str(),
            m.total,
            esc(m.label),
            m.reporting,
            v.out_of,
            m.none,
            m.one_to_five,
            Municipalities::top_phrase(m)
        )?;
    }
    writeln!(out, "</ul>")?;
    write!(out, "<table id=\"coverage-view\"><tr><th class=\"l\">registrations</th><th>in all</th><th>municipalities reporting</th><th>reporting none</th><th>reporting 1-5</th>")?;
    for n in v.measures.first().map(|m| m.top.as_slice()).unwrap_or_default() {
        write!(out, "<th>top {} share</th>", n.n)?;
    }
    writeln!(out, "</tr>")?;
    for m in &v.measures {
        write!(
            out,
            "<tr data-measure=\"{}\"><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            m.measure.as_str(),
            esc(m.label),
            m.total,
            m.reporting,
            m.none,
            m.one_to_five
        )?;
        for t in &m.top {
            write!(out, "<td>{:.1} %</td>", t.share)?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table>")?;
    writeln!(
        out,
        "<h3>Per municipality ({} of {})</h3>",
        esc(if v.universe == ffbkit_sdk::audit::Universe::Register { "the register" } else { "those present" }),
        v.out_of
    )?;
    writeln!(out, "<table id=\"coverage-municipalities\"><tr><th class=\"l\">municipality</th><th class=\"l\">STS id(s)</th><th>citizens</th><th>A&amp;D themes</th><th>funktionsevne&shy;vurderinger</th><th>F&amp;F themes</th><th>støttebehov</th><th>måltyper</th></tr>")?;
    for r in v.municipalities.iter().chain(&v.unmapped) {
        let c = &r.coverage;
        let cell = |n: usize| if n == 0 { "<td class=\"none\">0</td>".to_string() } else { format!("<td>{n}</td>") };
        let (key, name) = match (r.kommunekode, r.name) {
            (Some(k), Some(n)) => (format!("data-kommune=\"{k}\""), format!("{k} {}", esc(n))),
            _ if ms.mapping.is_some() => {
                (format!("data-sts=\"{}\"", esc(&r.sts_ids.join(" "))), "<span class=\"muted\">not in the mapping</span>".to_string())
            }
            _ => (format!("data-sts=\"{}\"", esc(&r.sts_ids.join(" "))), "<span class=\"muted\">no mapping given</span>".to_string()),
        };
        let ids = r.sts_ids.iter().map(|s| format!("<code>{}</code>", esc(s))).collect::<Vec<_>>().join(" ");
        writeln!(
            out,
            "<tr {key}><td class=\"l\">{name}</td><td class=\"l\">{ids}</td><td>{}</td>{}{}{}{}{}</tr>",
            r.citizens,
            cell(c.ad_themes),
            cell(c.ad_scored),
            cell(c.ff_themes),
            cell(c.support_assessments),
            cell(c.maaltyper)
        )?;
    }
    writeln!(out, "</table>")?;
    let ms_list: Vec<_> = t.municipalities.values().collect();
    writeln!(out, "<h3>Audited organisations</h3>")?;
    writeln!(out, "<table id=\"municipalities\"><tr><th class=\"l\">municipality (STS id)</th><th class=\"l\">kommune</th><th>citizens</th><th>reports</th><th>with findings</th><th>F&amp;F themes</th><th>A&amp;D themes</th><th>funktionsevne&shy;vurderinger</th><th>støttebehov</th><th>måltyper</th><th>ydelser</th><th>F&amp;F / citizen</th><th>A&amp;D / citizen</th><th>støttebehov / citizen</th><th>måltyper / citizen</th></tr>")?;
    for m in &ms_list {
        let v = &m.coverage;
        let cell = |n: usize| if n == 0 { "<td class=\"none\">0</td>".to_string() } else { format!("<td>{n}</td>") };
        writeln!(
            out,
            "<tr data-municipality=\"{id}\"><td class=\"l\"><code>{id}</code></td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>{}{}{}{}{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&ms.name_of(&m.municipality)), m.citizens, m.reports, m.citizens_with_findings,
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
        writeln!(out, "<section class=\"citizen\"><strong>{}</strong> <span class=\"muted\">municipality <code>{}</code> ({}), {} reports</span><ul>", esc(&a.citizen), esc(&a.municipality), esc(&ms.name_of(&a.municipality)), a.reports)?;
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
