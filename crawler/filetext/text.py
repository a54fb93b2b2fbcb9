"""A file's text made tidy the way an article's is: legacy-font lines converted, NFC, no
invisible characters, no runs of spaces inside a line (indentation kept), no trailing blanks."""

from __future__ import annotations

import re

from crawler.extract.legacy import Conversion, convert_legacy, from_tcvn3, is_syllable
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
    raw = text.split("\n")
    converted = [convert_legacy(line) for line in raw]
    found: dict[str, int] = {}
    for c in converted:
        if c.encoding:
            found[c.encoding] = found.get(c.encoding, 0) + 1
    if "tcvn3" in found:  # headings too short to judge alone, in the document's own font
        for k, c in enumerate(converted):
            if c.encoding is None and (retried := _as_tcvn3(raw[k])) is not None:
                converted[k] = Conversion(retried, "tcvn3")
    lines = [_SPACES.sub(" ", _DROP.sub("", nfc(c.text))).rstrip() for c in converted]
    out = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")
    return out, max(found, key=found.__getitem__) if found else None


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _as_tcvn3(line: str) -> str | None:
    """A line of a TCVN3 document that the converter left alone (a short heading, all capitals:
    `H§ND HUYŒN V¡N B€N`): converted when at least half of the words the conversion changes
    become Vietnamese syllables (`HUYỆN VĂN BÀN`; an abbreviation such as HĐND is not one)."""
    out = from_tcvn3(line)
    before, after = line.split(), out.split()
    if out == line or len(before) != len(after):
        return None
    changed = [v for w, v in zip(before, after, strict=True) if w != v]
    syllables = sum(all(is_syllable(x) for x in _WORD.findall(v)) for v in changed)
    return out if syllables and syllables * 2 >= len(changed) else None
