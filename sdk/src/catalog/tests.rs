//! Pins the embedded catalog: counts per kind and value set, a sample of codes and terms,
//! hierarchy and legal basis.

use super::codes::*;
use super::*;

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

#[test]
fn holds_all_220_ffb_concepts_with_resolvable_parents() {
    let ffb: Vec<_> = cat().concepts().iter().filter(|c| c.system == CodeSystemId::Ffb).collect();
    assert_eq!(ffb.len(), 220);
    let roots: Vec<_> = ffb.iter().filter(|c| c.parent.is_none()).map(|c| c.term.as_str()).collect();
    assert_eq!(roots, ["Social indsats", "Støttebehovsniveau", "Status på indsats", "FFB tilstande", "Måltype", "Funktionsevneniveau"]);
    for c in &ffb {
        if let Some(p) = &c.parent {
            assert!(cat().get(p).is_some(), "{} has unknown parent", c.term);
        }
    }
    assert_eq!(cat().ffb_version(), "20240530");
}

#[test]
fn counts_per_kind() {
    let count = |k| cat().of_kind(k).count();
    assert_eq!(count(Kind::Ydelse), 44);
    assert_eq!(count(Kind::Tilbud), 13);
    assert_eq!(count(Kind::Maalgruppe), 58);
    assert_eq!(count(Kind::FunktionerOgForhold), 38);
    assert_eq!(count(Kind::AktivitetOgDeltagelse), 38);
    assert_eq!(count(Kind::Omgivelser), 5);
    assert_eq!(count(Kind::Funktionsevneniveau), 7);
    assert_eq!(count(Kind::Stoettebehov), 7);
    assert_eq!(count(Kind::Maaltype), 4);
    assert_eq!(count(Kind::Opfoelgningsresultat), 4);
    assert_eq!(count(Kind::Gruppering), 2);
    assert_eq!(count(Kind::KlCode), 91);
}

#[test]
fn value_set_sizes_match_kl_definitions() {
    let size = |n: &str| cat().value_set(n).unwrap_or_else(|| panic!("{n}")).len();
    assert_eq!(size("KLConditionFFCodesFFB"), 33);
    assert_eq!(size("KLConditionADCodesFFB"), 31);
    assert_eq!(size("KLConditionOCodesFFB"), 3);
    assert_eq!(size("KLConditionCodesFFB"), 67);
    assert_eq!(size("KLTargetGroupsFFB"), 45);
    assert_eq!(size("KLConditionsAndTargetGroupsFFB"), 112);
    assert_eq!(size("KLSeveritiesFFB"), 6);
    assert_eq!(size("KLChangeValueCodesFFB"), 3);
    assert_eq!(size("KLFollowUpCodesFFB"), 3);
    assert_eq!(size("KLInterventionsFFB"), 32);
    assert_eq!(size("KLServiceCodesFFB"), 8);
    assert_eq!(size("KLNeedsAssessmentCodesFFB"), 6);
    assert_eq!(size("KLEncounterTypes"), 7);
    assert_eq!(size("KLGoalTypeCodes"), 6);
}

#[test]
fn interventions_exclude_the_volunteer_grouping_but_keep_its_children() {
    let vs = cat().value_set("http://fhir.kl.dk/term/ValueSet/KLInterventionsFFB").unwrap();
    assert!(!vs.contains("794ebc42-0639-46eb-aca2-40e996568578"));
    assert!(vs.contains(Ydelse::GruppebaseretHjaelpOgStoetteEtableretISamarbejdeMedFrivillige.code()));
    // Area concepts are not ydelser themselves: descendent-of excludes the root.
    assert!(!vs.contains(Ydelse::AktivitetOgSamvaer.code()));
    assert!(!vs.contains(Ydelse::SocialpaedagogiskStoette.code()));
    assert!(!vs.contains(Ydelse::StoetteTilPraktiskeOpgaver.code()));
    assert!(vs.contains(Ydelse::StoetteTilDagligeOpgaverIHjemmet.code()));
}

#[test]
fn target_groups_are_leaves_only() {
    let vs = cat().value_set("KLTargetGroupsFFB").unwrap();
    for (_, code) in vs.members() {
        let c = cat().get(code).unwrap();
        assert_eq!(c.kind, Kind::Maalgruppe);
        assert!(cat().children(c).is_empty(), "{} is not a leaf", c.term);
    }
    assert!(!vs.contains(Maalgruppe::Misbrug.code()));
    assert!(vs.contains(Maalgruppe::Stofmisbrug.code()));
}

