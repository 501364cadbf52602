//! The evidence store: one SQLite file per run (`RUN_DIR/evidence.sqlite`) holding the
//! run's settings, every exchange with the vendor adapter, every report received (the exact
//! bytes), each step's outcome and every verdict. Reports and exchanges are written BEFORE
//! they are judged, so nothing received is lost when judging, the vendor or the harness
//! fails.
//!
//! Journeys are the unit of resume: a journey is re-run from `/reset` under a new
//! *attempt* number unless it was finished; rows of earlier attempts stay in the store (and
//! in the content hash), but only the latest attempt of each journey counts.
//!
//! [`Store::content_hash`] is a SHA-256 over every row of every table in a fixed order, so
//! a certificate (`certify.json`) can be checked against its evidence later.
//!
//! **Hash chain** (issue 22): every row written is recorded in the table `chain` in the same
//! transaction: the SHA-256 of the row's content and a link hash, SHA-256 of the previous
//! link's hash, the table, the row id and the row's hash. [`Store::verify_chain`] recomputes
//! it; a store whose rows were edited, deleted or added outside ffbkit (with `sqlite3`, say),
//! or one from before the chain, is refused by `certify --resume` and `certify verify`
//! ([`Store::open_existing`]), naming the first row that does not match. Without a secret
//! the chain cannot stop someone who rewrites it whole; the certificate's recorded
//! `evidence_sha256` (and `certify --sign`) covers that.

