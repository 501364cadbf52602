//! `ffbkit sample`: a seeded corpus of synthetic, valid delivery reports (benchmarks,
//! load tests). The full case-journey generator is `ffbkit synth` (SDK issue).

use super::EXIT_OK;
use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `ffbkit sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Number of reports.
    #[arg(long, default_value_t = 10_000)]
    pub reports: u64,
    /// Seed; the same seed gives the same reports.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (one file per report), or a `.ndjson` file.
    #[arg(long)]
    pub out: PathBuf,
}

/// Run `ffbkit sample`.
pub(super) fn run(args: SampleArgs, out: &mut dyn Write) -> Result<i32> {
    let ndjson = args.out.extension().is_some_and(|e| e == "ndjson");
    if ndjson {
        if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(&args.out).with_context(|| format!("cannot write {}", args.out.display()))?);
        for chunk in (0..args.reports).collect::<Vec<_>>().chunks(1024) {
            let lines: Vec<String> = chunk.par_iter().map(|&i| ffbkit_sdk::sample::report(args.seed, i).to_string()).collect();
            for l in lines {
                writeln!(f, "{l}")?;
            }
        }
        f.flush()?;
    } else {
        std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
        (0..args.reports).into_par_iter().try_for_each(|i| -> Result<()> {
            let text = serde_json::to_string_pretty(&ffbkit_sdk::sample::report(args.seed, i))?;
            std::fs::write(args.out.join(format!("report-{i:07}.json")), text)?;
            Ok(())
        })?;
    }
    writeln!(out, "wrote {} report(s) to {}", args.reports, args.out.display())?;
    Ok(EXIT_OK)
}
