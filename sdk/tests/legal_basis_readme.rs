//! README's list of the FFB tilbud and ydelser whose official definition names no legal
//! basis is the catalog's: the codes of KLServiceCodesFFB and KLInterventionsFFB with an
//! empty `legal_basis`, in the catalog's order (issue 21: "codes without one are listed in
//! the README").

use ffbkit_sdk::catalog::Catalog;

#[test]
fn the_readme_lists_the_ffb_tilbud_and_ydelser_without_a_legal_basis() {
    let catalog = Catalog::embedded();
    let mut expected = Vec::new();
    for (value_set, kind) in [("KLServiceCodesFFB", "tilbud"), ("KLInterventionsFFB", "ydelse")] {
        let vs = catalog.value_set(value_set).expect("the value set");
        for c in catalog.concepts().iter().filter(|c| vs.contains(&c.code) && c.legal_basis.is_empty()) {
            expected.push(format!("- {} ({kind})", c.term));
        }
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README.md");
    let listed: Vec<String> = readme
        .split("<!-- legal-basis:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- legal-basis:end -->").next())
        .expect("the README's legal-basis list")
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(str::to_string)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(listed, expected, "README.md's legal-basis list differs from the catalog");
    // And a code with a basis records the paragraphs its definition names.
    let bolig = catalog.concepts().iter().find(|c| c.term == "Almen ældre- og handicapvenlig bolig").expect("ABL § 105 tilbud");
    assert_eq!(bolig.legal_basis, ["Almenboligloven § 105"]);
}
