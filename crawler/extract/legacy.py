"""Legacy Vietnamese encodings (TCVN3/ABC and VNI) found in pasted-in text, converted to Unicode.

Documents typed in the .VnTime (TCVN3) or VNI-Times fonts keep their font's byte codes when pasted
into a web editor, so the page shows Latin-1 mojibake such as `phßng èc éi` (TCVN3) or
`Vieät Nam` (VNI). Each text block is checked on its own: when it looks legacy, both conversions
are tried and the one yielding well-formed Vietnamese wins; a result that is still not clean is
reported as doubtful, so researchers can find it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# TCVN 5712:1993 (VN3) bytes 0x80-0xFF to Unicode, row by row (the standard's code chart).
_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
)
assert len(_TCVN3_HIGH) == 128
TCVN3 = {0x80 + i: ch for i, ch in enumerate(_TCVN3_HIGH)}

# VNI-Windows: a base letter followed by a mark character.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_CIRC = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ö": "ư", "Ö": "Ư", "ô": "ơ", "Ô": "Ơ",
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
    "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ",
}  # fmt: skip

VIETNAMESE_LETTERS = set(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
_VIET_ONLY = set("ăâđêôơư") | {c for c in VIETNAMESE_LETTERS if ord(c) >= 0x1EA0}
# Latin-1 characters that never occur in Vietnamese words: the tell-tale of legacy text.
_FOREIGN = (
    {chr(c) for c in range(0xA1, 0x100)}
    - {c for c in VIETNAMESE_LETTERS | {x.upper() for x in VIETNAMESE_LETTERS}}
    - {"°", "×", "÷", "±", "²", "³", "½"}
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Tokens for judging conversions: legacy symbols (¬ ­ ®) stay inside the word they belong to.
_TOKEN = re.compile(r"[^\s.,;:!?()\[\]{}\"'“”‘’…/\\–—-]+")


@dataclass(frozen=True)
class Conversion:
    text: str
    encoding: str | None  # "tcvn3", "vni" or None when left as it was
    doubtful: bool = False


def _legacy_marks(text: str) -> tuple[int, int]:
    """(characters typical of legacy text, genuine Vietnamese Unicode letters)."""
    foreign = sum(1 for c in text if c in _FOREIGN or c == "\u00ad")
    viet = sum(1 for c in text.lower() if c in _VIET_ONLY)
    return foreign, viet


def looks_legacy(text: str) -> bool:
    """Characters no Vietnamese word has, and few genuine Vietnamese letters beside them."""
    foreign, viet = _legacy_marks(text)
    return foreign >= 1 and foreign > 2 * viet


def from_tcvn3(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if code >= 0x80:
            try:
                code = code if code < 0x100 else ch.encode("cp1252")[0]
            except UnicodeEncodeError:
                out.append(ch)
                continue
            out.append(TCVN3.get(code, ch))
        else:
            out.append(ch)
    return _recase(unicodedata.normalize("NFC", "".join(out)))


def from_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        low, upper = ch.lower(), ch.isupper()
        mark_table = None
        if low in "aeo" and nxt.lower() in _VNI_CIRC:
            base, mark_table = {"a": "â", "e": "ê", "o": "ô"}[low], _VNI_CIRC
        elif low == "a" and nxt.lower() in _VNI_BREVE:
            base, mark_table = "ă", _VNI_BREVE
        elif low in "aeouy" and nxt.lower() in _VNI_TONES:
            base, mark_table = low, _VNI_TONES
        elif ch in ("ô", "Ô", "ö", "Ö") and nxt.lower() in _VNI_TONES:
            base, mark_table = _VNI_SINGLE[ch].lower(), _VNI_TONES
        if mark_table is not None:
            composed = unicodedata.normalize("NFC", base + mark_table[nxt.lower()])
            out.append(composed.upper() if upper else composed)
            i += 2
            continue
        out.append(_VNI_SINGLE.get(ch, ch))
        i += 1
    return _recase(unicodedata.normalize("NFC", "".join(out)))


def _recase(text: str) -> str:
    """Words typed in an all-capitals legacy font come out mixed-case; make them capitals again."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
            return word.upper()
        return word

    return _WORD.sub(fix, text)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI_TEXT = """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua
    uâ uê ui uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu"""
_NUCLEI = sorted(_NUCLEI_TEXT.split(), key=len, reverse=True)
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    rf"({'|'.join(_NUCLEI)})(ng|nh|ch|[cmnpt])?$"
)


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: known onset, vowel nucleus and coda, one tone at most."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in decomposed if c in _TONES) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return bool(_SYLLABLE.match(toneless))


def validity(text: str) -> float:
    """Share of the words with non-ASCII letters that are well-formed Vietnamese syllables."""
    words = [w for w in _TOKEN.findall(text) if not w.isascii()]
    if not words:
        return 1.0
    return sum(1 for w in words if is_syllable(w)) / len(words)


def convert_legacy(text: str) -> Conversion:
    """Unicode text unchanged; legacy text converted with the encoding that fits it best."""
    if not looks_legacy(text):
        return Conversion(text, None)
    before = validity(text)
    scored = [
        (validity(t), name, t) for name, t in (("tcvn3", from_tcvn3(text)), ("vni", from_vni(text)))
    ]
    score, encoding, converted = max(scored, key=lambda c: (c[0], c[1] == "tcvn3"))
    if score <= before:
        return Conversion(text, None, doubtful=True)
    return Conversion(converted, encoding, doubtful=score < 0.9)
