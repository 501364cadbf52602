//! Domain state -> delivery report: ids, fullUrls, references, `meta.profile` and
//! `meta.lastUpdated` exactly as the IG wants. Everything a chosen resource references is
//! included with it (PROTO-SNAPSHOT), the citizen always.
//!
//! ```
//! use ffbkit_sdk::builder::ReportBuilder;
//! use ffbkit_sdk::catalog::codes::*;
//! use ffbkit_sdk::domain::*;
//! let day = Date::parse("2025-03-03")?;
//! let citizen = Citizen::new(Cpr::parse("0101504321")?, "6a3a6c4d-6d8f-4b0c-9b8a-0d3c5a1e2f40")?;
//! let mut case = Case::new(citizen);
//! let request = ServiceRequest::new("SAG-1");
//! let spise = ThemeAssessment::new(Theme::ad(AdTema::Spise, Funktionsevneniveau::ModeratNedsatFunktionsevne)?, day);
//! case.gatherings.push(InformationGathering { id: Id::random(), service_request: request.id.clone(), at: day.at(10, 0), completed: true, themes: vec![spise.id.clone()], evaluation: None });
//! case.service_requests.push(request);
//! case.themes.push(spise);
//! let report = ReportBuilder::new(&case, day.at(16, 0)).all().build();
//! let outcome = ffbkit_sdk::validate::Validator::default_validator().validate_value(&report);
//! assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
//! # Ok::<(), ffbkit_sdk::domain::DomainError>(())
//! ```

use crate::catalog::{FFB_SYSTEM, KL_CARE_SOCIAL_SYSTEM};
use crate::domain::{Case, CarePlan, DateTime, Id, PlanStatus, Registration, Theme};
use crate::profile::{ext, fixed, Profile, DELIVERY_REPORT_URL};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Builds one delivery report from a case.
pub struct ReportBuilder<'c> {
    case: &'c Case,
    timestamp: DateTime,
    chosen: BTreeSet<Id>,
}

fn coding(system: &str, code: &str) -> Value {
    json!({"coding": [{"system": system, "code": code}]})
}

fn reference(rt: &str, id: &Id) -> Value {
    json!({"reference": format!("{rt}/{id}")})
}

fn ranked(id: &Id, rank: u8) -> Value {
    json!({"extension": [{"url": ext::CONDITION_RANK, "valuePositiveInt": rank}], "reference": format!("Condition/{id}")})
}

impl<'c> ReportBuilder<'c> {
    /// A report of `case` stamped `timestamp` (also each resource's `meta.lastUpdated`).
    pub fn new(case: &'c Case, timestamp: DateTime) -> Self {
        ReportBuilder { case, timestamp, chosen: BTreeSet::new() }
    }

    /// Include a resource (by id) and, when the report is built, all it references.
    pub fn include(mut self, id: &Id) -> Self {
        self.chosen.insert(id.clone());
        self
    }

    /// Include every resource of the case.
    pub fn all(mut self) -> Self {
        let c = self.case;
        let ids = c.service_requests.iter().map(|x| &x.id)
            .chain(c.gatherings.iter().map(|x| &x.id))
            .chain(c.themes.iter().map(|x| &x.id))
            .chain(c.target_groups.iter().map(|x| &x.id))
            .chain(c.goals.iter().map(|x| &x.id))
            .chain(c.evaluations.iter().map(|x| &x.id))
            .chain(c.care_plans.iter().map(|x| &x.id))
            .chain(c.interventions.iter().map(|x| &x.id))
            .chain(c.follow_ups.iter().map(|x| &x.id));
        self.chosen.extend(ids.cloned());
        self
    }

