//! The run's reports, all made from the evidence store alone (so `ffbkit certify verify`
//! can rebuild and compare them): [`json`] (`certify.json`, for machines), [`junit`]
//! (`certify.junit.xml`, for CI) and [`html`] (`certify.html`, self-contained, for people).

pub mod html;
pub mod json;
pub mod junit;

use super::error::{HarnessError, Result};
use super::requirements::{known_ids, vum_id};
use super::store::{Call, Store};
use super::testscript::ScriptSection;
use super::verdict::{overall, summarize, RequirementSummary, Status, Verdict};
use ffbkit_sdk::cpr::mask_in_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The IG package the reports are judged against.
pub const IG_PACKAGE: &str = "kl.dk.fhir.ffbreporting";
/// Its version.
pub const IG_VERSION: &str = "1.0.0";

/// File names in a run directory.
pub const JSON_FILE: &str = "certify.json";
/// JUnit XML file name.
pub const JUNIT_FILE: &str = "certify.junit.xml";
/// HTML file name.
pub const HTML_FILE: &str = "certify.html";

/// The suite as the store keeps it (meta `suite`): enough to report on steps that never ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteJourney {
    /// Journey id.
    pub id: String,
    /// Its Danish title.
    pub title: String,
    /// Its steps: (id, business date, phase).
    pub steps: Vec<SuiteStep>,
}

/// One step of [`SuiteJourney`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteStep {
    /// Step id.
    pub id: String,
    /// Business date.
    pub date: String,
    /// VUM phase.
    pub phase: String,
    /// Whether the vendor reports at the end of the step (only then is it a `VUM-*` check).
    #[serde(default = "yes")]
    pub deliver: bool,
    /// The TestScript tests whose operation posts this step's report (`--testscript`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testscript: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A code system version (for the report header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The code system's URL.
    pub system: String,
    /// Its version.
    pub version: String,
}

/// A stored report, as listed in the reports (the body only in the HTML, masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRef {
    /// Evidence id (`reports.id`).
    pub id: i64,
    /// The step whose delivery produced it.
    pub step: String,
    /// Bundle id.
    pub bundle: Option<String>,
    /// Masked CPR number.
    pub citizen: Option<String>,
    /// push, pull or manual.
    pub source: String,
    /// When received (UTC).
    pub received_at: String,
    /// SHA-256 of the exact bytes received.
    pub sha256: String,
    /// The body as received, pretty-printed when JSON, CPR numbers masked (HTML only).
    #[serde(skip)]
    pub masked_body: String,
}

/// One step in the reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// Step id.
    pub id: String,
    /// `VUM-<journey>-<step>`.
    pub check: String,
    /// Business date.
    pub date: String,
    /// VUM phase.
    pub phase: String,
    /// `judged`, `error`, or `not run`.
    pub outcome: String,
    /// Whether the vendor reports at the end of the step.
    #[serde(default = "yes")]
    pub deliver: bool,
    /// Worst verdict of the step.
    pub status: Status,
    /// Why the step erred, when it did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    /// The step's verdicts.
    pub verdicts: Vec<Verdict>,
}

/// One journey in the reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyReport {
    /// Journey id.
    pub id: String,
    /// Danish title.
    pub title: String,
    /// Worst verdict of the journey.
    pub status: Status,
    /// Attempts made (more than 1 after a resume that re-ran it).
    pub attempt: i64,
    /// True when every step was judged.
    pub finished: bool,
    /// Steps.
    pub steps: Vec<StepReport>,
    /// Verdicts over the whole journey (PROTO and DST at its end).
    pub verdicts: Vec<Verdict>,
    /// Reports received.
    pub reports: Vec<ReportRef>,
    /// Exchanges with the adapter (request and answer, CPR masked).
    pub calls: Vec<Call>,
}

