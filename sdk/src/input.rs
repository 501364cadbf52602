//! Where delivery reports come from: files, directories (searched recursively for
//! `*.json`, `*.ndjson`, `*.jsonl`, in path order), NDJSON files (one report per line) and
//! standard input (`-`: one JSON document, or NDJSON when it has several lines that are
//! each one JSON object). One reader with one error type ([`InputError`], naming the path
//! and, in an NDJSON stream, the line) for `ffbkit validate`, `ffbkit audit` and Python's
//! `read_reports`.
//!
//! [`reports`] lists the reports one by one without reading whole files: a report file is
//! handed on as its path ([`Unit::File`]) so that the caller can read it where it wants
//! (in parallel, into a reused [`ReadBuf`]); NDJSON is read line by line.
//!
//! ```
//! use ffbkit_sdk::input::{reports, Unit};
//! let dir = std::env::temp_dir().join(format!("ffbkit-input-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("sub")).unwrap();
//! std::fs::write(dir.join("sub/a.json"), b"{}").unwrap();
//! std::fs::write(dir.join("b.ndjson"), b"{}\n\n{}\n").unwrap();
//! let names: Vec<String> = reports(&[dir.clone(), dir.join("missing.json")], 1024).map(|u| match u {
//!     Ok(u) => u.name(),
//!     Err(e) => e.to_string(),
//! }).collect();
//! let d = dir.display();
//! assert_eq!(names, [format!("{d}/b.ndjson:1"), format!("{d}/b.ndjson:3"), format!("{d}/sub/a.json"), format!("{d}/missing.json: no such file or directory")]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Standard input's name among the paths.
pub const STDIN: &str = "-";

/// Why a report or an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path does not exist.
    #[error("{}: no such file or directory", .path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// Reading failed (no permission, a directory that cannot be listed, an I/O error).
    #[error("{}: {source}", place(.path, *.line))]
    Io {
        /// The file or directory (`-` for standard input).
        path: PathBuf,
        /// The line of an NDJSON stream, when the error is within one.
        line: Option<usize>,
        /// The error.
        source: std::io::Error,
    },
    /// A report larger than the limit: not read.
    #[error("{}: a report of {size} bytes, more than the limit of {max} bytes", place(.path, *.line))]
    TooLarge {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The line of an NDJSON stream, when the report is one.
        line: Option<usize>,
        /// Its size in bytes (at least).
        size: u64,
        /// The limit.
        max: usize,
    },
}

fn place(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{}:{l}", path.display()),
        None => path.display().to_string(),
    }
}

impl InputError {
    /// Where: the path, `path:line` in an NDJSON stream, `-` for standard input.
    pub fn name(&self) -> String {
        match self {
            InputError::NotFound { path } => path.display().to_string(),
            InputError::Io { path, line, .. } | InputError::TooLarge { path, line, .. } => place(path, *line),
        }
    }

    /// Why, without the place.
    pub fn reason(&self) -> String {
        match self {
            InputError::NotFound { .. } => "no such file or directory".into(),
            InputError::Io { source, .. } => source.to_string(),
            InputError::TooLarge { size, max, .. } => format!("a report of {size} bytes, more than the limit of {max} bytes"),
        }
    }

    fn io(path: &Path, line: Option<usize>, source: std::io::Error) -> InputError {
        InputError::Io { path: path.to_path_buf(), line, source }
    }
}

/// One report, as [`reports`] lists it.
#[derive(Debug)]
pub enum Unit {
    /// A report file, not yet read ([`read_file`], [`ReadBuf::read`]).
    File(PathBuf),
    /// A line of an NDJSON stream (a file, or standard input as `-`).
    Line {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// Its line number, from 1.
        line: usize,
        /// Its byte offset in the file.
        offset: u64,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// Standard input holding one report.
    Stdin(Vec<u8>),
}

impl Unit {
    /// Where it came from: a path, `path:line` for NDJSON, `-` for standard input.
    pub fn name(&self) -> String {
        match self {
            Unit::File(p) => p.display().to_string(),
            Unit::Line { path, line, .. } => place(path, Some(*line)),
            Unit::Stdin(_) => STDIN.into(),
        }
    }

    /// The bytes of a report read already (an NDJSON line, standard input); `None` for a
    /// file, which is not read yet.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Unit::File(_) => None,
            Unit::Line { bytes, .. } | Unit::Stdin(bytes) => Some(bytes),
        }
    }
}

fn is_report_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "ndjson" | "jsonl"))
}

