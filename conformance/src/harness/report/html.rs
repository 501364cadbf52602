//! `certify.html`: the run for people, one self-contained file (inline CSS, a few lines of
//! script to open linked evidence; nothing fetched). The summary per requirement id links
//! to its first failing check; each check links to its evidence (the reports, CPR masked,
//! in collapsible blocks, and the exchanges with the vendor's adapter).

use super::{JourneyReport, RunReport};
use crate::harness::report::junit::xml_escape as esc;
use crate::harness::testscript;
use crate::harness::verdict::{Evidence, Status, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.6rem 0}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f8f8f8;padding:.6rem;overflow:auto;max-height:40rem}
.pass{color:#0a7a2f;font-weight:600}.fail{color:#b00020;font-weight:600}.error{color:#b35c00;font-weight:600}.skip{color:#666;font-weight:600}
.badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;font-weight:700}
.badge.pass{background:#0a7a2f}.badge.fail{background:#b00020}.badge.error{background:#b35c00}.badge.skip{background:#666}
.meta td:first-child{width:14rem;color:#555}.verdict{margin:.4rem 0 .8rem 1rem}.msg{margin:.1rem 0 .1rem 1rem;white-space:pre-wrap}
details{margin:.3rem 0}summary{cursor:pointer}:target{outline:2px solid #f5b400}
";

const SCRIPT: &str = "function openTarget(){var h=location.hash.slice(1);if(!h)return;var e=document.getElementById(h);while(e){if(e.tagName==='DETAILS')e.open=true;e=e.parentElement;}}window.addEventListener('hashchange',openTarget);window.addEventListener('load',openTarget);";

fn badge(s: Status) -> String {
    format!(r#"<span class="badge {0}">{0}</span>"#, s.as_str())
}

fn status(s: Status) -> String {
    format!(r#"<span class="{0}">{0}</span>"#, s.as_str())
}

fn evidence_links(e: &[Evidence]) -> String {
    let mut out = Vec::new();
    for ev in e.iter().take(40) {
        if let Some(r) = ev.report {
            let label = match (&ev.bundle, &ev.resource) {
                (Some(b), Some(at)) => format!("report #{r} ({}) at {}", short(b), at),
                (Some(b), None) => format!("report #{r} ({})", short(b)),
                (None, Some(at)) => format!("report #{r} at {at}"),
                (None, None) => format!("report #{r}"),
            };
            out.push(format!(r##"<a href="#r-{r}">{}</a>"##, esc(&label)));
        }
        if let Some(c) = ev.call {
            out.push(format!(r##"<a href="#c-{c}">exchange #{c}</a>"##));
        }
    }
    if e.len() > 40 {
        out.push(format!("and {} more", e.len() - 40));
    }
    out.join(", ")
}

fn short(id: &str) -> String {
    if id.len() > 13 {
        format!("{}…", &id[..8])
    } else {
        id.to_string()
    }
}

fn verdict_block(out: &mut String, anchor: &str, v: &Verdict) {
    let _ = write!(out, r#"<div class="verdict" id="{anchor}">{} <code>{}</code>"#, status(v.status), esc(&v.check));
    if !v.evidence.is_empty() {
        let _ = write!(out, " — evidence: {}", evidence_links(&v.evidence));
    }
    for m in &v.messages {
        let _ = write!(out, r#"<div class="msg">{}</div>"#, esc(m));
    }
    out.push_str("</div>\n");
}

fn passed_list(out: &mut String, passed: &[&Verdict]) {
    if passed.is_empty() {
        return;
    }
    let ids: Vec<String> = passed.iter().map(|v| format!("<code>{}</code>", esc(&v.check))).collect();
    let _ = writeln!(
        out,
        r#"<details class="verdict"><summary><span class="pass">{} check(s) passed</span></summary>{}</details>"#,
        passed.len(),
        ids.join(" ")
    );
}

/// Anchors of every verdict, by (journey index, verdict index in step order then journey
/// verdicts).
fn journey_verdicts(j: &JourneyReport) -> Vec<&Verdict> {
    j.steps.iter().flat_map(|s| s.verdicts.iter()).chain(&j.verdicts).collect()
}

/// The `--testscript` sections: the tests and their reports, then every assert.
fn testscripts(o: &mut String, r: &RunReport) {
    for t in &r.testscripts {
        let _ = writeln!(
            o,
            r##"<h2 id="ts-{0}">TestScript <code>{1}</code> on <a href="#j-{0}">{0}</a></h2><p>{2} pass, {3} fail, {4} not applicable. {5}</p>"##,
            esc(&t.journey),
            esc(&t.script),
            t.pass,
            t.fail,
            t.not_applicable,
            esc(&t.note)
        );
        o.push_str("<table><tr><th>test</th><th>step</th><th>report</th><th>note</th></tr>\n");
        for m in &t.tests {
            let report = m.report.map(|id| format!(r##"<a href="#r-{id}">report #{id}</a>"##)).unwrap_or_default();
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td>{report}</td><td>{}</td></tr>",
                esc(&m.test),
                esc(m.step.as_deref().unwrap_or("-")),
                esc(m.note.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</table>\n<table><tr><th>test</th><th>#</th><th>assert</th><th>result</th><th>why / expression</th></tr>\n");
        for a in &t.asserts {
            let shown = match a.status {
                crate::testscript::Status::NotApplicable => r#"<span class="skip">n/a</span>"#.to_string(),
                _ => status(testscript::certify_status(a)),
            };
            let _ = writeln!(
                o,
                r#"<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{shown}</td><td><div class="msg">{}</div></td></tr>"#,
                esc(&a.test),
                a.action,
                esc(&a.description),
                esc(&testscript::explain(a))
            );
        }
        o.push_str("</table>\n");
    }
}

/// The report as one self-contained HTML page.
pub fn render(r: &RunReport) -> String {
    let mut first_bad: BTreeMap<&str, String> = BTreeMap::new();
    for (ji, j) in r.journeys.iter().enumerate() {
        for (vi, v) in journey_verdicts(j).into_iter().enumerate() {
            if matches!(v.status, Status::Fail | Status::Error) {
                first_bad.entry(v.check.as_str()).or_insert_with(|| format!("v-{ji}-{vi}"));
            }
        }
    }
    let mut o = String::with_capacity(1 << 20);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>FFB certify: {}</title><style>{STYLE}</style><script>{SCRIPT}</script></head><body>\n",
        esc(&r.vendor)
    );
    let _ = writeln!(o, "<h1>FFB-certificering: {}</h1><p>{} &nbsp; resultat for leverandøren</p>", esc(&r.vendor), badge(r.status));
    o.push_str(r#"<table class="meta">"#);
    let catalog: Vec<String> = r.catalog.iter().map(|c| format!("{} {}", c.system, c.version)).collect();
    let row = |o: &mut String, k: &str, v: &str| {
        let _ = write!(o, "<tr><td>{}</td><td>{v}</td></tr>", esc(k));
    };
    row(&mut o, "Run", &format!("<code>{}</code>", esc(&r.run)));
    row(&mut o, "Vendor / driver / mode", &esc(&format!("{} / {} / {}", r.vendor, r.driver, r.mode)));
    row(&mut o, "Started / finished (UTC)", &esc(&format!("{} / {}", r.started_at, r.finished_at.as_deref().unwrap_or("not finished"))));
    row(&mut o, "Implementation guide", &esc(&format!("{} {}", r.ig_package, r.ig_version)));
    row(&mut o, "Catalog", &esc(&catalog.join("; ")));
    row(
        &mut o,
        "Validation",
        match (r.strict, r.as_written) {
            (_, true) => "as written (the IG's invariants as their FHIRPath expressions say, con-5 an error, the text-only rules off)",
            (true, false) => "strict (the IG's text-only rules are errors)",
            (false, false) => "as the gateway (the IG's text-only rules are warnings)",
        },
    );
    row(&mut o, "Tool", &esc(&r.tool));
    row(
        &mut o,
        "Evidence SHA-256",
        &format!("<code>{}</code><br>check: <code>ffbkit certify verify RUN_DIR</code>", esc(&r.evidence_sha256)),
    );
    if let Some(signer) = &r.signer {
        row(
            &mut o,
            "Signed by",
            &format!(
                "{} key <code>{}</code> (signature over the exact bytes of certify.json in <code>{}</code>)<br>check: <code>ffbkit certify verify RUN_DIR --pubkey KEY.pub</code>",
                esc(&signer.algorithm),
                esc(&signer.fingerprint),
                esc(&signer.signature_file)
            ),
        );
    }
    if r.superseded_reports + r.superseded_calls > 0 {
        row(
            &mut o,
            "Resumed",
            &format!(
                "{} report(s) and {} exchange(s) of interrupted attempts are kept in the evidence store",
                r.superseded_reports, r.superseded_calls
            ),
        );
    }
    o.push_str("</table>\n");
    let counts: Vec<String> = r.counts.iter().map(|(s, n)| format!("{n} {}", status(*s))).collect();
    let _ = writeln!(
        o,
        "<h2 id=\"requirements\">Krav (requirements)</h2><p>{} requirement id(s): {}</p>",
        r.requirements.len(),
        counts.join(", ")
    );
    o.push_str("<table><tr><th>id</th><th>result</th><th>checks</th><th>failed</th><th>errors</th><th>note / first finding</th></tr>\n");
    for q in &r.requirements {
        let link = first_bad.get(q.id.as_str()).map(|a| format!(r##"<a href="#{a}">first finding</a>"##)).unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            esc(&q.id),
            status(q.status),
            q.checks,
            q.failed,
            q.errors,
            esc(q.note.as_deref().unwrap_or("")),
            link
        );
    }
    o.push_str("</table>\n<h2>Forløb (journeys)</h2><table><tr><th>journey</th><th>result</th><th>steps</th><th>reports</th></tr>\n");
    for j in &r.journeys {
        let _ = writeln!(
            o,
            r##"<tr><td><a href="#j-{0}">{0}</a> {1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>"##,
            esc(&j.id),
            esc(&j.title),
            status(j.status),
            j.steps.len(),
            j.reports.len()
        );
    }
    o.push_str("</table>\n");
    testscripts(&mut o, r);
    for (ji, j) in r.journeys.iter().enumerate() {
        let _ = writeln!(o, r#"<h2 id="j-{}">{} — {} {}</h2>"#, esc(&j.id), esc(&j.id), esc(&j.title), badge(j.status));
        if j.attempt > 1 {
            let _ = writeln!(o, "<p>Attempt {} (re-run from reset after an interruption).</p>", j.attempt);
        }
        if !j.finished {
            o.push_str(
                "<p class=\"error\">Not finished: the run was interrupted in this journey (resume with <code>--resume</code>).</p>\n",
            );
        }
        let mut vi = 0usize;
        for s in &j.steps {
            let _ = writeln!(
                o,
                r#"<h3 id="s-{}-{}">{} <code>{}</code> · {} · {} · {}</h3>"#,
                esc(&j.id),
                esc(&s.id),
                esc(&s.id),
                esc(&s.check),
                esc(&s.date),
                esc(&s.phase),
                status(s.status)
            );
            if !s.deliver && s.outcome == "judged" {
                o.push_str("<p class=\"skip\">No delivery at the end of this day (the vendor must not report; what it reports anyway is judged).</p>\n");
            }
            if s.outcome != "judged" {
                let _ = writeln!(o, r#"<p class="{}">Step {}</p>"#, if s.outcome == "error" { "error" } else { "skip" }, esc(&s.outcome));
            }
            for m in &s.messages {
                let _ = writeln!(o, r#"<div class="msg">{}</div>"#, esc(m));
            }
            let mut passed = Vec::new();
            for v in &s.verdicts {
                if v.status == Status::Pass && v.check != s.check {
                    passed.push(v);
                } else {
                    verdict_block(&mut o, &format!("v-{ji}-{vi}"), v);
                }
                vi += 1;
            }
            passed_list(&mut o, &passed);
        }
        if !j.verdicts.is_empty() {
            let _ = writeln!(o, "<h3>Over the whole journey (stream audit)</h3>");
            for v in &j.verdicts {
                verdict_block(&mut o, &format!("v-{ji}-{vi}"), v);
                vi += 1;
            }
        }
        let _ = writeln!(
            o,
            "<details><summary>Evidence: {} report(s), {} exchange(s) with the adapter</summary>",
            j.reports.len(),
            j.calls.len()
        );
        for rep in &j.reports {
            let _ = writeln!(
                o,
                r#"<details id="r-{}"><summary>report #{} · step {} · {} · {} · {} · received {} · sha256 {}</summary><pre>{}</pre></details>"#,
                rep.id,
                rep.id,
                esc(&rep.step),
                esc(rep.bundle.as_deref().unwrap_or("no Bundle id")),
                esc(rep.citizen.as_deref().unwrap_or("citizen unknown")),
                esc(&rep.source),
                esc(&rep.received_at),
                &rep.sha256[..16],
                esc(&rep.masked_body)
            );
        }
        for c in &j.calls {
            let _ = writeln!(
                o,
                r#"<details id="c-{}"><summary>exchange #{} · {} · step {} · {} · {}</summary><pre>request: {}

answer: {}</pre></details>"#,
                c.id,
                c.id,
                esc(&c.endpoint),
                esc(c.step.as_deref().unwrap_or("-")),
                c.status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into()),
                esc(c.error.as_deref().unwrap_or("ok")),
                esc(&c.request),
                esc(c.response.as_deref().unwrap_or("(none)"))
            );
        }
        o.push_str("</details>\n");
    }
    o.push_str("</body></html>\n");
    o
}