/// Everything a certification run found, ready to render.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// Format marker, `ffbkit-certify/1`.
    pub format: String,
    /// `ffbkit <version>`.
    pub tool: String,
    /// Run id.
    pub run: String,
    /// The vendor certified (`reference`, a URL, `manual`).
    pub vendor: String,
    /// http, manual or reference.
    pub driver: String,
    /// push or pull.
    pub mode: String,
    /// Validation with the IG's text-only rules as errors.
    pub strict: bool,
    /// The IG's invariants judged as their expressions are written (`--as-written`).
    #[serde(default)]
    pub as_written: bool,
    /// When the run started (UTC).
    pub started_at: String,
    /// When it finished (UTC), when it did.
    pub finished_at: Option<String>,
    /// IG package.
    pub ig_package: String,
    /// IG version.
    pub ig_version: String,
    /// Code systems of the catalog used.
    pub catalog: Vec<VersionInfo>,
    /// SHA-256 over the evidence store (`ffbkit certify verify` recomputes it).
    pub evidence_sha256: String,
    /// The vendor's result: pass when no requirement failed or erred.
    pub status: Status,
    /// Requirements per status.
    pub counts: BTreeMap<Status, usize>,
    /// One line per requirement id.
    pub requirements: Vec<RequirementSummary>,
    /// Per journey and step.
    pub journeys: Vec<JourneyReport>,
    /// Reports and exchanges of earlier, superseded attempts kept in the store.
    pub superseded_reports: usize,
    /// Exchanges of superseded attempts.
    pub superseded_calls: usize,
    /// `--testscript`: the TestScript's asserts on the reports of the journeys that map its
    /// tests (reported only, not part of `status`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testscripts: Vec<ScriptSection>,
    /// `--sign`: who signs this certificate (the key's fingerprint); the signature over the
    /// exact bytes of `certify.json` is in `certify.json.sig` ([`super::signature`]). Not
    /// made from the evidence, so `verify` does not compare it; the signature covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<super::signature::Signer>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A body for people: pretty JSON when it parses, else the text; CPR numbers masked.
pub fn masked_text(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    mask_in_text(&text)
}