/// True for an NDJSON file name (`*.ndjson`, `*.jsonl`).
pub fn is_ndjson(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("ndjson" | "jsonl"))
}

/// Expand directories (recursively, `*.json`, `*.ndjson`, `*.jsonl`, in path order); files
/// and `-` are kept as given. A missing path or a directory that cannot be listed is an
/// error in its place, not skipped.
///
/// The walk does not trust the file system: only regular files are listed (a FIFO, a
/// socket or a device named `*.json` is an error in its place, never opened, so it cannot
/// hang the walk); a symbolic link to a directory is followed, but each real directory is
/// walked once (a link `a -> .` or two links to the same place add nothing), and a file
/// reached twice (through a link) is listed once.
pub fn expand(inputs: &[PathBuf]) -> Vec<Result<PathBuf, InputError>> {
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for p in inputs {
        if p.as_os_str() == STDIN {
            out.push(Ok(p.clone()));
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.push(Err(InputError::NotFound { path: p.clone() })),
            Err(e) => out.push(Err(InputError::io(p, None, e))),
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                if seen.first(&m, p) {
                    walk(p, device(&m), &mut seen, &mut found, &mut out);
                }
                sort_paths(&mut found);
                out.extend(found.into_iter().map(Ok));
            }
            Ok(m) if m.is_file() => out.push(Ok(p.clone())),
            Ok(m) => out.push(Err(not_regular(p, m.file_type()))),
        }
    }
    out
}

/// The directories and files met already, by identity (device and inode on Unix, the
/// canonical path elsewhere).
#[derive(Default)]
struct Seen {
    #[cfg(unix)]
    ids: std::collections::HashSet<(u64, u64)>,
    #[cfg(not(unix))]
    ids: std::collections::HashSet<PathBuf>,
}

impl Seen {
    /// True the first time this directory or file is met.
    #[cfg(unix)]
    fn first(&mut self, m: &std::fs::Metadata, _path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.ids.insert((m.dev(), m.ino()))
    }

    /// True the first time this directory or file is met.
    #[cfg(not(unix))]
    fn first(&mut self, _m: &std::fs::Metadata, path: &Path) -> bool {
        std::fs::canonicalize(path).map_or(true, |c| self.ids.insert(c))
    }

    /// True the first time the plain file of this directory entry is met (in a directory
    /// on device `dev`): on Unix without a system call.
    #[cfg(unix)]
    fn first_entry(&mut self, entry: &std::fs::DirEntry, dev: u64) -> bool {
        use std::os::unix::fs::DirEntryExt;
        self.ids.insert((dev, entry.ino()))
    }

    /// True the first time the plain file of this directory entry is met.
    #[cfg(not(unix))]
    fn first_entry(&mut self, entry: &std::fs::DirEntry, _dev: u64) -> bool {
        std::fs::canonicalize(entry.path()).map_or(true, |c| self.ids.insert(c))
    }
}

/// The device of a directory (0 where there is none to ask).
fn device(m: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        m.dev()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        0
    }
}

/// A path that is neither a directory nor a regular file (a FIFO, a socket, a device):
/// an error, never opened.
fn not_regular(path: &Path, t: std::fs::FileType) -> InputError {
    let kind = file_kind(t);
    InputError::io(path, None, std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{kind}, not a regular file: not read")))
}

fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = t;
    "a special file"
}

