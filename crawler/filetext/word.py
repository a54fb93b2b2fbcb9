"""Word files: DOCX with python-docx (paragraphs and tables in document order; a DOCX keeps no
pages, so its text is one page), DOC with Debian's antiword (its form feeds split pages).
antiword, not catdoc: catdoc drops byte 0xAD (a soft hyphen in Windows-1252), which in a
document typed in a TCVN3 font is the letter `ư`."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from crawler.filetext.model import TOOL_MISSING, BadFile, Options, PageText, cut_short
from crawler.filetext.text import tidy


def docx_pages(data: bytes) -> Iterator[PageText]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = _unique(cell.text.strip() for cell in row.cells)
                    blocks.append("\t".join(c for c in cells if c))
            else:
                blocks.append(block.text)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BadFile(f"corrupt DOCX: {type(exc).__name__}: {exc}") from None
    except SyntaxError as exc:  # lxml's XMLSyntaxError: a damaged document.xml
        raise BadFile(f"corrupt DOCX: damaged XML: {exc}") from None
    text, legacy = tidy("\n".join(blocks))
    yield PageText(1, text, "docx", legacy=legacy)


def _unique(cells) -> list[str]:
    """Cells of a row, a merged cell once (python-docx repeats it for each grid column)."""
    out: list[str] = []
    for cell in cells:
        if not out or out[-1] != cell:
            out.append(cell)
    return out


def doc_pages(data: bytes, options: Options) -> Iterator[PageText]:
    if shutil.which("antiword") is None:
        raise BadFile(f"{TOOL_MISSING}antiword not installed (Debian package antiword)")
    with tempfile.TemporaryDirectory(prefix="govarchive-doc-") as tmp:
        path = Path(tmp) / "file.doc"
        path.write_bytes(data)
        # UTF-8 out, no line wrapping; 8-bit text comes out as Windows-1252 read it (what a
        # .VnTime document's bytes are, for tidy() to convert).
        done = subprocess.run(
            ["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True
        )
    if done.returncode != 0:
        why = " ".join(done.stderr.decode("utf-8", "replace").split())[:200]
        raise BadFile(f"corrupt DOC: antiword: {why or f'exit {done.returncode}'}")
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    for number, raw in enumerate(pages, 1):
        if number > options.max_pages:
            yield cut_short(options.max_pages, len(pages))
            return
        text, legacy = tidy(raw)
        if text or number == 1:
            yield PageText(number, text, "doc", legacy=legacy)
