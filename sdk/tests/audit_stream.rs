//! The stream audit: synthetic streams satisfy every audited rule; a stream that breaks one
//! rule is found out under that rule's id.

use ffbkit_sdk::audit::{audit_citizen, AuditRuleId};
use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::planner::{example_case, Planner};
use ffbkit_sdk::synth::{citizen_reports, SynthConfig};
use serde_json::Value;
use std::collections::BTreeSet;

fn rules(reports: &[Value]) -> BTreeSet<&'static str> {
    audit_citizen(reports).findings.iter().map(|f| f.rule.as_str()).collect()
}

/// The example case reported over a few days, with `change` applied before the follow-up.
fn stream(change: impl FnOnce(&mut Case)) -> Vec<Value> {
    let mut case = example_case();
    let mut p = Planner::new();
    let d0 = Date::parse("2025-03-03").unwrap();
    let mut out = vec![p.plan_day(&case, d0).unwrap()];
    let fu = d0.plus_months(3);
    let plan = case.care_plans[0].id.clone();
    case.follow_ups.push(FollowUpResult {
        id: Id::random(),
        care_plan: plan,
        result: Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats,
        day: fu,
        registration: Registration::Current,
    });
    let eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, fu.at(10, 0));
    case.care_plans[0].evaluation = Some(eval.id.clone());
    case.evaluations.push(eval);
    change(&mut case);
    out.extend(p.plan_day(&case, fu));
    out
}

#[test]
fn synthetic_streams_pass_every_audited_rule() {
    let cfg = SynthConfig { citizens: 60, seed: 3, ..SynthConfig::default() };
    for i in 0..cfg.citizens {
        let reports: Vec<Value> = citizen_reports(&cfg, i).into_iter().map(|(_, r)| r).collect();
        let a = audit_citizen(&reports);
        assert!(a.findings.is_empty(), "citizen {i}: {:#?}", a.findings);
        assert!(a.citizen.ends_with("-****"));
    }
}

#[test]
fn the_example_stream_is_clean() {
    assert_eq!(rules(&stream(|_| {})), BTreeSet::new());
}

#[test]
fn dst_ff_without_funktioner_og_forhold() {
    let r = stream(|c| c.themes[0].registration = Registration::EnteredInError);
    assert_eq!(rules(&r), ["DST-FF"].into());
}

#[test]
fn dst_stoette_follow_up_without_same_day_assessment() {
    let r = stream(|c| {
        c.evaluations.pop();
        c.care_plans[0].evaluation = Some(c.evaluations[0].id.clone());
    });
    assert_eq!(rules(&r), ["DST-STOETTE"].into());
}

