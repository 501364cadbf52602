//! `cargo xtask <command>`: see the crate docs of `xtask` (lib.rs).

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::workspace_root();
    match args.first().map(String::as_str) {
        Some("import-catalog") => {
            let reference = root.join("../shared/reference");
            let ffb = args.get(1).map(PathBuf::from).unwrap_or_else(|| reference.join("CodeSystem-FFB-20240530.json"));
            let kl = args.get(2).map(PathBuf::from).unwrap_or_else(|| reference.join("CodeSystem-CareSocialCodes-20250530.json"));
            let read = |p: &PathBuf| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
            let text = xtask::import_catalog(&read(&ffb)?, &read(&kl)?)?;
            let out = root.join("schemas/catalog/concepts.json");
            std::fs::write(&out, text)?;
            eprintln!("wrote {}", out.display());
        }
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            let mut stale = Vec::new();
            for g in xtask::generate_all(&root)? {
                let path = root.join(g.path);
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                if old != g.content {
                    if check {
                        stale.push(g.path);
                    } else {
                        std::fs::write(&path, &g.content)?;
                        eprintln!("wrote {}", g.path);
                    }
                }
            }
            if !stale.is_empty() {
                bail!("generated files are stale: {stale:?}; run `cargo xtask codegen`");
            }
        }
        _ => {
            eprintln!("usage: cargo xtask import-catalog [FFB.json KL.json] | codegen [--check]");
            std::process::exit(2);
        }
    }
    Ok(())
}
