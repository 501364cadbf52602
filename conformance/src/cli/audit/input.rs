//! The first pass of `ffbkit audit`: read every input (files, directories, NDJSON, standard
//! input), check that each report is JSON and names a citizen (the Patient's CPR number),
//! and record in the [`Spill`] which citizen it is about, its timestamp and where its
//! bytes are. Inputs that cannot be read, and reports that are not JSON or name no citizen,
//! are counted and named, never dropped silently.

use super::spill::{Location, Spill};
use anyhow::Result;
use ffbkit_sdk::profile::fixed::CPR_SYSTEM;
use ffbkit_sdk::validate::batch;
use rayon::prelude::*;
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Reports parsed per parallel batch.
const BATCH: usize = 2048;
/// Problems named one by one (all are counted).
const NAMED: usize = 1000;
/// Largest report read (bytes).
const MAX_REPORT: usize = 32 * 1024 * 1024;

/// An input or report that could not be audited.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Problem {
    /// Where: a path, `path:line` for NDJSON, `-` for standard input.
    pub input: String,
    /// Why.
    pub reason: String,
}

/// What the first pass read.
#[derive(Debug, Default)]
pub struct Intake {
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

#[derive(Deserialize)]
struct Head {
    timestamp: Option<String>,
    entry: Option<Vec<EntryHead>>,
}

#[derive(Deserialize)]
struct EntryHead {
    resource: Option<ResourceHead>,
}

#[derive(Deserialize)]
struct ResourceHead {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    identifier: Option<Vec<IdentifierHead>>,
}

#[derive(Deserialize)]
struct IdentifierHead {
    system: Option<String>,
    value: Option<String>,
}

/// The citizen (CPR) and timestamp of a report, or why it has none.
fn head(bytes: &[u8]) -> Result<(String, String), String> {
    let h: Head = serde_json::from_slice(bytes).map_err(|e| format!("not a JSON delivery report: {e}"))?;
    let cpr = h
        .entry
        .iter()
        .flatten()
        .filter_map(|e| e.resource.as_ref())
        .filter(|r| r.resource_type.as_deref() == Some("Patient"))
        .flat_map(|r| r.identifier.iter().flatten())
        .find(|i| i.system.as_deref() == Some(CPR_SYSTEM) || i.system.is_none())
        .and_then(|i| i.value.clone())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| "names no citizen: no Patient with a CPR number (GW-CITIZEN)".to_string())?;
    Ok((cpr, h.timestamp.unwrap_or_default()))
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

fn is_ndjson(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"))
}

/// Lines of an NDJSON stream, each a unit; `source` is the file's id when the bytes can be
/// read again from it.
fn lines(mut r: impl BufRead, name: &str, source: Option<i64>, pending: &mut Vec<Unit>, spill: &mut Spill, intake: &mut Intake, on_report: &mut dyn FnMut()) -> Result<()> {
    let (mut offset, mut line_no) = (0u64, 0usize);
    loop {
        let mut line = Vec::new();
        let n = match r.read_until(b'\n', &mut line) {
            Ok(n) => n,
            Err(e) => {
                intake.problem(format!("{name}:{}", line_no + 1), e.to_string(), true);
                break;
            }
        };
        if n == 0 {
            break;
        }
        line_no += 1;
        let start = offset;
        offset += n as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line.len() > MAX_REPORT {
            intake.problem(format!("{name}:{line_no}"), format!("report of {} bytes, over the limit of {MAX_REPORT}", line.len()), false);
            continue;
        }
        let at = match source {
            Some(s) => Location::File(s, start, line.len()),
            None => Location::Bytes(Vec::new()),
        };
        pending.push(Unit { name: format!("{name}:{line_no}"), at, bytes: Some(line) });
        if pending.len() >= BATCH {
            flush(pending, spill, intake, on_report)?;
        }
    }
    Ok(())
}

/// Read every input into the spill.
pub fn read_inputs(paths: &[std::path::PathBuf], spill: &mut Spill, on_report: &mut dyn FnMut()) -> Result<Intake> {
    let mut intake = Intake::default();
    let mut pending: Vec<Unit> = Vec::with_capacity(BATCH);
    for input in batch::expand(paths) {
        match input {
            Err((p, e)) => intake.problem(p.display().to_string(), e, true),
            Ok(p) if p.as_os_str() == "-" => {
                let mut buf = Vec::new();
                if let Err(e) = std::io::stdin().lock().take(MAX_REPORT as u64 * 64).read_to_end(&mut buf) {
                    intake.problem("-".into(), e.to_string(), true);
                } else if head(&buf).is_ok() {
                    pending.push(Unit { name: "-".into(), at: Location::Bytes(Vec::new()), bytes: Some(buf) });
                } else {
                    lines(std::io::Cursor::new(buf), "-", None, &mut pending, spill, &mut intake, on_report)?;
                }
            }
            Ok(p) if is_ndjson(&p) => match std::fs::File::open(&p) {
                Ok(f) => {
                    let s = spill.source(&p);
                    lines(BufReader::with_capacity(1 << 20, f), &p.display().to_string(), Some(s), &mut pending, spill, &mut intake, on_report)?;
                }
                Err(e) => intake.problem(p.display().to_string(), e.to_string(), true),
            },
            Ok(p) => match std::fs::read(&p) {
                Ok(b) if b.len() > MAX_REPORT => intake.problem(p.display().to_string(), format!("report of {} bytes, over the limit of {MAX_REPORT}", b.len()), false),
                Ok(b) => {
                    let s = spill.source(&p);
                    pending.push(Unit { name: p.display().to_string(), at: Location::File(s, 0, b.len()), bytes: Some(b) });
                }
                Err(e) => intake.problem(p.display().to_string(), e.to_string(), true),
            },
        }
        if pending.len() >= BATCH {
            flush(&mut pending, spill, &mut intake, on_report)?;
        }
    }
    flush(&mut pending, spill, &mut intake, on_report)?;
    Ok(intake)
}
