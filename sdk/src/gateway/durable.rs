//! The planner's memory in SQLite, beside the outbox (feature `client`): a nightly job that
//! is stopped, redeployed or killed and started again sends each change exactly once.
//!
//! - **One file, one transaction.** [`DurablePlanner`] opens the outbox's database and keeps,
//!   per case, the content fingerprint of every resource reported and the last day planned.
//!   [`DurablePlanner::plan_and_enqueue`] loads the case's memory, plans the day with the
//!   one planning algorithm ([`Planner::plan_day_typed`]), queues the report in the outbox
//!   and records the new memory in one SQLite transaction: "planned" and "queued" cannot
//!   diverge. A day without changes records the day only. Killed before the commit, nothing
//!   happened and the day is planned again (same report, same Bundle id); killed after it,
//!   the report is queued and [`Outbox::flush`] sends it (again, with the same
//!   `Idempotency-Key`, when the kill came while it was being sent).
//! - **The case key** is the citizen's Patient id (`case.citizen.id`): ffbkit's [`Case`] is one
//!   citizen's case, the Patient id is stable across reports (PROTO-ID-STABLE) and is no CPR
//!   number. Keep it stable in the source system (store it; `Citizen::new` makes a random
//!   one). One store holds any number of cases.
//! - **Rebuilding** ([`DurablePlanner::rebuild_from_outbox`], [`DurablePlanner::rebuild_from_reports`],
//!   [`DurablePlanner::rebuild_from_paths`]): the memory of each case found is made again from
//!   the reports already sent (a vendor adopting ffbkit mid-stream), so that the next day
//!   reports only what changed since.
//! - **Catch-up** ([`DurablePlanner::catch_up`]): after downtime, one report per missed day
//!   (PROTO-ONE-DAY), each day its own transaction.
//! - **Versions.** The schema's version is SQLite's `user_version` ([`SCHEMA_VERSION`]); an
//!   outbox-only or empty file is upgraded on open, a newer one is refused
//!   ([`PlannerStoreError::NewerSchema`]). Each case records the fingerprint scheme
//!   ([`FINGERPRINT_SCHEME`]) its fingerprints were made with; when an ffbkit version changes
//!   the scheme, opening the store recomputes the fingerprints from the outbox's history
//!   (cases without history there forget theirs, and their resources are reported once
//!   more).
//!
//! ```no_run
//! use ffbkit_sdk::gateway::{DurablePlanner, GatewayClient, GatewayConfig, Planned};
//! # async fn job() -> Result<(), Box<dyn std::error::Error>> {
//! # let case = ffbkit_sdk::planner::example_case();
//! let store = DurablePlanner::open("ffb-outbox.sqlite")?;
//! let day = ffbkit_sdk::domain::Date::parse("2025-03-03")?;
//! match store.plan_and_enqueue(&case, day)? {
//!     Planned::Queued { report_id, .. } => println!("queued {report_id}"),
//!     Planned::Unchanged { .. } | Planned::AlreadyPlanned { .. } => {}
//! }
//! store.outbox().flush(&GatewayClient::new(GatewayConfig::new("https://gateway.example/fhir/Bundle"))?).await?;
//! # Ok(()) }
//! ```

