//! The stream fixtures (`fixtures/streams/`): per PROTO and DST rule, streams that break it
//! and streams that satisfy it, made here with the domain model and the planner (plus a
//! targeted edit of the JSON where the defect cannot be expressed through the domain).
//!
//! - `every_stream_fixture_is_found_under_its_ids`: the audit of each file reports exactly
//!   the rule ids its index entry lists, those under `warnings` only with severity
//!   interpretation, and the gateway validator exactly the error ids listed under
//!   `gateway` (empty: every report is valid).
//! - `stream_fixtures_are_fresh`: the committed files are what this generator makes.
//!   Regenerate with `FFBKIT_REGENERATE=1 cargo test -p ffbkit-sdk --test tests audit_fixtures::`.

use ffbkit_sdk::audit::{audit_citizen, rule_ids};
use ffbkit_sdk::catalog::codes::*;
use ffbkit_sdk::domain::*;
use ffbkit_sdk::ids::Rng;
use ffbkit_sdk::planner::{change_grant_with_ids, Planner};
use ffbkit_sdk::sample::municipality;
use ffbkit_sdk::validate::{Severity, Validator};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/streams")
}

/// A citizen's journey being reported: the case, the planner, seeded ids, the reports.
struct Journey {
    case: Case,
    planner: Planner,
    rng: Rng,
    reports: Vec<Value>,
    d0: Date,
}

impl Journey {
    fn id(&mut self) -> Id {
        Id::seeded(&mut self.rng)
    }

    /// Report the case as it stands on `day` (nothing when nothing changed).
    fn report(&mut self, day: Date) {
        self.reports.extend(self.planner.plan_day(&self.case, day));
    }

    /// A follow-up of the (first) care plan on `day` with a støttebehov assessment of that
    /// day, the plan continued with the next follow-up date.
    fn follow_up(&mut self, day: Date) {
        let plan = self.case.care_plans[0].id.clone();
        let fid = self.id();
        self.case.follow_ups.push(FollowUpResult {
            id: fid,
            care_plan: plan,
            result: Opfoelgningsresultat::TraefAfgoerelseOmFortsaettelseAfIndsats,
            day,
            registration: Registration::Current,
        });
        let mut eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, day.at(10, 0));
        eval.id = self.id();
        self.case.care_plans[0].evaluation = Some(eval.id.clone());
        self.case.care_plans[0].follow_up = Some(day.plus_months(3));
        self.case.evaluations.push(eval);
    }

    fn theme(&mut self, theme: Theme, day: Date) -> Id {
        let mut t = ThemeAssessment::new(theme, day);
        t.id = self.id();
        let id = t.id.clone();
        self.case.themes.push(t);
        id
    }
}

/// A § 85 case granted on 2025-03-03 (one F&F and two A&D themes, a goal, a målgruppe, a
/// mobilt tilbud with one ydelse, a støttebehov assessment), reported that day; every id
/// drawn from `seed`.
fn granted(seed: u64) -> Journey {
    granted_with(seed, Date::parse("2025-03-03").unwrap(), Tilbud::MobiltTilbud, Ydelse::StoetteTilDagligeOpgaverIHjemmet)
}

