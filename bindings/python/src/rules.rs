//! `ffbkit.rules()`: the SDK's rule registry ([`ffbkit_sdk::rules`]) as plain dicts. No rule
//! is declared here.

use ffbkit_sdk::rules::{all, RuleEntry};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Every rule ffbkit checks, single-report rules then stream audit rules, in
/// REQUIREMENTS.md order: one dict per rule with `id`, `family`, `severity`, `summary` and
/// `source`.
#[pyfunction]
pub(crate) fn rules(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    all()
        .map(RuleEntry::from)
        .map(|r| {
            let d = PyDict::new(py);
            d.set_item("id", r.id)?;
            d.set_item("family", r.family.as_str())?;
            d.set_item("severity", r.severity)?;
            d.set_item("summary", r.summary)?;
            d.set_item("source", r.source)?;
            Ok(d)
        })
        .collect()
}
