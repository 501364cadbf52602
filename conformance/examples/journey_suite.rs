//! Time the journey suite against the reference vendor over HTTP on loopback (pull mode),
//! with every report validated and every citizen's stream audited, as the harness does:
//! `cargo run --release -p ffbkit-conformance --example journey_suite [-- --defect NAME]`.

use ffbkit_conformance::journey;
use ffbkit_conformance::vendor::{self, Defect};
use serde_json::{json, Value};
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let defect = match args.iter().position(|a| a == "--defect") {
        Some(i) => {
            Some(Defect::from_name(args.get(i + 1).map(String::as_str).unwrap_or("")).ok_or_else(|| anyhow::anyhow!("unknown defect"))?)
        }
        None => None,
    };
    let started = Instant::now();
    let suite = journey::embedded();
    let adapter = vendor::serve(defect, "127.0.0.1:0".parse()?).await?;
    let base = adapter.url();
    let http = reqwest::Client::new();
    let validator = ffbkit_sdk::validate::Validator::default_validator();
    let (mut reports, mut steps, mut errors, mut findings, mut failed_checks) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for j in &suite {
        http.post(format!("{base}/reset"))
            .json(&json!({"run": format!("bench-{}", j.id), "gateway": null, "token": null}))
            .send()
            .await?
            .error_for_status()?;
        let mut stream: Vec<Value> = Vec::new();
        for (i, step) in j.steps.iter().enumerate() {
            steps += 1;
            for a in &step.actions {
                http.post(format!("{base}/actions"))
                    .json(&json!({"journey": j.id, "step": step.id, "date": step.date.to_string(), "action": a}))
                    .send()
                    .await?
                    .error_for_status()?;
            }
            if !step.deliver {
                continue;
            }
            let body: Value = http
                .post(format!("{base}/deliver"))
                .json(&json!({"date": step.date.to_string()}))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let these = body["reports"].as_array().cloned().unwrap_or_default();
            for r in &these {
                reports += 1;
                let outcome = validator.validate_bytes(&serde_json::to_vec(r)?);
                if outcome.is_valid() {
                    stream.push(r.clone());
                } else {
                    errors += 1;
                }
            }
            if !journey::check_step(j, i, &these, &stream).passed {
                failed_checks += 1;
            }
        }
        let mut by_citizen: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for r in stream {
            by_citizen.entry(ffbkit_sdk::report::citizen_cpr(&r).unwrap_or_default().to_string()).or_default().push(r);
        }
        findings += by_citizen.values().map(|rs| ffbkit_sdk::audit::audit_citizen(rs).findings.len()).sum::<usize>();
    }
    adapter.shutdown().await;
    println!(
        "{} journeys, {steps} steps, {reports} reports over HTTP: {errors} invalid, {findings} audit findings, {failed_checks} failed VUM checks, in {:.2} s",
        suite.len(),
        started.elapsed().as_secs_f64()
    );
    if defect.is_none() && errors + findings + failed_checks > 0 {
        anyhow::bail!("the reference vendor must pass everything");
    }
    Ok(())
}
