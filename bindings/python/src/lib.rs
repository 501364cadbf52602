//! Python module `ffbkit._ffbkit`, re-exported by the pure-Python package `ffbkit`.
//! Names mirror the Rust SDK; conversions of errors to Python exceptions live in one
//! place ([`errors`]). No domain logic lives here (the typed SDK's classes, [`domain`],
//! wrap the SDK's own types and constructors): `read_reports` is
//! `ffbkit_sdk::dataset::Dataset::load` with its record batches handed to Python.

mod arrow;
mod catalog;
mod domain;
mod errors;
mod read;
mod rules;
mod validate;

use pyo3::prelude::*;

/// The extension's allocator (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module.
#[pymodule]
fn _ffbkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<catalog::PyCatalog>()?;
    m.add_class::<catalog::PyConcept>()?;
    m.add_class::<catalog::PyValueSet>()?;
    m.add_class::<validate::PyIssue>()?;
    m.add_class::<arrow::PyArrowTable>()?;
    m.add_function(wrap_pyfunction!(read::read_reports, m)?)?;
    m.add_function(wrap_pyfunction!(read::coverage_view, m)?)?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate::validate_many, m)?)?;
    m.add_function(wrap_pyfunction!(rules::rules, m)?)?;
    domain::register(m)?;
    errors::register(m)?;
    Ok(())
}
