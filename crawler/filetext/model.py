"""What a file's text is made of: pages, how each was read, and why a file could not be."""

from __future__ import annotations

from dataclasses import dataclass

# A page of a scan that --no-ocr left unread: a later run with OCR reads it.
OCR_OFF = "image-only page, not OCR'd (--no-ocr)"
# A page or file a Debian tool was missing for (tesseract, pdftoppm, antiword): read again by a
# later run once the tools are installed.
TOOL_MISSING = "tool missing: "


class BadFile(Exception):
    """A file that cannot be read, with the reason stored for it (one line)."""


@dataclass(frozen=True)
class Options:
    """How far a file's extraction may go (time and memory are bounded by the worker)."""

    ocr: bool = True
    max_pages: int = 1000  # pages read from one file; the rest are flagged, not read
    max_unpacked: int = 200_000_000  # bytes a DOCX/XLSX may unpack to
    max_ratio: int = 200  # unpacked/packed ratio past which a zip member is a bomb
    ocr_dpi: int = 300


@dataclass
class PageText:
    """One page (a sheet for a workbook, the whole text for a format without pages)."""

    page: int | None  # 1-based; None: a note on the file as a whole
    text: str
    method: str  # pdf-text, ocr, docx, doc, xlsx, xls, none
    confidence: float | None = None  # OCR: mean word confidence, 0-100
    error: str | None = None  # why this page (or file) has no or partial text
    legacy: str | None = None  # tcvn3 / vni: the legacy font encoding converted


def cut_short(limit: int, count: int, unit: str = "pages") -> PageText:
    """The note ending a file read only in part: its first `limit` of `count` pages (or
    sheets) were read, as --max-pages allows."""
    return PageText(
        None, "", "none", error=f"long file: first {limit} of {count} {unit} read (--max-pages)"
    )
