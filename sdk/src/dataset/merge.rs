//! The merge: each report's rows added to the tables in input order, keeping the latest
//! version of each resource (by the report's timestamp) or every version (`history`);
//! then, once everything is read, the join, the audit and the Arrow tables.

use super::audit;
use super::columns::{spec, t_index, Table as T, TABLES};
use super::extract::{self, Fact, Link};
use super::free;
use super::join::{join, Lookups, PlanLink};
use super::read::{Output, ReportOut};
use super::table::{Cell, TableBuf};
use super::{DatasetError, DatasetOptions, Summary};
use arrow_array::RecordBatch;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Accumulates reports in input order.
pub(crate) struct Acc {
    opts: DatasetOptions,
    pub(crate) tables: Vec<TableBuf>,
    links: Vec<Vec<Link>>,
    /// Per table: resource id -> its row (kept only for the latest state, not `history`).
    pub(crate) latest: Vec<HashMap<Arc<str>, usize>>,
    pub(crate) facts: HashMap<String, (Option<Arc<str>>, Fact)>,
    groups: std::collections::HashMap<String, Vec<Vec<u8>>>,
    /// Target group / goal / evaluation reference -> its care plan, from every version of
    /// every care plan (a later version may list only its latest evaluation).
    pub(crate) plan_of: HashMap<String, PlanLink>,
    pub(crate) summary: Summary,
}

/// The timestamp of the report a row comes from ("" when it has none, or for a placeholder).
fn stamp_of(cells: &[Cell]) -> &str {
    cells.get(super::columns::REPORT_TIMESTAMP).and_then(Cell::as_str).unwrap_or("")
}

pub(crate) fn newer(new: &Option<Arc<str>>, old: &Option<Arc<str>>) -> bool {
    new.as_deref().unwrap_or("") >= old.as_deref().unwrap_or("")
}

impl Acc {
    pub(crate) fn new(opts: DatasetOptions) -> Acc {
        Acc {
            tables: TABLES.iter().map(|(_, n, c)| TableBuf::new(n, c)).collect(),
            links: TABLES.iter().map(|_| Vec::new()).collect(),
            latest: TABLES.iter().map(|_| HashMap::default()).collect(),
            facts: HashMap::default(),
            groups: std::collections::HashMap::new(),
            plan_of: HashMap::default(),
            summary: Summary::default(),
            opts,
        }
    }

