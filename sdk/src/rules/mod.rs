//! The rule registry: every rule ffbkit checks, under the ids of `REQUIREMENTS.md`, declared
//! once. Single-report rules (the validator's: input, gateway, IG invariants, FHIR R4 base
//! rules) are the variants of [`RuleId`], written once in the table below with family,
//! default severity, source and summary; the stream audit's PROTO-* and DST-* rules are
//! [`crate::audit::RULES`], wrapped here, not copied. [`all`] yields both; [`find`] looks
//! one up by its id. `validate::RULES` is a view of this table.
//!
//! Layers: the single-report table and the shared words (family, source, severity, the
//! unknown-id error) are `rules/table.rs`, which imports neither `audit` nor `validate`;
//! the stream audit builds on it, and this module, the view of both, sits above the audit
//! and below the validator. So no module imports one that imports it back.
//!
//! ```
//! use ffbkit_sdk::rules::{self, Family, RuleId};
//! assert_eq!(RuleId::GwCard.as_str(), "GW-CARD");
//! assert_eq!("GW-CARD".parse::<RuleId>(), Ok(RuleId::GwCard));
//! assert_eq!(rules::find("DST-AD").map(|r| r.family()), Some(Family::Dst));
//! assert!(rules::all().any(|r| r.id() == "kl-reporting-ffb-care-plan-1"));
//! ```

pub(crate) mod table;

pub use table::{Family, Rule, RuleId, RuleSource, Severity, UnknownRule, REPORT_RULES};

use crate::audit::{self, AuditRule, AuditRuleId};

/// The typed id of any rule of the registry: a single-report rule's or a stream audit
/// rule's. Its string form is the `REQUIREMENTS.md` id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnyRuleId {
    /// A rule of the validator.
    Report(RuleId),
    /// A rule of the stream audit (PROTO-*, DST-*).
    Audit(AuditRuleId),
}

impl AnyRuleId {
    /// The id as in `REQUIREMENTS.md`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AnyRuleId::Report(r) => r.as_str(),
            AnyRuleId::Audit(r) => r.as_str(),
        }
    }

    /// The rule.
    pub fn rule(self) -> AnyRule {
        match self {
            AnyRuleId::Report(r) => AnyRule::Report(r.rule()),
            AnyRuleId::Audit(r) => AnyRule::Audit(r.rule()),
        }
    }
}

impl From<RuleId> for AnyRuleId {
    fn from(r: RuleId) -> AnyRuleId {
        AnyRuleId::Report(r)
    }
}

impl From<AuditRuleId> for AnyRuleId {
    fn from(r: AuditRuleId) -> AnyRuleId {
        AnyRuleId::Audit(r)
    }
}

impl std::str::FromStr for AnyRuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<AnyRuleId, UnknownRule> {
        s.parse::<RuleId>().map(AnyRuleId::Report).or_else(|_| s.parse::<AuditRuleId>().map(AnyRuleId::Audit))
    }
}

impl std::fmt::Display for AnyRuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AnyRuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AnyRuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AnyRuleId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(|e: UnknownRule| {
            let close = close_matches(&s);
            if close.is_empty() {
                serde::de::Error::custom(e)
            } else {
                serde::de::Error::custom(format!("{e}; did you mean {}?", close.join(", ")))
            }
        })
    }
}

/// Any rule of the registry: a single-report rule or a stream audit rule.
#[derive(Clone, Copy, Debug)]
pub enum AnyRule {
    /// A rule of the validator.
    Report(&'static Rule),
    /// A rule of the stream audit (PROTO-*, DST-*).
    Audit(&'static AuditRule),
}

impl AnyRule {
    /// The id, as in `REQUIREMENTS.md`.
    pub fn id(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.id,
            AnyRule::Audit(r) => r.id,
        }
    }

    /// The family.
    pub fn family(&self) -> Family {
        match self {
            AnyRule::Report(r) => r.family,
            AnyRule::Audit(r) => match r.family {
                audit::Family::Proto => Family::Proto,
                audit::Family::Dst => Family::Dst,
            },
        }
    }

    /// The default severity: `error`, `warning` (validator) or `error`, `interpretation`
    /// (audit).
    pub fn severity(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.severity.as_str(),
            AnyRule::Audit(r) => r.severity.as_str(),
        }
    }

    /// True when the user may change the severity (`--severity`, `--strict`): the IG's
    /// text-only rules of the validator.
    pub fn adjustable(&self) -> bool {
        matches!(self, AnyRule::Report(r) if r.source == RuleSource::IgText)
    }