#[test]
fn theme_levels_and_paths() {
    let spise = cat().get(AdTema::Spise.code()).unwrap();
    assert_eq!(spise.level, Some(Level::Undertema));
    let (area, theme) = cat().theme_path(spise);
    assert_eq!(area.unwrap().term, "Aktivitet og deltagelse");
    assert_eq!(theme.unwrap().term, "Egenomsorg");
    assert_eq!(cat().get(AdTema::Egenomsorg.code()).unwrap().level, Some(Level::Tema));
    let hukommelse = cat().get(FfTema::Hukommelse.code()).unwrap();
    assert_eq!(cat().parent(hukommelse).unwrap().term, "Mentale funktioner");
    assert_eq!(cat().ancestors(hukommelse).len(), 3);
    // Every A&D undertema is in the A&D value set, and nothing else is.
    let ad = cat().value_set("KLConditionADCodesFFB").unwrap();
    let undertemaer: Vec<_> = cat().of_kind(Kind::AktivitetOgDeltagelse).filter(|c| c.level == Some(Level::Undertema)).collect();
    assert_eq!(undertemaer.len(), ad.len());
    assert!(undertemaer.iter().all(|c| ad.contains(&c.code)));
}

#[test]
fn sample_codes_and_terms() {
    let samples = [
        ("638f44df-6bf2-47f8-9935-b8fdc83e5bf5", "Støtte til daglige opgaver i hjemmet", Kind::Ydelse),
        ("498fe92c-d7f7-41cd-9404-5b38fe113be0", "Almindeligt længerevarende botilbud til voksne", Kind::Tilbud),
        ("5e95db73-4d16-4084-93a3-595c0650b160", "Selvmordstanker eller -forsøg", Kind::Maalgruppe),
        ("3f9da5ac-9686-4eeb-b517-b46e17fcb1d7", "Indgå i samspil og kontakt", Kind::AktivitetOgDeltagelse),
        ("4934e45a-0f93-4c23-a767-2b681378700b", "Bevidsthedstilstand", Kind::FunktionerOgForhold),
        ("83342ff3-5f2e-4914-b045-e98357685866", "Boligområde", Kind::Omgivelser),
        ("dd628e73-d6c9-4837-a2b8-aa62d73bd6ae", "Let støttebehov", Kind::Stoettebehov),
        ("e47c22bd-d88d-48ab-882b-419923e1f44e", "Begrænse tab af funktionsevne", Kind::Maaltype),
        ("b4c01aa8-82fd-44e4-83ff-ca19ec02c779", "Træf afgørelse om afslutning af indsats og visiter til ny", Kind::Opfoelgningsresultat),
        ("effe55c7-572c-4a99-8fb4-2a9dda2f6572", "FFB støttebehovsvurdering", Kind::KlCode),
    ];
    for (code, term, kind) in samples {
        let c = cat().get(code).unwrap();
        assert_eq!((c.term.as_str(), c.kind), (term, kind), "{code}");
    }
}

#[test]
fn legal_basis_from_definitions() {
    let lb = |code: &str| cat().get(code).unwrap().legal_basis.clone();
    assert_eq!(lb(Ydelse::StoetteTilDagligeOpgaverIHjemmet.code()), ["Serviceloven § 85"]);
    assert_eq!(lb(Tilbud::AktivitetsOgSamvaerstilbud.code()), ["Serviceloven § 104"]);
    assert_eq!(lb(Tilbud::AlmindeligtLaengerevarendeBotilbudTilVoksne.code()), ["Serviceloven § 108"]);
    assert_eq!(lb(Tilbud::AlmenAeldreOgHandicapvenligBolig.code()), ["Almenboligloven § 105"]);
    assert_eq!(lb(Tilbud::MobiltTilbud.code()), ["Serviceloven § 82a", "Serviceloven § 82b", "Serviceloven § 82d", "Serviceloven § 85"]);
    assert!(lb(Maalgruppe::Angst.code()).is_empty());
}

#[test]
fn typed_enums_cover_their_kind_and_round_trip() {
    fn check<T: FfbCode>() {
        for v in T::all() {
            let c = Catalog::embedded().get(v.code()).expect("code in catalog");
            assert_eq!(c.kind, T::KIND);
            assert_eq!(c.term, v.term());
            assert_eq!(T::from_code(v.code()), Some(*v));
        }
    }
    check::<Ydelse>();
    check::<Tilbud>();
    check::<Maalgruppe>();
    check::<FfTema>();
    check::<AdTema>();
    check::<Omgivelse>();
    check::<Funktionsevneniveau>();
    check::<Stoettebehov>();
    check::<Maaltype>();
    check::<Opfoelgningsresultat>();
    check::<KlCode>();
    assert_eq!(Ydelse::ALL.len(), 43, "44 ydelse concepts minus the branch root");
    let json = serde_json::to_string(&Maaltype::UdvikleFunktionsevne).unwrap();
    assert_eq!(json, "\"d41c8072-52f8-42b5-9375-ddbea454d27f\"");
    assert_eq!(serde_json::from_str::<Maaltype>(&json).unwrap(), Maaltype::UdvikleFunktionsevne);
    assert!(serde_json::from_str::<Maaltype>("\"nope\"").is_err());
    assert!("nope".parse::<Ydelse>().unwrap_err().to_string().contains("ydelse"));
}

