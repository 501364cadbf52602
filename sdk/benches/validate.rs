//! Validation throughput beside its floor, serde_json's parse into a `Value`, on the same
//! seeded sample reports (`ffbkit_sdk::sample`, seed 1): parse only, full validation on one
//! core, full validation on all cores. Run: `cargo bench -p ffbkit-sdk --bench validate`.

// `criterion_group!` generates the undocumented `benches` function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ffbkit_sdk::validate::Validator;
use rayon::prelude::*;

const REPORTS: u64 = 1000;

fn corpus() -> Vec<Vec<u8>> {
    (0..REPORTS).map(|i| serde_json::to_vec_pretty(&ffbkit_sdk::sample::report(1, i)).unwrap()).collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let validator = Validator::default_validator();
    let mut g = c.benchmark_group("1000 reports");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("serde_json parse only (1 core)", |b| {
        b.iter(|| {
            for d in &docs {
                let v: serde_json::Value = serde_json::from_slice(d).unwrap();
                criterion::black_box(v);
            }
        })
    });
    g.bench_function("ffbkit validate (1 core)", |b| {
        b.iter(|| {
            for d in &docs {
                criterion::black_box(validator.validate_bytes(d));
            }
        })
    });
    g.bench_function("serde_json parse only (all cores)", |b| {
        b.iter(|| {
            docs.par_iter().for_each(|d| {
                let v: serde_json::Value = serde_json::from_slice(d).unwrap();
                criterion::black_box(v);
            })
        })
    });
    g.bench_function("ffbkit validate (all cores)", |b| {
        b.iter(|| {
            docs.par_iter().for_each(|d| {
                criterion::black_box(validator.validate_bytes(d));
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