    /// Add one report's rows (in input order).
    pub(crate) fn merge(&mut self, r: ReportOut) {
        if let Some(u) = r.unreadable {
            self.summary.unreadable.push(u);
            return;
        }
        self.summary.reports += 1;
        self.summary.resources += r.resources;
        if let Some((name, rules)) = r.invalid {
            self.summary.invalid += 1;
            self.summary.error_rules.extend(rules);
            self.summary.first_invalid.get_or_insert(name);
        }
        self.tables[t_index(T::Reports)].rows.push(r.report);
        self.tables[t_index(T::Issues)].rows.extend(r.issues);
        for (at, mut row) in r.rows.into_iter().enumerate() {
            if let Link::CarePlan(plan) = &mut row.link {
                let extract::CarePlanLink { targets, goals, outcomes, .. } = &mut **plan;
                // Goals and outcomes are needed only here: moved, not copied.
                let link = |rank| PlanLink { plan: row.key.clone(), rank, stamp: r.timestamp.clone(), at };
                let plan_of = &mut self.plan_of;
                let mut add = |reference: String, new: PlanLink| match plan_of.entry(reference) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        if new.beats(e.get()) {
                            e.insert(new);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(new);
                    }
                };
                for (t, k) in targets.iter() {
                    add(t.clone(), link(*k));
                }
                for g in std::mem::take(goals).into_iter().chain(std::mem::take(outcomes)) {
                    add(g, link(0));
                }
            }
            let ti = t_index(row.table);
            if row.is_placeholder() {
                // Replaced later in this batch: only the id's place in the table is kept
                // (the row that replaces it comes with no older stamp than none).
                if let std::collections::hash_map::Entry::Vacant(e) = self.latest[ti].entry(row.key) {
                    e.insert(self.tables[ti].rows.len());
                    self.tables[ti].rows.push(Vec::new());
                    self.links[ti].push(Link::None);
                }
                continue;
            }
            if !self.opts.history {
                match self.latest[ti].entry(row.key) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        let i = *e.get();
                        // The kept row's stamp is its report's timestamp cell (none for a
                        // placeholder, which any version replaces).
                        if r.timestamp.as_deref().unwrap_or("") >= stamp_of(&self.tables[ti].rows[i]) {
                            self.tables[ti].rows[i] = row.cells;
                            self.links[ti][i] = row.link;
                        }
                        continue;
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(self.tables[ti].rows.len());
                    }
                }
            }
            self.tables[ti].rows.push(row.cells);
            self.links[ti].push(row.link);
        }
        for (key, fact) in r.facts {
            match self.facts.get(&key) {
                Some((ts, _)) if !newer(&r.timestamp, ts) => {}
                _ => {
                    self.facts.insert(key, (r.timestamp.clone(), fact));
                }
            }
        }
        // A report that names no citizen ([`crate::report::citizen_cpr`]) is not audited,
        // as in `ffbkit audit`; the validator reports it (GW-CITIZEN).
        if let (Some(bytes), Some(key)) = (r.bytes, r.cpr) {
            self.groups.entry(key).or_default().push(bytes);
        }
    }

    /// The join, the audit and the Arrow tables, once everything is read. Two sides run at
    /// once: the join ([`join`]) followed by the conversion of the tables it fills, and
    /// beside it the audit and the conversion of the tables the join leaves alone (it only
    /// reads the service requests). The rows and the look-ups are then freed off the
    /// caller's path ([`free::drop_in_background`]).
    pub(crate) fn finish(self) -> Result<Output, DatasetError> {
        let t0 = Instant::now();
        let Acc { opts, mut tables, links, latest, facts, groups, plan_of, mut summary } = self;
        // Every placeholder has been replaced by the version that superseded it (the join
        // indexes rows by column): checked rather than assumed.
        if tables.iter().any(|t| t.rows.iter().any(Vec::is_empty)) {
            return Err(DatasetError::Internal("a version left out was never replaced"));
        }
        let wanted = |t: &TableBuf| opts.tables || t.name == spec(T::Reports).0 || t.name == spec(T::Issues).0;
        let batch = |t: &TableBuf| t.to_batch().map(|b| (t.name, b)).map_err(|e| DatasetError::Table { table: t.name, source: e });
        // The tables in the order of `T` (a test checks `TABLES` is), each borrowed apart.
        let [reports, citizens, requests, gatherings, conditions, target_groups, goals, goal_themes, evaluations, plans, interventions, follow_ups, issues] =
            tables.as_mut_slice()
        else {
            return Err(DatasetError::Internal("the tables are not the ones TABLES lists"));
        };
        let requests = &*requests;
        let look = Lookups { links: &links, latest: &latest, plan_of: &plan_of, facts: &facts, history: opts.history };
        let (joined, (others, audit)) = rayon::join(
            || {
                join(requests, gatherings, conditions, target_groups, goals, goal_themes, evaluations, plans, &look);
                [&*gatherings, &*conditions, &*target_groups, &*goals, &*goal_themes, &*evaluations, &*plans]
                    .into_par_iter()
                    .filter(|t| wanted(t))
                    .map(batch)
                    .collect::<Result<Vec<_>, _>>()
            },
            || {
                let mut audit = opts.audit.then(|| audit::run(groups, &opts.cpr, opts.municipalities.as_ref()));
                if let Some(a) = &mut audit {
                    issues.rows.append(&mut a.issue_rows);
                }
                let mut parts: Vec<&TableBuf> = vec![&*reports, &*citizens, requests, &*interventions, &*follow_ups, &*issues];
                parts.retain(|t| wanted(t));
                if let Some(a) = &audit {
                    parts.extend([&a.findings, &a.citizens, &a.municipalities]);
                }
                (parts.into_par_iter().map(batch).collect::<Result<Vec<_>, _>>(), audit)
            },
        );
        // In the order of `TABLES`, the audit's tables last.
        let order = |name: &str| TABLES.iter().position(|(_, n, _)| *n == name).unwrap_or(TABLES.len());
        let mut out: Vec<(&'static str, RecordBatch)> = joined?.into_iter().chain(others?).collect();
        out.sort_by_key(|(name, _)| order(name));
        free::drop_in_background((tables, links, latest, facts, plan_of, audit));
        summary.steps.push(("join, audit and tables", t0.elapsed().as_secs_f64()));
        Ok(Output { tables: out, summary })
    }
}
