//! The tables of a [`Dataset`](super::Dataset): their names, columns and Arrow types, one
//! list ([`TABLES`]) that the extraction, the join and the Python package's column names
//! all follow.

use super::table::{TableBuf, Ty};
use arrow_schema::Schema;
use std::sync::Arc;

use Ty::{Bool, Date, Int, Str};

/// Columns every resource table starts with.
macro_rules! common {
    ($($rest:tt)*) => {
        &[
            ("id", Str), ("citizen", Str), ("municipality", Str), ("report_id", Str),
            ("report_timestamp", Str), ("last_updated", Str), ("source", Str), ("withdrawn", Bool),
            $($rest)*
        ]
    };
}

/// The column of the report's timestamp in every resource table (see `common!`).
pub(crate) const REPORT_TIMESTAMP: usize = 4;

/// The tables of a dataset built from the reports themselves (the audit's three tables,
/// `audit_findings`, `audit_citizens` and `audit_municipalities`, come on top when asked).
///
/// ```
/// use ffbkit_sdk::dataset::Table;
/// assert_eq!(Table::Conditions.name(), "conditions");
/// assert_eq!(Table::from_name("goal_themes"), Some(Table::GoalThemes));
/// let schema = Table::Reports.schema();
/// assert_eq!(schema.field(0).name(), "report_id");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Table {
    /// One row per report.
    Reports,
    /// Patient.
    Citizens,
    /// ServiceRequest.
    ServiceRequests,
    /// ClinicalImpression.
    Gatherings,
    /// Condition (FFB themes).
    Conditions,
    /// Condition (målgrupper).
    TargetGroups,
    /// Goal.
    Goals,
    /// Goal.addresses, one row per addressed theme.
    GoalThemes,
    /// Observation (støttebehov).
    Evaluations,
    /// CarePlan (indsats).
    CarePlans,
    /// CarePlan (ydelse).
    Interventions,
    /// Observation (opfølgning).
    FollowUps,
    /// The validator's and the audit's findings.
    Issues,
}

/// A table's columns: name and type.
pub(crate) type Columns = &'static [(&'static str, Ty)];

/// Every table: its enum, name and columns.
pub(crate) const TABLES: &[(Table, &str, Columns)] = &[
    (
        Table::Reports,
        "reports",
        &[
            ("report_id", Str),
            ("timestamp", Str),
            ("citizen", Str),
            ("municipality", Str),
            ("source", Str),
            ("resources", Int),
            ("valid", Bool),
            ("errors", Int),
            ("warnings", Int),
        ],
    ),
    (Table::Citizens, "citizens", common!()),
    (Table::ServiceRequests, "service_requests", common!(("status", Str), ("case_number", Str))),
    (
        Table::Gatherings,
        "gatherings",
        common!(("status", Str), ("effective", Date), ("service_request", Str), ("case_number", Str), ("findings", Int)),
    ),
    (
        Table::Conditions,
        "conditions",
        common!(
            ("code", Str),
            ("term", Str),
            ("kind", Str),
            ("theme_code", Str),
            ("theme", Str),
            ("area", Str),
            ("severity_code", Str),
            ("funktionsevneniveau", Str),
            ("score", Int),
            ("recorded_date", Date),
            ("last_asserted", Date),
            ("clinical_status", Str),
            ("verification_status", Str),
            ("gathering", Str),
            ("gathering_date", Date),
            ("case_number", Str)
        ),
    ),
    (
        Table::TargetGroups,
        "target_groups",
        common!(("code", Str), ("term", Str), ("recorded_date", Date), ("clinical_status", Str), ("care_plan", Str), ("rank", Int)),
    ),
    (
        Table::Goals,
        "goals",
        common!(
            ("lifecycle_status", Str),
            ("maaltype_code", Str),
            ("maaltype", Str),
            ("expected_level_code", Str),
            ("expected_level", Str),
            ("expected_score", Int),
            ("primary_theme", Str),
            ("primary_theme_code", Str),
            ("primary_theme_term", Str),
            ("care_plan", Str)
        ),
    ),
    (
        Table::GoalThemes,
        "goal_themes",
        &[
            ("goal", Str),
            ("citizen", Str),
            ("municipality", Str),
            ("condition", Str),
            ("rank", Int),
            ("code", Str),
            ("term", Str),
            ("kind", Str),
        ],
    ),
    (
        Table::Evaluations,
        "evaluations",
        common!(("status", Str), ("effective", Date), ("code", Str), ("stoettebehov", Str), ("level", Int), ("care_plan", Str)),
    ),
    (
        Table::CarePlans,
        "care_plans",
        common!(
            ("status", Str),
            ("period_start", Date),
            ("period_end", Date),
            ("case_number", Str),
            ("tilbud_code", Str),
            ("tilbud", Str),
            ("tilbud_paragraph", Str),
            ("target_group_code", Str),
            ("target_group", Str),
            ("secondary_target_group_code", Str),
            ("secondary_target_group", Str),
            ("goals", Int),
            ("follow_up_date", Date)
        ),
    ),
    (
        Table::Interventions,
        "interventions",
        common!(
            ("care_plan", Str),
            ("status", Str),
            ("ydelse_code", Str),
            ("ydelse", Str),
            ("paragraph", Str),
            ("period_start", Date),
            ("period_end", Date),
            ("created", Str),
            ("activity_status", Str)
        ),
    ),
    (
        Table::FollowUps,
        "follow_ups",
        common!(("status", Str), ("effective", Date), ("care_plan", Str), ("result_code", Str), ("result", Str)),
    ),
    (
        Table::Issues,
        "issues",
        &[
            ("origin", Str),
            ("source", Str),
            ("report_id", Str),
            ("citizen", Str),
            ("municipality", Str),
            ("rule", Str),
            ("severity", Str),
            ("location", Str),
            ("resource", Str),
            ("line", Int),
            ("column", Int),
            ("found", Str),
            ("expected", Str),
            ("message", Str),
        ],
    ),
];

