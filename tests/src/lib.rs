//! Cross-crate end-to-end tests live in `tests/`; this library holds what they share with
//! the child processes they start (`src/bin`).

use ffbkit_sdk::domain::{Case, Cpr, Date};
use ffbkit_sdk::planner::example_week;

/// The cases of the nightly job (`src/bin/nightly_job.rs`, `tests/nightly_kill.rs`): two
/// citizens' weeks ([`example_week`], seeds 41 and 42, each its own CPR number), each as its
/// case stands on each of seven days. The same every time (seeded ids).
pub fn nightly_cases() -> Vec<Vec<(Date, Case)>> {
    [41u64, 42]
        .iter()
        .map(|seed| {
            let cpr = Cpr::parse(&ffbkit_sdk::ids::Rng::new(*seed).cpr()).expect("a valid fictitious CPR number");
            let mut week = example_week(*seed);
            for (_, case) in &mut week {
                case.citizen.cpr = cpr.clone();
            }
            week
        })
        .collect()
}
