"""ffbkit.audit(ds).municipalities and .coverage() (issue 21): the municipality's coverage
counts and, with a mapping file, its kommunekode and name; the coverage view is the SDK's,
the same as `ffbkit audit --json`'s."""

import json

import pytest

import ffbkit
from conftest import run_ffbkit


def cli_audit(*args) -> dict:
    r = run_ffbkit("audit", "--json", *[str(a) for a in args])
    assert r.stdout, r.stderr
    return json.loads(r.stdout)


def test_coverage_counts_and_view_agree_with_the_cli(synth_ndjson):
    a = ffbkit.audit(ffbkit.read_reports(synth_ndjson))
    cli = cli_audit(synth_ndjson)
    rows = {r["municipality"]: r for r in a.municipalities.to_pylist()}
    assert len(rows) == len(cli["per_municipality"])
    for m in cli["per_municipality"]:
        r = rows[m["municipality"]]
        for k in ("ad_themes", "ad_scored", "ff_themes", "support_assessments", "maaltyper"):
            assert r[k] == m["coverage"][k], (k, m["municipality"])
        assert r["kommunekode"] is None and r["name"] is None
    view = a.coverage()
    assert view == cli["coverage_view"]
    assert view["universe"] == "present" and "no mapping" in view["note"]
    assert [t["n"] for t in view["measures"][0]["top"]] == [7, 10]


def test_with_a_mapping_names_and_out_of_98(synth_ndjson, tmp_path):
    cli = cli_audit(synth_ndjson)
    ids = sorted(m["municipality"] for m in cli["per_municipality"])
    mapping = tmp_path / "sts.csv"
    mapping.write_text(f"sts_uuid,kommunekode\n{ids[0]},101\n{ids[1]},751\n", encoding="utf-8")
    ds = ffbkit.read_reports(synth_ndjson, audit=True, municipalities=mapping)
    a = ffbkit.audit(ds)
    named = {r["municipality"]: (r["kommunekode"], r["name"]) for r in a.municipalities.to_pylist()}
    assert named[ids[0]] == ("101", "København")
    assert named[ids[1]] == ("751", "Aarhus")
    assert named[ids[2]] == (None, None)
    for top in ((7, 10), (1,)):
        view = a.coverage(top=top)
        extra = ["--top", ",".join(map(str, top))]
        assert view == cli_audit("--municipalities", mapping, *extra, synth_ndjson)["coverage_view"]
    view = a.coverage()
    assert view["universe"] == "register" and view["out_of"] == 98 and len(view["municipalities"]) == 98
    assert len(view["unmapped"]) == len(ids) - 2
    # audit() of paths takes the mapping too.
    assert ffbkit.audit(synth_ndjson, municipalities=mapping).coverage() == view


def test_a_bad_mapping_file_is_an_error_with_its_line(synth_ndjson, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("sts_uuid,kommunekode\nnot-a-uuid,101\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        ffbkit.read_reports(synth_ndjson, audit=True, municipalities=bad)
    with pytest.raises(FileNotFoundError):
        ffbkit.audit(synth_ndjson, municipalities=tmp_path / "missing.csv")
