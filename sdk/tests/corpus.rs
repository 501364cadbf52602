//! The language-neutral rule corpus of `fixtures/reports`: valid reports have no errors,
//! each invalid report triggers exactly the rule ids its index names, every rule id of
//! REQUIREMENTS.md section 1 has at least one invalid fixture, and every rule of the
//! registry (`ffbkit_sdk::rules`, the stream audit's too) has a fixture that breaks it.

use ffbkit_sdk::rules::{self, AnyRule};
use ffbkit_sdk::validate::{Severity, Validator, RULES};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("index.json"))
        .collect();
    v.sort();
    v
}

#[test]
fn valid_reports_have_no_errors() {
    let files = json_files(&fixtures().join("valid"));
    assert!(files.len() >= 8, "expected the IG examples and own reports, found {}", files.len());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let o = Validator::default_validator().validate_bytes(&bytes);
        let errors: Vec<_> = o.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("own-") {
            assert!(o.diagnostics.is_empty(), "{name} should be clean: {:#?}", o.diagnostics);
        }
        assert!(o.resources > 0);
    }
}

#[test]
fn the_ig_examples_only_miss_what_the_ig_itself_omits() {
    // The official examples claim their profiles (SUSHI writes meta.profile) but have no
    // meta.lastUpdated, and no goals on ordered care plans.
    let allowed: BTreeSet<&str> = ["GW-LAST-UPDATED", "kl-reporting-ffb-care-plan-3"].into();
    for f in json_files(&fixtures().join("valid")) {
        if !f.file_name().unwrap().to_string_lossy().starts_with("ig-example") {
            continue;
        }
        let o = Validator::default_validator().validate_bytes(&std::fs::read(&f).unwrap());
        let ids: BTreeSet<&str> = o.rule_ids(Severity::Information).into_iter().map(|r| r.as_str()).collect();
        assert!(ids.is_subset(&allowed), "{}: {ids:?}", f.display());
        assert!(ids.contains("GW-LAST-UPDATED"));
    }
}

