//! Validating many reports: files, directories (recursive), NDJSON (one report per line)
//! and standard input, in parallel on all cores, in bounded memory: reports are read and
//! checked in batches, and each result is handed to the caller in input order before the
//! next batch is read.

use super::{Outcome, Severity, Validator};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

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
    /// Findings per rule id: (errors, warnings, information).
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
            let e = self.per_rule.entry(d.rule).or_default();
            match d.severity {
                Severity::Error => e.0 += 1,
                Severity::Warning => e.1 += 1,
                Severity::Information => e.2 += 1,
            }
        }
    }
}

/// A unit of input.
enum Unit {
    File(PathBuf),
    Bytes(String, Vec<u8>),
    Unreadable(String, String),
}

fn is_report_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "jsonl"))
}

fn is_ndjson(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"))
}

/// Expand directories (recursively, `*.json`, `*.ndjson`, `*.jsonl`, sorted); files and
/// `-` are kept as given. A missing path is reported as unreadable, not skipped.
pub fn expand(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.as_os_str() == "-" || p.is_file() {
            out.push(Ok(p.clone()));
        } else if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, &mut out);
            sort_paths(&mut found);
            out.extend(found.into_iter().map(Ok));
        } else {
            out.push(Err((p.clone(), "no such file or directory".into())));
        }
    }
    out
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<Result<PathBuf, (PathBuf, String)>>) {
    match std::fs::read_dir(dir) {
        Err(e) => errors.push(Err((dir.to_path_buf(), e.to_string()))),
        Ok(rd) => {
            for entry in rd.flatten() {
                let p = entry.path();
                // The directory entry's type needs no system call; a symbolic link is
                // followed, as `Path::is_dir` does.
                let is_dir = match entry.file_type() {
                    Ok(t) if t.is_symlink() => p.is_dir(),
                    Ok(t) => t.is_dir(),
                    Err(_) => p.is_dir(),
                };
                if is_dir {
                    walk(&p, found, errors);
                } else if is_report_file(&p) {
                    found.push(p);
                }
            }
        }
    }
}

/// Sort paths in `Path` order (component by component), which on Unix is the byte order
/// of the path with its separators counted lowest: one cheap key per path instead of a
/// component walk per comparison.
fn sort_paths(paths: &mut [PathBuf]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        paths.sort_by_cached_key(|p| p.as_os_str().as_bytes().iter().map(|&b| if b == b'/' { 0 } else { b }).collect::<Vec<u8>>());
    }
    #[cfg(not(unix))]
    paths.sort();
}

/// What reading a file gave: its bytes `B` (an owned `Vec<u8>` from [`read_limited`], a
/// slice of a [`ReadBuf`] from [`ReadBuf::read`]), its size when over the limit, or an error.
#[derive(Debug)]
pub enum FileRead<B = Vec<u8>> {
    /// Its bytes (at most the limit plus one, should it grow while being read).
    Bytes(B),
    /// Its size, larger than the limit: not read.
    TooLarge(u64),
    /// Why it could not be read.
    Failed(String),
}

/// Read from `f` into `buf` until `buf` is full or the file ends; the bytes read.
fn fill(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Read a file with one open and one `fstat`, refusing one over `max` bytes unread. The
/// file is read in one `read` of its size (plus the one that finds its end), not in 8 KiB
/// steps.
pub fn read_limited(path: &Path, max: usize) -> FileRead {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return FileRead::Failed(e.to_string()),
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max as u64 {
        return FileRead::TooLarge(len);
    }
    let mut buf = vec![0; len as usize + 1];
    let n = match fill(&mut f, &mut buf) {
        Ok(n) => n,
        Err(e) => return FileRead::Failed(e.to_string()),
    };
    buf.truncate(n);
    if n > len as usize {
        // It grew while being read: the rest, up to the limit plus one.
        if let Err(e) = f.take((max + 1).saturating_sub(n) as u64).read_to_end(&mut buf) {
            return FileRead::Failed(e.to_string());
        }
    }
    FileRead::Bytes(buf)
}

/// A buffer reused for reading many files one after the other (one per thread): no
/// allocation, no fresh pages and no `fstat` per file, only `open`, `read` until the end,
/// and `close`.
///
/// ```
/// use ffbkit_sdk::validate::batch::{FileRead, ReadBuf};
/// let dir = std::env::temp_dir().join(format!("ffbkit-readbuf-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.json"), b"{}").unwrap();
/// let mut buf = ReadBuf::default();
/// assert!(matches!(buf.read(&dir.join("a.json"), 1024), FileRead::Bytes(b) if b == b"{}"));
/// assert!(matches!(buf.read(&dir.join("a.json"), 1), FileRead::TooLarge(2)));
/// assert!(matches!(buf.read(&dir.join("missing.json"), 1024), FileRead::Failed(_)));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct ReadBuf {
    /// Always initialised to its full length; the file's bytes are its first ones.
    buf: Vec<u8>,
}

