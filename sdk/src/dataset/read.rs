//! Reading many reports into tables: the inputs read by the SDK's reader
//! ([`crate::input`]: directories recursively, NDJSON line by line), read in batches of
//! 2,048 (files in parallel, NDJSON line by line) so that an interruption (Ctrl-C in
//! Python) is honoured between batches, each report parsed once into the validator's
//! document tree, that tree checked by the SDK's validator
//! ([`Validator::validate_parsed`]) and its rows ([`super::extract`]) taken from the same
//! tree, then the rows of each report merged in input order ([`super::merge`]), keeping
//! the latest version per resource id (by the report's timestamp) or every version
//! (`history`). References are joined once everything is read ([`super::join`]); the audit
//! ([`super::audit`]) runs per citizen on the same reports when asked.

use super::columns::{t_index, Table as T, TABLES};
use super::extract::{self, Context, Fact, Row};
use super::merge::{newer, Acc};
use super::table::Cell;
use super::{DatasetError, DatasetOptions};
use crate::input::{self, InputError};
use crate::validate::json::{self, Arena};
use crate::validate::{source, Outcome, Severity, Validator};
use arrow_array::RecordBatch;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// The result of a read.
pub(crate) struct Output {
    /// Tables by name.
    pub(crate) tables: Vec<(&'static str, RecordBatch)>,
    /// Totals.
    pub(crate) summary: super::Summary,
}

/// What one report gives, computed in parallel.
pub(crate) struct ReportOut {
    pub(crate) report: Vec<Cell>,
    pub(crate) issues: Vec<Vec<Cell>>,
    pub(crate) rows: Vec<Row>,
    pub(crate) facts: Vec<(String, Fact)>,
    pub(crate) timestamp: Option<Arc<str>>,
    pub(crate) cpr: Option<String>,
    pub(crate) bytes: Option<Vec<u8>>,
    /// The report's name and the ids of the rules it broke with severity error.
    pub(crate) invalid: Option<(String, Vec<String>)>,
    pub(crate) resources: usize,
    pub(crate) unreadable: Option<(String, String)>,
}

/// Rows for the validator's findings on one report.
fn issue_rows(outcome: &Outcome, cx: &Context) -> Vec<Vec<Cell>> {
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            vec![
                Cell::Static("validator"),
                cx.source.clone(),
                cx.report_id.clone(),
                cx.citizen.clone(),
                cx.municipality.clone(),
                Cell::Static(d.rule.as_str()),
                Cell::Static(d.severity.as_str()),
                Cell::own(d.location.clone()),
                Cell::Null,
                d.line.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                d.column.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                Cell::text(d.found.as_deref()),
                Cell::own(d.expected.clone()),
                Cell::own(d.message.clone()),
            ]
        })
        .collect()
}

/// The newest version of each resource among the reports of a group that come later in
/// the input (a group is read back to front): a version that one of them replaces in the
/// merge (one at least as new, [`newer`]) is not worth building. Off with `history`.
struct Later {
    history: bool,
    /// Per table (by [`t_index`]): resource id -> the newest report timestamp seen.
    newest: Vec<HashMap<Arc<str>, Option<Arc<str>>>>,
}

impl Later {
    fn new(history: bool) -> Later {
        Later { history, newest: TABLES.iter().map(|_| HashMap::default()).collect() }
    }

    /// The shared id of the version of `(table, id)` in a report of `timestamp`, and
    /// whether that version will be replaced by one read already; when it will not, it is
    /// the one to beat for earlier reports. An id seen before shares the text of the
    /// version seen first (a later report's), so a version left out allocates nothing.
    fn key(&mut self, table: T, id: &str, timestamp: &Option<Arc<str>>) -> (Arc<str>, bool) {
        if self.history {
            return (Arc::from(id), false);
        }
        let newest = &mut self.newest[t_index(table)];
        if let Some((key, stamp)) = newest.get_key_value(id) {
            let key = key.clone();
            if newer(stamp, timestamp) {
                return (key, true);
            }
            newest.insert(key.clone(), timestamp.clone());
            return (key, false);
        }
        if newest.capacity() == 0 {
            // A few resources of each table per report: sized once for a group.
            newest.reserve(GROUP * 4);
        }
        let key: Arc<str> = Arc::from(id);
        newest.insert(key.clone(), timestamp.clone());
        (key, false)
    }

