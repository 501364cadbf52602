//! `ffbkit_sdk::dataset` (feature `dataset`): the fixtures as Arrow tables, CPR modes, the
//! audit's totals from `audit::audit_citizen`, and bad input as typed errors, never panics.

use ffbkit_sdk::dataset::arrow_array::cast::AsArray;
use ffbkit_sdk::dataset::arrow_array::types::Int64Type;
use ffbkit_sdk::dataset::arrow_array::{Array, RecordBatch};
use ffbkit_sdk::dataset::{CprMode, Dataset, DatasetError, DatasetOptions, Table};
use ffbkit_sdk::rules::RuleId;
use std::path::{Path, PathBuf};

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(sub)
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    files.sort();
    files
}

fn options(cpr: CprMode) -> DatasetOptions {
    let mut o = DatasetOptions::default();
    o.cpr = cpr;
    o
}

fn strings(batch: &RecordBatch, column: &str) -> Vec<Option<String>> {
    let c = batch.column_by_name(column).unwrap_or_else(|| panic!("no column {column}"));
    let s = c.as_string::<i32>();
    (0..s.len()).map(|i| s.is_valid(i).then(|| s.value(i).to_string())).collect()
}

fn int_sum(batch: &RecordBatch, column: &str) -> i64 {
    batch.column_by_name(column).unwrap().as_primitive::<Int64Type>().iter().flatten().sum()
}

#[test]
fn the_valid_fixtures_give_every_table_with_its_columns() {
    let dir = fixtures("reports/valid");
    let ds = Dataset::load(&[&dir], &DatasetOptions::default()).unwrap();
    let files = json_files(&dir);
    let s = ds.summary();
    assert_eq!(s.reports, files.len());
    assert_eq!(s.invalid, 0, "{:?}", s.first_invalid);
    assert!(s.error_rules.is_empty());
    let names: Vec<&str> = ds.tables().map(|(n, _)| n).collect();
    assert_eq!(names, Table::ALL.map(Table::name).to_vec(), "every table, in order, no audit");
    for t in Table::ALL {
        assert_eq!(ds.table(t).unwrap().schema(), t.schema(), "{t:?}");
    }
    let reports = ds.table(Table::Reports).unwrap();
    assert_eq!(reports.num_rows(), files.len());
    assert_eq!(int_sum(reports, "resources") as usize, s.resources);
    for t in [Table::Citizens, Table::ServiceRequests, Table::Gatherings, Table::Conditions, Table::CarePlans, Table::Interventions] {
        assert!(ds.table(t).unwrap().num_rows() > 0, "{t:?}");
    }
    // Codes carry their catalog term.
    let conditions = ds.table(Table::Conditions).unwrap();
    let (codes, terms) = (strings(conditions, "code"), strings(conditions, "term"));
    for (code, term) in codes.iter().zip(&terms) {
        let code = code.as_deref().unwrap();
        if let Some(c) = ffbkit_sdk::catalog::Catalog::embedded().get(code) {
            assert_eq!(term.as_deref(), Some(c.term.as_str()), "{code}");
        }
    }
    // The column names the Python package documents.
    let columns: Vec<String> = conditions.schema().fields().iter().map(|f| f.name().clone()).collect();
    for c in ["id", "citizen", "municipality", "code", "term", "kind", "theme", "area", "score", "recorded_date", "gathering"] {
        assert!(columns.iter().any(|x| x == c), "conditions.{c}");
    }
}

#[test]
fn history_keeps_every_version_latest_one_per_id() {
    let stream = fixtures("streams/dst-ad-ok.ndjson");
    let latest = Dataset::load(&[&stream], &DatasetOptions::default()).unwrap();
    let mut o = DatasetOptions::default();
    o.history = true;
    let history = Dataset::load(&[&stream], &o).unwrap();
    let lines = std::fs::read_to_string(&stream).unwrap().lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(latest.summary().reports, lines);
    for t in [Table::Conditions, Table::Goals, Table::CarePlans] {
        let ids = strings(latest.table(t).unwrap(), "id");
        let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(ids.len(), distinct.len(), "{t:?}: one row per id");
        assert!(history.table(t).unwrap().num_rows() >= ids.len(), "{t:?}");
    }
    let (h, l) = (history.table(Table::Conditions).unwrap().num_rows(), latest.table(Table::Conditions).unwrap().num_rows());
    assert!(h > l, "the stream sends conditions again: {h} versions, {l} ids");
}

