//! The validator's rules: a view of the registry ([`crate::rules`]), where each rule is
//! declared once.

pub use crate::rules::{Rule, RuleId, RuleSource, REPORT_RULES as RULES};

/// The single-report rule with this id.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    id.parse::<RuleId>().ok().map(RuleId::rule)
}
