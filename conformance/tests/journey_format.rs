//! The journey format: every fixture validates against `schemas/journey.schema.json` (with
//! the `jsonschema` crate, draft-07), loads with `load_dir`, and bad journeys give load
//! errors that name the journey, the step and the field.

use ffbkit_conformance::harness::requirements;
use ffbkit_conformance::journey::{self, JourneyError};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[test]
fn every_fixture_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(journey::JOURNEY_SCHEMA_JSON).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the schema is valid draft-07");
    let dir = root().join("fixtures/journeys");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", p.display());
            n += 1;
        }
    }
    assert_eq!(n, journey::EMBEDDED_FILES.len(), "every fixture file is embedded");
}

#[test]
fn the_directory_loads_sorted_and_equals_the_embedded_suite() {
    let loaded = journey::load_dir(&root().join("fixtures/journeys")).unwrap();
    let ids: Vec<&str> = loaded.iter().map(|j| j.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(loaded, journey::embedded());
    assert!(ids.contains(&"boerge-mogensen") && ids.len() >= 12, "{ids:?}");
}

#[test]
fn actions_serialize_back_to_their_journey_json() {
    for j in journey::embedded() {
        for s in &j.steps {
            for a in &s.actions {
                let v = serde_json::to_value(a).unwrap();
                assert_eq!(v["action"].as_str(), Some(a.name()));
                let back: journey::Action = serde_json::from_value(v).unwrap();
                assert_eq!(&back, a);
                assert!(!journey::describe(a).is_empty());
            }
        }
    }
}

fn borge_with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<journey::Journey, JourneyError> {
    let text = journey::EMBEDDED_FILES.iter().find(|(n, _)| *n == "boerge-mogensen.json").unwrap().1;
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    journey::parse(&v.to_string(), "test")
}

#[test]
fn an_unknown_term_names_journey_step_and_field() {
    let e = borge_with(|v| v["steps"][2]["actions"][0]["tilbud"] = "Botilbud til ældre".into()).unwrap_err().to_string();
    assert!(
        e.contains("boerge-mogensen")
            && e.contains("step bestilling")
            && e.contains("actions[0].tilbud")
            && e.contains("Botilbud til ældre"),
        "{e}"
    );
}

#[test]
fn a_score_on_an_ff_theme_is_refused() {
    let e = borge_with(|v| v["steps"][1]["actions"][0]["themes"][0]["score"] = 2.into()).unwrap_err().to_string();
    assert!(e.contains("step sagsoplysning") && e.contains("themes[0].theme") && e.contains("condition-1"), "{e}");
}

#[test]
fn an_alias_used_before_it_is_defined_is_refused() {
    let e = borge_with(|v| v["steps"][4]["actions"][0]["theme"] = "appetit".into()).unwrap_err().to_string();
    assert!(e.contains("step opfoelgning") && e.contains("appetit") && e.contains("not defined"), "{e}");
}

#[test]
fn schema_errors_name_the_step_and_field() {
    let e = borge_with(|v| v["steps"][3]["phase"] = "kaffepause".into()).unwrap_err().to_string();
    assert!(e.contains("step levering") && e.contains("/phase"), "{e}");
    let e = borge_with(|v| v["steps"][0]["actions"][0]["sagsnummer"] = "x".into()).unwrap_err().to_string();
    assert!(e.contains("step henvendelse") && e.contains("/actions/0"), "{e}");
}

#[test]
fn a_report_count_names_a_rule_of_the_registry() {
    let j = borge_with(|v| v["steps"][3]["expect"]["reports_rule"] = "PROTO-ONE-DAY".into()).unwrap();
    assert_eq!(j.steps[3].expect.reports_rule.map(|r| r.as_str()), Some("PROTO-ONE-DAY"));
    let e = borge_with(|v| v["steps"][3]["expect"]["reports_rule"] = "PROTO-DAYLY".into()).unwrap_err().to_string();
    assert!(e.contains("unknown rule id \"PROTO-DAYLY\"") && e.contains("did you mean PROTO-DAILY"), "{e}");
}

#[test]
fn an_unknown_action_is_named_plainly() {
    let e = borge_with(|v| v["steps"][3]["actions"] = serde_json::json!([{"action": "fly", "citizen": "borge"}])).unwrap_err().to_string();
    assert!(e.contains("step levering") && e.contains("unknown action \"fly\"") && e.contains("create-case"), "{e}");
}

#[test]
fn every_action_name_is_in_the_schema() {
    for n in journey::ACTION_NAMES {
        assert!(journey::JOURNEY_SCHEMA_JSON.contains(&format!("\"const\": \"{n}\"")), "{n}");
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let e = journey::load_file(Path::new("/nonexistent/j.json")).unwrap_err();
    assert!(matches!(e, JourneyError::Io { .. }) && e.to_string().contains("/nonexistent/j.json"));
}

#[test]
fn the_suite_exercises_every_proto_and_dst_rule_and_every_profile() {
    let suite = journey::embedded();
    let exercised: std::collections::BTreeSet<String> = suite.iter().flat_map(|j| j.exercises.iter().cloned()).collect();
    // Every PROTO and DST id a certification reports on (the registry's audit rules).
    let rules: Vec<&str> = requirements::proto_ids().chain(requirements::dst_ids()).collect();
    for id in rules.iter().chain(journey::resolve::profile_names()) {
        assert!(exercised.contains(*id), "no journey exercises {id}");
    }
    // The list of journeys.
    for id in [
        "boerge-mogensen",
        "sel85-stoette-i-hjemmet",
        "sel107-til-108",
        "sel103-beskyttet-beskaeftigelse",
        "sel104-aktivitet-og-samvaer",
        "sel82-forebyggende",
        "afsluttet-indsats",
        "fejlregistrering-tilbagekaldt",
        "indberetningspause-tre-dage",
        "sel83-ikke-ffb",
        "ydelse-foer-2025",
        "to-kommuner",
    ] {
        assert!(suite.iter().any(|j| j.id == id), "missing journey {id}");
    }
    // Every delivering step has expectations; the rule ids they name are known ids.
    for j in &suite {
        for s in j.steps.iter().filter(|s| s.deliver) {
            assert!(!s.expect.is_empty(), "{} {} expects nothing", j.id, s.id);
            for m in s.expect.contains.iter().chain(&s.expect.absent) {
                if let Some(r) = &m.rule {
                    assert!(rules.contains(&r.as_str()) || r.starts_with("GW-") || r.starts_with("kl-"), "{r}");
                }
            }
        }
    }
}

#[test]
fn a_journey_serializes_to_a_journey_file_that_loads_back_the_same() {
    for j in journey::embedded() {
        let text = serde_json::to_string_pretty(&j).unwrap();
        let back = journey::parse(&text, "round-trip").unwrap_or_else(|e| panic!("{}: {e}", j.id));
        assert_eq!(back, j);
    }
}

#[test]
fn out_of_range_scores_and_bad_citizens_are_refused() {
    let e = borge_with(|v| v["steps"][1]["actions"][0]["themes"][12]["score"] = 7.into()).unwrap_err().to_string();
    assert!(e.contains("step sagsoplysning") && e.contains("/actions/0/themes/12/score") && e.contains("maximum"), "{e}");
    let e = borge_with(|v| v["citizens"][0]["municipality"] = "751".into()).unwrap_err().to_string();
    assert!(e.contains("/citizens/0/municipality"), "{e}");
    let e = borge_with(|v| v["citizens"][0]["cpr"] = "3202501234".into()).unwrap_err().to_string();
    assert!(e.contains("citizens[0].cpr") && !e.contains("3202501234"), "the CPR number is masked: {e}");
}
