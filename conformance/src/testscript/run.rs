//! Run a TestScript on reports: one [`AssertResult`] per assert, in the script's order.
//! CPR numbers are masked in what it shows (expressions, values, reasons, variables).

use super::operator::Operator;
use super::script::{Assert, TestScript};
use super::variables::{Source, Variables};
use super::TestScriptError;
use ffbkit_sdk::as_written::Engine;
use ffbkit_sdk::cpr::mask_in_text;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Canonical URLs of IG 0.9.0 (the version MedCom's scripts were written for) and what IG
/// 1.0.0 calls them: the 1.0.0 reports (`fixtures/reports/valid/ig-example-*`) use the
/// right-hand ones. An assert naming a left-hand one does not apply to a 1.0.0 report.
pub const IG_0_9_0_URLS: &[(&str, &str)] = &[
    ("http://ffb/reporting/kl.dk/1.0/StructureDefinition/", "http://fhir.kl.dk/ffbreporting/StructureDefinition/"),
    ("http://kl.dk/fhir/common/caresocial/StructureDefinition/", "http://fhir.kl.dk/core/StructureDefinition/"),
    ("http://kl.dk/fhir/common/caresocial/CodeSystem/FFB", "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes"),
];

/// How a run is done.
#[derive(Clone, Debug)]
pub struct Options {
    /// The run's time, RFC 3339 (Touchstone's `${CURRENTDATETIME}`).
    pub now: String,
}

impl Default for Options {
    fn default() -> Options {
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        Options { now }
    }
}

/// An assert's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The assert holds on the report.
    Pass,
    /// It does not (the reason says why).
    Fail,
    /// It cannot be judged here ([`Why`]).
    NotApplicable,
}

impl Status {
    /// `pass`, `fail`, `n/a`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
        }
    }
}

/// Why an assert does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// It names a canonical URL of IG 0.9.0 ([`IG_0_9_0_URLS`]).
    #[serde(rename = "ig_0_9_0_url")]
    Ig090Url,
    /// It uses a variable that could not be resolved.
    UnresolvedVariable,
    /// It checks the server's answer (response code, header, URL) or the response body:
    /// it needs Touchstone's server.
    NeedsServer,
    /// Its test was given no report.
    NoReport,
    /// An operator ffbkit does not evaluate, or an operator without its value.
    Unsupported,
}

/// One assert, judged.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AssertResult {
    /// The test (its id).
    pub test: String,
    /// The action's position in the test, 1-based (operations count).
    pub action: usize,
    /// The assert's label or description.
    pub description: String,
    /// The expression as evaluated (variables replaced), or as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// The value compared with (variables replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The outcome.
    pub status: Status,
    /// Why it does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
    /// Why it fails or does not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A failure is only a warning (`warningOnly`).
    pub warning_only: bool,
}

/// A TestScript run.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunReport {
    /// The script's id (else its name).
    pub script: String,
    /// Asserts that pass.
    pub pass: usize,
    /// Asserts that fail.
    pub fail: usize,
    /// Asserts that do not apply.
    pub not_applicable: usize,
    /// The variables' values, or why unresolved.
    pub variables: Variables,
    /// Every assert, in order.
    pub asserts: Vec<AssertResult>,
}

impl RunReport {
    /// True when an assert that is not `warningOnly` fails.
    pub fn failed(&self) -> bool {
        self.asserts.iter().any(|a| a.status == Status::Fail && !a.warning_only)
    }
}

/// Run `script`'s asserts: `reports` maps a test (its id or name) to the report it posts.
/// Errors: a report for a test the script does not have.
pub fn run(
    script: &TestScript,
    reports: &BTreeMap<String, Arc<Value>>,
    engine: &Engine,
    options: &Options,
) -> Result<RunReport, TestScriptError> {
    let keys: Vec<String> = script.test.iter().enumerate().map(|(i, t)| t.key(i)).collect();
    let report_of = |i: usize| -> Option<Arc<Value>> {
        let t = &script.test[i];
        reports.get(&keys[i]).or_else(|| t.name.as_ref().and_then(|n| reports.get(n))).cloned()
    };
    for given in reports.keys() {
        if !keys.contains(given) && !script.test.iter().any(|t| t.name.as_ref() == Some(given)) {
            return Err(TestScriptError::UnknownTest { test: given.clone(), known: keys.join(", ") });
        }
    }
    // Fixture and response ids → the test whose operation posts or answers them.
    let mut poster: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, t) in script.test.iter().enumerate() {
        for op in t.action.iter().filter_map(|a| a.operation.as_ref()) {
            for id in [&op.source_id, &op.response_id].into_iter().flatten() {
                poster.entry(id.as_str()).or_insert(i);
            }
        }
    }
    let source = |id: &str| match poster.get(id) {
        Some(&i) => report_of(i).map_or_else(|| Source::NoReport(keys[i].clone()), Source::Report),
        None => Source::Unknown,
    };
    let variables = Variables::resolve(script, engine, &source, &options.now);
    let mut asserts = Vec::new();
    for (i, t) in script.test.iter().enumerate() {
        for (a, action) in t.action.iter().enumerate() {
            let Some(assert) = &action.assertion else { continue };
            let (status, why, reason, expression, value) = judge(assert, i, &keys, &report_of, &source, &variables, engine);
            asserts.push(AssertResult {
                test: keys[i].clone(),
                action: a + 1,
                description: assert.label.clone().or_else(|| assert.description.clone()).unwrap_or_default(),
                expression: expression.as_deref().map(mask_in_text),
                value: value.as_deref().map(mask_in_text),
                status,
                why,
                reason: reason.as_deref().map(mask_in_text),
                warning_only: assert.warning_only.unwrap_or(false),
            });
        }
    }
    // CPR numbers (the citizen's identifier is a variable) are masked in everything shown.
    let mut variables = variables;
    for v in variables.values.values_mut() {
        *v = match v {
            Ok(x) => Ok(mask_in_text(x)),
            Err(e) => Err(mask_in_text(e)),
        };
    }
    let count = |s: Status| asserts.iter().filter(|a| a.status == s).count();
    Ok(RunReport {
        script: script.id.clone().or_else(|| script.name.clone()).unwrap_or_default(),
        pass: count(Status::Pass),
        fail: count(Status::Fail),
        not_applicable: count(Status::NotApplicable),
        variables,
        asserts,
    })
}

