//! Generates `sdk/src/generated/model.rs` from `schemas/fhir/*.schema.json` with typify.
//!
//! The schema files reference each other by relative file name; typify reads one
//! namespace of definitions, so the files are merged first: each file's root schema
//! becomes a definition named by its `title`, its own `definitions` are kept by name, and
//! references are rewritten to `#/definitions/<name>`. Adaptations for typify, all
//! without effect on which JSON is valid:
//! - a reference to a value set (`valuesets.schema.json#/definitions/<VS>`) becomes a
//!   reference to a string definition named `<VS>`, which is replaced by the typed code
//!   enum of `catalog::codes` the value set's codes belong to ([`CODE_TYPES`]; the
//!   generator checks that every code of the value set is a variant of that type). Value
//!   sets without such a type stay plain strings. Membership (a grouping code where an
//!   undertema is bound) stays the validator's job;
//! - a string `const` becomes a one-value `enum`, which typify turns into a Rust enum;
//!   where the property is required it also gets that value as its `default`, so the
//!   enum implements `Default` (a required property is still required when reading);
//! - `pattern`, `minLength`, `maxLength` are dropped: formats are the validator's job, and
//!   typed wire values stay plain strings;
//! - `contains` (a check on array members, not a shape) is dropped, and `anyOf` is read
//!   as `oneOf`, which typify turns into an untagged enum (the first matching variant
//!   wins when reading; every variant writes back what it read).
//!
//! After typify, the fields of each struct are put back in the order the schema lists
//! its properties (typify sorts them by name): serde writes fields in declaration order,
//! so the JSON the types write has the schemas' (FHIR's) element order.

use anyhow::{bail, Context, Result};
use ffbkit_sdk::catalog::{Catalog, Kind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Value sets whose codes have a typed enum in `catalog::codes`: the value set's name, the
/// Rust type the generated model uses for its codes, and the concept kinds that type holds.
pub(crate) const CODE_TYPES: [(&str, &str, &[Kind]); 8] = [
    ("KLSeveritiesFFB", "crate::catalog::codes::Funktionsevneniveau", &[Kind::Funktionsevneniveau]),
    ("KLChangeValueCodesFFB", "crate::catalog::codes::Maaltype", &[Kind::Maaltype]),
    ("KLFollowUpCodesFFB", "crate::catalog::codes::Opfoelgningsresultat", &[Kind::Opfoelgningsresultat]),
    ("KLInterventionsFFB", "crate::catalog::codes::Ydelse", &[Kind::Ydelse]),
    ("KLServiceCodesFFB", "crate::catalog::codes::Tilbud", &[Kind::Tilbud]),
    ("KLNeedsAssessmentCodesFFB", "crate::catalog::codes::Stoettebehov", &[Kind::Stoettebehov]),
    ("KLConditionCodesFFB", "crate::catalog::codes::Tema", &[Kind::FunktionerOgForhold, Kind::AktivitetOgDeltagelse, Kind::Omgivelser]),
    (
        "KLConditionsAndTargetGroupsFFB",
        "crate::catalog::codes::MaalgruppeEllerTema",
        &[Kind::Maalgruppe, Kind::FunktionerOgForhold, Kind::AktivitetOgDeltagelse, Kind::Omgivelser],
    ),
];

/// Fails unless every code of each value set of [`CODE_TYPES`] is a variant of its type: a
/// concept of one of its kinds below the top concept of that kind (the rule of
/// `sdk/src/generated/codes.rs`).
fn check_code_types(catalog: &Catalog) -> Result<()> {
    for (vs, ty, kinds) in CODE_TYPES {
        let set = catalog.value_set(vs).with_context(|| format!("value set {vs} is not in the catalog"))?;
        for (_, code) in set.members() {
            let concept = catalog.get(code).with_context(|| format!("{vs}: code {code} is not in the catalog"))?;
            let below_top = catalog.parent(concept).is_some_and(|p| p.kind == concept.kind);
            if !kinds.contains(&concept.kind) || !below_top {
                bail!("{vs}: code {code} ({}) is not a variant of {ty}", concept.term);
            }
        }
    }
    Ok(())
}

pub(crate) fn generate(dir: &Path, catalog: &Catalog) -> Result<String> {
    check_code_types(catalog)?;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .filter(|p| !p.ends_with("valuesets.schema.json"))
        .collect();
    files.sort();
    // First pass: file name -> title of its root schema.
    let mut parsed = Vec::new();
    let mut titles = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path)?;
        let v: Value = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if v.get("type").is_some() || v.get("properties").is_some() {
            let title = v.get("title").and_then(Value::as_str).with_context(|| format!("{name}: root schema needs a title"))?;
            titles.insert(name.clone(), title.to_string());
        }
        parsed.push((name, v));
    }
    let mut defs: BTreeMap<String, Value> = BTreeMap::new();
    let mut value_sets = BTreeSet::new();
    for (name, mut v) in parsed {
        let obj = v.as_object_mut().unwrap();
        let inner = obj.remove("definitions");
        obj.remove("$schema");
        obj.remove("$id");
        if let Some(title) = titles.get(&name) {
            let mut root = Value::Object(std::mem::take(obj));
            rewrite(&mut root, &titles, &mut value_sets)?;
            insert_unique(&mut defs, title.clone(), root, &name)?;
        }
        if let Some(Value::Object(inner)) = inner {
            for (k, mut d) in inner {
                rewrite(&mut d, &titles, &mut value_sets)?;
                insert_unique(&mut defs, k, d, &name)?;
            }
        }
    }
    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    // Equality of built and read reports (the builder's round-trip test, vendors' tests).
    settings.with_derive("PartialEq".to_string());
    for vs in &value_sets {
        let schema = serde_json::json!({"type": "string", "description": format!("A code of the value set {vs}.")});
        insert_unique(&mut defs, vs.clone(), schema, "valuesets.schema.json")?;
        if let Some((_, ty, _)) = CODE_TYPES.iter().find(|(name, _, _)| name == vs) {
            // typify looks replacements up by the Rust name it would give the definition.
            settings.with_replacement(pascal(vs), ty, std::iter::empty());
        }
    }
    let order = property_orders(&defs)?;
    let schemas: Vec<(String, schemars::schema::Schema)> = defs
        .into_iter()
        .map(|(k, v)| Ok((k.clone(), serde_json::from_value(v).with_context(|| format!("definition {k}"))?)))
        .collect::<Result<_>>()?;
    let mut space = typify::TypeSpace::new(&settings);
    space.add_ref_types(schemas).context("typify")?;
    let mut file: syn::File = syn::parse2(space.to_stream()).context("typify output does not parse")?;
    reorder_fields(&mut file, &order)?;
    let body = prettyplease::unparse(&file);
    for (vs, ty, _) in CODE_TYPES {
        if value_sets.contains(vs) && !body.contains(ty) {
            bail!("the codes of {vs} were not replaced by {ty}");
        }
    }
    Ok(format!(
        "//! GENERATED by `cargo xtask codegen` from schemas/fhir/*.schema.json with typify; do not edit.\n\
         //!\n\
         //! Wire types of the FFB delivery report, one per IG profile plus shared datatypes.\n\
         //! Codes bound to an FFB value set are the typed codes of `catalog::codes`; fixed\n\
         //! values are one-variant enums (`Default::default()` where the element is required);\n\
         //! fields are in the schemas' (FHIR's) order, which is the order serde writes.\n\n{body}"
    ))
}

