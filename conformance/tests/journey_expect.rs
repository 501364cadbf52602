//! The `VUM-*` expectation checks on real reports (the reference vendor's, in-process),
//! and on those reports broken in one way each: the check fails with a message and names
//! the rule the broken expectation stands for.

use ffbkit_conformance::journey::{self, check_step, Journey};
use ffbkit_conformance::vendor::simulate;
use serde_json::Value;

fn journey(id: &str) -> Journey {
    journey::embedded().into_iter().find(|j| j.id == id).unwrap()
}

fn step(j: &Journey, id: &str) -> usize {
    j.steps.iter().position(|s| s.id == id).unwrap()
}

/// The stream up to and including step `i`.
fn stream_to(per_step: &[Vec<Value>], i: usize) -> Vec<Value> {
    per_step[..=i].iter().flatten().cloned().collect()
}

fn check_with(j: &Journey, i: usize, per_step: &[Vec<Value>], edit: impl FnOnce(&mut Vec<Value>)) -> journey::StepCheck {
    let mut these = per_step[i].clone();
    edit(&mut these);
    let mut stream: Vec<Value> = per_step[..i].iter().flatten().cloned().collect();
    stream.extend(these.iter().cloned());
    check_step(j, i, &these, &stream)
}

fn resources_mut(r: &mut Value) -> impl Iterator<Item = &mut Value> {
    r["entry"].as_array_mut().unwrap().iter_mut().map(|e| &mut e["resource"])
}

#[test]
fn the_reference_reports_pass_and_say_how_much_was_checked() {
    let j = journey("boerge-mogensen");
    let per_step = simulate(&j, None).unwrap();
    for i in 0..j.steps.len() {
        let c = check_step(&j, i, &per_step[i], &stream_to(&per_step, i));
        assert!(c.passed, "{c:?}");
        assert_eq!(c.id, format!("VUM-boerge-mogensen-{}", j.steps[i].id));
        assert!(c.messages[0].contains("expectation(s) hold") && c.failed_rules.is_empty());
    }
}

#[test]
fn a_wrong_report_count_fails_on_the_count_rule() {
    let j = journey("boerge-mogensen");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "levering");
    let extra = per_step[step(&j, "bestilling")][0].clone();
    let c = check_with(&j, i, &per_step, |r| r.push(extra));
    assert!(!c.passed && c.messages[0].contains("expected 0 delivery report(s)"), "{c:?}");
    assert!(c.failed_rules.is_empty(), "too many reports name no rule unless the step does: {c:?}");
    // A delivery missing: PROTO-DAILY (and what the report should have held).
    let i = step(&j, "henvendelse");
    let c = check_with(&j, i, &per_step, Vec::clear);
    assert!(!c.passed && c.messages[0].contains("expected 1 delivery report(s) for this delivery, got 0"), "{c:?}");
    assert_eq!(c.failed_rules, vec!["PROTO-DAILY"]);
    let g = journey("indberetningspause-tre-dage");
    let per = simulate(&g, None).unwrap();
    let i = step(&g, "indhentning");
    assert_eq!(per[i].len(), 3, "one report per missed day");
    let c = check_with(&g, i, &per, |r| {
        r.pop();
    });
    assert!(!c.passed && c.failed_rules.contains(&"PROTO-ONE-DAY".to_string()), "{c:?}");
}

#[test]
fn a_missing_resource_fails_and_names_what_was_expected() {
    let j = journey("sel85-stoette-i-hjemmet");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "opfoelgning");
    // Drop the støttebehov assessment of the follow-up (the defect DST-STOETTE is about).
    let c = check_with(&j, i, &per_step, |r| {
        r[0]["entry"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["resource"]["resourceType"] != "Observation" || e["resource"]["code"]["coding"][0]["code"] == "712744002")
    });
    assert!(!c.passed);
    assert!(c.messages.iter().any(|m| m.contains("no CareEvaluation") && m.contains("Moderat støttebehov")), "{c:?}");
}

#[test]
fn a_changed_score_or_date_is_not_what_was_expected() {
    let j = journey("sel85-stoette-i-hjemmet");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "revurdering");
    let c = check_with(&j, i, &per_step, |r| {
        for res in resources_mut(&mut r[0]) {
            if res["resourceType"] == "Condition" {
                res.as_object_mut().unwrap().remove("extension");
            }
        }
    });
    assert!(!c.passed && c.messages[0].contains("last_asserted"), "{c:?}");
}

#[test]
fn an_id_that_changed_or_did_not_change_is_found() {
    let j = journey("boerge-mogensen");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "opfoelgning");
    // The re-assessed theme under a new id: same_id_as_step fails.
    let old = per_step[i][0]["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["code"]["coding"][0]["code"] == ffbkit_sdk::catalog::codes::AdTema::IndgaaISamspilOgKontakt.code())
        .unwrap()["resource"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = check_with(&j, i, &per_step, |r| {
        let text = r[0].to_string().replace(&old, "00000000-0000-4000-8000-000000000001");
        r[0] = serde_json::from_str(&text).unwrap();
    });
    assert!(!c.passed && c.messages.iter().any(|m| m.contains("the same thing keeps its id")), "{c:?}");
    // The new care plan under the old plan's id: new_id fails.
    let bestilling = &per_step[step(&j, "bestilling")][0];
    let old_plan = bestilling["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "CarePlan" && r.get("basedOn").is_none())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let new_plan = per_step[i][0]["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| {
            r["resourceType"] == "CarePlan" && r.get("basedOn").is_none() && r["status"] == "active" && r["period"]["start"] == "2025-06-18"
        })
        .map(|r| r["id"].as_str().unwrap().to_string())
        .next()
        .unwrap();
    let c = check_with(&j, i, &per_step, |r| {
        let text = r[0].to_string().replace(&new_plan, &old_plan);
        r[0] = serde_json::from_str(&text).unwrap();
    });
    assert!(!c.passed && c.messages.iter().any(|m| m.contains("a new one was expected")), "{c:?}");
}

#[test]
fn what_must_be_absent_fails_on_its_rule() {
    let j = journey("sel83-ikke-ffb");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "paragraf-83");
    assert!(per_step[i].is_empty(), "the § 83 grant is not reported");
    // A vendor that reports it anyway: take the grant report, stamp it as that day's.
    let mut wrong = per_step[step(&j, "bestilling")][0].clone();
    for res in resources_mut(&mut wrong) {
        if res.get("basedOn").is_some() {
            res["period"]["start"] = "2025-05-20".into();
        }
    }
    let c = check_with(&j, i, &per_step, |r| r.push(wrong));
    assert!(!c.passed && c.messages.iter().any(|m| m.contains("must not be reported")), "{c:?}");
    assert!(c.failed_rules.contains(&"DST-SCOPE".to_string()), "{c:?}");
}

#[test]
fn expectations_per_citizen_look_only_at_that_citizens_reports() {
    let j = journey("to-kommuner");
    let per_step = simulate(&j, None).unwrap();
    let i = step(&j, "sagsoplysning");
    assert_eq!(per_step[i].len(), 2);
    // Swap the two reports' citizens: Anna's themes now appear as Bo's.
    let c = check_with(&j, i, &per_step, |r| {
        let a = r[0]["entry"][0]["resource"]["identifier"].clone();
        r[0]["entry"][0]["resource"]["identifier"] = r[1]["entry"][0]["resource"]["identifier"].clone();
        r[1]["entry"][0]["resource"]["identifier"] = a;
    });
    assert!(!c.passed, "{c:?}");
}
