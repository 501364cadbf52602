"""What each table and column of a :class:`ffbkit.Dataset` holds, in words: written into
Parquet files by :meth:`ffbkit.Dataset.to_parquet` as Arrow schema and field metadata
(key ``description``).

The Rust SDK's table list (``ffbkit_sdk::dataset::Table``, ``sdk/src/dataset/columns.rs``)
names the columns and their Arrow types but carries no descriptions; these are kept here,
next to the Python package, and a test checks that every column of every table has one.
"""

from __future__ import annotations

#: One line per table.
TABLE_DOCS: dict[str, str] = {
    "reports": "One row per delivery report read: its id, timestamp, citizen, municipality, source and validity.",
    "citizens": "One row per citizen (FHIR Patient).",
    "service_requests": "Henvendelser (FHIR ServiceRequest) with their case number.",
    "gatherings": "Udredninger / information gatherings (FHIR ClinicalImpression) with their day and case number.",
    "conditions": "FFB themes (FHIR Condition): Funktioner og forhold, Aktivitet og deltagelse (with funktionsevneniveau and score) and omgivelser.",
    "target_groups": "Målgrupper (FHIR Condition) with their care plan and rank.",
    "goals": "Indsatsmål (FHIR Goal): måltype, expected funktionsevneniveau and score, primary theme, care plan.",
    "goal_themes": "One row per theme a goal addresses (FHIR Goal.addresses), rank 1 the primary theme.",
    "evaluations": "Støttebehov assessments (FHIR Observation), level 0-4, with their care plan.",
    "care_plans": "Indsatser (FHIR CarePlan): tilbud and its paragraph, målgrupper, period, case number, follow-up date.",
    "interventions": "Ydelser (FHIR CarePlan, part of an indsats): ydelse and its paragraph, period, status.",
    "follow_ups": "Opfølgninger (FHIR Observation): day, care plan, result.",
    "issues": "Findings of the validator (origin 'validator') and of the stream audit (origin 'audit'), with rule ids.",
}

_COMMON: dict[str, str] = {
    "id": "FHIR resource id (the same across reports for the same row of the sender's system).",
    "citizen": "The citizen: CPR number masked (010181-****), a pseudonym or clear, as read_reports(cpr=...) chose.",
    "municipality": "The reporting municipality: KOMBIT STS organisation UUID.",
    "report_id": "Id of the report (Bundle) that carried this version.",
    "report_timestamp": "Timestamp of that report; the latest version of a resource id is the one with the latest timestamp.",
    "last_updated": "meta.lastUpdated of the resource, when given.",
    "source": "The file (and line, for NDJSON) the report was read from.",
    "withdrawn": "True when the resource is entered-in-error (withdrawn); the analyses leave such rows out.",
}

