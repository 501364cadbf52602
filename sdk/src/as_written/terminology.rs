//! `memberOf` without a terminology server: the KL value sets the SDK embeds (the catalog),
//! offered to the FHIRPath engine as its terminology provider. Only value-set membership
//! is answered; every other terminology operation is refused with an error.

use crate::catalog::Catalog;
use async_trait::async_trait;
use octofhir_fhir_model::error::{ModelError, Result};
use octofhir_fhir_model::terminology::{
    ConnectionStatus, ExpansionParameters, LookupResult, SubsumptionResult, TranslationResult, ValueSetConcept, ValueSetExpansion,
};
use octofhir_fhir_model::{TerminologyProvider, TerminologyValidationResult};
use std::sync::Arc;

/// The catalog's value sets as a terminology provider.
#[derive(Debug, Clone)]
pub struct LocalTerminology {
    catalog: Arc<Catalog>,
}

impl LocalTerminology {
    /// A provider answering from `catalog`.
    pub fn new(catalog: Arc<Catalog>) -> LocalTerminology {
        LocalTerminology { catalog }
    }

    /// Is `code` (of `system`, when given) in the value set with this canonical URL?
    /// `None`: the catalog has no such value set.
    pub fn member(&self, value_set: &str, system: Option<&str>, code: &str) -> Option<bool> {
        let url = value_set.split('|').next().unwrap_or(value_set);
        let vs = self.catalog.value_set(url)?;
        Some(match system {
            Some(s) => vs.contains_coding(s, code),
            None => vs.contains(code),
        })
    }
}

fn unsupported(what: &str) -> ModelError {
    ModelError::generic(format!("{what}: ffbkit's local terminology answers value-set membership only"))
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("urn:")
}

#[async_trait]
impl TerminologyProvider for LocalTerminology {
    async fn validate_code(&self, _code: &str, _system: &str, _version: Option<&str>) -> Result<bool> {
        Err(unsupported("validate_code"))
    }

    async fn expand_valueset(&self, valueset_url: &str, _parameters: Option<&ExpansionParameters>) -> Result<ValueSetExpansion> {
        let vs = self.catalog.value_set(valueset_url).ok_or_else(|| unsupported(valueset_url))?;
        let contains: Vec<ValueSetConcept> = vs
            .members()
            .iter()
            .map(|(s, c)| ValueSetConcept { code: c.clone(), system: Some(s.url().to_string()), display: None })
            .collect();
        Ok(ValueSetExpansion { total: u32::try_from(contains.len()).ok(), contains, parameters: Vec::new(), timestamp: None })
    }

    async fn translate_code(&self, _source_code: &str, _target_system: &str, _concept_map_url: Option<&str>) -> Result<TranslationResult> {
        Err(unsupported("translate_code"))
    }

    async fn lookup_code(
        &self,
        _system: &str,
        _code: &str,
        _version: Option<&str>,
        _properties: Option<Vec<&str>>,
    ) -> Result<LookupResult> {
        Err(unsupported("lookup_code"))
    }

    async fn validate_code_vs(
        &self,
        valueset: &str,
        system: Option<&str>,
        code: &str,
        _display: Option<&str>,
    ) -> Result<TerminologyValidationResult> {
        // The trait names the value set first; octofhir-fhirpath 0.4.57's memberOf passes
        // the code first and the value set third. Take whichever is the canonical URL.
        let (valueset, code) = if looks_like_url(valueset) || !looks_like_url(code) { (valueset, code) } else { (code, valueset) };
        let result = self.member(valueset, system, code).ok_or_else(|| ModelError::generic(format!("unknown value set {valueset}")))?;
        Ok(TerminologyValidationResult { result, display: None, message: None })
    }

    async fn subsumes(&self, _system: &str, _parent: &str, _child: &str) -> Result<SubsumptionResult> {
        Err(unsupported("subsumes"))
    }

    async fn test_connection(&self) -> Result<ConnectionStatus> {
        Ok(ConnectionStatus { connected: true, response_time_ms: Some(0), server_version: None, error: None })
    }
}
