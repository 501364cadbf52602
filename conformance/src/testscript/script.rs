//! The parts of a FHIR R4 TestScript that `ffbkit testscript run` reads: its fixtures,
//! variables and tests (operations and asserts). Everything else is ignored.

use super::TestScriptError;
use serde::Deserialize;
use std::path::Path;

/// A FHIR R4 TestScript (the elements ffbkit reads).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestScript {
    /// Always `TestScript`.
    pub resource_type: String,
    /// The resource id.
    #[serde(default)]
    pub id: Option<String>,
    /// The script's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The script's fixtures (the resources its operations post).
    #[serde(default)]
    pub fixture: Vec<Fixture>,
    /// Values taken from a fixture or response, used as `${name}` in asserts.
    #[serde(default)]
    pub variable: Vec<Variable>,
    /// The tests, in order.
    #[serde(default)]
    pub test: Vec<Test>,
}

/// `TestScript.fixture`: a resource the script uses, by id.
#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    /// The fixture's id (an operation's `sourceId`).
    pub id: String,
}

/// `TestScript.variable`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// The name used as `${name}`.
    pub name: String,
    /// The value when the expression gives nothing (or there is none).
    #[serde(default)]
    pub default_value: Option<String>,
    /// A FHIRPath expression evaluated on the source.
    #[serde(default)]
    pub expression: Option<String>,
    /// A header field of a response (needs the server).
    #[serde(default)]
    pub header_field: Option<String>,
    /// An XPath or JSONPath (not supported).
    #[serde(default)]
    pub path: Option<String>,
    /// The fixture or response the expression is evaluated on.
    #[serde(default)]
    pub source_id: Option<String>,
}

/// `TestScript.test`.
#[derive(Clone, Debug, Deserialize)]
pub struct Test {
    /// The test's id (what `--report` names).
    #[serde(default)]
    pub id: Option<String>,
    /// The test's name (also accepted by `--report`).
    #[serde(default)]
    pub name: Option<String>,
    /// Its operations and asserts, in order.
    #[serde(default)]
    pub action: Vec<Action>,
}

impl Test {
    /// The key a report is given for: the id, else the name, else `test-N` (1-based).
    pub fn key(&self, index: usize) -> String {
        self.id.clone().or_else(|| self.name.clone()).unwrap_or_else(|| format!("test-{}", index + 1))
    }
}

/// `TestScript.test.action`: an operation or an assert.
#[derive(Clone, Debug, Deserialize)]
pub struct Action {
    /// The operation (a request to the server under test).
    #[serde(default)]
    pub operation: Option<Operation>,
    /// The assert.
    #[serde(default, rename = "assert")]
    pub assertion: Option<Assert>,
}

/// `TestScript.test.action.operation` (what ffbkit needs: which fixture it posts and the
/// id of its response).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// The fixture sent.
    #[serde(default)]
    pub source_id: Option<String>,
    /// The id its response is known by.
    #[serde(default)]
    pub response_id: Option<String>,
}

/// `TestScript.test.action.assert`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assert {
    /// A short label.
    #[serde(default)]
    pub label: Option<String>,
    /// What it checks, in words.
    #[serde(default)]
    pub description: Option<String>,
    /// `request` or `response` (default `response`).
    #[serde(default)]
    pub direction: Option<String>,
    /// The FHIRPath expression.
    #[serde(default)]
    pub expression: Option<String>,
    /// The operator (default `equals`).
    #[serde(default)]
    pub operator: Option<String>,
    /// The value compared with.
    #[serde(default)]
    pub value: Option<String>,
    /// The fixture or response the expression is evaluated on.
    #[serde(default)]
    pub source_id: Option<String>,
    /// A response code (needs the server).
    #[serde(default)]
    pub response: Option<String>,
    /// A response code (needs the server).
    #[serde(default)]
    pub response_code: Option<String>,
    /// A request URL (needs the server).
    #[serde(default, rename = "requestURL")]
    pub request_url: Option<String>,
    /// A header field (needs the server).
    #[serde(default)]
    pub header_field: Option<String>,
    /// Only a warning when it fails.
    #[serde(default)]
    pub warning_only: Option<bool>,
}

/// Read a TestScript from a JSON file.
pub fn load(path: &Path) -> Result<TestScript, TestScriptError> {
    let bytes = std::fs::read(path).map_err(|source| TestScriptError::Read { path: path.display().to_string(), source })?;
    parse(&bytes).map_err(|e| e.at(path))
}

/// Parse a TestScript from JSON bytes.
pub fn parse(bytes: &[u8]) -> Result<TestScript, TestScriptError> {
    let script: TestScript =
        serde_json::from_slice(bytes).map_err(|e| TestScriptError::Malformed { path: String::new(), message: e.to_string() })?;
    if script.resource_type != "TestScript" {
        return Err(TestScriptError::NotATestScript { path: String::new(), found: script.resource_type });
    }
    Ok(script)
}
