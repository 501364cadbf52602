//! Validate seeded sample reports on one core and print where the time goes: serde_json's
//! parse (the floor), ffbkit's parse (with duplicate-key detection), the checks on the
//! parsed value, and the whole `validate_bytes`. Profile with
//! `perf record cargo run --release -p ffbkit-sdk --example validate_sample`.

use std::time::Instant;

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let rounds: u32 = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let docs: Vec<Vec<u8>> = (0..n).map(|i| serde_json::to_vec_pretty(&ffbkit_sdk::sample::report(1, i)).unwrap()).collect();
    let v = ffbkit_sdk::validate::Validator::default_validator();
    let limits = ffbkit_sdk::validate::source::Limits::default();
    let per = |t: Instant| t.elapsed() / (n as u32 * rounds);
    if std::env::args().nth(3).as_deref() == Some("checks") {
        let values: Vec<serde_json::Value> = docs.iter().map(|d| serde_json::from_slice(d).unwrap()).collect();
        let t = Instant::now();
        for _ in 0..rounds {
            for val in &values {
                std::hint::black_box(v.validate_value(val));
            }
        }
        println!("checks on parsed      {:?} per report", per(t));
        return;
    }
    let t = Instant::now();
    for _ in 0..rounds {
        for d in &docs {
            std::hint::black_box(serde_json::from_slice::<serde_json::Value>(d).unwrap());
        }
    }
    println!("serde_json parse      {:?} per report", per(t));
    let t = Instant::now();
    for _ in 0..rounds {
        for d in &docs {
            std::hint::black_box(ffbkit_sdk::validate::source::parse(d, &limits).unwrap());
        }
    }
    println!("ffbkit parse          {:?} per report", per(t));
    let values: Vec<serde_json::Value> = docs.iter().map(|d| serde_json::from_slice(d).unwrap()).collect();
    let t = Instant::now();
    for _ in 0..rounds {
        for val in &values {
            std::hint::black_box(v.validate_value(val));
        }
    }
    println!("checks on parsed      {:?} per report", per(t));
    let t = Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for d in &docs {
            findings += v.validate_bytes(d).diagnostics.len();
        }
    }
    println!("validate_bytes        {:?} per report ({findings} findings)", per(t));
}