/// Build the run's report from the evidence store.
pub fn collect(store: &Store) -> Result<RunReport> {
    let meta = |k: &str| -> Result<String> { Ok(store.meta(k)?.unwrap_or_default()) };
    let suite: Vec<SuiteJourney> = serde_json::from_str(&meta("suite")?).map_err(HarnessError::NoSuite)?;
    let catalog: Vec<VersionInfo> = serde_json::from_str(&meta("catalog")?).unwrap_or_default();
    let verdicts = store.verdicts()?;
    let stored: BTreeMap<String, (i64, bool)> = store.journeys()?.into_iter().map(|(j, a, d)| (j, (a, d))).collect();
    let known = known_ids(suite.iter().flat_map(|j| j.steps.iter().filter(|s| s.deliver).map(move |s| (j.id.as_str(), s.id.as_str()))));
    let requirements = summarize(&verdicts, &known);
    let status = overall(&requirements);
    let mut counts: BTreeMap<Status, usize> =
        [Status::Pass, Status::Fail, Status::Skip, Status::Error].into_iter().map(|s| (s, 0)).collect();
    for r in &requirements {
        *counts.entry(r.status).or_default() += 1;
    }
    let mut journeys = Vec::new();
    for j in &suite {
        let (attempt, finished) = stored.get(&j.id).copied().unwrap_or((0, false));
        let records: BTreeMap<String, _> = store.steps(&j.id)?.into_iter().map(|r| (r.step.clone(), r)).collect();
        let mine: Vec<&Verdict> = verdicts.iter().filter(|v| v.journey == j.id).collect();
        let mut steps = Vec::new();
        for s in &j.steps {
            let vs: Vec<Verdict> = mine.iter().filter(|v| v.step.as_deref() == Some(s.id.as_str())).map(|v| (*v).clone()).collect();
            let rec = records.get(&s.id);
            let status = vs.iter().map(|v| v.status).fold(Status::Skip, Status::worst);
            steps.push(StepReport {
                id: s.id.clone(),
                check: vum_id(&j.id, &s.id),
                date: s.date.clone(),
                phase: s.phase.clone(),
                outcome: rec.map(|r| r.outcome.clone()).unwrap_or_else(|| "not run".into()),
                deliver: s.deliver,
                status,
                messages: rec.map(|r| r.messages.clone()).unwrap_or_default(),
                verdicts: vs,
            });
        }
        let journey_verdicts: Vec<Verdict> = mine.iter().filter(|v| v.step.is_none()).map(|v| (*v).clone()).collect();
        let status = mine.iter().map(|v| v.status).fold(Status::Skip, Status::worst);
        let reports = store
            .reports(&j.id)?
            .into_iter()
            .map(|r| ReportRef {
                id: r.id,
                step: r.step,
                bundle: r.bundle_id.map(|b| mask_in_text(&b)),
                citizen: r.citizen_masked,
                source: r.source,
                received_at: r.received_at,
                sha256: sha256_hex(&r.body),
                masked_body: masked_text(&r.body),
            })
            .collect();
        let calls = store
            .calls(&j.id)?
            .into_iter()
            .map(|mut c| {
                c.request = mask_in_text(&c.request);
                c.response = c.response.map(|r| mask_in_text(&r));
                c.error = c.error.map(|e| mask_in_text(&e));
                c
            })
            .collect();
        journeys.push(JourneyReport {
            id: j.id.clone(),
            title: j.title.clone(),
            status,
            attempt,
            finished,
            steps,
            verdicts: journey_verdicts,
            reports,
            calls,
        });
    }
    let (superseded_reports, superseded_calls) = store.superseded()?;
    let testscripts = super::testscript::evaluate(store, &suite)?;
    Ok(RunReport {
        format: "ffbkit-certify/1".into(),
        tool: meta("tool")?,
        run: meta("run")?,
        vendor: meta("vendor")?,
        driver: meta("driver")?,
        mode: meta("mode")?,
        strict: meta("strict")? == "true",
        as_written: meta("as_written")? == "true",
        started_at: meta("started_at")?,
        finished_at: store.meta("finished_at")?,
        ig_package: IG_PACKAGE.into(),
        ig_version: IG_VERSION.into(),
        catalog,
        evidence_sha256: store.content_hash()?,
        status,
        counts,
        requirements,
        journeys,
        superseded_reports,
        superseded_calls,
        testscripts,
        signer: None,
    })
}

/// The paths written by [`write_all`].
#[derive(Clone, Debug)]
pub struct Written {
    /// certify.json
    pub json: PathBuf,
    /// certify.junit.xml
    pub junit: PathBuf,
    /// certify.html
    pub html: PathBuf,
    /// certify.json.sig, when the run was signed (`--sign`).
    pub signature: Option<PathBuf>,
}

/// Write the three reports into `dir`.
pub fn write_all(report: &RunReport, dir: &Path) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(HarnessError::io("create", dir))?;
    let w = Written { json: dir.join(JSON_FILE), junit: dir.join(JUNIT_FILE), html: dir.join(HTML_FILE), signature: None };
    let write = |p: &Path, text: String| std::fs::write(p, text).map_err(HarnessError::io("write", p));
    write(&w.json, json::render(report)?)?;
    write(&w.junit, junit::render(report))?;
    write(&w.html, html::render(report))?;
    Ok(w)
}

/// What `ffbkit certify verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// The hash `certify.json` states.
    pub stated: String,
    /// The hash recomputed from the evidence store.
    pub recomputed: String,
    /// Differences between `certify.json` and the report rebuilt from the store (empty when
    /// none).
    pub differences: Vec<String>,
}

impl Verification {
    /// True when the certificate matches its evidence.
    pub fn ok(&self) -> bool {
        self.stated == self.recomputed && self.differences.is_empty()
    }
}

