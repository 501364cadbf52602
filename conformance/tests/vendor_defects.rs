//! Each faulty vendor really changes what is reported, and the SDK's validator, the stream
//! audit and the journeys' expectations find the requirement ids the defect names; the
//! reference vendor gives none. (In-process; the harness's mutation test runs the same over
//! HTTP.)

use ffbkit_conformance::journey::{self, Journey};
use ffbkit_conformance::vendor::{simulate, Defect};
use ffbkit_sdk::validate::{Severity, Validator};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every requirement id found failing on a vendor's reports of one journey: GW ids on all
/// reports; PROTO/DST ids by the audit (findings of severity error) of the reports the
/// gateway accepts (per citizen);
/// `VUM-*` ids and the rules their failed expectations stand for.
fn failing_ids(j: &Journey, per_step: &[Vec<Value>]) -> BTreeSet<String> {
    let validator = Validator::default_validator();
    let mut ids = BTreeSet::new();
    let mut accepted: Vec<Value> = Vec::new();
    for (i, reports) in per_step.iter().enumerate() {
        let mut ok = Vec::new();
        for r in reports {
            let outcome = validator.validate_value(r);
            let errors = outcome.rule_ids(Severity::Error);
            if errors.is_empty() {
                ok.push(r.clone());
            }
            ids.extend(errors.into_iter().map(|r| r.to_string()));
        }
        accepted.extend(ok);
        if j.steps[i].deliver {
            let check = journey::check_step(j, i, reports, &accepted);
            if !check.passed {
                ids.insert(check.id);
                ids.extend(check.failed_rules);
            }
        }
    }
    let mut by_citizen: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in accepted {
        let cpr = ffbkit_sdk::report::citizen_cpr(&r).unwrap_or_default().to_string();
        by_citizen.entry(cpr).or_default().push(r);
    }
    for reports in by_citizen.values() {
        // Findings of severity error only: an interpretation (a warning) never fails.
        ids.extend(ffbkit_sdk::audit::audit_citizen(reports).findings.into_iter().filter(|f| f.is_error()).map(|f| f.rule.to_string()));
    }
    ids
}

#[test]
fn the_reference_vendor_fails_nothing() {
    for j in journey::embedded() {
        let per_step = simulate(&j, None).unwrap();
        assert_eq!(failing_ids(&j, &per_step), BTreeSet::new(), "{}", j.id);
    }
}

/// Run every journey with the defect: the reports must differ from the reference vendor's
/// somewhere, and every id the defect names must be found.
fn check_defect(d: Defect) {
    static REFERENCE: std::sync::OnceLock<Vec<(Journey, Vec<Vec<Value>>)>> = std::sync::OnceLock::new();
    let reference = REFERENCE.get_or_init(|| {
        journey::embedded()
            .into_iter()
            .map(|j| {
                let r = simulate(&j, None).unwrap();
                (j, r)
            })
            .collect()
    });
    let mut found = BTreeSet::new();
    let mut changed = Vec::new();
    for (j, good) in reference {
        let good = good.clone();
        let bad = simulate(j, Some(d)).unwrap_or_else(|e| panic!("{d}: {e}"));
        if bad != good {
            changed.push(j.id.clone());
            found.extend(failing_ids(j, &bad));
        }
    }
    assert!(!changed.is_empty(), "{d}: the reports are identical to the reference vendor's");
    let rules: BTreeSet<&String> = found.iter().filter(|id| !id.starts_with("VUM-")).collect();
    println!("{d}: changes {} journeys, found {rules:?}", changed.len());
    for want in d.expected_failures() {
        assert!(found.contains(want), "{d}: {want} not found; found {rules:?} (journeys changed: {changed:?})");
    }
}

macro_rules! defect_tests {
    ($($name:ident => $variant:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_defect(Defect::$variant);
            }
        )*
        #[test]
        fn every_defect_has_its_test() {
            let tested = [$(Defect::$variant),*];
            for d in Defect::all() {
                assert!(tested.contains(d), "{d} has no test");
            }
        }
    };
}

defect_tests! {
    forgets_stoettebehov_at_follow_up => ForgetsStoettebehovAtFollowUp,
    end_date_reported_late => EndDateReportedLate,
    two_days_in_one_report => TwoDaysInOneReport,
    new_ids_every_report => NewIdsEveryReport,
    keeps_plan_id_on_new_grant => KeepsPlanIdOnNewGrant,
    reassess_without_last_asserted => ReassessWithoutLastAsserted,
    deletes_instead_of_withdrawing => DeletesInsteadOfWithdrawing,
    reports_a_day_late => ReportsADayLate,
    reports_paragraf_83_as_ffb => ReportsParagraf83AsFfb,
    grants_without_maalgruppe => GrantsWithoutMaalgruppe,
    omits_ff_themes => OmitsFfThemes,
    omits_ad_themes => OmitsAdThemes,
    omits_goals => OmitsGoals,
    omits_goal_conditions => OmitsGoalConditions,
    new_theme_without_gathering => NewThemeWithoutGathering,
    scores_ff_theme => ScoresFfTheme,
    wrong_sts_identifier => WrongStsIdentifier,
    missing_follow_up_date => MissingFollowUpDate,
    local_ids => LocalIds,
    sends_resource_twice => SendsResourceTwice,
    free_text_notes => FreeTextNotes,
    stoettebehov_ikke_vurderet => StoettebehovIkkeVurderet,
}

#[test]
fn defects_have_distinct_names_and_say_what_they_do() {
    let names: BTreeSet<&str> = Defect::all().iter().map(|d| d.name()).collect();
    assert_eq!(names.len(), Defect::all().len());
    for d in Defect::all() {
        assert_eq!(Defect::from_name(d.name()), Some(*d));
        assert!(!d.description().is_empty() && !d.expected_failures().is_empty());
    }
    // At least one defect per PROTO and DST rule.
    let covered: BTreeSet<&str> = Defect::all().iter().flat_map(|d| d.expected_failures()).collect();
    for rule in [
        "PROTO-DAILY",
        "PROTO-ONE-DAY",
        "PROTO-SNAPSHOT",
        "PROTO-ID-STABLE",
        "PROTO-ERROR",
        "PROTO-COND-UPDATE",
        "PROTO-NEW-GATHERING",
        "PROTO-ENDED",
        "PROTO-GOAL-CONTEXT",
        "DST-SCOPE",
        "DST-TRIPLE",
        "DST-FF",
        "DST-AD",
        "DST-STOETTE",
        "DST-MAALTYPE",
    ] {
        assert!(covered.contains(rule), "no defect for {rule}");
    }
    assert!(covered.iter().filter(|r| r.starts_with("GW-") || r.starts_with("kl-")).count() >= 4);
}
