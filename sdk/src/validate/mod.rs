//! The validator: everything the gateway checks in one delivery report (REQUIREMENTS.md
//! section 1), with precise diagnostics.
//!
//! A report is checked completely; all findings are collected. Structure comes from the
//! JSON Schemas of `schemas/fhir` (compiled by [`schema`]), the rest is Rust
//! ([`semantic`]). The CLI, the receiver, the harness and the Python package all call
//! [`Validator::validate_bytes`].
//!
//! ```
//! use ffbkit_sdk::validate::Validator;
//! let outcome = Validator::default_validator().validate_bytes(br#"{"resourceType": "Bundle"}"#);
//! assert!(!outcome.is_valid());
//! assert!(outcome.diagnostics.iter().any(|d| d.rule == ffbkit_sdk::rules::RuleId::GwBundle));
//! ```

mod base_invariants;
pub mod batch;
mod diagnostic;
pub mod json;
mod memo;
pub(crate) mod path;
pub(crate) mod pattern;
pub mod render;
mod representation;
pub mod rules;
pub mod schema;
mod semantic;
pub mod source;

pub use diagnostic::{brief, brief_str, Diagnostic, Severity};
pub use path::{fhirpath_location, pointer_segment};
pub use rules::{rule_by_id, Rule, RuleId, RuleSource, RULES};

use crate::catalog::Catalog;
use crate::profile::Profile;
use json::Json;
use schema::{SchemaError, SchemaSet, Violation};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The embedded schema files of `schemas/fhir`, by file name.
pub const SCHEMA_FILES: &[(&str, &str)] = &[
    ("datatypes.schema.json", include_str!("../../../schemas/fhir/datatypes.schema.json")),
    ("extensions.schema.json", include_str!("../../../schemas/fhir/extensions.schema.json")),
    ("valuesets.schema.json", include_str!("../../../schemas/fhir/valuesets.schema.json")),
    ("delivery-report.schema.json", include_str!("../../../schemas/fhir/delivery-report.schema.json")),
    ("citizen.schema.json", include_str!("../../../schemas/fhir/citizen.schema.json")),
    ("service-request.schema.json", include_str!("../../../schemas/fhir/service-request.schema.json")),
    ("information-gathering.schema.json", include_str!("../../../schemas/fhir/information-gathering.schema.json")),
    ("condition.schema.json", include_str!("../../../schemas/fhir/condition.schema.json")),
    ("target-group.schema.json", include_str!("../../../schemas/fhir/target-group.schema.json")),
    ("intervention-goal.schema.json", include_str!("../../../schemas/fhir/intervention-goal.schema.json")),
    ("care-plan.schema.json", include_str!("../../../schemas/fhir/care-plan.schema.json")),
    ("intervention.schema.json", include_str!("../../../schemas/fhir/intervention.schema.json")),
    ("service-performer.schema.json", include_str!("../../../schemas/fhir/service-performer.schema.json")),
    ("follow-up-encounter.schema.json", include_str!("../../../schemas/fhir/follow-up-encounter.schema.json")),
    ("care-evaluation.schema.json", include_str!("../../../schemas/fhir/care-evaluation.schema.json")),
    ("follow-up.schema.json", include_str!("../../../schemas/fhir/follow-up.schema.json")),
];

/// The delivery report schema file.
pub const BUNDLE_SCHEMA: &str = "delivery-report.schema.json";

/// The definitions of `datatypes.schema.json` whose malformed values fall under a rule of
/// their own, recorded on their compiled nodes: FHIR's date formats under GW-DATETIME, the
/// id and UUID formats under GW-ID. Any other malformed value is GW-TYPE (GW-BUNDLE at the
/// bundle level).
const DATATYPE_RULES: [(&str, RuleId); 5] = [
    ("date", RuleId::GwDatetime),
    ("dateTime", RuleId::GwDatetime),
    ("instant", RuleId::GwDatetime),
    ("id", RuleId::GwId),
    ("uuid", RuleId::GwId),
];

/// The elements of the Citizen profile whose every finding is GW-CITIZEN (the CPR
/// identifier, the municipality's STS identifier), recorded on their compiled nodes.
const CITIZEN_IDENTITY: [&str; 2] = ["identifier", "managingOrganization"];

