//! Reports as Arrow tables (`ffbkit_sdk::dataset`, feature `dataset`), without Python: reads
//! a corpus into the dataset's tables and prints the time of each step. The same read as
//! the Python package's `read_reports`; used to profile it
//! (`perf record target/release/examples/read_corpus DIR`).
//!
//! usage: cargo run --release -p ffbkit-sdk --features dataset --example read_corpus -- DIR [--no-validate] [--no-tables] [--audit] [--history] [--digest]
//!
//! `--digest` prints a hash of each table's Arrow buffers: the same for two builds that
//! make the same tables (a check for changes that should only make the read faster).
//! `--no-tables` reads and validates without building the resource tables (what the
//! tables cost is the difference).

use ffbkit_sdk::dataset::{Dataset, DatasetOptions};
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
    let mut opts = DatasetOptions::default();
    opts.history = flag("--history");
    opts.tables = !flag("--no-tables");
    opts.audit = flag("--audit");
    opts.validate = !flag("--no-validate");
    let t0 = Instant::now();
    let ds = match Dataset::load(&[dir], &opts) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("read_corpus: {e}");
            std::process::exit(1);
        }
    };
    let rows: usize = ds.tables().map(|(_, b)| b.num_rows()).sum();
    for (name, batch) in ds.tables() {
        if flag("--digest") {
            println!("  {name}: {} rows, digest {:016x}", batch.num_rows(), digest(batch));
        } else {
            println!("  {name}: {} rows", batch.num_rows());
        }
    }
    let summary = ds.summary();
    for (step, secs) in &summary.steps {
        println!("  {step}: {secs:.2} s");
    }
    println!(
        "{} reports, {} resources, {} invalid -> {rows} rows in {} tables in {:.2} s",
        summary.reports,
        summary.resources,
        summary.invalid,
        ds.tables().count(),
        t0.elapsed().as_secs_f64()
    );
}
