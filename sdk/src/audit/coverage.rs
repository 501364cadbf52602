//! What a citizen's stream holds, counted on its current state (withdrawn data left out):
//! the figures Social- og Boligministeriet shows per municipality (seed 002: F&F and A&D
//! themes, funktionsevnevurderinger, støttebehov assessments, måltyper).

use super::resource::code;
use super::state::StreamState;
use crate::catalog::Catalog;
use crate::profile::{fixed, Profile};

/// Counts of one citizen's current (not withdrawn) registrations (read back from JSON with
/// missing fields as 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Coverage {
    /// Funktioner og forhold themes (undertema level).
    pub ff_themes: usize,
    /// Aktivitet og deltagelse themes (undertema level).
    pub ad_themes: usize,
    /// A&D themes with a funktionsevnevurdering (severity).
    pub ad_scored: usize,
    /// Støttebehov assessments (CareEvaluation).
    pub support_assessments: usize,
    /// Goals with a måltype.
    pub maaltyper: usize,
    /// Ydelser (Intervention).
    pub ydelser: usize,
    /// Follow-up results.
    pub follow_ups: usize,
}

impl Coverage {
    /// Add another citizen's counts.
    pub fn add(&mut self, o: &Coverage) {
        self.ff_themes += o.ff_themes;
        self.ad_themes += o.ad_themes;
        self.ad_scored += o.ad_scored;
        self.support_assessments += o.support_assessments;
        self.maaltyper += o.maaltyper;
        self.ydelser += o.ydelser;
        self.follow_ups += o.follow_ups;
    }
}

/// Count the current state.
pub(crate) fn count(state: &StreamState) -> Coverage {
    let catalog = Catalog::embedded();
    let in_set = |c: Option<&str>, vs: &str| c.is_some_and(|c| catalog.value_set(vs).is_some_and(|s| s.contains(c)));
    let conditions: Vec<_> = state.current_of(Profile::Condition).map(|(_, t)| &t.current).collect();
    let ad: Vec<_> = conditions.iter().filter(|c| in_set(code(c, "code"), "KLConditionADCodesFFB")).collect();
    Coverage {
        ff_themes: conditions.iter().filter(|c| in_set(code(c, "code"), "KLConditionFFCodesFFB")).count(),
        ad_themes: ad.len(),
        ad_scored: ad.iter().filter(|c| c.get("severity").is_some()).count(),
        support_assessments: state.current_of(Profile::CareEvaluation).count(),
        maaltyper: state
            .current_of(Profile::InterventionGoal)
            .filter(|(_, t)| {
                t.current["target"].as_array().is_some_and(|ts| ts.iter().any(|x| code(x, "measure") == Some(fixed::MEASURE_CHANGE_VALUE)))
            })
            .count(),
        ydelser: state.current_of(Profile::Intervention).count(),
        follow_ups: state.current_of(Profile::FollowUp).count(),
    }
}