    /// Whether the version of `(table, id)` in a report of `timestamp` will be replaced
    /// (see [`Later::key`]).
    #[cfg(test)]
    fn supersedes(&mut self, table: T, id: &str, timestamp: &Option<Arc<str>>) -> bool {
        self.key(table, id, timestamp).1
    }
}

thread_local! {
    /// Each thread's buffer for the files it reads.
    static READ_BUF: std::cell::RefCell<input::ReadBuf> = std::cell::RefCell::new(input::ReadBuf::default());
}

/// One report: its file read here (in parallel, into this thread's buffer) when it is
/// one, else `bytes` (an NDJSON line), then parsed once, validated on that tree (unless
/// `validator` is `None`) and its rows extracted from the same tree. A file over the size
/// limit is refused unread (with the validator's finding, or as unreadable when not
/// validating).
fn process(
    name: String,
    src: Source,
    opts: &DatasetOptions,
    limits: &source::Limits,
    validator: Option<&Validator>,
    later: &mut Later,
) -> ReportOut {
    let unreadable = |name: String, why: String| ReportOut {
        report: Vec::new(),
        issues: Vec::new(),
        rows: Vec::new(),
        facts: Vec::new(),
        timestamp: None,
        cpr: None,
        bytes: None,
        invalid: None,
        resources: 0,
        unreadable: Some((name, why)),
    };
    let mut report = |bytes: &[u8], outcome: Outcome, done: bool| {
        let mut out = json::with_arena(|arena| process_tree(&name, bytes, outcome, done, arena, opts, limits, validator, &mut *later));
        out.bytes = opts.audit.then(|| bytes.to_vec());
        out
    };
    let too_large = |len: u64, report: &mut dyn FnMut(&[u8], Outcome, bool) -> ReportOut| match validator {
        Some(v) => report(&[], v.too_large(len), true),
        None => unreadable(name.clone(), format!("{len} bytes, more than the limit of {} bytes", limits.max_bytes)),
    };
    let path = match src {
        Source::Bytes(bytes) => return report(&bytes, Outcome::default(), false),
        Source::TooLarge(len) => return too_large(len, &mut report),
        Source::File(path) => path,
    };
    READ_BUF.with_borrow_mut(|buf| match buf.read(&path, limits.max_bytes) {
        Ok(b) => report(b, Outcome::default(), false),
        Err(InputError::TooLarge { size, .. }) => too_large(size, &mut report),
        Err(e) => unreadable(name.clone(), e.reason()),
    })
}

