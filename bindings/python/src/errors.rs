//! Every conversion of an ffbkit error to a Python exception.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError};
use pyo3::prelude::*;

create_exception!(ffbkit, FfbkitError, PyException, "Base class of ffbkit's errors.");
create_exception!(ffbkit, CatalogError, FfbkitError, "A catalog or CodeSystem file could not be used.");

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("FfbkitError", m.py().get_type::<FfbkitError>())?;
    m.add("CatalogError", m.py().get_type::<CatalogError>())?;
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
