//! The requirement ids a certification run reports on (REQUIREMENTS.md): every
//! single-report rule of the SDK's validator (GW), the protocol rules (PROTO), Danmarks
//! Statistik's rules (DST), and one `VUM-<journey>-<step>` per journey step.
//!
//! Which PROTO and DST ids the SDK's stream audit checks, with their family and severity,
//! comes from the audit's own rule table (`ffbkit_sdk::audit::RULES`): an id of
//! REQUIREMENTS.md that the audit does not implement is reported as `skip` with that
//! reason, never passed silently. Findings of severity interpretation never fail (see
//! [`super::judge`]). The lists below are REQUIREMENTS.md's ids; a test checks that they
//! hold every rule of the table under its family.

use ffbkit_sdk::validate::RULES;

/// The protocol rules (REQUIREMENTS.md section 2), checked over a journey's stream.
pub const PROTO: &[&str] = &[
    "PROTO-DAILY",
    "PROTO-ONE-DAY",
    "PROTO-SNAPSHOT",
    "PROTO-ID-STABLE",
    "PROTO-ERROR",
    "PROTO-COND-UPDATE",
    "PROTO-NEW-GATHERING",
    "PROTO-ENDED",
    "PROTO-GOAL-CONTEXT",
];

/// Danmarks Statistik's rules (REQUIREMENTS.md sections 3 and 7), checked per citizen at the end
/// of a journey.
pub const DST: &[&str] = &["DST-SCOPE", "DST-TRIPLE", "DST-FF", "DST-AD", "DST-AD-INDSATS", "DST-STOETTE", "DST-MAALTYPE"];

/// True when the stream audit checks this PROTO or DST id (it is in the audit's table).
pub fn audit_checks(id: &str) -> bool {
    (PROTO.contains(&id) || DST.contains(&id)) && ffbkit_sdk::audit::rule(id).is_some()
}

/// The GW ids (every rule of the validator), in REQUIREMENTS.md order.
pub fn gw_ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}

/// The id of a journey step's own expectations.
pub fn vum_id(journey: &str, step: &str) -> String {
    format!("VUM-{journey}-{step}")
}

/// Every id a run reports on, with a note for those that cannot pass (not implemented).
/// `steps` are the (journey, step) pairs of the suite.
pub fn known_ids<'a>(steps: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = gw_ids().map(|id| (id.to_string(), None)).collect();
    for id in PROTO.iter().chain(DST) {
        let note = (!audit_checks(id)).then(|| "not checked: the SDK's stream audit does not implement this rule yet".to_string());
        out.push((id.to_string(), note));
    }
    out.extend(steps.into_iter().map(|(j, s)| (vum_id(j, s), None)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_proto_and_dst_id_is_known_and_unimplemented_ones_carry_a_note() {
        let known = known_ids([("j", "a")]);
        for id in PROTO.iter().chain(DST) {
            let (_, note) = known.iter().find(|(k, _)| k == id).unwrap();
            assert_eq!(note.is_some(), ffbkit_sdk::audit::rule(id).is_none(), "{id}");
        }
        // The audit's table and these lists agree: every audited rule is listed under its family.
        use ffbkit_sdk::audit::{Family, RULES as AUDIT};
        for r in AUDIT {
            let list = if r.family == Family::Proto { PROTO } else { DST };
            assert!(list.contains(&r.id), "{} ({:?}) is not among REQUIREMENTS.md's ids here", r.id, r.family);
        }
        assert!(known.iter().any(|(k, _)| k == "GW-REF"));
        assert!(known.iter().any(|(k, _)| k == "VUM-j-a"));
        assert!(audit_checks("DST-AD") && !audit_checks("GW-REF"));
    }
}
