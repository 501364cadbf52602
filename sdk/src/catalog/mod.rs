//! The FFB catalog: every concept of FFB (and KL CareSocialCodes) with its term, parent,
//! kind, theme level and legal basis; the KL value sets expanded over it; typed code enums.
//!
//! The embedded default is FFB 20240530 (`schemas/catalog/concepts.json`, made from the
//! official CodeSystems by `cargo xtask import-catalog`). A newer official CodeSystem JSON
//! can be loaded at run time with [`Catalog::with_code_system_file`].
//!
//! ```
//! use ffbkit_sdk::catalog::{Catalog, Kind};
//! let catalog = Catalog::embedded();
//! let spise = catalog.get("464a2ab6-a7df-4b3a-b74d-7873f4cfe668").unwrap();
//! assert_eq!(spise.term, "Spise");
//! assert_eq!(spise.kind, Kind::AktivitetOgDeltagelse);
//! assert_eq!(catalog.parent(spise).unwrap().term, "Egenomsorg");
//! assert!(catalog.value_set("KLConditionADCodesFFB").unwrap().contains(&spise.code));
//! ```

pub mod codesystem;
mod concept;
pub mod naming;
mod scales;
pub mod search;
mod typed;
mod union;
mod valueset;

/// Typed enums for every concept kind (generated from the catalog; see `sdk/src/generated`),
/// and the unions of kinds that one value set binds ([`codes::Tema`],
/// [`codes::MaalgruppeEllerTema`]).
pub mod codes {
    pub use super::union::{MaalgruppeEllerTema, Tema};
    pub use crate::generated::codes::*;
}

pub use concept::{CodeSystemId, Concept, Kind, Level, FFB_SYSTEM, KL_CARE_SOCIAL_SYSTEM};
pub use typed::{FfbCode, UnknownCode};
pub use valueset::{ValueSet, ValueSetClause, ValueSetDef, ValueSetFile};

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::OnceLock;

/// The embedded catalog file (own format).
pub const EMBEDDED_CONCEPTS_JSON: &str = include_str!("../../../schemas/catalog/concepts.json");
/// The embedded value set definitions.
pub const EMBEDDED_VALUESETS_JSON: &str = include_str!("../../../schemas/catalog/valuesets.json");

/// The version of a code system that a catalog holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSystemVersion {
    /// Which code system.
    pub system: CodeSystemId,
    /// Its FHIR `system` URL.
    pub url: String,
    /// Its version, e.g. `20240530`.
    pub version: String,
}

/// The catalog file format (`schemas/catalog/concepts.json`, described by
/// `schemas/catalog.schema.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CatalogFile {
    /// Format marker, `ffbkit-catalog/1`.
    pub format: String,
    /// Where the concepts come from.
    pub code_systems: Vec<CodeSystemVersion>,
    /// All concepts, parents before children.
    pub concepts: Vec<Concept>,
}

/// Format marker of [`CatalogFile`].
pub const CATALOG_FORMAT: &str = "ffbkit-catalog/1";

/// A problem building or loading a catalog.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A catalog or value set file is not valid.
    #[error("invalid catalog data: {0}")]
    Invalid(String),
    /// A CodeSystem file is not usable.
    #[error(transparent)]
    CodeSystem(#[from] codesystem::CodeSystemError),
}

/// The catalog: concepts, hierarchy, value sets and search.
#[derive(Clone, Debug)]
pub struct Catalog {
    versions: Vec<CodeSystemVersion>,
    concepts: Vec<Concept>,
    by_code: rustc_hash::FxHashMap<String, usize>,
    children: Vec<Vec<usize>>,
    parent: Vec<Option<usize>>,
    value_sets: Vec<ValueSet>,
    search_keys: Vec<(String, String)>,
}

