//! The joins made once every report is read: gatherings get their service request's case
//! number, conditions the gathering that found them, goals their care plan and primary
//! theme (and one `goal_themes` row per addressed theme), care plans their tilbud,
//! målgrupper and follow-up date, target groups and evaluations their care plan.

use super::columns::{col, t_index, Table as T};
use super::extract::{self, Fact, Link};
use super::table::{Cell, TableBuf};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The care plan a target group, goal or evaluation belongs to: of all care plan versions
/// that list it, the one of the newest report, in it the last listed (then the greatest
/// plan id), so that the order of the input does not matter.
pub(crate) struct PlanLink {
    pub(crate) plan: Arc<str>,
    pub(crate) rank: i64,
    pub(crate) stamp: Option<Arc<str>>,
    /// The plan's place among the report's rows.
    pub(crate) at: usize,
}

impl PlanLink {
    /// Whether `self` wins over `old`.
    pub(crate) fn beats(&self, old: &PlanLink) -> bool {
        fn key(p: &PlanLink) -> (&str, usize, &str) {
            (p.stamp.as_deref().unwrap_or(""), p.at, &p.plan)
        }
        key(self) >= key(old)
    }
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

/// What the join looks up, from the merge: the links of each table's rows, the rows by id,
/// the care plan of each target group, goal and evaluation, and the facts.
pub(crate) struct Lookups<'a> {
    pub(crate) links: &'a [Vec<Link>],
    pub(crate) latest: &'a [HashMap<Arc<str>, usize>],
    pub(crate) plan_of: &'a HashMap<String, PlanLink>,
    pub(crate) facts: &'a HashMap<String, (Option<Arc<str>>, Fact)>,
    pub(crate) history: bool,
}

/// Joins made once everything is read, in two halves that touch different tables
/// ([`join_findings_and_goals`], [`join_care_plans`]) and run at once. Rows are found by
/// bare id through the merge's own id maps (maps of each id's last row are built only for
/// `history`), the joined texts are shared between rows, and the rows are filled in
/// parallel.
#[allow(clippy::too_many_arguments)]
pub(crate) fn join(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Option<Arc<str>> {
        Some(Arc::from(s))
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
