//! Every URI, fixed value and binding in `schemas/fhir/*.schema.json`, and every string
//! constant of `sdk/src/profile.rs`, is named in `schemas/PROVENANCE.md` with its source
//! (issue 17, part 2). The test fails on a value the table does not name, on a value the
//! table names with another value, and on a row whose place no longer exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ffbkit_sdk::profile::Profile;
use serde_json::Value;

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What the files carry at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fact {
    /// A literal value (a `const`, a URI, a value set's canonical, a constant).
    Value(String),
    /// An `enum`: a binding whose value set the table names.
    Binding,
}

/// One row of the provenance table.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    value: String,
    places: Vec<String>,
    kind: String,
    source: String,
    version: String,
}

fn looks_like_uri(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("urn:")
}

/// RFC 6901 escaping of one pointer token.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Keywords whose string value is not a value a report carries.
const NOT_VALUES: [&str; 6] = ["$id", "$schema", "description", "title", "$comment", "pattern"];

/// Collects the facts of one schema file into `out` (keyed `file#pointer`).
fn walk(
    file: &str,
    node: &Value,
    pointer: &str,
    catalog: &BTreeMap<String, String>,
    out: &mut BTreeMap<String, Fact>,
    errors: &mut Vec<String>,
) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{pointer}/{}", token(key));
                let place = format!("{file}#{here}");
                match (key.as_str(), value) {
                    (k, Value::String(_)) if NOT_VALUES.contains(&k) => {}
                    ("const" | "default", Value::String(s)) => {
                        out.insert(place, Fact::Value(s.clone()));
                    }
                    ("const" | "default", other) => {
                        out.insert(place, Fact::Value(other.to_string()));
                    }
                    ("enum", Value::Array(items)) => {
                        if file != "valuesets.schema.json" {
                            out.insert(place, Fact::Binding);
                        }
                        for (i, item) in items.iter().enumerate() {
                            if let Some(s) = item.as_str().filter(|s| looks_like_uri(s)) {
                                out.insert(format!("{file}#{here}/{i}"), Fact::Value(s.to_owned()));
                            }
                        }
                    }
                    ("$ref", Value::String(target)) => {
                        let vs = target
                            .strip_prefix("valuesets.schema.json#/definitions/")
                            .or_else(|| (file == "valuesets.schema.json").then(|| target.strip_prefix("#/definitions/")).flatten());
                        if let Some(name) = vs {
                            match catalog.get(name) {
                                Some(url) => {
                                    out.insert(place, Fact::Value(url.clone()));
                                }
                                None => errors.push(format!("{place}: value set {name} is not in schemas/catalog/valuesets.json")),
                            }
                        }
                    }
                    (_, Value::String(s)) if looks_like_uri(s) => {
                        out.insert(place, Fact::Value(s.clone()));
                    }
                    _ => walk(file, value, &here, catalog, out, errors),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(file, item, &format!("{pointer}/{i}"), catalog, out, errors);
            }
        }
        _ => {}
    }
}

/// The value sets of the catalog: name -> canonical.
fn catalog() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("schemas/catalog/valuesets.json")).expect("catalog value sets");
    let doc: Value = serde_json::from_str(&text).expect("catalog value sets are JSON");
    doc["value_sets"]
        .as_array()
        .expect("value_sets array")
        .iter()
        .map(|vs| (vs["name"].as_str().expect("value set name").to_owned(), vs["url"].as_str().expect("value set url").to_owned()))
        .collect()
}

/// Every fact of `schemas/fhir/*.schema.json`, and the files walked.
fn schema_facts(errors: &mut Vec<String>) -> (BTreeMap<String, Fact>, Vec<String>) {
    let catalog = catalog();
    let dir = root().join("schemas/fhir");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("schemas/fhir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".schema.json"))
        .collect();
    files.sort();
    let mut out = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).expect("schema file");
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        walk(file, &doc, "", &catalog, &mut out, errors);
        if file == "valuesets.schema.json" {
            // Each value set ffbkit carries, as the canonical of the catalog's rule.
            for name in doc["definitions"].as_object().expect("definitions").keys() {
                let place = format!("{file}#/definitions/{}", token(name));
                match catalog.get(name) {
                    Some(url) => {
                        out.insert(place, Fact::Value(url.clone()));
                    }
                    None => errors.push(format!("{place}: not in schemas/catalog/valuesets.json")),
                }
            }
        }
    }
    (out, files)
}

/// Every `pub const NAME: &str = "…";` of `sdk/src/profile.rs`, and each profile's URL.
fn profile_facts(errors: &mut Vec<String>) -> BTreeMap<String, Fact> {
    let text = std::fs::read_to_string(root().join("sdk/src/profile.rs")).expect("profile.rs");
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("pub const ") else {
            continue;
        };
        let Some((name, rest)) = rest.split_once(':') else {
            continue;
        };
        let rest = rest.trim_start();
        if !rest.starts_with("&str") && !rest.starts_with("&'static str") {
            continue;
        }
        let literal = rest.split_once("= \"").and_then(|(_, v)| v.strip_suffix("\";")).filter(|v| !v.contains('"') && !v.contains('\\'));
        match literal {
            Some(v) => {
                let place = format!("sdk/src/profile.rs#{}", name.trim());
                if out.insert(place.clone(), Fact::Value(v.to_owned())).is_some() {
                    errors.push(format!("{place}: two constants of this name; the table could not tell them apart"));
                }
            }
            None => errors
                .push(format!("sdk/src/profile.rs:{}: a string constant this test cannot read (one line, a plain literal): {line}", n + 1)),
        }
    }
    for p in Profile::ALL {
        out.insert(format!("sdk/src/profile.rs#Profile::{p:?}"), Fact::Value(p.url()));
    }
    out
}