fn cases() -> Vec<(String, String, BTreeSet<String>)> {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("invalid/index.json")).unwrap()).unwrap();
    index["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["file"].as_str().unwrap().to_string(),
                c["description"].as_str().unwrap().to_string(),
                c["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn each_invalid_report_triggers_exactly_its_rules() {
    let mut failures = Vec::new();
    for (file, description, expected) in cases() {
        let bytes = std::fs::read(fixtures().join("invalid").join(&file)).unwrap();
        let o = Validator::default_validator().validate_bytes(&bytes);
        let got: BTreeSet<String> = o.rule_ids(Severity::Information).into_iter().map(|r| r.to_string()).collect();
        if got != expected {
            failures.push(format!("{file} ({description}): expected {expected:?}, got {got:?}\n{:#?}", o.diagnostics));
        }
        for d in &o.diagnostics {
            assert!(d.line.is_some() && d.column.is_some(), "{file}: {d:?} has no position");
            assert!(d.location.starts_with("Bundle"), "{file}: {}", d.location);
            assert!(!d.message.is_empty() && !d.expected.is_empty());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_index_entry_has_a_file_and_every_file_an_entry() {
    let listed: BTreeSet<String> = cases().into_iter().map(|c| c.0).collect();
    let present: BTreeSet<String> =
        json_files(&fixtures().join("invalid")).into_iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(listed, present);
    let descriptions: Vec<String> = cases().into_iter().map(|c| c.1).collect();
    let unique: BTreeSet<&String> = descriptions.iter().collect();
    assert_eq!(unique.len(), descriptions.len(), "descriptions are unique");
}

/// The rule ids of REQUIREMENTS.md section 1 (a `|`-table), read from `shared/` beside the
/// checkout; `delivery-report-1/2/3` expands to three ids.
fn requirement_ids() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/REQUIREMENTS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let section = text.split("\n## 1.").nth(1).unwrap().split("\n## 2.").next().unwrap();
    let mut ids = Vec::new();
    for line in section.lines() {
        let Some(cell) = line.strip_prefix("| ").and_then(|l| l.split(" |").next()) else { continue };
        if cell == "id" || cell.starts_with('-') {
            continue;
        }
        if let Some(base) = cell.strip_suffix("-1/2/3") {
            ids.extend((1..=3).map(|i| format!("{base}-{i}")));
        } else {
            ids.push(cell.to_string());
        }
    }
    ids.push("kl-reporting-ffb-care-plan-3".into());
    ids
}

#[test]
fn every_requirement_rule_has_an_invalid_fixture_and_a_registered_rule() {
    let covered: BTreeSet<String> = cases().into_iter().flat_map(|c| c.2).collect();
    let ids = requirement_ids();
    assert!(ids.len() >= 23, "{ids:?}");
    for id in ids {
        assert!(RULES.iter().any(|r| r.id == id), "{id} is not in the rule registry");
        assert!(covered.contains(&id), "{id} has no invalid fixture");
    }
}

/// Rules of the registry that no fixture breaks, each with the reason. Empty: every rule
/// has one. A rule listed here that gains a fixture fails the test below (remove it).
const NO_BREAKING_FIXTURE: &[(&str, &str)] = &[];

/// The rule ids a fixture index lists under `key` for any of its cases.
fn listed(index: &Path, key: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(index).unwrap()).unwrap();
    v["cases"].as_array().unwrap().iter().flat_map(|c| c[key].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string())).collect()
}

/// Every rule of the registry (single-report and stream audit) has a fixture that breaks
/// it: an invalid report (`fixtures/reports/invalid`) or a stream (`fixtures/streams`)
/// whose index names it. That the fixtures give exactly those ids is checked by
/// `each_invalid_report_triggers_exactly_its_rules` here and by `audit_fixtures.rs`.
#[test]
fn every_rule_of_the_registry_has_a_breaking_fixture() {
    let reports = listed(&fixtures().join("invalid/index.json"), "rules");
    let streams = listed(&fixtures().join("../streams/index.json"), "rules");
    for r in rules::all() {
        let broken = match r {
            AnyRule::Report(_) => reports.contains(r.id()),
            AnyRule::Audit(_) => streams.contains(r.id()),
        };
        let excepted = NO_BREAKING_FIXTURE.iter().any(|(id, _)| *id == r.id());
        assert!(broken || excepted, "rule {} ({}) has no fixture that breaks it", r.id(), r.family());
        assert!(!(broken && excepted), "rule {} has a breaking fixture now: remove it from NO_BREAKING_FIXTURE", r.id());
    }
    for (id, why) in NO_BREAKING_FIXTURE {
        assert!(rules::find(id).is_some() && !why.is_empty(), "{id}");
    }
}

#[test]
fn validate_parsed_gives_the_outcome_of_validate_bytes() {
    // One parse shared with the caller: same findings (with line and column) as validating
    // the bytes, on every valid and invalid fixture and on input that is not JSON.
    let v = Validator::default_validator();
    let mut inputs: Vec<Vec<u8>> = json_files(&fixtures().join("valid"))
        .iter()
        .chain(&json_files(&fixtures().join("invalid")))
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    inputs.push(b"{\"resourceType\": \"Bundle\",".to_vec());
    inputs.push(b"[1, 2]".to_vec());
    inputs.push(b"{\"a\": 1, \"a\": 2}".to_vec());
    for bytes in inputs {
        let arena = ffbkit_sdk::validate::json::Arena::new();
        let parsed = ffbkit_sdk::validate::source::parse(&bytes, &arena, &v.options().limits);
        let shared = v.validate_parsed(&bytes, &parsed);
        let own = v.validate_bytes(&bytes);
        assert_eq!(format!("{shared:?}"), format!("{own:?}"), "{}", String::from_utf8_lossy(&bytes));
    }
}

/// The schema check skips small objects it found valid before on the same thread
/// (`validate::memo`). That must not change any finding: every invalid fixture, checked
/// on a thread that has just seen every valid fixture and every other invalid one, gives
/// the diagnostics it gives on a fresh thread, and twice in a row the same.
#[test]
fn remembered_valid_objects_change_no_finding() {
    let read = |dir: &str, file: &str| std::fs::read(fixtures().join(dir).join(file)).unwrap();
    let invalid: Vec<(String, Vec<u8>)> = cases()
        .into_iter()
        .map(|(file, _, _)| {
            let bytes = read("invalid", &file);
            (file, bytes)
        })
        .collect();
    let valid: Vec<Vec<u8>> = json_files(&fixtures().join("valid")).iter().map(|p| std::fs::read(p).unwrap()).collect();
    let findings = |bytes: &[u8]| -> Vec<(String, String, String)> {
        let o = Validator::default_validator().validate_bytes(bytes);
        o.diagnostics.iter().map(|d| (d.rule.to_string(), d.pointer.clone(), d.message.clone())).collect()
    };
    let fresh: Vec<_> = invalid
        .iter()
        .map(|(_, b)| {
            let b = b.clone();
            std::thread::spawn(move || findings(&b)).join().unwrap()
        })
        .collect();
    let schema_findings: usize = fresh.iter().flatten().filter(|(rule, _, _)| rule.starts_with("GW-")).count();
    assert!(schema_findings > 20, "the fixtures exercise the schema check ({schema_findings} gateway findings)");
    for b in &valid {
        findings(b);
    }
    for round in 0..2 {
        for ((file, b), expected) in invalid.iter().zip(&fresh) {
            assert_eq!(&findings(b), expected, "{file}, round {round} on a warm thread");
        }
    }
}

/// The memory of valid objects is per schema node: a coding valid as a Condition's `code`
/// is still an error as its `severity`, in the same report, after it was found valid.
#[test]
fn a_remembered_object_is_valid_only_where_it_was_checked() {
    let mut report: Value = serde_json::from_slice(&std::fs::read(fixtures().join("valid/ig-example-encounter-2.json")).unwrap()).unwrap();
    let entries = report["entry"].as_array_mut().unwrap();
    let condition = entries
        .iter_mut()
        .map(|e| &mut e["resource"])
        .find(|r| r["resourceType"] == "Condition" && r.get("severity").is_some())
        .expect("a Condition with a severity");
    let theme = condition["code"]["coding"][0].clone();
    condition["severity"]["coding"][0] = theme;
    let text = serde_json::to_vec(&report).unwrap();
    let errors = || -> Vec<(String, String)> {
        let o = Validator::default_validator().validate_bytes(&text);
        o.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| (d.rule.to_string(), d.pointer.clone())).collect()
    };
    let first = errors();
    assert!(first.iter().any(|(rule, pointer)| rule.starts_with("GW-") && pointer.contains("/severity/coding/0")), "{first:?}");
    assert_eq!(errors(), first, "the same report again, on a warm thread");
}

