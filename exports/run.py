"""`govarchive export`: stream the filtered articles (and their images and attachments) into
data files with a manifest anyone can verify.

The export is written into a temporary folder beside the output and renamed into place only
when every file and the manifest are complete: a failed or interrupted export leaves nothing
that looks finished. An output folder that holds anything is refused unless `force`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archive.clock import Clock, iso_utc, utc_now
from archive.folder import ArchiveFolder
from exports.columns import PARTITION_KEYS, RELATED, TABLES, select_columns
from exports.query import FilterError, Filters, article_rows, count, related_rows
from exports.writers import WRITERS, type_name

FORMATS = tuple(WRITERS)


class ExportError(Exception):
    """Bad output folder or options, worded for the user."""


@dataclass
class ExportOptions:
    fmt: str
    out: Path
    filters: Filters = field(default_factory=Filters)
    fields: list[str] | None = None
    include: list[str] = field(default_factory=list)
    partition_by: list[str] = field(default_factory=list)
    force: bool = False
    excel: bool = False
    command: Sequence[str] = ()
    table: str = "articles"  # or "documents"


@dataclass
class ExportResult:
    out: Path
    rows: dict[str, int]
    files: list[dict[str, Any]]


def check_options(opts: ExportOptions) -> None:
    """Everything that can be refused before the archive is read."""
    if opts.fmt not in FORMATS:
        raise ExportError(f"unknown format {opts.fmt!r}; choose one of {', '.join(FORMATS)}")
    if opts.table not in TABLES:
        raise ExportError(f"--table takes {' or '.join(TABLES)}, not {opts.table!r}")
    try:
        select_columns(opts.fields, opts.table)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    if opts.include and opts.table != "articles":
        raise ExportError("--include is for articles; a document's files are in its row")
    for name in opts.include:
        if name not in RELATED:
            raise ExportError(f"--include takes images and/or attachments, not {name!r}")
    for key in opts.partition_by:
        if key not in PARTITION_KEYS:
            raise ExportError(f"--partition-by takes site and/or year, not {key!r}")
    if opts.excel and opts.fmt != "csv":
        raise ExportError("--excel is for --format csv")
    out = opts.out
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; give a folder for --out")
    if out.is_dir() and any(out.iterdir()) and not opts.force:
        raise ExportError(f"{out} is not empty; pass --force to replace what is there")
    if not out.parent.exists():
        raise ExportError(f"no folder {out.parent} to create {out.name} in")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _partition_dir(keys: list[str], values: Sequence[Any]) -> str:
    parts = []
    for key, value in zip(keys, values, strict=True):
        text = "__HIVE_DEFAULT_PARTITION__" if value in (None, "") else quote(str(value), safe="")
        parts.append(f"{key}={text}")
    return "/".join(parts)


def run_export(
    folder: ArchiveFolder,
    opts: ExportOptions,
    clock: Clock = utc_now,
    progress: Callable[[int, int], None] | None = None,  # (rows just written, rows in all)
    version: str = "",
) -> ExportResult:
    check_options(opts)
    table = opts.table
    columns = select_columns(opts.fields, table)
    if "site" in opts.partition_by:  # Hive-style: the value is in the folder name, not the file
        columns = tuple(c for c in columns if c.name != "site")
    writer_cls = WRITERS[opts.fmt]
    ext = writer_cls.extension
    out = opts.out
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True, timeout=30)
    try:
        # One read transaction for every query: a crawl writing meanwhile cannot give an images
        # file rows of articles the articles file (read a moment earlier) does not have.
        con.execute("BEGIN")
        total = count(con, opts.filters, table)
        per_site: Counter[str] = Counter()
        files: list[dict[str, Any]] = []
        nkeys = len(opts.partition_by)
        current: tuple | None = None
        fh = writer = None
        path: Path | None = None

        def finish() -> None:
            if writer is not None and fh is not None and path is not None:
                writer.close()
                fh.close()
                files.append({"path": str(path.relative_to(tmp)), "table": table,
                              "rows": writer.rows})  # fmt: skip

        for batch in article_rows(con, columns, opts.filters, opts.partition_by, table):
            # runs of rows of one partition (all of the batch, without partitioning)
            for key, run in groupby(batch, key=lambda row: tuple(row[:nkeys])):
                rows_of_run = list(run)
                if writer is None or key != current:
                    finish()
                    current = key
                    if nkeys:
                        path = tmp / table / _partition_dir(opts.partition_by, key)
                        path.mkdir(parents=True, exist_ok=True)
                        path = path / f"part-0.{ext}"
                    else:
                        path = tmp / f"{table}.{ext}"
                    fh = path.open("wb")
                    writer = writer_cls(fh, columns, excel=opts.excel)
                writer.write_rows([row[nkeys + 1 :] for row in rows_of_run])
                per_site.update(row[nkeys] for row in rows_of_run)
            if progress:
                progress(len(batch), total)
        if writer is None and not nkeys:  # nothing matched: an empty file with its header/schema
            path = tmp / f"{table}.{ext}"
            fh = path.open("wb")
            writer = writer_cls(fh, columns, excel=opts.excel)
        finish()
        rows = {table: sum(per_site.values())}
        schema = {table: columns}
        for name in opts.include:
            table, rel_columns = RELATED[name]
            path = tmp / f"{name}.{ext}"
            with path.open("wb") as rfh:
                rwriter = writer_cls(rfh, rel_columns, excel=opts.excel)
                for batch in related_rows(con, table, rel_columns, opts.filters):
                    rwriter.write_rows(batch)
                rwriter.close()
            files.append({"path": path.name, "table": name, "rows": rwriter.rows})
            rows[name] = rwriter.rows
            schema[name] = rel_columns
    except FilterError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(str(exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()

    for entry in files:
        target = tmp / entry["path"]
        entry["bytes"] = target.stat().st_size
        entry["sha256"] = _sha256(target)
    manifest = {
        "govarchive_version": version,
        "created": iso_utc(clock()),
        "command": list(opts.command),
        "archive": str(folder.root.resolve()),
        "format": opts.fmt,
        "excel_bom": opts.excel,
        "filters": opts.filters.as_dict(),
        "fields": [c.name for c in columns],
        "include": list(opts.include),
        "partition_by": list(opts.partition_by),
        "rows": rows,
        "rows_per_site": dict(sorted(per_site.items())),
        "schema": {
            table: [
                {"name": c.name, "type": type_name(c, opts.fmt), "description": c.description}
                for c in cols
            ]
            for table, cols in schema.items()
        },
        "files": files,
    }
    (tmp / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if out.exists():
        old = out.parent / f".{out.name}.replaced-{os.getpid()}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)
    return ExportResult(out, rows, files)