    /// The chosen resources and everything they reference.
    fn closure(&self) -> BTreeSet<Id> {
        let c = self.case;
        let mut set = self.chosen.clone();
        loop {
            let mut add: Vec<Id> = Vec::new();
            for g in c.gatherings.iter().filter(|g| set.contains(&g.id)) {
                add.push(g.service_request.clone());
                add.extend(g.themes.iter().cloned());
                add.extend(g.evaluation.iter().cloned());
            }
            for p in c.care_plans.iter().filter(|p| set.contains(&p.id)) {
                add.extend(p.primary_target_group.iter().cloned());
                add.extend(p.secondary_target_groups.iter().cloned());
                add.extend(p.goals.iter().cloned());
                add.extend(p.evaluation.iter().cloned());
            }
            for g in c.goals.iter().filter(|g| set.contains(&g.id)) {
                add.push(g.primary.clone());
                add.extend(g.secondary.iter().cloned());
            }
            for i in c.interventions.iter().filter(|i| set.contains(&i.id)) {
                add.push(i.care_plan.clone());
            }
            for f in c.follow_ups.iter().filter(|f| set.contains(&f.id)) {
                add.push(f.care_plan.clone());
            }
            let before = set.len();
            set.extend(add);
            if set.len() == before {
                return set;
            }
        }
    }

    fn meta(&self, p: Profile) -> Value {
        json!({"profile": [p.url()], "lastUpdated": self.timestamp.as_str()})
    }

