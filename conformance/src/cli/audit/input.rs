//! The first pass of `ffbkit audit`: read every input (files, directories, NDJSON, standard
//! input), check that each report is JSON and names a citizen (the Patient's CPR number),
//! and record in the [`Spill`] which citizen it is about, its timestamp and where its
//! bytes are. Inputs that cannot be read, and reports that are not JSON or name no citizen,
//! are counted and named, never dropped silently.

use super::spill::{Location, Spill};
use anyhow::Result;
use ffbkit_sdk::input::{self, InputError};
use ffbkit_sdk::validate::{json, source};
use rayon::prelude::*;

/// Reports parsed per parallel batch.
const BATCH: usize = 2048;
/// Problems named one by one (all are counted).
const NAMED: usize = 1000;
/// Largest report read (bytes).
const MAX_REPORT: usize = 32 * 1024 * 1024;

/// An input or report that could not be audited.
#[derive(Clone, Debug, serde::Serialize)]
pub(super) struct Problem {
    /// Where: a path, `path:line` for NDJSON, `-` for standard input.
    pub input: String,
    /// Why.
    pub reason: String,
}

/// What the first pass read.
#[derive(Debug, Default)]
pub(super) struct Intake {
    /// Reports recorded for the audit.
    pub reports: usize,
    /// Inputs that could not be read (missing, no permission): exit code 2.
    pub unreadable_inputs: usize,
    /// Reports that are not JSON or name no citizen.
    pub bad_reports: usize,
    /// The first problems, named.
    pub problems: Vec<Problem>,
}

impl Intake {
    fn problem(&mut self, input: String, reason: String, io: bool) {
        if io {
            self.unreadable_inputs += 1;
        } else {
            self.bad_reports += 1;
        }
        if self.problems.len() < NAMED {
            self.problems.push(Problem { input, reason });
        }
    }
}

/// The citizen (CPR, by [`ffbkit_sdk::report::citizen_cpr`]) and timestamp of a report, or
/// why it has none. Parsed with the validator's parser (into this thread's arena).
fn head(bytes: &[u8]) -> Result<(String, String), String> {
    let limits = source::Limits { max_bytes: MAX_REPORT };
    json::with_arena(|arena| {
        let (tree, _) = source::parse(bytes, arena, &limits).map_err(|p| format!("not a JSON delivery report: {}", p.message))?;
        let cpr = ffbkit_sdk::report::citizen_cpr(&tree)
            .ok_or_else(|| "names no citizen: no Patient with a CPR number (GW-CITIZEN)".to_string())?;
        let ts = tree.get("timestamp").and_then(json::Json::as_str).unwrap_or_default();
        Ok((cpr.to_string(), ts.to_string()))
    })
}

struct Unit {
    name: String,
    at: Location,
    bytes: Option<Vec<u8>>,
}

fn flush(pending: &mut Vec<Unit>, spill: &mut Spill, intake: &mut Intake, on_report: &mut dyn FnMut()) -> Result<()> {
    let heads: Vec<Result<(String, String), String>> = pending.par_iter().map(|u| head(u.bytes.as_deref().unwrap_or_default())).collect();
    for (u, h) in pending.drain(..).zip(heads) {
        match h {
            Ok((cpr, ts)) => {
                let at = match u.at {
                    Location::Bytes(_) => Location::Bytes(u.bytes.unwrap_or_default()),
                    f => f,
                };
                spill.add(&cpr, &ts, at)?;
                intake.reports += 1;
                on_report();
            }
            Err(reason) => intake.problem(u.name, reason, false),
        }
    }
    Ok(())
}

/// Read every input into the spill ([`ffbkit_sdk::input`]: files, directories, NDJSON,
/// standard input).
pub(super) fn read_inputs(paths: &[std::path::PathBuf], spill: &mut Spill, on_report: &mut dyn FnMut()) -> Result<Intake> {
    let mut intake = Intake::default();
    let mut pending: Vec<Unit> = Vec::with_capacity(BATCH);
    // The spill's id of the NDJSON file being read (its lines are read again from it).
    let mut stream: Option<(std::path::PathBuf, i64)> = None;
    for unit in input::reports(paths, MAX_REPORT) {
        match unit {
            Err(e @ InputError::TooLarge { .. }) => intake.problem(e.name(), e.reason(), false),
            Err(e) => intake.problem(e.name(), e.reason(), true),
            Ok(input::Unit::File(p)) => match input::read_file(&p, MAX_REPORT) {
                Ok(b) => {
                    let s = spill.source(&p);
                    pending.push(Unit { name: p.display().to_string(), at: Location::File(s, 0, b.len()), bytes: Some(b) });
                }
                Err(e @ InputError::TooLarge { .. }) => intake.problem(e.name(), e.reason(), false),
                Err(e) => intake.problem(e.name(), e.reason(), true),
            },
            Ok(input::Unit::Line { path, line, offset, bytes }) => {
                let name = format!("{}:{line}", path.display());
                let at = if path.as_os_str() == input::STDIN {
                    Location::Bytes(Vec::new())
                } else {
                    let s = match &stream {
                        Some((p, s)) if *p == path => *s,
                        _ => {
                            let s = spill.source(&path);
                            stream = Some((path, s));
                            s
                        }
                    };
                    Location::File(s, offset, bytes.len())
                };
                pending.push(Unit { name, at, bytes: Some(bytes) });
            }
            Ok(input::Unit::Stdin(bytes)) => {
                pending.push(Unit { name: input::STDIN.into(), at: Location::Bytes(Vec::new()), bytes: Some(bytes) })
            }
        }
        if pending.len() >= BATCH {
            flush(&mut pending, spill, &mut intake, on_report)?;
        }
    }
    flush(&mut pending, spill, &mut intake, on_report)?;
    Ok(intake)
}
