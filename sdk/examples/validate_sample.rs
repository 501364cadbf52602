//! Validate seeded sample reports on one core and print where the time goes: serde_json's
//! parse (the floor), ffbkit's parse (with duplicate-key detection), the checks on a
//! parsed value (conversion included), and the whole `validate_bytes`.
//!
//! Run: `cargo run --release -p ffbkit-sdk --example validate_sample [REPORTS] [ROUNDS] [checks]`
//! (`checks` times only the checks: handy under `perf record`).

use std::time::Instant;

fn main() {
    let arg = |i: usize| std::env::args().nth(i);
    let n: u64 = arg(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds: u32 = arg(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let only_checks = arg(3).as_deref() == Some("checks");
    let docs: Vec<Vec<u8>> = (0..n).map(|i| serde_json::to_vec_pretty(&ffbkit_sdk::sample::report(1, i)).unwrap()).collect();
    let values: Vec<serde_json::Value> = docs.iter().map(|d| serde_json::from_slice(d).unwrap()).collect();
    let v = ffbkit_sdk::validate::Validator::default_validator();
    let limits = ffbkit_sdk::validate::source::Limits::default();
    // Time `f` over every report, `rounds` times, and print the time per report.
    let time = |label: &str, f: &dyn Fn(usize) -> usize| {
        let t = Instant::now();
        let mut findings = 0;
        for _ in 0..rounds {
            for i in 0..docs.len() {
                findings += f(i);
            }
        }
        println!("{label:<22}{:?} per report ({findings} findings)", t.elapsed() / (n as u32 * rounds));
    };
    if !only_checks {
        time("serde_json parse", &|i| usize::from(std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&docs[i]).is_err())));
        time("ffbkit parse", &|i| {
            usize::from(std::hint::black_box(
                ffbkit_sdk::validate::source::parse(&docs[i], &ffbkit_sdk::validate::json::Arena::for_report(docs[i].len()), &limits)
                    .is_err(),
            ))
        });
    }
    time("checks on parsed", &|i| v.validate_value(&values[i]).diagnostics.len());
    if !only_checks {
        time("validate_bytes", &|i| v.validate_bytes(&docs[i]).diagnostics.len());
    }
}