    /// The report as FHIR JSON.
    pub fn build(&self) -> Value {
        let c = self.case;
        let set = self.closure();
        let pid = &c.citizen.id;
        let subject = reference("Patient", pid);
        let mut res: Vec<Value> = vec![json!({"resourceType": "Patient", "id": pid.as_str(), "meta": self.meta(Profile::Citizen),
            "identifier": [{"use": "official", "system": fixed::CPR_SYSTEM, "value": c.citizen.cpr.digits()}],
            "managingOrganization": {"identifier": {"use": "official", "system": fixed::STS_ORG_SYSTEM, "value": c.citizen.municipality}}})];
        for r in c.service_requests.iter().filter(|x| set.contains(&x.id)) {
            res.push(json!({"resourceType": "ServiceRequest", "id": r.id.as_str(), "meta": self.meta(Profile::ServiceRequest),
                "extension": [case_number(&r.case_number)], "status": "active", "intent": "proposal", "subject": subject}));
        }
        for t in c.themes.iter().filter(|x| set.contains(&x.id)) {
            let withdrawn = t.registration == Registration::EnteredInError;
            let mut v = json!({"resourceType": "Condition", "id": t.id.as_str(), "meta": self.meta(Profile::Condition)});
            let o = v.as_object_mut().expect("object");
            if let Some(d) = t.last_asserted {
                o.insert("extension".into(), json!([{"url": ext::CONDITION_LAST_ASSERTED_DATE, "valueDateTime": d.to_string()}]));
            }
            // The profile requires clinicalStatus; a withdrawn theme keeps it (inactive) and
            // says entered-in-error in verificationStatus (see README: PROTO-ERROR).
            o.insert("clinicalStatus".into(), coding(fixed::CONDITION_CLINICAL, if withdrawn { "inactive" } else { "active" }));
            o.insert("verificationStatus".into(), coding(fixed::CONDITION_VER_STATUS, if withdrawn { "entered-in-error" } else { "confirmed" }));
            if let Theme::AktivitetOgDeltagelse(_, level) = t.theme {
                o.insert("severity".into(), coding(FFB_SYSTEM, level.code()));
            }
            o.insert("code".into(), coding(FFB_SYSTEM, t.theme.code()));
            o.insert("subject".into(), subject.clone());
            o.insert("recordedDate".into(), json!(t.recorded.to_string()));
            res.push(v);
        }
        for e in c.evaluations.iter().filter(|x| set.contains(&x.id)) {
            let status = if e.registration == Registration::EnteredInError { "entered-in-error" } else { "final" };
            res.push(json!({"resourceType": "Observation", "id": e.id.as_str(), "meta": self.meta(Profile::CareEvaluation), "status": status,
                "code": coding(KL_CARE_SOCIAL_SYSTEM, fixed::CARE_EVALUATION_CODE), "subject": subject,
                "effectiveDateTime": e.at.as_str(), "valueCodeableConcept": coding(FFB_SYSTEM, e.level.code())}));
        }
        for g in c.gatherings.iter().filter(|x| set.contains(&x.id)) {
            let mut v = json!({"resourceType": "ClinicalImpression", "id": g.id.as_str(), "meta": self.meta(Profile::InformationGathering),
                "extension": [{"url": ext::BASED_ON_SERVICE_REQUEST, "valueReference": reference("ServiceRequest", &g.service_request)}],
                "status": if g.completed { "completed" } else { "in-progress" }, "subject": subject, "effectiveDateTime": g.at.as_str()});
            let o = v.as_object_mut().expect("object");
            if let Some(e) = &g.evaluation {
                o.insert("investigation".into(), json!([{"code": coding(KL_CARE_SOCIAL_SYSTEM, fixed::CARE_EVALUATION_CODE), "item": [reference("Observation", e)]}]));
            }
            if !g.themes.is_empty() {
                o.insert("finding".into(), json!(g.themes.iter().map(|t| json!({"itemReference": reference("Condition", t)})).collect::<Vec<_>>()));
            }
            res.push(v);
        }
        for g in c.goals.iter().filter(|x| set.contains(&x.id)) {
            let mut addresses = vec![ranked(&g.primary, 1)];
            addresses.extend(g.secondary.iter().map(|s| ranked(s, 2)));
            res.push(json!({"resourceType": "Goal", "id": g.id.as_str(), "meta": self.meta(Profile::InterventionGoal), "lifecycleStatus": "active",
                "category": [coding(KL_CARE_SOCIAL_SYSTEM, fixed::GOAL_CATEGORY_CODE)],
                "description": coding(fixed::SNOMED, fixed::GOAL_DESCRIPTION_CODE), "subject": subject,
                "target": [
                    {"measure": coding(KL_CARE_SOCIAL_SYSTEM, fixed::MEASURE_SEVERITY), "detailCodeableConcept": coding(FFB_SYSTEM, g.expected.code())},
                    {"measure": coding(KL_CARE_SOCIAL_SYSTEM, fixed::MEASURE_CHANGE_VALUE), "detailCodeableConcept": coding(FFB_SYSTEM, g.maaltype.code())}],
                "addresses": addresses}));
        }
        for t in c.target_groups.iter().filter(|x| set.contains(&x.id)) {
            res.push(json!({"resourceType": "Condition", "id": t.id.as_str(), "meta": self.meta(Profile::TargetGroup),
                "clinicalStatus": coding(fixed::CONDITION_CLINICAL, "active"), "code": coding(FFB_SYSTEM, t.maalgruppe.code()),
                "subject": subject, "recordedDate": t.recorded.to_string()}));
        }
        let plans: Vec<&CarePlan> = c.care_plans.iter().filter(|x| set.contains(&x.id)).collect();
        for p in &plans {
            let team = Id::derived(&[p.id.as_str(), "tilbud", p.tilbud.code()]);
            res.push(json!({"resourceType": "CareTeam", "id": team.as_str(), "meta": self.meta(Profile::ServicePerformer),
                "category": [coding(FFB_SYSTEM, p.tilbud.code())], "subject": subject}));
            if let Some(day) = p.follow_up {
                let enc = Id::derived(&[p.id.as_str(), "follow-up", &day.to_string()]);
                res.push(json!({"resourceType": "Encounter", "id": enc.as_str(), "meta": self.meta(Profile::FollowUpEncounter), "status": "planned",
                    "class": {"system": fixed::V3_ACT_CODE, "code": "HH"}, "type": [coding(KL_CARE_SOCIAL_SYSTEM, fixed::FOLLOW_UP_ENCOUNTER_TYPE)],
                    "subject": subject, "period": {"start": day.to_string()}}));
            }
        }
        for p in &plans {
            res.push(self.care_plan(p, &subject));
        }
        for i in c.interventions.iter().filter(|x| set.contains(&x.id)) {
            let mut period = json!({"start": i.start.to_string()});
            if let Some(e) = i.end {
                period["end"] = json!(e.to_string());
            }
            let activity = match i.status {
                PlanStatus::Active => "in-progress",
                PlanStatus::Completed => "completed",
                PlanStatus::EnteredInError => "entered-in-error",
            };
            res.push(json!({"resourceType": "CarePlan", "id": i.id.as_str(), "meta": self.meta(Profile::Intervention),
                "basedOn": [reference("CarePlan", &i.care_plan)], "status": i.status.code(), "intent": "order", "subject": subject,
                "period": period, "created": i.created.as_str(),
                "activity": [{"detail": {"code": coding(FFB_SYSTEM, i.ydelse.code()), "status": activity}}]}));
        }
        for f in c.follow_ups.iter().filter(|x| set.contains(&x.id)) {
            let status = if f.registration == Registration::EnteredInError { "entered-in-error" } else { "final" };
            res.push(json!({"resourceType": "Observation", "id": f.id.as_str(), "meta": self.meta(Profile::FollowUp), "status": status,
                "code": coding(fixed::SNOMED, fixed::FOLLOW_UP_CODE), "subject": subject, "focus": [reference("CarePlan", &f.care_plan)],
                "effectiveDateTime": f.day.to_string(), "valueCodeableConcept": coding(FFB_SYSTEM, f.result.code())}));
        }
        let entries: Vec<Value> = res
            .into_iter()
            .map(|r| json!({"fullUrl": format!("{}/{}", r["resourceType"].as_str().unwrap_or(""), r["id"].as_str().unwrap_or("")), "resource": r}))
            .collect();
        // The same citizen and timestamp give the same Bundle id: a report made again is
        // recognisably the same report (the outbox's idempotency key).
        let bundle_id = Id::derived(&[pid.as_str(), "report", self.timestamp.as_str()]);
        json!({"resourceType": "Bundle", "id": bundle_id.as_str(), "meta": {"profile": [DELIVERY_REPORT_URL], "lastUpdated": self.timestamp.as_str()},
            "type": "collection", "timestamp": self.timestamp.as_str(), "entry": entries})
    }

