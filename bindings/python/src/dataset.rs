//! Reading many reports into tables: the inputs read by the SDK's reader
//! ([`ffbkit_sdk::input`]: directories recursively, NDJSON line by line), read in batches of 2,048 (files in parallel, NDJSON line by
//! line) so that Ctrl-C is honoured between batches, each report parsed once into the
//! validator's document tree, that tree checked by the SDK's validator
//! (`Validator::validate_parsed`) and its rows ([`crate::extract`]) taken from the same
//! tree, then the rows of each report merged in input order, keeping the latest version
//! per resource id (by the report's timestamp) or every version (`history`). References
//! are joined once everything is read; the audit ([`crate::audit`]) runs per citizen on
//! the same reports when asked.

use crate::audit;
use crate::cpr::CprMode;
use crate::extract::{self, col, spec, Context, Fact, Link, Row, T, TABLES};
use crate::free;
use crate::table::{Cell, TableBuf};
use arrow_array::RecordBatch;
use ffbkit_sdk::input::{self, InputError};
use ffbkit_sdk::validate::json::{self, Arena};
use ffbkit_sdk::validate::{source, Outcome, Severity, Validator};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// How to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Keep every version of a resource instead of the latest.
    pub history: bool,
    /// How CPR numbers appear.
    pub cpr: CprMode,
    /// Build the resource tables (off when only the audit is wanted).
    pub tables: bool,
    /// Run the stream audit per citizen.
    pub audit: bool,
    /// Leave out the rows of reports with errors (their findings stay in `issues`).
    pub skip_invalid: bool,
    /// Run the validator (off: only JSON is checked, for data already known to be valid).
    pub validate: bool,
}

/// Totals of a read.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Reports read.
    pub reports: usize,
    /// Resources in them.
    pub resources: usize,
    /// Reports with errors.
    pub invalid: usize,
    /// The rule ids of the errors, sorted.
    pub error_rules: BTreeSet<&'static str>,
    /// The first report with errors.
    pub first_invalid: Option<String>,
    /// Inputs that could not be read: (name, why).
    pub unreadable: Vec<(String, String)>,
    /// Set when the read was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// Wall time of each step, in seconds, in order (for profiling).
    pub steps: Vec<(&'static str, f64)>,
}

/// The result of a read.
pub struct Output {
    /// Tables by name.
    pub tables: Vec<(&'static str, RecordBatch)>,
    /// Totals.
    pub summary: Summary,
}

/// What one report gives, computed in parallel.
struct ReportOut {
    report: Vec<Cell>,
    issues: Vec<Vec<Cell>>,
    rows: Vec<Row>,
    facts: Vec<(String, Fact)>,
    timestamp: Option<Arc<str>>,
    cpr: Option<String>,
    bytes: Option<Vec<u8>>,
    invalid: Option<(String, Vec<&'static str>)>,
    resources: usize,
    unreadable: Option<(String, String)>,
}

/// The care plan a target group, goal or evaluation belongs to: of all care plan versions
/// that list it, the one of the newest report, in it the last listed (then the greatest
/// plan id), so that the order of the input does not matter.
struct PlanLink {
    plan: Arc<str>,
    rank: i64,
    stamp: Option<Arc<str>>,
    /// The plan's place among the report's rows.
    at: usize,
}

impl PlanLink {
    /// Whether `self` wins over `old`.
    fn beats(&self, old: &PlanLink) -> bool {
        fn key(p: &PlanLink) -> (&str, usize, &str) {
            (p.stamp.as_deref().unwrap_or(""), p.at, &p.plan)
        }
        key(self) >= key(old)
    }
}

/// Accumulates reports in input order.
struct Acc {
    opts: ReadOptions,
    tables: Vec<TableBuf>,
    links: Vec<Vec<Link>>,
    /// Per table: resource id -> its row (kept only for the latest state, not `history`).
    latest: Vec<HashMap<Arc<str>, usize>>,
    facts: HashMap<String, (Option<Arc<str>>, Fact)>,
    groups: std::collections::HashMap<String, Vec<Vec<u8>>>,
    /// Target group / goal / evaluation reference -> its care plan, from every version of
    /// every care plan (a later version may list only its latest evaluation).
    plan_of: HashMap<String, PlanLink>,
    summary: Summary,
}

/// The place of table `t` in [`TABLES`] (listed in the order of `T`, which a test checks).
fn t_index(t: T) -> usize {
    t as usize
}

/// The timestamp of the report a row comes from ("" when it has none, or for a placeholder).
fn stamp_of(cells: &[Cell]) -> &str {
    cells.get(extract::REPORT_TIMESTAMP).and_then(Cell::as_str).unwrap_or("")
}

fn newer(new: &Option<Arc<str>>, old: &Option<Arc<str>>) -> bool {
    new.as_deref().unwrap_or("") >= old.as_deref().unwrap_or("")
}

/// Rows for the validator's findings on one report.
fn issue_rows(outcome: &Outcome, cx: &Context) -> Vec<Vec<Cell>> {
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            vec![
                Cell::Static("validator"),
                cx.source.clone(),
                cx.report_id.clone(),
                cx.citizen.clone(),
                cx.municipality.clone(),
                Cell::Static(d.rule.as_str()),
                Cell::Static(d.severity.as_str()),
                Cell::own(d.location.clone()),
                Cell::Null,
                d.line.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                d.column.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                Cell::text(d.found.as_deref()),
                Cell::own(d.expected.clone()),
                Cell::own(d.message.clone()),
            ]
        })
        .collect()
}