fn granted_with(seed: u64, d0: Date, tilbud: Tilbud, ydelse: Ydelse) -> Journey {
    let mut rng = Rng::new(seed);
    let cpr = Cpr::parse(&rng.cpr()).unwrap();
    let mut citizen = Citizen::new(cpr, &municipality(rng.below(98))).unwrap();
    citizen.id = Id::seeded(&mut rng);
    let mut j = Journey { case: Case::new(citizen), planner: Planner::new(), rng, reports: Vec::new(), d0 };
    let mut request = ServiceRequest::new("SAG-2025-0042");
    request.id = j.id();
    let hukommelse = j.theme(Theme::ff(FfTema::Hukommelse).unwrap(), d0);
    let koebe_ind = j.theme(Theme::ad(AdTema::KoebeInd, Funktionsevneniveau::SvaertNedsatFunktionsevne).unwrap(), d0);
    let lave_mad = j.theme(Theme::ad(AdTema::LaveMad, Funktionsevneniveau::ModeratNedsatFunktionsevne).unwrap(), d0);
    let mut goal =
        Goal::new(Maaltype::UdvikleFunktionsevne, Funktionsevneniveau::LetNedsatFunktionsevne, &j.case.themes[1], &[&j.case.themes[2]])
            .unwrap();
    goal.id = j.id();
    let mut eval = SupportEvaluation::new(Stoettebehov::ModeratStoettebehov, d0.at(11, 0));
    eval.id = j.id();
    let mut angst = TargetGroup::new(Maalgruppe::Angst, d0).unwrap();
    angst.id = j.id();
    let mut plan = CarePlan::new("SAG-2025-0042", d0, tilbud).unwrap();
    plan.id = j.id();
    plan.primary_target_group = Some(angst.id.clone());
    plan.goals = vec![goal.id.clone()];
    plan.evaluation = Some(eval.id.clone());
    plan.follow_up = Some(d0.plus_months(3));
    let mut i = Intervention::new(&plan, ydelse, d0, d0.at(12, 0)).unwrap();
    i.id = j.id();
    let gid = j.id();
    j.case.gatherings.push(InformationGathering {
        id: gid,
        service_request: request.id.clone(),
        at: d0.at(10, 0),
        completed: true,
        themes: vec![hukommelse, koebe_ind, lave_mad],
        evaluation: Some(eval.id.clone()),
    });
    j.case.service_requests.push(request);
    j.case.goals.push(goal);
    j.case.evaluations.push(eval);
    j.case.target_groups.push(angst);
    j.case.care_plans.push(plan);
    j.case.interventions.push(i);
    j.report(d0);
    j
}

/// The granted case followed up three months later, with `change` applied before that
/// day's report.
fn followed_up(seed: u64, change: impl FnOnce(&mut Journey, Date)) -> Journey {
    let mut j = granted(seed);
    let fu = j.d0.plus_months(3);
    j.follow_up(fu);
    change(&mut j, fu);
    j.report(fu);
    j
}

/// The granted case with `change` applied before anything was reported: its first report
/// made again by a new planner.
fn replanned(seed: u64, change: impl FnOnce(&mut Journey)) -> Vec<Value> {
    let mut j = granted(seed);
    change(&mut j);
    let (case, d0) = (j.case.clone(), j.d0);
    Planner::new().plan_day(&case, d0).into_iter().collect()
}

/// Resources of a report, mutable.
fn resources(report: &mut Value) -> impl Iterator<Item = &mut Value> {
    report["entry"].as_array_mut().unwrap().iter_mut().map(|e| &mut e["resource"])
}

fn drop_entries(report: &mut Value, pred: impl Fn(&Value) -> bool) {
    let kept: Vec<Value> = report["entry"].as_array().unwrap().iter().filter(|e| !pred(&e["resource"])).cloned().collect();
    report["entry"] = Value::Array(kept);
}

fn profile_is(r: &Value, suffix: &str) -> bool {
    r["meta"]["profile"][0].as_str().is_some_and(|p| p.ends_with(suffix))
}

/// At the follow-up on `fu` (see [`Journey::follow_up`]), the grant changes: a new care plan
/// (activity og samvær) with a new ydelse, holding the follow-up's støttebehov assessment.
/// `old_holds_it`: the care plan followed up holds it too; otherwise it keeps the
/// assessment of the granting.
fn regrant_at_follow_up(j: &mut Journey, fu: Date, old_holds_it: bool) {
    let assessed = j.case.evaluations.last().unwrap().id.clone();
    if !old_holds_it {
        j.case.care_plans[0].evaluation = Some(j.case.evaluations[0].id.clone());
    }
    let old = j.case.care_plans[0].id.clone();
    let (pid, gid) = (j.id(), j.id());
    let new = change_grant_with_ids(&mut j.case, &old, fu, pid, gid, |p| {
        p.tilbud = Tilbud::AktivitetsOgSamvaerstilbud;
        p.evaluation = Some(assessed);
        p.follow_up = Some(fu.plus_months(3));
    })
    .unwrap();
    let plan = j.case.care_plans.iter().find(|p| p.id == new).unwrap().clone();
    let mut i = Intervention::new(&plan, Ydelse::SocialAktivitet, fu, fu.at(12, 0)).unwrap();
    i.id = j.id();
    j.case.interventions.push(i);
}

