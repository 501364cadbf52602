//! The daily delivery planner against each PROTO rule of REQUIREMENTS.md section 2.

use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::planner::{change_grant, example_case, Planner};
use ffbkit_sdk::validate::Validator;
use serde_json::Value;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn resources<'a>(report: &'a Value, rt: &str) -> Vec<&'a Value> {
    report["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == rt).collect()
}

fn ids(report: &Value) -> Vec<String> {
    report["entry"].as_array().unwrap().iter().map(|e| e["resource"]["id"].as_str().unwrap().to_string()).collect()
}

fn valid(report: &Value) {
    let o = Validator::default_validator().validate_value(report);
    assert!(o.is_valid(), "{:#?}", o.diagnostics);
}

fn first_report() -> (Planner, Case, Value) {
    let case = example_case();
    let mut p = Planner::new();
    let r = p.plan_day(&case, day("2025-03-03")).expect("first report");
    valid(&r);
    (p, case, r)
}

#[test]
fn proto_daily_reports_changed_days_only() {
    let (mut p, mut case, first) = first_report();
    assert_eq!(resources(&first, "Patient").len(), 1);
    assert!(p.plan_day(&case, day("2025-03-04")).is_none(), "no change, no report");
    case.evaluations[0].level = Stoettebehov::HoejtStoettebehov;
    let r = p.plan_day(&case, day("2025-03-05")).expect("a change gives a report");
    assert_eq!(r["timestamp"], "2025-03-05T23:59:00+01:00");
    valid(&r);
}

#[test]
fn proto_snapshot_changed_with_what_it_references() {
    let (mut p, mut case, _) = first_report();
    case.evaluations[0].level = Stoettebehov::LetStoettebehov;
    let r = p.plan_day(&case, day("2025-03-04")).unwrap();
    // The evaluation changed; it is referenced by nothing it needs, so: Patient + Observation.
    assert_eq!(resources(&r, "Observation").len(), 1);
    assert!(resources(&r, "ServiceRequest").is_empty(), "unchanged and unreferenced: not sent again");
    // A changed care plan brings its target group, goal (with themes), evaluation, tilbud, follow-up.
    case.care_plans[0].follow_up = Some(day("2025-07-01"));
    let r = p.plan_day(&case, day("2025-03-05")).unwrap();
    for rt in ["CarePlan", "Goal", "Observation", "CareTeam", "Encounter"] {
        assert!(!resources(&r, rt).is_empty(), "{rt} missing");
    }
    assert_eq!(resources(&r, "Condition").len(), 3, "the target group and the goal's two themes");
    valid(&r);
}

#[test]
fn proto_id_stable_across_reports() {
    let (mut p, mut case, first) = first_report();
    case.interventions[0].end = Some(day("2025-03-10"));
    case.interventions[0].status = PlanStatus::Completed;
    let r = p.plan_day(&case, day("2025-03-10")).unwrap();
    let before = ids(&first);
    for id in ids(&r) {
        assert!(before.contains(&id), "{id} is new, but nothing new was made");
    }
}

#[test]
fn proto_error_withdraws_with_the_same_id() {
    let (mut p, mut case, _) = first_report();
    let theme_id = case.themes[0].id.clone();
    case.themes[0].registration = Registration::EnteredInError;
    let r = p.plan_day(&case, day("2025-03-04")).unwrap();
    let c = resources(&r, "Condition").into_iter().find(|c| c["id"] == theme_id.as_str()).expect("re-sent");
    assert_eq!(c["verificationStatus"]["coding"][0]["code"], "entered-in-error");
    valid(&r);
}