/// Issue 17, part 1: the published IG 1.0.0 Condition profile names the last-asserted date
/// extension under KL core (`http://fhir.kl.dk/core/StructureDefinition/ConditionLastAssertedDate`).
/// The IG's encounter 6 carries it and is valid; the same report with DK core's
/// extension of the same name (`http://hl7.dk/fhir/core/...`, which ffbkit once used) is not.
#[test]
fn the_last_asserted_date_is_the_kl_core_extension() {
    const KL_CORE: &str = "http://fhir.kl.dk/core/StructureDefinition/ConditionLastAssertedDate";
    const DK_CORE: &str = "http://hl7.dk/fhir/core/StructureDefinition/ConditionLastAssertedDate";
    assert_eq!(ffbkit_sdk::profile::ext::CONDITION_LAST_ASSERTED_DATE, KL_CORE);
    let text = std::fs::read_to_string(fixtures().join("valid/ig-example-encounter-6.json")).unwrap();
    assert_eq!(text.matches(KL_CORE).count(), 1, "encounter 6 re-asserts one condition");
    let errors = |text: &str| -> Vec<(String, String)> {
        let o = Validator::default_validator().validate_bytes(text.as_bytes());
        o.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| (d.rule.to_string(), d.pointer.clone())).collect()
    };
    assert_eq!(errors(&text), vec![]);
    let wrong = errors(&text.replace(KL_CORE, DK_CORE));
    assert!(wrong.iter().any(|(rule, pointer)| rule == "GW-FIXED" && pointer.ends_with("/extension/0/url")), "{wrong:?}");
}