#[test]
fn scales_map_both_ways() {
    for s in 0..=4 {
        assert_eq!(Funktionsevneniveau::from_score(s).unwrap().score(), Some(s));
        assert_eq!(Stoettebehov::from_level(s).unwrap().level(), Some(s));
    }
    assert_eq!(Funktionsevneniveau::from_score(5), None);
    assert_eq!(Funktionsevneniveau::ALL.iter().filter(|f| f.score().is_none()).count(), 1);
    assert_eq!(Stoettebehov::ALL.iter().filter(|f| f.level().is_none()).count(), 1);
}

#[test]
fn search_is_case_and_diacritics_tolerant() {
    let terms = |q: &str| cat().search(q).into_iter().map(|c| c.term.clone()).collect::<Vec<_>>();
    assert!(terms("samspil").contains(&"Indgå i samspil og kontakt".to_string()));
    assert!(terms("aeldre").contains(&"Almen ældre- og handicapvenlig bolig".to_string()));
    assert!(terms("AELDRE").contains(&"Almen ældre- og handicapvenlig bolig".to_string()));
    assert!(terms("stotte til sund").contains(&"Støtte til sund levevis".to_string()));
    assert_eq!(terms("Spise")[0], "Spise", "exact term ranks first");
    assert!(terms("zzzz").is_empty());
    assert!(terms("").is_empty());
    assert_eq!(terms("464a2ab6-a7df-4b3a-b74d-7873f4cfe668"), ["Spise"]);
}

#[test]
fn csv_export_quotes_commas() {
    let csv = cat().to_csv();
    assert_eq!(csv.lines().count(), cat().concepts().len() + 1);
    assert!(csv.contains("\"Akut rådgivning, omsorg og støtte\""));
}

/// The official CodeSystem files in `../shared/reference` (beside the checkout, as in CI)
/// load at run time and give the same concepts as the embedded catalog.
#[test]
fn loads_official_code_system_files_at_run_time() {
    let dir = reference_dir();
    let loaded = Catalog::with_code_system_file(dir.join("CodeSystem-FFB-20240530.json")).unwrap();
    assert_eq!(loaded.concepts(), cat().concepts());
    let kl = Catalog::with_code_system_file(dir.join("CodeSystem-CareSocialCodes-20250530.json")).unwrap();
    assert_eq!(kl.concepts().len(), cat().concepts().len());
    assert_eq!(kl.value_set("KLEncounterTypes").unwrap().len(), 7);
}

#[test]
fn a_newer_catalog_version_replaces_ffb_concepts() {
    let text = std::fs::read_to_string(reference_dir().join("CodeSystem-FFB-20240530.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["version"] = "20990101".into();
    // Add a new ydelse under "Støtte til sundhed".
    let ydelse = &mut v["concept"][0]["concept"][0]["concept"];
    let sp = ydelse.as_array_mut().unwrap().iter_mut().find(|c| c["display"] == "Socialpædagogisk støtte").unwrap();
    let sundhed = sp["concept"].as_array_mut().unwrap().iter_mut().find(|c| c["display"] == "Støtte til sundhed").unwrap();
    sundhed["concept"].as_array_mut().unwrap().push(serde_json::json!({
        "code": "00000000-0000-4000-8000-000000000001",
        "display": "Støtte til ny ting",
        "definition": "Visitationsparagraf: Serviceloven § 85."
    }));
    let loaded = codesystem::parse_code_system(&v.to_string()).unwrap();
    let newer = cat().replacing(loaded).unwrap();
    assert_eq!(newer.ffb_version(), "20990101");
    let c = newer.get("00000000-0000-4000-8000-000000000001").unwrap();
    assert_eq!((c.kind, c.legal_basis.clone()), (Kind::Ydelse, vec!["Serviceloven § 85".to_string()]));
    assert!(newer.value_set("KLInterventionsFFB").unwrap().contains(&c.code));
    assert_eq!(newer.value_set("KLInterventionsFFB").unwrap().len(), 33);
}

#[test]
fn bad_catalog_data_is_an_error_not_a_panic() {
    let bad = CatalogFile {
        format: CATALOG_FORMAT.into(),
        code_systems: vec![],
        concepts: vec![Concept {
            system: CodeSystemId::Ffb,
            code: "a".into(),
            term: "A".into(),
            parent: Some("missing".into()),
            kind: Kind::Ydelse,
            level: None,
            legal_basis: vec![],
        }],
    };
    assert!(matches!(Catalog::new(bad, vec![]), Err(CatalogError::Invalid(_))));
    assert!(matches!(Catalog::with_code_system_file("/nonexistent/file.json"), Err(CatalogError::Io { .. })));
}

fn reference_dir() -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("FFBKIT_REFERENCE_DIR") {
        return dir.into();
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    assert!(
        dir.is_dir(),
        "the official CodeSystems are expected in {} (shared/ beside the checkout) or FFBKIT_REFERENCE_DIR",
        dir.display()
    );
    dir
}
