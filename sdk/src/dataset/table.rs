//! Row buffers with a fixed column schema, turned into one Arrow `RecordBatch` at the end.
//! Rows are kept as small cells (codes and terms borrow from the embedded catalog) so that
//! a newer version of a resource can replace its row in place (latest state per id).

use arrow_array::builder::{BooleanBuilder, Date32Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use std::sync::Arc;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// UTF-8 text.
    Str,
    /// 64-bit integer.
    Int,
    /// Boolean.
    Bool,
    /// A calendar day (Arrow `date32`).
    Date,
}

/// One value of a row.
#[derive(Clone, Debug, Default)]
pub(crate) enum Cell {
    /// No value.
    #[default]
    Null,
    /// Text shared between rows (citizen, municipality, report id).
    Shared(Arc<str>),
    /// Text of the embedded catalog.
    Static(&'static str),
    /// Text owned by the row (boxed: a cell is 24 bytes, not 32).
    Own(Box<str>),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Days since 1970-01-01.
    Date(i32),
}

impl Cell {
    /// Text owned by the row.
    pub(crate) fn own(s: impl Into<Box<str>>) -> Cell {
        Cell::Own(s.into())
    }

    /// Text, or null.
    pub(crate) fn text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Null, |s| Cell::Own(s.into()))
    }

    /// A status or other code of FHIR's small vocabularies: borrowed when it is one of
    /// them (no allocation per row), owned otherwise.
    pub(crate) fn word(s: Option<&str>) -> Cell {
        const WORDS: &[&str] = &[
            "active",
            "completed",
            "final",
            "entered-in-error",
            "draft",
            "revoked",
            "on-hold",
            "unknown",
            "cancelled",
            "amended",
            "corrected",
            "preliminary",
            "registered",
            "finished",
            "in-progress",
            "planned",
            "proposed",
            "accepted",
            "rejected",
            "not-started",
            "scheduled",
            "stopped",
            "inactive",
            "resolved",
            "confirmed",
            "unconfirmed",
            "provisional",
            "differential",
            "refuted",
            "recurrence",
            "relapse",
            "remission",
            "arrived",
            "triaged",
            "onleave",
        ];
        match s {
            None => Cell::Null,
            Some(w) => WORDS.iter().find(|x| **x == w).map_or_else(|| Cell::Own(w.into()), |x| Cell::Static(x)),
        }
    }

    /// A day (`YYYY-MM-DD`, the rest of a dateTime ignored), or null when it is no day.
    pub(crate) fn day(s: Option<&str>) -> Cell {
        s.and_then(days_since_epoch).map_or(Cell::Null, Cell::Date)
    }

    /// The text of a text cell.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Shared(s) => Some(s),
            Cell::Static(s) => Some(s),
            Cell::Own(s) => Some(&**s),
            _ => None,
        }
    }
}

/// Days since 1970-01-01 of the day a FHIR date or dateTime starts with.
pub(super) fn days_since_epoch(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// A table being filled: its name, columns and rows.
pub(super) struct TableBuf {
    /// The table's name (`conditions`, ...).
    pub name: &'static str,
    /// Column names and types.
    pub columns: &'static [(&'static str, Ty)],
    /// The rows; each has one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl TableBuf {
    /// An empty table.
    pub(super) fn new(name: &'static str, columns: &'static [(&'static str, Ty)]) -> TableBuf {
        TableBuf { name, columns, rows: Vec::new() }
    }

    /// The Arrow schema of the table.
    pub(super) fn schema(&self) -> Arc<Schema> {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|(n, t)| {
                    let dt = match t {
                        Ty::Str => DataType::Utf8,
                        Ty::Int => DataType::Int64,
                        Ty::Bool => DataType::Boolean,
                        Ty::Date => DataType::Date32,
                    };
                    Field::new(*n, dt, true)
                })
                .collect::<Vec<_>>(),
        ))
    }

    /// The rows as one record batch. The rows are walked once, each row's cells appended
    /// to every column's builder in turn: a row's cells lie together in memory, so one pass
    /// reads them while they are in cache (a pass per column would fetch every row again
    /// for each column). Tables are built in parallel with each other ([`super::read`]),
    /// which then frees the rows off the caller's path ([`super::free`]). An error only
    /// when a row has not one cell per column (a bug, reported rather than a panic).
    pub(super) fn to_batch(&self) -> Result<RecordBatch, ArrowError> {
        let schema = self.schema();
        let rows = &self.rows;
        let mut columns: Vec<Column> = self.columns.iter().enumerate().map(|(i, (_, ty))| Column::new(*ty, rows, i)).collect();
        for row in rows {
            for (c, cell) in columns.iter_mut().zip(row) {
                c.append(cell);
            }
        }
        let arrays: Vec<ArrayRef> = columns.into_iter().map(Column::finish).collect();
        RecordBatch::try_new(schema, arrays)
    }
}

/// The builder of one column.
enum Column {
    Str(StringBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
}

impl Column {
    /// Rows sampled to size a text column's buffer.
    const SAMPLE: usize = 1024;

    /// A builder for column `i` of `rows`, sized for them (text columns by the length of
    /// the first rows' texts, so the buffer grows rarely if ever).
    fn new(ty: Ty, rows: &[Vec<Cell>], i: usize) -> Column {
        let n = rows.len();
        match ty {
            Ty::Str => {
                let sample = &rows[..n.min(Self::SAMPLE)];
                let bytes: usize = sample.iter().map(|r| r.get(i).and_then(Cell::as_str).map_or(0, str::len)).sum();
                let estimate = if sample.is_empty() { 0 } else { bytes * n / sample.len() + bytes / 8 };
                Column::Str(StringBuilder::with_capacity(n, estimate))
            }
            Ty::Int => Column::Int(Int64Builder::with_capacity(n)),
            Ty::Bool => Column::Bool(BooleanBuilder::with_capacity(n)),
            Ty::Date => Column::Date(Date32Builder::with_capacity(n)),
        }
    }

    /// Append one cell; a cell of another type than the column's is null.
    fn append(&mut self, c: &Cell) {
        match self {
            Column::Str(b) => b.append_option(c.as_str()),
            Column::Int(b) => b.append_option(if let Cell::Int(v) = c { Some(*v) } else { None }),
            Column::Bool(b) => b.append_option(if let Cell::Bool(v) = c { Some(*v) } else { None }),
            Column::Date(b) => b.append_option(if let Cell::Date(v) = c { Some(*v) } else { None }),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Column::Str(mut b) => Arc::new(b.finish()),
            Column::Int(mut b) => Arc::new(b.finish()),
            Column::Bool(mut b) => Arc::new(b.finish()),
            Column::Date(mut b) => Arc::new(b.finish()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_match_the_calendar() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2025-03-03T10:00:00+01:00"), Some(20150));
        assert_eq!(days_since_epoch("2000-02-29"), Some(11016));
        assert_eq!(days_since_epoch("2025"), None);
        assert_eq!(days_since_epoch("2025-13-01"), None);
    }

    #[test]
    fn words_are_borrowed_others_owned() {
        assert!(matches!(Cell::word(Some("active")), Cell::Static("active")));
        assert!(matches!(Cell::word(Some("entered-in-error")), Cell::Static("entered-in-error")));
        assert!(matches!(Cell::word(Some("aktiv")), Cell::Own(ref w) if &**w == "aktiv"));
        assert!(matches!(Cell::word(None), Cell::Null));
    }

    #[test]
    fn a_cell_is_three_words() {
        assert_eq!(std::mem::size_of::<Cell>(), 24);
    }
}
