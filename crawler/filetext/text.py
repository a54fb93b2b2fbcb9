"""A file's text made tidy the way an article's is: legacy-font lines converted, NFC, no
invisible characters, no runs of spaces inside a line (indentation kept), no trailing blanks."""

from __future__ import annotations

import re

from crawler.extract.legacy import convert_legacy
from crawler.extract.text import nfc

# Zero-width marks, BOM, C0/C1 controls except tab, newline and form feed (after conversion:
# TCVN3 needs its soft hyphen and C1 bytes, which are letters there).
_DROP = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BLANK_RUN = re.compile(r"\n{3,}")
_SPACES = re.compile(r"(?<=\S) {2,}")  # justified PDF lines come out with runs of spaces


def tidy(text: str) -> tuple[str, str | None]:
    """The text with each line converted from TCVN3/VNI when it is legacy (a document mixes
    Unicode headings with legacy paragraphs, so lines are judged apart), and the encoding
    converted when there was one (the most frequent, when several)."""
    lines = []
    found: dict[str, int] = {}
    for line in text.split("\n"):
        converted = convert_legacy(line)
        if converted.encoding:
            found[converted.encoding] = found.get(converted.encoding, 0) + 1
        lines.append(_SPACES.sub(" ", _DROP.sub("", nfc(converted.text))).rstrip())
    out = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
    return out, max(found, key=found.__getitem__) if found else None
