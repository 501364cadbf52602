//! Rows of one delivery report: one row per resource in the table of its profile, with
//! the codes resolved against the embedded catalog (terms, theme area and tema, scores,
//! legal basis), and the references each row needs to be joined to others later
//! ([`Link`]). Nothing here judges the report: that is the validator's job.

use super::columns::{spec, Table as T};
use super::table::Cell;
use crate::catalog::codes::{Funktionsevneniveau, Stoettebehov};
use crate::catalog::Catalog;
use crate::profile::{ext, fixed, Profile};
use crate::validate::json::Json;
use std::sync::Arc;

/// References a row keeps for joins made when all reports are read. The larger ones are
/// boxed: every row of every table has a link, most of them `None`.
#[derive(Clone, Debug)]
pub(super) enum Link {
    /// Nothing to join.
    None,
    /// A gathering: its service request and the conditions it found.
    Gathering(Box<GatheringLink>),
    /// A care plan.
    CarePlan(Box<CarePlanLink>),
    /// A goal: the conditions it addresses, with rank.
    Goal { addresses: Vec<(String, i64)> },
}

/// What a gathering's row is joined by.
#[derive(Clone, Debug)]
pub(super) struct GatheringLink {
    /// Its service request (reference).
    pub service_request: Option<String>,
    /// The conditions it found (references).
    pub findings: Vec<String>,
}

/// What a care plan's row is joined by.
#[derive(Clone, Debug)]
pub(super) struct CarePlanLink {
    /// Its tilbud (CareTeam references).
    pub teams: Vec<String>,
    /// Its målgrupper, with rank.
    pub targets: Vec<(String, i64)>,
    /// Its goals (moved out when the row is merged).
    pub goals: Vec<String>,
    /// Its evaluations (moved out when the row is merged).
    pub outcomes: Vec<String>,
    /// Its follow-up encounter.
    pub follow_up: Option<String>,
}

/// One resource's row.
pub(super) struct Row {
    /// Its table.
    pub table: T,
    /// The resource id (the table implies the type), shared with the row's `id` cell.
    pub key: Arc<str>,
    /// The cells, one per column; none for a [placeholder](Row::is_placeholder).
    pub cells: Vec<Cell>,
    /// References for joins.
    pub link: Link,
}

impl Row {
    /// A row left out because a later report of the same read holds a version of the
    /// resource that replaces it (see [`extract`]): it keeps only the id's place in its
    /// table, for the version that replaces it.
    pub(super) fn is_placeholder(&self) -> bool {
        self.cells.is_empty()
    }
}

/// Facts that are not rows but are needed for joins (latest state wins).
#[derive(Clone, Debug)]
pub(super) enum Fact {
    /// CareTeam id -> tilbud code.
    Tilbud(String),
    /// Encounter id -> planned follow-up day.
    FollowUpDate(Option<String>),
}