/// The newest version of each resource among the reports of a group that come later in
/// the input (a group is read back to front): a version that one of them replaces in the
/// merge (one at least as new, [`newer`]) is not worth building. Off with `history`.
struct Later {
    history: bool,
    /// Per table (by [`t_index`]): resource id -> the newest report timestamp seen.
    newest: Vec<HashMap<Arc<str>, Option<Arc<str>>>>,
}

impl Later {
    fn new(history: bool) -> Later {
        Later { history, newest: TABLES.iter().map(|_| HashMap::default()).collect() }
    }

    /// The shared id of the version of `(table, id)` in a report of `timestamp`, and
    /// whether that version will be replaced by one read already; when it will not, it is
    /// the one to beat for earlier reports. An id seen before shares the text of the
    /// version seen first (a later report's), so a version left out allocates nothing.
    fn key(&mut self, table: T, id: &str, timestamp: &Option<Arc<str>>) -> (Arc<str>, bool) {
        if self.history {
            return (Arc::from(id), false);
        }
        let newest = &mut self.newest[t_index(table)];
        if let Some((key, stamp)) = newest.get_key_value(id) {
            let key = key.clone();
            if newer(stamp, timestamp) {
                return (key, true);
            }
            newest.insert(key.clone(), timestamp.clone());
            return (key, false);
        }
        if newest.capacity() == 0 {
            // A few resources of each table per report: sized once for a group.
            newest.reserve(GROUP * 4);
        }
        let key: Arc<str> = Arc::from(id);
        newest.insert(key.clone(), timestamp.clone());
        (key, false)
    }

    /// Whether the version of `(table, id)` in a report of `timestamp` will be replaced
    /// (see [`Later::key`]).
    #[cfg(test)]
    fn supersedes(&mut self, table: T, id: &str, timestamp: &Option<Arc<str>>) -> bool {
        self.key(table, id, timestamp).1
    }
}

thread_local! {
    /// Each thread's buffer for the files it reads.
    static READ_BUF: std::cell::RefCell<input::ReadBuf> = std::cell::RefCell::new(input::ReadBuf::default());
}

