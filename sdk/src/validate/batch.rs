//! Validating many reports: files, directories (recursive), NDJSON (one report per line)
//! and standard input, as [`crate::input`] reads them, in parallel on all cores, in bounded
//! memory: reports are read and checked in batches, and each result is handed to the
//! caller in input order before the next batch is read.

use super::{Outcome, Severity, Validator};
use crate::input::{self, InputError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Reports checked per parallel batch.
pub const BATCH: usize = 256;

/// One checked report.
pub struct Item {
    /// Where it came from: a path, `path:line` for NDJSON, or `-` for standard input.
    pub name: String,
    /// The report's bytes (for showing source lines); empty when unreadable.
    pub bytes: Vec<u8>,
    /// The findings; empty when unreadable.
    pub outcome: Outcome,
    /// Why the input could not be read (a missing file, no permission), if so.
    pub unreadable: Option<String>,
}

/// Totals over a run.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    /// Reports checked (readable ones).
    pub reports: usize,
    /// Reports without errors.
    pub valid: usize,
    /// Reports with at least one error.
    pub invalid: usize,
    /// Inputs that could not be read.
    pub unreadable: usize,
    /// Resources in all reports.
    pub resources: usize,
    /// Findings per rule id (keyed by the id string, so in its alphabetical order): (errors,
    /// warnings, information).
    pub per_rule: BTreeMap<&'static str, (usize, usize, usize)>,
}

impl Summary {
    /// Add one item.
    pub fn add(&mut self, item: &Item) {
        if item.unreadable.is_some() {
            self.unreadable += 1;
            return;
        }
        self.reports += 1;
        self.resources += item.outcome.resources;
        if item.outcome.is_valid() {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        for d in &item.outcome.diagnostics {
            let e = self.per_rule.entry(d.rule.as_str()).or_default();
            match d.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
                Severity::Information => e.2 += 1,
            }
        }
    }
}

/// A unit of work.
enum Unit {
    File(PathBuf),
    Bytes(String, Vec<u8>),
    TooLarge(String, u64),
    Unreadable(String, String),
}

/// Validate everything named by `inputs`, calling `on_item` for each report in input order.
pub fn validate_inputs(validator: &Validator, inputs: &[PathBuf], mut on_item: impl FnMut(Item)) -> Summary {
    let mut summary = Summary::default();
    let max = validator.options().limits.max_bytes;
    let mut pending: Vec<Unit> = Vec::with_capacity(BATCH);
    let mut flush = |pending: &mut Vec<Unit>, summary: &mut Summary| {
        let items: Vec<Item> = pending.par_drain(..).map(|u| check_unit(validator, u, max)).collect();
        for item in items {
            summary.add(&item);
            on_item(item);
        }
    };
    for unit in input::reports(inputs, max) {
        pending.push(match unit {
            Ok(input::Unit::File(p)) => Unit::File(p),
            Ok(u) => Unit::Bytes(u.name(), u.into_bytes().unwrap_or_default()),
            Err(e @ InputError::TooLarge { size, .. }) => Unit::TooLarge(e.name(), size),
            Err(e) => Unit::Unreadable(e.name(), e.reason()),
        });
        if pending.len() >= BATCH {
            flush(&mut pending, &mut summary);
        }
    }
    flush(&mut pending, &mut summary);
    summary
}

fn check_unit(validator: &Validator, unit: Unit, max: usize) -> Item {
    match unit {
        Unit::Unreadable(name, e) => Item { name, bytes: Vec::new(), outcome: Outcome::default(), unreadable: Some(e) },
        Unit::TooLarge(name, size) => Item { name, bytes: Vec::new(), outcome: validator.too_large(size), unreadable: None },
        Unit::Bytes(name, bytes) => {
            let outcome = validator.validate_bytes(&bytes);
            Item { name, bytes, outcome, unreadable: None }
        }
        Unit::File(path) => {
            let name = path.display().to_string();
            let (bytes, outcome, unreadable) = match input::read_file(&path, max) {
                Ok(bytes) => {
                    let outcome = validator.validate_bytes(&bytes);
                    (bytes, outcome, None)
                }
                Err(InputError::TooLarge { size, .. }) => (Vec::new(), validator.too_large(size), None),
                Err(e) => (Vec::new(), Outcome::default(), Some(e.reason())),
            };
            Item { name, bytes, outcome, unreadable }
        }
    }
}
