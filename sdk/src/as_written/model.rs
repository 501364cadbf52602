//! The engine's FHIR model, as small as the IG's invariants need: the resource types a
//! delivery report holds (so `ofType(Condition)` is a known type), everything else from the
//! engine's own minimal model (`EmptyModelProvider`), and the FHIR R4 types of the date/time
//! elements that the IG's invariants and MedCom's TestScripts compare ([`TEMPORAL_ELEMENTS`]),
//! so those compare as dates, not as strings. No StructureDefinitions are loaded; the
//! invariants navigate JSON and compare primitives.

use async_trait::async_trait;
use octofhir_fhir_model::error::Result;
use octofhir_fhir_model::provider::{ElementInfo, EmptyModelProvider, ModelProvider, TypeInfo};

/// The FHIR R4 resource types of a delivery report (the Bundle and the types of the IG's
/// 12 profiles).
pub(super) const REPORT_RESOURCE_TYPES: &[&str] =
    &["Bundle", "Patient", "ServiceRequest", "ClinicalImpression", "Condition", "Goal", "CarePlan", "CareTeam", "Encounter", "Observation"];

/// The FHIR R4 date/time elements a delivery report's checks compare, with their R4 type
/// (FHIR R4 resource pages: Bundle.timestamp is an `instant`, Condition.recordedDate a
/// `dateTime`; ClinicalImpression.effective[x] is typed by its JSON name already). A parent
/// of `None` matches any parent: a resource reached through `Bundle.entry.resource` reaches
/// the model without its type name, and every R4 element named `recordedDate` (Condition,
/// AllergyIntolerance) is a `dateTime`.
pub(super) const TEMPORAL_ELEMENTS: &[(Option<&str>, &str, &str)] =
    &[(Some("Bundle"), "timestamp", "instant"), (None, "recordedDate", "dateTime")];

/// The FHIR R4 primitive type of `parent.property`, when [`TEMPORAL_ELEMENTS`] has it.
fn temporal_element(parent: &TypeInfo, property: &str) -> Option<TypeInfo> {
    let parent = parent.name.as_deref().unwrap_or(&parent.type_name);
    let (_, _, type_name) = TEMPORAL_ELEMENTS.iter().find(|(p, e, _)| p.is_none_or(|p| p == parent) && *e == property)?;
    Some(TypeInfo {
        type_name: type_name.to_string(),
        singleton: Some(true),
        is_empty: Some(false),
        namespace: Some("FHIR".to_string()),
        name: Some(type_name.to_string()),
    })
}

/// [`EmptyModelProvider`] that also knows [`REPORT_RESOURCE_TYPES`] and [`TEMPORAL_ELEMENTS`].
#[derive(Debug, Default)]
pub(super) struct ReportModel {
    inner: EmptyModelProvider,
}

fn resource_type(name: &str) -> TypeInfo {
    TypeInfo {
        type_name: "Any".to_string(),
        singleton: Some(true),
        is_empty: Some(false),
        namespace: Some("FHIR".to_string()),
        name: Some(name.to_string()),
    }
}

#[async_trait]
impl ModelProvider for ReportModel {
    async fn get_type(&self, type_name: &str) -> Result<Option<TypeInfo>> {
        let bare = type_name.strip_prefix("FHIR.").unwrap_or(type_name);
        if REPORT_RESOURCE_TYPES.contains(&bare) {
            return Ok(Some(resource_type(bare)));
        }
        self.inner.get_type(type_name).await
    }

    async fn get_element_type(&self, parent_type: &TypeInfo, property_name: &str) -> Result<Option<TypeInfo>> {
        if let Some(element) = temporal_element(parent_type, property_name) {
            return Ok(Some(element));
        }
        self.inner.get_element_type(parent_type, property_name).await
    }

    fn of_type(&self, type_info: &TypeInfo, target_type: &str) -> Option<TypeInfo> {
        self.inner.of_type(type_info, target_type)
    }

    fn get_element_names(&self, parent_type: &TypeInfo) -> Vec<String> {
        self.inner.get_element_names(parent_type)
    }

    async fn get_children_type(&self, parent_type: &TypeInfo) -> Result<Option<TypeInfo>> {
        self.inner.get_children_type(parent_type).await
    }

    async fn get_elements(&self, type_name: &str) -> Result<Vec<ElementInfo>> {
        self.inner.get_elements(type_name).await
    }

    async fn get_resource_types(&self) -> Result<Vec<String>> {
        let mut types: Vec<String> = REPORT_RESOURCE_TYPES.iter().map(|t| t.to_string()).collect();
        for t in self.inner.get_resource_types().await? {
            if !types.contains(&t) {
                types.push(t);
            }
        }
        Ok(types)
    }

    async fn get_complex_types(&self) -> Result<Vec<String>> {
        self.inner.get_complex_types().await
    }

    async fn get_primitive_types(&self) -> Result<Vec<String>> {
        self.inner.get_primitive_types().await
    }
}
