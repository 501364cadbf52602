//! `ffbkit._ffbkit.ArrowTable`: one Arrow record batch held by Rust and handed to Python
//! through the Arrow PyCapsule interface (`__arrow_c_stream__`, `__arrow_c_schema__`).
//! Consumers (pyarrow, polars, pandas via pyarrow) read the Rust buffers without copies;
//! every call makes a new stream over the same, reference-counted buffers.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::ffi::FFI_ArrowSchema;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::ffi::CString;

/// A table of Arrow data owned by Rust.
#[pyclass(name = "ArrowTable", module = "ffbkit", frozen)]
pub struct PyArrowTable {
    name: String,
    batch: RecordBatch,
}

impl PyArrowTable {
    /// Wrap a batch under a name.
    pub fn new(name: &str, batch: RecordBatch) -> Self {
        PyArrowTable { name: name.to_string(), batch }
    }
}

#[pymethods]
impl PyArrowTable {
    /// The table's name (`conditions`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        format!("ArrowTable({:?}, rows={}, columns={})", self.name, self.batch.num_rows(), self.batch.num_columns())
    }

    /// The Arrow C stream of the table, as a PyCapsule named `arrow_array_stream`.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(&self, py: Python<'py>, requested_schema: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyCapsule>> {
        // The table has one fixed schema; a requested schema is a hint the protocol lets
        // a producer ignore, and converting would mean a copy.
        let _ = requested_schema;
        let reader: Box<dyn RecordBatchReader + Send> =
            Box::new(RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.batch.schema()));
        let stream = FFI_ArrowArrayStream::new(reader);
        let name = CString::from(c"arrow_array_stream");
        PyCapsule::new(py, stream, Some(name))
    }

    /// The Arrow C schema of the table, as a PyCapsule named `arrow_schema`.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.batch.schema().as_ref()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let name = CString::from(c"arrow_schema");
        PyCapsule::new(py, schema, Some(name))
    }
}
