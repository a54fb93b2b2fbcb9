"""Workbooks: each sheet is a page, its name first, then its rows as tab-separated cells (XLSX
with openpyxl in read-only mode, which streams rows; XLS with xlrd)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from crawler.filetext.model import BadFile, Options, PageText, cut_short
from crawler.filetext.text import tidy

MAX_ROWS = 100_000  # rows read from one sheet; the rest are flagged


def xlsx_pages(data: bytes, options: Options) -> Iterator[PageText]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise BadFile(f"corrupt XLSX: {type(exc).__name__}: {exc}") from None
    try:
        for number, sheet in enumerate(book.worksheets, 1):
            if number > options.max_pages:
                yield cut_short(options.max_pages, len(book.worksheets), "sheets")
                return
            yield _sheet(number, sheet.title, sheet.iter_rows(values_only=True), "xlsx")
    finally:
        book.close()


def xls_pages(data: bytes, options: Options) -> Iterator[PageText]:
    import xlrd

    quiet = io.StringIO()  # xlrd writes its warnings on damaged files to stdout otherwise
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=quiet)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, ...
        raise BadFile(f"corrupt XLS: {type(exc).__name__}: {exc}") from None
    for number in range(1, book.nsheets + 1):
        if number > options.max_pages:
            yield cut_short(options.max_pages, book.nsheets, "sheets")
            return
        try:
            sheet = book.sheet_by_index(number - 1)
        except Exception as exc:  # one damaged sheet: the others are still read
            yield PageText(number, "", "xls", error=f"corrupt sheet: {type(exc).__name__}")
            continue
        rows = (sheet.row_values(r) for r in range(sheet.nrows))
        yield _sheet(number, sheet.name, rows, "xls")
        book.unload_sheet(number - 1)


def _sheet(number: int, title: str, rows: Iterable[Iterable[object]], method: str) -> PageText:
    lines = [title]
    error = None
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            error = f"long sheet: first {MAX_ROWS:,} rows read"
            break
        cells = [_cell(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append("\t".join(cells))
    text, legacy = tidy("\n".join(lines))
    return PageText(number, text, method, error=error, legacy=legacy)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