#[test]
fn invalid_reports_are_rows_with_their_findings_not_errors() {
    let dir = fixtures("reports/invalid");
    let files = json_files(&dir);
    let ds = Dataset::load(&[&dir], &DatasetOptions::default()).unwrap();
    let s = ds.summary();
    assert_eq!(s.reports, files.len());
    assert!(s.invalid > 0 && s.invalid <= files.len());
    assert!(s.first_invalid.is_some() && !s.error_rules.is_empty());
    let issues = ds.table(Table::Issues).unwrap();
    assert!(issues.num_rows() >= s.invalid);
    assert!(strings(issues, "origin").iter().all(|o| o.as_deref() == Some("validator")));
    // Every rule id in the table is one of the registry's.
    for rule in strings(issues, "rule").into_iter().flatten() {
        assert!(rule.parse::<RuleId>().is_ok(), "{rule}");
    }
    // skip_invalid: the invalid reports' resources are left out, their findings kept.
    let mut o = DatasetOptions::default();
    o.skip_invalid = true;
    let skipped = Dataset::load(&[&dir], &o).unwrap();
    assert_eq!(skipped.table(Table::Issues).unwrap().num_rows(), issues.num_rows());
    assert!(skipped.table(Table::Conditions).unwrap().num_rows() <= ds.table(Table::Conditions).unwrap().num_rows());
}

#[test]
fn cpr_numbers_are_masked_pseudonymised_or_clear_as_asked() {
    let dir = fixtures("reports/valid");
    let citizens = |cpr: CprMode| -> Vec<String> {
        let ds = Dataset::load(&[&dir], &options(cpr)).unwrap();
        strings(ds.table(Table::Reports).unwrap(), "citizen").into_iter().flatten().collect()
    };
    let masked = citizens(CprMode::Masked);
    assert!(!masked.is_empty());
    for c in &masked {
        assert!(c.len() == 11 && c.ends_with("-****") && c[..6].bytes().all(|b| b.is_ascii_digit()), "{c}");
    }
    let clear = citizens(CprMode::Clear);
    assert!(clear.iter().all(|c| c.len() == 10 && c.bytes().all(|b| b.is_ascii_digit())), "{clear:?}");
    assert_eq!(clear.iter().map(|c| ffbkit_sdk::cpr::mask(c)).collect::<Vec<_>>(), masked);
    let salted = |salt: &str| citizens(CprMode::pseudonym(salt.as_bytes().to_vec()).unwrap());
    let (a, b) = (salted("one salt"), salted("another"));
    assert_eq!(a, salted("one salt"), "stable for a salt");
    assert_ne!(a, b);
    assert!(a.iter().all(|c| c.len() == ffbkit_sdk::cpr::PSEUDONYM_LEN));
    assert_eq!(a, clear.iter().map(|c| ffbkit_sdk::cpr::pseudonym(b"one salt", c)).collect::<Vec<_>>());
    // No clear CPR number anywhere in a masked dataset's text columns.
    let ds = Dataset::load(&[&dir], &DatasetOptions::default()).unwrap();
    for (name, batch) in ds.tables() {
        for (i, f) in batch.schema().fields().iter().enumerate() {
            if let Some(s) = batch.column(i).as_string_opt::<i32>() {
                for v in s.iter().flatten() {
                    assert!(!clear.iter().any(|c| v.contains(c.as_str())), "{name}.{}: {v}", f.name());
                }
            }
        }
    }
}

#[test]
fn audit_totals_are_the_sdk_audit_counted() {
    let dir = fixtures("streams");
    let mut o = DatasetOptions::default();
    o.audit = true;
    let ds = Dataset::load(&[&dir], &o).unwrap();
    // The same streams through `audit::audit_citizen` directly, grouped by citizen.
    let mut groups: std::collections::BTreeMap<String, Vec<serde_json::Value>> = Default::default();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ndjson") {
            for line in std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                if let Some(cpr) = ffbkit_sdk::report::citizen_cpr(&v) {
                    groups.entry(cpr.to_string()).or_default().push(v);
                }
            }
        }
    }
    let audits: Vec<_> = groups.values().map(|reports| ffbkit_sdk::audit::audit_citizen(reports)).collect();
    let findings: usize = audits.iter().map(|a| a.findings.len()).sum();
    let errors: usize = audits.iter().map(|a| a.findings.iter().filter(|f| f.is_error()).count()).sum();
    assert!(findings > 0, "the DST streams have findings");
    let citizens = ds.get("audit_citizens").unwrap();
    assert_eq!(citizens.num_rows(), groups.len());
    assert_eq!(int_sum(citizens, "findings") as usize, findings);
    assert_eq!(int_sum(citizens, "errors") as usize, errors);
    assert_eq!(ds.get("audit_findings").unwrap().num_rows(), findings);
    let municipalities = ds.get("audit_municipalities").unwrap();
    assert_eq!(int_sum(municipalities, "findings") as usize, findings);
    assert_eq!(int_sum(municipalities, "errors") as usize, errors);
    // The audit's findings are in `issues` too.
    let origins = strings(ds.table(Table::Issues).unwrap(), "origin");
    assert_eq!(origins.iter().filter(|o| o.as_deref() == Some("audit")).count(), findings);
}

#[test]
fn in_memory_reports_give_the_tables_files_give() {
    let dir = fixtures("reports/valid");
    let files = json_files(&dir);
    let from_files = Dataset::load(&files, &DatasetOptions::default()).unwrap();
    let values: Vec<serde_json::Value> = files.iter().map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap()).collect();
    let from_values = Dataset::from_values(&values, &DatasetOptions::default()).unwrap();
    for ((n1, b1), (n2, b2)) in from_files.tables().zip(from_values.tables()) {
        assert_eq!(n1, n2);
        assert_eq!(b1.num_rows(), b2.num_rows(), "{n1}");
        for column in ["id", "citizen", "code", "rule"] {
            if b1.column_by_name(column).is_some() {
                assert_eq!(strings(b1, column), strings(b2, column), "{n1}.{column}");
            }
        }
    }
}