/// One report: its file read here (in parallel, into this thread's buffer) when it is
/// one, else `bytes` (an NDJSON line), then parsed once, validated on that tree (unless
/// `validator` is `None`) and its rows extracted from the same tree. A file over the size
/// limit is refused unread (with the validator's finding, or as unreadable when not
/// validating).
fn process(
    name: String,
    src: Source,
    opts: &ReadOptions,
    limits: &source::Limits,
    validator: Option<&Validator>,
    later: &mut Later,
) -> ReportOut {
    let unreadable = |name: String, why: String| ReportOut {
        report: Vec::new(),
        issues: Vec::new(),
        rows: Vec::new(),
        facts: Vec::new(),
        timestamp: None,
        cpr: None,
        bytes: None,
        invalid: None,
        resources: 0,
        unreadable: Some((name, why)),
    };
    let mut report = |bytes: &[u8], outcome: Outcome, done: bool| {
        let mut out = json::with_arena(|arena| process_tree(&name, bytes, outcome, done, arena, opts, limits, validator, &mut *later));
        out.bytes = opts.audit.then(|| bytes.to_vec());
        out
    };
    let too_large = |len: u64, report: &mut dyn FnMut(&[u8], Outcome, bool) -> ReportOut| match validator {
        Some(v) => report(&[], v.too_large(len), true),
        None => unreadable(name.clone(), format!("{len} bytes, more than the limit of {} bytes", limits.max_bytes)),
    };
    let path = match src {
        Source::Bytes(bytes) => return report(&bytes, Outcome::default(), false),
        Source::TooLarge(len) => return too_large(len, &mut report),
        Source::File(path) => path,
    };
    READ_BUF.with_borrow_mut(|buf| match buf.read(&path, limits.max_bytes) {
        Ok(b) => report(b, Outcome::default(), false),
        Err(InputError::TooLarge { size, .. }) => too_large(size, &mut report),
        Err(e) => unreadable(name.clone(), e.reason()),
    })
}

/// [`process`] on a readable report `bytes` named `name`, its tree in `arena`; `outcome`
/// is set already for a report refused unread (`done`).
#[allow(clippy::too_many_arguments)]
fn process_tree(
    name: &str,
    bytes: &[u8],
    outcome: Outcome,
    done: bool,
    arena: &Arena,
    opts: &ReadOptions,
    limits: &source::Limits,
    validator: Option<&Validator>,
    later: &mut Later,
) -> ReportOut {
    let parse = source::parse(bytes, arena, limits);
    let mut o = outcome;
    if let (Some(v), false) = (validator, done) {
        o = v.validate_parsed(bytes, &parse);
    }
    let (parsed, problem) = match parse {
        Ok((j, _)) => (Some(j), None),
        Err(p) => (None, Some(p)),
    };
    let citizen = parsed.as_ref().map(ffbkit_sdk::report::citizen).unwrap_or_default();
    let cpr = citizen.cpr.map(str::to_string);
    let report_id = parsed.as_ref().and_then(|j| j.get("id")).and_then(|v| v.as_str()).map(str::to_string);
    let timestamp: Option<Arc<str>> = parsed.as_ref().and_then(|j| j.get("timestamp")).and_then(|v| v.as_str()).map(Arc::from);
    let cx = Context {
        citizen: opts.cpr.show(cpr.as_deref()),
        municipality: extract::shared(citizen.municipality),
        report_id: extract::shared(report_id.as_deref()),
        timestamp: timestamp.clone().map_or(Cell::Null, Cell::Shared),
        source: Cell::Shared(Arc::from(name)),
    };
    if !opts.validate {
        // Not validated: only the input rule GW-JSON, from the parse itself.
        o.resources = parsed.as_ref().and_then(|j| j.get("entry")).and_then(|e| e.as_array()).map_or(0, <[_]>::len);
        if let Some(p) = problem {
            o.diagnostics.push(ffbkit_sdk::validate::Diagnostic {
                rule: ffbkit_sdk::rules::RuleId::GwJson,
                severity: Severity::Error,
                location: String::new(),
                pointer: String::new(),
                line: p.line,
                column: p.column,
                found: None,
                expected: "a well-formed JSON object".into(),
                message: format!("The report cannot be read: {}.", p.message),
            });
        }
    }
    let o = &o;
    let valid = o.is_valid();
    let report = vec![
        cx.report_id.clone(),
        cx.timestamp.clone(),
        cx.citizen.clone(),
        cx.municipality.clone(),
        cx.source.clone(),
        Cell::Int(o.resources as i64),
        Cell::Bool(valid),
        Cell::Int(o.count(Severity::Error) as i64),
        Cell::Int(o.count(Severity::Warning) as i64),
    ];
    let issues = issue_rows(o, &cx);
    let (rows, facts) = match &parsed {
        Some(j) if opts.tables && (valid || !opts.skip_invalid) => {
            extract::extract(j, &cx, &o.profiles, &mut |t, id| later.key(t, id, &timestamp))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let invalid = (!valid).then(|| (name.to_string(), o.rule_ids(Severity::Error).into_iter().map(|r| r.as_str()).collect()));
    let resources = o.resources;
    ReportOut { report, issues, rows, facts, timestamp, cpr, bytes: None, invalid, resources, unreadable: None }
}

/// What the join looks rows up by: rows by bare id of the tables others are joined to,
/// the care plan of each target group, goal and evaluation, and the facts.
struct JoinLookups<'a> {
    requests: &'a HashMap<Arc<str>, usize>,
    conditions: &'a HashMap<Arc<str>, usize>,
    target_groups: &'a HashMap<Arc<str>, usize>,
    plan_of: &'a HashMap<String, PlanLink>,
    facts: &'a HashMap<String, (Option<Arc<str>>, Fact)>,
}

/// `{prefix}{id}` in a reused buffer.
fn reference_key<'b>(buf: &'b mut String, prefix: &str, id: Option<&str>) -> &'b str {
    buf.clear();
    buf.push_str(prefix);
    buf.push_str(id.unwrap_or(""));
    buf
}

