//! Every conversion of an ffbkit error to a Python exception.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError};
use pyo3::prelude::*;

create_exception!(ffbkit, FfbkitError, PyException, "Base class of ffbkit's errors.");
create_exception!(ffbkit, CatalogError, FfbkitError, "A catalog or CodeSystem file could not be used.");
create_exception!(
    ffbkit,
    DomainError,
    FfbkitError,
    "A value the IG forbids was refused (as the Rust SDK refuses it); `.rule` is the rule id it would break."
);

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FfbkitError", m.py().get_type::<FfbkitError>())?;
    m.add("CatalogError", m.py().get_type::<CatalogError>())?;
    m.add("DomainError", m.py().get_type::<DomainError>())?;
    Ok(())
}

/// An I/O error on `path` as a Python exception: a missing file is `FileNotFoundError`.
pub(crate) fn io_error(path: &std::path::Path, e: std::io::Error) -> PyErr {
    let msg = format!("{}: {e}", path.display());
    match e.kind() {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
        _ => pyo3::exceptions::PyOSError::new_err(msg),
    }
}

/// A catalog error as a Python exception: a missing file is `FileNotFoundError`.
pub(crate) fn catalog_error(e: ffbkit_sdk::catalog::CatalogError) -> PyErr {
    match &e {
        ffbkit_sdk::catalog::CatalogError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(e.to_string())
        }
        _ => CatalogError::new_err(e.to_string()),
    }
}

/// A dataset error as a Python exception: a missing path is `FileNotFoundError`, an input
/// that cannot be read `OSError`, an interruption `KeyboardInterrupt`, an empty list of
/// paths `ValueError`, anything else `FfbkitError`.
pub(crate) fn dataset_error(e: ffbkit_sdk::dataset::DatasetError) -> PyErr {
    use ffbkit_sdk::dataset::DatasetError;
    match e {
        DatasetError::NotFound { path } => io_error(&path, std::io::Error::from(std::io::ErrorKind::NotFound)),
        e @ DatasetError::Unreadable { .. } => pyo3::exceptions::PyOSError::new_err(e.to_string()),
        e @ DatasetError::Interrupted => pyo3::exceptions::PyKeyboardInterrupt::new_err(e.to_string()),
        e @ DatasetError::NoInput => pyo3::exceptions::PyValueError::new_err(e.to_string()),
        e => FfbkitError::new_err(e.to_string()),
    }
}

/// `ffbkit.DomainError(message)` with `.rule` set to the rule id (e.g. `GW-BINDING`).
pub(crate) fn domain_error(rule: &str, message: String) -> PyErr {
    let err = DomainError::new_err(message);
    Python::with_gil(|py| {
        let _ = err.value(py).setattr("rule", rule);
    });
    err
}