fn insert_unique(defs: &mut BTreeMap<String, Value>, k: String, v: Value, file: &str) -> Result<()> {
    if defs.contains_key(&k) {
        bail!("definition name {k} (in {file}) is used twice; names must be unique across schema files");
    }
    defs.insert(k, v);
    Ok(())
}

fn rewrite(v: &mut Value, titles: &BTreeMap<String, String>, value_sets: &mut BTreeSet<String>) -> Result<()> {
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(r)) = obj.get("$ref").cloned() {
                if let Some(vs) = r.strip_prefix("valuesets.schema.json#/definitions/") {
                    // Only the reference: typify would otherwise make a type of its own
                    // for the description beside it (and not use the replacement).
                    let vs = vs.to_string();
                    *obj = Map::new();
                    obj.insert("$ref".into(), Value::String(format!("#/definitions/{vs}")));
                    value_sets.insert(vs);
                    return Ok(());
                }
                let new = match r.split_once('#') {
                    Some(("", frag)) => format!("#{frag}"),
                    Some((_file, frag)) => format!("#{frag}"),
                    None => {
                        let t = titles.get(&r).with_context(|| format!("$ref to {r}: no such schema file with a root title"))?;
                        format!("#/definitions/{t}")
                    }
                };
                obj.insert("$ref".into(), Value::String(new));
            }
            // A required fixed value gets its value as default: typify then implements
            // `Default` for its one-variant enum (reading still requires the property).
            let required: Vec<String> = obj
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
                .unwrap_or_default();
            if let Some(Value::Object(props)) = obj.get_mut("properties") {
                for name in &required {
                    if let Some(Value::Object(p)) = props.get_mut(name) {
                        if let Some(c @ Value::String(_)) = p.get("const").cloned() {
                            p.insert("default".into(), c);
                        }
                    }
                }
            }
            if let Some(Value::String(c)) = obj.get("const").cloned() {
                obj.remove("const");
                obj.insert("enum".into(), Value::Array(vec![Value::String(c)]));
                obj.entry("type").or_insert(Value::String("string".into()));
            }
            for k in ["contains", "pattern", "minLength", "maxLength"] {
                obj.remove(k);
            }
            if let Some(any) = obj.remove("anyOf") {
                obj.insert("oneOf".into(), any);
            }
            for (_, child) in obj.iter_mut() {
                rewrite(child, titles, value_sets)?;
            }
        }
        Value::Array(items) => {
            for i in items {
                rewrite(i, titles, value_sets)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The property order of every object schema in `defs`, keyed by its set of property
/// names (a struct typify makes is found by the JSON names of its fields). Two schemas
/// with the same names in different orders are an error.
fn property_orders(defs: &BTreeMap<String, Value>) -> Result<BTreeMap<BTreeSet<String>, Vec<String>>> {
    fn walk(v: &Value, out: &mut BTreeMap<BTreeSet<String>, Vec<String>>) -> Result<()> {
        match v {
            Value::Object(obj) => {
                if let Some(Value::Object(props)) = obj.get("properties") {
                    let names: Vec<String> = props.keys().cloned().collect();
                    let set: BTreeSet<String> = names.iter().cloned().collect();
                    if let Some(seen) = out.get(&set) {
                        if seen != &names {
                            bail!("two schemas list the properties {seen:?} in different orders ({names:?})");
                        }
                    }
                    out.insert(set, names);
                }
                for child in obj.values() {
                    walk(child, out)?;
                }
            }
            Value::Array(items) => {
                for i in items {
                    walk(i, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    for d in defs.values() {
        walk(d, &mut out)?;
    }
    Ok(out)
}

/// The JSON name of a generated field: its `#[serde(rename = "...")]`, else its name.
fn json_name(field: &syn::Field) -> Result<String> {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                name = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })?;
    }
    match name {
        Some(n) => Ok(n),
        None => {
            let ident = field.ident.as_ref().context("a struct field without a name")?;
            Ok(ident.to_string().trim_start_matches("r#").to_string())
        }
    }
}

/// Puts the fields of every generated struct in the order its schema lists them.
fn reorder_fields(file: &mut syn::File, order: &BTreeMap<BTreeSet<String>, Vec<String>>) -> Result<()> {
    for item in &mut file.items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &mut s.fields else { continue };
        let mut named: Vec<(String, syn::Field)> = Vec::new();
        for f in std::mem::take(&mut fields.named) {
            named.push((json_name(&f)?, f));
        }
        let set: BTreeSet<String> = named.iter().map(|(n, _)| n.clone()).collect();
        let wanted = order.get(&set).with_context(|| format!("struct {}: no schema lists the properties {set:?}", s.ident))?;
        named.sort_by_key(|(n, _)| wanted.iter().position(|w| w == n));
        fields.named = named.into_iter().map(|(_, f)| f).collect();
    }
    Ok(())
}

/// A definition name as typify names its type: words (split where a lower-case letter or
/// digit meets an upper-case one, and before the last capital of a run of capitals that
/// goes on in lower case), each capitalised: `KLSeveritiesFFB` -> `KlSeveritiesFfb`.
fn pascal(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    let mut word_start = true;
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if !prev.is_uppercase() || next_lower {
                word_start = true;
            }
        }
        if word_start {
            out.extend(c.to_uppercase());
            word_start = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names_value_sets_as_typify_does() {
        assert_eq!(pascal("KLSeveritiesFFB"), "KlSeveritiesFfb");
        assert_eq!(pascal("KLConditionsAndTargetGroupsFFB"), "KlConditionsAndTargetGroupsFfb");
        assert_eq!(pascal("KLNeedsAssessmentCodesFFB"), "KlNeedsAssessmentCodesFfb");
    }

    #[test]
    fn every_code_type_holds_its_value_set() {
        check_code_types(Catalog::embedded()).expect("each value set's codes are variants of its type");
    }

    #[test]
    fn two_orders_of_the_same_properties_are_refused() {
        let mut defs = BTreeMap::new();
        defs.insert("A".to_string(), serde_json::json!({"properties": {"a": {}, "b": {}}}));
        defs.insert("B".to_string(), serde_json::json!({"properties": {"b": {}, "a": {}}}));
        assert!(property_orders(&defs).is_err());
        defs.remove("B");
        let orders = property_orders(&defs).unwrap();
        let key: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(orders[&key], vec!["a".to_string(), "b".to_string()]);
    }
}