    /// What it requires.
    pub fn summary(&self) -> &'static str {
        match self {
            AnyRule::Report(r) => r.summary,
            AnyRule::Audit(r) => r.summary,
        }
    }

    /// The source it rests on, in words (for audit rules: each cited sentence).
    pub fn sources(&self) -> Vec<String> {
        match self {
            AnyRule::Report(r) => vec![format!("{}: {}", r.source.describe(), r.reference)],
            AnyRule::Audit(r) => r.source.iter().map(|s| format!("{}, {}: {}", s.document.title(), s.section, s.sentence)).collect(),
        }
    }
}

/// The plain form of a rule, for listings (`ffbkit rules --format json`, Python).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RuleEntry {
    /// The id.
    pub id: &'static str,
    /// The family.
    pub family: Family,
    /// The default severity.
    pub severity: &'static str,
    /// The source it rests on (cited sentences joined by `; `).
    pub source: String,
    /// What it requires.
    pub summary: &'static str,
}

impl From<AnyRule> for RuleEntry {
    fn from(r: AnyRule) -> RuleEntry {
        RuleEntry { id: r.id(), family: r.family(), severity: r.severity(), source: r.sources().join("; "), summary: r.summary() }
    }
}

/// Every rule: the single-report rules, then the stream audit's, in `REQUIREMENTS.md` order.
pub fn all() -> impl Iterator<Item = AnyRule> {
    REPORT_RULES.iter().map(AnyRule::Report).chain(audit::RULES.iter().map(AnyRule::Audit))
}

/// The rule with this id (exact).
pub fn find(id: &str) -> Option<AnyRule> {
    all().find(|r| r.id() == id)
}

/// Rule ids close to `id` (same text ignoring case, or one containing the other, or a small
/// edit distance), best first; for messages on a typo.
pub fn close_matches(id: &str) -> Vec<&'static str> {
    let want = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = all()
        .map(|r| r.id())
        .filter_map(|cand| {
            let c = cand.to_ascii_lowercase();
            let d = if c == want {
                0
            } else if !want.is_empty() && (c.contains(&want) || want.contains(&c)) {
                1
            } else {
                edit_distance(&c, &want) + 1
            };
            (d <= 3).then_some((d, cand))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(5).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_indexed_and_round_trip() {
        let mut ids: Vec<&str> = all().map(|r| r.id()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate id across families");
        assert_eq!(REPORT_RULES.len(), RuleId::ALL.len());
        for (i, id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(id.rule().rule, *id);
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
            assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(id.as_str()));
        }
        assert!("GW-NOPE".parse::<RuleId>().is_err());
        for r in all() {
            let any: AnyRuleId = serde_json::from_value(serde_json::json!(r.id())).unwrap();
            assert_eq!(any.as_str(), r.id());
            assert_eq!(any.rule().id(), r.id());
        }
        let e = serde_json::from_value::<AnyRuleId>(serde_json::json!("PROTO-DAYLY")).unwrap_err().to_string();
        assert!(e.contains("unknown rule id \"PROTO-DAYLY\"") && e.contains("did you mean PROTO-DAILY"), "{e}");
    }

    #[test]
    fn families_follow_the_ids() {
        for r in all() {
            let id = r.id();
            let expected = match id {
                "GW-JSON" | "GW-TYPE" => Family::Input,
                _ if id.starts_with("GW-") => Family::Gateway,
                _ if id.starts_with("kl-reporting-ffb-") => Family::IgInvariant,
                _ if id.starts_with("PROTO-") => Family::Proto,
                _ if id.starts_with("DST-") => Family::Dst,
                _ => Family::FhirBase,
            };
            assert_eq!(r.family(), expected, "{id}");
            assert!(!r.summary().is_empty() && !r.sources().is_empty(), "{id}");
        }
    }

    #[test]
    fn every_single_report_rule_names_where_it_comes_from() {
        for r in REPORT_RULES {
            let ok = match r.source {
                RuleSource::IgProfile => r.reference.starts_with("input/"),
                RuleSource::IgText => r.reference.starts_with("input/pagecontent/index.md, "),
                RuleSource::Input | RuleSource::FhirBase => r.reference.starts_with("FHIR R4"),
            };
            assert!(ok, "{}: {:?} does not fit its source {:?}", r.id, r.reference, r.source);
            if r.family == Family::IgInvariant || r.family == Family::FhirBase {
                assert!(r.reference.contains(r.id), "{}: the reference names the invariant", r.id);
            }
        }
    }

    #[test]
    fn close_matches_name_the_intended_rule() {
        assert_eq!(close_matches("gw-card").first(), Some(&"GW-CARD"));
        assert!(close_matches("DST-AB").contains(&"DST-AD"));
        assert!(close_matches("zzzzzzzzzzzz").is_empty());
    }
}
