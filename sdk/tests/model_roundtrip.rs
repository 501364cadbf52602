//! Every valid fixture deserialises into the generated wire types and serialises back to
//! equal JSON.

use ffbkit_sdk::generated::model::DeliveryReport;
use std::path::Path;

#[test]
fn valid_fixtures_round_trip_through_the_generated_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/valid");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let typed: DeliveryReport = serde_json::from_value(original.clone())
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(back, original, "{} does not round-trip", path.display());
        n += 1;
    }
    assert!(n >= 8);
}

#[test]
fn the_generated_types_refuse_unknown_elements() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/invalid/gw-closed-patient-name.json")).unwrap();
    assert!(serde_json::from_str::<DeliveryReport>(&text).is_err());
}