/// Walk `dir` (on device `dev`), each real directory once.
fn walk(dir: &Path, dev: u64, seen: &mut Seen, found: &mut Vec<PathBuf>, errors: &mut Vec<Result<PathBuf, InputError>>) {
    match std::fs::read_dir(dir) {
        Err(e) => errors.push(Err(InputError::io(dir, None, e))),
        Ok(rd) => {
            for entry in rd.flatten() {
                let p = entry.path();
                // The directory entry's type needs no system call: a plain file is listed
                // by its entry's inode; a directory or a symbolic link (followed) is asked
                // for its identity.
                let t = match entry.file_type() {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(Err(InputError::io(&p, None, e)));
                        continue;
                    }
                };
                if t.is_file() {
                    if is_report_file(&p) && seen.first_entry(&entry, dev) {
                        found.push(p);
                    }
                    continue;
                }
                if !(t.is_dir() || t.is_symlink()) {
                    if is_report_file(&p) {
                        errors.push(Err(not_regular(&p, t)));
                    }
                    continue;
                }
                let m = match std::fs::metadata(&p) {
                    Ok(m) => m,
                    // A dangling link of a report's name is an error; any other, skipped.
                    Err(e) if is_report_file(&p) => {
                        errors.push(Err(InputError::io(&p, None, e)));
                        continue;
                    }
                    Err(_) => continue,
                };
                if m.is_dir() {
                    if seen.first(&m, &p) {
                        walk(&p, device(&m), seen, found, errors);
                    }
                } else if !is_report_file(&p) {
                } else if m.is_file() {
                    if seen.first(&m, &p) {
                        found.push(p);
                    }
                } else {
                    errors.push(Err(not_regular(&p, m.file_type())));
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

/// Every report named by `inputs`, in order (see [`expand`]); an NDJSON line or a
/// standard input over `max` bytes is an [`InputError::TooLarge`] (a file over the limit
/// is found so when it is read). Standard input is read whole, up to 64 times `max`.
pub fn reports(inputs: &[PathBuf], max: usize) -> Reports {
    reports_of(expand(inputs), max)
}

/// [`reports`] of inputs [expanded](expand) already (e.g. counted first).
pub fn reports_of(listed: Vec<Result<PathBuf, InputError>>, max: usize) -> Reports {
    Reports { listed: listed.into_iter(), lines: None, max }
}

/// The iterator of [`reports`].
pub struct Reports {
    listed: std::vec::IntoIter<Result<PathBuf, InputError>>,
    lines: Option<Lines>,
    max: usize,
}

/// An NDJSON stream being read.
struct Lines {
    reader: Box<dyn BufRead>,
    path: PathBuf,
    line: usize,
    offset: u64,
}

impl Lines {
    /// The next non-blank line, `None` at the end (or after an error).
    fn next(&mut self, max: usize) -> Option<Result<Unit, InputError>> {
        loop {
            let mut bytes = Vec::new();
            let line = self.line + 1;
            let n = match (&mut self.reader).take(max as u64 + 2).read_until(b'\n', &mut bytes) {
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    // Stop the stream: what follows an I/O error cannot be trusted.
                    self.reader = Box::new(std::io::empty());
                    return Some(Err(InputError::io(&self.path, Some(line), e)));
                }
            };
            self.line = line;
            let offset = self.offset;
            self.offset += n as u64;
            if bytes.last() != Some(&b'\n') && bytes.len() > max {
                // Over the limit: skip the rest of this line, counting it.
                let mut size = bytes.len() as u64;
                loop {
                    let buf = match self.reader.fill_buf() {
                        Ok(b) => b,
                        Err(e) => return Some(Err(InputError::io(&self.path, Some(line), e))),
                    };
                    if buf.is_empty() {
                        break;
                    }
                    let (used, end) = match buf.iter().position(|b| *b == b'\n') {
                        Some(i) => (i + 1, true),
                        None => (buf.len(), false),
                    };
                    self.reader.consume(used);
                    self.offset += used as u64;
                    size += used as u64 - u64::from(end);
                    if end {
                        break;
                    }
                }
                return Some(Err(InputError::TooLarge { path: self.path.clone(), line: Some(line), size, max }));
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(Unit::Line { path: self.path.clone(), line, offset, bytes }));
        }
    }
}

impl Iterator for Reports {
    type Item = Result<Unit, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(lines) = &mut self.lines {
                match lines.next(self.max) {
                    Some(item) => return Some(item),
                    None => self.lines = None,
                }
            }
            let p = match self.listed.next()? {
                Err(e) => return Some(Err(e)),
                Ok(p) => p,
            };
            if p.as_os_str() == STDIN {
                match read_stdin(&p, self.max) {
                    Err(e) => return Some(Err(e)),
                    Ok(Stdin::One(bytes)) => return Some(Ok(Unit::Stdin(bytes))),
                    Ok(Stdin::Lines(bytes)) => {
                        self.lines = Some(Lines { reader: Box::new(std::io::Cursor::new(bytes)), path: p, line: 0, offset: 0 })
                    }
                }
            } else if is_ndjson(&p) {
                match std::fs::File::open(&p) {
                    Ok(f) => {
                        self.lines = Some(Lines { reader: Box::new(BufReader::with_capacity(1 << 20, f)), path: p, line: 0, offset: 0 })
                    }
                    Err(e) => return Some(Err(InputError::io(&p, None, e))),
                }
            } else {
                return Some(Ok(Unit::File(p)));
            }
        }
    }
}

enum Stdin {
    One(Vec<u8>),
    Lines(Vec<u8>),
}

/// Standard input: one JSON document, or NDJSON when it has several lines that each start
/// with `{` and end with `}`.
fn read_stdin(path: &Path, max: usize) -> Result<Stdin, InputError> {
    let mut buf = Vec::new();
    std::io::stdin().lock().take((max as u64).saturating_mul(64)).read_to_end(&mut buf).map_err(|e| InputError::io(path, None, e))?;
    let lines: Vec<&[u8]> = buf.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    let ndjson =
        lines.len() > 1 && lines.iter().all(|l| l.trim_ascii_start().first() == Some(&b'{') && l.trim_ascii_end().last() == Some(&b'}'));
    if ndjson {
        Ok(Stdin::Lines(buf))
    } else if buf.len() > max {
        Err(InputError::TooLarge { path: path.to_path_buf(), line: None, size: buf.len() as u64, max })
    } else {
        Ok(Stdin::One(buf))
    }
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

/// Read a report file with one open and one `fstat`, refusing one over `max` bytes
/// unread. The file is read in one `read` of its size (plus the one that finds its end),
/// not in 8 KiB steps.
pub fn read_file(path: &Path, max: usize) -> Result<Vec<u8>, InputError> {
    let io = |e| InputError::io(path, None, e);
    let mut f = std::fs::File::open(path).map_err(io)?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max as u64 {
        return Err(InputError::TooLarge { path: path.to_path_buf(), line: None, size: len, max });
    }
    let mut buf = vec![0; len as usize + 1];
    let n = fill(&mut f, &mut buf).map_err(io)?;
    buf.truncate(n);
    if n > len as usize {
        // It grew while being read: the rest, up to the limit plus one.
        f.take((max + 1).saturating_sub(n) as u64).read_to_end(&mut buf).map_err(io)?;
        if buf.len() > max {
            return Err(InputError::TooLarge { path: path.to_path_buf(), line: None, size: buf.len() as u64, max });
        }
    }
    Ok(buf)
}

/// A buffer reused for reading many files one after the other (one per thread): no
/// allocation, no fresh pages and no `fstat` per file, only `open`, `read` until the end,
/// and `close`.
///
/// ```
/// use ffbkit_sdk::input::{InputError, ReadBuf};
/// let dir = std::env::temp_dir().join(format!("ffbkit-readbuf-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("a.json"), b"{}").unwrap();
/// let mut buf = ReadBuf::default();
/// assert!(matches!(buf.read(&dir.join("a.json"), 1024), Ok(b) if b == b"{}"));
/// assert!(matches!(buf.read(&dir.join("a.json"), 1), Err(InputError::TooLarge { size: 2, .. })));
/// assert!(matches!(buf.read(&dir.join("missing.json"), 1024), Err(InputError::Io { .. })));
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
    pub fn read(&mut self, path: &Path, max: usize) -> Result<&[u8], InputError> {
        if self.buf.len() > Self::KEEP {
            self.buf = Vec::new();
        }
        let io = |e| InputError::io(path, None, e);
        let mut f = std::fs::File::open(path).map_err(io)?;
        let mut n = 0;
        loop {
            if n == self.buf.len() {
                let grown = (self.buf.len() * 2).max(Self::START).min(max.saturating_add(1));
                self.buf.resize(grown, 0);
            }
            n += fill(&mut f, &mut self.buf[n..]).map_err(io)?;
            if n > max {
                let size = f.metadata().map_or(n as u64, |m| m.len().max(n as u64));
                return Err(InputError::TooLarge { path: path.to_path_buf(), line: None, size, max });
            }
            if n < self.buf.len() {
                return Ok(&self.buf[..n]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ffbkit-input-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_reused_buffer_reads_each_file_whole() {
        let dir = temp("readbuf");
        // Larger than the first buffer, then smaller: the second read must not show the
        // first one's tail; one of exactly the limit is read, one byte more is refused.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("big"), &big).unwrap();
        std::fs::write(dir.join("small"), b"abc").unwrap();
        std::fs::write(dir.join("empty"), b"").unwrap();
        let mut buf = ReadBuf::default();
        assert!(matches!(buf.read(&dir.join("big"), 1 << 20), Ok(b) if b == big.as_slice()));
        assert!(matches!(buf.read(&dir.join("small"), 1 << 20), Ok(b) if b == b"abc"));
        assert!(matches!(buf.read(&dir.join("empty"), 1 << 20), Ok(b) if b.is_empty()));
        assert!(matches!(buf.read(&dir.join("big"), 200_000), Ok(b) if b.len() == 200_000));
        assert!(matches!(buf.read(&dir.join("big"), 199_999), Err(InputError::TooLarge { size: 200_000, .. })));
        assert!(matches!(buf.read(&dir.join("small"), 0), Err(InputError::TooLarge { size: 3, .. })));
        assert!(matches!(buf.read(&dir, 1 << 20), Err(InputError::Io { .. })));
        // A fresh buffer and a tiny limit.
        assert!(matches!(ReadBuf::default().read(&dir.join("small"), 1), Err(InputError::TooLarge { size: 3, .. })));
        assert!(matches!(ReadBuf::default().read(&dir.join("small"), 3), Ok(b) if b == b"abc"));
        // The owned read agrees.
        assert!(matches!(read_file(&dir.join("big"), 1 << 20), Ok(b) if b == big));
        assert!(matches!(read_file(&dir.join("empty"), 1 << 20), Ok(b) if b.is_empty()));
        assert!(matches!(read_file(&dir.join("big"), 199_999), Err(InputError::TooLarge { size: 200_000, .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ndjson_lines_are_named_numbered_and_located() {
        let dir = temp("ndjson");
        let text = b"{\"a\":1}\n\n   \n{\"b\":2}\r\n{\"c\":33333333333}\n{\"d\":4}";
        std::fs::write(dir.join("s.ndjson"), text).unwrap();
        let units: Vec<Result<Unit, InputError>> = reports(&[dir.join("s.ndjson")], 12).collect();
        let mut seen = Vec::new();
        for u in &units {
            match u {
                Ok(Unit::Line { line, offset, bytes, .. }) => {
                    assert_eq!(&text[*offset as usize..*offset as usize + bytes.len()], bytes.as_slice());
                    seen.push(format!("{line}:{}", String::from_utf8_lossy(bytes).trim()));
                }
                Err(e @ InputError::TooLarge { line: Some(5), size: 17, max: 12, .. }) => {
                    seen.push(e.name().rsplit(':').next().unwrap().to_string() + ":too large")
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(seen, ["1:{\"a\":1}", "4:{\"b\":2}", "5:too large", "6:{\"d\":4}"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A line of `len` bytes of `a`, then `\n{"z":1}\n`, made as it is read (never held).
    struct LongLine {
        left: u64,
        tail: &'static [u8],
    }

    impl Read for LongLine {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left > 0 {
                let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
                buf[..n].fill(b'a');
                self.left -= n as u64;
                return Ok(n);
            }
            let n = buf.len().min(self.tail.len());
            buf[..n].copy_from_slice(&self.tail[..n]);
            self.tail = &self.tail[n..];
            Ok(n)
        }
    }

    #[test]
    fn an_ndjson_line_over_the_limit_is_skipped_without_holding_it() {
        // 256 MiB on one line with a 1 MiB limit: skipped through the reader's 1 MiB buffer.
        // Holding it would take 256 MiB; what is held here is the limit (the real file case:
        // a 300 MB line, `ffbkit validate` peaks at 124 MB with the 32 MiB default, debug).
        let big = 256u64 << 20;
        let reader = BufReader::with_capacity(1 << 20, LongLine { left: big, tail: b"\n{\"z\":1}\n" });
        let mut lines = Lines { reader: Box::new(reader), path: PathBuf::from("long.ndjson"), line: 0, offset: 0 };
        match lines.next(1 << 20) {
            Some(Err(InputError::TooLarge { line: Some(1), size, max, .. })) => assert_eq!((size, max), (big, 1 << 20)),
            other => panic!("{other:?}"),
        }
        match lines.next(1 << 20) {
            Some(Ok(Unit::Line { line: 2, offset, bytes, .. })) => {
                assert_eq!(offset, big + 1);
                assert_eq!(bytes, b"{\"z\":1}\n");
            }
            other => panic!("{other:?}"),
        }
        assert!(lines.next(1 << 20).is_none());
    }

    #[test]
    fn sorted_paths_are_in_path_order() {
        let names = [
            "r/a/x.json",
            "r/a-b/y.json",
            "r/a.b/z.json",
            "r/a/b/c.json",
            "r/ab.json",
            "r/a0.json",
            "r/A.json",
            "r/æ.json",
            "r/a/ x.json",
            "r/a!/x.json",
        ];
        let mut ours: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut std_order = ours.clone();
        sort_paths(&mut ours);
        std_order.sort();
        assert_eq!(ours, std_order);
    }
}