/// The string at a fixed path of member names (an array item by its index, written as
/// digits), e.g. `s(r, &["meta", "profile", "0"])`.
fn s<'a>(j: &'a Json<'_>, path: &[&str]) -> Option<&'a str> {
    let mut v = j;
    for seg in path {
        v = match v {
            Json::Object(o) => o.get(seg)?,
            Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    v.as_str()
}

fn arr<'a, 'b>(j: &'a Json<'b>, key: &str) -> &'a [Json<'b>] {
    j.get(key).and_then(Json::as_array).unwrap_or_default()
}

fn extension<'a, 'b>(r: &'a Json<'b>, url: &str) -> Option<&'a Json<'b>> {
    arr(r, "extension").iter().find(|e| s(e, &["url"]) == Some(url))
}

fn case_number<'a>(r: &'a Json<'_>) -> Option<&'a str> {
    let e = extension(r, ext::MUNICIPALITY_CASE_NUMBER)?;
    arr(e, "extension").iter().find_map(|x| s(x, &["valueIdentifier", "value"]))
}

fn rank(j: &Json<'_>) -> i64 {
    extension(j, ext::CONDITION_RANK).and_then(|e| e.get("valuePositiveInt")).and_then(Json::as_i64).unwrap_or(0)
}

fn code_of<'a>(j: &'a Json<'_>, element: &str) -> Option<&'a str> {
    j.get(element)?.get("coding")?.get(0)?.get("code")?.as_str()
}

/// The legal basis of a code in the embedded catalog (`; `-separated), or null. Joined once
/// per code for the whole process, then borrowed by every row.
pub(super) fn legal_basis(code: Option<&str>) -> Cell {
    static JOINED: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, String>> = std::sync::OnceLock::new();
    let joined = JOINED.get_or_init(|| {
        let cat = Catalog::embedded();
        // The concept `get` finds for each code (should a code occur twice).
        cat.concepts()
            .iter()
            .filter(|c| !c.legal_basis.is_empty() && cat.get(&c.code).is_some_and(|g| std::ptr::eq(g, *c)))
            .map(|c| (c.code.as_str(), c.legal_basis.join("; ")))
            .collect()
    });
    code.and_then(|c| joined.get(c)).map_or(Cell::Null, |j| Cell::Static(j.as_str()))
}

/// A code: borrowed from the embedded catalog when it is there (no allocation).
pub(super) fn code_cell(code: Option<&str>) -> Cell {
    match code {
        None => Cell::Null,
        Some(c) => Catalog::embedded().get(c).map_or_else(|| Cell::own(c.to_string()), |k| Cell::Static(&k.code)),
    }
}

/// The term of a code in the embedded catalog.
pub(super) fn term(code: Option<&str>) -> Cell {
    code.and_then(|c| Catalog::embedded().get(c)).map_or(Cell::Null, |c| Cell::Static(&c.term))
}

fn withdrawn(r: &Json<'_>) -> bool {
    s(r, &["status"]) == Some("entered-in-error") || code_of(r, "verificationStatus") == Some("entered-in-error")
}

fn refs(r: &Json<'_>, key: &str) -> Vec<String> {
    arr(r, key).iter().filter_map(|x| s(x, &["reference"])).map(str::to_string).collect()
}

/// The table of a profile's rows; `None` for the profiles that give facts, not rows.
fn table_of(profile: Profile) -> Option<T> {
    Some(match profile {
        Profile::Citizen => T::Citizens,
        Profile::ServiceRequest => T::ServiceRequests,
        Profile::InformationGathering => T::Gatherings,
        Profile::Condition => T::Conditions,
        Profile::TargetGroup => T::TargetGroups,
        Profile::InterventionGoal => T::Goals,
        Profile::CareEvaluation => T::Evaluations,
        Profile::CarePlan => T::CarePlans,
        Profile::Intervention => T::Interventions,
        Profile::FollowUp => T::FollowUps,
        Profile::ServicePerformer | Profile::FollowUpEncounter => return None,
    })
}

/// The report-level cells every row starts with.
pub(super) struct Context {
    /// The citizen as output (masked, pseudonym or clear).
    pub citizen: Cell,
    /// The municipality.
    pub municipality: Cell,
    /// The Bundle id.
    pub report_id: Cell,
    /// The Bundle timestamp.
    pub timestamp: Cell,
    /// Where the report came from.
    pub source: Cell,
}

/// What [`extract`] asks before a row is built: the row's shared id and whether a later
/// version replaces it.
pub(super) type KeyOf<'a> = dyn FnMut(T, &str) -> (Arc<str>, bool) + 'a;

/// The rows of every resource of a report. `key_of(table, id)` is asked before a row is
/// built: it gives the row's shared id and whether a later version replaces the row
/// anyway, in which case only a [placeholder](Row::is_placeholder) is made. Care plans are
/// always built whole (the join needs every version's goals and evaluations); facts are
/// never left out.
///
/// `profiles` is the validator's profile of each entry (by index, see
/// `Outcome::profiles`); without it (a read without validation) the profile is taken
/// by [`crate::report::profile_of`] (claim, then content).
pub(super) fn extract(
    report: &Json<'_>,
    cx: &Context,
    profiles: &[Option<Profile>],
    key_of: &mut KeyOf<'_>,
) -> (Vec<Row>, Vec<(String, Fact)>) {
    let cat = Catalog::embedded();
    let entries = arr(report, "entry");
    let mut rows = Vec::with_capacity(entries.len());
    let mut facts = Vec::new();
    let checked = profiles.len() == entries.len();
    for (i, e) in entries.iter().enumerate() {
        let Some(r) = e.get("resource") else { continue };
        let (Some(rt), Some(id)) = (s(r, &["resourceType"]), s(r, &["id"])) else { continue };
        let profile = if checked { profiles[i] } else { crate::report::profile_of(r) };
        let Some(profile) = profile else { continue };
        let Some(row_table) = table_of(profile) else {
            // The profiles that give facts, not rows.
            match profile {
                Profile::ServicePerformer => {
                    if let Some(c) = s(r, &["category", "0", "coding", "0", "code"]) {
                        facts.push((reference(rt, id), Fact::Tilbud(c.to_string())));
                    }
                }
                Profile::FollowUpEncounter => {
                    facts.push((reference(rt, id), Fact::FollowUpDate(s(r, &["period", "start"]).map(str::to_string))))
                }
                _ => {}
            }
            continue;
        };
        let key: Arc<str> = if row_table == T::CarePlans {
            Arc::from(id)
        } else {
            let (key, superseded) = key_of(row_table, id);
            if superseded {
                rows.push(Row { table: row_table, key, cells: Vec::new(), link: Link::None });
                continue;
            }
            key
        };
        // Exactly the row's cells: one allocation, never grown.
        let mut cells = Vec::with_capacity(spec(row_table).1.len());
        cells.extend([
            Cell::Shared(key.clone()),
            cx.citizen.clone(),
            cx.municipality.clone(),
            cx.report_id.clone(),
            cx.timestamp.clone(),
            last_updated(s(r, &["meta", "lastUpdated"]), &cx.timestamp),
            cx.source.clone(),
            Cell::Bool(withdrawn(r)),
        ]);
        let status = || Cell::word(s(r, &["status"]));
        let mut link = Link::None;
        let table = match profile {
            Profile::Citizen => T::Citizens,
            Profile::ServiceRequest => {
                cells.extend([status(), Cell::text(case_number(r))]);
                T::ServiceRequests
            }
            Profile::InformationGathering => {
                let sr =
                    extension(r, ext::BASED_ON_SERVICE_REQUEST).and_then(|x| s(x, &["valueReference", "reference"])).map(str::to_string);
                let findings: Vec<String> =
                    arr(r, "finding").iter().filter_map(|f| s(f, &["itemReference", "reference"])).map(str::to_string).collect();
                cells.extend([
                    status(),
                    Cell::day(s(r, &["effectiveDateTime"])),
                    Cell::text(sr.as_deref().map(id_of)),
                    Cell::Null,
                    Cell::Int(findings.len() as i64),
                ]);
                link = Link::Gathering(Box::new(GatheringLink { service_request: sr, findings }));
                T::Gatherings
            }
            Profile::Condition => {
                let code = code_of(r, "code");
                let concept = code.and_then(|c| cat.get(c));
                let (area, theme) = concept.map_or((None, None), |c| cat.theme_path(c));
                let sev = code_of(r, "severity");
                let score = sev.and_then(Funktionsevneniveau::from_code).and_then(|l| l.score());
                let asserted = extension(r, ext::CONDITION_LAST_ASSERTED_DATE).and_then(|x| s(x, &["valueDateTime"]));
                cells.extend([
                    code_cell(code),
                    concept.map_or(Cell::Null, |c| Cell::Static(&c.term)),
                    concept.map_or(Cell::Null, |c| Cell::Static(c.kind.as_str())),
                    theme.map_or(Cell::Null, |c| Cell::Static(&c.code)),
                    theme.map_or(Cell::Null, |c| Cell::Static(&c.term)),
                    area.map_or(Cell::Null, |c| Cell::Static(&c.term)),
                    code_cell(sev),
                    term(sev),
                    score.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                    Cell::day(s(r, &["recordedDate"])),
                    Cell::day(asserted),
                    Cell::word(code_of(r, "clinicalStatus")),
                    Cell::word(code_of(r, "verificationStatus")),
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                ]);
                T::Conditions
            }
            Profile::TargetGroup => {
                let code = code_of(r, "code");
                cells.extend([
                    code_cell(code),
                    term(code),
                    Cell::day(s(r, &["recordedDate"])),
                    Cell::word(code_of(r, "clinicalStatus")),
                    Cell::Null,
                    Cell::Null,
                ]);
                T::TargetGroups
            }
            Profile::InterventionGoal => {
                let target = |measure: &str| {
                    arr(r, "target")
                        .iter()
                        .find(|t| code_of(t, "measure") == Some(measure))
                        .and_then(|t| code_of(t, "detailCodeableConcept"))
                };
                let maal = target(fixed::MEASURE_CHANGE_VALUE);
                let level = target(fixed::MEASURE_SEVERITY);
                let score = level.and_then(Funktionsevneniveau::from_code).and_then(|l| l.score());
                let addresses: Vec<(String, i64)> =
                    arr(r, "addresses").iter().filter_map(|a| s(a, &["reference"]).map(|x| (x.to_string(), rank(a)))).collect();
                // The last one when several claim rank 1 (the validator reports that).
                let primary = addresses.iter().rev().find(|(_, k)| *k == 1).map(|(x, _)| id_of(x));
                cells.extend([
                    Cell::word(s(r, &["lifecycleStatus"])),
                    code_cell(maal),
                    term(maal),
                    code_cell(level),
                    term(level),
                    score.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                    Cell::text(primary),
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                ]);
                link = Link::Goal { addresses };
                T::Goals
            }
            Profile::CareEvaluation => {
                let code = code_of(r, "valueCodeableConcept");
                let level = code.and_then(Stoettebehov::from_code).and_then(|l| l.level());
                cells.extend([
                    status(),
                    Cell::day(s(r, &["effectiveDateTime"])),
                    code_cell(code),
                    term(code),
                    level.map_or(Cell::Null, |v| Cell::Int(i64::from(v))),
                    Cell::Null,
                ]);
                T::Evaluations
            }
            Profile::CarePlan => {
                let targets: Vec<(String, i64)> =
                    arr(r, "addresses").iter().filter_map(|a| s(a, &["reference"]).map(|x| (x.to_string(), rank(a)))).collect();
                let goals = refs(r, "goal");
                let outcomes = arr(r, "activity")
                    .iter()
                    .flat_map(|a| arr(a, "outcomeReference"))
                    .filter_map(|x| s(x, &["reference"]))
                    .map(str::to_string)
                    .collect();
                let follow_up = extension(r, ext::FOLLOW_UP_DATE).and_then(|x| s(x, &["valueReference", "reference"])).map(str::to_string);
                cells.extend([
                    status(),
                    Cell::day(s(r, &["period", "start"])),
                    Cell::day(s(r, &["period", "end"])),
                    Cell::text(case_number(r)),
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Int(goals.len() as i64),
                    Cell::Null,
                ]);
                link = Link::CarePlan(Box::new(CarePlanLink { teams: refs(r, "careTeam"), targets, goals, outcomes, follow_up }));
                T::CarePlans
            }
            Profile::Intervention => {
                let code = s(r, &["activity", "0", "detail", "code", "coding", "0", "code"]);
                cells.extend([
                    Cell::text(s(r, &["basedOn", "0", "reference"]).map(id_of)),
                    status(),
                    code_cell(code),
                    term(code),
                    legal_basis(code),
                    Cell::day(s(r, &["period", "start"])),
                    Cell::day(s(r, &["period", "end"])),
                    Cell::text(s(r, &["created"])),
                    Cell::word(s(r, &["activity", "0", "detail", "status"])),
                ]);
                T::Interventions
            }
            Profile::FollowUp => {
                let code = code_of(r, "valueCodeableConcept");
                cells.extend([
                    status(),
                    Cell::day(s(r, &["effectiveDateTime"])),
                    Cell::text(s(r, &["focus", "0", "reference"]).map(id_of)),
                    code_cell(code),
                    term(code),
                ]);
                T::FollowUps
            }
            // Facts, taken above: these profiles have no table.
            Profile::ServicePerformer | Profile::FollowUpEncounter => continue,
        };
        debug_assert_eq!(table, row_table);
        debug_assert!(!cells.is_empty(), "a built row is no placeholder");
        debug_assert_eq!(cells.len(), spec(table).1.len(), "table {table:?}: one cell per column");
        rows.push(Row { table, key, cells, link });
    }
    (rows, facts)
}

/// The relative reference `{resource type}/{id}` (sized once, without `format!`).
fn reference(resource_type: &str, id: &str) -> String {
    let mut r = String::with_capacity(resource_type.len() + 1 + id.len());
    r.push_str(resource_type);
    r.push('/');
    r.push_str(id);
    r
}

/// The id in a reference: the text after its last `/` (`CarePlan/123` -> `123`), or the
/// whole reference when it has none (`urn:uuid:...`).
pub(super) fn id_of(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A resource's `meta.lastUpdated`: the report's timestamp cell, shared, when it is the
/// same text (a report usually stamps what it carries), else its own text.
fn last_updated(text: Option<&str>, report_timestamp: &Cell) -> Cell {
    match (text, report_timestamp) {
        (Some(t), Cell::Shared(ts)) if **ts == *t => report_timestamp.clone(),
        (t, _) => Cell::text(t),
    }
}

/// A shared text cell.
pub(super) fn shared(s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, |s| Cell::Shared(Arc::from(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_names_its_type_and_id() {
        let r = reference("CareTeam", "6f1c2b9e-0d3a-4c5b-8e7f-1a2b3c4d5e6f");
        assert_eq!(r, "CareTeam/6f1c2b9e-0d3a-4c5b-8e7f-1a2b3c4d5e6f");
        assert_eq!(id_of(&r), "6f1c2b9e-0d3a-4c5b-8e7f-1a2b3c4d5e6f");
        assert_eq!(r.capacity(), r.len(), "sized once");
    }
}