/// [`process`] on a readable report `bytes` named `name`, its tree in `arena`; `outcome`
/// is set already for a report refused unread (`done`).
#[allow(clippy::too_many_arguments)]
fn process_tree(
    name: &str,
    bytes: &[u8],
    outcome: Outcome,
    done: bool,
    arena: &Arena,
    opts: &DatasetOptions,
    limits: &source::Limits,
    validator: Option<&Validator>,
    later: &mut Later,
) -> ReportOut {
    let parse = source::parse(bytes, arena, limits);
    let mut o = outcome;
    if let (Some(v), false) = (validator, done) {
        o = v.validate_parsed(bytes, &parse);
    }
    let (parsed, problem) = match parse {
        Ok((j, _)) => (Some(j), None),
        Err(p) => (None, Some(p)),
    };
    let citizen = parsed.as_ref().map(crate::report::citizen).unwrap_or_default();
    let cpr = citizen.cpr.map(str::to_string);
    // The Bundle id as the mode shows text: one that is a CPR number is masked (issue 22).
    let report_id = parsed.as_ref().and_then(|j| j.get("id")).and_then(|v| v.as_str()).map(|id| opts.cpr.text(id));
    let timestamp: Option<Arc<str>> = parsed.as_ref().and_then(|j| j.get("timestamp")).and_then(|v| v.as_str()).map(Arc::from);
    let cx = Context {
        citizen: opts.cpr.cell(cpr.as_deref()),
        municipality: extract::shared(citizen.municipality),
        report_id: extract::shared(report_id.as_deref()),
        timestamp: timestamp.clone().map_or(Cell::Null, Cell::Shared),
        source: Cell::Shared(Arc::from(name)),
    };
    if !opts.validate {
        // Not validated: only the input rule GW-JSON, from the parse itself.
        o.resources = parsed.as_ref().and_then(|j| j.get("entry")).and_then(|e| e.as_array()).map_or(0, <[_]>::len);
        if let Some(p) = problem {
            o.diagnostics.push(crate::validate::Diagnostic {
                rule: crate::rules::RuleId::GwJson,
                severity: Severity::Error,
                location: String::new(),
                pointer: String::new(),
                line: p.line,
                column: p.column,
                found: None,
                expected: "a well-formed JSON object".into(),
                message: format!("The report cannot be read: {}.", p.message),
            });
        }
    }
    let o = &o;
    let valid = o.is_valid();
    let report = vec![
        cx.report_id.clone(),
        cx.timestamp.clone(),
        cx.citizen.clone(),
        cx.municipality.clone(),
        cx.source.clone(),
        Cell::Int(o.resources as i64),
        Cell::Bool(valid),
        Cell::Int(o.count(Severity::Error) as i64),
        Cell::Int(o.count(Severity::Warning) as i64),
    ];
    let issues = issue_rows(o, &cx);
    let (rows, facts) = match &parsed {
        Some(j) if opts.tables && (valid || !opts.skip_invalid) => {
            extract::extract(j, &cx, &o.profiles, &mut |t, id| later.key(t, id, &timestamp))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let invalid = (!valid).then(|| (name.to_string(), o.rule_ids(Severity::Error).into_iter().map(|r| r.to_string()).collect()));
    let resources = o.resources;
    ReportOut { report, issues, rows, facts, timestamp, cpr, bytes: None, invalid, resources, unreadable: None }
}

/// Reports read per parallel batch (about a tenth of a second of work on two cores, the
/// longest Ctrl-C waits). The threads wait for each other at the end of a batch: fewer,
/// larger batches keep both cores busier (94 -> 96 % during the read, benches/README.md).
const CHUNK: usize = 2048;

/// Consecutive reports read by one thread, back to front (see `read`).
const GROUP: usize = 32;

/// Where a report's bytes are: a file not read yet, an NDJSON line, or nowhere (a line
/// over the size limit, of this many bytes).
enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
    TooLarge(u64),
}

type Pending = (String, Source);

/// Read everything named by `inputs` (files, directories, NDJSON streams, `-` for
/// standard input); `interrupted` is asked between batches and stops the read.
pub(crate) fn read_paths(inputs: &[PathBuf], opts: &DatasetOptions, interrupted: &dyn Fn() -> bool) -> Result<Output, DatasetError> {
    let t0 = Instant::now();
    // The validator (built once per process) and the list of inputs, at once.
    let (v, listed) = rayon::join(Validator::default_validator, || input::expand(inputs));
    let max = v.options().limits.max_bytes;
    // Files and NDJSON streams listed (the tables are sized for one report each).
    let files = listed.iter().filter(|e| e.is_ok()).count();
    let units = input::reports_of(listed, max).map(|unit| match unit {
        Ok(input::Unit::File(p)) => Ok((p.display().to_string(), Source::File(p))),
        Ok(u) => Ok((u.name(), Source::Bytes(u.into_bytes().unwrap_or_default()))),
        Err(e @ InputError::TooLarge { size, .. }) => Ok((e.name(), Source::TooLarge(size))),
        Err(e) => Err((e.name(), e.reason())),
    });
    run(v, files, units, opts, interrupted, t0)
}

/// Read reports held in memory: (name, bytes) each.
pub(crate) fn read_memory(reports: Vec<(String, Vec<u8>)>, opts: &DatasetOptions) -> Result<Output, DatasetError> {
    let t0 = Instant::now();
    let v = Validator::default_validator();
    let max = v.options().limits.max_bytes;
    let files = reports.len();
    let units = reports.into_iter().map(|(name, bytes)| {
        let src = if bytes.len() > max { Source::TooLarge(bytes.len() as u64) } else { Source::Bytes(bytes) };
        Ok((name, src))
    });
    run(v, files, units, opts, &|| false, t0)
}

/// The read of `units` (about `files` reports, for sizing), with validator `v`.
///
/// Batches are pipelined: while the thread pool reads, parses, validates and extracts one
/// batch, one of its threads merges the previous batch's rows into the tables (the merge
/// keeps input order, so the latest state per id does not depend on the thread count).
fn run(
    v: &Validator,
    files: usize,
    units: impl Iterator<Item = Result<Pending, (String, String)>>,
    opts: &DatasetOptions,
    interrupted: &dyn Fn() -> bool,
    t0: Instant,
) -> Result<Output, DatasetError> {
    let limits = v.options().limits;
    let mut acc = Acc::new(opts.clone());
    // Rows per table and report: one report row, about half a row of most tables, two
    // conditions (grown along the way where there are more); the tables and their id maps
    // are sized for that once instead of doubling.
    for (i, (t, _, _)) in TABLES.iter().enumerate() {
        let rows = match t {
            T::Reports => files,
            T::Conditions => files * 2,
            T::GoalThemes | T::Issues => 0,
            _ => files / 2,
        };
        acc.tables[i].rows.reserve(rows);
        if !opts.history && *t != T::Reports {
            acc.latest[i].reserve(rows);
        }
    }
    // About one and a half care plan links (målgrupper, goals, evaluations) and one fact
    // (tilbud, follow-up day) per report on synthetic data: sized once, not rehashed
    // while the reports are merged.
    if opts.tables {
        acc.plan_of.reserve(files * 3 / 2);
        acc.facts.reserve(files);
    }
    acc.summary.steps.push(("validator and list of inputs", t0.elapsed().as_secs_f64()));
    let t0 = Instant::now();
    let validator = opts.validate.then_some(v);
    // Groups of consecutive reports, each read back to front so that versions replaced by
    // a later report of the group are not built (a citizen's reports are usually next to
    // each other); the outputs are put back in input order.
    let work = |chunk: Vec<Pending>| -> Vec<ReportOut> {
        chunk
            .into_par_iter()
            .chunks(GROUP)
            .flat_map_iter(|group| {
                let mut later = Later::new(opts.history);
                let mut outs: Vec<ReportOut> =
                    group.into_iter().rev().map(|(n, src)| process(n, src, opts, &limits, validator, &mut later)).collect();
                outs.reverse();
                outs
            })
            .collect()
    };
    let mut done: Option<Vec<ReportOut>> = None;
    let mut stop = false;
    let mut submit = |chunk: Vec<Pending>, acc: &mut Acc, stop: &mut bool| {
        if *stop || interrupted() {
            *stop = true;
            return;
        }
        let previous = done.take();
        let ((), outs) = rayon::join(
            || {
                for o in previous.into_iter().flatten() {
                    acc.merge(o);
                }
            },
            || work(chunk),
        );
        done = Some(outs);
    };
    let mut pending: Vec<Pending> = Vec::with_capacity(CHUNK);
    for unit in units {
        if stop {
            break;
        }
        match unit {
            Ok(p) => pending.push(p),
            Err(unreadable) => acc.summary.unreadable.push(unreadable),
        }
        if pending.len() >= CHUNK {
            submit(std::mem::replace(&mut pending, Vec::with_capacity(CHUNK)), &mut acc, &mut stop);
        }
    }
    if !pending.is_empty() {
        submit(pending, &mut acc, &mut stop);
    }
    if stop {
        return Err(DatasetError::Interrupted);
    }
    for o in done.take().into_iter().flatten() {
        acc.merge(o);
    }
    if let Some((name, reason)) = acc.summary.unreadable.first() {
        return Err(DatasetError::Unreadable { name: name.clone(), reason: reason.clone(), count: acc.summary.unreadable.len() });
    }
    acc.summary.steps.push(("read, check, extract, merge", t0.elapsed().as_secs_f64()));
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Option<Arc<str>> {
        Some(Arc::from(s))
    }

    #[test]
    fn a_version_is_skipped_only_when_a_later_one_replaces_it() {
        // A group read back to front: the last report first.
        let id = "c1";
        let mut later = Later::new(false);
        assert!(!later.supersedes(T::Conditions, id, &stamp("2025-03-01")), "the first seen is built");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-02-01")), "an older one earlier in the input loses");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-03-01")), "a tie goes to the later input");
        assert!(!later.supersedes(T::Conditions, id, &stamp("2025-04-01")), "a newer one earlier in the input wins");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-03-15")), "...and is then the one to beat");
        assert!(!later.supersedes(T::Goals, id, &stamp("2025-01-01")), "tables are apart");
        assert!(later.supersedes(T::Goals, id, &None), "no timestamp is the oldest");
        let mut history = Later::new(true);
        assert!(!history.supersedes(T::Conditions, id, &stamp("2025-03-01")));
        assert!(!history.supersedes(T::Conditions, id, &stamp("2025-02-01")), "history keeps every version");
    }

    #[test]
    fn a_link_is_small() {
        // Every row carries one; the large ones are boxed.
        assert!(std::mem::size_of::<extract::Link>() <= 32, "{}", std::mem::size_of::<extract::Link>());
    }
}
