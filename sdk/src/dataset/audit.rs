//! The stream audit over a dataset: the reports grouped by citizen, each group judged by
//! [`crate::audit::audit_citizen`] (DST and PROTO rules) in parallel. No rule lives here:
//! this file only counts the audit's findings per citizen and per municipality.
//! Every finding carries its severity: `error` (the cited IG or seed text states the rule)
//! or `interpretation` (ffbkit's reading: a warning).

use super::cpr_mode::CprMode;
use super::table::{Cell, TableBuf, Ty};
use crate::audit::{audit_citizen, Coverage};
use crate::municipality::StsMapping;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use Ty::{Int, Str};

/// One row per finding (`severity`: `error` or `interpretation`).
pub(crate) const FINDINGS: &[(&str, Ty)] =
    &[("citizen", Str), ("municipality", Str), ("rule", Str), ("severity", Str), ("report_id", Str), ("resource", Str), ("message", Str)];
/// One row per citizen (`findings` of any severity, `errors` of severity error; `rules`: the
/// rules of all findings).
pub(crate) const CITIZENS: &[(&str, Ty)] =
    &[("citizen", Str), ("municipality", Str), ("reports", Int), ("findings", Int), ("errors", Int), ("rules", Str)];

/// One row per municipality and rule (a row without rule for a municipality without
/// findings); `errors`: the findings of severity error among `findings`. Then the
/// municipality's kommunekode and name (when a mapping names its STS id) and its coverage
/// as in seed 002 ([`crate::audit::Coverage`] summed over its citizens, the same on each of
/// its rows): A&D themes, funktionsevnevurderinger, F&F themes, støttebehov assessments,
/// måltyper, ydelser, follow-ups.
pub(crate) const MUNICIPALITIES: &[(&str, Ty)] = &[
    ("municipality", Str),
    ("rule", Str),
    ("citizens_with_finding", Int),
    ("findings", Int),
    ("errors", Int),
    ("citizens", Int),
    ("kommunekode", Str),
    ("name", Str),
    ("ad_themes", Int),
    ("ad_scored", Int),
    ("ff_themes", Int),
    ("support_assessments", Int),
    ("maaltyper", Int),
    ("ydelser", Int),
    ("follow_ups", Int),
];

/// The audit's tables, and its findings as rows of `issues`.
pub(super) struct AuditTables {
    /// One row per finding.
    pub findings: TableBuf,
    /// One row per citizen (also those without findings).
    pub citizens: TableBuf,
    /// One row per municipality and rule.
    pub municipalities: TableBuf,
    /// The findings in the columns of the `issues` table.
    pub issue_rows: Vec<Vec<Cell>>,
}

/// A municipality's citizens, per rule (citizens, findings, errors), and coverage.
type MunicipalityCounts = (i64, BTreeMap<&'static str, (i64, i64, i64)>, Coverage);

/// Audit every citizen's reports (raw JSON bytes, keyed by the CPR number as written, by
/// [`crate::report::citizen_cpr`]; a report naming no citizen is not among them).
/// Reports that are not JSON are left out (the validator has reported them).
pub(super) fn run(groups: HashMap<String, Vec<Vec<u8>>>, cpr: &CprMode, mapping: Option<&StsMapping>) -> AuditTables {
    let mut groups: Vec<(String, Vec<Vec<u8>>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let audits: Vec<(String, crate::audit::CitizenAudit)> = groups
        .into_par_iter()
        .map(|(key, reports)| {
            let values: Vec<Value> = reports.iter().filter_map(|b| serde_json::from_slice::<Value>(b).ok()).collect();
            drop(reports);
            (key, audit_citizen(&values))
        })
        .collect();
    let text = |m: &str| cpr.text(m);
    let mut out = AuditTables {
        findings: TableBuf::new("audit_findings", FINDINGS),
        citizens: TableBuf::new("audit_citizens", CITIZENS),
        municipalities: TableBuf::new("audit_municipalities", MUNICIPALITIES),
        issue_rows: Vec::new(),
    };
    // municipality -> (citizens, rule -> (citizens, findings, errors))
    let mut per_m: BTreeMap<String, MunicipalityCounts> = BTreeMap::new();
    for (key, a) in audits {
        let m = per_m.entry(a.municipality.clone()).or_default();
        m.0 += 1;
        m.2.add(&a.coverage);
        let mut seen = BTreeSet::new();
        for f in &a.findings {
            let e = m.1.entry(f.rule.as_str()).or_default();
            e.1 += 1;
            e.2 += i64::from(f.is_error());
            if seen.insert(f.rule.as_str()) {
                e.0 += 1;
            }
        }
        let citizen = if key.is_empty() { Cell::Null } else { Cell::Shared(Arc::from(cpr.show(&key))) };
        let municipality = if a.municipality.is_empty() { Cell::Null } else { Cell::Shared(Arc::from(a.municipality.as_str())) };
        let rules: BTreeSet<&str> = a.findings.iter().map(|f| f.rule.as_str()).collect();
        let errors = a.findings.iter().filter(|f| f.is_error()).count() as i64;
        out.citizens.rows.push(vec![
            citizen.clone(),
            municipality.clone(),
            Cell::Int(a.reports as i64),
            Cell::Int(a.findings.len() as i64),
            Cell::Int(errors),
            Cell::own(rules.into_iter().collect::<Vec<_>>().join(",")),
        ]);
        for f in &a.findings {
            out.findings.rows.push(vec![
                citizen.clone(),
                municipality.clone(),
                Cell::Static(f.rule.as_str()),
                Cell::Static(f.severity.as_str()),
                Cell::text(f.report.as_deref()),
                Cell::text(f.resource.as_deref()),
                Cell::own(text(&f.message)),
            ]);
            out.issue_rows.push(vec![
                Cell::Static("audit"),
                Cell::Null,
                Cell::text(f.report.as_deref()),
                citizen.clone(),
                municipality.clone(),
                Cell::Static(f.rule.as_str()),
                Cell::Static(f.severity.as_str()),
                Cell::Null,
                Cell::text(f.resource.as_deref()),
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::own(text(&f.message)),
            ]);
        }
    }
    for (m, (citizens, rules, coverage)) in per_m {
        let named = mapping.and_then(|x| x.get(&m));
        let tail = [
            Cell::text(named.map(|x| x.code)),
            Cell::text(named.map(|x| x.name)),
            Cell::Int(coverage.ad_themes as i64),
            Cell::Int(coverage.ad_scored as i64),
            Cell::Int(coverage.ff_themes as i64),
            Cell::Int(coverage.support_assessments as i64),
            Cell::Int(coverage.maaltyper as i64),
            Cell::Int(coverage.ydelser as i64),
            Cell::Int(coverage.follow_ups as i64),
        ];
        let mc = if m.is_empty() { Cell::Null } else { Cell::own(m) };
        if rules.is_empty() {
            let mut row = vec![mc.clone(), Cell::Null, Cell::Int(0), Cell::Int(0), Cell::Int(0), Cell::Int(citizens)];
            row.extend(tail.iter().cloned());
            out.municipalities.rows.push(row);
        }
        for (rule, (with, n, errors)) in rules {
            let mut row = vec![mc.clone(), Cell::Static(rule), Cell::Int(with), Cell::Int(n), Cell::Int(errors), Cell::Int(citizens)];
            row.extend(tail.iter().cloned());
            out.municipalities.rows.push(row);
        }
    }
    out
}
