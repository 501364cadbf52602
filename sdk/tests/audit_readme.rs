//! The README's table "What each audit rule rests on" says the same as the one table of the
//! stream audit's rules, `ffbkit_sdk::audit::RULES`: one row per rule (its severity and
//! summary), then one row per reading under it (severity interpretation), in the table's
//! order. A rule, severity or summary changed in the code and not in the README fails here.

use ffbkit_sdk::audit::{Severity, RULES};
use std::path::Path;

/// The rows of the README table whose header is `| id | severity | rule | rests on |`, as
/// (id, severity, rule) cells.
fn readme_rows() -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let header = "| id | severity | rule | rests on |";
    let start = text.find(header).expect("README has the audit rules' source table");
    text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert!(cells.len() >= 4, "README row with fewer than four cells: {l}");
            (cells[0].to_string(), cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn the_readme_table_of_audit_rules_is_the_code_table() {
    let mut expected = Vec::new();
    for rule in RULES {
        expected.push((rule.id.to_string(), rule.severity.as_str().to_string(), rule.summary.to_string()));
        for reading in rule.readings {
            expected.push((rule.id.to_string(), Severity::Interpretation.as_str().to_string(), reading.check.to_string()));
        }
    }
    let found = readme_rows();
    for (i, (want, got)) in expected.iter().zip(&found).enumerate() {
        assert_eq!(want, got, "README row {} of the audit rules' table differs from sdk/src/audit/rules.rs", i + 1);
    }
    assert_eq!(found.len(), expected.len(), "README rows vs RULES (rules plus readings)");
    assert_eq!(RULES.len(), 16, "REQUIREMENTS.md sections 2, 3 and 7 name 16 rules");
}