struct Fixture {
    file: &'static str,
    description: &'static str,
    rules: &'static [&'static str],
    /// The rules among `rules` found only as interpretations (warnings).
    warnings: &'static [&'static str],
    reports: Vec<Value>,
}

fn fx(file: &'static str, description: &'static str, rules: &'static [&'static str], reports: Vec<Value>) -> Fixture {
    Fixture { file, description, rules, warnings: &[], reports }
}

/// A fixture whose rules are all found as interpretations (warnings) only.
fn fx_warning(file: &'static str, description: &'static str, rules: &'static [&'static str], reports: Vec<Value>) -> Fixture {
    Fixture { file, description, rules, warnings: rules, reports }
}

/// Every stream fixture.
fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();

    // PROTO-DAILY
    out.push(fx(
        "proto-daily-ok-same-day.ndjson",
        "PROTO-DAILY satisfied: granting and follow-up each reported on their day",
        &[],
        followed_up(101, |_, _| {}).reports,
    ));
    out.push(fx(
        "proto-daily-late-assessment.ndjson",
        "PROTO-DAILY broken: a støttebehov assessment registered 2025-04-01 (meta.lastUpdated) first delivered on 2025-04-05",
        &["PROTO-DAILY"],
        {
            let mut j = granted(102);
            let day = Date::parse("2025-04-01").unwrap();
            let mut eval = SupportEvaluation::new(Stoettebehov::HoejtStoettebehov, day.at(10, 0));
            eval.id = j.id();
            j.case.care_plans[0].evaluation = Some(eval.id.clone());
            j.case.evaluations.push(eval);
            j.report(day.plus_days(4));
            // The source system stamps the change when it is registered, not when it is sent.
            for res in resources(&mut j.reports[1]) {
                res["meta"]["lastUpdated"] = json!("2025-04-01T10:00:00+02:00");
            }
            j.reports
        },
    ));

    // PROTO-ONE-DAY
    out.push(fx(
        "proto-one-day-ok-catch-up.ndjson",
        "PROTO-ONE-DAY satisfied: after a gap, one report per missed day (Planner::catch_up)",
        &[],
        {
            let mut j = granted(111);
            let (a, b) = (Date::parse("2025-04-01").unwrap(), Date::parse("2025-04-02").unwrap());
            let mut day_a = j.case.clone();
            day_a.themes[1].reassess(a, Some(Funktionsevneniveau::ModeratNedsatFunktionsevne));
            let mut day_b = day_a.clone();
            day_b.themes[2].reassess(b, Some(Funktionsevneniveau::LetNedsatFunktionsevne));
            let caught = j.planner.catch_up(&[(a, day_a), (b, day_b)]);
            j.reports.extend(caught.into_iter().map(|(_, r)| r));
            j.reports
        },
    ));
    out.push(fx(
        "proto-one-day-two-days.ndjson",
        "PROTO-ONE-DAY broken: the follow-up report carries a resource updated the day before",
        &["PROTO-ONE-DAY"],
        {
            let mut r = followed_up(112, |_, _| {}).reports;
            let r1 = &mut r[1];
            let lu = r1["timestamp"].as_str().unwrap().replace("2025-06-03", "2025-06-02");
            for res in resources(r1).filter(|x| x["resourceType"] == "Observation").take(1) {
                res["meta"]["lastUpdated"] = json!(lu);
            }
            r
        },
    ));

    // PROTO-SNAPSHOT
    out.push(fx(
        "proto-snapshot-ok-new-theme.ndjson",
        "PROTO-SNAPSHOT satisfied: a theme added at follow-up comes with its information gathering",
        &[],
        followed_up(121, |j, fu| {
            let t = j.theme(Theme::ff(FfTema::Orienteringsevne).unwrap(), fu);
            j.case.gatherings[0].themes.push(t);
        })
        .reports,
    ));
    out.push(fx(
        "proto-snapshot-theme-without-gathering.ndjson",
        "PROTO-SNAPSHOT broken: a theme added at follow-up is reported without the information gathering that now holds it",
        &["PROTO-SNAPSHOT"],
        {
            let mut r = followed_up(122, |j, fu| {
                let t = j.theme(Theme::ff(FfTema::Orienteringsevne).unwrap(), fu);
                j.case.gatherings[0].themes.push(t);
            })
            .reports;
            drop_entries(&mut r[1], |x| x["resourceType"] == "ClinicalImpression" || x["resourceType"] == "ServiceRequest");
            r
        },
    ));

    // PROTO-ID-STABLE
    out.push(fx(
        "proto-id-stable-ok-reassessed.ndjson",
        "PROTO-ID-STABLE satisfied: a re-assessed theme keeps its id",
        &[],
        followed_up(131, |j, fu| {
            j.case.themes[1].reassess(fu, Some(Funktionsevneniveau::ModeratNedsatFunktionsevne));
        })
        .reports,
    ));
    out.push(fx(
        "proto-id-stable-theme-new-id.ndjson",
        "PROTO-ID-STABLE broken: at follow-up the gathering swaps a theme for a new id with the same code (old id not withdrawn)",
        &["PROTO-ID-STABLE"],
        followed_up(132, |j, fu| {
            let t = j.theme(Theme::ad(AdTema::LaveMad, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap(), fu);
            let old = j.case.themes[2].id.clone();
            let g = &mut j.case.gatherings[0];
            g.themes.retain(|x| *x != old);
            g.themes.push(t.clone());
            // The goal takes up the new id too, so the theme is still worked on (DST-AD-INDSATS).
            j.case.goals[0].secondary.push(t);
        })
        .reports,
    ));
    out.push(fx_warning(
        "proto-id-stable-patient-new-id.ndjson",
        "PROTO-ID-STABLE broken (interpretation): the citizen's Patient id changes between reports",
        &["PROTO-ID-STABLE"],
        {
            let mut r = followed_up(133, |_, _| {}).reports;
            let old = r[1]["entry"][0]["resource"]["id"].as_str().unwrap().to_string();
            let text = r[1].to_string().replace(&old, "0b6f3c7e-2a59-4d0e-9c61-7f1e8a2d4b90");
            r[1] = serde_json::from_str(&text).unwrap();
            r
        },
    ));

    // PROTO-ERROR
    out.push(fx(
        "proto-error-ok-withdrawn.ndjson",
        "PROTO-ERROR satisfied: a wrong F&F theme is withdrawn (same id, entered-in-error) and the right one registered",
        &[],
        {
            let mut j = granted(141);
            let day = j.d0.succ();
            j.case.themes[0].registration = Registration::EnteredInError;
            let t = j.theme(Theme::ff(FfTema::Orienteringsevne).unwrap(), day);
            j.case.gatherings[0].themes.push(t);
            j.report(day);
            j.reports
        },
    ));
    out.push(fx(
        "proto-error-theme-vanishes.ndjson",
        "PROTO-ERROR broken: a theme disappears from its gathering without being withdrawn",
        &["PROTO-ERROR"],
        {
            let mut j = granted(142);
            let day = j.d0.succ();
            let gone = j.case.themes[2].id.clone();
            j.case.gatherings[0].themes.retain(|x| *x != gone);
            j.report(day);
            j.reports
        },
    ));
    out.push(fx_warning(
        "proto-error-withdrawn-still-active.ndjson",
        "PROTO-ERROR broken (interpretation): a withdrawn theme keeps clinicalStatus active (ffbkit's convention: inactive)",
        &["PROTO-ERROR"],
        {
            let mut j = granted(143);
            let day = j.d0.succ();
            j.case.themes[0].registration = Registration::EnteredInError;
            let t = j.theme(Theme::ff(FfTema::Orienteringsevne).unwrap(), day);
            j.case.gatherings[0].themes.push(t);
            j.report(day);
            for res in resources(&mut j.reports[1]).filter(|x| x["verificationStatus"]["coding"][0]["code"] == "entered-in-error") {
                res["clinicalStatus"]["coding"][0]["code"] = json!("active");
            }
            j.reports
        },
    ));

    // PROTO-COND-UPDATE
    out.push(fx(
        "proto-cond-update-ok.ndjson",
        "PROTO-COND-UPDATE satisfied: a re-assessed A&D theme keeps its code and sets its last-asserted date",
        &[],
        followed_up(151, |j, fu| {
            j.case.themes[1].reassess(fu, Some(Funktionsevneniveau::ModeratNedsatFunktionsevne));
        })
        .reports,
    ));
    out.push(fx(
        "proto-cond-update-code-changed.ndjson",
        "PROTO-COND-UPDATE broken: a re-assessed theme changes its FFB code and has no last-asserted date",
        &["PROTO-COND-UPDATE"],
        followed_up(152, |j, _| {
            j.case.themes[1].theme = Theme::ad(AdTema::Spise, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap();
        })
        .reports,
    ));

    // PROTO-NEW-GATHERING
    out.push(fx(
        "proto-new-gathering-ok.ndjson",
        "PROTO-NEW-GATHERING satisfied: a changed tilbud at follow-up makes a new gathering and care plan (planner::change_grant)",
        &[],
        followed_up(161, |j, fu| {
            let old = j.case.care_plans[0].id.clone();
            let (pid, gid) = (j.id(), j.id());
            let new = change_grant_with_ids(&mut j.case, &old, fu, pid, gid, |p| {
                p.tilbud = Tilbud::AktivitetsOgSamvaerstilbud;
                p.follow_up = Some(fu.plus_months(3));
            })
            .unwrap();
            let plan = j.case.care_plans.iter().find(|p| p.id == new).unwrap().clone();
            let mut i = Intervention::new(&plan, Ydelse::SocialAktivitet, fu, fu.at(12, 0)).unwrap();
            i.id = j.id();
            j.case.interventions.push(i);
        })
        .reports,
    ));
    out.push(fx(
        "proto-new-gathering-tilbud-in-place.ndjson",
        "PROTO-NEW-GATHERING broken: the care plan's tilbud changes under the same id",
        &["PROTO-NEW-GATHERING"],
        followed_up(162, |j, _| {
            j.case.care_plans[0].tilbud = Tilbud::AktivitetsOgSamvaerstilbud;
        })
        .reports,
    ));

    // PROTO-ENDED
    out.push(fx(
        "proto-ended-ok.ndjson",
        "PROTO-ENDED satisfied: a ydelse that ends on 2025-04-01 is reported that day with its end date",
        &[],
        {
            let mut j = granted(171);
            let day = Date::parse("2025-04-01").unwrap();
            j.case.interventions[0].end = Some(day);
            j.case.interventions[0].status = PlanStatus::Completed;
            j.report(day);
            j.reports
        },
    ));
    out.push(fx(
        "proto-ended-late.ndjson",
        "PROTO-ENDED broken: a ydelse that ended on 2025-04-01 is first reported ended at the follow-up",
        &["PROTO-ENDED"],
        followed_up(172, |j, _| {
            j.case.interventions[0].end = Some(Date::parse("2025-04-01").unwrap());
            j.case.interventions[0].status = PlanStatus::Completed;
        })
        .reports,
    ));

    // PROTO-GOAL-CONTEXT
    out.push(fx(
        "proto-goal-context-ok.ndjson",
        "PROTO-GOAL-CONTEXT satisfied: a changed goal is reported with the themes it addresses",
        &[],
        followed_up(181, |j, _| {
            j.case.goals[0].expected = Funktionsevneniveau::IngenNedsatFunktionsevne;
        })
        .reports,
    ));
    out.push(fx(
        "proto-goal-context-without-themes.ndjson",
        "PROTO-GOAL-CONTEXT broken: a changed goal is reported without the themes it addresses (the gateway rejects it: GW-REF)",
        &["PROTO-GOAL-CONTEXT"],
        {
            let mut r = followed_up(182, |j, _| {
                j.case.goals[0].expected = Funktionsevneniveau::IngenNedsatFunktionsevne;
            })
            .reports;
            drop_entries(&mut r[1], |x| profile_is(x, "kl-reporting-ffb-condition"));
            r
        },
    ));

    // DST-SCOPE
    out.push(fx(
        "dst-scope-ok-section-107.ndjson",
        "DST-SCOPE satisfied: Midlertidigt ophold (Serviceloven §§ 107, 109, 110) under a § 107 botilbud is in scope through § 107",
        &[],
        {
            granted_with(191, Date::parse("2025-03-03").unwrap(), Tilbud::MidlertidigtBotilbudTilVoksne, Ydelse::MidlertidigtOphold).reports
        },
    ));
    out.push(fx_warning("dst-scope-tilbud-outside.ndjson", "DST-SCOPE broken (interpretation): the tilbud is Botilbudslignende tilbud (Socialtilsynsloven § 4), outside FFB (the gateway rejects it: GW-BINDING)", &["DST-SCOPE"], {
        let mut r = granted(192).reports;
        for res in resources(&mut r[0]).filter(|x| x["resourceType"] == "CareTeam") {
            res["category"][0]["coding"][0]["code"] = json!(Tilbud::BotilbudslignendeTilbud.code());
        }
        r
    }));
    out.push(fx(
        "dst-scope-ydelse-not-ffb.ndjson",
        "DST-SCOPE broken: the ydelse code is a tilbud, not an FFB ydelse (the gateway rejects it: GW-BINDING)",
        &["DST-SCOPE"],
        {
            let mut r = granted(193).reports;
            for res in resources(&mut r[0]).filter(|x| profile_is(x, "kl-reporting-ffb-intervention")) {
                res["activity"][0]["detail"]["code"]["coding"][0]["code"] = json!(Tilbud::MobiltTilbud.code());
            }
            r
        },
    ));

    // DST-TRIPLE
    out.push(fx(
        "dst-triple-ok.ndjson",
        "DST-TRIPLE satisfied: a ydelse from 2025-03-03 with its målgruppe and tilbud",
        &[],
        granted(201).reports,
    ));
    out.push(fx(
        "dst-triple-no-target-group.ndjson",
        "DST-TRIPLE broken: a ydelse from 2025-03-03 under a (completed) care plan without målgruppe",
        &["DST-TRIPLE"],
        {
            let mut j = granted(202);
            j.case.care_plans[0].primary_target_group = None;
            j.case.care_plans[0].status = PlanStatus::Completed;
            j.case.care_plans[0].end = Some(j.d0);
            j.case.care_plans[0].follow_up = None;
            j.case.target_groups.clear();
            let (case, d0) = (j.case.clone(), j.d0);
            j.planner = Planner::new();
            j.reports.clear();
            j.reports.extend(j.planner.plan_day(&case, d0));
            j.reports
        },
    ));
    out.push(fx("dst-ok-before-2025.ndjson", "Decision: a ydelse that started before 2025-01-01 is not judged by DST-TRIPLE, and a citizen with only such ydelser not by DST-FF (no F&F theme here)", &[], {
        let mut j = granted_with(203, Date::parse("2024-11-04").unwrap(), Tilbud::MobiltTilbud, Ydelse::StoetteTilAdministration);
        j.case.themes[0].registration = Registration::EnteredInError;
        j.report(Date::parse("2024-11-05").unwrap());
        j.reports
    }));

    // DST-FF
    out.push(fx("dst-ff-ok.ndjson", "DST-FF satisfied: a dated Funktioner og forhold theme (Hukommelse)", &[], granted(211).reports));
    out.push(fx(
        "dst-ff-withdrawn.ndjson",
        "DST-FF broken: the only F&F theme is withdrawn (withdrawn data counts for nothing)",
        &["DST-FF"],
        {
            let mut j = granted(212);
            j.case.themes[0].registration = Registration::EnteredInError;
            j.report(j.d0.succ());
            j.reports
        },
    ));

    // DST-AD
    out.push(fx("dst-ad-ok.ndjson", "DST-AD satisfied: A&D themes, each dated and scored", &[], followed_up(221, |_, _| {}).reports));
    out.push(fx(
        "dst-ad-without-score.ndjson",
        "DST-AD broken: an A&D theme without funktionsevnevurdering (the gateway rejects it: kl-reporting-ffb-condition-1)",
        &["DST-AD"],
        {
            let mut r = granted(222).reports;
            for res in resources(&mut r[0]).filter(|x| x["code"]["coding"][0]["code"] == AdTema::LaveMad.code()) {
                res.as_object_mut().unwrap().remove("severity");
            }
            r
        },
    ));

    out.push(fx_warning(
        "dst-ad-ikke-vurderet.ndjson",
        "DST-AD broken (interpretation): every A&D theme is scored «Ikke vurderet», which is not a funktionsevnevurdering",
        &["DST-AD"],
        replanned(225, |j| {
            for t in j.case.themes.iter_mut() {
                if let Theme::AktivitetOgDeltagelse(tema, _) = t.theme {
                    t.theme = Theme::ad(tema, Funktionsevneniveau::IkkeVurderet).unwrap();
                }
            }
        }),
    ));

    // DST-AD-INDSATS
    out.push(fx(
        "dst-ad-indsats-ok.ndjson",
        "DST-AD-INDSATS satisfied: an A&D theme added at follow-up is addressed by the goal (a secondary theme)",
        &[],
        followed_up(251, |j, fu| {
            let t = j.theme(Theme::ad(AdTema::Spise, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap(), fu);
            j.case.gatherings[0].themes.push(t.clone());
            j.case.goals[0].secondary.push(t);
        })
        .reports,
    ));
    out.push(fx_warning(
        "dst-ad-indsats-not-worked-on.ndjson",
        "DST-AD-INDSATS broken (interpretation): an A&D theme added at follow-up that no goal addresses and no care plan works on",
        &["DST-AD-INDSATS"],
        followed_up(252, |j, fu| {
            let t = j.theme(Theme::ad(AdTema::Spise, Funktionsevneniveau::LetNedsatFunktionsevne).unwrap(), fu);
            j.case.gatherings[0].themes.push(t);
        })
        .reports,
    ));

    // DST-STOETTE
    out.push(fx(
        "dst-stoette-ok.ndjson",
        "DST-STOETTE satisfied: a støttebehov assessment at granting and again, dated, at the follow-up",
        &[],
        followed_up(231, |_, _| {}).reports,
    ));
    out.push(fx(
        "dst-stoette-follow-up-without.ndjson",
        "DST-STOETTE broken: the follow-up has no støttebehov assessment of its day",
        &["DST-STOETTE"],
        followed_up(232, |j, _| {
            j.case.evaluations.pop();
            j.case.care_plans[0].evaluation = Some(j.case.evaluations[0].id.clone());
        })
        .reports,
    ));

    out.push(fx(
        "dst-stoette-ikke-vurderet.ndjson",
        "DST-STOETTE broken: the only støttebehov assessment is «Ikke vurderet», which is not a støttebehov (seed 002, Figur 5.4)",
        &["DST-STOETTE"],
        replanned(235, |j| j.case.evaluations[0].level = Stoettebehov::IkkeVurderet),
    ));

    out.push(fx("dst-stoette-ok-plan-followed-up.ndjson", "DST-STOETTE satisfied: a follow-up ending in a new grant; the støttebehov assessment of its day is held by the care plan followed up (and by the new one)", &[], followed_up(233, |j, fu| {
        regrant_at_follow_up(j, fu, true);
    }).reports));
    out.push(fx_warning("dst-stoette-other-plan.ndjson", "DST-STOETTE broken (interpretation): a follow-up ending in a new grant; the støttebehov assessment of its day is held only by the new care plan, not by the one followed up", &["DST-STOETTE"], followed_up(234, |j, fu| {
        regrant_at_follow_up(j, fu, false);
    }).reports));

    // DST-MAALTYPE
    out.push(fx(
        "dst-maaltype-ok.ndjson",
        "DST-MAALTYPE satisfied: a goal with måltype udvikle tied to an A&D theme",
        &[],
        granted(241).reports,
    ));
    out.push(Fixture { file: "dst-maaltype-no-goal.ndjson", description: "DST-MAALTYPE broken: no goal at all (the gateway only warns: kl-reporting-ffb-care-plan-3); so no goal addresses the A&D themes either (DST-AD-INDSATS, interpretation)", rules: &["DST-MAALTYPE", "DST-AD-INDSATS"], warnings: &["DST-AD-INDSATS"], reports: {
        let mut j = granted(242);
        j.case.goals.clear();
        j.case.care_plans[0].goals.clear();
        let (case, d0) = (j.case.clone(), j.d0);
        j.planner = Planner::new();
        j.reports.clear();
        j.reports.extend(j.planner.plan_day(&case, d0));
        j.reports
    }});
    out
}

/// The gateway's error rule ids over a stream's reports.
fn gateway_errors(reports: &[Value]) -> BTreeSet<&'static str> {
    let v = Validator::default_validator();
    reports
        .iter()
        .flat_map(|r| v.validate_value(r).diagnostics.into_iter().filter(|d| d.severity == Severity::Error).map(|d| d.rule.as_str()))
        .collect()
}

fn ndjson(reports: &[Value]) -> String {
    reports.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect()
}

fn index(fixtures: &[Fixture]) -> String {
    let cases: Vec<Value> = fixtures
        .iter()
        .map(|f| json!({"file": f.file, "description": f.description, "rules": f.rules, "warnings": f.warnings, "gateway": gateway_errors(&f.reports), "reports": f.reports.len()}))
        .collect();
    let v = json!({
        "description": "Report streams (NDJSON, one delivery report per line, one citizen per file): the stream audit must report exactly `rules` (empty: the stream satisfies every PROTO and DST rule), those under `warnings` only as interpretations (severity interpretation: warnings that never fail), the others with severity error; `gateway` lists the error rule ids the gateway validator reports on the stream's reports (empty: every report is valid).",
        "cases": cases,
    });
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn stream_fixtures_are_fresh() {
    let fixtures = fixtures();
    let regenerate = std::env::var_os("FFBKIT_REGENERATE").is_some();
    if regenerate {
        std::fs::create_dir_all(dir()).unwrap();
    }
    let mut expected: Vec<(String, String)> = fixtures.iter().map(|f| (f.file.to_string(), ndjson(&f.reports))).collect();
    expected.push(("index.json".into(), index(&fixtures)));
    for (file, text) in &expected {
        let path = dir().join(file);
        if regenerate {
            std::fs::write(&path, text).unwrap();
        } else {
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == *text,
                "{file} is stale; regenerate with FFBKIT_REGENERATE=1 cargo test -p ffbkit-sdk --test tests audit_fixtures::"
            );
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ndjson"))
        .collect();
    let made: BTreeSet<String> = fixtures.iter().map(|f| f.file.to_string()).collect();
    assert_eq!(on_disk, made, "no stray fixture files");
}

#[test]
fn the_index_follows_its_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("../../schemas/fixtures/streams-index.schema.json")).unwrap()).unwrap();
    let index: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("index.json")).unwrap()).unwrap();
    let v = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(&index).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn every_stream_fixture_is_found_under_its_ids() {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("index.json")).unwrap()).unwrap();
    let mut broken: BTreeSet<String> = BTreeSet::new();
    let mut satisfied: BTreeSet<String> = BTreeSet::new();
    let mut descriptions = BTreeSet::new();
    for case in index["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        assert!(descriptions.insert(case["description"].as_str().unwrap()), "{file}: descriptions are unique");
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        let reports: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let audit = audit_citizen(&reports);
        let got: BTreeSet<String> = audit.findings.iter().map(|f| f.rule.to_string()).collect();
        let want: BTreeSet<String> = case["rules"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        assert_eq!(got, want, "{file}: {:#?}", audit.findings);
        let warnings: BTreeSet<String> = case["warnings"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        let errors: BTreeSet<String> = audit.error_rules().into_iter().map(|r| r.to_string()).collect();
        assert_eq!(errors, want.difference(&warnings).cloned().collect(), "{file}: rules found with severity error: {:#?}", audit.findings);
        for f in &audit.findings {
            assert!(
                f.report.is_some() && f.resource.is_some() && f.day.is_some(),
                "{file}: every finding points to a report and a resource: {f:?}"
            );
        }
        let gw: BTreeSet<String> = gateway_errors(&reports).into_iter().map(str::to_string).collect();
        let want_gw: BTreeSet<String> = case["gateway"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
        assert_eq!(gw, want_gw, "{file}: gateway errors");
        // The rules a file is about are named in its name and description.
        for r in &want {
            assert!(case["description"].as_str().unwrap().contains(r.as_str()), "{file}: description names {r}");
            broken.insert(r.clone());
        }
        if want.is_empty() {
            let d = case["description"].as_str().unwrap();
            satisfied.extend(rule_ids().filter(|r| d.contains(*r)).map(str::to_string));
        }
    }
    let all: BTreeSet<String> = rule_ids().map(str::to_string).collect();
    assert_eq!(broken, all, "every PROTO and DST rule has a stream that breaks it");
    assert_eq!(satisfied, all, "every PROTO and DST rule has a stream that satisfies it");
}
