//! Municipalities in `ffbkit audit`'s outputs: the user's mapping from STS organisation id
//! to kommunekode (`--municipalities FILE`), if any, and the SDK's coverage view
//! ([`ffbkit_sdk::audit::CoverageView`], computed there, only rendered here).

use super::summary::Totals;
use ffbkit_sdk::audit::CoverageView;
use ffbkit_sdk::municipality::StsMapping;

/// What the outputs know about municipalities.
pub(super) struct Municipalities {
    /// The mapping given, if any.
    pub mapping: Option<StsMapping>,
    /// The coverage view of the run.
    pub view: CoverageView,
}

impl Municipalities {
    /// The view of a run's totals, for the top-N shares asked.
    pub(super) fn new(t: &Totals, mapping: Option<StsMapping>, top: &[usize]) -> Municipalities {
        let view = CoverageView::build(
            t.municipalities.values().map(|m| (m.municipality.as_str(), m.citizens, m.coverage)),
            mapping.as_ref(),
            top,
        );
        Municipalities { mapping, view }
    }

    /// An STS organisation id's municipality for people: `"101 København"`, or why there is
    /// no name (`"not in the mapping"`, `"no mapping given"`).
    pub(super) fn name_of(&self, sts: &str) -> String {
        match &self.mapping {
            Some(m) => m.get(sts).map_or_else(|| "not in the mapping".to_string(), |m| format!("{} {}", m.code, m.name)),
            None => "no mapping given".to_string(),
        }
    }

    /// The top-N shares of a measure as one phrase: `"top 7 hold 60.0 %, top 10 hold 71.2 %"`.
    pub(super) fn top_phrase(m: &ffbkit_sdk::audit::MeasureCoverage) -> String {
        m.top.iter().map(|t| format!("top {} hold {:.1} %", t.n, t.share)).collect::<Vec<_>>().join(", ")
    }
}