/// Recompute the evidence hash of a run directory and compare `certify.json` with the
/// report rebuilt from the evidence store.
pub fn verify(dir: &Path) -> Result<Verification> {
    let path = dir.join(JSON_FILE);
    let text = std::fs::read_to_string(&path).map_err(HarnessError::io("read", &path))?;
    let stated: RunReport = serde_json::from_str(&text).map_err(|source| HarnessError::NotAReport { path: path.clone(), source })?;
    let store = Store::open_existing(dir)?;
    let mut rebuilt = collect(&store)?;
    for j in &mut rebuilt.journeys {
        for r in &mut j.reports {
            r.masked_body.clear(); // not part of certify.json
        }
    }
    let mut differences = Vec::new();
    if stated.status != rebuilt.status {
        differences.push(format!("status: certificate says {}, evidence says {}", stated.status, rebuilt.status));
    }
    if stated.requirements != rebuilt.requirements {
        for (a, b) in stated.requirements.iter().zip(&rebuilt.requirements) {
            if a != b {
                differences.push(format!(
                    "{}: certificate says {} ({} checks), evidence says {} ({} checks)",
                    b.id, a.status, a.checks, b.status, b.checks
                ));
            }
        }
        if stated.requirements.len() != rebuilt.requirements.len() {
            differences.push(format!(
                "{} requirement ids in the certificate, {} in the evidence",
                stated.requirements.len(),
                rebuilt.requirements.len()
            ));
        }
    }
    if stated.journeys != rebuilt.journeys {
        differences.push("the journeys, steps or verdicts differ from the evidence".into());
    }
    if stated.testscripts != rebuilt.testscripts {
        differences.push("the TestScript results differ from the evidence".into());
    }
    Ok(Verification { stated: stated.evidence_sha256, recomputed: rebuilt.evidence_sha256, differences })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::store::{NewReport, StepRecord};
    use crate::harness::verdict::Evidence;

    /// A hand-made run: one journey, two steps, a pass, a GW failure on a report that holds a
    /// CPR number, an adapter error, and a journey-level DST pass.
    fn hand_made(dir: &Path) -> Store {
        let mut s = Store::open(dir).unwrap();
        let suite = vec![SuiteJourney {
            id: "demo".into(),
            title: "Demo-forløb".into(),
            steps: vec![
                SuiteStep {
                    id: "henvendelse".into(),
                    date: "2025-03-03".into(),
                    phase: "henvendelse".into(),
                    deliver: true,
                    testscript: Vec::new(),
                },
                SuiteStep {
                    id: "bestilling".into(),
                    date: "2025-03-10".into(),
                    phase: "sagsvurdering og bestilling".into(),
                    deliver: true,
                    testscript: Vec::new(),
                },
            ],
        }];
        for (k, v) in [
            ("tool", "ffbkit test"),
            ("run", "run-1"),
            ("vendor", "reference"),
            ("driver", "reference"),
            ("mode", "pull"),
            ("strict", "false"),
            ("started_at", "2026-01-01T00:00:00.000Z"),
        ] {
            s.set_meta(k, v).unwrap();
        }
        s.set_meta("suite", &serde_json::to_string(&suite).unwrap()).unwrap();
        s.set_meta("catalog", r#"[{"system":"urn:oid:1.2.208.176.2.22","version":"20240530"}]"#).unwrap();
        s.begin_journey("demo").unwrap();
        let body = br#"{"resourceType":"Bundle","id":"b-1","entry":[{"resource":{"resourceType":"Patient","identifier":[{"value":"0101504321"}]}}]}"#;
        let r = s.add_report("demo", "henvendelse", &NewReport { source: "pull", receiver_seq: None, received_at: None, body }).unwrap();
        let ev = Evidence::report(r, Some("b-1".into()));
        let v1 = vec![
            Verdict::new("GW-REF", Status::Pass, "demo", Some("henvendelse")).with_evidence([ev.clone()]),
            Verdict::new("GW-CITIZEN", Status::Fail, "demo", Some("henvendelse"))
                .with_evidence([ev.clone().at(Some("Bundle.entry[0].resource".into()))])
                .with_message("error[GW-CITIZEN] b-1: the CPR 010150-**** <has> no \"municipality\""),
            Verdict::new("VUM-demo-henvendelse", Status::Pass, "demo", Some("henvendelse")).with_evidence([ev]),
        ];
        s.finish_step(
            "demo",
            &StepRecord { idx: 0, step: "henvendelse".into(), date: "2025-03-03".into(), outcome: "judged".into(), messages: vec![] },
            &v1,
        )
        .unwrap();
        let c = s
            .add_call(
                "demo",
                Some("bestilling"),
                "POST /deliver",
                r#"{"date":"2025-03-10"}"#,
                Some(500),
                Some(b"boom"),
                Some("POST /deliver: HTTP 500: boom"),
            )
            .unwrap();
        let v2 = vec![Verdict::new("VUM-demo-bestilling", Status::Error, "demo", Some("bestilling"))
            .with_evidence([Evidence::call(c)])
            .with_message("POST /deliver: HTTP 500: boom")];
        s.finish_step(
            "demo",
            &StepRecord {
                idx: 1,
                step: "bestilling".into(),
                date: "2025-03-10".into(),
                outcome: "error".into(),
                messages: vec!["POST /deliver: HTTP 500: boom".into()],
            },
            &v2,
        )
        .unwrap();
        s.add_verdicts("demo", &[Verdict::new("DST-AD", Status::Pass, "demo", None)]).unwrap();
        s.finish_journey("demo").unwrap();
        s
    }

    #[test]
    fn reports_from_a_hand_made_verdict_set() {
        let dir = tempfile::tempdir().unwrap();
        let store = hand_made(dir.path());
        let r = collect(&store).unwrap();
        assert_eq!(r.status, Status::Fail);
        let req = |id: &str| r.requirements.iter().find(|q| q.id == id).unwrap();
        assert_eq!(req("GW-CITIZEN").status, Status::Fail);
        assert_eq!(req("GW-REF").status, Status::Pass);
        assert_eq!(req("VUM-demo-bestilling").status, Status::Error);
        assert_eq!(req("DST-AD").status, Status::Pass);
        assert_eq!(req("PROTO-DAILY").status, Status::Skip, "not implemented by the audit: listed, never passed");
        assert_eq!(req("DST-TRIPLE").status, Status::Skip, "not exercised");
        assert_eq!(r.journeys[0].steps[1].outcome, "error");
        assert_eq!(r.journeys[0].verdicts.len(), 1);
        assert_eq!(r.counts[&Status::Fail], 1);
        assert_eq!(r.counts[&Status::Error], 1);

        let w = write_all(&r, dir.path()).unwrap();
        let html = std::fs::read_to_string(&w.html).unwrap();
        assert!(html.contains(&r.evidence_sha256));
        assert!(html.contains("kl.dk.fhir.ffbreporting 1.0.0") && html.contains("20240530"));
        assert!(html.contains(r##"<a href="#r-1">"##) && html.contains(r#"<details id="r-1">"#), "findings link to their evidence");
        assert!(html.contains(r##"<a href="#c-1">"##) && html.contains(r#"<details id="c-1">"#), "errors link to the exchange");
        assert!(html.contains("010150-****") && !html.contains("0101504321"), "CPR masked in the evidence");
        assert!(html.contains("&lt;has&gt;") && !html.contains("<has>"), "messages escaped");
        assert!(html.contains(r##"href="#v-0-1""##), "the summary links to the first failing check");

        let junit = std::fs::read_to_string(&w.junit).unwrap();
        assert_eq!(junit.matches("<testsuite ").count(), 2);
        assert!(junit.contains(r#"<testcase name="GW-CITIZEN @ henvendelse" classname="certify.demo">"#));
        assert!(junit.contains("<failure message=") && junit.contains("<error message=") && junit.contains("<skipped message="));
        assert!(!junit.contains("0101504321"));

        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&w.json).unwrap()).unwrap();
        assert_eq!(json["status"], "fail");
        assert_eq!(json["ig_version"], "1.0.0");
        assert_eq!(json["evidence_sha256"], r.evidence_sha256.as_str());
        assert!(!json.to_string().contains("0101504321"));

        assert!(verify(dir.path()).unwrap().ok(), "{:?}", verify(dir.path()).unwrap());
    }

    /// Issue 22: a CPR number written with JSON escapes in a report, as its Bundle id, with a
    /// space in a message and escaped in an adapter's answer is masked in certify.json, the
    /// JUnit file and the HTML page.
    #[test]
    fn certify_outputs_mask_a_cpr_number_in_every_notation() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = hand_made(dir.path());
        let escaped: String = "0101504321".chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
        let body = format!(
            r#"{{"resourceType":"Bundle","id":"0101504321","entry":[{{"resource":{{"resourceType":"Patient","identifier":[{{"value":"{escaped}"}}]}}}}]}}"#
        );
        let r = store
            .add_report(
                "demo",
                "henvendelse",
                &NewReport { source: "push", receiver_seq: Some(9), received_at: None, body: body.as_bytes() },
            )
            .unwrap();
        let c = store.add_call("demo", Some("henvendelse"), "POST /deliver", "{}", Some(200), Some(body.as_bytes()), None).unwrap();
        let v = Verdict::new("GW-ID", Status::Fail, "demo", Some("henvendelse"))
            .with_evidence([Evidence::report(r, Some("0101504321".into())), Evidence::call(c)])
            .with_message("error[GW-ID] the Bundle id 010150 4321 is a CPR number");
        store.add_verdicts("demo", &[v]).unwrap();
        write_all(&collect(&store).unwrap(), dir.path()).unwrap();
        for file in [JSON_FILE, JUNIT_FILE, HTML_FILE] {
            let mut text = std::fs::read_to_string(dir.path().join(file)).unwrap();
            for d in 0..10 {
                text = text.replace(&format!("\\u003{d}"), &d.to_string());
            }
            for clear in ["01015043", "010150-43", "010150 43"] {
                assert!(!text.contains(clear), "{file} shows {clear}");
            }
            assert!(text.contains("010150-****"), "{file}");
        }
    }

    #[test]
    fn verify_finds_tampered_evidence_and_tampered_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let store = hand_made(dir.path());
        write_all(&collect(&store).unwrap(), dir.path()).unwrap();
        // A certificate edited to say pass.
        let path = dir.path().join(JSON_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"status\": \"fail\"", "\"status\": \"pass\"", 1)).unwrap();
        let v = verify(dir.path()).unwrap();
        assert!(!v.ok() && v.stated == v.recomputed && !v.differences.is_empty());
        std::fs::write(&path, &text).unwrap();
        assert!(verify(dir.path()).unwrap().ok());
        // Evidence edited after the fact: the hash chain refuses it before anything is compared.
        let conn = rusqlite::Connection::open(dir.path().join(crate::harness::store::FILE_NAME)).unwrap();
        conn.execute("UPDATE reports SET body = X'7B7D'", []).unwrap();
        match verify(dir.path()) {
            Err(HarnessError::EvidenceEdited { detail, .. }) => assert!(detail.contains("reports row 1"), "{detail}"),
            other => panic!("{other:?}"),
        }
        // Evidence and chain rewritten alike (no secret stops that): the certificate's
        // recorded hash still tells.
        conn.execute("DELETE FROM chain", []).unwrap();
        drop(conn);
        let store = Store::open(dir.path()).unwrap();
        for table in ["meta", "journeys", "steps", "calls", "reports", "verdicts"] {
            let rows: Vec<i64> = {
                let mut st = store.conn_for_tests().prepare(&format!("SELECT rowid FROM {table} ORDER BY rowid")).unwrap();
                st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
            };
            for row in rows {
                store.relink_for_tests(table, row);
            }
        }
        drop(store);
        let v = verify(dir.path()).unwrap();
        assert!(!v.ok() && v.stated != v.recomputed);
    }
}
