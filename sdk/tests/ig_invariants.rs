//! `schemas/ig-invariants.json` (the IG's invariants as its FSH writes them) and the rule
//! registry's IG-invariant family (`RuleId`, `Family::IgInvariant`) name the same
//! invariants: an invariant added to one and not the other fails here. The file's facts
//! are checked against the registry where both state them (the FSH file, the severity: an
//! invariant whose `obeys` is commented out is never an error in ffbkit).

use ffbkit_sdk::profile::Profile;
use ffbkit_sdk::rules::{Family, RuleId};
use ffbkit_sdk::validate::Severity;
use std::collections::BTreeSet;
use std::path::Path;

fn invariants() -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/ig-invariants.json");
    let text = std::fs::read_to_string(&path).expect("schemas/ig-invariants.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("ig-invariants.json is JSON");
    doc["invariants"].as_array().expect("an invariants array").clone()
}

#[test]
fn the_file_and_the_registry_name_the_same_invariants() {
    let file: BTreeSet<String> = invariants().iter().map(|i| i["id"].as_str().expect("id").to_string()).collect();
    let registry: BTreeSet<String> =
        RuleId::ALL.iter().filter(|r| r.family() == Family::IgInvariant).map(|r| r.as_str().to_string()).collect();
    assert_eq!(file, registry, "schemas/ig-invariants.json and sdk/src/rules.rs (IgInvariant family) differ");
    assert_eq!(file.len(), invariants().len(), "an invariant listed twice");
}

#[test]
fn each_invariant_agrees_with_its_registry_entry() {
    for inv in invariants() {
        let id = inv["id"].as_str().expect("id");
        let rule: RuleId = id.parse().expect("a registry id");
        let file = inv["source"]["file"].as_str().expect("source.file");
        assert!(file.starts_with("input/fsh/") && file.ends_with(".fsh"), "{id}: {file}");
        let name = file.trim_start_matches("input/fsh/");
        assert!(rule.rule().reference.contains(name), "{id}: the registry cites {:?}, the file {file}", rule.rule().reference);
        assert_eq!(inv["severity"], "error", "{id}: every invariant of IG 1.0.0 is declared #error");
        let obeyed = inv["obeyed"].as_bool().expect("obeyed");
        let expected = if obeyed { Severity::Error } else { Severity::Warning };
        assert_eq!(rule.severity(), expected, "{id}: obeyed {obeyed}");
        assert!(!inv["human"].as_str().unwrap_or("").is_empty() && !inv["expression"].as_str().unwrap_or("").is_empty(), "{id}");
        let profiles = inv["profiles"].as_array().expect("profiles");
        assert!(!profiles.is_empty(), "{id}: no profile");
        for p in profiles {
            let p = p.as_str().expect("a profile id");
            let known = p == "kl-reporting-ffb-deliveryReport" || Profile::ALL.iter().any(|q| q.id() == p);
            assert!(known, "{id}: unknown profile {p}");
        }
    }
}