type Judged = (Status, Option<Why>, Option<String>, Option<String>, Option<String>);

fn judge(
    assert: &Assert,
    test: usize,
    keys: &[String],
    report_of: &dyn Fn(usize) -> Option<Arc<Value>>,
    source: &dyn Fn(&str) -> Source,
    variables: &Variables,
    engine: &Engine,
) -> Judged {
    let na = |why: Why, reason: String| (Status::NotApplicable, Some(why), Some(reason), assert.expression.clone(), assert.value.clone());
    let Some(written) = &assert.expression else {
        let what = [
            (assert.response.is_some(), "the response"),
            (assert.response_code.is_some(), "the response code"),
            (assert.request_url.is_some(), "the request URL"),
            (assert.header_field.is_some(), "a header"),
        ]
        .into_iter()
        .find(|(has, _)| *has)
        .map_or("no FHIRPath expression (another kind of check)", |(_, w)| w);
        return na(Why::NeedsServer, format!("it checks {what}: needs Touchstone's server"));
    };
    // The report it is evaluated on: its sourceId's, else (a request assert) its test's.
    let report = match (&assert.source_id, assert.direction.as_deref()) {
        (Some(id), _) => match source(id) {
            Source::Report(r) => r,
            Source::NoReport(t) => return na(Why::NoReport, format!("its source {id} is posted by test {t}, which was given no report")),
            Source::Unknown => {
                return na(Why::NeedsServer, format!("its source {id} is not posted by the script: needs Touchstone's server"))
            }
        },
        (None, Some("request")) => match report_of(test) {
            Some(r) => r,
            None => return na(Why::NoReport, format!("test {} was given no report", keys[test])),
        },
        (None, _) => return na(Why::NeedsServer, "it reads the last response's body: needs Touchstone's server".to_string()),
    };
    for text in [Some(written), assert.value.as_ref()].into_iter().flatten() {
        if let Some((old, new)) = IG_0_9_0_URLS.iter().find(|(old, _)| text.contains(old)) {
            return na(Why::Ig090Url, format!("it names the IG 0.9.0 URL {old}… (IG 1.0.0: {new}…)"));
        }
    }
    let operator = match Operator::of(assert.operator.as_deref(), assert.value.is_some()) {
        Ok(op) => op,
        Err(code) => return na(Why::Unsupported, format!("ffbkit does not evaluate the operator {code:?}")),
    };
    if operator.needs_value() && assert.value.is_none() {
        return na(Why::Unsupported, format!("the operator {:?} has no value", assert.operator.as_deref().unwrap_or("equals")));
    }
    let substituted = |t: &str| variables.substitute(t);
    let (expression, value) = match (substituted(written), assert.value.as_deref().map(substituted).transpose()) {
        (Ok(e), Ok(v)) => (e, v),
        (Err((name, why)), _) | (_, Err((name, why))) => {
            return na(Why::UnresolvedVariable, format!("the variable ${{{name}}} is unresolved: {why}"))
        }
    };
    let verdict = match engine.collect(report, &[&expression]).pop() {
        Some(Ok(items)) => operator.judge(&items, value.as_deref().unwrap_or("")),
        Some(Err(e)) => Err(format!("the engine cannot evaluate the expression: {e}")),
        None => Err("the engine gave no answer".to_string()),
    };
    match verdict {
        Ok(()) => (Status::Pass, None, None, Some(expression), value),
        Err(reason) => (Status::Fail, None, Some(reason), Some(expression), value),
    }
}
