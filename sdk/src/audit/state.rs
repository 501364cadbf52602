//! The current state of a citizen's stream: per resource key (`Type/id`) the latest version
//! reported, the report that carried it, and the days it was sent.

use super::resource::withdrawn;
use crate::profile::Profile;
use crate::report::{profile_of, reference_key, references_under};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One resource as the stream knows it.
#[derive(Clone, Debug)]
pub(crate) struct Tracked<'a> {
    /// The latest version reported (borrowed from the reports).
    pub current: &'a Value,
    /// The report (Bundle id) that carried that version.
    pub report: String,
    /// The day of that report.
    pub day: String,
    /// The report that carried the resource first.
    pub first_report: String,
    /// The day of that report.
    pub first_day: String,
    /// Order of first appearance in the stream (0, 1, ...).
    pub seen: usize,
    /// Every report day that carried the resource.
    pub days: BTreeSet<String>,
}

/// The state after the reports read so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct StreamState<'a> {
    /// Per `Type/id`.
    pub resources: BTreeMap<String, Tracked<'a>>,
    /// (care plan `Type/id`, støttebehov assessment `Type/id`): every assessment a care plan
    /// held (`activity.outcomeReference`) in any version reported, so that a follow-up is
    /// judged by what its care plan held then, not only by its current version (DST-STOETTE).
    pub held_evaluations: BTreeSet<(String, String)>,
}

impl<'a> StreamState<'a> {
    /// The current version of a resource, if known.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.resources.get(key).map(|t| t.current)
    }

    /// Record a version of a resource carried by a report.
    pub(crate) fn record(&mut self, key: String, r: &'a Value, report: &str, day: &str) {
        if r["resourceType"] == "CarePlan" {
            for e in references_under(r, "activity") {
                self.held_evaluations.insert((key.clone(), reference_key(e).to_string()));
            }
        }
        let n = self.resources.len();
        let t = self.resources.entry(key).or_insert_with(|| Tracked {
            current: r,
            report: String::new(),
            day: String::new(),
            first_report: report.to_string(),
            first_day: day.to_string(),
            seen: n,
            days: BTreeSet::new(),
        });
        t.current = r;
        t.report = report.to_string();
        t.day = day.to_string();
        t.days.insert(day.to_string());
    }

    /// Resources of a profile that are not withdrawn, in key order.
    pub(crate) fn current_of(&self, p: Profile) -> impl Iterator<Item = (&String, &Tracked<'a>)> {
        self.resources.iter().filter(move |(_, t)| profile_of(t.current) == Some(p) && !withdrawn(t.current))
    }
}
