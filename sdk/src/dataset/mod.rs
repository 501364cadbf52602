//! Delivery reports as tables: one Arrow record batch per table (`reports`, `citizens`,
//! `conditions`, ..., `issues`, and the audit's three tables when asked), the same tables
//! the Python package's `ffbkit.read_reports` returns (it only converts these batches).
//!
//! Behind the crate feature `dataset`. Each report is read once ([`crate::input`]: files,
//! directories, NDJSON), checked by the SDK's validator ([`crate::validate`]), and its rows
//! taken from the same parsed tree: one row per report, per resource in the table of its
//! profile ([`crate::report::profile_of`], or the validator's decision), per finding. Codes
//! carry their catalog term, theme and area; CPR numbers appear as [`CprMode`] says
//! (masked by default). Later versions of a resource replace earlier ones (by the
//! report's timestamp) unless `history` is asked for. The optional audit is
//! [`crate::audit::audit_citizen`] per citizen, counted per citizen and per municipality.
//!
//! ```
//! use ffbkit_sdk::dataset::{Dataset, DatasetOptions, Table};
//! let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/valid");
//! let ds = Dataset::load(&[fixtures], &DatasetOptions::default()).unwrap();
//! let reports = ds.table(Table::Reports).unwrap();
//! assert_eq!(reports.num_rows(), ds.summary().reports);
//! assert!(ds.table(Table::Conditions).unwrap().num_rows() > 0);
//! ```

mod audit;
mod columns;
mod cpr_mode;
mod error;
mod extract;
mod free;
mod join;
mod merge;
mod read;
mod table;

/// The Arrow crate the tables are made with (its version is the one to use with them).
pub use arrow_array;
/// Arrow's schema types (fields, data types) of the tables.
pub use arrow_schema;
pub use columns::Table;
pub use cpr_mode::{CprMode, CprModeError};
pub use error::DatasetError;

use arrow_array::RecordBatch;
use std::path::{Path, PathBuf};

/// How to read reports into a [`Dataset`]. The default: latest state per resource,
/// masked CPR numbers, every table, no audit, invalid reports kept, validated.
///
/// ```
/// use ffbkit_sdk::dataset::{CprMode, DatasetOptions};
/// let mut options = DatasetOptions::default();
/// options.history = true;
/// options.cpr = CprMode::Clear;
/// assert!(options.validate && options.tables && !options.audit);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DatasetOptions {
    /// Keep every version of a resource instead of the latest.
    pub history: bool,
    /// How CPR numbers appear.
    pub cpr: CprMode,
    /// Build the resource tables (off when only `reports`, `issues` and the audit are
    /// wanted).
    pub tables: bool,
    /// Run the stream audit per citizen (tables `audit_findings`, `audit_citizens`,
    /// `audit_municipalities`, and the findings in `issues`).
    pub audit: bool,
    /// Leave out the rows of reports with errors (their findings stay in `issues`).
    pub skip_invalid: bool,
    /// Run the validator (off: only JSON is checked, for data already known to be valid).
    pub validate: bool,
    /// A mapping from STS organisation id to kommunekode: `audit_municipalities` then names
    /// each municipality it knows (columns `kommunekode`, `name`).
    pub municipalities: Option<crate::municipality::StsMapping>,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions {
            history: false,
            cpr: CprMode::Masked,
            tables: true,
            audit: false,
            skip_invalid: false,
            validate: true,
            municipalities: None,
        }
    }
}

/// Totals of a read.
///
/// ```
/// let summary = ffbkit_sdk::dataset::Summary::default();
/// assert_eq!(summary.invalid, 0);
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Reports read.
    pub reports: usize,
    /// Resources in them.
    pub resources: usize,
    /// Reports with errors.
    pub invalid: usize,
    /// The ids of the rules broken with severity error, sorted.
    pub error_rules: std::collections::BTreeSet<String>,
    /// The first report with errors.
    pub first_invalid: Option<String>,
    /// Wall time of each step, in seconds, in order (for profiling).
    pub steps: Vec<(&'static str, f64)>,
    /// Inputs that could not be read: (name, why); a load with any fails
    /// ([`DatasetError::Unreadable`]).
    pub(crate) unreadable: Vec<(String, String)>,
}

/// Reports read into tables: see the [module](self).
///
/// ```
/// use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
/// let report = ffbkit_sdk::sample::report(7, 0);
/// let ds = Dataset::from_values(&[report], &DatasetOptions::default()).unwrap();
/// assert_eq!(ds.get("reports").unwrap().num_rows(), 1);
/// assert_eq!(ds.summary().invalid, 0);
/// ```
#[derive(Clone, Debug)]
pub struct Dataset {
    tables: Vec<(&'static str, RecordBatch)>,
    summary: Summary,
}

impl Dataset {
    /// Read the reports named by `paths` (files, directories recursively: `*.json`,
    /// `*.ndjson`, `*.jsonl`; NDJSON line by line, as [`crate::input`] reads them). A
    /// missing path is an error before any work (`-` too: a library call does not read
    /// standard input; read it and pass the bytes to [`Dataset::from_reports`]); an input
    /// that cannot be read is an error after the read.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::{Dataset, DatasetError, DatasetOptions};
    /// let missing = Dataset::load(&["no/such/dir"], &DatasetOptions::default());
    /// assert!(matches!(missing, Err(DatasetError::NotFound { .. })));
    /// ```
    pub fn load<P: AsRef<Path>>(paths: &[P], options: &DatasetOptions) -> Result<Dataset, DatasetError> {
        Dataset::load_interruptible(paths, options, &|| false)
    }

