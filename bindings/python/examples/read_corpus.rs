//! The Rust half of `read_reports`, without Python: reads a corpus into the dataset's
//! Arrow tables and prints the time of each step. Used to profile the Python package
//! (`perf record target/release/examples/read_corpus DIR`).
//!
//! usage: cargo run --release -p ffbkit-python --example read_corpus -- DIR [--no-validate] [--no-tables] [--audit] [--history] [--digest]
//!
//! `--digest` prints a hash of each table's Arrow buffers: the same for two builds that
//! make the same tables (a check for changes that should only make the read faster).
//! `--no-tables` reads and validates without building the resource tables (what the
//! tables cost is the difference).

use _ffbkit::cpr::CprMode;
use _ffbkit::dataset::{read, ReadOptions};
use std::path::PathBuf;
use std::time::Instant;

/// A hash of a batch's column data (values, offsets and validity of every column).
fn digest(batch: &arrow_array::RecordBatch) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for column in batch.columns() {
        let data = column.to_data();
        for buffer in data.buffers() {
            buffer.as_slice().hash(&mut h);
        }
        if let Some(nulls) = data.nulls() {
            (0..nulls.len()).map(|i| nulls.is_valid(i)).collect::<Vec<_>>().hash(&mut h);
        }
    }
    h.finish()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: read_corpus DIR [--no-validate] [--no-tables] [--audit] [--history] [--digest]");
        std::process::exit(2);
    };
    let flag = |f: &str| args.iter().any(|a| a == f);
    let opts = ReadOptions {
        history: flag("--history"),
        cpr: CprMode::Masked,
        tables: !flag("--no-tables"),
        audit: flag("--audit"),
        skip_invalid: false,
        validate: !flag("--no-validate"),
    };
    let t0 = Instant::now();
    let out = read(&[PathBuf::from(dir)], opts, &|| false);
    let rows: usize = out.tables.iter().map(|(_, b)| b.num_rows()).sum();
    for (name, batch) in &out.tables {
        if flag("--digest") {
            println!("  {name}: {} rows, digest {:016x}", batch.num_rows(), digest(batch));
        } else {
            println!("  {name}: {} rows", batch.num_rows());
        }
    }
    for (step, secs) in &out.summary.steps {
        println!("  {step}: {secs:.2} s");
    }
    println!(
        "{} reports, {} resources, {} invalid -> {rows} rows in {} tables in {:.2} s",
        out.summary.reports,
        out.summary.resources,
        out.summary.invalid,
        out.tables.len(),
        t0.elapsed().as_secs_f64()
    );
}