/// How to validate.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Size limit per report.
    pub limits: source::Limits,
    /// Show CPR numbers in findings instead of masking them.
    pub show_cpr: bool,
    /// Severity of the IG's text-only rules, by rule (e.g. [`RuleId::GwLastUpdated`] as an
    /// error).
    pub severity_overrides: HashMap<RuleId, Severity>,
}

impl Options {
    /// Treat every IG text-only rule as an error (`--strict`).
    pub fn strict(mut self) -> Self {
        for r in RULES.iter().filter(|r| r.source == RuleSource::IgText) {
            self.severity_overrides.insert(r.rule, Severity::Error);
        }
        self
    }

    /// Set the severity of a text-only rule. Only rules that the IG states in text alone
    /// can be changed; `kl-reporting-ffb-care-plan-3` is never an error.
    pub fn set_severity(&mut self, rule: &str, severity: Severity) -> Result<(), SeverityError> {
        let r = rule_by_id(rule)
            .ok_or_else(|| SeverityError::UnknownRule { id: rule.to_string(), suggestions: crate::rules::close_matches(rule) })?;
        if r.source != RuleSource::IgText {
            return Err(SeverityError::NotTextOnly {
                id: r.id,
                text_only: RULES.iter().filter(|r| r.source == RuleSource::IgText).map(|r| r.id).collect(),
            });
        }
        self.severity_overrides.insert(r.rule, severity);
        Ok(())
    }

    fn severity_of(&self, rule: &Rule) -> Severity {
        if self.severity_overrides.is_empty() {
            return rule.severity;
        }
        self.severity_overrides.get(&rule.rule).copied().unwrap_or(rule.severity)
    }
}

/// The result of validating one report.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Outcome {
    /// All findings, in document order.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of entries with a resource.
    pub resources: usize,
    /// The citizen's CPR number (masked unless `show_cpr`), when the report names one
    /// ([`crate::report::citizen_cpr`]).
    pub citizen: Option<String>,
    /// The municipality's STS organisation identifier, when found (the citizen's Patient's,
    /// [`crate::report::municipality_of_patient`]).
    pub municipality: Option<String>,
    /// The bundle's timestamp, when found.
    pub timestamp: Option<String>,
    /// The profile each entry's resource was checked against, by entry index (`None`: no
    /// resource, or none of the FFB profiles); empty when the report was not read as a
    /// bundle. Readers of the report can take the validator's decision from here instead
    /// of making their own.
    #[serde(skip)]
    pub profiles: Vec<Option<crate::profile::Profile>>,
}

impl Outcome {
    /// True when no finding is an error.
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    /// The distinct rules of the findings with at least `min` severity, sorted by their id
    /// string (`GW-CARD` before `kl-reporting-ffb-care-plan-1`).
    pub fn rule_ids(&self, min: Severity) -> Vec<RuleId> {
        let mut ids: Vec<RuleId> = self.diagnostics.iter().filter(|d| d.severity >= min).map(|d| d.rule).collect();
        ids.sort_unstable_by_key(|r| r.as_str());
        ids.dedup();
        ids
    }
}

/// Why [`Options::set_severity`] refused to change a rule's severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SeverityError {
    /// No rule has this id.
    #[error("unknown rule id {id:?}{}", did_you_mean(suggestions))]
    UnknownRule {
        /// The id as given.
        id: String,
        /// Known ids close to it (may be empty).
        suggestions: Vec<&'static str>,
    },
    /// The rule is enforced by the IG's profiles (schema, invariant), so its severity is
    /// fixed; only the rules the IG states in text alone can change.
    #[error("{id} is enforced by the IG's profiles; only the text-only rules ({}) can change severity", text_only.join(", "))]
    NotTextOnly {
        /// The rule.
        id: &'static str,
        /// The rules whose severity can change.
        text_only: Vec<&'static str>,
    },
}