    /// [`Dataset::load`], asking `interrupted` between batches of about 2,048 reports; a
    /// yes stops the read with [`DatasetError::Interrupted`] (the Python package asks
    /// whether Ctrl-C was pressed).
    ///
    /// ```
    /// use ffbkit_sdk::dataset::{Dataset, DatasetError, DatasetOptions};
    /// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/valid");
    /// let stopped = Dataset::load_interruptible(&[dir], &DatasetOptions::default(), &|| true);
    /// assert!(matches!(stopped, Err(DatasetError::Interrupted)));
    /// ```
    pub fn load_interruptible<P: AsRef<Path>>(
        paths: &[P],
        options: &DatasetOptions,
        interrupted: &dyn Fn() -> bool,
    ) -> Result<Dataset, DatasetError> {
        let inputs: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        if inputs.is_empty() {
            return Err(DatasetError::NoInput);
        }
        if let Some(path) = inputs.iter().find(|p| !p.exists()) {
            return Err(DatasetError::NotFound { path: path.clone() });
        }
        read::read_paths(&inputs, options, interrupted).map(Dataset::of)
    }

    /// Read reports held in memory, each a name (shown in the `source` columns) and the
    /// report's JSON bytes.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::{Dataset, DatasetOptions, Table};
    /// let ds = Dataset::from_reports(vec![("broken".to_string(), b"{".to_vec())], &DatasetOptions::default()).unwrap();
    /// assert_eq!(ds.summary().invalid, 1);
    /// assert_eq!(ds.table(Table::Issues).unwrap().num_rows(), 1);
    /// ```
    pub fn from_reports(reports: Vec<(String, Vec<u8>)>, options: &DatasetOptions) -> Result<Dataset, DatasetError> {
        read::read_memory(reports, options).map(Dataset::of)
    }

    /// Read already-parsed reports (named `report 1`, `report 2`, ... in the `source`
    /// columns). They are written out once and read as [`Dataset::from_reports`] reads
    /// bytes, so that they are checked and tabulated exactly as files are.
    ///
    /// ```
    /// use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
    /// let ds = Dataset::from_values(&[serde_json::json!({"resourceType": "Bundle"})], &DatasetOptions::default()).unwrap();
    /// assert_eq!(ds.summary().reports, 1);
    /// ```
    pub fn from_values(reports: &[serde_json::Value], options: &DatasetOptions) -> Result<Dataset, DatasetError> {
        let named =
            reports.iter().enumerate().map(|(i, r)| (format!("report {}", i + 1), serde_json::to_vec(r).unwrap_or_default())).collect();
        Dataset::from_reports(named, options)
    }

    fn of(out: read::Output) -> Dataset {
        Dataset { tables: out.tables, summary: out.summary }
    }

    /// The tables by name, in order: those of [`Table::ALL`] that were built, then the
    /// audit's.
    ///
    /// ```
    /// # use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
    /// # let ds = Dataset::from_reports(Vec::new(), &DatasetOptions::default()).unwrap();
    /// let names: Vec<&str> = ds.tables().map(|(name, _)| name).collect();
    /// assert_eq!(names.first(), Some(&"reports"));
    /// ```
    pub fn tables(&self) -> impl Iterator<Item = (&'static str, &RecordBatch)> + '_ {
        self.tables.iter().map(|(n, b)| (*n, b))
    }

    /// The table named `name` (`conditions`, `audit_findings`, ...), if built.
    ///
    /// ```
    /// # use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
    /// # let ds = Dataset::from_reports(Vec::new(), &DatasetOptions::default()).unwrap();
    /// assert_eq!(ds.get("issues").unwrap().num_rows(), 0);
    /// assert!(ds.get("audit_findings").is_none(), "no audit was asked for");
    /// ```
    pub fn get(&self, name: &str) -> Option<&RecordBatch> {
        self.tables.iter().find(|(n, _)| *n == name).map(|(_, b)| b)
    }

    /// One of the tables of [`Table`], if built (all are, unless
    /// [`DatasetOptions::tables`] is off).
    ///
    /// ```
    /// # use ffbkit_sdk::dataset::{Dataset, DatasetOptions, Table};
    /// # let ds = Dataset::from_reports(Vec::new(), &DatasetOptions::default()).unwrap();
    /// assert_eq!(ds.table(Table::Goals).unwrap().schema(), Table::Goals.schema());
    /// ```
    pub fn table(&self, table: Table) -> Option<&RecordBatch> {
        self.get(table.name())
    }

    /// Totals of the read.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The tables by name and the totals, taken out.
    ///
    /// ```
    /// # use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
    /// # let ds = Dataset::from_reports(Vec::new(), &DatasetOptions::default()).unwrap();
    /// let (tables, summary) = ds.into_parts();
    /// assert_eq!(summary.reports, 0);
    /// assert_eq!(tables.len(), 13);
    /// ```
    pub fn into_parts(self) -> (Vec<(&'static str, RecordBatch)>, Summary) {
        (self.tables, self.summary)
    }
}
