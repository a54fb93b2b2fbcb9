"""Scanned pages read with Tesseract's Vietnamese model: the page rasterised by poppler's
`pdftoppm`, then `tesseract ... tsv`, whose word confidences give the page's mean. Both are
Debian packages (`make ocr-tools`); without them a scan is flagged, not read."""

from __future__ import annotations

import csv
import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LANG = "vie"
# One thread each: the stage already runs a worker per core, and Tesseract's OpenMP threads
# on top of that only contend (measured slower on 2 cores).
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class OcrUnavailable(Exception):
    """Tesseract, its Vietnamese model or pdftoppm is not installed."""


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no word was found


@functools.cache
def missing_tools() -> str | None:
    """What is missing for OCR, worded for the user, or None when all is there."""
    for tool, package in (("pdftoppm", "poppler-utils"), ("tesseract", "tesseract-ocr")):
        if shutil.which(tool) is None:
            return f"{tool} not installed (Debian package {package}; `make ocr-tools`)"
    langs = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, env=_ENV
    ).stdout.split()
    if LANG not in langs:
        return "Tesseract's Vietnamese model not installed (tesseract-ocr-vie; `make ocr-tools`)"
    return None


def ocr_pdf_page(pdf: Path, page: int, dpi: int, workdir: Path) -> OcrText:
    """One page of a PDF file, rasterised to grey and read."""
    problem = missing_tools()
    if problem:
        raise OcrUnavailable(problem)
    prefix = workdir / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png",
         "-singlefile", str(pdf), str(prefix)],
        check=True, capture_output=True,
    )  # fmt: skip
    image = prefix.with_suffix(".png")
    try:
        return ocr_image(image, workdir)
    finally:
        image.unlink(missing_ok=True)


def ocr_image(image: Path, workdir: Path) -> OcrText:
    base = workdir / f"{image.stem}-ocr"
    subprocess.run(
        ["tesseract", str(image), str(base), "-l", LANG, "--psm", "3", "tsv"],
        check=True, capture_output=True, env=_ENV,
    )  # fmt: skip
    tsv = base.with_suffix(".tsv")
    try:
        return read_tsv(tsv.read_text(encoding="utf-8"))
    finally:
        tsv.unlink(missing_ok=True)


def read_tsv(tsv: str) -> OcrText:
    """Tesseract's TSV as text: words joined into lines, paragraphs apart by a blank line; and
    the mean confidence of the words."""
    paragraphs: dict[tuple[str, str], dict[str, list[str]]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        if row.get("level") != "5" or not word:
            continue
        conf = float(row["conf"])
        if conf >= 0:
            confidences.append(conf)
        para = paragraphs.setdefault((row["block_num"], row["par_num"]), {})
        para.setdefault(row["line_num"], []).append(word)
    text = "\n\n".join(
        "\n".join(" ".join(words) for words in lines.values()) for lines in paragraphs.values()
    )
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrText(text, mean)