fn did_you_mean(suggestions: &[&str]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// A problem building the validator (only with broken schema files).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BuildError(#[from] schema::CompileError);

/// The validator: compiled schemas, the catalog and options. Build once, use from many
/// threads.
pub struct Validator {
    schemas: SchemaSet,
    catalog: Arc<Catalog>,
    options: Options,
}

impl Validator {
    /// A validator with the embedded catalog and the given options.
    pub fn new(options: Options) -> Result<Validator, BuildError> {
        Validator::with_catalog(Arc::new(Catalog::embedded().clone()), options)
    }

    /// A validator using `catalog` for every binding (e.g. a newer FFB version).
    pub fn with_catalog(catalog: Arc<Catalog>, options: Options) -> Result<Validator, BuildError> {
        let mut schemas = SchemaSet::compile(SCHEMA_FILES.iter().copied())?;
        for vs in catalog.value_sets() {
            schemas.set_value_set(vs.name(), vs.members().iter().map(|(_, c)| c.clone()).collect());
        }
        if let Some(resource) = schemas.node_at(BUNDLE_SCHEMA, &["entry", "*", "resource"]) {
            schemas.replace_with_any_object(resource);
        }
        // A definition no schema refers to is not compiled (`uuid` today): nothing to mark.
        for (name, rule) in DATATYPE_RULES {
            if let Some(node) = schemas.definition("datatypes.schema.json", name) {
                schemas.set_rule(node, rule);
            }
        }
        let citizen = Profile::Citizen.schema_file();
        for element in CITIZEN_IDENTITY {
            let node = schemas
                .node_at(citizen, &[element])
                .ok_or_else(|| schema::CompileError { file: citizen.into(), message: format!("no property {element}") })?;
            schemas.set_rule(node, RuleId::GwCitizen);
        }
        Ok(Validator { schemas, catalog, options })
    }

    /// A shared validator with the embedded catalog and default options.
    pub fn default_validator() -> &'static Validator {
        static DEFAULT: OnceLock<Validator> = OnceLock::new();
        DEFAULT.get_or_init(|| Validator::new(Options::default()).expect("embedded schemas compile (checked by tests)"))
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The catalog used for bindings.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Validate a report given as bytes (JSON). Findings carry line and column.
    pub fn validate_bytes(&self, bytes: &[u8]) -> Outcome {
        json::with_arena(|arena| self.validate_parsed(bytes, &source::parse(bytes, arena, &self.options.limits)))
    }

    /// Validate a report whose bytes the caller has already parsed, so that the caller can
    /// go on using the same tree (one parse instead of two). `parsed` must be the result of
    /// [`source::parse`]`(bytes, &arena, &self.options().limits)`; the outcome is then exactly that
    /// of [`Validator::validate_bytes`]`(bytes)`, findings with line and column.
    pub fn validate_parsed(&self, bytes: &[u8], parsed: &Result<(Json<'_>, json::Noticed), source::JsonProblem>) -> Outcome {
        let mut cx = Findings::new(self, Some(bytes));
        match parsed {
            Err(p) => {
                let d = cx.make(
                    RuleId::GwJson,
                    "",
                    None,
                    "a well-formed JSON object".into(),
                    format!("The report cannot be read: {}.", p.message),
                );
                let mut d = d;
                d.line = p.line;
                d.column = p.column;
                cx.diags.push(d);
                cx.finish(Outcome::default())
            }
            Ok((value, noticed)) => {
                if noticed.duplicate_keys {
                    let idx = cx.index();
                    let dups: Vec<(String, usize)> = idx.duplicate_keys().to_vec();
                    for (ptr, _) in dups {
                        let key = ptr.rsplit('/').next().unwrap_or("").to_string();
                        cx.push(
                            RuleId::GwJson,
                            &ptr,
                            None,
                            "each key once per object".into(),
                            format!("The key \"{key}\" occurs more than once in the same object; only the last value is used."),
                        );
                    }
                }
                let outcome = self.check_value(value, noticed.representation, &mut cx);
                cx.finish(outcome)
            }
        }
    }

    /// The outcome for a report refused unread because it is larger than the limit.
    pub fn too_large(&self, size: u64) -> Outcome {
        let mut cx = Findings::new(self, None);
        cx.push(
            RuleId::GwJson,
            "",
            None,
            format!("at most {} bytes", self.options.limits.max_bytes),
            format!("The report is {size} bytes, more than the limit of {} bytes; it was not read.", self.options.limits.max_bytes),
        );
        cx.finish(Outcome::default())
    }

    /// Validate a parsed report. Findings have no line and column.
    pub fn validate_value(&self, value: &Value) -> Outcome {
        let mut cx = Findings::new(self, None);
        let arena = json::Arena::new();
        // Not parsed here, so nothing was noticed: the representation check always runs.
        let outcome = self.check_value(&Json::from_value(value, &arena), true, &mut cx);
        cx.finish(outcome)
    }

    /// Check a parsed report; `representation`: a value FHIR's JSON representation may not
    /// allow was noticed (or nobody looked), so look for it.
    fn check_value(&self, v: &Json<'_>, representation: bool, cx: &mut Findings<'_>) -> Outcome {
        if !v.is_object() {
            cx.push(
                RuleId::GwJson,
                "",
                Some(v),
                "a JSON object (a FHIR Bundle)".into(),
                format!("The report is {}, not a JSON object (a FHIR Bundle).", brief(v)),
            );
            return Outcome::default();
        }
        if representation {
            cx.bad_values = representation::check(v, cx);
        }
        for e in self.schemas.errors(BUNDLE_SCHEMA, v) {
            self.report_schema_error(&e, "", v, None, cx);
        }
        semantic::check(self, v, cx)
    }

    /// Structural errors of a resource against a profile (no findings recorded).
    pub(crate) fn profile_errors(&self, profile: Profile, resource: &Json<'_>) -> Vec<SchemaError> {
        self.schemas.errors(profile.schema_file(), resource)
    }

    /// Turn one schema error into a finding. `base` is the pointer of the checked value
    /// within the document, `root` the checked value, `profile` its profile (None for the
    /// bundle level).
    pub(crate) fn report_schema_error(
        &self,
        e: &SchemaError,
        base: &str,
        root: &Json<'_>,
        profile: Option<Profile>,
        cx: &mut Findings<'_>,
    ) {
        if cx.said_already(e, base) {
            return;
        }
        let pointer = format!("{base}{}", e.pointer);
        let found = root.pointer(&e.pointer);
        let what = profile.map_or("the Bundle".to_string(), |p| format!("the {p} profile"));
        // The rule recorded on the schema nodes the value was checked through (a date, an
        // id, the citizen's identity), see `DATATYPE_RULES` and `CITIZEN_IDENTITY`.
        let in_citizen_identity = e.rule == Some(RuleId::GwCitizen);
        let structural = |resource_rule: RuleId| -> RuleId {
            if profile.is_none() {
                RuleId::GwBundle
            } else if in_citizen_identity {
                RuleId::GwCitizen
            } else {
                resource_rule
            }
        };
        let f = found.map(|v| cx.show(v)).unwrap_or_default();
        let (rule, expected, message) = match &e.violation {
            Violation::Type(types) => {
                let t: Vec<&str> = types.iter().map(|t| t.name()).collect();
                let t = t.join(" or ");
                (RuleId::GwType, format!("a JSON {t}"), format!("{} is {f}, but must be a JSON {t}.", cx.loc(&pointer)))
            }
            Violation::Required(name) => (
                structural(RuleId::GwCard),
                format!("{name} present"),
                format!("{} lacks {name}, which {what} requires.", cx.loc(&pointer)),
            ),
            Violation::NotAllowed(name) => (
                structural(RuleId::GwClosed),
                format!("no {name}"),
                format!("{name} is not allowed in {what} (a forbidden or unknown element)."),
            ),
            Violation::MinItems(m) => (
                structural(RuleId::GwCard),
                format!("at least {m} item{}", if *m == 1 { "" } else { "s" }),
                format!("{} has {f}, but {what} requires at least {m}.", cx.loc(&pointer)),
            ),
            Violation::MaxItems(m) => (
                structural(RuleId::GwCard),
                format!("at most {m} item{}", if *m == 1 { "" } else { "s" }),
                format!("{} has {f}, but {what} allows at most {m}.", cx.loc(&pointer)),
            ),
            Violation::Contains(desc) => {
                let d = desc.clone().unwrap_or_else(|| "a required item".into());
                (structural(RuleId::GwCard), d.clone(), format!("{} lacks {}.", cx.loc(&pointer), lower_first(&d)))
            }
            Violation::Enum(allowed, vs) => {
                let shown = found.and_then(Json::as_str).map(|s| self.describe_code(s)).unwrap_or_else(|| f.clone());
                match vs {
                    Some(name) if name.starts_with("KL") => (
                        structural(RuleId::GwBinding),
                        format!("a code of value set {name} ({} codes)", allowed.len()),
                        format!("{} holds {shown}, which is not in the value set {name}.", cx.loc(&pointer)),
                    ),
                    _ => {
                        let list = allowed.iter().take(12).cloned().collect::<Vec<_>>().join(", ");
                        (
                            structural(RuleId::GwBinding),
                            format!("one of {list}"),
                            format!("{} is {shown}, but must be one of {list}.", cx.loc(&pointer)),
                        )
                    }
                }
            }
            Violation::Const(c) => {
                let c = brief(&Json::from_value(c, &json::Arena::new()));
                (structural(RuleId::GwFixed), c.clone(), format!("{} is {f}, but {what} fixes it to {c}.", cx.loc(&pointer)))
            }
            Violation::Pattern(format, _) => {
                let format = if format.is_empty() { "value".to_string() } else { format.clone() };
                let rule = match e.rule {
                    Some(rule) => rule,
                    None if profile.is_none() => RuleId::GwBundle,
                    None => RuleId::GwType,
                };
                (rule, format!("a valid FHIR {format}"), format!("{} is {f}, which is not a valid FHIR {format}.", cx.loc(&pointer)))
            }
            Violation::Minimum(m) => {
                (structural(RuleId::GwCard), format!("at least {m}"), format!("{} is {f}, below the minimum {m}.", cx.loc(&pointer)))
            }
            Violation::Maximum(m) => {
                (structural(RuleId::GwCard), format!("at most {m}"), format!("{} is {f}, above the maximum {m}.", cx.loc(&pointer)))
            }
            Violation::MinLength(m) => (
                structural(RuleId::GwCard),
                format!("at least {m} characters"),
                format!("{} is {f}, shorter than {m} characters.", cx.loc(&pointer)),
            ),
            Violation::MaxLength(m) => (
                structural(RuleId::GwCard),
                format!("at most {m} characters"),
                format!("{} is {f}, longer than {m} characters.", cx.loc(&pointer)),
            ),
            Violation::NoSuchDay => {
                (RuleId::GwDatetime, "a day that exists".into(), format!("{} is {f}, a day that does not exist.", cx.loc(&pointer)))
            }
            Violation::NoBranch(allowed) => (
                structural(RuleId::GwClosed),
                format!("one of {}", allowed.join(", ")),
                format!("{} is {f}; no such extension is allowed here ({what} allows {}).", cx.loc(&pointer), allowed.join(", ")),
            ),
        };
        cx.push(rule, &pointer, found, expected, message);
    }

    /// A code with its catalog term and kind, for messages: `"3f9da5ac-…" (Indgå i samspil
    /// og kontakt, aktivitet og deltagelse)`.
    pub(crate) fn describe_code(&self, code: &str) -> String {
        match self.catalog.get(code) {
            Some(c) => format!("\"{code}\" ({}, {})", c.term, c.kind.danish()),
            None => format!("\"{}\" (not in the catalog)", code.chars().take(60).collect::<String>()),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Collects findings for one report, with severity, masking and source positions.
pub(crate) struct Findings<'a> {
    validator: &'a Validator,
    text: Option<&'a [u8]>,
    index: Option<source::SourceIndex>,
    pub(crate) diags: Vec<Diagnostic>,
    /// Pointers of the nulls and strings the representation check found wrong (nearly
    /// always none).
    bad_values: Vec<String>,
}

impl<'a> Findings<'a> {
    fn new(validator: &'a Validator, text: Option<&'a [u8]>) -> Self {
        Findings { validator, text, index: None, diags: Vec::new(), bad_values: Vec::new() }
    }

    fn index(&mut self) -> &source::SourceIndex {
        let text = self.text.unwrap_or(b"");
        self.index.get_or_insert_with(|| source::SourceIndex::build(text))
    }

    /// True when the schema error `e` (in the value at `base`) is about a null or an empty,
    /// blank or over-long string that the representation check has reported under GW-JSON:
    /// what the schema says of the same value (its type, pattern or code) adds nothing, and
    /// it does not count against the resource's conformance to its profile.
    pub(crate) fn said_already(&self, e: &SchemaError, base: &str) -> bool {
        !self.bad_values.is_empty()
            && matches!(
                e.violation,
                Violation::Type(_) | Violation::Pattern(..) | Violation::Enum(..) | Violation::Const(_) | Violation::MinLength(_)
            )
            && self.bad_values.iter().any(|p| p.strip_prefix(base) == Some(e.pointer.as_str()))
    }

    /// A value shown in a finding: brief, CPR masked unless asked otherwise (a string is
    /// masked before it is shortened, so a cut never leaves part of a number in clear).
    pub(crate) fn show(&self, v: &Json<'_>) -> String {
        match v {
            Json::String(s) if !self.validator.options.show_cpr => brief_str(&crate::cpr::mask_in_text(s)),
            _ => self.mask(&brief(v)),
        }
    }

    pub(crate) fn mask(&self, s: &str) -> String {
        if self.validator.options.show_cpr {
            s.to_string()
        } else {
            crate::cpr::mask_in_text(s)
        }
    }

    /// The FHIRPath-style location of a pointer.
    pub(crate) fn loc(&self, pointer: &str) -> String {
        fhirpath_location("Bundle", pointer)
    }

    fn make(&self, rule: RuleId, pointer: &str, found: Option<&Json<'_>>, expected: String, message: String) -> Diagnostic {
        let r = rule.rule();
        Diagnostic {
            rule,
            severity: self.validator.options.severity_of(r),
            location: self.loc(pointer),
            pointer: pointer.to_string(),
            line: None,
            column: None,
            found: found.map(|v| self.show(v)),
            expected: self.mask(&expected),
            message: self.mask(&message),
        }
    }

    /// Record a finding.
    pub(crate) fn push(&mut self, rule: RuleId, pointer: &str, found: Option<&Json<'_>>, expected: String, message: String) {
        let d = self.make(rule, pointer, found, expected, message);
        self.diags.push(d);
    }

    fn finish(mut self, mut outcome: Outcome) -> Outcome {
        if self.text.is_some() && self.diags.iter().any(|d| d.line.is_none()) {
            let text = self.text.unwrap_or(b"");
            self.index();
            // Every finding's offset, then all positions in one pass over the text (not a scan
            // from the first byte per finding: 80,000 findings took 40 s that way).
            let wanted: Vec<(usize, usize)> = {
                let idx = self.index.as_ref().expect("built above");
                self.diags
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.line.is_none())
                    .filter_map(|(k, d)| idx.offset(&d.pointer).map(|o| (o, k)))
                    .collect()
            };
            for ((l, c), k) in source::line_cols(text, wanted) {
                self.diags[k].line = Some(l);
                self.diags[k].column = Some(c);
            }
        }
        if !self.validator.options.show_cpr {
            // Report content reaches a finding through its location and pointer (a key that is
            // a CPR number) and its message (a key quoted), not only its found value: mask
            // them all, once, after the positions were looked up by the clear pointer.
            for d in &mut self.diags {
                crate::cpr::mask_in_place(&mut d.location);
                crate::cpr::mask_in_place(&mut d.pointer);
                crate::cpr::mask_in_place(&mut d.message);
                crate::cpr::mask_in_place(&mut d.expected);
                if let Some(f) = &mut d.found {
                    crate::cpr::mask_in_place(f);
                }
            }
        }
        self.diags.sort_by_key(|a| (a.line, a.column));
        outcome.diagnostics = self.diags;
        outcome
    }
}

#[cfg(test)]
mod severity_tests {
    use super::*;

    #[test]
    fn set_severity_refusals_are_typed() {
        let mut o = Options::default();
        let text_only = RULES.iter().find(|r| r.source == RuleSource::IgText).expect("a text-only rule");
        assert_eq!(o.set_severity(text_only.id, Severity::Error), Ok(()));
        let fixed = RULES.iter().find(|r| r.source != RuleSource::IgText).expect("a profile rule");
        match o.set_severity(fixed.id, Severity::Information) {
            Err(SeverityError::NotTextOnly { id, text_only: ids }) => assert!(id == fixed.id && ids.contains(&text_only.id)),
            other => panic!("expected NotTextOnly, got {other:?}"),
        }
        let typo = &text_only.id[..text_only.id.len() - 1];
        let err = o.set_severity(typo, Severity::Error).unwrap_err();
        match &err {
            SeverityError::UnknownRule { id, suggestions } => assert!(id == typo && suggestions.contains(&text_only.id), "{err}"),
            other => panic!("expected UnknownRule, got {other:?}"),
        }
        assert!(err.to_string().starts_with(&format!("unknown rule id {typo:?}; did you mean ")), "{err}");
    }
}
