//! The runner: per journey, reset the vendor, then per step do its actions and delivery,
//! collect the step's reports (pulled from `/deliver` or pushed to the in-process
//! receiver), store them as evidence BEFORE judging, then judge: GW on every report, PROTO
//! over the journey's stream as soon as a finding appears, `VUM-<journey>-<step>` with the
//! journey's own expectations (a failed expectation that names the requirement it stands
//! for fails that id too), and DST per citizen at the end of the journey.
//!
//! A vendor that times out, answers 500 or sends garbage gets an `error` verdict for that
//! step, and the run goes on with the next step.
//!
//! Resume (`--resume`): journeys finished in the store are kept as they are; a journey that
//! was interrupted is re-run from `/reset` as a new attempt (a vendor's state cannot be
//! rebuilt in the middle of a journey); its earlier attempt's evidence stays in the store.

use super::driver::{Driver, Gateway, Mode, StepRun, Wait};
use super::error::{HarnessError, Result};
use super::judge::{judge_gw, JudgedReport, StreamJudge};
use super::progress::Progress;
use super::report::{SuiteJourney, SuiteStep, VersionInfo};
use super::requirements::vum_id;
use super::store::{NewReport, StepRecord, Store};
use super::verdict::{Evidence, Status, Verdict};
use crate::journey::{expect::check_step, Journey};
use crate::receiver::RunningReceiver;
use ffbkit_sdk::validate::Validator;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a run goes.
pub struct RunSettings {
    /// Run id (told to the vendor in `/reset`).
    pub run: String,
    /// Who is certified (`reference`, a URL, …), for the reports.
    pub vendor: String,
    /// push or pull.
    pub mode: Mode,
    /// Per adapter call (http) and per step's wait for pushed reports.
    pub timeout: Duration,
    /// Validate with the IG's text-only rules as errors.
    pub strict: bool,
    /// Judge the IG's invariants as their expressions are written (`--as-written`).
    pub as_written: bool,
    /// Set to stop after the current step (Ctrl-C); the run can then be resumed.
    pub interrupt: Arc<AtomicBool>,
    /// The receiver's base URL as the vendor reaches it (push), when not its bound address
    /// (e.g. listening on 0.0.0.0 behind a host name).
    pub public_url: Option<String>,
    /// `--testscript`: the TestScript's JSON text, kept in the evidence store and run on
    /// the reports when the reports are made ([`super::testscript`]).
    pub testscript: Option<String>,
    /// Push mode: the bearer token the receiver requires, handed to the vendor in `/reset`
    /// (none: the receiver is open).
    pub gateway_token: Option<super::secret::Secret>,
}

