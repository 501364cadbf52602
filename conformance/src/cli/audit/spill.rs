//! The temporary SQLite store that keeps `ffbkit audit` in bounded memory: a first pass
//! records, per report, the citizen it is about, its timestamp and where its bytes are (a
//! file and byte range, or the bytes themselves for standard input); the audit then reads
//! one citizen's reports at a time in (citizen, timestamp) order. Audits with findings are
//! stored in a second file, so the details are written out at the end without holding them.

use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Where a report's bytes are.
pub(super) enum Location {
    /// In a file: source id, byte offset, length.
    File(i64, u64, usize),
    /// Held in the store (standard input).
    Bytes(Vec<u8>),
}

/// The store: a SQLite file in the temporary directory, deleted when dropped.
pub(super) struct Spill {
    db: Connection,
    path: PathBuf,
    sources: Vec<PathBuf>,
    files: HashMap<i64, File>,
    seq: i64,
    details: Details,
}

impl Spill {
    /// A new, empty store in `dir`.
    pub(super) fn create(dir: &Path) -> Result<Spill> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = dir.join(format!("ffbkit-audit-{}-{nanos}.sqlite", std::process::id()));
        ffbkit_sdk::private_file::create_private(&path)
            .with_context(|| format!("cannot create the audit's temporary store {}", path.display()))?;
        let db = Connection::open(&path).with_context(|| format!("cannot create the audit's temporary store {}", path.display()))?;
        db.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -16000;
             CREATE TABLE report (citizen TEXT NOT NULL, ts TEXT NOT NULL, seq INTEGER NOT NULL, source INTEGER, offset INTEGER, len INTEGER, bytes BLOB);",
        )?;
        db.execute_batch("BEGIN")?;
        let details = Details::create(path.with_extension("details.sqlite"))?;
        Ok(Spill { db, path, sources: Vec::new(), files: HashMap::new(), seq: 0, details })
    }

    /// Register an input file; returns its source id.
    pub(super) fn source(&mut self, path: &Path) -> i64 {
        self.sources.push(path.to_path_buf());
        self.sources.len() as i64 - 1
    }

    /// Record one report.
    pub(super) fn add(&mut self, citizen: &str, ts: &str, at: Location) -> Result<()> {
        self.seq += 1;
        let mut stmt = self
            .db
            .prepare_cached("INSERT INTO report (citizen, ts, seq, source, offset, len, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        match at {
            Location::File(s, o, l) => stmt.execute(params![citizen, ts, self.seq, s, o as i64, l as i64, Option::<Vec<u8>>::None])?,
            Location::Bytes(b) => {
                stmt.execute(params![citizen, ts, self.seq, Option::<i64>::None, Option::<i64>::None, Option::<i64>::None, b])?
            }
        };
        Ok(())
    }

    /// Finish the first pass: commit and index by citizen and time.
    pub(super) fn seal(&mut self) -> Result<()> {
        self.db.execute_batch("COMMIT; CREATE INDEX report_order ON report (citizen, ts, seq); BEGIN")?;
        Ok(())
    }

    /// Each citizen's reports in timestamp order, `batch` citizens at a time, handed to
    /// `on_batch` with the store for the details. One cursor walks the index, so no more
    /// than a batch is held.
    pub(super) fn citizens(&mut self, batch: usize, mut on_batch: impl FnMut(&mut Details, Vec<Vec<Vec<u8>>>) -> Result<()>) -> Result<()> {
        let Spill { db, sources, files, details, .. } = self;
        let mut stmt = db.prepare("SELECT citizen, source, offset, len, bytes FROM report ORDER BY citizen, ts, seq")?;
        let mut rows = stmt.query([])?;
        let mut groups: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut carry: Option<(String, Vec<Vec<u8>>)> = None;
        while let Some(r) = rows.next()? {
            let citizen: String = r.get(0)?;
            let (source, offset, len): (Option<i64>, Option<i64>, Option<i64>) = (r.get(1)?, r.get(2)?, r.get(3)?);
            let b = match (source, offset, len) {
                (Some(s), Some(off), Some(l)) => {
                    if let Entry::Vacant(e) = files.entry(s) {
                        let p = &sources[s as usize];
                        e.insert(File::open(p).with_context(|| format!("cannot re-open {}", p.display()))?);
                    }
                    let mut buf = vec![0u8; l as usize];
                    files[&s].read_exact_at(&mut buf, off as u64)?;
                    buf
                }
                _ => r.get::<_, Option<Vec<u8>>>(4)?.unwrap_or_default(),
            };
            match &mut carry {
                Some((c, v)) if *c == citizen => v.push(b),
                _ => {
                    if let Some((_, v)) = carry.take() {
                        groups.push(v);
                        if groups.len() >= batch {
                            on_batch(details, std::mem::take(&mut groups))?;
                        }
                    }
                    carry = Some((citizen, vec![b]));
                }
            }
        }
        groups.extend(carry.map(|(_, v)| v));
        if !groups.is_empty() {
            on_batch(details, groups)?;
        }
        Ok(())
    }

    /// The store of details.
    pub(super) fn details(&mut self) -> &mut Details {
        &mut self.details
    }
}

/// Audits with findings (JSON), kept on disk until written out.
pub(super) struct Details {
    db: Connection,
    path: PathBuf,
}

impl Details {
    fn create(path: PathBuf) -> Result<Details> {
        ffbkit_sdk::private_file::create_private(&path)
            .with_context(|| format!("cannot create the audit's temporary store {}", path.display()))?;
        let db = Connection::open(&path).with_context(|| format!("cannot create the audit's temporary store {}", path.display()))?;
        db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE detail (seq INTEGER PRIMARY KEY, municipality TEXT NOT NULL, json TEXT NOT NULL); BEGIN")?;
        Ok(Details { db, path })
    }

    /// Keep the details of one audited citizen.
    pub(super) fn keep(&mut self, municipality: &str, json: &str) -> Result<()> {
        self.db.prepare_cached("INSERT INTO detail (municipality, json) VALUES (?1, ?2)")?.execute(params![municipality, json])?;
        Ok(())
    }

    /// The kept details, by municipality, handed to `f`.
    pub(super) fn each(&mut self, mut f: impl FnMut(&str) -> Result<()>) -> Result<()> {
        let mut stmt = self.db.prepare("SELECT json FROM detail ORDER BY municipality, seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let j: String = r.get(0)?;
            f(&j)?;
        }
        Ok(())
    }
}

impl Drop for Details {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
