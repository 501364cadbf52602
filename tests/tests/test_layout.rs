//! Each crate builds its integration tests as one binary (`autotests = false`, `tests/tests.rs`):
//! a test file that `tests.rs` does not name would silently never run.

use std::path::Path;

#[test]
fn every_test_file_of_every_crate_is_a_module_of_its_tests_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in ["sdk", "conformance", "tests"] {
        let dir = root.join(krate).join("tests");
        let listed = std::fs::read_to_string(dir.join("tests.rs")).unwrap();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
            if path.extension().is_some_and(|e| e == "rs") && stem != "tests" {
                files += 1;
                assert!(
                    listed.lines().any(|l| l == format!("mod {stem};")),
                    "{krate}/tests/{stem}.rs is not named in {krate}/tests/tests.rs"
                );
            }
        }
        assert!(files > 0, "{krate}/tests has no test files");
    }
}