    fn care_plan(&self, p: &CarePlan, subject: &Value) -> Value {
        let mut exts = vec![case_number(&p.case_number)];
        if let Some(day) = p.follow_up {
            let enc = Id::derived(&[p.id.as_str(), "follow-up", &day.to_string()]);
            exts.push(json!({"url": ext::FOLLOW_UP_DATE, "valueReference": reference("Encounter", &enc)}));
        }
        let mut period = json!({"start": p.start.to_string()});
        if let Some(e) = p.end {
            period["end"] = json!(e.to_string());
        }
        let team = Id::derived(&[p.id.as_str(), "tilbud", p.tilbud.code()]);
        let mut v = json!({"resourceType": "CarePlan", "id": p.id.as_str(), "meta": self.meta(Profile::CarePlan), "extension": exts,
            "status": p.status.code(), "intent": "order", "subject": subject, "period": period, "careTeam": [reference("CareTeam", &team)]});
        let o = v.as_object_mut().expect("object");
        let mut addresses: Vec<Value> = p.primary_target_group.iter().map(|t| ranked(t, 1)).collect();
        addresses.extend(p.secondary_target_groups.iter().map(|t| ranked(t, 2)));
        if !addresses.is_empty() {
            o.insert("addresses".into(), json!(addresses));
        }
        if !p.goals.is_empty() {
            o.insert("goal".into(), json!(p.goals.iter().map(|g| reference("Goal", g)).collect::<Vec<_>>()));
        }
        if let Some(e) = &p.evaluation {
            o.insert("activity".into(), json!([{"outcomeReference": [reference("Observation", e)]}]));
        }
        v
    }
}

fn case_number(n: &str) -> Value {
    json!({"url": ext::MUNICIPALITY_CASE_NUMBER, "extension": [{"url": "municipalitySpecific", "valueIdentifier": {"use": "usual", "value": n}}]})
}