/// The suite as stored in the evidence store.
pub fn suite_of(journeys: &[Journey]) -> Vec<SuiteJourney> {
    journeys
        .iter()
        .map(|j| SuiteJourney {
            id: j.id.clone(),
            title: j.title.clone(),
            steps: j
                .steps
                .iter()
                .map(|s| SuiteStep {
                    id: s.id.clone(),
                    date: s.date.to_string(),
                    phase: s.phase.danish().to_string(),
                    deliver: s.deliver,
                    testscript: s.testscript.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Record the run's settings (a new run) or check them against the stored ones (resume).
pub fn prepare_store(store: &Store, journeys: &[Journey], settings: &RunSettings, driver: &str, resume: bool) -> Result<()> {
    let suite = serde_json::to_string(&suite_of(journeys))?;
    if resume {
        for (key, now) in [("vendor", settings.vendor.as_str()), ("mode", settings.mode.as_str()), ("suite", suite.as_str())] {
            let stored = store.meta(key)?.unwrap_or_default();
            if stored != now {
                return Err(HarnessError::ResumeMismatch { key: key.to_string(), stored, given: now.to_string() });
            }
        }
        // How reports are judged: a resumed run judges as the run it continues.
        for (key, now) in [("strict", settings.strict), ("as_written", settings.as_written)] {
            let stored = store.meta(key)?.unwrap_or_else(|| "false".into());
            if stored != now.to_string() {
                return Err(HarnessError::ResumeMismatch { key: format!("--{}", key.replace('_', "-")), stored, given: now.to_string() });
            }
        }
        let script = settings.testscript.as_deref().unwrap_or_default();
        let stored = store.meta(super::testscript::META_SCRIPT)?.unwrap_or_default();
        if stored != script {
            let describe = |s: &str| if s.is_empty() { "none".to_string() } else { format!("a TestScript of {} bytes", s.len()) };
            return Err(HarnessError::ResumeMismatch { key: "--testscript".into(), stored: describe(&stored), given: describe(script) });
        }
        store.set_meta("resumed_at", &super::clock::utc_now())?;
        return Ok(());
    }
    let catalog: Vec<VersionInfo> = ffbkit_sdk::catalog::Catalog::embedded()
        .versions()
        .iter()
        .map(|v| VersionInfo { system: v.url.clone(), version: v.version.clone() })
        .collect();
    for (k, v) in [
        ("format", "ffbkit-evidence/1".to_string()),
        ("tool", format!("ffbkit {}", env!("CARGO_PKG_VERSION"))),
        ("run", settings.run.clone()),
        ("vendor", settings.vendor.clone()),
        ("driver", driver.to_string()),
        ("mode", settings.mode.as_str().to_string()),
        ("strict", settings.strict.to_string()),
        ("as_written", settings.as_written.to_string()),
        ("started_at", super::clock::utc_now()),
        ("catalog", serde_json::to_string(&catalog)?),
        ("suite", suite),
        (super::testscript::META_SCRIPT, settings.testscript.clone().unwrap_or_default()),
    ] {
        store.set_meta(k, &v)?;
    }
    Ok(())
}

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Every journey was run.
    Complete,
    /// Stopped by an interrupt; resume to finish.
    Interrupted,
}

/// Run the journeys with `driver`. In push mode `receiver` must be running; its reports
/// are copied into the evidence store per step.
pub async fn run(
    journeys: &[Journey],
    driver: &mut Driver,
    receiver: Option<&RunningReceiver>,
    store: &mut Store,
    settings: &RunSettings,
    progress: &Progress,
) -> Result<Ended> {
    let validator = if settings.strict {
        Validator::new(ffbkit_sdk::validate::Options::default().strict())?
    } else {
        Validator::new(ffbkit_sdk::validate::Options::default())?
    };
    let checker = settings.as_written.then(ffbkit_sdk::as_written::Checker::shared);
    let gateway = Gateway {
        url: match (settings.mode, receiver) {
            (Mode::Push, Some(r)) => Some(format!(
                "{}/fhir/Bundle",
                settings.public_url.as_deref().map(|u| u.trim_end_matches('/').to_string()).unwrap_or_else(|| r.url())
            )),
            (Mode::Push, None) => return Err(HarnessError::PushWithoutReceiver),
            (Mode::Pull, _) => None,
        },
        token: settings.gateway_token.clone(),
    };
    let mut last_seq = match receiver {
        Some(r) => r.store().reports_since(0)?.last().map(|r| r.seq).unwrap_or(0),
        None => 0,
    };
    for journey in journeys {
        if store.journey_done(&journey.id)? {
            progress.line(&format!("{}: already judged (resume), kept", journey.id));
            progress.skip(journey.steps.len() as u64);
            continue;
        }
        if settings.interrupt.load(Ordering::SeqCst) {
            return Ok(Ended::Interrupted);
        }
        store.begin_journey(&journey.id)?;
        progress.line(&format!("{}: {}", journey.id, journey.title));
        let begun = driver.begin_journey(store, &settings.run, journey, &gateway).await?;
        let mut stream: Vec<JudgedReport> = Vec::new();
        let mut audit = StreamJudge::new();
        for (index, step) in journey.steps.iter().enumerate() {
            let refused_before = receiver.map(RunningReceiver::refused_unauthorized).unwrap_or(0);
            let mut run = match &begun {
                Ok(()) => driver.perform_step(store, journey, index, settings.mode).await?,
                Err((e, call)) => StepRun { errors: vec![(format!("the journey could not start: {e}"), *call)], ..StepRun::default() },
            };
            // Collect the step's reports; store each before anything is judged.
            let mut ids = Vec::new();
            for body in &run.pulled {
                ids.push(store.add_report(
                    &journey.id,
                    &step.id,
                    &NewReport { source: "pull", receiver_seq: None, received_at: None, body },
                )?);
            }
            if let Some(r) = receiver {
                let (pushed, note) = collect_pushed(r, last_seq, refused_before, run.wait, settings.timeout, driver).await?;
                for p in &pushed {
                    last_seq = last_seq.max(p.seq);
                    let source = if driver.name() == "manual" { "manual" } else { "push" };
                    ids.push(store.add_report(
                        &journey.id,
                        &step.id,
                        &NewReport { source, receiver_seq: Some(p.seq), received_at: Some(p.received_at.clone()), body: &p.body },
                    )?);
                }
                if let Some(note) = note {
                    run.errors.push((note, None));
                }
            }
            let stored: Vec<_> = store.reports(&journey.id)?.into_iter().filter(|r| ids.contains(&r.id)).collect();
            // Judge.
            let (mut verdicts, judged) = judge_gw(&validator, checker, &journey.id, &step.id, &stored);
            for j in judged.iter().filter(|j| j.value.is_none()) {
                run.errors.push((format!("report #{} is not a JSON object (not a delivery report at all)", j.id), None));
            }
            stream.extend(judged.iter().cloned());
            verdicts.extend(audit.after_step(&journey.id, &step.id, &stream));
            let check = vum_id(&journey.id, &step.id);
            let step_evidence: Vec<Evidence> = judged.iter().map(|j| Evidence::report(j.id, j.bundle.clone())).collect();
            let outcome = if run.errors.is_empty() {
                if step.deliver {
                    let step_values: Vec<Value> = judged.iter().filter_map(|j| j.value.clone()).collect();
                    let stream_values: Vec<Value> = stream.iter().filter(|j| j.accepted).filter_map(|j| j.value.clone()).collect();
                    let c = check_step(journey, index, &step_values, &stream_values);
                    let mut v =
                        Verdict::new(check.clone(), if c.passed { Status::Pass } else { Status::Fail }, &journey.id, Some(&step.id))
                            .with_evidence(step_evidence.clone());
                    v.messages = c.messages.iter().map(|m| ffbkit_sdk::cpr::mask_in_text(m)).collect();
                    // A failed expectation that stands for a requirement (its `rule`) fails
                    // that requirement too, at this step.
                    for rule in c.failed_rules.iter().filter(|r| **r != check) {
                        audit.mark_failed(rule);
                        let mut f =
                            Verdict::new(rule.clone(), Status::Fail, &journey.id, Some(&step.id)).with_evidence(step_evidence.clone());
                        f.messages.push(format!("{check} failed an expectation that stands for {rule}:"));
                        f.messages.extend(v.messages.iter().cloned());
                        verdicts.push(f);
                    }
                    verdicts.push(v);
                }
                "judged"
            } else {
                let mut v = Verdict::new(check.clone(), Status::Error, &journey.id, Some(&step.id)).with_evidence(step_evidence);
                for (message, call) in &run.errors {
                    v.messages.push(ffbkit_sdk::cpr::mask_in_text(message));
                    if let Some(c) = call {
                        v.evidence.push(Evidence::call(*c));
                    }
                }
                verdicts.push(v);
                "error"
            };
            let record = StepRecord {
                idx: index,
                step: step.id.clone(),
                date: step.date.to_string(),
                outcome: outcome.to_string(),
                messages: run.errors.iter().map(|(m, _)| ffbkit_sdk::cpr::mask_in_text(m)).collect(),
            };
            let worst = verdicts.iter().map(|v| v.status).fold(Status::Skip, Status::worst);
            store.finish_step(&journey.id, &record, &verdicts)?;
            progress.step(&journey.id, &step.id, if outcome == "error" { "error" } else { worst.as_str() });
            if settings.interrupt.load(Ordering::SeqCst) {
                progress.line(&format!("interrupted in {} after step {}; resume with --resume", journey.id, step.id));
                return Ok(Ended::Interrupted);
            }
        }
        let end = audit.finish(&journey.id, &stream);
        store.add_verdicts(&journey.id, &end)?;
        store.finish_journey(&journey.id)?;
    }
    store.set_meta("finished_at", &super::clock::utc_now())?;
    Ok(Ended::Complete)
}

/// Wait for a step's pushed reports at the receiver. Returns them and, when fewer arrived
/// than the vendor said it sent, why that is an error.
async fn collect_pushed(
    receiver: &RunningReceiver,
    after: i64,
    refused_before: u64,
    wait: Wait,
    timeout: Duration,
    driver: &mut Driver,
) -> Result<(Vec<crate::receiver::StoredReport>, Option<String>)> {
    let store = receiver.store();
    let fetch = |store: &crate::receiver::Store| store.reports_since(after).map_err(HarnessError::ReceiverStore);
    let refused = || receiver.refused_unauthorized().saturating_sub(refused_before) as usize;
    let why_refused = |n: usize| {
        if n == 0 {
            String::new()
        } else {
            format!("; the receiver refused {n} report(s) without the bearer token given in /reset (HTTP 401)")
        }
    };
    match wait {
        Wait::Nothing => Ok((fetch(&store)?, None)),
        Wait::Sent(n) => {
            let deadline = Instant::now() + timeout;
            loop {
                let got = fetch(&store)?;
                if got.len() >= n {
                    return Ok((got, None));
                }
                // Refused reports will not arrive: no need to wait for them.
                let refused = refused();
                if got.len() + refused >= n || Instant::now() >= deadline {
                    let m = got.len();
                    return Ok((
                        got,
                        Some(format!(
                            "the vendor said it sent {n} report(s), but the receiver got {m} within {} ms{}",
                            timeout.as_millis(),
                            why_refused(refused)
                        )),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        Wait::Operator(expected) => {
            let Driver::Manual(m) = driver else { return Ok((fetch(&store)?, None)) };
            let deadline = tokio::time::Instant::now() + m.timeout();
            loop {
                let got = fetch(&store)?;
                if let Some(n) = expected.filter(|&n| n > 0) {
                    if got.len() >= n {
                        return Ok((got, None));
                    }
                }
                tokio::select! {
                    line = m.input().recv() => {
                        let _ = line;
                        return Ok((fetch(&store)?, None));
                    }
                    _ = tokio::time::sleep_until(deadline) => {
                        let got = fetch(&store)?;
                        let missing = expected.is_some_and(|n| got.len() < n) || (expected.is_none() && got.is_empty());
                        let note = missing.then(|| format!("no (or too few) reports arrived within {} s of the step{}", m.timeout().as_secs(), why_refused(refused())));
                        return Ok((got, note));
                    }
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        }
    }
}
