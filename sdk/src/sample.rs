//! Seeded synthetic delivery reports for benchmarks, fuzzing seeds and tests: a whole § 85,
//! § 103/104 or § 107/108 case on the day it is granted, with every profile, random but
//! valid FFB content. Deterministic for a seed.
//!
//! ```
//! let r = ffbkit_sdk::sample::report(7, 0);
//! let o = ffbkit_sdk::validate::Validator::default_validator().validate_value(&r);
//! assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
//! ```

use crate::catalog::codes::{AdTema, FfTema, Funktionsevneniveau, Maaltype, Omgivelse, Stoettebehov};
use crate::catalog::{Catalog, FFB_SYSTEM, KL_CARE_SOCIAL_SYSTEM};
use crate::ids::Rng;
use crate::profile::{ext, fixed, Profile};
use serde_json::{json, Value};

/// 98 fictitious municipality STS organisation ids, stable across runs.
pub fn municipality(i: usize) -> String {
    let mut r = Rng::new(0xFFB0_0000 + (i % 98) as u64);
    r.uuid()
}

fn coding(system: &str, code: &str) -> Value {
    json!({"coding": [{"system": system, "code": code}]})
}

fn reference(rt: &str, id: &str) -> Value {
    json!({"reference": format!("{rt}/{id}")})
}

fn meta(p: Profile, when: &str) -> Value {
    json!({"profile": [p.url()], "lastUpdated": when})
}

fn ranked(rt: &str, id: &str, rank: u8) -> Value {
    json!({"extension": [{"url": ext::CONDITION_RANK, "valuePositiveInt": rank}], "reference": format!("{rt}/{id}")})
}

/// Tilbud and the ydelser each can deliver (by paragraph), for plausible cases.
const CASES: &[(&str, &[&str])] = &[
    // Mobilt tilbud: socialpædagogisk støtte (§ 85)
    (
        "d90f4da6-f87a-43b5-833f-646b4baf16d6",
        &[
            "638f44df-6bf2-47f8-9935-b8fdc83e5bf5",
            "d473dea2-4f6d-4f36-a8f0-260f0213f50a",
            "05cd5e81-1a3a-4bdd-901b-7ec96c12d990",
            "3c1639d0-e486-43c6-8add-448b8aff4b8f",
            "0886a1b6-4a3a-47e5-9c97-066270529e4f",
        ],
    ),
    // Aktivitets- og samværstilbud (§ 104)
    (
        "9401777d-bdc5-4f52-9804-63c8cae9a792",
        &[
            "7e419926-bb04-4829-99c9-95ea20403c2c",
            "66e23d66-1c5f-4070-bed1-8827cc863dcd",
            "f25674bf-3162-45c3-bde4-6d542bf9629b",
            "be5d5058-ef06-42a9-b894-51e44513e717",
        ],
    ),
    // Beskyttet beskæftigelsestilbud (§ 103)
    (
        "a0fb02a2-367c-48bc-bacd-92e49a861a4c",
        &["55b77d7c-afce-4269-9232-7731ab1ef4fc", "fb3d8722-90e0-4a80-ba65-490617ffeb0f", "c429b7a9-5085-472b-b118-a21ca90f769f"],
    ),
    // Almindeligt længerevarende botilbud (§ 108)
    (
        "498fe92c-d7f7-41cd-9404-5b38fe113be0",
        &["5af56051-8413-4115-aaa2-83a0767e1137", "638f44df-6bf2-47f8-9935-b8fdc83e5bf5", "72272d03-1774-4a14-b598-5f19b5eac83f"],
    ),
    // Midlertidigt botilbud (§ 107)
    (
        "25de7444-3919-4dab-b844-8cec6c15f30e",
        &["80aa8ea7-4ad8-405f-876a-4c0f89fde06a", "ad7755d2-11bf-468d-958b-2f0c8d9c3742", "e7c8b42e-b882-4629-8e03-65e44b1aa3e3"],
    ),
];

