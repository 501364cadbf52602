//! `ffbkit.Catalog`, `ffbkit.Concept`, `ffbkit.ValueSet`.

use crate::errors;
use ffbkit_sdk::catalog::{Catalog, Concept, Kind};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The FFB catalog: concepts, hierarchy, value sets and search.
#[pyclass(name = "Catalog", module = "ffbkit", frozen)]
pub struct PyCatalog {
    inner: Arc<Catalog>,
}

/// One concept of the catalog.
#[pyclass(name = "Concept", module = "ffbkit", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyConcept {
    /// FHIR system URL.
    #[pyo3(get)]
    system: String,
    /// The code (UUID).
    #[pyo3(get)]
    code: String,
    /// The official Danish term.
    #[pyo3(get)]
    term: String,
    /// The parent's code, or None at a root.
    #[pyo3(get)]
    parent: Option<String>,
    /// The kind (`ydelse`, `tilbud`, `maalgruppe`, `ff-tema`, `ad-tema`, ...).
    #[pyo3(get)]
    kind: String,
    /// `område`, `tema` or `undertema` for themes, else None.
    #[pyo3(get)]
    level: Option<String>,
    /// Legal basis named by the official definition, e.g. `Serviceloven § 85`.
    #[pyo3(get)]
    legal_basis: Vec<String>,
}

impl From<&Concept> for PyConcept {
    fn from(c: &Concept) -> Self {
        PyConcept {
            system: c.system.url().to_string(),
            code: c.code.clone(),
            term: c.term.clone(),
            parent: c.parent.clone(),
            kind: c.kind.as_str().to_string(),
            level: c.level.map(|l| l.danish().to_string()),
            legal_basis: c.legal_basis.clone(),
        }
    }
}

#[pymethods]
impl PyConcept {
    fn __repr__(&self) -> String {
        format!("Concept({:?}, {:?}, kind={:?})", self.code, self.term, self.kind)
    }

    /// The concept as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("system", &self.system)?;
        d.set_item("code", &self.code)?;
        d.set_item("term", &self.term)?;
        d.set_item("parent", &self.parent)?;
        d.set_item("kind", &self.kind)?;
        d.set_item("level", &self.level)?;
        d.set_item("legal_basis", &self.legal_basis)?;
        Ok(d)
    }
}

/// An expanded value set of KL terminology.
#[pyclass(name = "ValueSet", module = "ffbkit", frozen)]
pub struct PyValueSet {
    catalog: Arc<Catalog>,
    index: usize,
}

impl PyValueSet {
    fn vs(&self) -> &ffbkit_sdk::catalog::ValueSet {
        &self.catalog.value_sets()[self.index]
    }
}

#[pymethods]
impl PyValueSet {
    /// KL's name, e.g. `KLSeveritiesFFB`.
    #[getter]
    fn name(&self) -> String {
        self.vs().name().to_string()
    }
    /// Canonical URL.
    #[getter]
    fn url(&self) -> String {
        self.vs().url().to_string()
    }
    /// Short title.
    #[getter]
    fn title(&self) -> String {
        self.vs().title().to_string()
    }
    /// Member codes in catalog order.
    #[getter]
    fn codes(&self) -> Vec<String> {
        self.vs().members().iter().map(|(_, c)| c.clone()).collect()
    }
    /// Member concepts in catalog order.
    fn concepts(&self) -> Vec<PyConcept> {
        self.vs().members().iter().filter_map(|(_, c)| self.catalog.get(c)).map(PyConcept::from).collect()
    }
    fn __len__(&self) -> usize {
        self.vs().len()
    }
    fn __contains__(&self, code: &str) -> bool {
        self.vs().contains(code)
    }
    fn __repr__(&self) -> String {
        format!("ValueSet({:?}, {} codes)", self.vs().name(), self.vs().len())
    }
}

fn default_catalog() -> Arc<Catalog> {
    static DEFAULT: OnceLock<Arc<Catalog>> = OnceLock::new();
    DEFAULT.get_or_init(|| Arc::new(Catalog::embedded().clone())).clone()
}

impl PyCatalog {
    fn concept(&self, code: &str) -> PyResult<&Concept> {
        self.inner.get(code).ok_or_else(|| PyKeyError::new_err(format!("no concept with code {code:?}")))
    }
}

#[pymethods]
impl PyCatalog {
    /// The embedded catalog (FFB 20240530, KL CareSocialCodes 20250530).
    #[staticmethod]
    fn default() -> Self {
        PyCatalog { inner: default_catalog() }
    }

    /// A catalog whose FFB (or KL) concepts come from an official FHIR CodeSystem JSON file,
    /// e.g. a newer FFB version.
    #[staticmethod]
    fn from_code_system(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let catalog = py.allow_threads(|| Catalog::with_code_system_file(&path)).map_err(errors::catalog_error)?;
        Ok(PyCatalog { inner: Arc::new(catalog) })
    }

