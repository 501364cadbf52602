//! The durable planner (`gateway::durable`): the planner's memory in the outbox's SQLite
//! file, planned and queued in one transaction; schema migration; rebuilding from reports
//! sent before; catch-up after downtime. (The kill -9 test is end to end: tests/tests/nightly_kill.rs.)

use ffbkit_sdk::audit::audit_citizen;
use ffbkit_sdk::domain::Date;
use ffbkit_sdk::gateway::durable::SCHEMA_VERSION;
use ffbkit_sdk::gateway::{DurablePlanner, Outbox, Planned, PlannerStoreError, State, Step};
use ffbkit_sdk::planner::{example_week, Planner};
use serde_json::Value;
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ffbkit-durable-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The reports the in-memory planner makes over a week, by day.
fn in_memory(seed: u64) -> Vec<(Date, Value)> {
    let mut p = Planner::new();
    example_week(seed).iter().filter_map(|(day, case)| p.plan_day(case, *day).map(|r| (*day, r))).collect()
}

/// The bodies of the outbox's reports, in queue order.
fn queued(path: &std::path::Path) -> Vec<Value> {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut stmt = db.prepare("SELECT body FROM outbox ORDER BY seq").unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap();
    rows.map(|b| serde_json::from_slice(&b.unwrap()).unwrap()).collect()
}

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn planner_durable_queues_what_the_in_memory_planner_reports_across_restarts() {
    let d = dir("same");
    let path = d.join("outbox.sqlite");
    let week = example_week(7);
    let other = example_week(8);
    for ((day, case), (_, other_case)) in week.iter().zip(&other) {
        // A new process each day: the memory comes from the file.
        let store = DurablePlanner::open(&path).unwrap();
        let planned = store.plan_and_enqueue(case, *day).unwrap();
        store.plan_and_enqueue(other_case, *day).unwrap();
        if *day == week[1].0 {
            assert_eq!(planned, Planned::Unchanged { day: *day }, "a quiet day records the day only");
        }
        assert_eq!(store.last_day(case.citizen.id.as_str()).unwrap(), Some(*day));
        assert_eq!(store.plan_and_enqueue(case, *day).unwrap(), Planned::AlreadyPlanned { day: *day, last_day: *day });
    }
    let expected: Vec<Value> = in_memory(7).into_iter().map(|(_, r)| r).collect();
    let got: Vec<Value> = queued(&path).into_iter().filter(|r| r["entry"][0]["resource"]["id"] == week[0].1.citizen.id.as_str()).collect();
    assert_eq!(got.len(), 6, "six days with changes");
    assert_eq!(got, expected, "byte for byte the in-memory planner's reports");
    let audit = audit_citizen(&got);
    assert!(!audit.has_errors(), "{:#?}", audit.findings);
    // Two cases in one store, each with its own memory.
    let store = DurablePlanner::open(&path).unwrap();
    assert_eq!(store.outbox().count(State::Queued).unwrap(), 12);
    let mut memory = Planner::new();
    for (day, case) in &week {
        memory.plan_day(case, *day);
    }
    assert_eq!(store.planner(week[0].1.citizen.id.as_str()).unwrap(), memory);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "the store is its owner's only");
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_a_transaction_cut_short_leaves_nothing_planned_nor_queued() {
    let d = dir("cut");
    let path = d.join("outbox.sqlite");
    let week = example_week(3);
    let store = DurablePlanner::open(&path).unwrap();
    store.plan_and_enqueue(&week[0].1, week[0].0).unwrap();
    for stop in [Step::Planned, Step::Written] {
        let (day, case) = &week[2];
        let cut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            store.plan_and_enqueue_observed(case, *day, &mut |s| assert_ne!(s, stop, "stopped at {s:?}")).unwrap();
        }));
        assert!(cut.is_err());
        assert_eq!(store.outbox().count(State::Queued).unwrap(), 1, "not queued when stopped at {stop:?}");
        assert_eq!(store.last_day(case.citizen.id.as_str()).unwrap(), Some(week[0].0), "not planned when stopped at {stop:?}");
    }
    let mut steps = Vec::new();
    let planned = store.plan_and_enqueue_observed(&week[2].1, week[2].0, &mut |s| steps.push(s)).unwrap();
    assert!(matches!(planned, Planned::Queued { .. }));
    assert_eq!(steps, [Step::Planned, Step::Written, Step::Committed]);
    assert_eq!(store.outbox().count(State::Queued).unwrap(), 2);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_migrates_an_outbox_and_refuses_a_newer_schema() {
    let d = dir("migrate");
    // An empty file and an outbox of an earlier ffbkit (user_version 0, a report queued).
    let empty = d.join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    DurablePlanner::open(&empty).unwrap();
    assert_eq!(user_version(&empty), SCHEMA_VERSION);
    let old = d.join("old.sqlite");
    let (day, case) = &example_week(5)[0];
    let first = Planner::new().plan_day(case, *day).unwrap();
    Outbox::open(&old).unwrap().enqueue(&first).unwrap();
    assert_eq!(user_version(&old), 0);
    let store = DurablePlanner::open(&old).unwrap();
    assert_eq!(user_version(&old), SCHEMA_VERSION);
    assert_eq!(store.outbox().count(State::Queued).unwrap(), 1, "the queued report survives the upgrade");
    // The queued report is what was reported: rebuilt, the same day plans nothing more.
    assert_eq!(store.rebuild_from_outbox().unwrap().reports, 1);
    assert_eq!(store.plan_and_enqueue(case, day.succ()).unwrap(), Planned::Unchanged { day: day.succ() });
    drop(store);
    DurablePlanner::open(&old).unwrap();
    assert_eq!(user_version(&old), SCHEMA_VERSION, "opening again changes nothing");
    // A file of a newer ffbkit.
    rusqlite::Connection::open(&old).unwrap().execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1)).unwrap();
    match DurablePlanner::open(&old) {
        Err(PlannerStoreError::NewerSchema { found, supported }) => assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION)),
        other => panic!("a newer schema must be refused: {:?}", other.err()),
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_fingerprints_of_another_scheme_are_recomputed_from_the_outbox() {
    let d = dir("scheme");
    let path = d.join("outbox.sqlite");
    let week = example_week(11);
    let other = example_week(12);
    let store = DurablePlanner::open(&path).unwrap();
    for (day, case) in &week[..4] {
        store.plan_and_enqueue(case, *day).unwrap();
    }
    store.plan_and_enqueue(&other[0].1, other[0].0).unwrap();
    let key = week[0].1.citizen.id.as_str().to_string();
    let other_key = other[0].1.citizen.id.as_str().to_string();
    let before = store.planner(&key).unwrap();
    drop(store);
    // As if an older ffbkit had written one case's: another scheme, other numbers. (The
    // other case's numbers are changed too, under the current scheme: left alone.)
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute("UPDATE planner_cases SET fingerprint_scheme = 0 WHERE case_key = ?1", [&key]).unwrap();
    db.execute_batch("UPDATE planner_fingerprints SET fingerprint = 1;").unwrap();
    drop(db);
    let store = DurablePlanner::open(&path).unwrap();
    assert_eq!(store.planner(&key).unwrap().reported(), before.reported(), "recomputed from the outbox's history");
    assert!(store.planner(&other_key).unwrap().reported().values().all(|fp| *fp == 1), "a case of the current scheme is not touched");
    let queued_before = queued(&path).len();
    store.catch_up(&week[4..]).unwrap();
    let mut memory = Planner::new();
    let mut expected: Vec<Value> = week
        .iter()
        .filter_map(|(day, case)| memory.plan_day(case, *day).map(|r| (*day, r)))
        .filter(|(day, _)| *day >= week[4].0)
        .map(|(_, r)| r)
        .collect();
    let got = queued(&path).split_off(queued_before);
    assert_eq!(got, std::mem::take(&mut expected), "only what changed since, as if nothing had been upgraded");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_rebuilt_from_sent_reports_plans_as_the_uninterrupted_planner() {
    let d = dir("rebuild");
    let week = example_week(21);
    // The uninterrupted planner: days 0-3, then day 4.
    let mut uninterrupted = Planner::new();
    let mut sent = Vec::new();
    for (day, case) in &week[..4] {
        if let Some(r) = uninterrupted.plan_day(case, *day) {
            sent.push(r);
        }
    }
    let memory = uninterrupted.clone();
    let next = uninterrupted.plan_day(&week[4].1, week[4].0).expect("day 4 has a change");
    // In any order, the same memory as the uninterrupted planner's.
    let store = DurablePlanner::open(d.join("reversed.sqlite")).unwrap();
    store.rebuild_from_reports(sent.iter().rev().cloned()).unwrap();
    assert_eq!(store.planner(week[0].1.citizen.id.as_str()).unwrap(), memory);
    // A vendor adopting ffbkit mid-stream: the reports it sent before, as NDJSON and as files.
    let ndjson = d.join("sent.ndjson");
    std::fs::write(&ndjson, sent.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect::<String>()).unwrap();
    std::fs::create_dir_all(d.join("files")).unwrap();
    for (i, r) in sent.iter().enumerate().rev() {
        std::fs::write(d.join("files").join(format!("{i}.json")), serde_json::to_vec_pretty(r).unwrap()).unwrap();
    }
    std::fs::write(d.join("files/junk.json"), b"not json").unwrap();
    for (name, input) in [("ndjson", ndjson.clone()), ("files", d.join("files"))] {
        let store = DurablePlanner::open(d.join(format!("{name}.sqlite"))).unwrap();
        let summary = store.rebuild_from_paths(&[input]).unwrap();
        assert_eq!((summary.cases, summary.reports), (1, sent.len()), "{name}");
        assert_eq!(summary.skipped, usize::from(name == "files"), "{name}");
        assert_eq!(store.last_day(week[0].1.citizen.id.as_str()).unwrap(), Some(week[3].0), "{name}");
        let Planned::Queued { report_id, .. } = store.plan_and_enqueue(&week[4].1, week[4].0).unwrap() else { panic!("{name}: a report") };
        assert_eq!(report_id, next["id"].as_str().unwrap());
        assert_eq!(queued(&d.join(format!("{name}.sqlite"))), vec![next.clone()], "{name}: the same report as the uninterrupted planner");
    }
    // From the outbox's own history, after the planner's tables were lost.
    let path = d.join("outbox.sqlite");
    let store = DurablePlanner::open(&path).unwrap();
    for (day, case) in &week[..4] {
        store.plan_and_enqueue(case, *day).unwrap();
    }
    drop(store);
    rusqlite::Connection::open(&path).unwrap().execute_batch("DELETE FROM planner_fingerprints; DELETE FROM planner_cases;").unwrap();
    let store = DurablePlanner::open(&path).unwrap();
    assert_eq!(store.rebuild_from_outbox().unwrap().reports, sent.len());
    store.plan_and_enqueue(&week[4].1, week[4].0).unwrap();
    assert_eq!(queued(&path).last(), Some(&next));
    // A missing path rebuilds nothing.
    assert!(matches!(store.rebuild_from_paths(&[d.join("missing")]), Err(PlannerStoreError::Input(_))));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_catch_up_reports_each_missed_day_on_its_day() {
    let d = dir("catchup");
    let path = d.join("outbox.sqlite");
    let week = example_week(31);
    let store = DurablePlanner::open(&path).unwrap();
    store.plan_and_enqueue(&week[0].1, week[0].0).unwrap();
    drop(store);
    // Down for five days; each missed day's case state is given.
    let store = DurablePlanner::open(&path).unwrap();
    let key = week[0].1.citizen.id.as_str();
    let missed: Vec<Date> = week[1..6].iter().map(|(d, _)| *d).collect();
    assert_eq!(store.missed_days(key, week[5].0).unwrap(), missed);
    assert_eq!(store.missed_days("never-planned", week[5].0).unwrap(), [week[5].0]);
    let planned = store.catch_up(&week[1..6]).unwrap();
    assert_eq!(planned[0], Planned::Unchanged { day: week[1].0 });
    assert_eq!(planned.iter().filter(|p| matches!(p, Planned::Queued { .. })).count(), 4);
    assert!(store.missed_days(key, week[5].0).unwrap().is_empty());
    // Asked again (the job restarted mid catch-up): nothing more.
    assert!(store.catch_up(&week[1..6]).unwrap().iter().all(|p| matches!(p, Planned::AlreadyPlanned { .. })));
    let reports = queued(&path);
    let mut memory = Planner::new();
    memory.plan_day(&week[0].1, week[0].0);
    let expected: Vec<(Date, Value)> = memory.catch_up(&week[1..6]);
    assert_eq!(reports[1..].to_vec(), expected.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>());
    for (report, (day, _)) in reports[1..].iter().zip(&expected) {
        assert!(report["timestamp"].as_str().unwrap().starts_with(&day.to_string()), "PROTO-ONE-DAY: one report per day");
    }
    let audit = audit_citizen(&reports);
    assert!(!audit.has_errors(), "{:#?}", audit.findings);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_rebuild_keeps_the_entries_it_can_read_of_another_systems_report() {
    let d = dir("foreign");
    let week = example_week(51);
    let mut first = Planner::new().plan_day(&week[0].1, week[0].0).unwrap();
    // Another system wrote a ServiceRequest the generated types do not read.
    let entries = first["entry"].as_array_mut().unwrap();
    let sr = entries.iter_mut().find(|e| e["resource"]["resourceType"] == "ServiceRequest").unwrap();
    sr["resource"]["status"] = Value::String("on-hold-by-vendor-x".into());
    let store = DurablePlanner::open(d.join("outbox.sqlite")).unwrap();
    let summary = store.rebuild_from_reports([first, Value::String("not a report".into())]).unwrap();
    assert_eq!((summary.cases, summary.reports, summary.skipped, summary.resources_skipped), (1, 1, 1, 1));
    // The rest is known: the next day reports the ServiceRequest only (with its citizen).
    assert!(matches!(store.plan_and_enqueue(&week[1].1, week[1].0).unwrap(), Planned::Queued { .. }));
    let next = queued(&d.join("outbox.sqlite")).pop().unwrap();
    let kinds: Vec<&str> = next["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Patient", "ServiceRequest"]);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn planner_durable_refuses_another_report_under_a_queued_id_and_keeps_the_later_day() {
    let d = dir("conflict");
    let path = d.join("outbox.sqlite");
    let week = example_week(61);
    let key = week[0].1.citizen.id.as_str().to_string();
    let store = DurablePlanner::open(&path).unwrap();
    store.plan_and_enqueue(&week[0].1, week[0].0).unwrap();
    assert_eq!(store.plan_and_enqueue(&week[1].1, week[1].0).unwrap(), Planned::Unchanged { day: week[1].0 });
    // A rebuild keeps the later day (a quiet day leaves no report to rebuild it from).
    store.rebuild_from_outbox().unwrap();
    assert_eq!(store.last_day(&key).unwrap(), Some(week[1].0));
    // The memory lost behind the outbox: the same day again gives the same Bundle id.
    rusqlite::Connection::open(&path).unwrap().execute_batch("DELETE FROM planner_fingerprints; DELETE FROM planner_cases;").unwrap();
    match store.plan_and_enqueue(&week[2].1, week[0].0) {
        Err(PlannerStoreError::Conflict { report_id }) => assert_eq!(report_id, queued(&path)[0]["id"].as_str().unwrap()),
        other => panic!("another report under a queued id must be refused: {other:?}"),
    }
    assert_eq!(store.last_day(&key).unwrap(), None, "nothing written");
    assert!(matches!(store.plan_and_enqueue(&week[0].1, week[0].0).unwrap(), Planned::Queued { .. }), "the same report is fine");
    assert_eq!(store.outbox().count(State::Queued).unwrap(), 1);
    std::fs::remove_dir_all(&d).ok();
}