/// The order of the gatherings that found one condition: by day, then id.
fn gathering_order((g, d, _): &(Cell, Cell, Cell)) -> (Option<i32>, Option<&str>) {
    (if let Cell::Date(d) = d { Some(*d) } else { None }, g.as_str())
}

/// The text of a cell as a shared cell (one copy for every row it is joined to).
fn shared_cell(c: &Cell) -> Cell {
    match c {
        Cell::Own(s) => Cell::Shared(Arc::from(&**s)),
        other => other.clone(),
    }
}

/// The join's first half: gatherings get their service request's case number, conditions
/// the latest gathering that found them (with its day and case number), goals their care
/// plan and primary theme. Returns the goal_themes rows, one per addressed theme.
fn join_findings_and_goals(
    requests: &TableBuf,
    gatherings: &mut TableBuf,
    conditions: &mut TableBuf,
    goals: &mut TableBuf,
    gathering_links: &[Link],
    goal_links: &[Link],
    look: &JoinLookups<'_>,
) -> Vec<Vec<Cell>> {
    let sr_case_col = col(T::ServiceRequests, "case_number");
    let (g_case, g_day) = (col(T::Gatherings, "case_number"), col(T::Gatherings, "effective"));
    let (c_gathering, c_day, c_case, c_code, c_term, c_kind) = (
        col(T::Conditions, "gathering"),
        col(T::Conditions, "gathering_date"),
        col(T::Conditions, "case_number"),
        col(T::Conditions, "code"),
        col(T::Conditions, "term"),
        col(T::Conditions, "kind"),
    );
    let (o_plan, o_theme_code, o_theme_term) =
        (col(T::Goals, "care_plan"), col(T::Goals, "primary_theme_code"), col(T::Goals, "primary_theme_term"));
    // Gatherings: case number; condition id -> (gathering, day, case number).
    let mut found: HashMap<&str, (Cell, Cell, Cell)> = HashMap::default();
    found.reserve(gathering_links.iter().map(|l| if let Link::Gathering(g) = l { g.findings.len() } else { 0 }).sum());
    for (row, link) in gatherings.rows.iter_mut().zip(gathering_links) {
        if let Link::Gathering(g) = link {
            let extract::GatheringLink { service_request, findings } = &**g;
            let request = service_request.as_deref().and_then(|s| s.strip_prefix("ServiceRequest/")).and_then(|id| look.requests.get(id));
            let case = request.and_then(|&i| requests.rows[i].get(sr_case_col)).map(shared_cell).unwrap_or_default();
            row[g_case] = case.clone();
            let (gid, day) = (shared_cell(&row[0]), row[g_day].clone());
            for f in findings {
                let Some(id) = f.strip_prefix("Condition/") else { continue };
                // Found by several gatherings: the latest (by day, then id), whatever the
                // input order.
                match found.entry(id) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        let new = (gid.clone(), day.clone(), case.clone());
                        if gathering_order(&new) >= gathering_order(e.get()) {
                            e.insert(new);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert((gid.clone(), day.clone(), case.clone()));
                    }
                }
            }
        }
    }
    // Conditions: gathering.
    conditions.rows.par_iter_mut().for_each(|row| {
        if let Some((g, day, case)) = row[0].as_str().and_then(|id| found.get(id)) {
            row[c_gathering] = g.clone();
            row[c_day] = day.clone();
            row[c_case] = case.clone();
        }
    });
    // Goals: plan, primary theme; one goal_themes row per addressed theme.
    let conditions = &*conditions;
    let themes: Vec<Vec<Vec<Cell>>> = goals
        .rows
        .par_iter_mut()
        .zip(goal_links)
        .map_init(String::new, |buf, (row, link)| {
            if let Some(p) = look.plan_of.get(reference_key(buf, "Goal/", row[0].as_str())) {
                row[o_plan] = Cell::Shared(p.plan.clone());
            }
            let mut themes = Vec::new();
            if let Link::Goal { addresses } = link {
                themes.reserve_exact(addresses.len());
                for (r, rank) in addresses {
                    let condition = r.strip_prefix("Condition/").and_then(|id| look.conditions.get(id)).map(|&i| &conditions.rows[i]);
                    let cell = |c: usize| condition.and_then(|cells| cells.get(c)).cloned().unwrap_or_default();
                    let (code, term, kind) = (cell(c_code), cell(c_term), cell(c_kind));
                    if *rank == 1 {
                        row[o_theme_code] = code.clone();
                        row[o_theme_term] = term.clone();
                    }
                    themes.push(vec![
                        row[0].clone(),
                        row[1].clone(),
                        row[2].clone(),
                        Cell::own(extract::id_of(r)),
                        Cell::Int(*rank),
                        code,
                        term,
                        kind,
                    ]);
                }
            }
            themes
        })
        .collect();
    themes.into_iter().flatten().collect()
}

