//! A durable outbox in SQLite: reports are stored (and the write committed) before they are
//! sent, sent in the order they were queued, and marked when the gateway answered. Reports
//! queued while the gateway is down stay queued for the next flush; none is lost.
//!
//! Delivery is at least once: a report whose POST was under way when the process crashed
//! is sent again on the next flush, with the same `Idempotency-Key` (the Bundle id), so the
//! gateway can recognise it; a report the gateway answered is never sent again.
//!
//! Only the gateway's verdict on a report rejects it (422 with an OperationOutcome, 409,
//! 413). Another 4xx (401, 403, 404, 405, 408, ...) says something about the sender, the
//! token or the URL: the flush stops there, every report stays queued and
//! [`FlushSummary::stopped`] says why. 429, 5xx and transport errors are retried by the
//! client, and the rest stays queued when it gives up.

use super::client::{is_verdict, Delivery, GatewayClient};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

/// How long a write waits for another connection's (or process's) lock before failing.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// An outbox error.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The database.
    #[error("outbox: {0}")]
    Db(#[from] rusqlite::Error),
    /// Another report is queued under the same Bundle id (queueing the very same report
    /// again is fine). Nothing was written; give the changed report a new id.
    #[error("outbox: another report is queued with id {report_id}; a changed report needs a new Bundle id")]
    Conflict {
        /// The Bundle id.
        report_id: String,
    },
}

/// Why a flush stopped before the queue was empty, with every report left queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopReason {
    /// The gateway's HTTP status (401, 403, 404, 405, 408, ...): about the sender, the token
    /// or the URL, not a verdict on the report.
    pub status: u16,
    /// The Bundle id of the report being sent when it stopped (it stays queued).
    pub report_id: String,
    /// The answer's issues as text, if it had an OperationOutcome.
    pub message: String,
}

/// The state of a queued report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Waiting to be sent.
    Queued,
    /// Accepted by the gateway.
    Sent,
    /// Rejected by the gateway (must be corrected; never retried).
    Rejected,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sent => "sent",
            State::Rejected => "rejected",
        }
    }
}

/// What one flush did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlushSummary {
    /// Accepted now.
    pub sent: usize,
    /// Rejected now.
    pub rejected: usize,
    /// Still queued (the gateway could not be reached, or the flush stopped).
    pub still_queued: usize,
    /// Set when the gateway answered with a 4xx that is no verdict on the report (a wrong or
    /// expired token, a wrong URL, ...): the flush stopped and kept the queue.
    pub stopped: Option<StopReason>,
}

/// The outbox.
pub struct Outbox {
    db: Mutex<Connection>,
}

impl Outbox {
    /// Open (or create) the outbox database at `path`.
    /// Its writes wait up to [`BUSY_TIMEOUT`] for another connection's (or process's) lock.
    pub fn open(path: impl AsRef<Path>) -> Result<Outbox, OutboxError> {
        let db = Connection::open(path)?;
        db.busy_timeout(BUSY_TIMEOUT)?;
        Outbox::from_connection(db)
    }

    /// The outbox on an open database (its table made if missing).
    /// The connection keeps its busy timeout (set by the opener).
    pub(crate) fn from_connection(db: Connection) -> Result<Outbox, OutboxError> {
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS outbox (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 report_id TEXT NOT NULL UNIQUE,
                 citizen TEXT,
                 body BLOB NOT NULL,
                 state TEXT NOT NULL DEFAULT 'queued',
                 attempts INTEGER NOT NULL DEFAULT 0,
                 http_status INTEGER,
                 answer TEXT,
                 queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                 answered_at TEXT
             );",
        )?;
        Ok(Outbox { db: Mutex::new(db) })
    }

    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a report durably. The Bundle id is the key: queueing the same report twice
    /// keeps one; another report under an id already stored is [`OutboxError::Conflict`].
    /// `citizen` is stored masked.
    pub fn enqueue(&self, report: &serde_json::Value) -> Result<String, OutboxError> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id = insert(&tx, report)?;
        tx.commit()?;
        Ok(id)
    }

    /// Count reports in a state.
    pub fn count(&self, state: State) -> Result<usize, OutboxError> {
        let n: i64 = self.db().query_row("SELECT count(*) FROM outbox WHERE state = ?1", [state.as_str()], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Send queued reports in order until the queue is empty or the gateway cannot be
    /// reached (then the rest stay queued for the next flush).
    pub async fn flush(&self, client: &GatewayClient) -> Result<FlushSummary, OutboxError> {
        let mut summary = FlushSummary::default();
        loop {
            let next: Option<(i64, String, Vec<u8>)> = self
                .db()
                .query_row("SELECT seq, report_id, body FROM outbox WHERE state = 'queued' ORDER BY seq LIMIT 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((seq, id, body)) = next else { break };
            self.db().execute("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1", [seq])?;
            match client.send(&body, &id).await {
                Ok(Delivery::Accepted { status, issues, .. }) => {
                    self.answer(seq, State::Sent, status, &issues)?;
                    summary.sent += 1;
                }
                Ok(Delivery::Rejected { status, issues }) if !is_verdict(status, &issues) => {
                    let message = crate::cpr::mask_in_text(&issues.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join("; "));
                    summary.stopped = Some(StopReason { status, report_id: id, message });
                    break;
                }
                Ok(Delivery::Rejected { status, issues }) => {
                    self.answer(seq, State::Rejected, status, &issues)?;
                    summary.rejected += 1;
                }
                Err(_) => break,
            }
        }
        summary.still_queued = self.count(State::Queued)?;
        Ok(summary)
    }

    fn answer(&self, seq: i64, state: State, status: u16, issues: &[crate::validate::render::RemoteIssue]) -> Result<(), OutboxError> {
        let answer = serde_json::to_string(issues).unwrap_or_default();
        self.db().execute(
            "UPDATE outbox SET state = ?1, http_status = ?2, answer = ?3, answered_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE seq = ?4",
            params![state.as_str(), status, answer, seq],
        )?;
        Ok(())
    }
}

/// Queue a report within a transaction: [`Outbox::enqueue`]. The one check that a report
/// already stored under the id is the same report ([`OutboxError::Conflict`] otherwise).
pub(crate) fn insert(db: &Connection, report: &serde_json::Value) -> Result<String, OutboxError> {
    let id = report["id"].as_str().map(str::to_string).unwrap_or_else(|| crate::domain::Id::random().to_string());
    let citizen = crate::report::citizen_cpr(report).map(crate::cpr::mask);
    let body = serde_json::to_vec(report).unwrap_or_default();
    db.execute("INSERT OR IGNORE INTO outbox (report_id, citizen, body) VALUES (?1, ?2, ?3)", params![id, citizen, body])?;
    if db.changes() == 0 {
        let stored: Vec<u8> = db.query_row("SELECT body FROM outbox WHERE report_id = ?1", [&id], |r| r.get(0))?;
        if serde_json::from_slice::<serde_json::Value>(&stored).ok().as_ref() != Some(report) {
            return Err(OutboxError::Conflict { report_id: id });
        }
    }
    Ok(id)
}
