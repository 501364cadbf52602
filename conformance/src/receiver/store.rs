//! The receiver's evidence store: every request body it read (accepted, rejected, even
//! unreadable ones), with receive time, sender, the answer it gave, in one SQLite file
//! (WAL, `synchronous=FULL`). A write is committed before the receiver answers.
//!
//! CPR numbers never leave the store in clear: a citizen is named by a *citizen key*, the
//! SDK's pseudonym ([`ffbkit_sdk::cpr::pseudonym`], HMAC-SHA-256) of the CPR number under a
//! random salt made when the store is created and kept in it, so keys are stable for one
//! store and meaningless outside it. Which CPR number a report names is
//! [`ffbkit_sdk::report::citizen_cpr`]'s answer. The masked
//! CPR (`010181-****`) is kept beside it for people.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A store error: the database, or content in it that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed (I/O, full disk, a locked or corrupt file).
    #[error("receiver store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value is not what the store writes (e.g. an outcome that is not JSON).
    #[error("receiver store: {0}")]
    Corrupt(String),
    /// The directory of the store cannot be created.
    #[error("receiver store: cannot create {path}: {source}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store's file cannot be created (owner-only).
    #[error("receiver store: cannot create {path}: {source}")]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// One received request, as stored.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredReport {
    /// Receive order (1, 2, ...), unique in the store.
    pub seq: i64,
    /// The Bundle's `id`, when the body is a JSON object with one.
    pub bundle_id: Option<String>,
    /// When it was received (RFC 3339, UTC, milliseconds).
    pub received_at: String,
    /// Who sent it: `bearer:<token fingerprint>@<peer>` with a token, else the peer address.
    pub sender: String,
    /// The citizen's key (see the module docs), when the report names a CPR number.
    pub citizen_key: Option<String>,
    /// The citizen's CPR number, masked (`010181-****`).
    pub citizen_masked: Option<String>,
    /// The municipality's STS organisation identifier, when found.
    pub municipality: Option<String>,
    /// The Bundle's `timestamp`, when found.
    pub timestamp: Option<String>,
    /// True when the receiver accepted it (answered 201).
    pub accepted: bool,
    /// The HTTP status it was answered with (201, 400, 409, 415, 422, ...).
    pub status: u16,
    /// The `OperationOutcome` it was answered with.
    pub outcome: Value,
    /// The request body, byte for byte (it holds the CPR number in clear).
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// One citizen with accepted reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CitizenSummary {
    /// The citizen key (used in URLs).
    pub citizen_key: String,
    /// The CPR number, masked.
    pub citizen_masked: String,
    /// The municipality of the latest accepted report.
    pub municipality: String,
    /// Accepted reports.
    pub reports: u64,
    /// The latest Bundle timestamp among them.
    pub last_timestamp: String,
}

/// A request to record (made by the receiver after validation).
#[derive(Clone, Debug)]
pub struct Incoming {
    /// What identifies a re-send: the `Idempotency-Key` header, else the Bundle id.
    pub dedupe_key: Option<String>,
    /// The Bundle id, when found.
    pub bundle_id: Option<String>,
    /// Receive time, RFC 3339 UTC.
    pub received_at: String,
    /// Sender (see [`StoredReport::sender`]).
    pub sender: String,
    /// The CPR number in clear (hashed into the citizen key and masked; never stored clear
    /// outside the body).
    pub cpr: Option<String>,
    /// Municipality, when found.
    pub municipality: Option<String>,
    /// Bundle timestamp, when found.
    pub timestamp: Option<String>,
    /// The answer validation gave: status (201 accepted, 4xx rejected) and OperationOutcome.
    pub status: u16,
    /// The OperationOutcome validation gave.
    pub outcome: Value,
    /// The body.
    pub body: Vec<u8>,
}

/// What recording one request did.
#[derive(Clone, Debug, PartialEq)]
pub enum Recorded {
    /// Stored as a new row with the status and outcome given.
    Stored {
        /// Its seq.
        seq: i64,
    },
    /// The same key was already accepted with identical bytes: not stored again; answer
    /// as accepted with the first outcome.
    Duplicate {
        /// The seq of the accepted original.
        seq: i64,
        /// The outcome the original was answered with.
        outcome: Value,
    },
    /// The same key was already accepted with other bytes: stored as rejected (409).
    Conflict {
        /// Its seq.
        seq: i64,
        /// The seq of the accepted original.
        original: i64,
        /// The outcome stored and to be answered.
        outcome: Value,
    },
}

