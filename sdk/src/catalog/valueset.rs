//! Value sets: KL's composition rules (include descendants, enumerated codes, exclusions,
//! other value sets) and their expansion over a catalog.

use super::concept::CodeSystemId;
use serde::{Deserialize, Serialize};

/// One include or exclude clause of a value set definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSetClause {
    /// FHIR `system` URL of the codes.
    pub system: String,
    /// Codes taken one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Concepts whose descendants are taken (the named concept itself is not, as in FHIR's
    /// `descendent-of` filter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub descendent_of: Vec<String>,
}

/// The definition of a value set, as KL composes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueSetDef {
    /// KL's name, e.g. `KLSeveritiesFFB`.
    pub name: String,
    /// Canonical URL, e.g. `http://fhir.kl.dk/term/ValueSet/KLSeveritiesFFB`.
    pub url: String,
    /// A short title in plain words.
    pub title: String,
    /// Include clauses.
    #[serde(default)]
    pub include: Vec<ValueSetClause>,
    /// Names of value sets whose members are included (defined earlier in the file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include_value_sets: Vec<String>,
    /// Exclude clauses, applied last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<ValueSetClause>,
}

/// The file `schemas/catalog/valuesets.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ValueSetFile {
    /// The definitions, each may use the ones before it.
    pub value_sets: Vec<ValueSetDef>,
}

/// An expanded value set: its definition and its members in catalog order.
#[derive(Clone, Debug)]
pub struct ValueSet {
    def: ValueSetDef,
    members: Vec<(CodeSystemId, String)>,
    set: rustc_hash::FxHashSet<String>,
}

impl ValueSet {
    pub(crate) fn new(def: ValueSetDef, members: Vec<(CodeSystemId, String)>) -> Self {
        let set = members.iter().map(|(_, c)| c.clone()).collect();
        ValueSet { def, members, set }
    }

    /// KL's name of the value set.
    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// Canonical URL.
    pub fn url(&self) -> &str {
        &self.def.url
    }

    /// Short title.
    pub fn title(&self) -> &str {
        &self.def.title
    }

    /// The definition it was expanded from.
    pub fn definition(&self) -> &ValueSetDef {
        &self.def
    }

    /// Members in catalog order.
    pub fn members(&self) -> &[(CodeSystemId, String)] {
        &self.members
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when the expansion is empty.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// True when `code` is a member (codes are UUIDs, unique across both systems).
    pub fn contains(&self, code: &str) -> bool {
        self.set.contains(code)
    }

    /// True when `system`/`code` is a member.
    pub fn contains_coding(&self, system: &str, code: &str) -> bool {
        self.members.iter().any(|(s, c)| s.url() == system && c == code) && self.contains(code)
    }
}
