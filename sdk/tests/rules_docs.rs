//! The table of single-report rules in docs/rules.md says the same as the rule registry,
//! `ffbkit_sdk::rules::REPORT_RULES`: one row per rule (id, family, default severity and
//! what it requires), in the registry's order. A rule added, removed or changed in the code
//! and not in the docs fails here; the message holds the table as it should read. (The
//! stream audit's rules have their own table, docs/audit.md, checked by `audit_docs.rs`.)

use ffbkit_sdk::rules::REPORT_RULES;
use std::path::Path;

/// The header of docs/rules.md's table of single-report rules.
const HEADER: &str = "| id | family | severity | what it requires |";

/// The table as the registry says it should read.
fn expected_table() -> String {
    let mut t = format!("{HEADER}\n|---|---|---|---|\n");
    for r in REPORT_RULES {
        t.push_str(&format!("| {} | {} | {} | {} |\n", r.id, r.family, r.severity, r.summary));
    }
    t
}

/// The rows of the docs/rules.md table under [`HEADER`], as (id, family, severity, summary).
fn readme_rows(text: &str) -> Option<Vec<(String, String, String, String)>> {
    let start = text.find(HEADER)?;
    Some(
        text[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").map(str::trim).collect();
                assert_eq!(cells.len(), 4, "docs/rules.md row without four cells: {l}");
                (cells[0].to_string(), cells[1].to_string(), cells[2].to_string(), cells[3].to_string())
            })
            .collect(),
    )
}

#[test]
fn the_docs_table_of_single_report_rules_is_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let table = expected_table();
    let Some(found) = readme_rows(&text) else {
        panic!("docs/rules.md has no table of single-report rules (header {HEADER:?}); it should read:\n\n{table}");
    };
    let expected: Vec<(String, String, String, String)> =
        REPORT_RULES.iter().map(|r| (r.id.to_string(), r.family.to_string(), r.severity.to_string(), r.summary.to_string())).collect();
    for (i, (want, got)) in expected.iter().zip(&found).enumerate() {
        assert_eq!(
            want,
            got,
            "docs/rules.md row {} of the single-report rules differs from sdk/src/rules/table.rs; the table should read:\n\n{table}",
            i + 1
        );
    }
    assert_eq!(found.len(), expected.len(), "docs/rules.md rows vs the registry; the table should read:\n\n{table}");
}