use super::outbox::{insert, Outbox, OutboxError};
use crate::builder::to_value;
use crate::domain::{Case, Date};
use crate::generated::model::{DeliveryReport, DeliveryReportEntry};
use crate::input::{InputError, Unit};
use crate::planner::{Planner, FINGERPRINT_SCHEME};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The version of the store's schema (SQLite's `user_version`): 0 is an outbox alone (or an
/// empty file), 1 adds the planner's tables.
pub const SCHEMA_VERSION: i64 = 1;

/// Largest report read when rebuilding from files (64 MiB).
const MAX_REPORT: usize = 64 << 20;

/// An error of the durable planner.
#[derive(Debug, thiserror::Error)]
pub enum PlannerStoreError {
    /// The database.
    #[error("planner store: {0}")]
    Db(#[from] rusqlite::Error),
    /// The outbox.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The file was written by a newer ffbkit (its schema version is unknown here).
    #[error("planner store: schema version {found} is newer than this ffbkit knows ({supported}); use a newer ffbkit")]
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest this ffbkit knows ([`SCHEMA_VERSION`]).
        supported: i64,
    },
    /// The outbox holds another report under the Bundle id of the day's report (the same
    /// citizen and day): the planner's memory was lost or rebuilt behind the outbox. Nothing
    /// was written; rebuild from the outbox ([`DurablePlanner::rebuild_from_outbox`]).
    #[error("planner store: the outbox holds another report with id {report_id} (the same citizen and day); rebuild the planner from the outbox")]
    Conflict {
        /// The Bundle id.
        report_id: String,
    },
    /// A stored day that is no date (the file was edited by hand).
    #[error("planner store: stored day {0:?} is not a date")]
    BadDay(String),
    /// Reports to rebuild from could not be read.
    #[error("planner store: {0}")]
    Input(#[from] InputError),
    /// Creating the database file.
    #[error("planner store: {0}")]
    Io(#[from] std::io::Error),
}

/// What [`DurablePlanner::plan_and_enqueue`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// A report was queued (and the memory recorded) in one transaction.
    Queued {
        /// The day planned.
        day: Date,
        /// The report's Bundle id (the outbox's key).
        report_id: String,
    },
    /// Nothing changed: the day was recorded, no report.
    Unchanged {
        /// The day planned.
        day: Date,
    },
    /// The day was planned before (at or before the last day recorded): nothing done.
    AlreadyPlanned {
        /// The day asked for.
        day: Date,
        /// The last day recorded.
        last_day: Date,
    },
}

/// A step inside [`DurablePlanner::plan_and_enqueue_observed`]'s transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The report is planned in memory; nothing is written yet.
    Planned,
    /// The report is queued and the memory written, not yet committed.
    Written,
    /// Committed.
    Committed,
}

/// What a rebuild read and remembered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebuildSummary {
    /// Cases whose memory was rebuilt.
    pub cases: usize,
    /// Reports remembered.
    pub reports: usize,
    /// Reports skipped: not JSON, no citizen's Patient id, no timestamp, or not a report the
    /// generated types read (their resources are reported again when next planned).
    pub skipped: usize,
    /// Entries of reports remembered that were left out, because the generated types do not
    /// read them (another system's resource): they are reported again when next planned.
    pub resources_skipped: usize,
}

/// The planner's memory per case, in the outbox's SQLite file (module docs).
pub struct DurablePlanner {
    outbox: Outbox,
}

/// The case key: the citizen's Patient id.
fn case_key(case: &Case) -> &str {
    case.citizen.id.as_str()
}

fn parse_day(s: &str) -> Result<Date, PlannerStoreError> {
    Date::parse(s).map_err(|_| PlannerStoreError::BadDay(s.to_string()))
}

