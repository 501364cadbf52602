//! The requirement ids a certification run reports on (REQUIREMENTS.md): every
//! single-report rule of the SDK's validator (GW), the protocol rules (PROTO), Danmarks
//! Statistik's rules (DST), and one `VUM-<journey>-<step>` per journey step.
//!
//! The ids come from the SDK's rule registry (`ffbkit_sdk::rules`), which declares every
//! rule once: the GW ids are its single-report rules, the PROTO and DST ids its stream
//! audit rules under those families (`ffbkit_sdk::audit::RULES`). There is no second list
//! here. Findings of severity interpretation never fail (see [`super::judge`]).

use ffbkit_sdk::rules::{self, Family};
use ffbkit_sdk::validate::RULES;

/// The ids of one family of the registry, in `REQUIREMENTS.md` order.
fn family_ids(family: Family) -> impl Iterator<Item = &'static str> {
    rules::all().filter(move |r| r.family() == family).map(|r| r.id())
}

/// The protocol rules (REQUIREMENTS.md section 2), checked over a journey's stream.
pub fn proto_ids() -> impl Iterator<Item = &'static str> {
    family_ids(Family::Proto)
}

/// Danmarks Statistik's rules (REQUIREMENTS.md sections 3 and 7), checked per citizen at
/// the end of a journey.
pub fn dst_ids() -> impl Iterator<Item = &'static str> {
    family_ids(Family::Dst)
}

/// True for a PROTO id of the registry.
pub fn is_proto(id: &str) -> bool {
    rules::find(id).is_some_and(|r| r.family() == Family::Proto)
}

/// True when the stream audit checks this id (a PROTO or DST rule of the registry).
pub fn audit_checks(id: &str) -> bool {
    rules::find(id).is_some_and(|r| matches!(r.family(), Family::Proto | Family::Dst))
}

/// The GW ids (every rule of the validator), in REQUIREMENTS.md order.
pub fn gw_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// The id of a journey step's own expectations.
pub fn vum_id(journey: &str, step: &str) -> String {
    format!("VUM-{journey}-{step}")
}

/// Every id a run reports on, with a note for those that cannot pass (none today: every
/// rule of the registry is checked). `steps` are the (journey, step) pairs of the suite.
pub fn known_ids<'a>(steps: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = gw_ids().chain(proto_ids()).chain(dst_ids()).map(|id| (id.to_string(), None)).collect();
    out.extend(steps.into_iter().map(|(j, s)| (vum_id(j, s), None)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_registry_is_known_once_under_its_family() {
        let known = known_ids([("j", "a")]);
        let all: Vec<&str> = rules::all().map(|r| r.id()).collect();
        let ids: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).filter(|k| !k.starts_with("VUM-")).collect();
        assert_eq!(ids, all, "GW, then PROTO, then DST, each rule once");
        assert!(known.iter().all(|(_, note)| note.is_none()));
        assert!(known.iter().any(|(k, _)| k == "VUM-j-a"));
        use ffbkit_sdk::audit::{Family as AuditFamily, RULES as AUDIT};
        assert_eq!(proto_ids().count() + dst_ids().count(), AUDIT.len());
        for r in AUDIT {
            let listed = if r.family == AuditFamily::Proto { is_proto(r.id) } else { dst_ids().any(|d| d == r.id) };
            assert!(listed && audit_checks(r.id), "{} ({:?})", r.id, r.family);
        }
        assert!(!audit_checks("GW-REF") && !is_proto("DST-AD"));
    }
}