/// The join's second half: care plans get their tilbud, målgrupper and follow-up date;
/// target groups and evaluations their care plan.
fn join_care_plans(
    plans: &mut TableBuf,
    target_groups: &mut TableBuf,
    evaluations: &mut TableBuf,
    plan_links: &[Link],
    look: &JoinLookups<'_>,
) {
    let (p_tilbud, p_paragraph, p_tilbud_code, p_follow_up) = (
        col(T::CarePlans, "tilbud"),
        col(T::CarePlans, "tilbud_paragraph"),
        col(T::CarePlans, "tilbud_code"),
        col(T::CarePlans, "follow_up_date"),
    );
    let p_targets = [
        (1, col(T::CarePlans, "target_group_code"), col(T::CarePlans, "target_group")),
        (2, col(T::CarePlans, "secondary_target_group_code"), col(T::CarePlans, "secondary_target_group")),
    ];
    let (t_code, t_term, t_plan, t_rank) =
        (col(T::TargetGroups, "code"), col(T::TargetGroups, "term"), col(T::TargetGroups, "care_plan"), col(T::TargetGroups, "rank"));
    let e_plan = col(T::Evaluations, "care_plan");
    // Care plans: tilbud, målgrupper, follow-up date.
    let target_rows = &*target_groups;
    plans.rows.par_iter_mut().zip(plan_links).for_each(|(row, link)| {
        if let Link::CarePlan(plan) = link {
            let extract::CarePlanLink { teams, targets: tg, follow_up, .. } = &**plan;
            if let Some(code) = teams.iter().find_map(|t| match look.facts.get(t) {
                Some((_, Fact::Tilbud(c))) => Some(c.clone()),
                _ => None,
            }) {
                row[p_tilbud] = extract::term(Some(&code));
                row[p_paragraph] = extract::legal_basis(Some(&code));
                row[p_tilbud_code] = Cell::own(code);
            }
            for (rank, code_col, term_col) in p_targets {
                let target = tg
                    .iter()
                    .find(|(_, k)| *k == rank)
                    .and_then(|(r, _)| r.strip_prefix("Condition/"))
                    .and_then(|id| look.target_groups.get(id));
                if let Some(t) = target.map(|&i| &target_rows.rows[i]) {
                    row[code_col] = t.get(t_code).cloned().unwrap_or_default();
                    row[term_col] = t.get(t_term).cloned().unwrap_or_default();
                }
            }
            if let Some(Some((_, Fact::FollowUpDate(day)))) = follow_up.as_ref().map(|f| look.facts.get(f)) {
                row[p_follow_up] = Cell::day(day.as_deref());
            }
        }
    });
    // Target groups and evaluations: their care plan.
    target_groups.rows.par_iter_mut().for_each_init(String::new, |buf, row| {
        if let Some(p) = look.plan_of.get(reference_key(buf, "Condition/", row[0].as_str())) {
            row[t_plan] = Cell::Shared(p.plan.clone());
            row[t_rank] = Cell::Int(p.rank);
        }
    });
    evaluations.rows.par_iter_mut().for_each_init(String::new, |buf, row| {
        if let Some(p) = look.plan_of.get(reference_key(buf, "Observation/", row[0].as_str())) {
            row[e_plan] = Cell::Shared(p.plan.clone());
        }
    });
}