/// Name and columns of a table.
pub(crate) fn spec(t: Table) -> (&'static str, &'static [(&'static str, Ty)]) {
    let (_, n, c) = TABLES.iter().find(|(x, _, _)| *x == t).expect("every table is listed");
    (n, c)
}

/// Index of a column of a table.
pub(crate) fn col(t: Table, name: &str) -> usize {
    spec(t).1.iter().position(|(n, _)| *n == name).unwrap_or_else(|| panic!("no column {name}"))
}

impl Table {
    /// Every table, in the order a dataset lists them.
    pub const ALL: [Table; 13] = [
        Table::Reports,
        Table::Citizens,
        Table::ServiceRequests,
        Table::Gatherings,
        Table::Conditions,
        Table::TargetGroups,
        Table::Goals,
        Table::GoalThemes,
        Table::Evaluations,
        Table::CarePlans,
        Table::Interventions,
        Table::FollowUps,
        Table::Issues,
    ];

    /// The table's name (`conditions`, ...), as the Python package names it.
    pub fn name(self) -> &'static str {
        spec(self).0
    }

    /// The table named `name`, if any.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The table's Arrow schema (every column nullable).
    pub fn schema(self) -> Arc<Schema> {
        let (name, columns) = spec(self);
        TableBuf::new(name, columns).schema()
    }
}

/// The place of table `t` in [`TABLES`] (listed in the order of [`Table`], which a test
/// checks).
pub(crate) fn t_index(t: Table) -> usize {
    t as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_listed_in_the_order_of_their_enum() {
        for (i, (t, _, _)) in TABLES.iter().enumerate() {
            assert_eq!(t_index(*t), i, "{t:?}");
            assert_eq!(Table::ALL[i], *t, "{t:?}");
        }
        assert_eq!(Table::ALL.len(), TABLES.len());
    }

    #[test]
    fn every_resource_table_has_the_report_timestamp_at_one_place() {
        for (t, _, columns) in TABLES {
            if columns.first().is_some_and(|(n, _)| *n == "id") && *t != Table::GoalThemes {
                assert_eq!(col(*t, "report_timestamp"), REPORT_TIMESTAMP, "{t:?}");
            }
        }
    }
}
