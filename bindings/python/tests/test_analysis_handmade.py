"""ffbkit.analysis on a hand-made dataset (tests/handmade.py) whose answers are known."""

import datetime

import pytest

import ffbkit
import ffbkit.analysis as fa
import handmade

PNG = b"\x89PNG\r\n\x1a\n"
A_THEMES = {"Købe ind": "Praktiske opgaver", "Indgå i samspil og kontakt": "Relationer"}


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    path = handmade.write(tmp_path_factory.mktemp("handmade") / "reports.ndjson")
    d = ffbkit.read_reports(path, audit=True)
    assert d.summary["invalid"] == 0 and d.issues.num_rows == 0
    return d


def rows(table, *columns):
    return sorted(tuple(r[c] for c in columns) for r in table.to_pylist())


@pytest.mark.parametrize(
    "by,groups",
    [
        ("ydelse", ("Støtte til daglige opgaver i hjemmet", "Social aktivitet")),
        ("paragraph", ("Serviceloven § 85", "Serviceloven § 104")),
        ("tilbud", ("Almindeligt længerevarende botilbud til voksne", "Aktivitets- og samværstilbud")),
    ],
)
def test_worked_on_in_indsats(ds, by, groups, tmp_path):
    t = fa.worked_on_in_indsats(ds, by=by, plot=tmp_path / "w.png")
    assert t.name == "worked_on_in_indsats" and (tmp_path / "w.png").read_bytes()[:8] == PNG
    assert t.column_names == [by, "theme", "term", "code", "goals", "primary_goals", "citizens", "share"]
    a, b = groups
    assert rows(t, by, "theme", "term", "goals", "primary_goals", "citizens", "share") == sorted(
        [
            (a, "Praktiske opgaver", "Købe ind", 1, 1, 1, 1.0),
            (a, "Relationer", "Indgå i samspil og kontakt", 1, 0, 1, 1.0),
            (b, "Egenomsorg", "Vaske sig", 1, 1, 1, 1.0),
            (b, "Praktiske opgaver", "Lave mad", 1, 1, 1, 1.0),
        ]
    )


def test_improvement_by_theme(ds, tmp_path):
    t = fa.improvement_by_theme(ds, plot=tmp_path / "i.png")
    assert (tmp_path / "i.png").read_bytes()[:8] == PNG
    assert t.column_names == ["area", "theme", "term", "code", "conditions", "improved", "unchanged", "worsened", "mean_change", "share_improved"]
    # Købe ind 3 -> 1 (better), Vaske sig 1 -> 2 (worse); samspil and Lave mad assessed once
    assert rows(t, "term", "conditions", "improved", "unchanged", "worsened", "mean_change", "share_improved") == [
        ("Købe ind", 1, 1, 0, 0, -2.0, 1.0),
        ("Vaske sig", 1, 0, 0, 1, 1.0, 0.0),
    ]
    # the same answer from a dataset read with history (no second read)
    h = ffbkit.read_reports(ds.sources, history=True)
    assert fa.improvement_by_theme(h).to_pylist() == t.to_pylist()


def test_development_as_expected(ds, tmp_path):
    t = fa.development_as_expected(ds, plot=tmp_path / "d.png")
    assert (tmp_path / "d.png").read_bytes()[:8] == PNG
    assert t.column_names == ["maaltype", "theme", "term", "goals", "met", "not_met", "not_yet_assessed", "share_met"]
    got = rows(t, "maaltype", "term", "goals", "met", "not_met", "not_yet_assessed")
    assert got == [
        ("Fastholde funktionsevne", "Vaske sig", 1, 0, 1, 0),
        ("Udvikle funktionsevne", "Købe ind", 1, 1, 0, 0),
        ("Udvikle funktionsevne", "Lave mad", 1, 0, 0, 1),
    ]
    share = {r["term"]: r["share_met"] for r in t.to_pylist()}
    assert share["Købe ind"] == 1.0 and share["Vaske sig"] == 0.0 and share["Lave mad"] is None
    g = fa.development_as_expected(ds, per_goal=True)
    assert set(fa.DEVELOPMENT_STATUSES) == {r["status"] for r in g.to_pylist()}
    d = datetime.date
    assert rows(g, "term", "set_on", "baseline_score", "expected_score", "achieved_score", "achieved_on", "status") == [
        ("Købe ind", d(2025, 3, 2), 3, 1, 1, d(2025, 6, 1), "met"),
        ("Lave mad", d(2025, 3, 11), 2, 1, None, None, "not yet assessed"),
        ("Vaske sig", d(2025, 3, 11), 1, 1, 2, d(2025, 6, 10), "not met"),
    ]
    assert all(r["citizen"].endswith("-****") for r in g.to_pylist())  # CPR masked


