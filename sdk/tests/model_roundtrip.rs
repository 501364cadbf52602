//! Every valid fixture deserialises into the generated wire types and serialises back to
//! equal JSON; so does every report of synthetic streams (planner and builder), which also
//! reads back as the typed report that was built (see also `builder_props`).

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
        let typed: DeliveryReport = serde_json::from_value(original.clone()).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(back, original, "{} does not round-trip", path.display());
        n += 1;
    }
    assert!(n >= 8);
}

#[test]
fn the_generated_types_refuse_unknown_elements() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/invalid/gw-closed-patient-name.json"))
            .unwrap();
    assert!(serde_json::from_str::<DeliveryReport>(&text).is_err());
}

#[test]
fn synthetic_streams_round_trip_through_the_generated_types() {
    use ffbkit_sdk::synth::{citizen_reports, citizen_reports_typed, SynthConfig};
    let cfg = SynthConfig { citizens: 60, ..SynthConfig::default() };
    let mut reports = 0;
    for i in 0..cfg.citizens {
        let typed = citizen_reports_typed(&cfg, i);
        let values = citizen_reports(&cfg, i);
        assert_eq!(typed.len(), values.len());
        for ((day, built), (_, value)) in typed.iter().zip(&values) {
            // The planner's (partial) reports read back as built and write the same text.
            let text = serde_json::to_vec(built).unwrap();
            let back: DeliveryReport = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("citizen {i}, {day}: {e}"));
            assert_eq!(&back, built, "citizen {i}, {day}");
            assert_eq!(serde_json::to_vec(&back).unwrap(), text);
            assert_eq!(&serde_json::to_value(&back).unwrap(), value);
            reports += 1;
        }
    }
    assert!(reports > 100, "{reports} reports");
}
