"""ffbkit.Table: an Arrow table that pyarrow, polars and pandas read without copies."""

from __future__ import annotations

import importlib
from typing import Any, Optional


def _need(module: str, what: str) -> Any:
    """Import an optional library, or raise ImportError saying how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{what} needs the optional package {module!r}: pip install {module}") from e


class Table:
    """An Arrow table (one of a Dataset's tables, or the result of an analysis).

    It exposes the Arrow PyCapsule stream interface (``__arrow_c_stream__``), so
    ``pyarrow.table(t)``, ``polars.from_arrow(t)`` / ``polars.DataFrame(t)`` and other
    Arrow consumers take it without copying; ``to_pyarrow()``, ``to_pandas()`` and
    ``to_polars()`` do that for you when those libraries are installed.

    >>> import pyarrow as pa
    >>> t = Table(pa.table({"rule": ["GW-JSON"], "n": [1]}), name="demo")
    >>> t.num_rows, t.column_names
    (1, ['rule', 'n'])
    >>> t.to_pylist()
    [{'rule': 'GW-JSON', 'n': 1}]
    """

    __slots__ = ("_data", "_name")

    def __init__(self, data: Any, name: Optional[str] = None) -> None:
        if not hasattr(data, "__arrow_c_stream__"):
            raise TypeError(f"Table() takes an object with __arrow_c_stream__ (an Arrow table), not {type(data).__name__}")
        self._data = data
        self._name = name if name is not None else getattr(data, "name", "table")

    @property
    def name(self) -> str:
        """The table's name (``conditions``, ``themes_at_visitation``, ...)."""
        return str(self._name)

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return int(self._data.num_rows)

    @property
    def column_names(self) -> list[str]:
        """The column names, in order."""
        return list(self._data.column_names)

    def __len__(self) -> int:
        return self.num_rows

    def __repr__(self) -> str:
        return f"Table({self.name!r}, rows={self.num_rows}, columns={self.column_names})"

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The Arrow C stream (a PyCapsule named ``arrow_array_stream``)."""
        return self._data.__arrow_c_stream__(requested_schema)

    def to_pyarrow(self) -> Any:
        """The table as a ``pyarrow.Table`` (no copy: pyarrow reads the Rust buffers)."""
        pa = _need("pyarrow", "Table.to_pyarrow()")
        if isinstance(self._data, pa.Table):
            return self._data
        return pa.table(self._data)

    def to_pandas(self) -> Any:
        """The table as a ``pandas.DataFrame`` (through pyarrow)."""
        _need("pandas", "Table.to_pandas()")
        return self.to_pyarrow().to_pandas()

    def to_polars(self) -> Any:
        """The table as a ``polars.DataFrame`` (zero-copy through the Arrow stream)."""
        pl = _need("polars", "Table.to_polars()")
        return pl.from_arrow(self.to_pyarrow())

    def to_pylist(self) -> list[dict[str, Any]]:
        """The rows as a list of dicts (needs pyarrow)."""
        return list(self.to_pyarrow().to_pylist())

    def column(self, name: str) -> list[Any]:
        """One column as a Python list (needs pyarrow)."""
        if name not in self.column_names:
            raise KeyError(f"table {self.name!r} has no column {name!r}; it has {', '.join(self.column_names)}")
        return list(self.to_pyarrow().column(name).to_pylist())
