"""ffbkit.analysis: the seed's analyses as tables, with PNG plots."""

import pytest

import ffbkit
import ffbkit.analysis as fa

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_analysis_returns_a_table_and_draws_a_png(synth_dataset, tmp_path):
    for name, f in fa.ANALYSES.items():
        png = tmp_path / f"{name}.png"
        t = f(synth_dataset, plot=png)
        assert isinstance(t, ffbkit.Table) and t.name == name
        assert png.read_bytes()[:8] == PNG, name
        assert t.num_rows > 0, name


def test_themes_at_visitation(synth_dataset):
    t = fa.themes_at_visitation(synth_dataset, "§ 85").to_pandas()
    assert list(t.columns) == ["area", "theme", "term", "code", "citizens", "share", "conditions"]
    assert (t["share"] <= 1).all() and (t["share"] > 0).all()
    assert (t["citizens"] <= t["conditions"]).all()
    assert set(t["area"]) <= {"Funktioner og forhold", "Aktivitet og deltagelse", "Omgivelsesfaktorer"}
    # the same count in plain Python: citizens per theme among gatherings of § 85 cases
    plans = synth_dataset.care_plans.to_pylist()
    by_plan = {}
    for i in synth_dataset.interventions.to_pylist():
        by_plan.setdefault(i["care_plan"], []).append(i["paragraph"] or "")
    is85 = lambda basis: any(b in ("Serviceloven § 85",) for b in (basis or "").split("; "))  # noqa: E731
    cases = {(p["citizen"], p["case_number"]) for p in plans if is85(p["tilbud_paragraph"]) or any(is85(x) for x in by_plan.get(p["id"], []))}
    per_term, visited = {}, set()
    for c in synth_dataset.conditions.to_pylist():
        if c["gathering"] and not c["withdrawn"] and (c["citizen"], c["case_number"]) in cases:
            per_term.setdefault(c["term"], set()).add(c["citizen"])
            visited.add(c["citizen"])
    assert dict(zip(t["term"], t["citizens"])) == {k: len(v) for k, v in per_term.items()}
    assert abs(t["share"].iloc[0] - t["citizens"].iloc[0] / len(visited)) < 1e-12
    assert fa.themes_at_visitation(synth_dataset, "§ 999").num_rows == 0
    assert fa.themes_at_visitation(synth_dataset, "§ 85", year=1999).num_rows == 0


def test_ad_themes_by_score_counts_every_ad_condition(synth_dataset):
    t = fa.ad_themes_by_score(synth_dataset).to_pandas()
    cond = synth_dataset.conditions.to_pandas()
    ad = cond[(cond["kind"] == "ad-tema") & ~cond["withdrawn"]]
    assert t["conditions"].sum() == len(ad)
    assert t.groupby("term")["share"].sum().round(9).eq(1).all()
    assert set(t["score"].dropna()) <= {0, 1, 2, 3, 4}


@pytest.mark.parametrize("by", ["ydelse", "paragraph", "tilbud"])
def test_maaltype_by_intervention(synth_dataset, by):
    t = fa.maaltype_by_intervention(synth_dataset, by=by).to_pandas()
    assert by in t.columns and t["goals"].gt(0).all()
    assert t.groupby(by, dropna=False)["share"].sum().round(9).eq(1).all()


def test_follow_up_cadence(synth_dataset):
    t = fa.follow_up_cadence(synth_dataset).to_pandas()
    assert len(t) == synth_dataset.follow_ups.num_rows
    assert t["days_since_previous"].dropna().ge(0).all()
    assert t.groupby("care_plan")["number"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()


def test_stoettebehov_distribution_and_change(synth_dataset):
    d = fa.stoettebehov_distribution(synth_dataset).to_pandas()
    assert d["evaluations"].sum() == synth_dataset.evaluations.num_rows
    assert abs(d["share"].sum() - 1) < 1e-9
    c = fa.stoettebehov_change(synth_dataset).to_pandas()
    assert (c["change"] == c["to_level"] - c["from_level"]).all()
    ev = synth_dataset.evaluations.to_pandas()
    assert c["transitions"].sum() == len(ev) - ev["care_plan"].nunique()


def test_reporting_per_municipality(synth_dataset):
    t = fa.reporting_per_municipality(synth_dataset).to_pandas()
    assert t["reports"].sum() == synth_dataset.reports.num_rows
    assert t["invalid_reports"].sum() == 0 and "audit_findings" in t.columns
    assert t["municipality"].is_unique


def test_bad_arguments(synth_dataset, tmp_path):
    with pytest.raises(TypeError, match="ffbkit.Dataset"):
        fa.ad_themes_by_score({"conditions": []})
    with pytest.raises(TypeError, match="paragraph"):
        fa.themes_at_visitation(synth_dataset, 108)
    with pytest.raises(TypeError, match="year"):
        fa.ad_themes_by_score(synth_dataset, year="2025")
    with pytest.raises(ValueError, match="by must be"):
        fa.maaltype_by_intervention(synth_dataset, by="color")
    with pytest.raises(TypeError, match="plot"):
        fa.stoettebehov_distribution(synth_dataset, plot=42)
    with pytest.raises(FileNotFoundError):
        fa.stoettebehov_distribution(synth_dataset, plot=tmp_path / "no" / "such" / "dir.png")
