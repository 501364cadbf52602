//! `ffbkit certify --testscript FILE`: a Touchstone TestScript (MedCom's `ffb-encounter-1-7`)
//! run on the reports the vendor sent in a certification run. A journey step names the
//! tests whose operation posts its report (the step's `testscript` field in the journey
//! file; the Børge Mogensen journey maps MedCom's five tests); each such test is given the
//! step's report and [`crate::testscript::run`] judges its asserts. The result is its own
//! section of the certification reports ([`ScriptSection`]), one per journey that maps a
//! test of the script.
//!
//! The script's results are *reported*: they do not change the certificate's pass/fail
//! verdict ([`NOT_GATING`]): the script is MedCom's, written for IG 0.9.0, and some of its
//! asserts name 0.9.0 URLs (docs/testscript.md). A test no step maps to, or whose step
//! brought no report, does not apply (with that reason): it never passes.
//!
//! The script's bytes are kept in the evidence store (meta [`META_SCRIPT`]), so the section
//! is rebuilt from the store alone like the rest of the reports, and `ffbkit certify verify`
//! compares it too.

use super::error::Result;
use super::report::SuiteJourney;
use super::store::Store;
use crate::testscript::{self, AssertResult, Status, TestScript, Why};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Evidence-store meta key holding the script's bytes as given (empty: no script).
pub const META_SCRIPT: &str = "testscript";

/// What the certification reports say about the script's results and the verdict.
pub const NOT_GATING: &str =
    "reported only: the TestScript's results do not change the certificate's pass/fail verdict (not applicable never counts as pass)";

/// Which report a test of the script was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMapping {
    /// The test (its id, else its position).
    pub test: String,
    /// The journey step whose report the test posts, when a step maps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The evidence id (`reports.id`) of the report it was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<i64>,
    /// Why it was given no report, or which of several it was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The TestScript section of the certification reports: one script on one journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptSection {
    /// The script's id (else its name).
    pub script: String,
    /// The journey whose reports it ran on.
    pub journey: String,
    /// Whether its failures fail the certificate: false ([`NOT_GATING`]).
    pub gates_certificate: bool,
    /// [`NOT_GATING`], for people reading `certify.json`.
    pub note: String,
    /// Asserts that pass.
    pub pass: usize,
    /// Asserts that fail.
    pub fail: usize,
    /// Asserts that do not apply.
    pub not_applicable: usize,
    /// Each test and the report it was given.
    pub tests: Vec<TestMapping>,
    /// Every assert, in the script's order.
    pub asserts: Vec<AssertResult>,
}

/// The tests of `script` that no step of `journeys` maps (by the test's id or name).
pub fn unmapped_tests(script: &TestScript, journeys: &[SuiteJourney]) -> Vec<String> {
    let mapped = |key: &str, name: Option<&str>| {
        journeys.iter().flat_map(|j| &j.steps).flat_map(|s| &s.testscript).any(|t| t == key || Some(t.as_str()) == name)
    };
    script.test.iter().enumerate().map(|(i, t)| (t.key(i), t.name.as_deref())).filter(|(k, n)| !mapped(k, *n)).map(|(k, _)| k).collect()
}

/// The step names in `journeys` that are not a test of `script` (a typo in a journey file,
/// or another script's tests), as `journey/step: name`.
pub fn unknown_names(script: &TestScript, journeys: &[SuiteJourney]) -> Vec<String> {
    let known = |name: &str| script.test.iter().enumerate().any(|(i, t)| t.key(i) == name || t.name.as_deref() == Some(name));
    let mut out = Vec::new();
    for j in journeys {
        for s in &j.steps {
            out.extend(s.testscript.iter().filter(|n| !known(n)).map(|n| format!("{}/{}: {n}", j.id, s.id)));
        }
    }
    out
}

