//! Loading journeys: JSON, the schema (`schemas/journey.schema.json`, checked with the
//! project's schema engine), the types, then [`super::resolve::check`] (terms, aliases,
//! dates). Errors name the journey, the step and the field.

use super::{resolve, Journey, JourneyError};
use ffbkit_sdk::validate::schema::SchemaSet;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The journey schema (draft-07, the project's keyword subset).
pub const JOURNEY_SCHEMA_JSON: &str = include_str!("../../../schemas/journey.schema.json");

/// The action names of the format.
pub const ACTION_NAMES: [&str; 10] = [
    "create-case",
    "record-gathering",
    "grant",
    "follow-up",
    "reassess",
    "change-grant",
    "end-ydelse",
    "end-plan",
    "withdraw",
    "grant-non-ffb",
];

fn schema() -> &'static SchemaSet {
    static SET: OnceLock<SchemaSet> = OnceLock::new();
    SET.get_or_init(|| SchemaSet::compile([("journey.schema.json", JOURNEY_SCHEMA_JSON)]).expect("the journey schema compiles (tested)"))
}

/// The step id for a JSON Pointer under `/steps/N`, and the rest of the pointer.
fn locate(doc: &Value, pointer: &str) -> (Option<String>, String) {
    let mut parts = pointer.trim_start_matches('/').splitn(3, '/');
    if parts.next() == Some("steps") {
        if let Some(n) = parts.next().and_then(|n| n.parse::<usize>().ok()) {
            let id = doc["steps"][n]["id"].as_str().map(str::to_string).unwrap_or_else(|| format!("#{n}"));
            return (Some(id), format!("/{}", parts.next().unwrap_or("")));
        }
    }
    (None, if pointer.is_empty() { "/".into() } else { pointer.to_string() })
}

/// Parse, schema-check and resolve a journey from JSON text. `origin` names it in errors
/// until its id is known.
pub fn parse(text: &str, origin: &str) -> Result<Journey, JourneyError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| JourneyError::Format {
        journey: origin.to_string(),
        step: None,
        field: "/".into(),
        message: format!("not JSON: {e}"),
    })?;
    let name = doc["id"].as_str().unwrap_or(origin).to_string();
    // An unknown action name, said plainly (the schema's union would name a branch).
    for (si, step) in doc["steps"].as_array().into_iter().flatten().enumerate() {
        for (ai, a) in step["actions"].as_array().into_iter().flatten().enumerate() {
            if let Some(n) = a["action"].as_str().filter(|n| !ACTION_NAMES.contains(n)) {
                let (step, _) = locate(&doc, &format!("/steps/{si}"));
                return Err(JourneyError::Format {
                    journey: name,
                    step,
                    field: format!("/actions/{ai}/action"),
                    message: format!("unknown action \"{n}\" (one of {})", ACTION_NAMES.join(", ")),
                });
            }
        }
    }
    if let Some(e) = schema().errors_in_value("journey.schema.json", &doc).into_iter().next() {
        let (step, field) = locate(&doc, &e.pointer);
        return Err(JourneyError::Format { journey: name, step, field, message: describe_violation(&e.violation) });
    }
    let mut journey: Journey = serde_json::from_value(doc.clone()).map_err(|e| JourneyError::Format {
        journey: name.clone(),
        step: None,
        field: "/".into(),
        message: e.to_string(),
    })?;
    resolve::check(&mut journey)?;
    Ok(journey)
}