#[test]
fn bad_input_is_a_typed_error_or_a_finding_never_a_panic() {
    let o = DatasetOptions::default();
    // A missing path: before any work.
    let missing = fixtures("no/such/dir");
    match Dataset::load(&[&missing], &o) {
        Err(DatasetError::NotFound { path }) => assert_eq!(path, missing),
        other => panic!("{other:?}"),
    }
    assert!(matches!(Dataset::load::<&Path>(&[], &o), Err(DatasetError::NoInput)));
    assert!(matches!(Dataset::load_interruptible(&[fixtures("streams")], &o, &|| true), Err(DatasetError::Interrupted)));
    // A CPR mode without its salt.
    assert_eq!(CprMode::parse("pseudonym", None).unwrap_err().to_string(), "cpr=\"pseudonym\" needs a non-empty salt");
    // Broken reports are rows of `reports` and `issues`, not errors.
    let broken: Vec<(String, Vec<u8>)> =
        [&b"{"[..], b"[1, 2]", b"\xff\xfe", b"", b"{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": 7}]}", b"null"]
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("broken {i}"), b.to_vec()))
            .collect();
    for validate in [true, false] {
        let mut o = DatasetOptions::default();
        o.validate = validate;
        o.audit = true;
        let ds = Dataset::from_reports(broken.clone(), &o).unwrap();
        assert_eq!(ds.summary().reports, broken.len());
        // Unvalidated, only what is no JSON at all is invalid (`{`, the bytes that are no
        // UTF-8, the empty report).
        let least = if validate { 5 } else { 3 };
        assert!(ds.summary().invalid >= least, "validate={validate}: {:?}", ds.summary());
        assert!(ds.summary().error_rules.contains(RuleId::GwJson.as_str()));
        assert_eq!(ds.table(Table::Reports).unwrap().num_rows(), broken.len());
    }
    // A report over the size limit, not validated: the load fails, naming it.
    let mut o = DatasetOptions::default();
    o.validate = false;
    let huge = vec![b' '; 32 * 1024 * 1024 + 1];
    match Dataset::from_reports(vec![("huge".into(), huge)], &o) {
        Err(e @ DatasetError::Unreadable { .. }) => assert!(e.to_string().starts_with("cannot read huge:"), "{e}"),
        other => panic!("{other:?}"),
    }
}

/// `audit_municipalities` carries each municipality's coverage (the audit's counts summed
/// over its citizens, on each of its rows) and, with a mapping, its kommunekode and name
/// (issue 21).
#[test]
fn audit_municipalities_carry_coverage_and_names() {
    use ffbkit_sdk::municipality::StsMapping;
    use std::collections::BTreeMap;
    let dir = fixtures("streams");
    let mut per: BTreeMap<String, (i64, i64, i64, i64, i64)> = BTreeMap::new();
    let mut groups: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ndjson") {
            for line in std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                if let Some(cpr) = ffbkit_sdk::report::citizen_cpr(&v) {
                    groups.entry(cpr.to_string()).or_default().push(v);
                }
            }
        }
    }
    for reports in groups.values() {
        let a = ffbkit_sdk::audit::audit_citizen(reports);
        let c = a.coverage;
        let e = per.entry(a.municipality.clone()).or_default();
        *e = (
            e.0 + c.ad_themes as i64,
            e.1 + c.ad_scored as i64,
            e.2 + c.ff_themes as i64,
            e.3 + c.support_assessments as i64,
            e.4 + c.maaltyper as i64,
        );
    }
    let first = per.keys().next().unwrap().clone();
    let mut o = options(CprMode::Masked);
    o.audit = true;
    o.tables = false;
    o.municipalities = Some(StsMapping::parse(&format!("sts_uuid,kommunekode\n{first},461\n")).unwrap());
    let ds = Dataset::load(&[dir], &o).unwrap();
    let m = ds.get("audit_municipalities").unwrap();
    let ids = strings(m, "municipality");
    let names = strings(m, "name");
    let codes = strings(m, "kommunekode");
    let col = |c: &str| m.column_by_name(c).unwrap().as_primitive::<Int64Type>().values().to_vec();
    let (ad, scored, ff, st, mt) = (col("ad_themes"), col("ad_scored"), col("ff_themes"), col("support_assessments"), col("maaltyper"));
    for i in 0..m.num_rows() {
        let id = ids[i].clone().unwrap_or_default();
        assert_eq!((ad[i], scored[i], ff[i], st[i], mt[i]), per[&id], "{id}");
        if id == first {
            assert_eq!((codes[i].as_deref(), names[i].as_deref()), (Some("461"), Some("Odense")));
        } else {
            assert!(codes[i].is_none() && names[i].is_none());
        }
    }
    assert!(ids.iter().any(|i| i.as_deref() == Some(first.as_str())));
}