/// Sample report number `index` for `seed`: one citizen's day of granting.
pub fn report(seed: u64, index: u64) -> Value {
    let mut r = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(index));
    let catalog = Catalog::embedded();
    let day = 1 + r.below(28);
    let month = 1 + r.below(12);
    let date = format!("2025-{month:02}-{day:02}");
    let when = format!("{date}T{:02}:{:02}:00+01:00", 8 + r.below(10), r.below(60));
    let pid = r.uuid();
    let mut res: Vec<Value> = Vec::new();
    res.push(json!({"resourceType": "Patient", "id": pid, "meta": meta(Profile::Citizen, &when),
        "identifier": [{"use": "official", "system": fixed::CPR_SYSTEM, "value": r.cpr()}],
        "managingOrganization": {"identifier": {"use": "official", "system": fixed::STS_ORG_SYSTEM, "value": municipality(r.below(98))}}}));
    let sr = r.uuid();
    let case_no = format!("SAG-2025-{:05}", r.below(100_000));
    let case_ext = json!({"url": ext::MUNICIPALITY_CASE_NUMBER, "extension": [{"url": "municipalitySpecific", "valueIdentifier": {"system": "https://sag.example.dk", "value": case_no}}]});
    res.push(json!({"resourceType": "ServiceRequest", "id": sr, "meta": meta(Profile::ServiceRequest, &when),
        "extension": [case_ext.clone()], "status": "active", "intent": "proposal", "subject": reference("Patient", &pid)}));
    let subject = reference("Patient", &pid);
    let condition = |r: &mut Rng, code: &str, severity: Option<&str>| -> (String, Value) {
        let id = r.uuid();
        let mut c = json!({"resourceType": "Condition", "id": id, "meta": meta(Profile::Condition, &when),
            "clinicalStatus": coding(fixed::CONDITION_CLINICAL, "active"),
            "verificationStatus": coding(fixed::CONDITION_VER_STATUS, "confirmed"),
            "code": coding(FFB_SYSTEM, code), "subject": subject, "recordedDate": date});
        if let Some(s) = severity {
            c.as_object_mut().unwrap().insert("severity".into(), coding(FFB_SYSTEM, s));
        }
        (id, c)
    };
    let ff_themes: Vec<FfTema> =
        FfTema::ALL.iter().copied().filter(|t| catalog.value_set("KLConditionFFCodesFFB").is_some_and(|v| v.contains(t.code()))).collect();
    let ad_themes: Vec<AdTema> =
        AdTema::ALL.iter().copied().filter(|t| catalog.value_set("KLConditionADCodesFFB").is_some_and(|v| v.contains(t.code()))).collect();
    let om_themes: Vec<Omgivelse> = Omgivelse::ALL
        .iter()
        .copied()
        .filter(|t| catalog.value_set("KLConditionOCodesFFB").is_some_and(|v| v.contains(t.code())))
        .collect();
    let mut findings = Vec::new();
    for _ in 0..r.between(2, 8) {
        let theme = *r.pick(&ff_themes);
        let (id, c) = condition(&mut r, theme.code(), None);
        findings.push(id);
        res.push(c);
    }
    if r.below(2) == 0 {
        let theme = *r.pick(&om_themes);
        let (id, c) = condition(&mut r, theme.code(), None);
        findings.push(id);
        res.push(c);
    }
    let mut ad_ids = Vec::new();
    for _ in 0..r.between(2, 8) {
        let level = Funktionsevneniveau::from_score(r.between(1, 4) as u8).unwrap();
        let theme = *r.pick(&ad_themes);
        let (id, c) = condition(&mut r, theme.code(), Some(level.code()));
        findings.push(id.clone());
        ad_ids.push(id);
        res.push(c);
    }
    let eval = r.uuid();
    let stoette = Stoettebehov::from_level(r.between(0, 4) as u8).unwrap();
    res.push(json!({"resourceType": "Observation", "id": eval, "meta": meta(Profile::CareEvaluation, &when), "status": "final",
        "code": coding(KL_CARE_SOCIAL_SYSTEM, fixed::CARE_EVALUATION_CODE), "subject": subject,
        "effectiveDateTime": when, "valueCodeableConcept": coding(FFB_SYSTEM, stoette.code())}));
    res.push(json!({"resourceType": "ClinicalImpression", "id": r.uuid(), "meta": meta(Profile::InformationGathering, &when),
        "extension": [{"url": ext::BASED_ON_SERVICE_REQUEST, "valueReference": reference("ServiceRequest", &sr)}],
        "status": "completed", "subject": subject, "effectiveDateTime": when,
        "investigation": [{"code": coding(KL_CARE_SOCIAL_SYSTEM, fixed::CARE_EVALUATION_CODE), "item": [reference("Observation", &eval)]}],
        "finding": findings.iter().map(|id| json!({"itemReference": reference("Condition", id)})).collect::<Vec<_>>()}));
    let mut goals = Vec::new();
    for _ in 0..r.between(1, 3).min(ad_ids.len()) {
        let gid = r.uuid();
        let primary = r.below(ad_ids.len());
        let mut addresses = vec![ranked("Condition", &ad_ids[primary], 1)];
        for (i, id) in ad_ids.iter().enumerate() {
            if i != primary && r.below(3) == 0 {
                addresses.push(ranked("Condition", id, 2));
            }
        }
        let target_level = Funktionsevneniveau::from_score(r.between(0, 3) as u8).unwrap();
        let maaltype = *r.pick(Maaltype::ALL);
        res.push(json!({"resourceType": "Goal", "id": gid, "meta": meta(Profile::InterventionGoal, &when), "lifecycleStatus": "active",
            "category": [coding(KL_CARE_SOCIAL_SYSTEM, fixed::GOAL_CATEGORY_CODE)],
            "description": coding(fixed::SNOMED, fixed::GOAL_DESCRIPTION_CODE), "subject": subject,
            "target": [
                {"measure": coding(KL_CARE_SOCIAL_SYSTEM, fixed::MEASURE_SEVERITY), "detailCodeableConcept": coding(FFB_SYSTEM, target_level.code())},
                {"measure": coding(KL_CARE_SOCIAL_SYSTEM, fixed::MEASURE_CHANGE_VALUE), "detailCodeableConcept": coding(FFB_SYSTEM, maaltype.code())}],
            "addresses": addresses}));
        goals.push(gid);
    }
    let tg_set = catalog.value_set("KLTargetGroupsFFB").expect("value set");
    let mut tgs = Vec::new();
    for k in 0..r.between(1, 3) {
        let id = r.uuid();
        let code = &tg_set.members()[r.below(tg_set.len())].1;
        res.push(json!({"resourceType": "Condition", "id": id, "meta": meta(Profile::TargetGroup, &when),
            "clinicalStatus": coding(fixed::CONDITION_CLINICAL, "active"), "code": coding(FFB_SYSTEM, code), "subject": subject, "recordedDate": date}));
        tgs.push(ranked("Condition", &id, if k == 0 { 1 } else { 2 }));
    }
    let (tilbud, ydelser) = r.pick(CASES);
    let team = r.uuid();
    res.push(json!({"resourceType": "CareTeam", "id": team, "meta": meta(Profile::ServicePerformer, &when),
        "category": [coding(FFB_SYSTEM, tilbud)], "subject": subject}));
    let enc = r.uuid();
    res.push(json!({"resourceType": "Encounter", "id": enc, "meta": meta(Profile::FollowUpEncounter, &when), "status": "planned",
        "class": {"system": fixed::V3_ACT_CODE, "code": "HH"}, "type": [coding(KL_CARE_SOCIAL_SYSTEM, fixed::FOLLOW_UP_ENCOUNTER_TYPE)],
        "subject": subject, "period": {"start": format!("2026-{month:02}-{day:02}")}}));
    let plan = r.uuid();
    res.push(json!({"resourceType": "CarePlan", "id": plan, "meta": meta(Profile::CarePlan, &when),
        "extension": [case_ext, {"url": ext::FOLLOW_UP_DATE, "valueReference": reference("Encounter", &enc)}],
        "status": "active", "intent": "order", "subject": subject, "period": {"start": date},
        "careTeam": [reference("CareTeam", &team)], "addresses": tgs,
        "goal": goals.iter().map(|g| reference("Goal", g)).collect::<Vec<_>>(),
        "activity": [{"outcomeReference": [reference("Observation", &eval)]}]}));
    for _ in 0..r.between(1, ydelser.len()) {
        let y = r.pick(ydelser);
        res.push(json!({"resourceType": "CarePlan", "id": r.uuid(), "meta": meta(Profile::Intervention, &when),
            "basedOn": [reference("CarePlan", &plan)], "status": "active", "intent": "order", "subject": subject,
            "period": {"start": date}, "created": when,
            "activity": [{"detail": {"code": coding(FFB_SYSTEM, y), "status": "in-progress"}}]}));
    }
    let entries: Vec<Value> = res
        .into_iter()
        .map(|x| {
            let full = format!("{}/{}", x["resourceType"].as_str().unwrap(), x["id"].as_str().unwrap());
            json!({"fullUrl": full, "resource": x})
        })
        .collect();
    json!({"resourceType": "Bundle", "id": r.uuid(), "meta": {"profile": [crate::profile::DELIVERY_REPORT_URL], "lastUpdated": when},
        "type": "collection", "timestamp": when, "entry": entries})
}

#[cfg(test)]
mod tests {
    #[test]
    fn many_samples_are_valid_and_deterministic() {
        let v = crate::validate::Validator::default_validator();
        for i in 0..200 {
            let r = super::report(42, i);
            let o = v.validate_value(&r);
            assert!(o.diagnostics.is_empty(), "sample {i}: {:#?}", o.diagnostics);
        }
        assert_eq!(super::report(1, 5), super::report(1, 5));
        assert_ne!(super::report(1, 5), super::report(2, 5));
    }
}
