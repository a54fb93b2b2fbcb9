"""Text hygiene shared by the extractor and the pipelines."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and direction marks, soft hyphen, BOM; C0/C1 controls except tab and newlines.
_DROP = re.compile(
    "[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _strip_invisible(text: str) -> str:
    return _DROP.sub("", nfc(text))


def squash(text: str) -> str:
    """NFC, invisible and control characters gone, every run of whitespace (&nbsp; too) one
    space; a leading or trailing space is kept, as it separates inline pieces."""
    text = _strip_invisible(text)
    core = " ".join(text.split())
    if not core:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def clean_line(text: str) -> str:
    """squash(), trimmed."""
    return " ".join(_strip_invisible(text).split())


def clean_block(text: str) -> str:
    """Like clean_line, keeping line breaks (from <br>); a blank line (<br><br>) stays a
    paragraph break."""
    out: list[str] = []
    for raw in _strip_invisible(text.replace("\r", "\n")).split("\n"):
        line = " ".join(raw.split())
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip("\n")