fn describe_violation(v: &ffbkit_sdk::validate::schema::Violation) -> String {
    use ffbkit_sdk::validate::schema::Violation as V;
    match v {
        V::Type(t) => format!("wrong JSON type (expected {})", t.iter().map(|t| t.name()).collect::<Vec<_>>().join(" or ")),
        V::Required(r) => format!("required field \"{r}\" is missing"),
        V::NotAllowed(k) => format!("field \"{k}\" is not part of the journey format"),
        V::MinItems(n) => format!("at least {n} item(s) needed"),
        V::MaxItems(n) => format!("at most {n} item(s) allowed"),
        V::Enum(vals, _) => format!("not one of {}", vals.join(", ")),
        V::Const(c) => format!("must be {c}"),
        V::Pattern(p, name) => format!("does not match {}", name.clone().unwrap_or_else(|| p.clone())),
        V::Minimum(m) => format!("below the minimum {m}"),
        V::Maximum(m) => format!("above the maximum {m}"),
        V::NoSuchDay => "no such day".into(),
        other => format!("{other:?}"),
    }
}

/// Load one journey file: schema-checked, terms resolved.
pub fn load_file(path: &Path) -> Result<Journey, JourneyError> {
    let text = std::fs::read_to_string(path).map_err(|source| JourneyError::Io { path: path.to_path_buf(), source })?;
    parse(&text, &path.display().to_string())
}

/// Load every `*.json` journey of a directory, sorted by id.
pub fn load_dir(dir: &Path) -> Result<Vec<Journey>, JourneyError> {
    let rd = std::fs::read_dir(dir).map_err(|source| JourneyError::Io { path: dir.to_path_buf(), source })?;
    let mut paths: Vec<PathBuf> =
        rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    let mut out: Vec<Journey> = Vec::new();
    for p in paths {
        let j = load_file(&p)?;
        if out.iter().any(|o| o.id == j.id) {
            return Err(JourneyError::Duplicate(j.id));
        }
        out.push(j);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The embedded journey files (`fixtures/journeys/*.json`), as (file name, JSON text).
pub const EMBEDDED_FILES: &[(&str, &str)] = &[
    ("abl105-almen-bolig.json", include_str!("../../../fixtures/journeys/abl105-almen-bolig.json")),
    ("afsluttet-indsats.json", include_str!("../../../fixtures/journeys/afsluttet-indsats.json")),
    ("boerge-mogensen.json", include_str!("../../../fixtures/journeys/boerge-mogensen.json")),
    ("akut-ophold-og-raadgivning.json", include_str!("../../../fixtures/journeys/akut-ophold-og-raadgivning.json")),
    ("fejlregistrering-tilbagekaldt.json", include_str!("../../../fixtures/journeys/fejlregistrering-tilbagekaldt.json")),
    ("indberetningspause-tre-dage.json", include_str!("../../../fixtures/journeys/indberetningspause-tre-dage.json")),
    ("sel103-beskyttet-beskaeftigelse.json", include_str!("../../../fixtures/journeys/sel103-beskyttet-beskaeftigelse.json")),
    ("sel104-aktivitet-og-samvaer.json", include_str!("../../../fixtures/journeys/sel104-aktivitet-og-samvaer.json")),
    ("sel107-til-108.json", include_str!("../../../fixtures/journeys/sel107-til-108.json")),
    ("sel82-forebyggende.json", include_str!("../../../fixtures/journeys/sel82-forebyggende.json")),
    ("sel83-ikke-ffb.json", include_str!("../../../fixtures/journeys/sel83-ikke-ffb.json")),
    ("sel85-stoette-i-hjemmet.json", include_str!("../../../fixtures/journeys/sel85-stoette-i-hjemmet.json")),
    ("to-kommuner.json", include_str!("../../../fixtures/journeys/to-kommuner.json")),
    ("ydelse-foer-2025.json", include_str!("../../../fixtures/journeys/ydelse-foer-2025.json")),
];

/// The default suite: the embedded journeys, sorted by id.
pub fn embedded() -> Vec<Journey> {
    static SUITE: OnceLock<Vec<Journey>> = OnceLock::new();
    SUITE
        .get_or_init(|| {
            let mut v: Vec<Journey> = EMBEDDED_FILES
                .iter()
                .map(|(name, text)| parse(text, name).unwrap_or_else(|e| panic!("embedded journey {name} is valid (tested): {e}")))
                .collect();
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        })
        .clone()
}
