//! The language-neutral schema cases of `fixtures/schema-cases`: ffbkit's compiled schema
//! engine and the reference implementation `jsonschema` must both give each case's
//! expected verdict.

use ffbkit_sdk::validate::schema::SchemaSet;
use ffbkit_sdk::validate::SCHEMA_FILES;
use serde_json::Value;
use std::path::Path;

const BASE: &str = "https://ffbkit.dev/schemas/fhir/";

fn reference_registry() -> jsonschema::Registry<'static> {
    let mut builder = jsonschema::Registry::new();
    for (name, text) in SCHEMA_FILES {
        let v: Value = serde_json::from_str(text).unwrap();
        builder = builder.add(format!("{BASE}{name}"), v).unwrap();
    }
    builder.prepare().unwrap()
}

fn reference_validator(registry: &jsonschema::Registry<'_>, file: &str) -> jsonschema::Validator {
    let root = serde_json::json!({"$ref": format!("{BASE}{file}")});
    jsonschema::options().with_draft(jsonschema::Draft::Draft7).with_registry(registry).build(&root).unwrap()
}

#[test]
fn both_engines_agree_with_every_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/schema-cases");
    let ours = SchemaSet::compile(SCHEMA_FILES.iter().copied()).unwrap();
    let registry = reference_registry();
    let mut count = 0;
    let mut failures = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let file = doc["schema"].as_str().unwrap();
        let reference = reference_validator(&registry, file);
        for case in doc["cases"].as_array().unwrap() {
            let expected = case["valid"].as_bool().unwrap();
            let d = case["description"].as_str().unwrap();
            let ours_valid = ours.errors_in_value(file, &case["data"]).is_empty();
            let ref_valid = reference.is_valid(&case["data"]);
            if ours_valid != expected || ref_valid != expected {
                failures.push(format!("{file}: {d}: expected {expected}, ffbkit {ours_valid}, jsonschema {ref_valid}"));
            }
            count += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= 120, "{count} cases");
}

#[test]
fn the_engine_refuses_keywords_it_does_not_implement() {
    let err = SchemaSet::compile([("x.schema.json", r#"{"type":"object","if":{"type":"object"}}"#)]).err().unwrap();
    assert!(err.to_string().contains("\"if\""), "{err}");
}

#[test]
fn the_catalog_files_follow_their_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    for (schema, data) in [("catalog.schema.json", "catalog/concepts.json"), ("catalog-valuesets.schema.json", "catalog/valuesets.json")] {
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(root.join(schema)).unwrap()).unwrap();
        let data: Value = serde_json::from_str(&std::fs::read_to_string(root.join(data)).unwrap()).unwrap();
        let v = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&schema).unwrap();
        let errors: Vec<String> = v.iter_errors(&data).map(|e| e.to_string()).take(5).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