impl Acc {
    fn new(opts: ReadOptions) -> Acc {
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

    fn merge(&mut self, r: ReportOut) {
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
        // A report that names no citizen (`ffbkit_sdk::report::citizen_cpr`) is not audited,
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
    fn finish(self) -> Output {
        let t0 = Instant::now();
        let Acc { opts, mut tables, links, latest, facts, groups, plan_of, mut summary } = self;
        let wanted = |t: &TableBuf| opts.tables || t.name == spec(T::Reports).0 || t.name == spec(T::Issues).0;
        let batch = |t: &TableBuf| (t.name, t.to_batch());
        // The tables in the order of `T` (a test checks `TABLES` is), each borrowed apart.
        let [reports, citizens, requests, gatherings, conditions, target_groups, goals, goal_themes, evaluations, plans, interventions, follow_ups, issues] =
            tables.as_mut_slice()
        else {
            unreachable!("TABLES lists every table");
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
                    .collect::<Vec<_>>()
            },
            || {
                let mut audit = opts.audit.then(|| audit::run(groups, &opts.cpr));
                if let Some(a) = &mut audit {
                    issues.rows.append(&mut a.issue_rows);
                }
                let mut parts: Vec<&TableBuf> = vec![&*reports, &*citizens, requests, &*interventions, &*follow_ups, &*issues];
                parts.retain(|t| wanted(t));
                if let Some(a) = &audit {
                    parts.extend([&a.findings, &a.citizens, &a.municipalities]);
                }
                (parts.into_par_iter().map(batch).collect::<Vec<_>>(), audit)
            },
        );
        // In the order of `TABLES`, the audit's tables last.
        let order = |name: &str| TABLES.iter().position(|(_, n, _)| *n == name).unwrap_or(TABLES.len());
        let mut out: Vec<(&'static str, RecordBatch)> = joined.into_iter().chain(others).collect();
        out.sort_by_key(|(name, _)| order(name));
        free::drop_in_background((tables, links, latest, facts, plan_of, audit));
        summary.steps.push(("join, audit and tables", t0.elapsed().as_secs_f64()));
        Output { tables: out, summary }
    }
}

/// What the join looks up, from the merge: the links of each table's rows, the rows by id,
/// the care plan of each target group, goal and evaluation, and the facts.
struct Lookups<'a> {
    links: &'a [Vec<Link>],
    latest: &'a [HashMap<Arc<str>, usize>],
    plan_of: &'a HashMap<String, PlanLink>,
    facts: &'a HashMap<String, (Option<Arc<str>>, Fact)>,
    history: bool,
}

/// Joins made once everything is read, in two halves that touch different tables
/// ([`join_findings_and_goals`], [`join_care_plans`]) and run at once. Rows are found by
/// bare id through the merge's own id maps (maps of each id's last row are built only for
/// `history`), the joined texts are shared between rows, and the rows are filled in
/// parallel.
#[allow(clippy::too_many_arguments)]
fn join(
    requests: &TableBuf,
    gatherings: &mut TableBuf,
    conditions: &mut TableBuf,
    target_groups: &mut TableBuf,
    goals: &mut TableBuf,
    goal_themes: &mut TableBuf,
    evaluations: &mut TableBuf,
    plans: &mut TableBuf,
    look: &Lookups<'_>,
) {
    /// A row's id (its first cell), shared.
    fn id_cell(row: &[Cell]) -> Option<Arc<str>> {
        match &row[0] {
            Cell::Shared(a) => Some(a.clone()),
            c => c.as_str().map(Arc::from),
        }
    }
    let sr_case_col = col(T::ServiceRequests, "case_number");
    // Rows by bare id of the three tables the others are joined to: the merge's own maps
    // (one row per id), or for `history` maps of each id's last row.
    let built: Vec<HashMap<Arc<str>, usize>> = if look.history {
        // A service request counts only with a case number (an older version's may be the
        // one there is).
        [(requests, true), (&*conditions, false), (&*target_groups, false)]
            .par_iter()
            .map(|(t, needs_case)| {
                t.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, row)| !needs_case || row[sr_case_col].as_str().is_some())
                    .filter_map(|(r, row)| Some((id_cell(row)?, r)))
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    let rows_by_id = |t: T, k: usize| -> &HashMap<Arc<str>, usize> {
        if built.is_empty() {
            &look.latest[t_index(t)]
        } else {
            &built[k]
        }
    };
    let joins = JoinLookups {
        requests: rows_by_id(T::ServiceRequests, 0),
        conditions: rows_by_id(T::Conditions, 1),
        target_groups: rows_by_id(T::TargetGroups, 2),
        plan_of: look.plan_of,
        facts: look.facts,
    };
    let links = |t: T| look.links[t_index(t)].as_slice();
    // The gatherings' walk is sequential, so the care plans' joins fill the other core
    // meanwhile.
    let (themes, ()) = rayon::join(
        || join_findings_and_goals(requests, gatherings, conditions, goals, links(T::Gatherings), links(T::Goals), &joins),
        || join_care_plans(plans, target_groups, evaluations, links(T::CarePlans), &joins),
    );
    goal_themes.rows = themes;
}

/// Reports read per parallel batch (about a tenth of a second of work on two cores, the
/// longest Ctrl-C waits). The threads wait for each other at the end of a batch: fewer,
/// larger batches keep both cores busier (94 -> 96 % during the read, benches/README.md).
const CHUNK: usize = 2048;

/// Consecutive reports read by one thread, back to front (see `read`).
const GROUP: usize = 32;

/// One input report not yet read: its name, its file (or `None` for an NDJSON line) and
/// its bytes (an NDJSON line's; empty for a file).
/// Where a report's bytes are: a file not read yet, an NDJSON line, or nowhere (a line
/// over the size limit, of this many bytes).
enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
    TooLarge(u64),
}

type Pending = (String, Source);

/// Read everything named by `inputs`. Runs without the GIL; `interrupted` is asked between
/// batches (Ctrl-C) and stops the read.
///
/// Batches are pipelined: while the thread pool reads, parses, validates and extracts one
/// batch, one of its threads merges the previous batch's rows into the tables (the merge
/// keeps input order, so the latest state per id does not depend on the thread count).
pub fn read(inputs: &[PathBuf], opts: ReadOptions, interrupted: &dyn Fn() -> bool) -> Output {
    let t0 = Instant::now();
    // The validator (built once per process) and the list of inputs, at once.
    let (v, listed) = rayon::join(Validator::default_validator, || input::expand(inputs));
    let limits = v.options().limits;
    let mut acc = Acc::new(opts.clone());
    // Files and NDJSON streams listed (the tables are sized for one report each).
    let files = listed.iter().filter(|e| e.is_ok()).count();
    // Rows per table and report: one report row, about half a row of most tables, two
    // conditions (grown along the way where there are more); the tables and their id maps
    // are sized for that once instead of doubling.
    for (i, (t, _, _)) in TABLES.iter().enumerate() {
        let rows = match t {
            T::Reports => files,
            T::Conditions => files * 2,
            T::GoalThemes | T::Issues => 0,
            _ => files / 2,
        };
        acc.tables[i].rows.reserve(rows);
        if !opts.history && *t != T::Reports {
            acc.latest[i].reserve(rows);
        }
    }
    // About one and a half care plan links (målgrupper, goals, evaluations) and one fact
    // (tilbud, follow-up day) per report on synthetic data: sized once, not rehashed
    // while the reports are merged.
    if opts.tables {
        acc.plan_of.reserve(files * 3 / 2);
        acc.facts.reserve(files);
    }
    acc.summary.steps.push(("validator and list of inputs", t0.elapsed().as_secs_f64()));
    let t0 = Instant::now();
    let validator = opts.validate.then_some(v);
    // Groups of consecutive reports, each read back to front so that versions replaced by
    // a later report of the group are not built (a citizen's reports are usually next to
    // each other); the outputs are put back in input order.
    let work = |chunk: Vec<Pending>| -> Vec<ReportOut> {
        chunk
            .into_par_iter()
            .chunks(GROUP)
            .flat_map_iter(|group| {
                let mut later = Later::new(opts.history);
                let mut outs: Vec<ReportOut> =
                    group.into_iter().rev().map(|(n, src)| process(n, src, &opts, &limits, validator, &mut later)).collect();
                outs.reverse();
                outs
            })
            .collect()
    };
    let mut done: Option<Vec<ReportOut>> = None;
    let mut stop = false;
    let mut submit = |chunk: Vec<Pending>, acc: &mut Acc, stop: &mut bool| {
        if *stop || interrupted() {
            *stop = true;
            return;
        }
        let previous = done.take();
        let ((), outs) = rayon::join(
            || {
                for o in previous.into_iter().flatten() {
                    acc.merge(o);
                }
            },
            || work(chunk),
        );
        done = Some(outs);
    };
    let mut pending: Vec<Pending> = Vec::with_capacity(CHUNK);
    for unit in input::reports_of(listed, limits.max_bytes) {
        if stop {
            break;
        }
        match unit {
            Ok(input::Unit::File(p)) => pending.push((p.display().to_string(), Source::File(p))),
            Ok(u) => pending.push((u.name(), Source::Bytes(u.into_bytes().unwrap_or_default()))),
            Err(e @ InputError::TooLarge { size, .. }) => pending.push((e.name(), Source::TooLarge(size))),
            Err(e) => acc.summary.unreadable.push((e.name(), e.reason())),
        }
        if pending.len() >= CHUNK {
            submit(std::mem::replace(&mut pending, Vec::with_capacity(CHUNK)), &mut acc, &mut stop);
        }
    }
    if !pending.is_empty() {
        submit(pending, &mut acc, &mut stop);
    }
    if !stop {
        for o in done.take().into_iter().flatten() {
            acc.merge(o);
        }
    }
    acc.summary.interrupted = stop;
    acc.summary.steps.push(("read, check, extract, merge", t0.elapsed().as_secs_f64()));
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Option<Arc<str>> {
        Some(Arc::from(s))
    }

    #[test]
    fn a_version_is_skipped_only_when_a_later_one_replaces_it() {
        // A group read back to front: the last report first.
        let id = "c1";
        let mut later = Later::new(false);
        assert!(!later.supersedes(T::Conditions, id, &stamp("2025-03-01")), "the first seen is built");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-02-01")), "an older one earlier in the input loses");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-03-01")), "a tie goes to the later input");
        assert!(!later.supersedes(T::Conditions, id, &stamp("2025-04-01")), "a newer one earlier in the input wins");
        assert!(later.supersedes(T::Conditions, id, &stamp("2025-03-15")), "...and is then the one to beat");
        assert!(!later.supersedes(T::Goals, id, &stamp("2025-01-01")), "tables are apart");
        assert!(later.supersedes(T::Goals, id, &None), "no timestamp is the oldest");
        let mut history = Later::new(true);
        assert!(!history.supersedes(T::Conditions, id, &stamp("2025-03-01")));
        assert!(!history.supersedes(T::Conditions, id, &stamp("2025-02-01")), "history keeps every version");
    }

    #[test]
    fn every_resource_table_has_the_report_timestamp_at_one_place() {
        for (t, _, columns) in TABLES {
            if columns.first().is_some_and(|(n, _)| *n == "id") && *t != T::GoalThemes {
                assert_eq!(col(*t, "report_timestamp"), extract::REPORT_TIMESTAMP, "{t:?}");
            }
        }
    }

    #[test]
    fn tables_are_listed_in_the_order_of_their_enum() {
        for (i, (t, _, _)) in TABLES.iter().enumerate() {
            assert_eq!(t_index(*t), i, "{t:?}");
        }
    }

    #[test]
    fn a_link_is_small() {
        // Every row carries one; the large ones are boxed.
        assert!(std::mem::size_of::<Link>() <= 32, "{}", std::mem::size_of::<Link>());
    }

    #[test]
    fn the_newest_care_plan_wins_whatever_the_order() {
        let link = |plan: &str, ts: &str, at: usize| PlanLink { plan: Arc::from(plan), rank: 1, stamp: stamp(ts), at };
        let old = link("p1", "2025-01-01", 5);
        let new = link("p2", "2025-06-01", 1);
        assert!(new.beats(&old) && !old.beats(&new));
        let (first, second) = (link("p1", "2025-06-01", 1), link("p2", "2025-06-01", 2));
        assert!(second.beats(&first) && !first.beats(&second), "in one report: the last listed");
    }
}
