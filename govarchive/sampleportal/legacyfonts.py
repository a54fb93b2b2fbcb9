"""Writes Unicode text the way legacy Vietnamese fonts stored it, for the sample portal's pages
that imitate documents pasted from .VnTime (TCVN3/ABC) and VNI-Times files."""

from __future__ import annotations

import unicodedata

from crawler.extract.legacy import TCVN3

_TCVN3_BYTE = {ch: code for code, ch in TCVN3.items() if code >= 0xA0}
_TCVN3_BYTE.update({ch: code for code, ch in TCVN3.items() if code < 0xA0})

_TONE_VNI = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_CIRC_VNI = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_BREVE_VNI = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_I_VNI = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


class NotEncodable(ValueError):
    pass


def _byte_char(code: int) -> str:
    """How a font byte shows once the document is read as Windows-1252."""
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        raise NotEncodable(f"byte {code:#x} has no Windows-1252 character") from None


def to_tcvn3(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ch)
        elif ch in _TCVN3_BYTE:
            out.append(_byte_char(_TCVN3_BYTE[ch]))
        else:
            raise NotEncodable(f"{ch!r} is not in TCVN3")
    return "".join(out)


def to_vni(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ch)
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        upper = base.isupper()
        tone = next((m for m in marks if m in _TONE_VNI), "")
        shape = "".join(m for m in marks if m not in _TONE_VNI)
        low = base.lower()
        if low == "đ":
            seq = "ñ"
        elif low in "aeo" and shape == "\u0302":
            seq = low + _CIRC_VNI[tone]
        elif low == "a" and shape == "\u0306":
            seq = "a" + _BREVE_VNI[tone]
        elif low in "ou" and shape == "\u031b":
            seq = ("ô" if low == "o" else "ö") + (_TONE_VNI[tone] if tone else "")
        elif low == "i" and tone and not shape:
            seq = _I_VNI[tone]
        elif low == "y" and tone == "\u0323" and not shape:
            seq = "î"
        elif low in "aeouy" and tone and not shape:
            seq = low + _TONE_VNI[tone]
        else:
            raise NotEncodable(f"{ch!r} is not in VNI")
        out.append(seq.upper() if upper else seq)
    return "".join(out)
