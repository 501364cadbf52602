//! `ffbkit synth`: realistic report streams — each citizen's VUM journey reported day by day
//! by the SDK's planner — for tests, load and benchmarks. Deterministic for a seed; streams
//! to disk one batch of citizens at a time, so memory does not grow with `--citizens`.

use super::EXIT_OK;
use anyhow::{Context, Result};
use clap::Args;
use ffbkit_sdk::domain::Date;
use ffbkit_sdk::synth::{citizen_reports_typed, SynthConfig};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Arguments of `ffbkit synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of citizens (default 100; with --national, about 173,000).
    #[arg(long)]
    pub citizens: Option<u64>,
    /// Days in the period.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// First day of the period (YYYY-MM-DD).
    #[arg(long, default_value = "2025-01-01")]
    pub start: String,
    /// Seed; the same seed gives the same streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Like the country in seed 002: about 173,000 citizens (~950,000 A&D and ~350,000 F&F
    /// theme registrations a year; --citizens sets fewer) spread over the real 98
    /// municipalities as the slides show: 12 report nothing, the top 10 hold about half.
    #[arg(long)]
    pub national: bool,
    /// Also write the mapping from the STS organisation UUIDs synth gives the municipalities
    /// to their kommunekode (CSV), for `ffbkit audit --municipalities FILE`.
    #[arg(long, value_name = "FILE")]
    pub municipalities_out: Option<PathBuf>,
    /// A directory (one file per report) or a `.ndjson` file (one report per line).
    #[arg(long)]
    pub out: PathBuf,
}

/// Run `ffbkit synth`.
pub(super) fn run(args: SynthArgs, out: &mut dyn Write) -> Result<i32> {
    let start = Date::parse(&args.start).with_context(|| format!("--start {}", args.start))?;
    let mut cfg = SynthConfig { citizens: args.citizens.unwrap_or(100), days: args.days, start, seed: args.seed, ..SynthConfig::default() };
    if args.national {
        let national = SynthConfig::national(args.seed);
        cfg = SynthConfig { start, days: args.days, citizens: args.citizens.unwrap_or(national.citizens), ..national };
    }
    if let Some(path) = &args.municipalities_out {
        std::fs::write(path, ffbkit_sdk::synth::sts_mapping().to_csv()).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let ndjson = args.out.extension().is_some_and(|e| e == "ndjson");
    let mut file = None;
    if ndjson {
        if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        file = Some(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?,
        ));
    } else {
        std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    }
    let pb = if std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(cfg.citizens);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos}/{len} citizens {wide_bar} {per_sec} eta {eta}") {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    let began = std::time::Instant::now();
    let (mut reports, mut resources) = (0u64, 0u64);
    let chunk = 512u64;
    let mut first = 0;
    while first < cfg.citizens {
        let last = (first + chunk).min(cfg.citizens);
        let batch: Vec<Vec<(String, String, usize)>> = (first..last)
            .into_par_iter()
            .map(|i| {
                citizen_reports_typed(&cfg, i)
                    .into_iter()
                    .map(|(day, r)| {
                        // The generated types serialise to the same text as their JSON value.
                        let text = serde_json::to_string(&r).expect("the generated types always serialise");
                        (format!("citizen-{i:07}-{day}.json"), text, r.entry.len())
                    })
                    .collect()
            })
            .collect();
        for (name, text, n) in batch.into_iter().flatten() {
            reports += 1;
            resources += n as u64;
            match &mut file {
                Some(f) => writeln!(f, "{text}")?,
                None => std::fs::write(args.out.join(name), text)?,
            }
        }
        if let Some(pb) = &pb {
            pb.set_position(last);
        }
        first = last;
    }
    if let Some(mut f) = file {
        f.flush()?;
    }
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let secs = began.elapsed().as_secs_f64();
    writeln!(
        out,
        "wrote {reports} report(s), {resources} resource(s) for {} citizen(s) to {} in {secs:.1} s ({:.0} reports/s)",
        cfg.citizens,
        args.out.display(),
        reports as f64 / secs.max(1e-9)
    )?;
    Ok(EXIT_OK)
}
