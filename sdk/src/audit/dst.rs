//! Danmarks Statistik's requirements per citizen (REQUIREMENTS.md section 3), judged on the
//! stream's current state: withdrawn data counts for nothing; DST-TRIPLE applies to ydelser
//! starting on or after 2025-01-01 and the per-citizen rules (DST-FF, DST-AD, DST-AD-INDSATS,
//! DST-STOETTE, DST-MAALTYPE) to citizens with at least one such ydelse; DST-SCOPE to every reported
//! ydelse and tilbud, whatever its start.

use super::finding::Finding;
use super::resource::{code, day_of};
use super::rules::AuditRuleId;
use super::state::StreamState;
use crate::catalog::codes::{Funktionsevneniveau, Stoettebehov};
use crate::catalog::{Catalog, Concept};
use crate::profile::{fixed, Profile};
use crate::report::{reference_key, references_under};
use serde_json::Value;
use std::collections::BTreeSet;

/// The first day DST counts ydelser from.
pub const DST_FROM: &str = "2025-01-01";

/// Where per-citizen findings point: the citizen and the last report.
pub(crate) struct Citizen<'a> {
    /// `Patient/<id>`.
    pub patient: &'a str,
    /// The last report's Bundle id.
    pub report: &'a str,
    /// Its day.
    pub day: &'a str,
}

/// Whether a legal basis (`Serviceloven § 85`, `Almenboligloven § 105`) lies within FFB's
/// scope: Serviceloven §§ 82 a-d, 85, 103, 104, 107, 108 and Almenboligloven § 105.
pub fn in_scope(basis: &str) -> bool {
    let Some((law, para)) = basis.split_once('§') else { return false };
    let law = law.trim().to_lowercase();
    let para: String = para.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    match law.as_str() {
        "serviceloven" => ["82a", "82b", "82c", "82d", "85", "103", "104", "107", "108"].contains(&para.as_str()),
        "almenboligloven" => para == "105",
        _ => false,
    }
}

/// The legal basis of a concept: its own, else its nearest ancestor's (empty when the
/// catalog states none).
fn legal_basis<'c>(catalog: &'c Catalog, c: &'c Concept) -> &'c [String] {
    if !c.legal_basis.is_empty() {
        return &c.legal_basis;
    }
    catalog.ancestors(c).into_iter().find(|a| !a.legal_basis.is_empty()).map_or(&[], |a| &a.legal_basis)
}

/// DST-SCOPE for one code that must be an FFB ydelse (`KLInterventionsFFB`) or tilbud
/// (`KLServiceCodesFFB`): the reason it is outside the scope, if it is.
fn out_of_scope(catalog: &Catalog, c: &str, value_set: &str, what: &str) -> Option<String> {
    let Some(concept) = catalog.get(c) else { return Some(format!("{c} is not an FFB code; an FFB {what} is required.")) };
    if !catalog.value_set(value_set).is_some_and(|s| s.contains(c)) {
        return Some(format!("{c} ({}) is not an FFB {what} ({value_set}).", concept.term));
    }
    let basis = legal_basis(catalog, concept);
    (!basis.is_empty() && !basis.iter().any(|b| in_scope(b))).then(|| {
        format!(
            "The {what} {} rests on {}, outside FFB's scope (Serviceloven §§ 82 a-d, 85, 103, 104, 107, 108, Almenboligloven § 105).",
            concept.term,
            basis.join(", ")
        )
    })
}

