//! `certify.junit.xml`: the run for CI. One test suite `requirements` with a test case per
//! requirement id, then one suite per journey with a test case per verdict
//! (`<check> @ <step>`). fail is a `<failure>`, error an `<error>`, skip `<skipped>`.
//! With `--testscript`, one more suite per journey the script ran on, a test case per
//! assert (not applicable is `<skipped>` with the reason).

use super::RunReport;
use crate::harness::testscript;
use crate::harness::verdict::{Status, Verdict};
use std::fmt::Write;

pub use ffbkit_sdk::validate::render::xml_escape;

struct Case {
    name: String,
    class: String,
    status: Status,
    text: String,
}

fn suite(out: &mut String, name: &str, cases: &[Case]) {
    let count = |s: Status| cases.iter().filter(|c| c.status == s).count();
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        xml_escape(name),
        cases.len(),
        count(Status::Fail),
        count(Status::Error),
        count(Status::Skip)
    );
    for c in cases {
        let _ = write!(out, r#"    <testcase name="{}" classname="{}""#, xml_escape(&c.name), xml_escape(&c.class));
        let (tag, kind) = match c.status {
            Status::Pass => {
                out.push_str("/>\n");
                continue;
            }
            Status::Fail => ("failure", "fail"),
            Status::Error => ("error", "error"),
            Status::Skip => ("skipped", "skip"),
        };
        let first = c.text.lines().next().unwrap_or(kind);
        let _ = writeln!(out, ">\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>", xml_escape(first), xml_escape(&c.text));
    }
    out.push_str("  </testsuite>\n");
}

fn verdict_case(journey: &str, v: &Verdict) -> Case {
    Case {
        name: match &v.step {
            Some(s) => format!("{} @ {s}", v.check),
            None => format!("{} (journey)", v.check),
        },
        class: format!("certify.{journey}"),
        status: v.status,
        text: v.messages.join("\n"),
    }
}

/// The report as JUnit XML.
pub fn render(report: &RunReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, r#"<testsuites name="ffbkit certify {}">"#, xml_escape(&report.vendor));
    let reqs: Vec<Case> = report
        .requirements
        .iter()
        .map(|r| Case {
            name: r.id.clone(),
            class: "certify.requirements".into(),
            status: r.status,
            text: match &r.note {
                Some(n) => n.clone(),
                None => format!("{} check(s), {} failed, {} error(s)", r.checks, r.failed, r.errors),
            },
        })
        .collect();
    suite(&mut out, "requirements", &reqs);
    for j in &report.journeys {
        let cases: Vec<Case> = j.steps.iter().flat_map(|s| s.verdicts.iter()).chain(&j.verdicts).map(|v| verdict_case(&j.id, v)).collect();
        suite(&mut out, &format!("journey {}", j.id), &cases);
    }
    for t in &report.testscripts {
        let cases: Vec<Case> = t
            .asserts
            .iter()
            .map(|a| Case {
                name: format!("{} #{} {}", a.test, a.action, a.description),
                class: format!("certify.testscript.{}", t.script),
                status: testscript::certify_status(a),
                text: testscript::explain(a),
            })
            .collect();
        suite(&mut out, &format!("testscript {} on journey {} (reported only)", t.script, t.journey), &cases);
    }
    out.push_str("</testsuites>\n");
    out
}