#[test]
fn dst_maaltype_without_goals() {
    let r = stream(|c| {
        c.goals.clear();
        c.care_plans[0].goals.clear();
    });
    // The first report still carried the goal; the audit judges the latest state, so take the
    let mut r = r;
    // goal and the care plan's reference to it out of the first report too.
    r[0]["entry"] =
        Value::Array(r[0]["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] != "Goal").cloned().collect());
    for e in r[0]["entry"].as_array_mut().unwrap() {
        if let Some(o) = e["resource"].as_object_mut().filter(|o| o.contains_key("goal")) {
            o.remove("goal");
        }
    }
    // Without a goal no A&D theme is worked on either: DST-AD-INDSATS, a warning.
    let a = audit_citizen(&r);
    assert_eq!(a.error_rules(), [AuditRuleId::DstMaaltype]);
    assert_eq!(rules(&r), ["DST-AD-INDSATS", "DST-MAALTYPE"].into());
}

#[test]
fn dst_ad_indsats_a_theme_no_goal_addresses_is_an_interpretation() {
    // Breaking (a warning): an A&D theme added at follow-up, addressed by no goal.
    let add = |c: &mut Case, in_goal: bool| {
        let t = ThemeAssessment::new(
            Theme::ad(AdTema::Spise, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap(),
            Date::parse("2025-06-03").unwrap(),
        );
        c.gatherings[0].themes.push(t.id.clone());
        if in_goal {
            c.goals[0].secondary.push(t.id.clone());
        }
        let key = format!("Condition/{}", t.id);
        c.themes.push(t);
        key
    };
    let mut key = String::new();
    let r = stream(|c| key = add(c, false));
    let a = audit_citizen(&r);
    assert_eq!(rules(&r), ["DST-AD-INDSATS"].into(), "{:#?}", a.findings);
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].severity, ffbkit_sdk::audit::Severity::Interpretation);
    assert_eq!(a.findings[0].resource.as_deref(), Some(key.as_str()), "the finding points at the theme");
    assert!(!a.has_errors());
    // Passing: the goal addresses it.
    assert_eq!(
        rules(&stream(|c| {
            add(c, true);
        })),
        BTreeSet::new()
    );
    // Passing: withdrawn, it counts for nothing.
    let r = stream(|c| {
        add(c, false);
        c.themes.last_mut().unwrap().registration = Registration::EnteredInError;
    });
    assert!(!rules(&r).contains("DST-AD-INDSATS"), "{:?}", rules(&r));
}

#[test]
fn dst_stoette_the_follow_up_assessment_belongs_to_the_plan_followed_up() {
    use serde_json::json;
    // Two follow-ups of one plan: the first one's assessment is no longer held by the plan's
    // current version, but was by the version reported that day.
    let mut case = example_case();
    let mut p = Planner::new();
    let d0 = Date::parse("2025-03-03").unwrap();
    let mut out = vec![p.plan_day(&case, d0).unwrap()];
    let plan = case.care_plans[0].id.clone();
    for fu in [d0.plus_months(3), d0.plus_months(6)] {
        case.follow_ups.push(FollowUpResult {
            id: Id::random(),
            care_plan: plan.clone(),
            result: Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats,
            day: fu,
            registration: Registration::Current,
        });
        let eval = SupportEvaluation::new(Stoettebehov::LetStoettebehov, fu.at(10, 0));
        case.care_plans[0].evaluation = Some(eval.id.clone());
        case.care_plans[0].follow_up = Some(fu.plus_months(3));
        case.evaluations.push(eval);
        out.extend(p.plan_day(&case, fu));
    }
    assert_eq!(rules(&out), BTreeSet::new());
    // Breaking (a warning): the plan followed up never held the assessment of the day (it
    // stays with the first one); the assessment is reported on its own.
    let mut r = out.clone();
    let first_eval = format!("Observation/{}", case.evaluations[0].id);
    for report in &mut r[1..] {
        for e in report["entry"].as_array_mut().unwrap() {
            if e["resource"]["resourceType"] == "CarePlan" && e["resource"].get("basedOn").is_none() {
                e["resource"]["activity"][0]["outcomeReference"][0]["reference"] = json!(first_eval.clone());
            }
        }
    }
    let a = audit_citizen(&r);
    let f: Vec<_> = a.findings.iter().filter(|f| f.rule == AuditRuleId::DstStoette).collect();
    assert_eq!(f.len(), 2, "{:#?}", a.findings);
    assert!(f.iter().all(|f| !f.is_error() && f.resource.as_deref().is_some_and(|k| k.starts_with("Observation/"))), "{f:#?}");
    // Passing again: the assessment names the plan as its focus (outside the profile, but it
    // refers to the plan followed up).
    for report in &mut r[1..] {
        for e in report["entry"].as_array_mut().unwrap() {
            if e["resource"]["resourceType"] == "Observation" && e["resource"]["code"]["coding"][0]["code"] != "712744002" {
                e["resource"]["focus"] = json!([{"reference": format!("CarePlan/{plan}")}]);
            }
        }
    }
    let a = audit_citizen(&r);
    assert!(!a.findings.iter().any(|f| f.rule == AuditRuleId::DstStoette), "{:#?}", a.findings);
}

#[test]
fn dst_triple_without_target_group() {
    let mut r = stream(|_| {});
    for report in &mut r {
        // No target group at all (an unheld one would break PROTO-SNAPSHOT as well).
        let kept: Vec<Value> = report["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["resource"]["meta"]["profile"][0].as_str().unwrap().ends_with("kl-reporting-ffb-targetGroup"))
            .cloned()
            .collect();
        report["entry"] = Value::Array(kept);
        for e in report["entry"].as_array_mut().unwrap() {
            if let Some(o) = e["resource"].as_object_mut() {
                if o.get("goal").is_some() {
                    o.remove("addresses");
                }
            }
        }
    }
    assert_eq!(rules(&r), ["DST-TRIPLE"].into());
}

#[test]
fn proto_cond_update_needs_last_asserted() {
    let r = stream(|c| c.themes[1].theme = Theme::ad(AdTema::KoebeInd, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap());
    assert_eq!(rules(&r), ["PROTO-COND-UPDATE"].into());
}

#[test]
fn proto_new_gathering_when_a_plan_changes_tilbud_in_place() {
    let r = stream(|c| c.care_plans[0].tilbud = Tilbud::AktivitetsOgSamvaerstilbud);
    assert!(rules(&r).contains("PROTO-NEW-GATHERING"), "{:?}", rules(&r));
}

#[test]
fn proto_ended_reported_late() {
    let r = stream(|c| {
        c.interventions[0].end = Some(Date::parse("2025-04-01").unwrap());
        c.interventions[0].status = PlanStatus::Completed;
    });
    assert_eq!(rules(&r), ["PROTO-ENDED"].into());
}

#[test]
fn proto_one_day_a_report_spanning_two_days() {
    // A resource the report changes (the new follow-up result), updated two days earlier.
    let mut r = stream(|_| {});
    let e = r[1]["entry"].as_array_mut().unwrap().iter_mut().find(|e| e["resource"]["resourceType"] == "Observation").unwrap();
    e["resource"]["meta"]["lastUpdated"] = Value::String("2025-06-01T10:00:00+02:00".into());
    assert!(rules(&r).contains("PROTO-ONE-DAY"));
    // A resource carried unchanged (referenced by the changed ones) keeps its old stamp.
    let mut r = stream(|_| {});
    let bare = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("meta");
        v
    };
    let first: Vec<Value> = r[0]["entry"].as_array().unwrap().iter().map(|e| bare(&e["resource"])).collect();
    let e =
        r[1]["entry"].as_array_mut().unwrap().iter_mut().find(|e| first.contains(&bare(&e["resource"]))).expect("an unchanged resource");
    e["resource"]["meta"]["lastUpdated"] = Value::String("2025-03-03T23:59:00+01:00".into());
    assert!(!rules(&r).contains("PROTO-ONE-DAY"));
}

#[test]
fn malformed_reports_never_panic() {
    use serde_json::json;
    let good = stream(|_| {});
    let mut odd = good[1].clone();
    odd["timestamp"] = json!("2025-ø6-03T10:00:00+02:00");
    odd["entry"][1]["resource"]["meta"]["lastUpdated"] = json!(12);
    odd["entry"][2]["resource"]["addresses"] = json!([{"reference": 7}, {"reference": "//"}, {"reference": "Condition/"}]);
    let inputs = [
        json!(null),
        json!([]),
        json!({"resourceType": "Bundle"}),
        json!({"resourceType": "Bundle", "entry": [1, "x", {"resource": 3}, {"resource": {"resourceType": "Patient"}}]}),
        json!({"resourceType": "Bundle", "timestamp": 5, "entry": [{"resource": {"resourceType": "CarePlan", "id": "a", "basedOn": "x", "period": {"end": 3}}}]}),
        odd,
    ];
    for i in 0..inputs.len() {
        let mut v = good.clone();
        v.extend(inputs[..=i].iter().cloned());
        let a = audit_citizen(&v);
        assert_eq!(a.reports, v.len());
    }
}

#[test]
fn dst_stoette_ikke_vurderet_is_not_a_stoettebehov() {
    // Breaking: every støttebehov assessment is "Ikke vurderet" (an error).
    let r = stream(|c| c.evaluations.iter_mut().for_each(|e| e.level = Stoettebehov::IkkeVurderet));
    let a = audit_citizen(&r);
    let f: Vec<_> = a.findings.iter().filter(|f| f.rule == AuditRuleId::DstStoette).collect();
    assert_eq!(f.len(), 1, "{:#?}", a.findings);
    assert!(
        f[0].is_error() && f[0].message.contains("Ikke vurderet") && f[0].resource.as_deref().is_some_and(|r| r.starts_with("Patient/")),
        "{f:#?}"
    );
    // Passing: one of them is a støttebehov.
    let r = stream(|c| c.evaluations[0].level = Stoettebehov::IkkeVurderet);
    assert_eq!(rules(&r), BTreeSet::new());
}

#[test]
fn dst_ad_only_ikke_vurderet_is_an_interpretation() {
    // Breaking (a warning): every A&D theme scored "Ikke vurderet".
    let r = stream(|c| {
        c.themes.iter_mut().for_each(|t| t.reassess(Date::parse("2025-06-03").unwrap(), Some(Funktionsevneniveau::IkkeVurderet)))
    });
    let a = audit_citizen(&r);
    let f: Vec<_> = a.findings.iter().filter(|f| f.rule == AuditRuleId::DstAd).collect();
    assert_eq!(f.len(), 1, "{:#?}", a.findings);
    assert_eq!(f[0].severity, ffbkit_sdk::audit::Severity::Interpretation);
    assert!(!a.findings.iter().any(|f| f.rule == AuditRuleId::DstAd && f.is_error()), "{:#?}", a.findings);
    // Passing: one A&D theme has a score.
    let r = stream(|c| c.themes[1].reassess(Date::parse("2025-06-03").unwrap(), Some(Funktionsevneniveau::IkkeVurderet)));
    assert!(!rules(&r).contains("DST-AD"));
}