/// Run the script kept in the store (none: an empty list) on the reports of every journey
/// of `suite` with a step that maps one of its tests.
pub fn evaluate(store: &Store, suite: &[SuiteJourney]) -> Result<Vec<ScriptSection>> {
    let Some(bytes) = store.meta(META_SCRIPT)?.filter(|s| !s.is_empty()) else { return Ok(Vec::new()) };
    let script = testscript::parse(bytes.as_bytes())?;
    let now = store.meta("started_at")?.unwrap_or_default();
    let engine = ffbkit_sdk::as_written::Checker::shared().engine();
    let mut sections = Vec::new();
    for journey in suite.iter().filter(|j| j.steps.iter().any(|s| !s.testscript.is_empty())) {
        let (reports, tests) = reports_of_tests(store, &script, journey)?;
        let mut run = testscript::run(&script, &reports, engine, &testscript::Options { now: now.clone() })?;
        for a in run.asserts.iter_mut().filter(|a| a.why == Some(Why::NoReport)) {
            if let Some(note) = tests.iter().find(|m| m.test == a.test).and_then(|m| m.note.as_ref()) {
                a.reason = Some(format!("{}: {note}", a.reason.as_deref().unwrap_or("no report")));
            }
        }
        let count = |s: Status| run.asserts.iter().filter(|a| a.status == s).count();
        sections.push(ScriptSection {
            script: run.script.clone(),
            journey: journey.id.clone(),
            gates_certificate: false,
            note: NOT_GATING.to_string(),
            pass: count(Status::Pass),
            fail: count(Status::Fail),
            not_applicable: count(Status::NotApplicable),
            tests,
            asserts: std::mem::take(&mut run.asserts),
        });
    }
    Ok(sections)
}

/// The report each test is given, by the test's key.
type Reports = BTreeMap<String, Arc<Value>>;

/// The report each test of `script` posts in `journey`: the report of the step that maps it.
/// A step that maps k tests and brought k reports gives them in order; otherwise every test
/// of the step gets its last report (the note says so). A report that is not JSON is given
/// to no test.
fn reports_of_tests(store: &Store, script: &TestScript, journey: &SuiteJourney) -> Result<(Reports, Vec<TestMapping>)> {
    let stored = store.reports(&journey.id)?;
    let mut reports = BTreeMap::new();
    let mut tests = Vec::new();
    for (i, t) in script.test.iter().enumerate() {
        let key = t.key(i);
        let maps = |name: &String| *name == key || Some(name) == t.name.as_ref();
        let Some(step) = journey.steps.iter().find(|s| s.testscript.iter().any(maps)) else {
            let note = format!("no step of journey {} maps test {key}", journey.id);
            tests.push(TestMapping { test: key, step: None, report: None, note: Some(note) });
            continue;
        };
        let of_step: Vec<_> = stored.iter().filter(|r| r.step == step.id).collect();
        let position = step.testscript.iter().position(maps).unwrap_or(0);
        let (chosen, mut note) = match of_step.len() {
            0 => (None, Some(format!("the vendor sent no report in step {}", step.id))),
            n if n == step.testscript.len() => (of_step.get(position), None),
            1 => (of_step.first(), None),
            n => (
                of_step.last(),
                Some(format!("step {} brought {n} reports for {} test(s); given the last", step.id, step.testscript.len())),
            ),
        };
        let mut report = None;
        if let Some(r) = chosen {
            match serde_json::from_slice::<Value>(&r.body) {
                Ok(v) if v.get("resourceType").and_then(Value::as_str).is_some() => {
                    report = Some(r.id);
                    reports.insert(key.clone(), Arc::new(v));
                }
                _ => note = Some(format!("report #{} of step {} is not a JSON FHIR resource", r.id, step.id)),
            }
        }
        tests.push(TestMapping { test: key, step: Some(step.id.clone()), report, note });
    }
    Ok((reports, tests))
}

/// An assert's result as a certify status: pass, fail, or skip for one that does not apply
/// (and for a failing `warningOnly` assert, which TestScript says is a warning).
pub fn certify_status(a: &AssertResult) -> crate::harness::verdict::Status {
    use crate::harness::verdict::Status as S;
    match a.status {
        Status::Pass => S::Pass,
        Status::Fail if !a.warning_only => S::Fail,
        Status::Fail | Status::NotApplicable => S::Skip,
    }
}

/// What the reports say of an assert beyond its status: why it fails (a warning, when
/// `warningOnly`) or does not apply, the expression evaluated and the value compared with.
pub fn explain(a: &AssertResult) -> String {
    let mut lines = Vec::new();
    match (a.status, a.warning_only) {
        (Status::Fail, true) => lines.push(format!("warning (warningOnly): {}", a.reason.as_deref().unwrap_or("fails"))),
        (Status::Fail, false) => lines.push(a.reason.clone().unwrap_or_else(|| "fails".into())),
        (Status::NotApplicable, _) => lines.push(format!("not applicable: {}", a.reason.as_deref().unwrap_or("no reason given"))),
        (Status::Pass, _) => {}
    }
    if let Some(e) = &a.expression {
        lines.push(format!("expression: {e}"));
    }
    if let Some(v) = &a.value {
        lines.push(format!("value: {v}"));
    }
    lines.join("\n")
}
