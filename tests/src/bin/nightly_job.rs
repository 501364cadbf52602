//! A nightly reporting job, as a vendor's would be, for the kill -9 test
//! (`tests/nightly_kill.rs`): for each day of [`ffbkit_e2e::nightly_cases`], plan each case's
//! report and queue it (`DurablePlanner::plan_and_enqueue`, one transaction), then send what
//! is queued (`Outbox::flush`). Started again after a kill it goes on where the store says.
//!
//! Usage: `nightly_job STORE ENDPOINT TOKEN [STOP]`. It prints `at POINT DAY CASE` at each
//! point (`before-plan`, `after-plan`, `after-write`, `after-enqueue`, `before-send`); with
//! `STOP` = `POINT:DAY` it prints `stopped` there and waits to be killed.

use ffbkit_sdk::gateway::{Auth, DurablePlanner, GatewayClient, GatewayConfig, Step};
use std::io::Write;
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, store, endpoint, token, rest @ ..] = args.as_slice() else {
        return Err("usage: nightly_job STORE ENDPOINT TOKEN [POINT:DAY]".into());
    };
    let stop = rest.first().cloned().unwrap_or_default();
    let at = |point: &str, day: usize, case: usize| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "at {point} {day} {case}");
        if stop == format!("{point}:{day}") && case == 0 {
            let _ = writeln!(out, "stopped");
            let _ = out.flush();
            drop(out);
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        let _ = out.flush();
    };
    let mut gw = GatewayConfig::new(endpoint);
    gw.auth = Auth::Bearer(token.clone());
    gw.timeout = Duration::from_secs(60);
    gw.max_attempts = 2;
    gw.backoff = Duration::from_millis(50);
    let client = GatewayClient::new(gw)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let planner = DurablePlanner::open(store)?;
    let cases = ffbkit_e2e::nightly_cases();
    for day in 0..cases[0].len() {
        for (c, week) in cases.iter().enumerate() {
            let (date, case) = &week[day];
            at("before-plan", day, c);
            planner.plan_and_enqueue_observed(case, *date, &mut |step| match step {
                Step::Planned => at("after-plan", day, c),
                Step::Written => at("after-write", day, c),
                Step::Committed => {}
            })?;
            at("after-enqueue", day, c);
        }
        at("before-send", day, 0);
        let summary = rt.block_on(planner.outbox().flush(&client))?;
        println!("sent {} day {day}", summary.sent);
    }
    println!("done");
    Ok(())
}