impl Catalog {
    /// The embedded default catalog (FFB 20240530, KL CareSocialCodes 20250530), built once.
    pub fn embedded() -> &'static Catalog {
        static EMBEDDED: OnceLock<Catalog> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let file: CatalogFile = serde_json::from_str(EMBEDDED_CONCEPTS_JSON).expect("embedded catalog is valid (checked by tests)");
            Catalog::new(file, embedded_value_set_defs()).expect("embedded catalog is consistent (checked by tests)")
        })
    }

    /// Build a catalog from a catalog file and value set definitions.
    pub fn new(file: CatalogFile, value_sets: Vec<ValueSetDef>) -> Result<Catalog, CatalogError> {
        if file.format != CATALOG_FORMAT {
            return Err(CatalogError::Invalid(format!("format is {:?}, expected {CATALOG_FORMAT:?}", file.format)));
        }
        let concepts = file.concepts;
        let mut by_code = rustc_hash::FxHashMap::with_capacity_and_hasher(concepts.len(), Default::default());
        for (i, c) in concepts.iter().enumerate() {
            if by_code.insert(c.code.clone(), i).is_some() {
                return Err(CatalogError::Invalid(format!("duplicate code {}", c.code)));
            }
        }
        let mut children = vec![Vec::new(); concepts.len()];
        let mut parent = vec![None; concepts.len()];
        for (i, c) in concepts.iter().enumerate() {
            if let Some(p) = &c.parent {
                let pi = *by_code.get(p).ok_or_else(|| CatalogError::Invalid(format!("{} has unknown parent {p}", c.code)))?;
                children[pi].push(i);
                parent[i] = Some(pi);
            }
        }
        let search_keys = concepts
            .iter()
            .map(|c| {
                let n = search::normalize(&c.term);
                let l = search::loose_key(&n);
                (n, l)
            })
            .collect();
        let mut catalog = Catalog { versions: file.code_systems, concepts, by_code, children, parent, value_sets: Vec::new(), search_keys };
        for def in value_sets {
            let expanded = catalog.expand(&def)?;
            catalog.value_sets.push(ValueSet::new(def, expanded));
        }
        Ok(catalog)
    }

    /// A catalog where the FFB concepts come from an official FFB CodeSystem JSON file
    /// (e.g. a newer version), KL CareSocialCodes and the value set rules from the
    /// embedded defaults. A KL CareSocialCodes file replaces the KL concepts instead.
    pub fn with_code_system_file(path: impl AsRef<Path>) -> Result<Catalog, CatalogError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io { path: path.display().to_string(), source })?;
        let loaded = codesystem::parse_code_system(&text)?;
        Catalog::embedded().replacing(loaded)
    }

    /// This catalog with the concepts of one code system replaced by `loaded`.
    pub fn replacing(&self, loaded: codesystem::LoadedCodeSystem) -> Result<Catalog, CatalogError> {
        let mut concepts: Vec<Concept> = loaded.concepts;
        concepts.extend(self.concepts.iter().filter(|c| c.system != loaded.system).cloned());
        concepts.sort_by_key(|c| c.system != CodeSystemId::Ffb);
        let mut versions: Vec<CodeSystemVersion> = self.versions.iter().filter(|v| v.system != loaded.system).cloned().collect();
        versions.push(CodeSystemVersion { system: loaded.system, url: loaded.system.url().to_string(), version: loaded.version });
        versions.sort_by_key(|v| v.system);
        let defs = self.value_sets.iter().map(|v| v.definition().clone()).collect();
        Catalog::new(CatalogFile { format: CATALOG_FORMAT.into(), code_systems: versions, concepts }, defs)
    }

    fn expand(&self, def: &ValueSetDef) -> Result<Vec<(CodeSystemId, String)>, CatalogError> {
        let mut members: Vec<(CodeSystemId, String)> = Vec::new();
        let clause_codes = |clause: &ValueSetClause| -> Result<Vec<(CodeSystemId, String)>, CatalogError> {
            let system = CodeSystemId::from_url(&clause.system)
                .ok_or_else(|| CatalogError::Invalid(format!("{}: unknown system {}", def.name, clause.system)))?;
            let mut out = Vec::new();
            for code in &clause.codes {
                let c = self.get(code).ok_or_else(|| CatalogError::Invalid(format!("{}: unknown code {code}", def.name)))?;
                out.push((c.system, c.code.clone()));
            }
            for root in &clause.descendent_of {
                let ri = *self.by_code.get(root).ok_or_else(|| CatalogError::Invalid(format!("{}: unknown code {root}", def.name)))?;
                out.extend(self.descendant_indices(ri).into_iter().map(|i| (system, self.concepts[i].code.clone())));
            }
            Ok(out)
        };
        for clause in &def.include {
            members.extend(clause_codes(clause)?);
        }
        for name in &def.include_value_sets {
            let vs =
                self.value_set(name).ok_or_else(|| CatalogError::Invalid(format!("{}: includes unknown value set {name}", def.name)))?;
            members.extend(vs.members().iter().cloned());
        }
        let mut excluded = std::collections::HashSet::new();
        for clause in &def.exclude {
            excluded.extend(clause_codes(clause)?.into_iter().map(|(_, c)| c));
        }
        let mut seen = std::collections::HashSet::new();
        members.retain(|(_, c)| !excluded.contains(c) && seen.insert(c.clone()));
        Ok(members)
    }

    fn descendant_indices(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.children[i].iter().rev().copied().collect();
        while let Some(j) = stack.pop() {
            out.push(j);
            stack.extend(self.children[j].iter().rev());
        }
        out
    }

    /// The code system versions this catalog holds.
    pub fn versions(&self) -> &[CodeSystemVersion] {
        &self.versions
    }

    /// The FFB version, e.g. `20240530`.
    pub fn ffb_version(&self) -> &str {
        self.versions.iter().find(|v| v.system == CodeSystemId::Ffb).map(|v| v.version.as_str()).unwrap_or("unknown")
    }

    /// All concepts, parents before children.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// The concept with this code, in either system.
    pub fn get(&self, code: &str) -> Option<&Concept> {
        self.by_code.get(code).map(|&i| &self.concepts[i])
    }

    /// The concept with this `system` URL and code.
    pub fn get_coding(&self, system: &str, code: &str) -> Option<&Concept> {
        self.get(code).filter(|c| c.system.url() == system)
    }

    /// The parent concept.
    pub fn parent(&self, concept: &Concept) -> Option<&Concept> {
        let i = *self.by_code.get(&concept.code)?;
        self.parent[i].map(|p| &self.concepts[p])
    }

    /// The ancestors of a concept, nearest first.
    pub fn ancestors(&self, concept: &Concept) -> Vec<&Concept> {
        let mut out = Vec::new();
        let mut cur = self.by_code.get(&concept.code).copied();
        while let Some(i) = cur.and_then(|i| self.parent[i]) {
            out.push(&self.concepts[i]);
            cur = Some(i);
        }
        out
    }

    /// The direct children of a concept, in catalog order.
    pub fn children(&self, concept: &Concept) -> Vec<&Concept> {
        self.by_code.get(&concept.code).map(|&i| self.children[i].iter().map(|&j| &self.concepts[j]).collect()).unwrap_or_default()
    }

    /// All descendants of a concept, depth first.
    pub fn descendants(&self, concept: &Concept) -> Vec<&Concept> {
        self.by_code
            .get(&concept.code)
            .map(|&i| self.descendant_indices(i).into_iter().map(|j| &self.concepts[j]).collect())
            .unwrap_or_default()
    }

    /// True when `ancestor` is a proper ancestor of `code`.
    pub fn is_descendant_of(&self, code: &str, ancestor: &str) -> bool {
        let mut cur = self.by_code.get(code).copied();
        while let Some(i) = cur.and_then(|i| self.parent[i]) {
            if self.concepts[i].code == ancestor {
                return true;
            }
            cur = Some(i);
        }
        false
    }

    /// The theme area (område) and theme (tema) above a theme concept, for analyses.
    pub fn theme_path<'a>(&'a self, concept: &'a Concept) -> (Option<&'a Concept>, Option<&'a Concept>) {
        let chain = self.ancestors(concept);
        let area = std::iter::once(concept).chain(chain.iter().copied()).find(|c| c.level == Some(Level::Omraade));
        let theme = std::iter::once(concept).chain(chain.iter().copied()).find(|c| c.level == Some(Level::Tema));
        (area, theme)
    }

    /// All concepts of a kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Concept> {
        self.concepts.iter().filter(move |c| c.kind == kind)
    }

    /// The expanded value set with this name (`KLSeveritiesFFB`) or canonical URL.
    pub fn value_set(&self, name_or_url: &str) -> Option<&ValueSet> {
        self.value_sets.iter().find(|v| v.name() == name_or_url || v.url() == name_or_url)
    }

    /// All value sets, in definition order.
    pub fn value_sets(&self) -> &[ValueSet] {
        &self.value_sets
    }

    /// Search terms, tolerant of case and of æ/ø/å typed as ae/oe/aa or a/o/a. An exact
    /// code matches too. Results are ranked: exact term, term prefix, word prefix, substring.
    ///
    /// ```
    /// let hits = ffbkit_sdk::catalog::Catalog::embedded().search("aeldre");
    /// assert!(hits.iter().any(|c| c.term == "Almen ældre- og handicapvenlig bolig"));
    /// ```
    pub fn search(&self, query: &str) -> Vec<&Concept> {
        if let Some(c) = self.get(query.trim()) {
            return vec![c];
        }
        let q = search::normalize(query);
        if q.is_empty() {
            return Vec::new();
        }
        let ql = search::loose_key(&q);
        let mut hits: Vec<(u8, usize)> = Vec::new();
        for (i, (n, l)) in self.search_keys.iter().enumerate() {
            let rank = if *n == q || *l == ql {
                0
            } else if n.starts_with(&q) || l.starts_with(&ql) {
                1
            } else if n.split(' ').any(|w| w.starts_with(&q)) || l.split(' ').any(|w| w.starts_with(&ql)) {
                2
            } else if n.contains(&q) || l.contains(&ql) {
                3
            } else {
                continue;
            };
            hits.push((rank, i));
        }
        hits.sort();
        hits.into_iter().map(|(_, i)| &self.concepts[i]).collect()
    }

    /// The catalog in its own file format.
    pub fn to_file(&self) -> CatalogFile {
        CatalogFile { format: CATALOG_FORMAT.into(), code_systems: self.versions.clone(), concepts: self.concepts.clone() }
    }

    /// The catalog as CSV: `system,code,term,parent,kind,level,legal_basis` (legal bases
    /// joined with `; `), RFC 4180 quoting.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("system,code,term,parent,kind,level,legal_basis\n");
        for c in &self.concepts {
            let fields = [
                c.system.url().to_string(),
                c.code.clone(),
                c.term.clone(),
                c.parent.clone().unwrap_or_default(),
                c.kind.as_str().to_string(),
                c.level.map(|l| l.danish().to_string()).unwrap_or_default(),
                c.legal_basis.join("; "),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The embedded value set definitions.
pub fn embedded_value_set_defs() -> Vec<ValueSetDef> {
    let file: ValueSetFile = serde_json::from_str(EMBEDDED_VALUESETS_JSON).expect("embedded value sets are valid (checked by tests)");
    file.value_sets
}

#[cfg(test)]
mod tests;
