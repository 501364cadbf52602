"""The Python catalog API: lookup, search, value sets, hierarchy, errors."""

import os
from pathlib import Path

import pytest

import ffbkit

SPISE = "464a2ab6-a7df-4b3a-b74d-7873f4cfe668"
REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference"


@pytest.fixture(scope="module")
def cat():
    return ffbkit.Catalog.default()


def test_default_catalog_versions(cat):
    assert cat.version == "20240530"
    assert dict(cat.versions) == {"FFB": "20240530", "KL": "20250530"}
    assert len([c for c in cat.concepts() if c.system == "urn:oid:1.2.208.176.2.22"]) == 220
    assert "Catalog(FFB 20240530" in repr(cat)


def test_lookup(cat):
    c = cat[SPISE]
    assert (c.term, c.kind, c.level) == ("Spise", "ad-tema", "undertema")
    assert cat.get("nope") is None
    assert SPISE in cat
    with pytest.raises(KeyError):
        cat["nope"]
    assert c.to_dict()["term"] == "Spise"
    assert c == cat.get(SPISE) and hash(c) == hash(cat.get(SPISE))


def test_search_tolerates_case_and_danish_letters(cat):
    assert "Almen ældre- og handicapvenlig bolig" in [c.term for c in cat.search("AELDRE")]
    assert [c.term for c in cat.search("samspil", kind="ad-tema")] == ["Indgå i samspil og kontakt"]
    assert len(cat.search("støtte", limit=3)) == 3
    assert cat.search("qqqqq") == []
    with pytest.raises(ValueError, match="unknown kind"):
        cat.search("x", kind="nonsense")


def test_value_sets(cat):
    sev = cat.value_set("KLSeveritiesFFB")
    assert len(sev) == 6 and sev.url.endswith("/KLSeveritiesFFB")
    assert "8328ce4a-6238-4f73-bf1a-74aadb68eff8" in sev
    assert SPISE not in sev
    assert cat.in_value_set(SPISE, "KLConditionADCodesFFB")
    assert len(cat.value_set("KLInterventionsFFB")) == 32
    assert all(c.kind == "maalgruppe" for c in cat.value_set("KLTargetGroupsFFB").concepts())
    assert {v.name for v in cat.value_sets()} >= {"KLConditionCodesFFB", "KLServiceCodesFFB"}
    with pytest.raises(KeyError):
        cat.value_set("NoSuchSet")


def test_hierarchy(cat):
    assert cat.parent(SPISE).term == "Egenomsorg"
    assert [a.term for a in cat.ancestors(SPISE)] == ["Egenomsorg", "Aktivitet og deltagelse", "FFB tilstande"]
    egenomsorg = cat.parent(SPISE).code
    assert SPISE in [c.code for c in cat.children(egenomsorg)]
    assert cat.is_descendant_of(SPISE, egenomsorg)
    assert len(cat.descendants(egenomsorg)) == 9
    with pytest.raises(KeyError):
        cat.parent("nope")


def test_legal_basis(cat):
    assert cat["638f44df-6bf2-47f8-9935-b8fdc83e5bf5"].legal_basis == ["Serviceloven § 85"]


def test_csv(cat):
    assert cat.to_csv().splitlines()[0] == "system,code,term,parent,kind,level,legal_basis"


def test_from_code_system_file(tmp_path):
    loaded = ffbkit.Catalog.from_code_system(REFERENCE / "CodeSystem-FFB-20240530.json")
    assert loaded.version == "20240530" and len(loaded) == len(ffbkit.Catalog.default())
    with pytest.raises(FileNotFoundError):
        ffbkit.Catalog.from_code_system(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ffbkit.CatalogError, match="not valid JSON"):
        ffbkit.Catalog.from_code_system(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"resourceType": "Patient"}', encoding="utf-8")
    with pytest.raises(ffbkit.FfbkitError):
        ffbkit.Catalog.from_code_system(os.fspath(wrong))
