//! The Rust half of `read_reports`, without Python: reads a corpus into the dataset's
//! Arrow tables and prints the time of each step. Used to profile the Python package
//! (`perf record target/release/examples/read_corpus DIR`).
//!
//! usage: cargo run --release -p ffbkit-python --example read_corpus -- DIR [--no-validate] [--audit]

use _ffbkit::cpr::CprMode;
use _ffbkit::dataset::{read, ReadOptions};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: read_corpus DIR [--no-validate] [--audit] [--history]");
        std::process::exit(2);
    };
    let flag = |f: &str| args.iter().any(|a| a == f);
    let opts = ReadOptions { history: flag("--history"), cpr: CprMode::Masked, tables: true, audit: flag("--audit"), skip_invalid: false, validate: !flag("--no-validate") };
    let t0 = Instant::now();
    let out = read(&[PathBuf::from(dir)], opts, &|| false);
    let rows: usize = out.tables.iter().map(|(_, b)| b.num_rows()).sum();
    for (name, batch) in &out.tables {
        println!("  {name}: {} rows", batch.num_rows());
    }
    for (step, secs) in &out.summary.steps {
        println!("  {step}: {secs:.2} s");
    }
    println!("{} reports, {} resources, {} invalid -> {rows} rows in {} tables in {:.2} s", out.summary.reports, out.summary.resources, out.summary.invalid, out.tables.len(), t0.elapsed().as_secs_f64());
}
