"""Text hygiene shared by the extractor and the pipelines."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC, invisible and control characters gone, runs of spaces and &nbsp; made one space."""
    text = _CONTROL.sub("", _INVISIBLE.sub("", nfc(text)))
    return _SPACES.sub(" ", text.replace("\n", " ").replace("\r", " "))


def clean_line(text: str) -> str:
    """squash(), trimmed."""
    text = _CONTROL.sub("", _INVISIBLE.sub("", nfc(text)))
    return _SPACES.sub(" ", text).strip()


def clean_block(text: str) -> str:
    """Like clean_line, keeping line breaks (from <br>); a blank line (<br><br>) stays a
    paragraph break."""
    lines = [clean_line(line) for line in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip("\n")
