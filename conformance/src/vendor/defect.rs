//! Faulty variants of the reference vendor: each [`Defect`] is one realistic mistake a
//! fagsystem makes, either in how it maps its case data to the domain (applied in
//! [`super::system`]) or in the report JSON it sends (applied here, after the planner).
//!
//! `expected_failures` lists the requirement ids the harness must fail the defect on (on
//! the embedded suite; it may fail on more, as a gap in the accepted stream has knock-on
//! findings): GW ids by the validator on every report, PROTO/DST ids by the stream audit
//! on the reports the gateway accepts, or by a failed `VUM-*` check whose expectation
//! stands for the rule (`StepCheck::failed_rules`). PROTO-GOAL-CONTEXT and DST-SCOPE are
//! found only the last way: a report that breaks them and that the gateway accepts is not
//! possible (GW-REF) or not recognisable (a § 83 ydelse under an FFB code).

use ffbkit_sdk::audit::AuditRuleId;
use ffbkit_sdk::catalog::codes::Stoettebehov;
use ffbkit_sdk::catalog::{Catalog, FFB_SYSTEM};
use ffbkit_sdk::domain::{Date, Id};
use ffbkit_sdk::profile::{ext, Profile};
use ffbkit_sdk::rules::{AnyRuleId, RuleId};
use serde_json::{json, Value};

/// One realistic defect of a vendor system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// Follow-ups without a new støttebehov assessment when it is unchanged.
    ForgetsStoettebehovAtFollowUp,
    /// A ydelse's end is applied (and reported) only the day after it ended.
    EndDateReportedLate,
    /// After a gap, the missed days are sent as one report.
    TwoDaysInOneReport,
    /// Themes get a new resource id in every report.
    NewIdsEveryReport,
    /// A changed grant is an edit of the care plan under its old id, no new gathering.
    KeepsPlanIdOnNewGrant,
    /// A re-assessed theme gets its new score without the last-asserted date.
    ReassessWithoutLastAsserted,
    /// A wrong registration is deleted (no longer sent) instead of withdrawn.
    DeletesInsteadOfWithdrawing,
    /// The day's changes are reported only with the next delivery.
    ReportsADayLate,
    /// A § 83 ydelse is mapped to an FFB ydelse and reported.
    ReportsParagraf83AsFfb,
    /// Care plans are sent as intent `plan`, without målgrupper.
    GrantsWithoutMaalgruppe,
    /// Funktioner og forhold themes are not reported.
    OmitsFfThemes,
    /// Aktivitet og deltagelse themes (and so the goals on them) are not reported.
    OmitsAdThemes,
    /// Goals (indsatsmål with måltype) are not reported.
    OmitsGoals,
    /// A goal is sent without the themes it addresses when they did not change.
    OmitsGoalConditions,
    /// A newly recorded theme is sent without the information gathering that holds it.
    NewThemeWithoutGathering,
    /// A funktionsevnescore on a Funktioner og forhold theme.
    ScoresFfTheme,
    /// The municipality's kommunekode instead of its STS organisation UUID.
    WrongStsIdentifier,
    /// Care plans without their follow-up date.
    MissingFollowUpDate,
    /// Goals carry the vendor's local ids, not UUIDs.
    LocalIds,
    /// A theme is sent twice in one report.
    SendsResourceTwice,
    /// The caseworker's notes are sent as free text.
    FreeTextNotes,
    /// Every støttebehov assessment is sent as «Ikke vurderet».
    StoettebehovIkkeVurderet,
}

const ALL: &[Defect] = &[
    Defect::ForgetsStoettebehovAtFollowUp,
    Defect::EndDateReportedLate,
    Defect::TwoDaysInOneReport,
    Defect::NewIdsEveryReport,
    Defect::KeepsPlanIdOnNewGrant,
    Defect::ReassessWithoutLastAsserted,
    Defect::DeletesInsteadOfWithdrawing,
    Defect::ReportsADayLate,
    Defect::ReportsParagraf83AsFfb,
    Defect::GrantsWithoutMaalgruppe,
    Defect::OmitsFfThemes,
    Defect::OmitsAdThemes,
    Defect::OmitsGoals,
    Defect::OmitsGoalConditions,
    Defect::NewThemeWithoutGathering,
    Defect::ScoresFfTheme,
    Defect::WrongStsIdentifier,
    Defect::MissingFollowUpDate,
    Defect::LocalIds,
    Defect::SendsResourceTwice,
    Defect::FreeTextNotes,
    Defect::StoettebehovIkkeVurderet,
];

