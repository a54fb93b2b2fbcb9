"""Which reader a file needs, decided from its bytes first (portals label files loosely: a
`.doc` that is really a DOCX, `application/octet-stream` for everything), then from its
declared type and name; and the zip check that stops a decompression bomb before it unpacks."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from crawler.filetext.model import BadFile, Options, PageText

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BY_TYPE = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
}
FORMATS = ("pdf", "docx", "xlsx", "doc", "xls")


def sniff(data: bytes, content_type: str | None = None, name: str | None = None) -> str | None:
    """pdf, docx, xlsx, doc, xls, or None for a format not read here."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None if names else _declared(content_type, name, ("docx", "xlsx"))
    if head.startswith(_OLE):
        # The directory names its streams in UTF-16: WordDocument, or Workbook/Book.
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return _declared(content_type, name, ("doc", "xls"))
    return None


def _declared(content_type: str | None, name: str | None, among: tuple[str, ...]) -> str | None:
    kind = _BY_TYPE.get((content_type or "").split(";")[0].strip().lower())
    if kind in among:
        return kind
    ext = (name or "").rsplit(".", 1)[-1].lower()
    return ext if ext in among else among[0]


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def check_zip(data: bytes, options: Options) -> None:
    """Refuse a DOCX/XLSX whose members would unpack past the limits (a zip bomb), from the
    sizes its directory declares; the worker's memory limit catches one that lies about them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadFile(f"corrupt zip container: {exc}") from None
    total = sum(i.file_size for i in infos)
    if total > options.max_unpacked:
        raise BadFile(
            f"decompression bomb: {total:,} bytes unpacked from {len(data):,} "
            f"(limit {options.max_unpacked:,})"
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > options.max_ratio * max(
            info.compress_size, 1
        ):
            raise BadFile(
                f"decompression bomb: {info.filename} unpacks {info.compress_size:,} bytes "
                f"to {info.file_size:,}"
            )


def extract_text(
    data: bytes,
    content_type: str | None = None,
    name: str | None = None,
    options: Options | None = None,
) -> Iterator[PageText]:
    """The file's pages, in order, as they are read (a worker streams them, so a file cut off
    by its time limit keeps the pages read). Raises BadFile for a file that cannot be read."""
    options = options or Options()
    kind = sniff(data, content_type, name)
    if kind is None:
        raise BadFile(f"not a format read here ({content_type or 'no type'}): {data[:8]!r}")
    if kind == "pdf":
        from crawler.filetext.pdf import pdf_pages

        yield from pdf_pages(data, options)
    elif kind == "docx":
        from crawler.filetext.word import docx_pages

        check_zip(data, options)
        yield from docx_pages(data)
    elif kind == "doc":
        from crawler.filetext.word import doc_pages

        yield from doc_pages(data, options)
    elif kind == "xlsx":
        from crawler.filetext.sheets import xlsx_pages

        check_zip(data, options)
        yield from xlsx_pages(data, options)
    else:
        from crawler.filetext.sheets import xls_pages

        yield from xls_pages(data, options)