/// The store. `Send + Sync`: one writer connection and one reader connection, each behind a
/// mutex (WAL lets reads run beside a write).
pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    salt: Vec<u8>,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT,
    bundle_id TEXT,
    received_at TEXT NOT NULL,
    sender TEXT NOT NULL,
    citizen_key TEXT,
    citizen_masked TEXT,
    municipality TEXT,
    timestamp TEXT,
    accepted INTEGER NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_citizen ON reports (citizen_key, seq) WHERE accepted = 1;
CREATE INDEX IF NOT EXISTS reports_dedupe ON reports (dedupe_key) WHERE accepted = 1;
";

const COLUMNS: &str =
    "seq, bundle_id, received_at, sender, citizen_key, citizen_masked, municipality, timestamp, accepted, status, outcome, body";

fn connect(path: &Path) -> Result<Connection, StoreError> {
    // The bodies hold CPR numbers: the file is its owner's only.
    ffbkit_sdk::private_file::create_private(path).map_err(|source| StoreError::Create { path: path.to_path_buf(), source })?;
    let db = Connection::open(path)?;
    db.busy_timeout(std::time::Duration::from_secs(30))?;
    // Reports are 10-40 KB: larger pages mean fewer overflow pages per body (takes effect
    // when the file is created).
    db.pragma_update(None, "page_size", 16384)?;
    db.pragma_update(None, "journal_mode", "WAL")?;
    db.pragma_update(None, "synchronous", "FULL")?;
    Ok(db)
}

fn row_to_report(row: &Row<'_>) -> rusqlite::Result<(StoredReport, String)> {
    Ok((
        StoredReport {
            seq: row.get(0)?,
            bundle_id: row.get(1)?,
            received_at: row.get(2)?,
            sender: row.get(3)?,
            citizen_key: row.get(4)?,
            citizen_masked: row.get(5)?,
            municipality: row.get(6)?,
            timestamp: row.get(7)?,
            accepted: row.get::<_, i64>(8)? != 0,
            status: row.get(9)?,
            outcome: Value::Null,
            body: row.get(11)?,
        },
        row.get(10)?,
    ))
}

fn finish(rows: Vec<(StoredReport, String)>) -> Result<Vec<StoredReport>, StoreError> {
    rows.into_iter()
        .map(|(mut r, outcome)| {
            r.outcome =
                serde_json::from_str(&outcome).map_err(|e| StoreError::Corrupt(format!("report {}: outcome is not JSON: {e}", r.seq)))?;
            Ok(r)
        })
        .collect()
}

/// Hex of the SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running [`Store::content_hash`]: feed accepted bodies in seq order. Used by the load
/// generator to compute, from what it sent, the hash the store must have.
#[derive(Clone, Debug, Default)]
pub struct ContentHasher(Sha256);

