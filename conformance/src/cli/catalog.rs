//! `ffbkit catalog`: look up a code, search terms, list value sets, export the catalog.

use super::{emit, Format, EXIT_NOT_FOUND, EXIT_OK};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use ffbkit_sdk::catalog::{Catalog, Concept, Kind};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `ffbkit catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Use this official FHIR CodeSystem JSON (e.g. a newer FFB version) instead of the
    /// embedded FFB 20240530.
    #[arg(long, global = true, value_name = "FILE")]
    pub code_system: Option<PathBuf>,
    /// What to do; without a subcommand, a summary of the catalog.
    #[command(subcommand)]
    pub action: Option<CatalogAction>,
}

/// `ffbkit catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogAction {
    /// Show one concept by its code (UUID): term, kind, level, parent, children, legal
    /// basis and the value sets it belongs to. Exit 1 when the code is unknown.
    Show {
        /// The code.
        code: String,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Search terms, tolerant of case and of æ/ø/å written as ae/oe/aa. Exit 1 on no match.
    Search {
        /// Words to look for, e.g. "samspil" or "aeldre".
        query: String,
        /// Only concepts of this kind (ydelse, tilbud, maalgruppe, ff-tema, ad-tema,
        /// omgivelse, funktionsevneniveau, stoettebehov, maaltype, opfoelgningsresultat, kl).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the members of a value set (by name, e.g. KLSeveritiesFFB, or URL); without a
    /// name, list all value sets. Exit 1 when the value set is unknown.
    Valueset {
        /// Value set name or canonical URL.
        name: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Export the whole catalog.
    Export {
        /// json (the project's catalog format) or csv.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let all: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind {s:?}; one of {}", all.join(", "))
    })
}

/// Run `ffbkit catalog`.
pub(super) fn run(args: CatalogArgs, out: &mut dyn Write) -> Result<i32> {
    let owned;
    let catalog: &Catalog = match &args.code_system {
        Some(path) => {
            owned = Catalog::with_code_system_file(path).with_context(|| format!("loading {}", path.display()))?;
            &owned
        }
        None => Catalog::embedded(),
    };
    match args.action {
        None => summary(catalog, out),
        Some(CatalogAction::Show { code, format }) => show(catalog, &code, format, out),
        Some(CatalogAction::Search { query, kind, limit, format }) => {
            let hits: Vec<&Concept> = catalog.search(&query).into_iter().filter(|c| kind.is_none_or(|k| c.kind == k)).take(limit).collect();
            list(catalog, &hits, format, out)?;
            Ok(if hits.is_empty() { EXIT_NOT_FOUND } else { EXIT_OK })
        }
        Some(CatalogAction::Valueset { name: None, format }) => {
            let rows: Vec<_> = catalog
                .value_sets()
                .iter()
                .map(|v| json!({"name": v.name(), "url": v.url(), "title": v.title(), "size": v.len()}))
                .collect();
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
                Format::Csv => {
                    writeln!(out, "name,url,size")?;
                    for v in catalog.value_sets() {
                        writeln!(out, "{},{},{}", v.name(), v.url(), v.len())?;
                    }
                }
                Format::Text => {
                    for v in catalog.value_sets() {
                        writeln!(out, "{:<32} {:>4}  {}", v.name(), v.len(), v.title())?;
                    }
                }
            }
            Ok(EXIT_OK)
        }
        Some(CatalogAction::Valueset { name: Some(name), format }) => {
            let Some(vs) = catalog.value_set(&name) else {
                eprintln!("ffbkit: no value set named {name:?}; `ffbkit catalog valueset` lists them");
                return Ok(EXIT_NOT_FOUND);
            };
            let members: Vec<&Concept> = vs.members().iter().filter_map(|(_, c)| catalog.get(c)).collect();
            list(catalog, &members, format, out)?;
            Ok(EXIT_OK)
        }
        Some(CatalogAction::Export { format, out: path }) => {
            let text = match format {
                Format::Csv => catalog.to_csv(),
                Format::Json => serde_json::to_string_pretty(&catalog.to_file())? + "\n",
                Format::Text => bail!("export supports --format json or csv"),
            };
            emit(out, path.as_deref(), &text)?;
            Ok(EXIT_OK)
        }
    }
}

fn summary(catalog: &Catalog, out: &mut dyn Write) -> Result<i32> {
    writeln!(out, "ffbkit catalog")?;
    for v in catalog.versions() {
        writeln!(out, "  {:<4} {} version {}", v.system.label(), v.url, v.version)?;
    }
    writeln!(out, "\nconcepts per kind:")?;
    for k in Kind::ALL {
        writeln!(out, "  {:<22} {:>4}", k.danish(), catalog.of_kind(k).count())?;
    }
    writeln!(out, "\nvalue sets:")?;
    for v in catalog.value_sets() {
        writeln!(out, "  {:<32} {:>4}  {}", v.name(), v.len(), v.title())?;
    }
    Ok(EXIT_OK)
}

fn concept_json(catalog: &Catalog, c: &Concept) -> serde_json::Value {
    let value_sets: Vec<&str> = catalog.value_sets().iter().filter(|v| v.contains(&c.code)).map(|v| v.name()).collect();
    json!({
        "system": c.system.url(),
        "code": c.code,
        "term": c.term,
        "kind": c.kind.as_str(),
        "level": c.level.map(|l| l.danish()),
        "parent": catalog.parent(c).map(|p| json!({"code": p.code, "term": p.term})),
        "children": catalog.children(c).iter().map(|k| json!({"code": k.code, "term": k.term})).collect::<Vec<_>>(),
        "legal_basis": c.legal_basis,
        "value_sets": value_sets,
    })
}

fn show(catalog: &Catalog, code: &str, format: Format, out: &mut dyn Write) -> Result<i32> {
    let Some(c) = catalog.get(code.trim()) else {
        eprintln!("ffbkit: no concept with code {code:?} in FFB {}; try `ffbkit catalog search`", catalog.ffb_version());
        return Ok(EXIT_NOT_FOUND);
    };
    let v = concept_json(catalog, c);
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(EXIT_OK);
    }
    writeln!(out, "{}", c.term)?;
    writeln!(out, "  code         {}", c.code)?;
    writeln!(out, "  system       {}", c.system.url())?;
    writeln!(out, "  kind         {}", c.kind.danish())?;
    if let Some(l) = c.level {
        writeln!(out, "  level        {}", l.danish())?;
    }
    let path: Vec<String> = catalog.ancestors(c).iter().rev().map(|a| a.term.clone()).collect();
    if !path.is_empty() {
        writeln!(out, "  path         {}", path.join(" > "))?;
    }
    if !c.legal_basis.is_empty() {
        writeln!(out, "  legal basis  {}", c.legal_basis.join(", "))?;
    }
    for child in catalog.children(c) {
        writeln!(out, "  child        {}  {}", child.code, child.term)?;
    }
    let vs = v["value_sets"].as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", "));
    if let Some(vs) = vs.filter(|s| !s.is_empty()) {
        writeln!(out, "  value sets   {vs}")?;
    }
    Ok(EXIT_OK)
}

fn list(catalog: &Catalog, concepts: &[&Concept], format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<_> = concepts.iter().map(|c| concept_json(catalog, c)).collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        }
        Format::Csv => {
            writeln!(out, "code,term,kind,level")?;
            for c in concepts {
                let term = if c.term.contains([',', '"']) { format!("\"{}\"", c.term.replace('"', "\"\"")) } else { c.term.clone() };
                writeln!(out, "{},{},{},{}", c.code, term, c.kind.as_str(), c.level.map(|l| l.danish()).unwrap_or(""))?;
            }
        }
        Format::Text => {
            for c in concepts {
                writeln!(out, "{}  {:<20} {}", c.code, c.kind.danish(), c.term)?;
            }
        }
    }
    Ok(())
}
