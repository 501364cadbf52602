//! The coverage view as seed 002's data slides show it ("86 kommuner har indberettet ...
//! A&D-temaer, 12 kommuner har ikke indberettet noget, top 10 kommuner har indberettet 50
//! pct."; "5 kommuner har indberettet ml. 1-5 vurderinger"), computed once here from the
//! per-municipality [`Coverage`] sums and rendered by `ffbkit audit` (table, JSON, HTML).
//!
//! For each [`Measure`] (A&D themes, funktionsevnevurderinger, F&F themes, støttebehov
//! assessments, måltyper): the municipalities reporting any and none, those reporting 1 to
//! 5, and the share of all held by the top N municipalities. *Out of what* is the
//! [`Universe`]: with a mapping from STS organisation id to kommunekode
//! ([`crate::municipality::StsMapping`]) it is the register's 98 municipalities, each
//! counted whether or not the input holds it (a municipality absent from the input reports
//! none); without one it is the municipalities present in the input, named by STS id.
//! Organisations in the input that the mapping does not name are listed apart
//! ([`CoverageView::unmapped`]) and left out of the figures.

use super::Coverage;
use crate::municipality::{self, StsMapping};
use std::collections::BTreeMap;

/// The top-N shares shown when none are asked for: the seed's "top 7" and "top 10".
pub const DEFAULT_TOP: &[usize] = &[7, 10];

/// A kind of registration the view counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Aktivitet og deltagelse themes.
    AdThemes,
    /// Funktionsevnevurderinger: A&D themes with a severity.
    AdScored,
    /// Funktioner og forhold themes.
    FfThemes,
    /// Støttebehov assessments.
    SupportAssessments,
    /// Goals with a måltype.
    Maaltyper,
}

impl Measure {
    /// Every measure, in the seed's order of slides (A&D first, as the issue lists them).
    pub const ALL: [Measure; 5] =
        [Measure::AdThemes, Measure::AdScored, Measure::FfThemes, Measure::SupportAssessments, Measure::Maaltyper];

    /// Its count in a [`Coverage`].
    pub fn of(self, c: &Coverage) -> usize {
        match self {
            Measure::AdThemes => c.ad_themes,
            Measure::AdScored => c.ad_scored,
            Measure::FfThemes => c.ff_themes,
            Measure::SupportAssessments => c.support_assessments,
            Measure::Maaltyper => c.maaltyper,
        }
    }

    /// The name of its field in [`Coverage`] and in JSON (`ad_themes`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::AdThemes => "ad_themes",
            Measure::AdScored => "ad_scored",
            Measure::FfThemes => "ff_themes",
            Measure::SupportAssessments => "support_assessments",
            Measure::Maaltyper => "maaltyper",
        }
    }

    /// What it counts, for people.
    pub fn label(self) -> &'static str {
        match self {
            Measure::AdThemes => "A&D themes",
            Measure::AdScored => "funktionsevnevurderinger",
            Measure::FfThemes => "F&F themes",
            Measure::SupportAssessments => "støttebehov assessments",
            Measure::Maaltyper => "måltyper",
        }
    }
}

/// Which municipalities the figures are out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Universe {
    /// The register's 98 municipalities (a mapping was given).
    Register,
    /// The municipalities (STS organisation ids) present in the input (no mapping).
    Present,
}

/// One municipality's row of the view.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MunicipalityRow {
    /// Kommunekode (register rows; `None` without a mapping or when unmapped).
    pub kommunekode: Option<&'static str>,
    /// Name (register rows).
    pub name: Option<&'static str>,
    /// The STS organisation ids of the input counted here (none for a register
    /// municipality absent from the input; `""` for reports naming no organisation).
    pub sts_ids: Vec<String>,
    /// Citizens audited.
    pub citizens: usize,
    /// Their registrations, summed.
    pub coverage: Coverage,
}

impl MunicipalityRow {
    /// How the row is named for people: `"101 København"`, else its STS id(s), else `"(none)"`.
    pub fn display(&self) -> String {
        match (self.kommunekode, self.name) {
            (Some(c), Some(n)) => format!("{c} {n}"),
            _ if self.sts_ids.iter().all(|s| s.is_empty()) => "(no organisation)".to_string(),
            _ => self.sts_ids.join(", "),
        }
    }
}

/// The share of all registrations of a measure held by the N municipalities with most.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TopShare {
    /// N.
    pub n: usize,
    /// Percent of the measure's total (one decimal; 0 when the total is 0).
    pub share: f64,
}

/// The figures of one measure.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MeasureCoverage {
    /// The measure.
    pub measure: Measure,
    /// Its label ([`Measure::label`]).
    pub label: &'static str,
    /// Registrations over the universe.
    pub total: usize,
    /// Municipalities reporting at least one.
    pub reporting: usize,
    /// Municipalities reporting none.
    pub none: usize,
    /// Municipalities reporting 1 to 5.
    pub one_to_five: usize,
    /// Shares of the top N, for each N asked.
    pub top: Vec<TopShare>,
}