impl ContentHasher {
    /// A hasher over no body yet.
    pub fn new() -> Self {
        ContentHasher(Sha256::new())
    }
    /// Add the next body: its length (8 bytes, big-endian), then its bytes.
    pub fn update(&mut self, body: &[u8]) {
        self.0.update((body.len() as u64).to_be_bytes());
        self.0.update(body);
    }
    /// The hex digest.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

impl Store {
    /// Open (or create, with its directory) the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir { path: dir.to_path_buf(), source })?;
        }
        let writer = connect(path)?;
        writer.execute_batch(SCHEMA)?;
        let salt: Option<Vec<u8>> = writer.query_row("SELECT value FROM meta WHERE key = 'citizen_salt'", [], |r| r.get(0)).optional()?;
        let salt = match salt {
            Some(s) => s,
            None => {
                let mut s = vec![0u8; 32];
                getrandom::getrandom(&mut s).map_err(|e| StoreError::Corrupt(format!("no randomness for the citizen salt: {e}")))?;
                writer.execute("INSERT INTO meta (key, value) VALUES ('citizen_salt', ?1)", params![s])?;
                s
            }
        };
        let reader = connect(path)?;
        Ok(Store { writer: Mutex::new(writer), reader: Mutex::new(reader), salt, path: path.to_path_buf() })
    }

    /// The file of the store.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The citizen key of a CPR number in this store (32 hex digits).
    pub fn citizen_key(&self, cpr: &str) -> String {
        ffbkit_sdk::cpr::pseudonym(&self.salt, cpr)
    }

    /// Record a batch of requests in one transaction, committed (durably) before it returns.
    /// Duplicates and conflicts are decided here, against accepted rows and earlier requests
    /// of the same batch, so concurrent re-sends cannot both be stored.
    pub fn record(&self, batch: Vec<Incoming>) -> Result<Vec<Recorded>, StoreError> {
        let mut db = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        // Immediate: the write lock is taken at BEGIN, where the busy timeout applies (a
        // deferred transaction upgrading its lock fails at once when another process holds it).
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(batch.len());
        {
            let mut find = tx.prepare_cached(
                "SELECT seq, body_sha256, outcome FROM reports WHERE dedupe_key = ?1 AND accepted = 1 ORDER BY seq LIMIT 1",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO reports (dedupe_key, bundle_id, received_at, sender, citizen_key, citizen_masked, municipality, timestamp, accepted, status, outcome, body_sha256, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for mut inc in batch {
                let digest = sha256_hex(&inc.body);
                let mut conflict_with = None;
                if let Some(key) = &inc.dedupe_key {
                    let prior: Option<(i64, String, String)> =
                        find.query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
                    if let Some((seq, prior_digest, prior_outcome)) = prior {
                        if prior_digest == digest {
                            let outcome = serde_json::from_str(&prior_outcome)
                                .map_err(|e| StoreError::Corrupt(format!("report {seq}: outcome is not JSON: {e}")))?;
                            out.push(Recorded::Duplicate { seq, outcome });
                            continue;
                        }
                        inc.status = 409;
                        inc.outcome = super::answer::conflict(key, seq);
                        conflict_with = Some(seq);
                    }
                }
                let accepted = (200..300).contains(&inc.status);
                let citizen_key = inc.cpr.as_deref().map(|c| self.citizen_key(c));
                let masked = inc.cpr.as_deref().map(ffbkit_sdk::cpr::mask);
                insert.execute(params![
                    inc.dedupe_key,
                    inc.bundle_id,
                    inc.received_at,
                    inc.sender,
                    citizen_key,
                    masked,
                    inc.municipality,
                    inc.timestamp,
                    accepted as i64,
                    inc.status,
                    inc.outcome.to_string(),
                    digest,
                    inc.body,
                ])?;
                let seq = tx.last_insert_rowid();
                out.push(match conflict_with {
                    Some(original) => Recorded::Conflict { seq, original, outcome: inc.outcome },
                    None => Recorded::Stored { seq },
                });
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn query(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<StoredReport>, StoreError> {
        let db = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = db.prepare_cached(sql)?;
        let rows = stmt.query_map(params, row_to_report)?.collect::<Result<Vec<_>, _>>()?;
        finish(rows)
    }

    /// Every received request after `after_seq` (accepted or not), in seq order.
    pub fn reports_since(&self, after_seq: i64) -> Result<Vec<StoredReport>, StoreError> {
        self.query(&format!("SELECT {COLUMNS} FROM reports WHERE seq > ?1 ORDER BY seq"), params![after_seq])
    }

    /// At most `limit` received requests after `after_seq`, in seq order, taken while the
    /// bodies before them hold less than `max_bytes` (so always the first, and at most
    /// `max_bytes` plus one body): a page's memory is bounded by bytes, not only by rows
    /// (issue 22). The bodies' sizes are summed in SQL, so the rows left out are never read.
    pub fn reports_page(&self, after_seq: i64, limit: i64, max_bytes: i64) -> Result<Vec<StoredReport>, StoreError> {
        self.query(
            &format!(
                "SELECT {COLUMNS} FROM (SELECT *, SUM(length(body)) OVER (ORDER BY seq) AS running FROM reports \
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2) WHERE running - length(body) < ?3 ORDER BY seq"
            ),
            params![after_seq, limit, max_bytes.max(1)],
        )
    }

    /// One received request by seq.
    pub fn report(&self, seq: i64) -> Result<Option<StoredReport>, StoreError> {
        Ok(self.query(&format!("SELECT {COLUMNS} FROM reports WHERE seq = ?1"), params![seq])?.into_iter().next())
    }

    /// The accepted reports of a citizen (by citizen key), in seq order.
    pub fn citizen_reports(&self, citizen_key: &str) -> Result<Vec<StoredReport>, StoreError> {
        self.query(&format!("SELECT {COLUMNS} FROM reports WHERE citizen_key = ?1 AND accepted = 1 ORDER BY seq"), params![citizen_key])
    }

    /// Every citizen with accepted reports, by citizen key.
    pub fn citizens(&self) -> Result<Vec<CitizenSummary>, StoreError> {
        let db = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = db.prepare_cached(
            "SELECT citizen_key, MAX(citizen_masked), \
                    (SELECT municipality FROM reports r2 WHERE r2.citizen_key = r.citizen_key AND r2.accepted = 1 ORDER BY seq DESC LIMIT 1), \
                    COUNT(*), MAX(timestamp) \
             FROM reports r WHERE accepted = 1 AND citizen_key IS NOT NULL GROUP BY citizen_key ORDER BY citizen_key",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CitizenSummary {
                    citizen_key: r.get(0)?,
                    citizen_masked: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    municipality: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    reports: r.get::<_, i64>(3)? as u64,
                    last_timestamp: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Number of accepted reports.
    pub fn count_accepted(&self) -> Result<u64, StoreError> {
        let db = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        Ok(db.query_row("SELECT COUNT(*) FROM reports WHERE accepted = 1", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Number of received requests (accepted or not).
    pub fn count_received(&self) -> Result<u64, StoreError> {
        let db = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        Ok(db.query_row("SELECT COUNT(*) FROM reports", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// SHA-256 (hex) over the accepted bodies in seq order, each as its length (8 bytes,
    /// big-endian) followed by its bytes (see [`ContentHasher`]). Read from the bodies
    /// themselves, so it proves their content.
    pub fn content_hash(&self) -> Result<String, StoreError> {
        let db = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        let mut stmt = db.prepare("SELECT body FROM reports WHERE accepted = 1 ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut h = ContentHasher::new();
        while let Some(row) = rows.next()? {
            let body = row.get_ref(0)?.as_blob().map_err(|e| StoreError::Corrupt(e.to_string()))?;
            h.update(body);
        }
        Ok(h.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(key: &str, status: u16, body: &[u8]) -> Incoming {
        Incoming {
            dedupe_key: Some(key.into()),
            bundle_id: Some(key.into()),
            received_at: "2026-01-01T00:00:00.000Z".into(),
            sender: "127.0.0.1:1".into(),
            cpr: Some("0101814321".into()),
            municipality: Some("m".into()),
            timestamp: Some("2025-01-01T10:00:00+01:00".into()),
            status,
            outcome: serde_json::json!({"resourceType": "OperationOutcome", "issue": []}),
            body: body.to_vec(),
        }
    }

    #[test]
    fn content_hash_covers_the_accepted_bodies_in_seq_order_and_a_batch_dedupes_within_itself() {
        let dir = std::env::temp_dir().join(format!("ffbkit-store-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("r.sqlite")).unwrap();
        let got = store
            .record(vec![
                incoming("a", 201, b"{\"a\":1}"),
                incoming("b", 422, b"{\"b\":1}"),
                incoming("c", 201, b"{}"),
                incoming("a", 201, b"{\"a\":1}"),
                incoming("a", 201, b"{\"a\":2}"),
            ])
            .unwrap();
        assert_eq!(got[0], Recorded::Stored { seq: 1 });
        assert_eq!(got[3], Recorded::Duplicate { seq: 1, outcome: incoming("a", 201, b"").outcome });
        assert!(matches!(got[4], Recorded::Conflict { seq: 4, original: 1, .. }));
        let mut h = ContentHasher::new();
        h.update(b"{\"a\":1}");
        h.update(b"{}");
        assert_eq!(store.content_hash().unwrap(), h.finish());
        assert_eq!((store.count_accepted().unwrap(), store.count_received().unwrap()), (2, 4));
        let key = store.citizen_key("0101814321");
        assert_eq!(store.citizen_reports(&key).unwrap().iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(store.citizens().unwrap()[0].citizen_masked, "010181-****");
        std::fs::remove_dir_all(&dir).ok();
    }

    /// A page holds at most `limit` rows and no more bodies than `max_bytes` (always the
    /// first); the next page starts after it.
    #[test]
    fn a_page_is_bounded_by_bytes_as_well_as_rows() {
        let dir = std::env::temp_dir().join(format!("ffbkit-store-page-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("r.sqlite")).unwrap();
        let big = vec![b'x'; 1000];
        store.record((0..5).map(|i| incoming(&format!("k{i}"), 422, &big)).collect()).unwrap();
        let seqs = |after, limit, max| store.reports_page(after, limit, max).unwrap().iter().map(|r| r.seq).collect::<Vec<_>>();
        assert_eq!(seqs(0, 10, 1_000_000), vec![1, 2, 3, 4, 5]);
        assert_eq!(seqs(0, 3, 1_000_000), vec![1, 2, 3], "rows");
        assert_eq!(seqs(0, 10, 2500), vec![1, 2, 3], "bytes: 1,000 + 1,000 < 2,500, the third starts below it");
        assert_eq!(seqs(0, 10, 10), vec![1], "always the first");
        assert_eq!(seqs(3, 10, 1500), vec![4, 5]);
        assert_eq!(store.reports_since(0).unwrap().len(), 5);
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Another process's write lock makes a write wait (the busy timeout), not fail at once.
    #[test]
    fn a_write_waits_for_another_connections_lock() {
        let dir = std::env::temp_dir().join(format!("ffbkit-store-busy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("r.sqlite");
        let store = Store::open(&path).unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        let started = std::time::Instant::now();
        let got = store.record(vec![incoming("k", 201, b"{}")]);
        release.join().unwrap();
        assert!(got.is_ok(), "{got:?}");
        assert!(started.elapsed() >= std::time::Duration::from_millis(250), "it waited for the lock");
        std::fs::remove_dir_all(&dir).ok();
    }
}