    /// Code system versions as a dict, e.g. `{"FFB": "20240530", "KL": "20250530"}`.
    #[getter]
    fn versions(&self) -> Vec<(String, String)> {
        self.inner.versions().iter().map(|v| (v.system.label().to_string(), v.version.clone())).collect()
    }

    /// The FFB version, e.g. `20240530`.
    #[getter]
    fn version(&self) -> String {
        self.inner.ffb_version().to_string()
    }

    /// The concept with this code, or None.
    fn get(&self, code: &str) -> Option<PyConcept> {
        self.inner.get(code).map(PyConcept::from)
    }

    fn __getitem__(&self, code: &str) -> PyResult<PyConcept> {
        self.concept(code).map(PyConcept::from)
    }

    fn __contains__(&self, code: &str) -> bool {
        self.inner.get(code).is_some()
    }

    fn __len__(&self) -> usize {
        self.inner.concepts().len()
    }

    /// All concepts (optionally of one kind), parents before children.
    #[pyo3(signature = (kind=None))]
    fn concepts(&self, kind: Option<&str>) -> PyResult<Vec<PyConcept>> {
        let kind = kind.map(parse_kind).transpose()?;
        Ok(self.inner.concepts().iter().filter(|c| kind.is_none_or(|k| c.kind == k)).map(PyConcept::from).collect())
    }

    /// Search terms, tolerant of case and of æ/ø/å written as ae/oe/aa; best first.
    #[pyo3(signature = (query, kind=None, limit=None))]
    fn search(&self, query: &str, kind: Option<&str>, limit: Option<usize>) -> PyResult<Vec<PyConcept>> {
        let kind = kind.map(parse_kind).transpose()?;
        Ok(self
            .inner
            .search(query)
            .into_iter()
            .filter(|c| kind.is_none_or(|k| c.kind == k))
            .take(limit.unwrap_or(usize::MAX))
            .map(PyConcept::from)
            .collect())
    }

    /// The parent of a concept, or None at a root. KeyError for an unknown code.
    fn parent(&self, code: &str) -> PyResult<Option<PyConcept>> {
        let c = self.concept(code)?;
        Ok(self.inner.parent(c).map(PyConcept::from))
    }

    /// The direct children of a concept.
    fn children(&self, code: &str) -> PyResult<Vec<PyConcept>> {
        let c = self.concept(code)?;
        Ok(self.inner.children(c).into_iter().map(PyConcept::from).collect())
    }

    /// The ancestors of a concept, nearest first.
    fn ancestors(&self, code: &str) -> PyResult<Vec<PyConcept>> {
        let c = self.concept(code)?;
        Ok(self.inner.ancestors(c).into_iter().map(PyConcept::from).collect())
    }

    /// All descendants of a concept, depth first.
    fn descendants(&self, code: &str) -> PyResult<Vec<PyConcept>> {
        let c = self.concept(code)?;
        Ok(self.inner.descendants(c).into_iter().map(PyConcept::from).collect())
    }

    /// True when `ancestor` is a proper ancestor of `code`.
    fn is_descendant_of(&self, code: &str, ancestor: &str) -> bool {
        self.inner.is_descendant_of(code, ancestor)
    }

    /// The value set with this name or URL. KeyError when unknown.
    fn value_set(&self, name: &str) -> PyResult<PyValueSet> {
        let index = self
            .inner
            .value_sets()
            .iter()
            .position(|v| v.name() == name || v.url() == name)
            .ok_or_else(|| PyKeyError::new_err(format!("no value set named {name:?}")))?;
        Ok(PyValueSet { catalog: self.inner.clone(), index })
    }

    /// All value sets.
    fn value_sets(&self) -> Vec<PyValueSet> {
        (0..self.inner.value_sets().len()).map(|index| PyValueSet { catalog: self.inner.clone(), index }).collect()
    }

    /// True when `code` is in the value set `value_set`.
    fn in_value_set(&self, code: &str, value_set: &str) -> PyResult<bool> {
        Ok(self.value_set(value_set)?.vs().contains(code))
    }

    /// The catalog as CSV text.
    fn to_csv(&self) -> String {
        self.inner.to_csv()
    }

    fn __repr__(&self) -> String {
        format!("Catalog(FFB {}, {} concepts)", self.inner.ffb_version(), self.inner.concepts().len())
    }
}

fn parse_kind(s: &str) -> PyResult<Kind> {
    Kind::parse(s).ok_or_else(|| {
        let all: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        PyValueError::new_err(format!("unknown kind {s:?}; one of {}", all.join(", ")))
    })
}
