//! Why a dataset could not be made.

use std::path::PathBuf;

/// Why [`Dataset::load`](super::Dataset::load) (or one of its siblings) gave no dataset.
/// A report that breaks rules or is no JSON at all is not an error: it is a row of
/// `reports` with `valid = false` and its findings are rows of `issues`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// No input was named.
    #[error("read_reports() needs at least one path")]
    NoInput,
    /// A path does not exist (checked before any work).
    #[error("{}: {}", .path.display(), std::io::Error::from(std::io::ErrorKind::NotFound))]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// Inputs could not be read (no permission, an I/O error, a report over the size limit
    /// when not validating); the first of them is named.
    #[error("cannot read {name}: {reason} ({count} input(s) unreadable)")]
    Unreadable {
        /// The first input that could not be read.
        name: String,
        /// Why.
        reason: String,
        /// How many inputs could not be read.
        count: usize,
    },
    /// The caller's `interrupted` answered yes between two batches.
    #[error("read_reports() was interrupted")]
    Interrupted,
    /// A table could not be made into an Arrow record batch (a bug in ffbkit: please
    /// report it).
    #[error("table {table}: {source}")]
    Table {
        /// The table.
        table: &'static str,
        /// Arrow's error.
        source: arrow_schema::ArrowError,
    },
    /// An invariant of the read did not hold (a bug in ffbkit: please report it).
    #[error("internal error: {0}")]
    Internal(&'static str),
}
