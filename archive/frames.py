"""Search hits and article rows as tables for analysis: a pyarrow Table or a pandas DataFrame.

`Archive.search` and `Archive.articles` return `Results`, still a list (callers that iterate,
index or `len()` them are unchanged), with `to_arrow()` and `to_pandas()`. Columns get the
Parquet export's types (exports.columns): ids int64, text string, `published_at` a timestamp in
Vietnam time (+07:00), the archive's own times in UTC, so a notebook and `govarchive export
--format parquet` read alike. pyarrow is a dependency; pandas is the optional `analysis` extra,
never a dependency: sqlite-utils imports pandas whenever it is installed, into every crawl.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, SupportsIndex, TypeVar, overload

from archive.clock import from_iso
from exports.columns import ARTICLE_COLUMNS, Column
from exports.writers import arrow_type

if TYPE_CHECKING:
    import pandas
    import pyarrow

T = TypeVar("T")

_INSTALL = {
    "pyarrow": "pip install pyarrow",
    "pandas": "pip install -e '.[analysis]' (or pip install pandas)",
}
_EXPORTED: dict[str, Column] = {c.name: c for c in ARTICLE_COLUMNS}
# Fields the export has no column for (a hit's snippet and score), typed by their annotation.
_ANNOTATED = {"int": "int64", "float": "float64", "str": "string", "bool": "bool_"}


class MissingLibrary(ImportError):
    """A conversion needs a library that is not installed; the message says what to install."""


def _require(module: str, method: str) -> Any:
    """The module, or a one-line MissingLibrary (no chained traceback) when it is not installed.
    A library that is installed but fails to import raises its own error: that is no install
    hint's business."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise MissingLibrary(
            f"{method} needs {module}, which is not installed: {_INSTALL[module]}", name=module
        ) from None


def _field_type(pa: Any, field: dataclasses.Field) -> Any:
    """The export's type for a column it has; else the type the annotation names (an
    `X | None` is a nullable X); None lets pyarrow infer it from the values."""
    column = _EXPORTED.get(field.name)
    if column is not None:
        return arrow_type(column)
    annotation = str(field.type).replace(" | None", "").strip()
    name = _ANNOTATED.get(annotation)
    return getattr(pa, name)() if name else None


class Results(list[T], Generic[T]):
    """A list of result rows (dataclasses of one type) that can become a table. Slices stay
    Results; `row_type` types the columns of an empty result too."""

    def __init__(self, rows: Iterable[T] = (), row_type: type[T] | None = None) -> None:
        super().__init__(rows)
        self.row_type = row_type if row_type is not None else (type(self[0]) if self else None)

    @overload
    def __getitem__(self, index: SupportsIndex) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Results[T]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> T | Results[T]:
        if isinstance(index, slice):
            return Results(super().__getitem__(index), self.row_type)
        return super().__getitem__(index)

    def to_arrow(self) -> pyarrow.Table:
        """A pyarrow Table, a column per field in field order, a row per result in order."""
        pa = _require("pyarrow", "to_arrow()")
        if self.row_type is None:  # an empty list nobody typed
            return pa.table({})
        arrays, fields = [], []
        for field in dataclasses.fields(self.row_type):  # type: ignore[arg-type]
            values = [getattr(row, field.name) for row in self]
            column = _EXPORTED.get(field.name)
            if column is not None and column.kind.startswith("timestamp"):
                values = [from_iso(v) for v in values]
            array = pa.array(values, type=_field_type(pa, field))
            arrays.append(array)
            fields.append(pa.field(field.name, array.type))
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def to_pandas(self) -> pandas.DataFrame:
        """A pandas DataFrame with the Table's types: int64, float64, strings, and timestamps
        aware of their zone (datetime64[ms, UTC+07:00] for `published_at`)."""
        _require("pandas", "to_pandas()")  # before pyarrow's own, less helpful, import error
        return self.to_arrow().to_pandas()