impl Defect {
    /// Every defect.
    pub fn all() -> &'static [Defect] {
        ALL
    }

    /// The defect with a kebab-case name.
    pub fn from_name(name: &str) -> Option<Defect> {
        ALL.iter().copied().find(|d| d.name() == name)
    }

    /// Kebab-case name.
    pub fn name(&self) -> &'static str {
        match self {
            Defect::ForgetsStoettebehovAtFollowUp => "forgets-stoettebehov-at-follow-up",
            Defect::EndDateReportedLate => "end-date-reported-late",
            Defect::TwoDaysInOneReport => "two-days-in-one-report",
            Defect::NewIdsEveryReport => "new-ids-every-report",
            Defect::KeepsPlanIdOnNewGrant => "keeps-plan-id-on-new-grant",
            Defect::ReassessWithoutLastAsserted => "reassess-without-last-asserted",
            Defect::DeletesInsteadOfWithdrawing => "deletes-instead-of-withdrawing",
            Defect::ReportsADayLate => "reports-a-day-late",
            Defect::ReportsParagraf83AsFfb => "reports-paragraf-83-as-ffb",
            Defect::GrantsWithoutMaalgruppe => "grants-without-maalgruppe",
            Defect::OmitsFfThemes => "omits-ff-themes",
            Defect::OmitsAdThemes => "omits-ad-themes",
            Defect::OmitsGoals => "omits-goals",
            Defect::OmitsGoalConditions => "omits-goal-conditions",
            Defect::NewThemeWithoutGathering => "new-theme-without-gathering",
            Defect::ScoresFfTheme => "scores-ff-theme",
            Defect::WrongStsIdentifier => "wrong-sts-identifier",
            Defect::MissingFollowUpDate => "missing-follow-up-date",
            Defect::LocalIds => "local-ids",
            Defect::SendsResourceTwice => "sends-resource-twice",
            Defect::FreeTextNotes => "free-text-notes",
            Defect::StoettebehovIkkeVurderet => "stoettebehov-ikke-vurderet",
        }
    }

    /// What the vendor does wrong, in one sentence.
    pub fn description(&self) -> &'static str {
        match self {
            Defect::ForgetsStoettebehovAtFollowUp => {
                "At a follow-up with an unchanged støttebehov, no new (dated) støttebehov assessment is registered."
            }
            Defect::EndDateReportedLate => {
                "A nightly job applies a ydelse's end the day after, so the end date is first reported a day (or more) late."
            }
            Defect::TwoDaysInOneReport => "After days without reporting, the missed days' changes are sent as one report.",
            Defect::NewIdsEveryReport => "Themes are exported with a new resource id in every report instead of a stable one.",
            Defect::KeepsPlanIdOnNewGrant => {
                "A changed grant edits the care plan in place (same id, new tilbud or målgrupper) without a new information gathering."
            }
            Defect::ReassessWithoutLastAsserted => "A re-assessed theme gets its new score, but the last-asserted date is not set.",
            Defect::DeletesInsteadOfWithdrawing => {
                "A wrong registration is deleted in the system and simply no longer sent, instead of re-sent as entered-in-error."
            }
            Defect::ReportsADayLate => {
                "The reporting job runs before the day's registrations are done, so each day's changes go out with the next delivery."
            }
            Defect::ReportsParagraf83AsFfb => {
                "A § 83 ydelse (outside FFB) is mapped to the FFB ydelse «Støtte til personlig hygiejne» and reported."
            }
            Defect::GrantsWithoutMaalgruppe => {
                "Grants are sent as care plans with intent plan and without målgrupper, so ydelser lack their FFB målgruppe."
            }
            Defect::OmitsFfThemes => "Funktioner og forhold themes are kept out of the reports.",
            Defect::OmitsAdThemes => "Aktivitet og deltagelse themes, and so the goals on them, are kept out of the reports.",
            Defect::OmitsGoals => "Indsatsmål (with their måltype) are kept out of the reports.",
            Defect::OmitsGoalConditions => "A goal is sent without the themes it addresses when those themes did not change that day.",
            Defect::NewThemeWithoutGathering => "A newly recorded theme is sent without the (changed) information gathering that holds it.",
            Defect::ScoresFfTheme => "A funktionsevnescore is sent on Funktioner og forhold themes too.",
            Defect::WrongStsIdentifier => {
                "The citizen's municipality is identified by its kommunekode (751) instead of its KOMBIT STS organisation UUID."
            }
            Defect::MissingFollowUpDate => "Care plans are sent without their follow-up date (opfølgningsdato).",
            Defect::LocalIds => "Goals carry the vendor's local database ids (maal-1, ...) instead of UUIDs.",
            Defect::SendsResourceTwice => "A theme is sent twice in the same report.",
            Defect::FreeTextNotes => "The caseworker's free-text notes are sent on the themes.",
            Defect::StoettebehovIkkeVurderet => {
                "Every støttebehov assessment is sent as «Ikke vurderet», which is not a støttebehov (seed 002, Figur 5.4: intet, let, moderat, højt, fuldstændigt)."
            }
        }
    }

    /// The requirement ids the harness must fail this defect on (on the embedded suite).
    pub fn expected_rules(&self) -> &'static [AnyRuleId] {
        use AnyRuleId::{Audit, Report};
        match self {
            Defect::ForgetsStoettebehovAtFollowUp => &[Audit(AuditRuleId::DstStoette)],
            Defect::EndDateReportedLate => &[Audit(AuditRuleId::ProtoEnded)],
            Defect::TwoDaysInOneReport => &[Audit(AuditRuleId::ProtoOneDay)],
            Defect::NewIdsEveryReport => &[Audit(AuditRuleId::ProtoIdStable)],
            Defect::KeepsPlanIdOnNewGrant => &[Audit(AuditRuleId::ProtoNewGathering)],
            Defect::ReassessWithoutLastAsserted => &[Audit(AuditRuleId::ProtoCondUpdate)],
            Defect::DeletesInsteadOfWithdrawing => &[Audit(AuditRuleId::ProtoError)],
            Defect::ReportsADayLate => &[Audit(AuditRuleId::ProtoDaily)],
            Defect::ReportsParagraf83AsFfb => &[Audit(AuditRuleId::DstScope)],
            Defect::GrantsWithoutMaalgruppe => &[Audit(AuditRuleId::DstTriple)],
            Defect::OmitsFfThemes => &[Audit(AuditRuleId::DstFf)],
            Defect::OmitsAdThemes => &[Audit(AuditRuleId::DstAd)],
            Defect::OmitsGoals => &[Audit(AuditRuleId::DstMaaltype)],
            Defect::OmitsGoalConditions => &[Report(RuleId::GwRef), Audit(AuditRuleId::ProtoGoalContext)],
            Defect::NewThemeWithoutGathering => &[Audit(AuditRuleId::ProtoSnapshot)],
            Defect::ScoresFfTheme => &[Report(RuleId::KlCondition1)],
            Defect::WrongStsIdentifier => &[Report(RuleId::GwCitizen)],
            Defect::MissingFollowUpDate => &[Report(RuleId::KlCarePlan1)],
            Defect::LocalIds => &[Report(RuleId::GwId)],
            Defect::SendsResourceTwice => &[Report(RuleId::GwId)],
            Defect::FreeTextNotes => &[Report(RuleId::GwClosed)],
            Defect::StoettebehovIkkeVurderet => &[Audit(AuditRuleId::DstStoette)],
        }
    }

    /// [`Defect::expected_rules`] as their `REQUIREMENTS.md` ids.
    pub fn expected_failures(&self) -> Vec<&'static str> {
        self.expected_rules().iter().map(|r| r.as_str()).collect()
    }

    /// Post-process one delivery's reports (day, report) of one citizen, as this vendor
    /// would send them.
    pub fn apply_to_delivery(&self, reports: Vec<(Date, Value)>) -> Vec<(Date, Value)> {
        match self {
            Defect::TwoDaysInOneReport if reports.len() > 1 => vec![merge(reports)],
            _ => reports
                .into_iter()
                .map(|(d, mut r)| {
                    self.apply_to_report(&mut r);
                    (d, r)
                })
                .collect(),
        }
    }

    fn apply_to_report(&self, r: &mut Value) {
        let catalog = Catalog::embedded();
        let in_set = |c: Option<&str>, vs: &str| c.is_some_and(|c| catalog.value_set(vs).is_some_and(|s| s.contains(c)));
        let day = r["timestamp"].as_str().and_then(|s| s.get(..10)).unwrap_or("").to_string();
        let entries = r["entry"].as_array_mut();
        let Some(entries) = entries else { return };
        let is = |e: &Value, p: Profile| ffbkit_sdk::report::profile_of(&e["resource"]) == Some(p);
        let theme_code = |e: &Value| e["resource"].pointer("/code/coding/0/code").and_then(Value::as_str).map(str::to_string);
        match self {
            Defect::ScoresFfTheme => {
                for e in
                    entries.iter_mut().filter(|e| is(e, Profile::Condition) && in_set(theme_code(e).as_deref(), "KLConditionFFCodesFFB"))
                {
                    insert_before(
                        &mut e["resource"],
                        "code",
                        "severity",
                        json!({"coding": [{"system": FFB_SYSTEM, "code": "5bdde847-2837-416b-ab63-bbff8b7aa531"}]}),
                    );
                }
            }
            Defect::WrongStsIdentifier => {
                for e in entries.iter_mut().filter(|e| is(e, Profile::Citizen)) {
                    e["resource"]["managingOrganization"]["identifier"]["value"] = json!("751");
                }
            }
            Defect::MissingFollowUpDate => {
                entries.retain(|e| !is(e, Profile::FollowUpEncounter));
                for e in entries.iter_mut().filter(|e| is(e, Profile::CarePlan)) {
                    if let Some(x) = e["resource"]["extension"].as_array_mut() {
                        x.retain(|x| x["url"] != ext::FOLLOW_UP_DATE);
                    }
                }
            }
            Defect::SendsResourceTwice => {
                if let Some(dup) = entries.iter().find(|e| is(e, Profile::Condition)).cloned() {
                    entries.push(dup);
                }
            }
            Defect::StoettebehovIkkeVurderet => {
                for e in entries.iter_mut().filter(|e| is(e, Profile::CareEvaluation)) {
                    e["resource"]["valueCodeableConcept"]["coding"][0]["code"] = json!(Stoettebehov::IkkeVurderet.code());
                }
            }
            Defect::FreeTextNotes => {
                for e in entries.iter_mut().filter(|e| is(e, Profile::Condition)) {
                    e["resource"]["note"] = json!([{"text": "Borgeren fortæller selv, at det går bedre."}]);
                }
            }
            Defect::OmitsFfThemes => {
                let gone: Vec<String> = entries
                    .iter()
                    .filter(|e| is(e, Profile::Condition) && in_set(theme_code(e).as_deref(), "KLConditionFFCodesFFB"))
                    .map(key)
                    .collect();
                drop_resources(entries, &gone);
            }
            Defect::OmitsAdThemes => {
                let mut gone: Vec<String> = entries
                    .iter()
                    .filter(|e| is(e, Profile::Condition) && in_set(theme_code(e).as_deref(), "KLConditionADCodesFFB"))
                    .map(key)
                    .collect();
                gone.extend(entries.iter().filter(|e| is(e, Profile::InterventionGoal)).map(key));
                drop_resources(entries, &gone);
            }
            Defect::OmitsGoals => {
                let gone: Vec<String> = entries.iter().filter(|e| is(e, Profile::InterventionGoal)).map(key).collect();
                drop_resources(entries, &gone);
            }
            Defect::GrantsWithoutMaalgruppe => {
                let gone: Vec<String> = entries.iter().filter(|e| is(e, Profile::TargetGroup)).map(key).collect();
                entries.retain(|e| !gone.contains(&key(e)));
                for e in entries.iter_mut().filter(|e| is(e, Profile::CarePlan)) {
                    let o = e["resource"].as_object_mut().expect("object");
                    o.remove("addresses");
                    o.insert("intent".into(), json!("plan"));
                }
            }
            Defect::OmitsGoalConditions => {
                let addressed: Vec<String> = entries
                    .iter()
                    .filter(|e| is(e, Profile::InterventionGoal))
                    .flat_map(|e| e["resource"]["addresses"].as_array().cloned().unwrap_or_default())
                    .filter_map(|a| a["reference"].as_str().map(str::to_string))
                    .collect();
                let unchanged_today = |e: &Value| {
                    let r = &e["resource"];
                    r["recordedDate"].as_str().and_then(|s| s.get(..10)) != Some(day.as_str())
                        && r["extension"]
                            .as_array()
                            .is_none_or(|x| x.iter().all(|x| x["valueDateTime"].as_str().and_then(|s| s.get(..10)) != Some(day.as_str())))
                };
                entries.retain(|e| !(addressed.contains(&key(e)) && unchanged_today(e)));
            }
            Defect::NewThemeWithoutGathering => {
                let recorded_today = entries.iter().any(|e| {
                    is(e, Profile::Condition) && e["resource"]["recordedDate"].as_str().and_then(|s| s.get(..10)) == Some(day.as_str())
                });
                if recorded_today {
                    entries.retain(|e| !is(e, Profile::InformationGathering));
                }
            }
            Defect::LocalIds => {
                let goals: Vec<String> = entries
                    .iter()
                    .filter(|e| is(e, Profile::InterventionGoal))
                    .filter_map(|e| e["resource"]["id"].as_str().map(str::to_string))
                    .collect();
                let mut text = r.to_string();
                for (i, g) in goals.iter().enumerate() {
                    text = text.replace(g, &format!("maal-{}", i + 1));
                }
                *r = serde_json::from_str(&text).expect("still JSON");
            }
            Defect::NewIdsEveryReport => {
                let themes: Vec<String> = entries
                    .iter()
                    .filter(|e| is(e, Profile::Condition))
                    .filter_map(|e| e["resource"]["id"].as_str().map(str::to_string))
                    .collect();
                let mut text = r.to_string();
                for t in &themes {
                    text = text.replace(t, Id::derived(&[t, "export", &day]).as_str());
                }
                *r = serde_json::from_str(&text).expect("still JSON");
            }
            _ => {}
        }
    }
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn key(e: &Value) -> String {
    format!("{}/{}", e["resource"]["resourceType"].as_str().unwrap_or(""), e["resource"]["id"].as_str().unwrap_or(""))
}

