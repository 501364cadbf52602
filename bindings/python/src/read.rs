//! `ffbkit._ffbkit.read_reports`: the Python entry of [`ffbkit_sdk::dataset::Dataset`],
//! run with the GIL released and Ctrl-C honoured between batches. Only the arguments and
//! the results are converted here; the tables are the SDK's record batches, handed to
//! Python without copies ([`crate::arrow`]). `coverage_view` is the SDK's coverage view
//! ([`ffbkit_sdk::audit::CoverageView`]) of per-municipality counts, as JSON.

use crate::arrow::PyArrowTable;
use crate::errors;
use ffbkit_sdk::audit::{Coverage, CoverageView};
use ffbkit_sdk::dataset::{CprMode, Dataset, DatasetOptions};
use ffbkit_sdk::municipality::{MappingError, StsMapping};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::path::PathBuf;

/// The paths of a `str`, a path-like, or a list/tuple of them.
fn paths_of(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    let wrong = |o: &Bound<'_, PyAny>| -> PyErr {
        let name = o.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        PyTypeError::new_err(format!("read_reports() takes a path or a list of paths (str or os.PathLike), not {name}"))
    };
    if obj.is_instance_of::<PyString>() {
        return Ok(vec![obj.extract()?]);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in obj.try_iter()? {
            let item = item?;
            if item.is_instance_of::<PyBytes>() {
                return Err(wrong(&item));
            }
            out.push(item.extract::<PathBuf>().map_err(|_| wrong(&item))?);
        }
        if out.is_empty() {
            return Err(PyValueError::new_err("read_reports() needs at least one path"));
        }
        return Ok(out);
    }
    if obj.is_instance_of::<PyBytes>() {
        return Err(wrong(obj));
    }
    obj.extract::<PathBuf>().map(|p| vec![p]).map_err(|_| wrong(obj))
}

fn salt_of(salt: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<u8>>> {
    match salt {
        None => Ok(None),
        Some(s) if s.is_none() => Ok(None),
        Some(s) => {
            if let Ok(b) = s.downcast::<PyBytes>() {
                Ok(Some(b.as_bytes().to_vec()))
            } else if let Ok(t) = s.downcast::<PyString>() {
                Ok(Some(t.extract::<String>()?.into_bytes()))
            } else {
                Err(PyTypeError::new_err(format!("salt must be str or bytes, not {}", s.get_type().name()?)))
            }
        }
    }
}

/// Read, validate and tabulate delivery reports (files, directories, NDJSON). Returns the
/// tables by name and a summary dict. Missing paths raise FileNotFoundError before any work.
#[pyfunction]
#[pyo3(signature = (paths, *, history=false, cpr="masked", salt=None, audit=false, tables=true, skip_invalid=false, validate=true, municipalities=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_reports<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    history: bool,
    cpr: &str,
    salt: Option<&Bound<'py, PyAny>>,
    audit: bool,
    tables: bool,
    skip_invalid: bool,
    validate: bool,
    municipalities: Option<PathBuf>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let inputs = paths_of(paths)?;
    let mut opts = DatasetOptions::default();
    opts.cpr = CprMode::parse(cpr, salt_of(salt)?).map_err(|e| PyValueError::new_err(e.to_string()))?;
    opts.history = history;
    opts.tables = tables;
    opts.audit = audit;
    opts.skip_invalid = skip_invalid;
    opts.validate = validate;
    opts.municipalities = municipalities.as_deref().map(mapping).transpose()?;
    let read = py.allow_threads(|| {
        let interrupted = || Python::with_gil(|py| py.check_signals().is_err());
        Dataset::load_interruptible(&inputs, &opts, &interrupted)
    });
    let (batches, s) = read.map_err(errors::dataset_error)?.into_parts();
    let d = PyDict::new(py);
    for (name, batch) in batches {
        d.set_item(name, Bound::new(py, PyArrowTable::new(name, batch))?)?;
    }
    let summary = PyDict::new(py);
    summary.set_item("reports", s.reports)?;
    summary.set_item("resources", s.resources)?;
    summary.set_item("invalid", s.invalid)?;
    summary.set_item("error_rules", s.error_rules.iter().collect::<Vec<_>>())?;
    summary.set_item("first_invalid", &s.first_invalid)?;
    Ok((d, summary))
}

/// Read a mapping file (STS organisation id -> kommunekode): a missing file is
/// `FileNotFoundError`, a bad line `ValueError` with its line number.
fn mapping(path: &std::path::Path) -> PyResult<StsMapping> {
    StsMapping::read(path).map_err(|e| match e {
        MappingError::Io { source, .. } => errors::io_error(path, source),
        e => PyValueError::new_err(format!("{}: {e}", path.display())),
    })
}

/// The coverage view of seed 002's data slides, by the SDK
/// (`ffbkit_sdk::audit::CoverageView`), of per-municipality rows given as JSON text,
/// `[[sts_id, citizens, {coverage}], ...]` (the coverage's fields as in
/// `ffbkit_sdk::audit::Coverage`, missing ones 0): with a mapping file out of the 98
/// municipalities, else out of those given. Returned as JSON text.
#[pyfunction]
#[pyo3(signature = (rows, *, municipalities=None, top=vec![7, 10]))]
pub(crate) fn coverage_view(rows: &str, municipalities: Option<PathBuf>, top: Vec<usize>) -> PyResult<String> {
    let mapping = municipalities.as_deref().map(mapping).transpose()?;
    let rows: Vec<(String, usize, Coverage)> =
        serde_json::from_str(rows).map_err(|e| PyValueError::new_err(format!("coverage rows: {e}")))?;
    let view = CoverageView::build(rows.iter().map(|(id, n, c)| (id.as_str(), *n, *c)), mapping.as_ref(), &top);
    serde_json::to_string(&view).map_err(|e| PyValueError::new_err(e.to_string()))
}