/// Splits a markdown table line into cells (`\|` is a literal bar).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().expect("cell").push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            c => out.last_mut().expect("cell").push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('`').to_owned()
}

/// The rows of the table whose header starts `| value | in ffbkit |`.
fn table(errors: &mut Vec<String>) -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("schemas/PROVENANCE.md")).expect("schemas/PROVENANCE.md");
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| {
            let c = cells(l);
            l.trim_start().starts_with('|') && c.len() == 5 && c[0] == "value" && c[1] == "in ffbkit"
        })
        .expect("PROVENANCE.md has a table with the header | value | in ffbkit | kind | source | source version |");
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(header + 2) {
        if !line.trim_start().starts_with('|') {
            break;
        }
        let c = cells(line);
        if c.len() != 5 {
            errors.push(format!("PROVENANCE.md:{}: {} cells, expected 5", i + 1, c.len()));
            continue;
        }
        let row = Row {
            line: i + 1,
            value: unquote(&c[0]),
            places: c[1].split("<br>").map(unquote).filter(|p| !p.is_empty()).collect(),
            kind: c[2].clone(),
            source: c[3].clone(),
            version: c[4].clone(),
        };
        for (what, cell) in [("value", &row.value), ("kind", &row.kind), ("source", &row.source), ("source version", &row.version)] {
            if cell.is_empty() {
                errors.push(format!("PROVENANCE.md:{}: the row has no {what}", row.line));
            }
        }
        if row.places.is_empty() {
            errors.push(format!("PROVENANCE.md:{}: the row names no place in ffbkit", row.line));
        }
        rows.push(row);
    }
    rows
}

/// The differences between what the files carry and what the table names.
fn compare(facts: &BTreeMap<String, Fact>, rows: &[Row]) -> Vec<String> {
    let mut errors = Vec::new();
    let mut named: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in rows {
        for place in &row.places {
            if let Some(other) = named.insert(place, row) {
                errors.push(format!("PROVENANCE.md:{} and :{} both name {place}", other.line, row.line));
            }
        }
    }
    for (place, fact) in facts {
        match (named.get(place.as_str()), fact) {
            (None, Fact::Value(v)) => errors.push(format!("{place} carries {v:?}, which PROVENANCE.md does not name there")),
            (None, Fact::Binding) => errors.push(format!("{place} is a binding (enum) that PROVENANCE.md does not name")),
            (Some(row), Fact::Value(v)) if &row.value != v => {
                errors.push(format!("{place} carries {v:?}, PROVENANCE.md:{} names {:?}", row.line, row.value))
            }
            (Some(row), Fact::Binding) if !looks_like_uri(&row.value) => {
                errors.push(format!("PROVENANCE.md:{}: the binding at {place} names no value-set canonical ({:?})", row.line, row.value))
            }
            _ => {}
        }
    }
    let stale: BTreeSet<&str> = named.keys().copied().filter(|p| !facts.contains_key(*p)).collect();
    for place in stale {
        errors.push(format!("PROVENANCE.md:{} names {place}, which no schema or constant carries (a stale row)", named[place].line));
    }
    errors
}

#[test]
fn every_uri_fixed_value_and_binding_is_traced_to_its_source() {
    let mut errors = Vec::new();
    let (mut facts, files) = schema_facts(&mut errors);
    // Each schema file contributes: a walk that found nothing would pass vacuously.
    for file in &files {
        assert!(facts.keys().any(|p| p.starts_with(&format!("{file}#"))), "{file}: no value collected");
    }
    assert!(files.len() >= 16, "schemas/fhir: {} schema files", files.len());
    let constants = profile_facts(&mut errors);
    assert!(constants.len() >= 12 + 10, "profile.rs: only {} constants read", constants.len());
    facts.extend(constants);
    let rows = table(&mut errors);
    errors.extend(compare(&facts, &rows));
    assert!(errors.is_empty(), "{} provenance problem(s):\n{}", errors.len(), errors.join("\n"));
}

#[test]
fn a_missing_a_changed_and_a_stale_row_are_each_reported() {
    let mut errors = Vec::new();
    let (facts, _) = schema_facts(&mut errors);
    let rows = table(&mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let place = "extensions.schema.json#/definitions/ConditionLastAssertedDate/properties/url/const";
    assert!(facts.contains_key(place), "the schema has no {place}");

    // The row that names the place left out: the value is reported as not named.
    let without: Vec<Row> = rows.iter().filter(|r| !r.places.iter().any(|p| p == place)).cloned().collect();
    let errs = compare(&facts, &without);
    assert!(errs.iter().any(|e| e.starts_with(place) && e.contains("does not name")), "{errs:?}");

    // The schema carrying DK core's URL (the defect fixed in 24a2191): a mismatch.
    let mut wrong = facts.clone();
    wrong.insert(place.to_owned(), Fact::Value("http://hl7.dk/fhir/core/StructureDefinition/ConditionLastAssertedDate".to_owned()));
    let errs = compare(&wrong, &rows);
    assert!(errs.iter().any(|e| e.starts_with(place) && e.contains("hl7.dk")), "{errs:?}");

    // The place gone from the schema: its row is stale.
    let mut gone = facts.clone();
    gone.remove(place);
    let errs = compare(&gone, &rows);
    assert!(errs.iter().any(|e| e.contains(place) && e.contains("stale")), "{errs:?}");
}
