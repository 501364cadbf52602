//! `ffbkit journeys` (list, show in plain Danish, check journey files) and `ffbkit vendor`
//! (run the reference vendor adapter, or a faulty variant, until Ctrl-C).

use crate::journey::{self, Journey};
use crate::vendor::{self, Defect};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// `ffbkit journeys`.
#[derive(Debug, Args)]
pub struct JourneysArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: JourneysCommand,
}

/// The journeys subcommands.
#[derive(Debug, Subcommand)]
pub enum JourneysCommand {
    /// List the journeys (id, steps, title).
    List {
        /// A directory of journey files instead of the embedded suite.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Show a journey as an operator script in plain Danish.
    Show {
        /// Journey id.
        id: String,
        /// A directory of journey files instead of the embedded suite.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Check journey files (schema, terms, aliases); exit 1 when one does not load.
    Check {
        /// Journey files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

fn suite(dir: Option<&PathBuf>) -> anyhow::Result<Vec<Journey>> {
    Ok(match dir {
        Some(d) => journey::load_dir(d)?,
        None => journey::embedded(),
    })
}

/// Run `ffbkit journeys`.
pub(super) fn run(args: JourneysArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    match args.command {
        JourneysCommand::List { dir } => {
            for j in suite(dir.as_ref())? {
                writeln!(out, "{:<34} {:>2} steps  {}", j.id, j.steps.len(), j.title)?;
            }
            Ok(super::EXIT_OK)
        }
        JourneysCommand::Show { id, dir } => {
            let Some(j) = suite(dir.as_ref())?.into_iter().find(|j| j.id == id) else {
                eprintln!("ffbkit: no journey {id}");
                return Ok(super::EXIT_NOT_FOUND);
            };
            writeln!(out, "{} ({})\n{}\n", j.title, j.id, j.description)?;
            for c in &j.citizens {
                writeln!(out, "Borger «{}»: CPR {}, {} kommune", c.alias, ffbkit_sdk::cpr::mask(&c.cpr), c.municipality_name)?;
            }
            for (i, s) in j.steps.iter().enumerate() {
                writeln!(
                    out,
                    "\n{}. {} ({}, {}){}",
                    i + 1,
                    s.id,
                    s.date,
                    s.phase.danish(),
                    if s.deliver { "" } else { " — ingen indberetning i dag" }
                )?;
                writeln!(out, "   {}", s.instruction)?;
                for a in &s.actions {
                    writeln!(out, "   - {}", journey::describe(a))?;
                }
                if s.deliver {
                    writeln!(out, "   Kontrol: {}", j.check_id(i))?;
                }
            }
            Ok(super::EXIT_OK)
        }
        JourneysCommand::Check { paths } => {
            let mut bad = 0;
            for p in paths {
                let files: Vec<PathBuf> = if p.is_dir() {
                    let mut v: Vec<PathBuf> = std::fs::read_dir(&p)?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|x| x == "json"))
                        .collect();
                    v.sort();
                    v
                } else {
                    vec![p]
                };
                for f in files {
                    match journey::load_file(&f) {
                        Ok(j) => writeln!(out, "ok    {} ({}, {} steps)", f.display(), j.id, j.steps.len())?,
                        Err(e) => {
                            bad += 1;
                            writeln!(out, "error {}: {}", f.display(), ffbkit_sdk::cpr::mask_in_text(&e.to_string()))?;
                        }
                    }
                }
            }
            Ok(if bad == 0 { super::EXIT_OK } else { super::EXIT_NOT_FOUND })
        }
    }
}

/// `ffbkit vendor`.
#[derive(Debug, Args)]
pub struct VendorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8091")]
    pub listen: std::net::SocketAddr,
    /// Run a faulty variant (see `--list-defects`).
    #[arg(long)]
    pub defect: Option<String>,
    /// List the defects and the requirement ids each must be failed on.
    #[arg(long)]
    pub list_defects: bool,
    /// Require `Authorization: Bearer TOKEN` (the token read from FILE) on /reset, /actions
    /// and /deliver, as a vendor's protected test adapter would (`certify
    /// --adapter-token-file` sends it).
    #[arg(long, value_name = "FILE")]
    pub require_token_file: Option<std::path::PathBuf>,
}

/// Run `ffbkit vendor`.
pub(super) fn run_vendor(args: VendorArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    if args.list_defects {
        for d in Defect::all() {
            writeln!(out, "{:<36} {:<40} {}", d.name(), d.expected_failures().join(","), d.description())?;
        }
        return Ok(super::EXIT_OK);
    }
    let defect = match args.defect.as_deref() {
        None => None,
        Some(name) => match Defect::from_name(name) {
            Some(d) => Some(d),
            None => {
                eprintln!("ffbkit: no defect {name} (see --list-defects)");
                return Ok(super::EXIT_USAGE);
            }
        },
    };
    let require_token = match &args.require_token_file {
        Some(file) => match crate::harness::secret::Secret::read_file(file) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("ffbkit: --require-token-file: {e}");
                return Ok(super::EXIT_USAGE);
            }
        },
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let protected = require_token.as_ref().map(|t| format!(", requiring a bearer token ({})", t.fingerprint())).unwrap_or_default();
        let adapter = vendor::serve_with(vendor::ServeOptions { defect, require_token }, args.listen).await?;
        writeln!(
            out,
            "reference vendor{} at {}{protected} (Ctrl-C stops)",
            defect.map(|d| format!(" with defect {d}")).unwrap_or_default(),
            adapter.url()
        )?;
        out.flush()?;
        tokio::signal::ctrl_c().await?;
        adapter.shutdown().await;
        Ok::<_, anyhow::Error>(super::EXIT_OK)
    })
}