def test_new_analyses_bad_arguments(ds):
    with pytest.raises(ValueError, match="by must be"):
        fa.worked_on_in_indsats(ds, by="kommune")
    with pytest.raises(TypeError, match="per_goal"):
        fa.development_as_expected(ds, per_goal="yes")
    with pytest.raises(TypeError, match="ffbkit.Dataset"):
        fa.improvement_by_theme([])


def test_themes_at_visitation_compares_indsatser(ds, tmp_path):
    t = fa.themes_at_visitation(ds, ["§ 85", "§ 104", "§ 108"], plot=tmp_path / "v.png")
    assert (tmp_path / "v.png").read_bytes()[:8] == PNG
    assert t.column_names == ["paragraph", "area", "theme", "term", "code", "citizens", "share", "conditions"]
    a = [("Hukommelse", 1, 1.0, 1), ("Indgå i samspil og kontakt", 1, 1.0, 1), ("Købe ind", 1, 1.0, 1)]
    b = [("Hukommelse", 1, 1.0, 1), ("Lave mad", 1, 1.0, 1), ("Vaske sig", 1, 1.0, 1)]
    assert rows(t, "paragraph", "term", "citizens", "share", "conditions") == sorted(
        [("§ 85", *r) for r in a] + [("§ 104", *r) for r in b] + [("§ 108", *r) for r in a]
    )
    # the single-paragraph call is unchanged: the same rows without the paragraph column
    single = fa.themes_at_visitation(ds, "§ 104")
    assert single.column_names == t.column_names[1:]
    assert sorted(map(tuple, (r.values() for r in single.to_pylist()))) == sorted(
        tuple(v for k, v in r.items() if k != "paragraph") for r in t.to_pylist() if r["paragraph"] == "§ 104"
    )
    assert fa.themes_at_visitation(ds, ("§ 999",)).num_rows == 0
    with pytest.raises(ValueError, match="at least one"):
        fa.themes_at_visitation(ds, [])
    with pytest.raises(TypeError, match="paragraph"):
        fa.themes_at_visitation(ds, ["§ 85", 108])


def test_change_analyses_say_what_to_do_when_the_sources_are_gone(tmp_path):
    path = handmade.write(tmp_path / "gone.ndjson")
    d = ffbkit.read_reports(path)
    path.unlink()
    with pytest.raises(FileNotFoundError, match="history=True"):
        fa.improvement_by_theme(d)


@pytest.mark.parametrize("history", [False, True])
def test_a_withdrawn_theme_is_left_out(tmp_path, history):
    d = ffbkit.read_reports(handmade.write(tmp_path / "withdrawn.ndjson", withdraw=True), history=history)
    assert [t for t in d.conditions.to_pylist() if t["term"] == "Købe ind"][-1]["withdrawn"]
    assert rows(fa.improvement_by_theme(d), "term", "worsened") == [("Vaske sig", 1)]
    assert "Købe ind" not in fa.worked_on_in_indsats(d, by="tilbud").column("term")
    status = {r["term"]: r["status"] for r in fa.development_as_expected(d, per_goal=True).to_pylist()}
    assert status == {"Købe ind": "not yet assessed", "Vaske sig": "not met", "Lave mad": "not yet assessed"}


def test_change_analyses_give_the_same_answer_on_a_history_dataset(ds):
    h = ffbkit.read_reports(ds.sources, history=True)
    assert h.goals.num_rows > 3  # several versions of the goals
    for per_goal in (False, True):
        assert fa.development_as_expected(h, per_goal=per_goal).to_pylist() == fa.development_as_expected(ds, per_goal=per_goal).to_pylist()
    for by in ("ydelse", "tilbud"):
        assert fa.worked_on_in_indsats(h, by=by).to_pylist() == fa.worked_on_in_indsats(ds, by=by).to_pylist()