/// The coverage view of an audit run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CoverageView {
    /// What the figures are out of.
    pub universe: Universe,
    /// How many municipalities that is (98 with the register).
    pub out_of: usize,
    /// One sentence saying so, for the outputs.
    pub note: String,
    /// The figures per measure, in [`Measure::ALL`] order.
    pub measures: Vec<MeasureCoverage>,
    /// The universe's municipalities: the 98 by kommunekode, or those present by STS id.
    pub municipalities: Vec<MunicipalityRow>,
    /// Organisations of the input the mapping does not name (register only), not counted.
    pub unmapped: Vec<MunicipalityRow>,
}

impl CoverageView {
    /// Build the view from each STS organisation's (id, citizens, coverage) of a run,
    /// with or without a mapping, for the top-N shares asked (`[]`: none).
    pub fn build<'a>(
        present: impl IntoIterator<Item = (&'a str, usize, Coverage)>,
        mapping: Option<&StsMapping>,
        top: &[usize],
    ) -> CoverageView {
        let row =
            |kommunekode, name| MunicipalityRow { kommunekode, name, sts_ids: Vec::new(), citizens: 0, coverage: Coverage::default() };
        let add = |r: &mut MunicipalityRow, id: &str, citizens: usize, c: &Coverage| {
            r.sts_ids.push(id.to_string());
            r.citizens += citizens;
            r.coverage.add(c);
        };
        let (universe, municipalities, unmapped, note);
        match mapping {
            Some(mapping) => {
                let mut by_code: BTreeMap<&str, MunicipalityRow> =
                    municipality::all().iter().map(|m| (m.code, row(Some(m.code), Some(m.name)))).collect();
                let mut apart: BTreeMap<String, MunicipalityRow> = BTreeMap::new();
                for (id, citizens, c) in present {
                    match mapping.get(id).and_then(|m| by_code.get_mut(m.code)) {
                        Some(r) => add(r, id, citizens, &c),
                        None => add(apart.entry(id.to_string()).or_insert_with(|| row(None, None)), id, citizens, &c),
                    }
                }
                universe = Universe::Register;
                municipalities = by_code.into_values().collect::<Vec<_>>();
                let left: usize = apart.values().map(|r| r.citizens).sum();
                note = if apart.is_empty() {
                    format!("Out of Denmark's {} municipalities (the register, with the STS id mapping given); a municipality absent from the input reports none.", municipality::COUNT)
                } else {
                    format!(
                        "Out of Denmark's {} municipalities (the register, with the STS id mapping given); a municipality absent from the input reports none. {} organisation(s) of the input ({left} citizen(s)) are not in the mapping and are not counted.",
                        municipality::COUNT,
                        apart.len()
                    )
                };
                unmapped = apart.into_values().collect();
            }
            None => {
                let mut by_id: BTreeMap<&str, MunicipalityRow> = BTreeMap::new();
                for (id, citizens, c) in present {
                    add(by_id.entry(id).or_insert_with(|| row(None, None)), id, citizens, &c);
                }
                universe = Universe::Present;
                municipalities = by_id.into_values().collect::<Vec<_>>();
                note = format!(
                    "Out of the {} municipalities (STS organisation ids) present in the input: no mapping from STS id to kommunekode was given (--municipalities FILE), so municipalities are shown by STS id and those absent from the input are not counted.",
                    municipalities.len()
                );
                unmapped = Vec::new();
            }
        }
        let measures = Measure::ALL.iter().map(|&m| measure(m, &municipalities, top)).collect();
        CoverageView { universe, out_of: municipalities.len(), note, measures, municipalities, unmapped }
    }

    /// The figures of one measure.
    pub fn measure(&self, m: Measure) -> Option<&MeasureCoverage> {
        self.measures.iter().find(|x| x.measure == m)
    }
}

/// One measure's figures over the rows.
fn measure(m: Measure, rows: &[MunicipalityRow], top: &[usize]) -> MeasureCoverage {
    let mut counts: Vec<usize> = rows.iter().map(|r| m.of(&r.coverage)).collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = counts.iter().sum();
    let share = |n: usize| {
        if total == 0 {
            0.0
        } else {
            (1000.0 * counts.iter().take(n).sum::<usize>() as f64 / total as f64).round() / 10.0
        }
    };
    MeasureCoverage {
        measure: m,
        label: m.label(),
        total,
        reporting: counts.iter().filter(|&&n| n > 0).count(),
        none: counts.iter().filter(|&&n| n == 0).count(),
        one_to_five: counts.iter().filter(|&&n| (1..=5).contains(&n)).count(),
        top: top.iter().map(|&n| TopShare { n, share: share(n) }).collect(),
    }
}
