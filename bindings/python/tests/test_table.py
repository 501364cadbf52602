"""ffbkit.Table: the Arrow PyCapsule stream, zero-copy reads, conversions, missing libraries."""

import sys

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import ffbkit


def test_capsule_is_an_arrow_stream(synth_dataset):
    t = synth_dataset.conditions
    capsule = t.__arrow_c_stream__()
    assert type(capsule).__name__ == "PyCapsule" and "arrow_array_stream" in repr(capsule)
    reader = pa.RecordBatchReader._import_from_c_capsule(capsule)
    assert reader.read_all().num_rows == t.num_rows
    schema = pa.Schema._import_from_c_capsule(t._data.__arrow_c_schema__())
    assert schema.names == t.column_names
    assert schema.field("recorded_date").type == pa.date32() and schema.field("score").type == pa.int64()


def test_pyarrow_and_polars_read_the_rust_buffers_without_copies(synth_dataset):
    native = synth_dataset.conditions._data
    a, b = pa.table(native), pa.table(native)
    for col in ("id", "score"):
        buf_a = a.column(col).chunk(0).buffers()[-1]
        buf_b = b.column(col).chunk(0).buffers()[-1]
        assert buf_a.address == buf_b.address, col  # both views of the same Rust memory
    df = pl.from_arrow(synth_dataset.conditions.to_pyarrow())
    assert df.shape == (synth_dataset.conditions.num_rows, len(synth_dataset.conditions.column_names))
    assert pl.DataFrame(synth_dataset.conditions).shape == df.shape  # polars takes the capsule itself
    assert df["id"].to_list() == a.column("id").to_pylist()


def test_conversions(synth_dataset):
    t = synth_dataset.interventions
    assert isinstance(t.to_pyarrow(), pa.Table)
    pdf = t.to_pandas()
    assert isinstance(pdf, pd.DataFrame) and list(pdf.columns) == t.column_names and len(pdf) == len(t)
    assert isinstance(t.to_polars(), pl.DataFrame)
    assert t.column("id") == t.to_pyarrow().column("id").to_pylist()
    assert t.to_pylist()[0].keys() == set(t.column_names)
    assert "Table('interventions'" in repr(t)
    with pytest.raises(KeyError, match="no column"):
        t.column("nope")


def test_table_refuses_non_arrow_data():
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        ffbkit.Table([1, 2, 3])


def test_missing_optional_library_gives_a_clear_import_error(synth_dataset, monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match="pip install polars"):
        synth_dataset.citizens.to_polars()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        synth_dataset.citizens.to_pandas()
