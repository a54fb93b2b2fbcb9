"""PDF text page by page with pypdf; a page with (almost) no text but an image on it is a scan
and is OCR'd instead. Encrypted files open when their password is empty (the common
print/copy restriction); otherwise they are flagged, as are files pypdf cannot parse."""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from crawler.filetext.model import OCR_OFF, TOOL_MISSING, BadFile, Options, PageText, cut_short
from crawler.filetext.ocr import OcrUnavailable, ocr_pdf_page
from crawler.filetext.text import tidy

SCAN_LETTERS = 20  # fewer letters than this on a page with an image: read it as a scan

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on sloppy files are noise


def pdf_pages(data: bytes, options: Options) -> Iterator[PageText]:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise BadFile("encrypted PDF: needs a password")
        count = len(reader.pages)
    except BadFile:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadFile(f"corrupt PDF: {type(exc).__name__}: {exc}") from None
    if count == 0:
        raise BadFile("PDF without pages")
    with tempfile.TemporaryDirectory(prefix="govarchive-ocr-") as tmp:
        workdir = Path(tmp)
        on_disk: Path | None = None
        for number in range(1, count + 1):
            if number > options.max_pages:
                yield cut_short(options.max_pages, count)
                return
            try:
                page = reader.pages[number - 1]
                raw = page.extract_text() or ""
                scan = _letters(raw) < SCAN_LETTERS and _has_xobject(page)
            except Exception as exc:  # one damaged page: the others are still read
                yield PageText(number, "", "pdf-text", error=_why(exc))
                continue
            if not scan:
                text, legacy = tidy(raw)
                yield PageText(number, text, "pdf-text", legacy=legacy)
                continue
            if not options.ocr:
                yield PageText(number, tidy(raw)[0], "pdf-text", error=OCR_OFF)
                continue
            if on_disk is None:
                on_disk = workdir / "file.pdf"
                on_disk.write_bytes(data)
            try:
                read = ocr_pdf_page(on_disk, number, _dpi(page, options.ocr_dpi), workdir)
            except OcrUnavailable as exc:
                yield PageText(number, tidy(raw)[0], "pdf-text", error=f"{TOOL_MISSING}{exc}")
                continue
            except Exception as exc:
                yield PageText(number, tidy(raw)[0], "ocr", error=f"OCR failed: {_why(exc)}")
                continue
            text, legacy = tidy(read.text)
            yield PageText(number, text, "ocr", confidence=read.confidence, legacy=legacy)


MAX_PIXELS = 6000  # the long side of a rasterised page: an A4 page at 300 dpi is 3508


def _dpi(page, dpi: int) -> int:
    """The resolution to rasterise a page at: `dpi`, lower for a page so large (a map, a
    poster) that its image would not fit a worker's memory."""
    try:
        longest = max(float(page.mediabox.width), float(page.mediabox.height)) / 72
    except (ValueError, TypeError, KeyError, AttributeError):
        return dpi
    if longest <= 0:
        return dpi
    return max(30, min(dpi, int(MAX_PIXELS / longest)))


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def _has_xobject(page) -> bool:
    """An image (or a form that may hold one) drawn on the page."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources else None
    return bool(xobjects.get_object()) if xobjects is not None else False


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