fn insert_before(resource: &mut Value, before: &str, name: &str, value: Value) {
    if let Some(o) = resource.as_object_mut() {
        let old = std::mem::take(o);
        for (k, v) in old {
            if k == before {
                o.insert(name.to_string(), value.clone());
            }
            o.insert(k, v);
        }
    }
}

/// Drop resources and every reference to them (list items that are such references, and
/// list items that hold one, e.g. `finding[].itemReference`), so the report stays closed.
fn drop_resources(entries: &mut Vec<Value>, gone: &[String]) {
    if gone.is_empty() {
        return;
    }
    entries.retain(|e| !gone.contains(&key(e)));
    fn refers(v: &Value, gone: &[String]) -> bool {
        match v {
            Value::Object(o) => {
                o.get("reference").and_then(Value::as_str).is_some_and(|r| gone.iter().any(|g| g == r))
                    || o.get("itemReference").is_some_and(|x| refers(x, gone))
            }
            _ => false,
        }
    }
    fn walk(v: &mut Value, gone: &[String]) {
        match v {
            Value::Array(a) => {
                a.retain(|x| !refers(x, gone));
                a.iter_mut().for_each(|x| walk(x, gone));
            }
            Value::Object(o) => {
                o.values_mut().for_each(|x| walk(x, gone));
                let empty: Vec<String> =
                    o.iter().filter(|(_, x)| x.as_array().is_some_and(|a| a.is_empty())).map(|(k, _)| k.clone()).collect();
                for k in empty {
                    o.remove(&k);
                }
            }
            _ => {}
        }
    }
    for e in entries.iter_mut() {
        walk(&mut e["resource"], gone);
    }
}

/// Several days' reports as one: the latest version of each resource, stamped with the last day.
fn merge(reports: Vec<(Date, Value)>) -> (Date, Value) {
    let (last_day, mut last) = reports.last().cloned().expect("non-empty");
    let mut entries: Vec<Value> = Vec::new();
    for (_, r) in &reports {
        for e in r["entry"].as_array().into_iter().flatten() {
            let k = key(e);
            if let Some(pos) = entries.iter().position(|x| key(x) == k) {
                entries[pos] = e.clone();
            } else {
                entries.push(e.clone());
            }
        }
    }
    last["entry"] = Value::Array(entries);
    (last_day, last)
}
