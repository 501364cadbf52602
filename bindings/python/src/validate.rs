//! `ffbkit.validate`, `ffbkit.validate_many`, `ffbkit.Issue`: the same validator as the CLI.

use crate::errors;
use ffbkit_sdk::as_written::Checker;
use ffbkit_sdk::input::{self, InputError};
use ffbkit_sdk::validate::{batch, Diagnostic, Outcome, Validator};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::path::PathBuf;

/// One finding of the validator.
#[pyclass(name = "Issue", module = "ffbkit", frozen)]
#[derive(Clone)]
pub struct PyIssue {
    /// Rule id from REQUIREMENTS.md, e.g. `GW-BINDING`.
    #[pyo3(get)]
    rule: String,
    /// `error`, `warning` or `information`.
    #[pyo3(get)]
    severity: String,
    /// FHIRPath-style location, e.g. `Bundle.entry[3].resource.severity`.
    #[pyo3(get)]
    location: String,
    /// JSON Pointer to the same place.
    #[pyo3(get)]
    pointer: String,
    /// 1-based line, when known.
    #[pyo3(get)]
    line: Option<u32>,
    /// 1-based column, when known.
    #[pyo3(get)]
    column: Option<u32>,
    /// The value found (shortened, CPR masked).
    #[pyo3(get)]
    found: Option<String>,
    /// What was expected.
    #[pyo3(get)]
    expected: String,
    /// One plain sentence.
    #[pyo3(get)]
    message: String,
    /// The report it belongs to (path, `path:line` for NDJSON, or None).
    #[pyo3(get)]
    source: Option<String>,
}

impl PyIssue {
    fn from(d: &Diagnostic, source: Option<&str>) -> Self {
        PyIssue {
            rule: d.rule.to_string(),
            severity: d.severity.as_str().to_string(),
            location: d.location.clone(),
            pointer: d.pointer.clone(),
            line: d.line,
            column: d.column,
            found: d.found.clone(),
            expected: d.expected.clone(),
            message: d.message.clone(),
            source: source.map(str::to_string),
        }
    }
}

#[pymethods]
impl PyIssue {
    fn __repr__(&self) -> String {
        format!("Issue({}, {}, {:?})", self.severity, self.rule, self.location)
    }

    /// The issue as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", &self.rule)?;
        d.set_item("severity", &self.severity)?;
        d.set_item("location", &self.location)?;
        d.set_item("pointer", &self.pointer)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("found", &self.found)?;
        d.set_item("expected", &self.expected)?;
        d.set_item("message", &self.message)?;
        d.set_item("source", &self.source)?;
        Ok(d)
    }
}

fn issues(o: &Outcome, source: Option<&str>) -> Vec<PyIssue> {
    o.diagnostics.iter().map(|d| PyIssue::from(d, source)).collect()
}

/// Validate one delivery report: a dict (parsed JSON), `bytes`/`str` of JSON, or a path
/// (`pathlib.Path`). Returns the findings; an empty list means valid without remarks.
/// `as_written=True`: the IG's invariants as their FHIRPath expressions give them (on the
/// engine), con-5 an error, the text-only rules off, as `ffbkit validate --as-written`; a
/// finding whose verdict differs between the modes says both in its message.
#[pyfunction]
#[pyo3(signature = (report, *, as_written = false))]
pub(crate) fn validate(py: Python<'_>, report: &Bound<'_, PyAny>, as_written: bool) -> PyResult<Vec<PyIssue>> {
    let v = Validator::default_validator();
    let check = |bytes: &[u8]| {
        if as_written {
            Checker::shared().validate_bytes(v, bytes).outcome
        } else {
            v.validate_bytes(bytes)
        }
    };
    if let Ok(b) = report.downcast::<PyBytes>() {
        let bytes = b.as_bytes().to_vec();
        let o = py.allow_threads(|| check(&bytes));
        return Ok(issues(&o, None));
    }
    if let Ok(s) = report.downcast::<PyString>() {
        let text: String = s.extract()?;
        let o = py.allow_threads(|| check(text.as_bytes()));
        return Ok(issues(&o, None));
    }
    if report.is_instance_of::<PyDict>() || report.is_instance_of::<pyo3::types::PyList>() {
        let json = py.import("json")?.call_method1("dumps", (report,))?;
        let text: String = json.extract()?;
        let o = py.allow_threads(|| check(text.as_bytes()));
        return Ok(issues(&o, None));
    }
    if let Ok(path) = report.extract::<PathBuf>() {
        let source = path.display().to_string();
        let bytes = match input::read_file(&path, v.options().limits.max_bytes) {
            Ok(bytes) => bytes,
            Err(InputError::TooLarge { size, .. }) => return Ok(issues(&v.too_large(size), Some(&source))),
            Err(InputError::Io { source: e, .. }) => return Err(errors::io_error(&path, e)),
            Err(e) => return Err(errors::io_error(&path, std::io::Error::other(e.reason()))),
        };
        let o = py.allow_threads(|| check(&bytes));
        return Ok(issues(&o, Some(&source)));
    }
    Err(PyTypeError::new_err(format!("validate() takes a dict, bytes, str or path, not {}", report.get_type().name()?)))
}

/// Validate many reports in parallel (files, directories, NDJSON), with the GIL released.
/// Returns one list of findings per report, as `(source, issues)` pairs in input order.
/// Missing files raise FileNotFoundError before any work is done.
#[pyfunction]
pub(crate) fn validate_many(py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<Vec<(String, Vec<PyIssue>)>> {
    for p in &paths {
        if !p.exists() {
            return Err(errors::io_error(p, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
    }
    let v = Validator::default_validator();
    let items = py.allow_threads(|| {
        let mut out: Vec<(String, Outcome, Option<String>)> = Vec::new();
        batch::validate_inputs(v, &paths, |item| out.push((item.name, item.outcome, item.unreadable)));
        out
    });
    let mut out = Vec::with_capacity(items.len());
    for (name, outcome, unreadable) in items {
        if let Some(e) = unreadable {
            return Err(errors::FfbkitError::new_err(format!("cannot read {name}: {e}")));
        }
        let list = issues(&outcome, Some(&name));
        out.push((name, list));
    }
    Ok(out)
}
