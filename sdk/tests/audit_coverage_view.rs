//! The coverage view (issue 21, seed 002's data slides): municipalities reporting any / none
//! / 1-5, top-N shares, out of the 98 with a mapping from STS id to kommunekode, else out of
//! those present; on hand-made counts and on audited streams whose counts are known.

use ffbkit_sdk::audit::{audit_citizen, Coverage, CoverageView, Measure, Universe, DEFAULT_TOP};
use ffbkit_sdk::domain::Date;
use ffbkit_sdk::municipality::StsMapping;
use ffbkit_sdk::planner::{example_case_seeded, Planner};

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn ad(n: usize) -> Coverage {
    Coverage { ad_themes: n, ad_scored: n, ..Coverage::default() }
}

#[test]
fn shares_none_and_one_to_five_over_those_present() {
    // 12 organisations: A&D themes 40, 20, 10, 10, 5, 5, 3, 2, 1, 0, 0, 0 (total 96).
    let counts = [40, 20, 10, 10, 5, 5, 3, 2, 1, 0, 0, 0];
    let ids: Vec<String> = (1..=12).map(uuid).collect();
    let view = CoverageView::build(ids.iter().zip(counts).map(|(id, n)| (id.as_str(), 1, ad(n))), None, &[1, 3, 7, 10]);
    assert_eq!(view.universe, Universe::Present);
    assert_eq!(view.out_of, 12);
    assert!(view.note.contains("no mapping"), "{}", view.note);
    let m = view.measure(Measure::AdThemes).unwrap();
    assert_eq!((m.total, m.reporting, m.none, m.one_to_five), (96, 9, 3, 5));
    let shares: Vec<(usize, f64)> = m.top.iter().map(|t| (t.n, t.share)).collect();
    // 40/96, 70/96, 93/96, 96/96.
    assert_eq!(shares, vec![(1, 41.7), (3, 72.9), (7, 96.9), (10, 100.0)]);
    assert_eq!(view.measure(Measure::AdScored).unwrap().total, 96);
    let s = view.measure(Measure::SupportAssessments).unwrap();
    assert_eq!((s.total, s.reporting, s.none, s.one_to_five), (0, 0, 12, 0));
    assert!(s.top.iter().all(|t| t.share == 0.0));
    assert_eq!(view.municipalities.len(), 12);
    assert!(view.municipalities.iter().all(|r| r.kommunekode.is_none() && r.sts_ids.len() == 1));
    assert_eq!(view.municipalities[0].display(), uuid(1));
    assert_eq!(DEFAULT_TOP, &[7, 10]);
}

#[test]
fn with_a_mapping_the_figures_are_out_of_98() {
    let mapping =
        StsMapping::parse(&format!("sts_uuid,kommunekode\n{},101\n{},101\n{},751\n{},851\n", uuid(1), uuid(2), uuid(3), uuid(4))).unwrap();
    // uuid 1 and 2 are both København; 4 (Aalborg) is absent from the input; 9 is unmapped.
    let present = [(uuid(1), 2, ad(6)), (uuid(2), 1, ad(4)), (uuid(3), 3, ad(5)), (uuid(9), 7, ad(100))];
    let view = CoverageView::build(present.iter().map(|(id, c, v)| (id.as_str(), *c, *v)), Some(&mapping), DEFAULT_TOP);
    assert_eq!(view.universe, Universe::Register);
    assert_eq!(view.out_of, 98);
    assert_eq!(view.municipalities.len(), 98);
    let m = view.measure(Measure::AdThemes).unwrap();
    assert_eq!((m.total, m.reporting, m.none, m.one_to_five), (15, 2, 96, 1), "unmapped data not counted");
    assert_eq!((m.top[0].n, m.top[0].share), (7, 100.0));
    let kbh = view.municipalities.iter().find(|r| r.kommunekode == Some("101")).unwrap();
    assert_eq!((kbh.name, kbh.citizens, kbh.coverage.ad_themes), (Some("København"), 3, 10));
    assert_eq!(kbh.sts_ids, vec![uuid(1), uuid(2)]);
    assert_eq!(kbh.display(), "101 København");
    let aalborg = view.municipalities.iter().find(|r| r.kommunekode == Some("851")).unwrap();
    assert!(aalborg.sts_ids.is_empty() && aalborg.citizens == 0);
    assert_eq!(view.unmapped.len(), 1);
    assert_eq!(view.unmapped[0].sts_ids, vec![uuid(9)]);
    assert!(view.note.contains("98") && view.note.contains("1 organisation(s)"), "{}", view.note);
}

/// Citizens audited from planned streams: the view's counts are the audits' counts summed
/// per municipality, and the example case's are known.
#[test]
fn audited_streams_counted_per_municipality() {
    let day = Date::parse("2025-03-03").unwrap();
    let audit = |seed: u64, org: &str| {
        let mut case = example_case_seeded(seed);
        case.citizen.municipality = org.to_string();
        audit_citizen(&[Planner::new().plan_day(&case, day).unwrap()])
    };
    let one = audit(1, &uuid(1)).coverage;
    let case = example_case_seeded(1);
    assert_eq!(one.ad_themes + one.ff_themes, case.themes.len(), "every theme of the case counted once");
    assert!(one.ad_themes > 0 && one.support_assessments > 0, "{one:?}");
    // Three citizens in org 1, one in org 2.
    let mut per: Vec<(String, usize, Coverage)> = vec![(uuid(1), 0, Coverage::default()), (uuid(2), 0, Coverage::default())];
    for (seed, i) in [(1, 0), (2, 0), (3, 0), (4, 1)] {
        let a = audit(seed, &per[i].0.clone());
        assert_eq!(a.municipality, per[i].0);
        per[i].1 += 1;
        per[i].2.add(&a.coverage);
    }
    let view = CoverageView::build(per.iter().map(|(id, n, c)| (id.as_str(), *n, *c)), None, &[1]);
    let m = view.measure(Measure::AdThemes).unwrap();
    assert_eq!(m.total, 4 * one.ad_themes);
    assert_eq!(m.reporting, 2);
    assert_eq!(m.top[0].share, 75.0, "three of four citizens' themes in the top 1");
}
