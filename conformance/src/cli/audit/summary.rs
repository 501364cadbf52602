//! Totals of an audit run: per rule (citizens affected, and those with a finding of
//! severity error), per municipality (citizens, reports, citizens with findings, coverage
//! as in seed 002, citizens affected per rule).

use ffbkit_sdk::audit::{rule_ids, CitizenAudit, Coverage};
use std::collections::BTreeMap;

/// One municipality's totals.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub(super) struct MunicipalityTotals {
    /// STS organisation id.
    pub municipality: String,
    /// Its kommunekode, when the mapping (`--municipalities`) names it.
    pub kommunekode: Option<&'static str>,
    /// Its name, when the mapping names it.
    pub name: Option<&'static str>,
    /// Citizens audited.
    pub citizens: usize,
    /// Their reports.
    pub reports: usize,
    /// Citizens with at least one finding.
    pub citizens_with_findings: usize,
    /// Citizens with at least one finding of severity error.
    pub citizens_with_errors: usize,
    /// Registrations on the citizens' current states, summed.
    pub coverage: Coverage,
    /// Citizens affected, per rule id (rules with none left out).
    pub per_rule: BTreeMap<&'static str, usize>,
}

/// Totals of a run.
#[derive(Clone, Debug, serde::Serialize)]
pub(super) struct Totals {
    /// Citizens audited.
    pub citizens: usize,
    /// Reports audited.
    pub reports: usize,
    /// Citizens with at least one finding (of any severity).
    pub citizens_with_findings: usize,
    /// Citizens with at least one finding of severity error (warnings aside): the exit code.
    pub citizens_with_errors: usize,
    /// Citizens affected, per rule id (any severity; every audited rule, 0 when none).
    pub per_rule: BTreeMap<&'static str, usize>,
    /// Citizens with a finding of severity error, per rule id (every audited rule).
    pub per_rule_errors: BTreeMap<&'static str, usize>,
    /// Per municipality, by STS id.
    pub municipalities: BTreeMap<String, MunicipalityTotals>,
    /// Registrations over all citizens.
    pub coverage: Coverage,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            citizens: 0,
            reports: 0,
            citizens_with_findings: 0,
            citizens_with_errors: 0,
            per_rule: rule_ids().map(|r| (r, 0)).collect(),
            per_rule_errors: rule_ids().map(|r| (r, 0)).collect(),
            municipalities: BTreeMap::new(),
            coverage: Coverage::default(),
        }
    }
}

impl Totals {
    /// Add one citizen's audit.
    pub(super) fn add(&mut self, a: &CitizenAudit) {
        self.citizens += 1;
        self.reports += a.reports;
        self.coverage.add(&a.coverage);
        let m = self
            .municipalities
            .entry(a.municipality.clone())
            .or_insert_with(|| MunicipalityTotals { municipality: a.municipality.clone(), ..MunicipalityTotals::default() });
        m.citizens += 1;
        m.reports += a.reports;
        m.coverage.add(&a.coverage);
        if !a.findings.is_empty() {
            self.citizens_with_findings += 1;
            m.citizens_with_findings += 1;
        }
        if a.has_errors() {
            self.citizens_with_errors += 1;
            m.citizens_with_errors += 1;
        }
        for r in a.error_rules() {
            *self.per_rule_errors.entry(r.as_str()).or_default() += 1;
        }
        for r in a.rules() {
            *self.per_rule.entry(r.as_str()).or_default() += 1;
            *m.per_rule.entry(r.as_str()).or_default() += 1;
        }
    }

    /// Name each municipality the mapping knows (kommunekode and name).
    pub(super) fn name_municipalities(&mut self, mapping: &ffbkit_sdk::municipality::StsMapping) {
        for m in self.municipalities.values_mut() {
            if let Some(x) = mapping.get(&m.municipality) {
                m.kommunekode = Some(x.code);
                m.name = Some(x.name);
            }
        }
    }

    /// Share of citizens (0-100).
    pub(super) fn share(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.citizens.max(1) as f64
    }
}
