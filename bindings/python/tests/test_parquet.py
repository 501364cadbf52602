"""Dataset.to_parquet: one Parquet file per table, with the column docs as metadata."""

import importlib.util

import pyarrow.parquet as pq
import pytest

import ffbkit
import handmade
from ffbkit._columns import TABLE_DOCS, column_doc


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = handmade.write(tmp_path_factory.mktemp("handmade") / "reports.ndjson")
    ds = ffbkit.read_reports(path)
    return ds, ds.to_parquet(tmp_path_factory.mktemp("parquet") / "out")


def test_every_column_of_every_table_has_a_description(written):
    ds, _ = written
    assert set(TABLE_DOCS) == set(ds.tables())
    missing = [f"{n}.{c}" for n, t in ds.tables().items() for c in t.column_names if not column_doc(n, c)]
    assert missing == []


def test_to_parquet_round_trip_with_metadata(written):
    ds, paths = written
    assert sorted(paths) == sorted(ds.tables())
    for name, table in ds.tables().items():
        back = pq.read_table(paths[name])
        assert back.num_rows == table.num_rows and back.column_names == table.column_names
        assert back.to_pylist() == table.to_pylist()
        meta = back.schema.metadata
        assert meta[b"ffbkit.table"] == name.encode() and meta[b"description"] == TABLE_DOCS[name].encode()
        assert meta[b"ffbkit.cpr"] == b"masked"
        for field in back.schema:
            assert field.metadata[b"description"] == column_doc(name, field.name).encode()
    assert pq.read_table(paths["goals"]).num_rows == 3
    assert all(c.endswith("-****") for c in pq.read_table(paths["citizens"]).column("citizen").to_pylist())


@pytest.mark.skipif(importlib.util.find_spec("polars") is None, reason="polars not installed")
def test_to_parquet_with_polars(written):
    import polars as pl

    ds, paths = written
    df = pl.read_parquet(paths["conditions"])
    assert df.height == ds.conditions.num_rows
    ad = df.filter(pl.col("kind") == "ad-tema").sort("term")
    assert ad["term"].to_list() == ["Indgå i samspil og kontakt", "Købe ind", "Lave mad", "Vaske sig"]


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="duckdb not installed")
def test_to_parquet_with_duckdb(written):
    import duckdb

    _, paths = written
    q = f"""
        select g.maaltype, count(*) as goals
        from read_parquet('{paths["goals"]}') g join read_parquet('{paths["care_plans"]}') p on g.care_plan = p.id
        group by g.maaltype order by g.maaltype
    """
    assert duckdb.sql(q).fetchall() == [("Fastholde funktionsevne", 1), ("Udvikle funktionsevne", 2)]


def test_to_parquet_bad_argument(written):
    with pytest.raises(TypeError, match="directory"):
        written[0].to_parquet(42)


def test_core_depends_only_on_pyarrow_the_rest_are_extras():
    tomllib = pytest.importorskip("tomllib")
    from conftest import ROOT

    project = tomllib.loads((ROOT / "bindings" / "python" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [d.split(">")[0] for d in project["dependencies"]] == ["pyarrow"]
    extras = {k: {d.split(">")[0] for d in v} for k, v in project["optional-dependencies"].items()}
    assert extras["plot"] == {"matplotlib"} and extras["pandas"] == {"pandas"} and extras["polars"] == {"polars"}
    assert extras["analysis"] == {"pandas", "matplotlib"}


def test_optional_libraries_are_imported_lazily():
    import subprocess
    import sys

    code = "import sys, ffbkit; print(sorted(m for m in ('pandas', 'polars', 'matplotlib', 'duckdb') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