impl ReadBuf {
    /// Size of the buffer at its first use.
    const START: usize = 64 * 1024;
    /// A buffer grown past this (by a large file) is given back afterwards.
    const KEEP: usize = 8 * 1024 * 1024;

    /// Read the file at `path`, refusing one over `max` bytes (its size is then asked only
    /// once `max` bytes were read). The bytes are valid until the next call.
    pub fn read(&mut self, path: &Path, max: usize) -> FileRead<&[u8]> {
        if self.buf.len() > Self::KEEP {
            self.buf = Vec::new();
        }
        let mut f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return FileRead::Failed(e.to_string()),
        };
        let mut n = 0;
        loop {
            if n == self.buf.len() {
                let grown = (self.buf.len() * 2).max(Self::START).min(max.saturating_add(1));
                self.buf.resize(grown, 0);
            }
            match fill(&mut f, &mut self.buf[n..]) {
                Ok(k) => n += k,
                Err(e) => return FileRead::Failed(e.to_string()),
            }
            if n > max {
                let len = f.metadata().map_or(n as u64, |m| m.len().max(n as u64));
                return FileRead::TooLarge(len);
            }
            if n < self.buf.len() {
                return FileRead::Bytes(&self.buf[..n]);
            }
        }
    }
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
    for input in expand(inputs) {
        match input {
            Err((p, e)) => pending.push(Unit::Unreadable(p.display().to_string(), e)),
            Ok(p) if p.as_os_str() == "-" => {
                let stdin = std::io::stdin();
                read_stream(stdin.lock(), "-", max, &mut pending, &mut |pending| flush(pending, &mut summary));
            }
            Ok(p) if is_ndjson(&p) => match std::fs::File::open(&p) {
                Ok(f) => {
                    let name = p.display().to_string();
                    read_lines(BufReader::new(f), &name, max, &mut pending, &mut |pending| flush(pending, &mut summary));
                }
                Err(e) => pending.push(Unit::Unreadable(p.display().to_string(), e.to_string())),
            },
            Ok(p) => pending.push(Unit::File(p)),
        }
        if pending.len() >= BATCH {
            flush(&mut pending, &mut summary);
        }
    }
    flush(&mut pending, &mut summary);
    summary
}

/// Standard input: one JSON document, or NDJSON when it has several lines that each start
/// with `{`.
fn read_stream(mut r: impl BufRead, name: &str, max: usize, pending: &mut Vec<Unit>, flush: &mut dyn FnMut(&mut Vec<Unit>)) {
    let mut buf = Vec::new();
    if let Err(e) = (&mut r).take(max as u64 + 1).read_to_end(&mut buf) {
        pending.push(Unit::Unreadable(name.into(), e.to_string()));
        return;
    }
    let lines: Vec<&[u8]> = buf.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    let ndjson = lines.len() > 1 && lines.iter().all(|l| l.trim_ascii_start().first() == Some(&b'{') && l.trim_ascii_end().last() == Some(&b'}'));
    if ndjson {
        read_lines(std::io::Cursor::new(buf.clone()), name, max, pending, flush);
    } else {
        pending.push(Unit::Bytes(name.into(), buf));
    }
}