_SPECIFIC: dict[str, dict[str, str]] = {
    "reports": {
        "report_id": "Id of the report (Bundle).",
        "timestamp": "Bundle.timestamp of the report.",
        "resources": "Number of resources (entries) in the report.",
        "valid": "True when the validator found no error.",
        "errors": "Number of findings with severity error.",
        "warnings": "Number of findings with severity warning.",
    },
    "service_requests": {
        "status": "FHIR status of the henvendelse.",
        "case_number": "The municipality's case number (sagsnummer).",
    },
    "gatherings": {
        "status": "FHIR status (in-progress or completed).",
        "effective": "Day of the information gathering.",
        "service_request": "Id of the henvendelse it belongs to.",
        "case_number": "Case number of that henvendelse.",
        "findings": "Number of themes it found.",
    },
    "conditions": {
        "code": "FFB code of the theme (undertema), a UUID of the FFB catalog.",
        "term": "Danish term of the theme (undertema).",
        "kind": "ff-tema (Funktioner og forhold), ad-tema (Aktivitet og deltagelse) or omgivelse.",
        "theme_code": "FFB code of the theme's parent (tema).",
        "theme": "Danish term of the parent (tema), e.g. Egenomsorg.",
        "area": "The area: Funktioner og forhold, Aktivitet og deltagelse or Omgivelsesfaktorer.",
        "severity_code": "FFB code of the funktionsevneniveau (A&D themes).",
        "funktionsevneniveau": "Danish term of the funktionsevneniveau, e.g. Let nedsat funktionsevne.",
        "score": "Funktionsevnescore 0 (ingen) to 4 (fuldstændigt nedsat funktionsevne); empty for ikke vurderet or none.",
        "recorded_date": "Day the theme was registered (Condition.recordedDate).",
        "last_asserted": "Day of the latest re-assessment, when re-assessed.",
        "clinical_status": "FHIR clinical status.",
        "verification_status": "FHIR verification status.",
        "gathering": "Id of the information gathering that found the theme (the latest, when several).",
        "gathering_date": "Day of that information gathering.",
        "case_number": "Case number of that information gathering.",
    },
    "target_groups": {
        "code": "FFB code of the målgruppe.",
        "term": "Danish term of the målgruppe.",
        "recorded_date": "Day the målgruppe was registered.",
        "clinical_status": "FHIR clinical status.",
        "care_plan": "Id of the care plan (indsats) that lists it.",
        "rank": "1 for the primary målgruppe, 2 for the secondary.",
    },
    "goals": {
        "lifecycle_status": "FHIR lifecycle status of the goal.",
        "maaltype_code": "FFB code of the måltype.",
        "maaltype": "Måltype: Udvikle, Fastholde or Begrænse tab af funktionsevne.",
        "expected_level_code": "FFB code of the expected funktionsevneniveau (the goal's target).",
        "expected_level": "Danish term of the expected funktionsevneniveau.",
        "expected_score": "The expected funktionsevneniveau as a score 0-4.",
        "primary_theme": "Id of the Condition (A&D theme) the goal primarily addresses.",
        "primary_theme_code": "FFB code of that theme.",
        "primary_theme_term": "Danish term of that theme.",
        "care_plan": "Id of the care plan (indsats) the goal belongs to.",
    },
    "goal_themes": {
        "goal": "Id of the goal.",
        "condition": "Id of the addressed Condition (theme).",
        "rank": "1 for the primary theme, 2 and up for the others.",
        "code": "FFB code of the theme.",
        "term": "Danish term of the theme.",
        "kind": "ff-tema, ad-tema or omgivelse.",
    },
    "evaluations": {
        "status": "FHIR status of the observation.",
        "effective": "Day of the assessment.",
        "code": "FFB code of the støttebehov.",
        "stoettebehov": "Danish term of the støttebehov, e.g. Let støttebehov.",
        "level": "Støttebehov 0 (intet) to 4 (fuldstændigt); empty for ikke vurderet.",
        "care_plan": "Id of the care plan it was assessed for.",
    },
    "care_plans": {
        "status": "FHIR status of the indsats.",
        "period_start": "First day of the indsats.",
        "period_end": "Last day, when ended.",
        "case_number": "The case number.",
        "tilbud_code": "FFB code of the tilbud.",
        "tilbud": "Danish term of the tilbud.",
        "tilbud_paragraph": "Legal basis of the tilbud in the FFB catalog, e.g. Serviceloven § 108.",
        "target_group_code": "FFB code of the primary målgruppe.",
        "target_group": "Danish term of the primary målgruppe.",
        "secondary_target_group_code": "FFB code of the secondary målgruppe.",
        "secondary_target_group": "Danish term of the secondary målgruppe.",
        "goals": "Number of goals of the indsats.",
        "follow_up_date": "Planned day of the next follow-up.",
    },
    "interventions": {
        "care_plan": "Id of the care plan (indsats) the ydelse belongs to.",
        "status": "FHIR status of the ydelse.",
        "ydelse_code": "FFB code of the ydelse.",
        "ydelse": "Danish term of the ydelse.",
        "paragraph": "Legal basis of the ydelse in the FFB catalog, e.g. Serviceloven § 85.",
        "period_start": "First day of the ydelse.",
        "period_end": "Last day, when ended.",
        "created": "When the ydelse was created (bevilget).",
        "activity_status": "Status of the activity (e.g. in-progress, completed).",
    },
    "follow_ups": {
        "status": "FHIR status of the observation.",
        "effective": "Day of the follow-up.",
        "care_plan": "Id of the care plan followed up.",
        "result_code": "FFB code of the result.",
        "result": "Danish term of the result, e.g. Træf afgørelse om fortsættelse af indsats.",
    },
    "issues": {
        "origin": "validator or audit.",
        "source": "The file (and line) of the report.",
        "report_id": "Id of the report.",
        "rule": "Rule id (GW-..., kl-reporting-..., DST-..., PROTO-...), see ffbkit.rules().",
        "severity": "error, warning or information (validator); error or interpretation (audit).",
        "location": "FHIRPath-like location in the report.",
        "resource": "Id of the resource concerned.",
        "line": "Line in the source, when known.",
        "column": "Column in the source, when known.",
        "found": "The value found.",
        "expected": "The value expected.",
        "message": "What is wrong, in words (CPR numbers masked).",
    },
}


def column_doc(table: str, column: str) -> str:
    """The description of ``column`` of ``table`` ("" when there is none)."""
    return _SPECIFIC.get(table, {}).get(column) or _COMMON.get(column, "")