use super::clock::utc_now;
use super::error::{HarnessError, Result};
use super::verdict::{Evidence, Status, Verdict};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The file name of the evidence store inside a run directory.
pub const FILE_NAME: &str = "evidence.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journeys (journey TEXT PRIMARY KEY, attempt INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE IF NOT EXISTS steps (journey TEXT NOT NULL, attempt INTEGER NOT NULL, idx INTEGER NOT NULL, step TEXT NOT NULL, date TEXT NOT NULL, outcome TEXT NOT NULL, messages TEXT NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY (journey, attempt, idx));
CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY, journey TEXT NOT NULL, attempt INTEGER NOT NULL, step TEXT, endpoint TEXT NOT NULL, request TEXT NOT NULL, status INTEGER, response BLOB, error TEXT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, journey TEXT NOT NULL, attempt INTEGER NOT NULL, step TEXT NOT NULL, source TEXT NOT NULL, receiver_seq INTEGER, received_at TEXT NOT NULL, bundle_id TEXT, citizen_masked TEXT, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts (id INTEGER PRIMARY KEY, journey TEXT NOT NULL, attempt INTEGER NOT NULL, step TEXT, check_id TEXT NOT NULL, status TEXT NOT NULL, evidence TEXT NOT NULL, messages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chain (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_id INTEGER NOT NULL, row_sha256 TEXT NOT NULL, hash TEXT NOT NULL);
";

/// The evidence tables, each with the order of [`Store::content_hash`]; every row of each is
/// in the hash chain.
const TABLES: [(&str, &str); 6] =
    [("meta", "key"), ("journeys", "journey"), ("steps", "journey, attempt, idx"), ("calls", "id"), ("reports", "id"), ("verdicts", "id")];

/// The hash before the first link.
const GENESIS: &str = "ffbkit-evidence-chain/1";

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Feed one row, column by column, into `h` (typed, length-prefixed: no two rows encode
/// alike). The one row encoding of the content hash and the chain.
fn hash_row(h: &mut Sha256, row: &rusqlite::Row<'_>, columns: std::ops::Range<usize>) -> rusqlite::Result<()> {
    for i in columns {
        match row.get_ref(i)? {
            rusqlite::types::ValueRef::Null => h.update([0u8]),
            rusqlite::types::ValueRef::Integer(n) => {
                h.update([1u8]);
                h.update(n.to_be_bytes());
            }
            rusqlite::types::ValueRef::Real(x) => {
                h.update([2u8]);
                h.update(x.to_be_bytes());
            }
            rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                h.update([3u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    h.update([0xffu8]);
    Ok(())
}

/// The hash of a link: the previous link's hash, the table, the row id, the row's hash.
fn link_hash(prev: &str, table: &str, row_id: i64, row_sha256: &str) -> String {
    hex(Sha256::digest(format!("{prev}\n{table}\n{row_id}\n{row_sha256}").as_bytes()))
}

/// Record row `row_id` of `table`, as it is now, as the chain's next link.
fn link(conn: &Connection, table: &str, row_id: i64) -> Result<()> {
    let mut st = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE rowid = ?1"))?;
    let columns = st.column_count();
    let mut h = Sha256::new();
    st.query_row([row_id], |row| hash_row(&mut h, row, 0..columns))?;
    let row_sha256 = hex(h.finalize());
    let prev: Option<String> = conn.query_row("SELECT hash FROM chain ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).optional()?;
    let hash = link_hash(prev.as_deref().unwrap_or(GENESIS), table, row_id, &row_sha256);
    conn.execute("INSERT INTO chain(tbl, row_id, row_sha256, hash) VALUES (?1, ?2, ?3, ?4)", params![table, row_id, row_sha256, hash])?;
    Ok(())
}

/// One exchange with the vendor adapter, as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Call {
    /// Row id.
    pub id: i64,
    /// Journey.
    pub journey: String,
    /// Step, when the call belongs to one (not for `/reset`).
    pub step: Option<String>,
    /// `POST /actions` etc.
    pub endpoint: String,
    /// The request body sent.
    pub request: String,
    /// HTTP status answered, when an answer came.
    pub status: Option<u16>,
    /// The answer's body (exact bytes, lossy UTF-8 here).
    pub response: Option<String>,
    /// What went wrong (timeout, connection refused, malformed body), when something did.
    pub error: Option<String>,
    /// When (UTC).
    pub at: String,
}

/// A report as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvidenceReport {
    /// Row id (what [`Evidence::report`] points at).
    pub id: i64,
    /// Journey.
    pub journey: String,
    /// The step whose delivery produced it.
    pub step: String,
    /// `push` (received by the in-process gateway), `pull` (in the `/deliver` answer) or
    /// `manual`.
    pub source: String,
    /// The receiver's sequence number, for pushed reports.
    pub receiver_seq: Option<i64>,
    /// When it was received (UTC).
    pub received_at: String,
    /// The Bundle id, when readable.
    pub bundle_id: Option<String>,
    /// The citizen's CPR number, masked, when readable.
    pub citizen_masked: Option<String>,
    /// The exact bytes received.
    pub body: Vec<u8>,
}

/// A new report to store.
#[derive(Clone, Debug)]
pub struct NewReport<'a> {
    /// `push`, `pull` or `manual`.
    pub source: &'a str,
    /// The receiver's sequence number, for pushed reports.
    pub receiver_seq: Option<i64>,
    /// When it was received (UTC); now when none.
    pub received_at: Option<String>,
    /// The exact bytes received.
    pub body: &'a [u8],
}

/// How a step ended, as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StepRecord {
    /// Position in the journey.
    pub idx: usize,
    /// Step id.
    pub step: String,
    /// Business date.
    pub date: String,
    /// `judged` (the vendor answered and the step was judged) or `error`.
    pub outcome: String,
    /// Why, for an error.
    pub messages: Vec<String>,
}

/// The evidence store of one run.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Open (creating when missing) the store in `run_dir`.
    pub fn open(run_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(run_dir).map_err(HarnessError::io("create", run_dir))?;
        let path = run_dir.join(FILE_NAME);
        // The evidence holds the reports as received (CPR numbers): the file is its owner's only.
        ffbkit_sdk::private_file::create_private(&path).map_err(HarnessError::io("create", &path))?;
        let conn = Connection::open(&path).map_err(|source| HarnessError::OpenStore { path: path.clone(), source })?;
        // FULL: every commit of evidence reaches the disk before the run goes on (NORMAL could
        // lose the last commits on a power loss, issue 22).
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Open the store in `run_dir`, which must exist and whose hash chain must match its rows
    /// (for resume and verify; [`HarnessError::EvidenceEdited`] otherwise).
    pub fn open_existing(run_dir: &Path) -> Result<Store> {
        let path = run_dir.join(FILE_NAME);
        if !path.is_file() {
            return Err(HarnessError::NoEvidenceStore { path });
        }
        let store = Store::open(run_dir)?;
        if let Err(detail) = store.verify_chain()? {
            return Err(HarnessError::EvidenceEdited { path, detail });
        }
        Ok(store)
    }

    /// Remove a run directory's store (a fresh run in the same directory).
    pub fn remove(run_dir: &Path) -> Result<()> {
        for suffix in ["", "-wal", "-shm"] {
            let p = run_dir.join(format!("{FILE_NAME}{suffix}"));
            if p.exists() {
                std::fs::remove_file(&p).map_err(HarnessError::io("remove", &p))?;
            }
        }
        Ok(())
    }

    /// Run `f` in one write transaction, committed when it succeeds. `BEGIN IMMEDIATE` takes
    /// the write lock at once, so another process's lock is waited for (busy timeout) instead
    /// of failing at the first write.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let done = f(&self.conn).and_then(|v| {
            self.conn.execute_batch("COMMIT")?;
            Ok(v)
        });
        if done.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        done
    }

    /// Set a run setting.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write(|c| {
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            let row: i64 = c.query_row("SELECT rowid FROM meta WHERE key = ?1", [key], |r| r.get(0))?;
            link(c, "meta", row)
        })
    }

    /// A run setting.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// True when the journey was finished (all steps judged) in an earlier attempt.
    pub fn journey_done(&self, journey: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT done FROM journeys WHERE journey = ?1", [journey], |r| r.get::<_, i64>(0))
            .optional()?
            .is_some_and(|d| d != 0))
    }

    /// Start (or restart) a journey: returns its attempt number (1 for the first).
    pub fn begin_journey(&self, journey: &str) -> Result<i64> {
        self.write(|c| {
            let prev: Option<i64> = c.query_row("SELECT attempt FROM journeys WHERE journey = ?1", [journey], |r| r.get(0)).optional()?;
            let attempt = prev.unwrap_or(0) + 1;
            c.execute(
                "INSERT INTO journeys(journey, attempt, done, started_at) VALUES (?1, ?2, 0, ?3)
                 ON CONFLICT(journey) DO UPDATE SET attempt = excluded.attempt, done = 0, started_at = excluded.started_at, finished_at = NULL",
                params![journey, attempt, utc_now()],
            )?;
            link_journey(c, journey)?;
            Ok(attempt)
        })
    }

    /// Mark a journey finished.
    pub fn finish_journey(&self, journey: &str) -> Result<()> {
        self.write(|c| {
            c.execute("UPDATE journeys SET done = 1, finished_at = ?2 WHERE journey = ?1", params![journey, utc_now()])?;
            link_journey(c, journey)
        })
    }

    /// The current attempt of a journey (0 when never started).
    pub fn attempt(&self, journey: &str) -> Result<i64> {
        Ok(self.conn.query_row("SELECT attempt FROM journeys WHERE journey = ?1", [journey], |r| r.get(0)).optional()?.unwrap_or(0))
    }

    /// Journeys in the store with their current attempt and whether finished.
    pub fn journeys(&self) -> Result<Vec<(String, i64, bool)>> {
        let mut st = self.conn.prepare("SELECT journey, attempt, done FROM journeys ORDER BY journey")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record an exchange with the adapter (before anything is judged). Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn add_call(
        &self,
        journey: &str,
        step: Option<&str>,
        endpoint: &str,
        request: &str,
        status: Option<u16>,
        response: Option<&[u8]>,
        error: Option<&str>,
    ) -> Result<i64> {
        let attempt = self.attempt(journey)?;
        self.write(|c| {
            c.execute(
                "INSERT INTO calls(journey, attempt, step, endpoint, request, status, response, error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![journey, attempt, step, endpoint, request, status, response, error, utc_now()],
            )?;
            let id = c.last_insert_rowid();
            link(c, "calls", id)?;
            Ok(id)
        })
    }

    /// Record a received report (before it is judged). Returns its id.
    pub fn add_report(&self, journey: &str, step: &str, r: &NewReport<'_>) -> Result<i64> {
        let attempt = self.attempt(journey)?;
        let value: Option<serde_json::Value> = serde_json::from_slice(r.body).ok();
        let bundle_id = value.as_ref().and_then(|v| v.get("id")).and_then(|v| v.as_str()).map(str::to_string);
        let citizen = value.as_ref().and_then(ffbkit_sdk::report::citizen_cpr).map(ffbkit_sdk::cpr::mask);
        self.write(|c| {
            c.execute(
                "INSERT INTO reports(journey, attempt, step, source, receiver_seq, received_at, bundle_id, citizen_masked, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![journey, attempt, step, r.source, r.receiver_seq, r.received_at.clone().unwrap_or_else(utc_now), bundle_id, citizen, r.body],
            )?;
            let id = c.last_insert_rowid();
            link(c, "reports", id)?;
            Ok(id)
        })
    }

    /// Record a step's outcome and its verdicts in one transaction.
    pub fn finish_step(&mut self, journey: &str, rec: &StepRecord, verdicts: &[Verdict]) -> Result<()> {
        let attempt = self.attempt(journey)?;
        self.write(|c| {
            // An upsert, not `INSERT OR REPLACE`: the row keeps its id, so no chained row is
            // ever deleted.
            c.execute(
                "INSERT INTO steps(journey, attempt, idx, step, date, outcome, messages, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(journey, attempt, idx) DO UPDATE SET step = excluded.step, date = excluded.date, outcome = excluded.outcome, messages = excluded.messages, finished_at = excluded.finished_at",
                params![journey, attempt, rec.idx as i64, rec.step, rec.date, rec.outcome, serde_json::to_string(&rec.messages)?, utc_now()],
            )?;
            let row: i64 = c.query_row(
                "SELECT rowid FROM steps WHERE journey = ?1 AND attempt = ?2 AND idx = ?3",
                params![journey, attempt, rec.idx as i64],
                |r| r.get(0),
            )?;
            link(c, "steps", row)?;
            insert_verdicts(c, attempt, verdicts)
        })
    }

    /// Record verdicts that belong to no single step (end of a journey).
    pub fn add_verdicts(&mut self, journey: &str, verdicts: &[Verdict]) -> Result<()> {
        let attempt = self.attempt(journey)?;
        self.write(|c| insert_verdicts(c, attempt, verdicts))
    }

    /// The reports of a journey's current attempt, in the order received.
    pub fn reports(&self, journey: &str) -> Result<Vec<StoredEvidenceReport>> {
        let attempt = self.attempt(journey)?;
        let mut st = self.conn.prepare("SELECT id, journey, step, source, receiver_seq, received_at, bundle_id, citizen_masked, body FROM reports WHERE journey = ?1 AND attempt = ?2 ORDER BY id")?;
        let rows = st.query_map(params![journey, attempt], |r| {
            Ok(StoredEvidenceReport {
                id: r.get(0)?,
                journey: r.get(1)?,
                step: r.get(2)?,
                source: r.get(3)?,
                receiver_seq: r.get(4)?,
                received_at: r.get(5)?,
                bundle_id: r.get(6)?,
                citizen_masked: r.get(7)?,
                body: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The exchanges of a journey's current attempt.
    pub fn calls(&self, journey: &str) -> Result<Vec<Call>> {
        let attempt = self.attempt(journey)?;
        let mut st = self.conn.prepare("SELECT id, journey, step, endpoint, request, status, response, error, at FROM calls WHERE journey = ?1 AND attempt = ?2 ORDER BY id")?;
        let rows = st.query_map(params![journey, attempt], |r| {
            let response: Option<Vec<u8>> = r.get(6)?;
            Ok(Call {
                id: r.get(0)?,
                journey: r.get(1)?,
                step: r.get(2)?,
                endpoint: r.get(3)?,
                request: r.get(4)?,
                status: r.get::<_, Option<i64>>(5)?.map(|s| s as u16),
                response: response.map(|b| String::from_utf8_lossy(&b).into_owned()),
                error: r.get(7)?,
                at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The steps recorded in a journey's current attempt, in order.
    pub fn steps(&self, journey: &str) -> Result<Vec<StepRecord>> {
        let attempt = self.attempt(journey)?;
        let mut st =
            self.conn.prepare("SELECT idx, step, date, outcome, messages FROM steps WHERE journey = ?1 AND attempt = ?2 ORDER BY idx")?;
        let rows = st.query_map(params![journey, attempt], |r| {
            let messages: String = r.get(4)?;
            Ok(StepRecord {
                idx: r.get::<_, i64>(0)? as usize,
                step: r.get(1)?,
                date: r.get(2)?,
                outcome: r.get(3)?,
                messages: serde_json::from_str(&messages).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The verdicts of the current attempt of every journey, in the order recorded.
    pub fn verdicts(&self) -> Result<Vec<Verdict>> {
        let mut st = self.conn.prepare(
            "SELECT v.journey, v.step, v.check_id, v.status, v.evidence, v.messages FROM verdicts v
             JOIN journeys j ON j.journey = v.journey AND j.attempt = v.attempt ORDER BY v.id",
        )?;
        let rows = st.query_map([], |r| {
            let status: String = r.get(3)?;
            let evidence: String = r.get(4)?;
            let messages: String = r.get(5)?;
            Ok(Verdict {
                journey: r.get(0)?,
                step: r.get(1)?,
                check: r.get(2)?,
                status: Status::parse(&status).unwrap_or(Status::Error),
                evidence: serde_json::from_str::<Vec<Evidence>>(&evidence).unwrap_or_default(),
                messages: serde_json::from_str(&messages).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Rows of earlier attempts kept for the record: (reports, calls).
    pub fn superseded(&self) -> Result<(usize, usize)> {
        let q = |table: &str| -> Result<usize> {
            Ok(self.conn.query_row(
                &format!("SELECT COUNT(*) FROM {table} t JOIN journeys j ON j.journey = t.journey WHERE t.attempt < j.attempt"),
                [],
                |r| r.get::<_, i64>(0),
            )? as usize)
        };
        Ok((q("reports")?, q("calls")?))
    }

    /// SHA-256 (hex) over every row of every table, in a fixed order: the certificate's
    /// content hash.
    pub fn content_hash(&self) -> Result<String> {
        let mut h = Sha256::new();
        h.update(b"ffbkit-evidence/1\n");
        for (table, order) in TABLES {
            h.update(table.as_bytes());
            h.update([0u8]);
            let mut st = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
            let columns = st.column_count();
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                hash_row(&mut h, row, 0..columns)?;
            }
        }
        Ok(hex(h.finalize()))
    }

    /// The connection, for tests that forge evidence.
    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Append a link for a row as it is now (a forger's rewrite of the chain, for tests).
    #[cfg(test)]
    pub(crate) fn relink_for_tests(&self, table: &str, row_id: i64) {
        link(&self.conn, table, row_id).unwrap();
    }

    /// Check the hash chain against the rows: each link follows from the one before, every
    /// row of every evidence table has a link, and each row is as its latest link recorded
    /// it. `Err` names the first thing that does not match.
    pub fn verify_chain(&self) -> Result<std::result::Result<(), String>> {
        let mut latest: std::collections::HashMap<(String, i64), String> = std::collections::HashMap::new();
        let mut prev = GENESIS.to_string();
        let mut st = self.conn.prepare("SELECT seq, tbl, row_id, row_sha256, hash FROM chain ORDER BY seq")?;
        let mut links = st.query([])?;
        while let Some(l) = links.next()? {
            let (seq, table, row_id, row_sha256, hash): (i64, String, i64, String, String) =
                (l.get(0)?, l.get(1)?, l.get(2)?, l.get(3)?, l.get(4)?);
            if link_hash(&prev, &table, row_id, &row_sha256) != hash {
                return Ok(Err(format!(
                    "link {seq} of the hash chain ({table} row {row_id}) does not follow from the links before it: the chain was edited"
                )));
            }
            latest.insert((table, row_id), row_sha256);
            prev = hash;
        }
        let mut seen: std::collections::HashSet<(String, i64)> = std::collections::HashSet::new();
        for (table, _) in TABLES {
            let mut st = self.conn.prepare(&format!("SELECT rowid, * FROM {table} ORDER BY rowid"))?;
            let columns = st.column_count();
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                let row_id: i64 = row.get(0)?;
                let mut h = Sha256::new();
                // The row without its leading rowid, as `link` hashed it.
                hash_row(&mut h, row, 1..columns)?;
                let digest = hex(h.finalize());
                let what = describe_row(table, row);
                let key = (table.to_string(), row_id);
                match latest.get(&key) {
                    None => {
                        return Ok(Err(format!(
                            "{what} is not in the hash chain: it was added outside ffbkit, or the store is from before the chain"
                        )))
                    }
                    Some(d) if *d != digest => return Ok(Err(format!("{what} was changed after it was recorded"))),
                    Some(_) => {
                        seen.insert(key);
                    }
                }
            }
        }
        // A chained row that is no longer there was deleted (no row is ever deleted by ffbkit).
        if let Some((table, row_id)) = latest.keys().filter(|k| !seen.contains(*k)).min() {
            return Ok(Err(format!("{table} row {row_id} was deleted after it was recorded")));
        }
        Ok(Ok(()))
    }
}

/// A row named for a person: its table and id, and its journey, step and check when it has
/// them (`row` starts with the rowid).
fn describe_row(table: &str, row: &rusqlite::Row<'_>) -> String {
    let id: i64 = row.get(0).unwrap_or_default();
    let text = |name: &str| row.get::<_, Option<String>>(name).ok().flatten();
    let named: Vec<String> = [("journey", text("journey")), ("step", text("step")), ("check", text("check_id")), ("key", text("key"))]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
        .collect();
    if named.is_empty() {
        format!("{table} row {id}")
    } else {
        format!("{table} row {id} ({})", named.join(", "))
    }
}

fn link_journey(c: &Connection, journey: &str) -> Result<()> {
    let row: i64 = c.query_row("SELECT rowid FROM journeys WHERE journey = ?1", [journey], |r| r.get(0))?;
    link(c, "journeys", row)
}

fn insert_verdicts(tx: &Connection, attempt: i64, verdicts: &[Verdict]) -> Result<()> {
    let mut st = tx.prepare(
        "INSERT INTO verdicts(journey, attempt, step, check_id, status, evidence, messages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for v in verdicts {
        st.execute(params![
            v.journey,
            attempt,
            v.step,
            v.check,
            v.status.as_str(),
            serde_json::to_string(&v.evidence)?,
            serde_json::to_string(&v.messages)?
        ])?;
        link(tx, "verdicts", tx.last_insert_rowid())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_survives_reopen_and_attempts_supersede() {
        let dir = tempfile::tempdir().unwrap();
        let hash_before;
        {
            let mut s = Store::open(dir.path()).unwrap();
            s.set_meta("vendor", "reference").unwrap();
            assert_eq!(s.begin_journey("j").unwrap(), 1);
            let call = s.add_call("j", Some("a"), "POST /deliver", "{}", Some(500), Some(b"oops"), Some("HTTP 500")).unwrap();
            let rid =
                s.add_report("j", "a", &NewReport { source: "pull", receiver_seq: None, received_at: None, body: b"not json" }).unwrap();
            let v =
                Verdict::new("VUM-j-a", Status::Error, "j", Some("a")).with_evidence([Evidence::call(call), Evidence::report(rid, None)]);
            s.finish_step(
                "j",
                &StepRecord {
                    idx: 0,
                    step: "a".into(),
                    date: "2025-03-03".into(),
                    outcome: "error".into(),
                    messages: vec!["HTTP 500".into()],
                },
                std::slice::from_ref(&v),
            )
            .unwrap();
            assert_eq!(s.verdicts().unwrap(), vec![v]);
            hash_before = s.content_hash().unwrap();
            assert_eq!(hash_before.len(), 64);
        }
        let s = Store::open_existing(dir.path()).unwrap();
        assert_eq!(s.content_hash().unwrap(), hash_before, "the hash is a function of the stored rows");
        assert!(!s.journey_done("j").unwrap());
        assert_eq!(s.reports("j").unwrap()[0].body, b"not json");
        // Resume: a second attempt hides the first attempt's verdicts, keeps its evidence.
        assert_eq!(s.begin_journey("j").unwrap(), 2);
        assert!(s.verdicts().unwrap().is_empty());
        assert!(s.reports("j").unwrap().is_empty());
        assert_eq!(s.superseded().unwrap(), (1, 1));
        assert_ne!(s.content_hash().unwrap(), hash_before);
        s.finish_journey("j").unwrap();
        assert!(s.journey_done("j").unwrap());
    }
}