fn read_lines(mut r: impl BufRead, name: &str, max: usize, pending: &mut Vec<Unit>, flush: &mut dyn FnMut(&mut Vec<Unit>)) {
    let mut line_no = 0usize;
    loop {
        let mut line = Vec::new();
        match (&mut r).take(max as u64 + 2).read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {
                line_no += 1;
                if line.last() != Some(&b'\n') && line.len() > max {
                    // Over the limit: skip the rest of this line.
                    let mut rest = Vec::new();
                    let _ = r.read_until(b'\n', &mut rest);
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                pending.push(Unit::Bytes(format!("{name}:{line_no}"), line));
                if pending.len() >= BATCH {
                    flush(pending);
                }
            }
            Err(e) => {
                pending.push(Unit::Unreadable(format!("{name}:{}", line_no + 1), e.to_string()));
                break;
            }
        }
    }
}

fn check_unit(validator: &Validator, unit: Unit, max: usize) -> Item {
    match unit {
        Unit::Unreadable(name, e) => Item {
            name,
            bytes: Vec::new(),
            outcome: Outcome::default(),
            unreadable: Some(e),
        },
        Unit::Bytes(name, bytes) => {
            let outcome = validator.validate_bytes(&bytes);
            Item {
                name,
                bytes,
                outcome,
                unreadable: None,
            }
        }
        Unit::File(path) => {
            let name = path.display().to_string();
            let (bytes, outcome, unreadable) = match read_limited(&path, max) {
                FileRead::Bytes(bytes) => {
                    let outcome = validator.validate_bytes(&bytes);
                    (bytes, outcome, None)
                }
                FileRead::TooLarge(size) => (Vec::new(), validator.too_large(size), None),
                FileRead::Failed(e) => (Vec::new(), Outcome::default(), Some(e)),
            };
            Item {
                name,
                bytes,
                outcome,
                unreadable,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_buffer_reads_each_file_whole() {
        let dir = std::env::temp_dir().join(format!("ffbkit-readbuf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Larger than the first buffer, then smaller: the second read must not show the
        // first one's tail; one of exactly the limit is read, one byte more is refused.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("big"), &big).unwrap();
        std::fs::write(dir.join("small"), b"abc").unwrap();
        std::fs::write(dir.join("empty"), b"").unwrap();
        let mut buf = ReadBuf::default();
        assert!(matches!(buf.read(&dir.join("big"), 1 << 20), FileRead::Bytes(b) if b == big.as_slice()));
        assert!(matches!(buf.read(&dir.join("small"), 1 << 20), FileRead::Bytes(b) if b == b"abc"));
        assert!(matches!(buf.read(&dir.join("empty"), 1 << 20), FileRead::Bytes(b) if b.is_empty()));
        assert!(matches!(buf.read(&dir.join("big"), 200_000), FileRead::Bytes(b) if b.len() == 200_000));
        assert!(matches!(buf.read(&dir.join("big"), 199_999), FileRead::TooLarge(200_000)));
        assert!(matches!(buf.read(&dir.join("small"), 0), FileRead::TooLarge(3)));
        assert!(matches!(buf.read(&dir, 1 << 20), FileRead::Failed(_)));
        // A fresh buffer and a tiny limit.
        assert!(matches!(ReadBuf::default().read(&dir.join("small"), 1), FileRead::TooLarge(3)));
        assert!(matches!(ReadBuf::default().read(&dir.join("small"), 3), FileRead::Bytes(b) if b == b"abc"));
        // The owned read agrees.
        assert!(matches!(read_limited(&dir.join("big"), 1 << 20), FileRead::Bytes(b) if b == big));
        assert!(matches!(read_limited(&dir.join("empty"), 1 << 20), FileRead::Bytes(b) if b.is_empty()));
        assert!(matches!(read_limited(&dir.join("big"), 199_999), FileRead::TooLarge(200_000)));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sorted_paths_are_in_path_order() {
        let names = ["r/a/x.json", "r/a-b/y.json", "r/a.b/z.json", "r/a/b/c.json", "r/ab.json", "r/a0.json", "r/A.json", "r/æ.json", "r/a/ x.json", "r/a!/x.json"];
        let mut ours: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut std_order = ours.clone();
        sort_paths(&mut ours);
        std_order.sort();
        assert_eq!(ours, std_order);
    }
}
