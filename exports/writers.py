"""One writer per format, each taking rows in batches and writing to a binary file object, so the
same code serves `govarchive export` (files on disk) and Scrapy's feed exports (its own files).

JSONL: UTF-8, one object a line, keys in column order. CSV: UTF-8 (a BOM first with `excel`, so
Excel reads Vietnamese right), a header row, lists joined with ';'. Parquet (pyarrow): real
types (int64, timestamps with their time zone, list<string>), zstd, row groups of up to 10,000
rows or 8 MB of Arrow data, whichever comes first. Nothing time-dependent goes into a file:
the same rows give the same bytes."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

from archive.clock import from_iso
from exports.columns import Column

ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 8 * 1024 * 1024  # of Arrow data


def _text_value(col: Column, value: Any) -> Any:
    """A stored value as JSON/CSV carry it: timestamps stay ISO 8601 text, lists are lists."""
    if col.kind == "list":
        return json.loads(value) if isinstance(value, str) and value else (value or [])
    if col.kind.startswith("timestamp"):
        return value or None
    return value


class JsonlWriter:
    extension = "jsonl"

    def __init__(self, fh: BinaryIO, columns: Sequence[Column], excel: bool = False) -> None:
        self.fh, self.columns, self.rows = fh, columns, 0

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        out = []
        for row in rows:
            obj = {c.name: _text_value(c, v) for c, v in zip(self.columns, row, strict=True)}
            out.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
            self.rows += 1
        if out:
            self.fh.write(("\n".join(out) + "\n").encode("utf-8"))

    def close(self) -> None:
        self.fh.flush()


class CsvWriter:
    extension = "csv"

    def __init__(self, fh: BinaryIO, columns: Sequence[Column], excel: bool = False) -> None:
        self.fh, self.columns, self.rows = fh, columns, 0
        self.text = io.TextIOWrapper(fh, encoding="utf-8-sig" if excel else "utf-8", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow([c.name for c in columns])

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            values = []
            for c, v in zip(self.columns, row, strict=True):
                v = _text_value(c, v)
                values.append(";".join(v) if isinstance(v, list) else v)
            self.writer.writerow(values)
            self.rows += 1

    def close(self) -> None:
        self.text.flush()
        self.text.detach()  # the caller owns the file


def arrow_type(col: Column):
    import pyarrow as pa

    return {
        "int": pa.int64(),
        "text": pa.string(),
        "timestamp_vn": pa.timestamp("ms", tz="+07:00"),
        "timestamp_utc": pa.timestamp("ms", tz="UTC"),
        "list": pa.list_(pa.field("element", pa.string())),  # the name Parquet gives it
    }[col.kind]


def _arrow_value(col: Column, value: Any) -> Any:
    if col.kind.startswith("timestamp"):
        return from_iso(value)
    return _text_value(col, value)


class ParquetWriter:
    """Each batch becomes an Arrow record batch at once (compact UTF-8, not Python objects);
    batches are gathered into a row group and written when it is full."""

    extension = "parquet"

    def __init__(self, fh: BinaryIO, columns: Sequence[Column], excel: bool = False) -> None:
        # The system allocator hands a written row group's memory back to the OS (mimalloc,
        # pyarrow's default, keeps it): peak memory stays near one row group. Read when pyarrow
        # is first imported, so it is set before.
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.columns, self.rows = columns, 0
        self.schema = pa.schema([pa.field(c.name, arrow_type(c)) for c in columns])
        self.writer = pq.ParquetWriter(fh, self.schema, compression="zstd")
        self.pending: list[Any] = []  # record batches of the row group being gathered
        self.pending_rows = self.pending_bytes = 0

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        import pyarrow as pa

        rows = list(rows)
        if not rows:
            return
        arrays = [
            pa.array([_arrow_value(c, row[i]) for row in rows], type=field.type)
            for i, (c, field) in enumerate(zip(self.columns, self.schema, strict=True))
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        self.pending_bytes += batch.nbytes
        self.rows += batch.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS or self.pending_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self.pending_rows:
            return
        self.writer.write_table(pa.Table.from_batches(self.pending, schema=self.schema))
        self.pending = []
        self.pending_rows = self.pending_bytes = 0

    def close(self) -> None:
        self._flush()
        self.writer.close()


WRITERS = {"jsonl": JsonlWriter, "csv": CsvWriter, "parquet": ParquetWriter}


def type_name(col: Column, fmt: str) -> str:
    """How the column is typed in files of `fmt`, for the manifest."""
    if fmt == "parquet":
        return str(arrow_type(col))
    return {
        "int": "integer",
        "text": "string",
        "timestamp_vn": "string, ISO 8601 with +07:00",
        "timestamp_utc": "string, ISO 8601 UTC (Z)",
        "list": "array of strings" if fmt == "jsonl" else "string, items joined with ';'",
    }[col.kind]