/// All DST rules on the current state.
pub(crate) fn check(state: &StreamState, who: &Citizen, out: &mut Vec<Finding>) {
    let catalog = Catalog::embedded();
    let in_set = |c: &str, vs: &str| catalog.value_set(vs).is_some_and(|s| s.contains(c));
    let live = |k: &str| state.resources.get(k).filter(|t| !super::resource::withdrawn(t.current)).map(|t| &t.current);
    let at = |rule: AuditRuleId, t: &super::state::Tracked, k: &str, message: String| {
        Finding::new(rule, Some(t.report.clone()), Some(k.to_string()), Some(t.day.clone()), message)
    };
    let citizen = |rule: AuditRuleId, message: &str| {
        Finding::new(rule, Some(who.report.to_string()), Some(who.patient.to_string()), Some(who.day.to_string()), message.to_string())
    };

    // DST-SCOPE: every reported ydelse and tilbud.
    for (k, t) in state.current_of(Profile::Intervention) {
        if let Some(why) =
            code(&t.current["activity"][0]["detail"], "code").and_then(|c| out_of_scope(catalog, c, "KLInterventionsFFB", "ydelse"))
        {
            out.push(at(AuditRuleId::DstScope, t, k, why));
        }
    }
    // Tilbud: a reading (the seed limits ydelser).
    for (k, t) in state.current_of(Profile::ServicePerformer) {
        if let Some(why) = t
            .current
            .pointer("/category/0/coding/0/code")
            .and_then(Value::as_str)
            .and_then(|c| out_of_scope(catalog, c, "KLServiceCodesFFB", "tilbud"))
        {
            out.push(at(AuditRuleId::DstScope, t, k, why).interpretation());
        }
    }

    // DST-TRIPLE: ydelser from 2025-01-01 carry a ydelse, a målgruppe and a tilbud.
    let recent: Vec<_> = state
        .current_of(Profile::Intervention)
        .filter(|(_, t)| day_of(&t.current["period"]["start"]).is_some_and(|d| d >= DST_FROM))
        .collect();
    for (k, t) in &recent {
        let i = &t.current;
        let plan = i.pointer("/basedOn/0/reference").and_then(Value::as_str).and_then(|r| live(reference_key(r)));
        let has_ydelse = code(&i["activity"][0]["detail"], "code").is_some();
        let has_target = plan.is_some_and(|p| {
            references_under(*p, "addresses")
                .iter()
                .any(|r| live(reference_key(r)).is_some_and(|g| code(g, "code").is_some_and(|c| in_set(c, "KLTargetGroupsFFB"))))
        });
        let has_tilbud = plan.is_some_and(|p| {
            references_under(*p, "careTeam")
                .iter()
                .any(|r| live(reference_key(r)).is_some_and(|c| c.pointer("/category/0/coding/0/code").is_some()))
        });
        let missing: Vec<&str> = [(has_ydelse, "an FFB ydelse"), (has_target, "an FFB målgruppe"), (has_tilbud, "an FFB tilbud")]
            .into_iter()
            .filter(|(ok, _)| !ok)
            .map(|(_, w)| w)
            .collect();
        if !missing.is_empty() {
            out.push(at(
                AuditRuleId::DstTriple,
                t,
                k,
                format!("The ydelse started on or after {DST_FROM} lacks {}.", missing.join(" and ")),
            ));
        }
    }
    if recent.is_empty() {
        return;
    }

    // DST-FF and DST-AD: themes at undertema level, dated, A&D with a score.
    let conditions: Vec<_> = state.current_of(Profile::Condition).collect();
    let ff = conditions.iter().any(|(_, t)| {
        code(t.current, "code").is_some_and(|c| in_set(c, "KLConditionFFCodesFFB")) && t.current.get("recordedDate").is_some()
    });
    if !ff {
        out.push(citizen(
            AuditRuleId::DstFf,
            "The citizen receives FFB ydelser but has no Funktioner og forhold theme at undertema level with a registration date.",
        ));
    }
    let ad: Vec<_> =
        conditions.iter().filter(|(_, t)| code(t.current, "code").is_some_and(|c| in_set(c, "KLConditionADCodesFFB"))).collect();
    if ad.is_empty() {
        out.push(citizen(
            AuditRuleId::DstAd,
            "The citizen receives FFB ydelser but has no Aktivitet og deltagelse theme at undertema level.",
        ));
    }
    for (k, t) in ad.iter().filter(|(_, t)| t.current.get("severity").is_none() || t.current.get("recordedDate").is_none()) {
        out.push(at(
            AuditRuleId::DstAd,
            t,
            k,
            "The Aktivitet og deltagelse theme lacks its date or its funktionsevnevurdering (severity).".into(),
        ));
    }
    // "Ikke vurderet" is not a funktionsevnevurdering (a reading: the IG's value set holds it).
    let scored: Vec<_> = ad.iter().filter_map(|(_, t)| code(t.current, "severity")).collect();
    if !scored.is_empty() && scored.iter().all(|c| *c == Funktionsevneniveau::IkkeVurderet.code()) {
        out.push(
            citizen(
                AuditRuleId::DstAd,
                "Every Aktivitet og deltagelse theme of the citizen is scored \"Ikke vurderet\", which is not a funktionsevnevurdering.",
            )
            .interpretation(),
        );
    }

    // DST-AD-INDSATS (interpretation): only A&D themes worked with in the social intervention
    // are registered; the IG's links from a theme to the intervention are a goal's
    // `addresses` (and, outside the profiles, a care plan's).
    let worked_on: BTreeSet<&str> = state
        .resources
        .values()
        .filter(|t| !super::resource::withdrawn(t.current) && matches!(t.current["resourceType"].as_str(), Some("Goal" | "CarePlan")))
        .flat_map(|t| references_under(t.current, "addresses"))
        .map(reference_key)
        .collect();
    for (k, t) in ad
        .iter()
        .filter(|(k, t)| !worked_on.contains(k.as_str()) && !matches!(code(t.current, "clinicalStatus"), Some("inactive" | "resolved")))
    {
        out.push(at(AuditRuleId::DstAdIndsats, t, k, "No goal addresses this Aktivitet og deltagelse theme and no care plan works on it; only A&D themes that are part of the social intervention are registered.".into()));
    }

    // DST-STOETTE: a dated støttebehov assessment, and one on the day of every follow-up.
    let days: BTreeSet<&str> =
        state.current_of(Profile::CareEvaluation).filter_map(|(_, t)| day_of(&t.current["effectiveDateTime"])).collect();
    if days.is_empty() {
        out.push(citizen(AuditRuleId::DstStoette, "The citizen receives FFB ydelser but has no dated støttebehov assessment."));
    } else if state
        .current_of(Profile::CareEvaluation)
        .all(|(_, t)| code(t.current, "valueCodeableConcept") == Some(Stoettebehov::IkkeVurderet.code()))
    {
        out.push(citizen(AuditRuleId::DstStoette, "Every støttebehov assessment of the citizen is \"Ikke vurderet\", which is not a støttebehov (intet, let, moderat, højt, fuldstændigt)."));
    }
    for (k, t) in state.current_of(Profile::FollowUp) {
        let d = day_of(&t.current["effectiveDateTime"]).unwrap_or("");
        if !days.contains(d) {
            out.push(at(
                AuditRuleId::DstStoette,
                t,
                k,
                format!("The follow-up of {d} has no støttebehov assessment of the same day (required also when unchanged)."),
            ));
            continue;
        }
        // A reading: the assessment of the day belongs to the care plan followed up (held by
        // it in some version reported, or, outside the profile, naming it as its focus).
        let Some(plan) = references_under(t.current, "focus").first().map(|r| reference_key(r)) else { continue };
        let belongs = state.current_of(Profile::CareEvaluation).any(|(e, x)| {
            day_of(&x.current["effectiveDateTime"]) == Some(d)
                && (state.held_evaluations.contains(&(plan.to_string(), e.clone()))
                    || references_under(x.current, "focus").iter().any(|r| reference_key(r) == plan))
        });
        if !belongs {
            out.push(at(AuditRuleId::DstStoette, t, k, format!("The follow-up of {d} is about {plan}, which holds no støttebehov assessment of that day; the one of that day belongs to another care plan or to none.")).interpretation());
        }
    }

    // DST-MAALTYPE: a goal with a måltype, tied to an A&D theme.
    let maaltype = state.current_of(Profile::InterventionGoal).any(|(_, t)| {
        let g = &t.current;
        g["target"].as_array().is_some_and(|ts| {
            ts.iter().any(|x| code(x, "measure") == Some(fixed::MEASURE_CHANGE_VALUE) && code(x, "detailCodeableConcept").is_some())
        }) && references_under(*g, "addresses")
            .iter()
            .any(|r| live(reference_key(r)).and_then(|c| code(c, "code")).is_some_and(|c| in_set(c, "KLConditionADCodesFFB")))
    });
    if !maaltype {
        out.push(citizen(
            AuditRuleId::DstMaaltype,
            "The citizen receives FFB ydelser but has no goal with a måltype tied to an Aktivitet og deltagelse theme.",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_scope() {
        assert!(in_scope("Serviceloven § 85"));
        assert!(in_scope("Serviceloven § 82a"));
        assert!(in_scope("Serviceloven § 82 d"));
        assert!(in_scope("Almenboligloven § 105"));
        assert!(!in_scope("Serviceloven § 109"));
        assert!(!in_scope("Almenboligloven § 54"));
        assert!(!in_scope("Socialtilsynsloven § 4"));
        let cat = Catalog::embedded();
        use crate::catalog::codes::{Tilbud, Ydelse};
        assert!(
            out_of_scope(cat, Ydelse::MidlertidigtOphold.code(), "KLInterventionsFFB", "ydelse").is_none(),
            "§§ 107, 109, 110: in through § 107"
        );
        assert!(out_of_scope(cat, Ydelse::LaengerevarendeOphold.code(), "KLInterventionsFFB", "ydelse").is_none());
        assert!(out_of_scope(cat, Tilbud::BotilbudslignendeTilbud.code(), "KLServiceCodesFFB", "tilbud").is_some());
        assert!(out_of_scope(cat, Tilbud::MobiltTilbud.code(), "KLInterventionsFFB", "ydelse").is_some(), "a tilbud is not a ydelse");
    }
}
