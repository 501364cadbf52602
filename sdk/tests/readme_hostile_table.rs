//! The README's hostile-input table (issue 22) matches the tests: every test it names exists
//! (`crate: module::path::test_name`, found as `fn test_name(` in a file of that crate whose
//! path holds the modules), and every class of hostile input the project promises to handle
//! has a row.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The table between the README's `hostile-input` markers: (input, tests) per row.
fn rows() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("<!-- hostile-input:begin -->").expect("the README has the hostile-input table");
    let end = readme.find("<!-- hostile-input:end -->").expect("the table ends");
    readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Input"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 3, "a row has input, what ffbkit does, test: {l}");
            let tests = cells[2].split('`').skip(1).step_by(2).map(str::to_string).collect();
            (cells[0].trim().to_string(), tests)
        })
        .collect()
}

/// Every Rust and Python source file under `dir` (not `target`, not a venv).
fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() && p.file_name().is_some_and(|n| n != "target" && n != ".venv" && n != "__pycache__") {
            source_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs" || e == "py") {
            out.push(p);
        }
    }
}

/// Whether `crate_name: a::b::test` names a test that exists.
fn exists(reference: &str) -> bool {
    let Some((krate, path)) = reference.split_once(": ") else { return false };
    let dir = match krate {
        "sdk" => "sdk",
        "conformance" => "conformance",
        "e2e" => "tests",
        "python" => "bindings/python",
        _ => return false,
    };
    let segments: Vec<&str> = path.split("::").collect();
    let (name, modules) = segments.split_last().expect("a path");
    let mut files = Vec::new();
    source_files(&root().join(dir), &mut files);
    files.iter().any(|f| {
        let rel = f.strip_prefix(root().join(dir)).unwrap().with_extension("");
        let parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
        modules.iter().filter(|m| **m != "tests").all(|m| parts.iter().any(|p| p == m))
            && std::fs::read_to_string(f).is_ok_and(|text| {
                let def = if f.extension().is_some_and(|e| e == "py") { "def" } else { "fn" };
                text.contains(&format!("{def} {name}("))
            })
    })
}

#[test]
fn every_test_the_table_names_exists() {
    let rows = rows();
    assert!(rows.len() >= 15, "{} rows", rows.len());
    for (input, tests) in &rows {
        assert!(!tests.is_empty(), "the row {input:?} names no test");
        for t in tests {
            assert!(exists(t), "the row {input:?} names {t:?}, which is no test of the project");
        }
    }
}

#[test]
fn every_promised_class_of_input_has_a_row() {
    let inputs: Vec<String> = rows().into_iter().map(|(i, _)| i.to_lowercase()).collect();
    // The classes issue 22 lists, by a word of each row's input.
    for class in [
        "empty file",
        "byte order mark",
        "nul bytes",
        "fifo",
        "symbolic link loop",
        "unreadable file",
        "1e999",
        "lone utf-16 surrogate",
        "invalid utf-8",
        "duplicate keys",
        "levels deep",
        "huge strings",
        "content-type",
        "gzip",
        "concurrent identical",
        "slow and silent clients",
        "bodies of the size limit",
        "rejected reports in bulk",
        "kill -9",
        "cpr number",
    ] {
        assert!(inputs.iter().any(|i| i.contains(class)), "no row of the README's hostile-input table is about {class:?}");
    }
}