/// Upgrade the schema to [`SCHEMA_VERSION`], or refuse a newer one.
fn migrate(db: &mut Connection) -> Result<(), PlannerStoreError> {
    let found: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(PlannerStoreError::NewerSchema { found, supported: SCHEMA_VERSION });
    }
    if found < 1 {
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS planner_cases (
                 case_key TEXT PRIMARY KEY,
                 last_day TEXT,
                 fingerprint_scheme INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS planner_fingerprints (
                 case_key TEXT NOT NULL,
                 resource_key TEXT NOT NULL,
                 fingerprint INTEGER NOT NULL,
                 PRIMARY KEY (case_key, resource_key)
             ) WITHOUT ROWID;
             PRAGMA user_version = 1;",
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// A case's memory as stored (an empty planner for an unknown case).
fn load(db: &Connection, key: &str) -> Result<Planner, PlannerStoreError> {
    let last: Option<Option<String>> =
        db.query_row("SELECT last_day FROM planner_cases WHERE case_key = ?1", [key], |r| r.get(0)).optional()?;
    let last_day = match last.flatten() {
        Some(s) => Some(parse_day(&s)?),
        None => None,
    };
    let mut stmt = db.prepare_cached("SELECT resource_key, fingerprint FROM planner_fingerprints WHERE case_key = ?1")?;
    let reported =
        stmt.query_map([key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?.collect::<Result<HashMap<_, _>, _>>()?;
    Ok(Planner::from_memory(reported, last_day))
}

/// Write what `after` remembers beyond `before` (the planner never forgets a key).
fn save(tx: &Transaction<'_>, key: &str, before: &Planner, after: &Planner) -> Result<(), PlannerStoreError> {
    {
        let mut up = tx.prepare_cached(
            "INSERT INTO planner_fingerprints (case_key, resource_key, fingerprint) VALUES (?1, ?2, ?3)
             ON CONFLICT (case_key, resource_key) DO UPDATE SET fingerprint = excluded.fingerprint",
        )?;
        for (k, fp) in after.reported() {
            if before.reported().get(k) != Some(fp) {
                up.execute(params![key, k, *fp as i64])?;
            }
        }
    }
    tx.execute(
        "INSERT INTO planner_cases (case_key, last_day, fingerprint_scheme) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_key) DO UPDATE SET last_day = excluded.last_day, fingerprint_scheme = excluded.fingerprint_scheme",
        params![key, after.last_day().map(|d| d.to_string()), FINGERPRINT_SCHEME],
    )?;
    Ok(())
}

/// Replace a case's fingerprints; the last day is the later of the stored one and
/// `planner`'s (days without changes leave no report to rebuild them from).
fn replace(tx: &Transaction<'_>, key: &str, planner: &Planner) -> Result<(), PlannerStoreError> {
    let stored = load(tx, key)?.last_day();
    let last_day = planner.last_day().max(stored);
    tx.execute("DELETE FROM planner_fingerprints WHERE case_key = ?1", [key])?;
    save(tx, key, &Planner::new(), &Planner::from_memory(planner.reported().clone(), last_day))
}

/// The case key (Patient id) and day of a report sent before, with the report read into
/// the generated types and the number of its entries left out because they do not read
/// into them; `None` for a report that does not give these.
fn sent_report(v: &Value) -> Option<(String, Date, DeliveryReport, usize)> {
    let key = crate::report::patient(v)?.1.get("id")?.as_str()?.to_string();
    let day = Date::parse(v.get("timestamp")?.as_str()?.get(..10)?).ok()?;
    if let Ok(report) = serde_json::from_value::<DeliveryReport>(v.clone()) {
        return Some((key, day, report, 0));
    }
    // Another system's report: keep the entries the generated types read.
    let mut v = v.clone();
    let entries = v.get_mut("entry")?.as_array_mut()?;
    let before = entries.len();
    entries.retain(|e| serde_json::from_value::<DeliveryReportEntry>(e.clone()).is_ok());
    let left_out = before - entries.len();
    let report = serde_json::from_value::<DeliveryReport>(v).ok()?;
    Some((key, day, report, left_out))
}

impl DurablePlanner {
    /// Open (or create, readable by its owner only) the store at `path`: the outbox's
    /// database with the planner's tables, upgraded to [`SCHEMA_VERSION`]. A file of a newer
    /// schema is refused ([`PlannerStoreError::NewerSchema`]); fingerprints of another
    /// [`FINGERPRINT_SCHEME`] are recomputed from the outbox's history.
    pub fn open(path: impl AsRef<Path>) -> Result<DurablePlanner, PlannerStoreError> {
        crate::private_file::create_private(path.as_ref())?;
        let mut db = Connection::open(path)?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        migrate(&mut db)?;
        let store = DurablePlanner { outbox: Outbox::from_connection(db)? };
        store.recompute_stale()?;
        Ok(store)
    }

    /// Recompute, from the outbox's history, the fingerprints of the cases whose
    /// fingerprints were made with another [`FINGERPRINT_SCHEME`]; such cases without
    /// history there forget theirs.
    fn recompute_stale(&self) -> Result<(), PlannerStoreError> {
        let db = &mut *self.outbox.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stale: HashSet<String> = {
            let mut stmt = tx.prepare("SELECT case_key FROM planner_cases WHERE fingerprint_scheme != ?1")?;
            let keys = stmt.query_map([FINGERPRINT_SCHEME], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
            keys
        };
        if stale.is_empty() {
            return Ok(());
        }
        for key in &stale {
            tx.execute("DELETE FROM planner_fingerprints WHERE case_key = ?1", [key])?;
            tx.execute("UPDATE planner_cases SET fingerprint_scheme = ?1 WHERE case_key = ?2", params![FINGERPRINT_SCHEME, key])?;
        }
        let mut rebuild = Rebuild::new(Some(stale));
        Self::read_history(&tx, &mut rebuild)?;
        rebuild.write(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// The outbox in the same file: [`Outbox::flush`] sends what was queued.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// A case's memory as stored, by case key (the citizen's Patient id); an empty planner
    /// for a case never planned.
    pub fn planner(&self, case_key: &str) -> Result<Planner, PlannerStoreError> {
        load(&self.outbox.db(), case_key)
    }

    /// The last day planned for a case (by case key).
    pub fn last_day(&self, case_key: &str) -> Result<Option<Date>, PlannerStoreError> {
        Ok(self.planner(case_key)?.last_day())
    }

    /// Plan `day` for `case` from its stored memory ([`Planner::plan_day_typed`]), queue the
    /// report in the outbox and record the new memory, in one transaction. A day without
    /// changes records the day only; a day at or before the last one recorded does nothing.
    pub fn plan_and_enqueue(&self, case: &Case, day: Date) -> Result<Planned, PlannerStoreError> {
        self.plan_and_enqueue_observed(case, day, &mut |_| {})
    }

    /// [`DurablePlanner::plan_and_enqueue`], calling `observe` at each [`Step`] of the
    /// transaction (for logging, and for tests that stop the process there).
    pub fn plan_and_enqueue_observed(&self, case: &Case, day: Date, observe: &mut dyn FnMut(Step)) -> Result<Planned, PlannerStoreError> {
        let key = case_key(case);
        let db = &mut *self.outbox.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = load(&tx, key)?;
        if let Some(last_day) = before.last_day().filter(|d| day <= *d) {
            return Ok(Planned::AlreadyPlanned { day, last_day });
        }
        let mut planner = before.clone();
        let report = planner.plan_day_typed(case, day);
        observe(Step::Planned);
        let planned = match report {
            Some(r) => {
                let value = to_value(&r);
                // The outbox may hold a report of this id already (the memory was lost or
                // rebuilt behind the outbox): the same report is fine, another is not.
                let report_id = match insert(&tx, &value) {
                    Err(OutboxError::Conflict { report_id }) => return Err(PlannerStoreError::Conflict { report_id }),
                    other => other?,
                };
                Planned::Queued { day, report_id }
            }
            None => Planned::Unchanged { day },
        };
        save(&tx, key, &before, &planner)?;
        observe(Step::Written);
        tx.commit()?;
        observe(Step::Committed);
        Ok(planned)
    }

    /// The days to plan for a case up to `today`: each day after the last one recorded,
    /// through `today` (only `today` for a case never planned; none when `today` was
    /// planned). After downtime, give [`DurablePlanner::catch_up`] the case as it stood on
    /// each of them.
    pub fn missed_days(&self, case_key: &str, today: Date) -> Result<Vec<Date>, PlannerStoreError> {
        let Some(mut day) = self.last_day(case_key)? else { return Ok(vec![today]) };
        let mut days = Vec::new();
        while day < today {
            day = day.succ();
            days.push(day);
        }
        Ok(days)
    }

    /// After downtime: [`DurablePlanner::plan_and_enqueue`] for each missed day's case state
    /// (`states` in day order), one report per day with changes (PROTO-ONE-DAY), each day its
    /// own transaction (a crash keeps the days done). Days planned before are skipped.
    pub fn catch_up(&self, states: &[(Date, Case)]) -> Result<Vec<Planned>, PlannerStoreError> {
        states.iter().map(|(day, case)| self.plan_and_enqueue(case, *day)).collect()
    }

    /// Rebuild the memory of every case in the outbox's history (reports queued or sent;
    /// rejected ones are not remembered, so what they held is reported again).
    pub fn rebuild_from_outbox(&self) -> Result<RebuildSummary, PlannerStoreError> {
        let db = &mut *self.outbox.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut rebuild = Rebuild::new(None);
        Self::read_history(&tx, &mut rebuild)?;
        let summary = rebuild.write(&tx)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Rebuild the memory of every case the reports name (by their Patient id) from those
    /// reports alone (any order; what a later report says of a resource wins: by day, then
    /// timestamp, then input order), replacing the fingerprints stored for those cases (the
    /// last day becomes the later of the stored one and the last report's): a vendor
    /// adopting ffbkit mid-stream. The reports are read one by one (what is kept is a
    /// fingerprint per resource); the memory is written in one transaction.
    pub fn rebuild_from_reports(&self, reports: impl IntoIterator<Item = Value>) -> Result<RebuildSummary, PlannerStoreError> {
        let mut rebuild = Rebuild::new(None);
        for v in reports {
            rebuild.add(&v);
        }
        self.write(rebuild)
    }

    /// [`DurablePlanner::rebuild_from_reports`] from files, directories and NDJSON streams
    /// (read as [`crate::input::reports`] reads them). A path that cannot be read is an
    /// error (nothing is rebuilt); a report that is no JSON is skipped.
    pub fn rebuild_from_paths(&self, inputs: &[PathBuf]) -> Result<RebuildSummary, PlannerStoreError> {
        let mut rebuild = Rebuild::new(None);
        for unit in crate::input::reports(inputs, MAX_REPORT) {
            let bytes = match unit? {
                Unit::File(p) => crate::input::read_file(&p, MAX_REPORT)?,
                other => other.into_bytes().unwrap_or_default(),
            };
            rebuild.add(&serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null));
        }
        self.write(rebuild)
    }

    fn write(&self, rebuild: Rebuild) -> Result<RebuildSummary, PlannerStoreError> {
        let db = &mut *self.outbox.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let summary = rebuild.write(&tx)?;
        tx.commit()?;
        Ok(summary)
    }

    /// Read the outbox's history (reports queued or sent, in queue order) into a rebuild.
    fn read_history(tx: &Transaction<'_>, rebuild: &mut Rebuild) -> Result<(), PlannerStoreError> {
        let mut stmt = tx.prepare("SELECT body FROM outbox WHERE state IN ('queued', 'sent') ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let body: Vec<u8> = row.get(0)?;
            rebuild.add(&serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null));
        }
        Ok(())
    }
}

/// When a report said what it said of a resource: its day, timestamp and input order.
type Said = (Date, String, u64);

/// One case's memory being rebuilt.
#[derive(Default)]
struct CaseRebuild {
    prints: HashMap<String, (Said, u64)>,
    last_day: Option<Date>,
    reports: usize,
}

/// A rebuild: reports read one by one, the latest fingerprint of each resource kept.
struct Rebuild {
    only: Option<HashSet<String>>,
    seq: u64,
    cases: BTreeMap<String, CaseRebuild>,
    summary: RebuildSummary,
}

impl Rebuild {
    /// A rebuild of every case read (only those of `only`, when given).
    fn new(only: Option<HashSet<String>>) -> Rebuild {
        Rebuild { only, seq: 0, cases: BTreeMap::new(), summary: RebuildSummary::default() }
    }

    fn add(&mut self, v: &Value) {
        self.seq += 1;
        let Some((key, day, report, left_out)) = sent_report(v) else {
            self.summary.skipped += 1;
            return;
        };
        if self.only.as_ref().is_some_and(|o| !o.contains(&key)) {
            return;
        }
        self.summary.resources_skipped += left_out;
        let case = self.cases.entry(key).or_default();
        let said: Said = (day, report.timestamp.0.clone(), self.seq);
        for (k, fp) in crate::planner::fingerprints(&report) {
            match case.prints.get(&k) {
                Some((earlier, _)) if *earlier > said => {}
                _ => {
                    case.prints.insert(k, (said.clone(), fp));
                }
            }
        }
        case.last_day = case.last_day.max(Some(day));
        case.reports += 1;
    }

    fn write(self, tx: &Transaction<'_>) -> Result<RebuildSummary, PlannerStoreError> {
        let mut summary = self.summary;
        for (key, case) in self.cases {
            let planner = Planner::from_memory(case.prints.into_iter().map(|(k, (_, fp))| (k, fp)).collect(), case.last_day);
            replace(tx, &key, &planner)?;
            summary.cases += 1;
            summary.reports += case.reports;
        }
        Ok(summary)
    }
}