#[test]
fn proto_cond_update_keeps_code_and_sets_last_asserted() {
    let (mut p, mut case, first) = first_report();
    let before = resources(&first, "Condition").into_iter().find(|c| c["id"] == case.themes[1].id.as_str()).unwrap().clone();
    case.themes[1].reassess(day("2025-06-03"), Some(Funktionsevneniveau::ModeratNedsatFunktionsevne));
    let r = p.plan_day(&case, day("2025-06-03")).unwrap();
    let after = resources(&r, "Condition").into_iter().find(|c| c["id"] == case.themes[1].id.as_str()).unwrap();
    assert_eq!(after["code"], before["code"]);
    assert_eq!(after["extension"][0]["valueDateTime"], "2025-06-03");
    assert_ne!(after["severity"], before["severity"]);
    valid(&r);
}

#[test]
fn proto_new_gathering_when_the_grant_changes() {
    let (mut p, mut case, first) = first_report();
    let old_plan = case.care_plans[0].id.clone();
    let old_gathering = case.gatherings[0].id.clone();
    let new_plan = change_grant(&mut case, &old_plan, day("2025-05-01"), |plan| plan.tilbud = Tilbud::AktivitetsOgSamvaerstilbud).unwrap();
    let plan_ref = case.care_plans.iter().find(|x| x.id == new_plan).unwrap().clone();
    case.interventions.push(Intervention::new(&plan_ref, Ydelse::SocialAktivitet, day("2025-05-01"), day("2025-05-01").at(9, 0)).unwrap());
    let r = p.plan_day(&case, day("2025-05-01")).unwrap();
    let gatherings = resources(&r, "ClinicalImpression");
    assert_eq!(gatherings.len(), 1);
    assert_ne!(gatherings[0]["id"], old_gathering.as_str(), "a new information gathering");
    let plans = resources(&r, "CarePlan");
    let old = plans.iter().find(|x| x["id"] == old_plan.as_str()).expect("old plan re-sent");
    assert_eq!(old["status"], "completed");
    assert_eq!(old["period"]["end"], "2025-05-01");
    assert!(plans.iter().any(|x| x["id"] == new_plan.as_str()), "a new care plan id");
    assert!(!ids(&first).contains(&new_plan.to_string()));
    valid(&r);
}

#[test]
fn proto_ended_intervention_has_its_end_date() {
    let (mut p, mut case, _) = first_report();
    case.interventions[0].end = Some(day("2025-04-15"));
    case.interventions[0].status = PlanStatus::Completed;
    let r = p.plan_day(&case, day("2025-04-15")).unwrap();
    let i = resources(&r, "CarePlan").into_iter().find(|x| x["id"] == case.interventions[0].id.as_str()).unwrap();
    assert_eq!(i["period"]["end"], "2025-04-15");
    valid(&r);
}

#[test]
fn proto_goal_context_changed_goal_with_its_conditions() {
    let (mut p, mut case, _) = first_report();
    case.goals[0].maaltype = Maaltype::FastholdeFunktionsevne;
    let r = p.plan_day(&case, day("2025-03-20")).unwrap();
    assert_eq!(resources(&r, "Goal").len(), 1);
    let cond_ids: Vec<&str> = resources(&r, "Condition").iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(cond_ids.contains(&case.goals[0].primary.as_str()));
    assert!(case.goals[0].secondary.iter().all(|s| cond_ids.contains(&s.as_str())));
    valid(&r);
}

#[test]
fn proto_one_day_one_report_per_missed_day() {
    let (mut p, case, _) = first_report();
    let mut states = Vec::new();
    let mut c = case.clone();
    for (i, d) in ["2025-03-10", "2025-03-11", "2025-03-12"].iter().enumerate() {
        c.evaluations[0].level = Stoettebehov::from_level(i as u8).unwrap();
        states.push((day(d), c.clone()));
    }
    let reports = p.catch_up(&states);
    assert_eq!(reports.len(), 3);
    for ((d, r), expected) in reports.iter().zip(["2025-03-10", "2025-03-11", "2025-03-12"]) {
        assert_eq!(d.to_string(), expected);
        assert!(r["timestamp"].as_str().unwrap().starts_with(expected), "each report covers its own day");
        valid(r);
    }
    assert!(p.plan_day(&c, day("2025-03-11")).is_none(), "days go forward only");
}
