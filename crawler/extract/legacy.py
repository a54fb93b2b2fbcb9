"""Legacy Vietnamese encodings (TCVN3/ABC and VNI) found in pasted-in text, converted to Unicode.

Documents typed in the .VnTime (TCVN3) or VNI-Times fonts keep their font's byte codes when pasted
into a web editor, so the page shows Latin-1 mojibake such as `phßng èc éi` (TCVN3) or
`Vieät Nam` (VNI). Each text block is checked on its own: when it looks legacy, both conversions
are tried and the one yielding well-formed Vietnamese wins; a result that is still not clean is
reported as doubtful, so researchers can find it.
"""

from __future__ import annotations

import functools
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
# Latin-1 characters that never occur in Vietnamese words: the tell-tale of legacy text.
_FOREIGN = (
    {chr(c) for c in range(0xA1, 0x100)}
    - {c for c in VIETNAMESE_LETTERS | {x.upper() for x in VIETNAMESE_LETTERS}}
    - {"°", "×", "÷", "±", "²", "³", "½"}
)
_FOREIGN_RE = re.compile("[" + re.escape("".join(sorted(_FOREIGN))) + "\u00ad]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CAPS_WORD = re.compile(r"[A-Z][^\sa-z]*[A-Z]")
# Tokens for judging conversions: legacy symbols (¬ ­ ®) stay inside the word they belong to.
_TOKEN = re.compile(r"[^\s.,;:!?()\[\]{}\"'“”‘’…/\\–—-]+")


@dataclass(frozen=True)
class Conversion:
    text: str
    encoding: str | None  # "tcvn3", "vni" or None when left as it was
    doubtful: bool = False


# Letters legacy mojibake can never contain: a text holding any of them is real Unicode.
_UNICODE_ONLY = re.compile(
    r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
_HIGH = re.compile(
    r"[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


_EMBEDDED = re.compile(
    rf"[A-Za-z\u00ad]{_HIGH.pattern}|{_HIGH.pattern}[A-Za-z\u00ad]|{_HIGH.pattern}{{2}}"
)


def looks_legacy(text: str) -> bool:
    """Characters a legacy font leaves behind, and none that only Unicode Vietnamese has."""
    return bool(_HIGH.search(text)) and not _UNICODE_ONLY.search(nfc_text(text))


def nfc_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tcvn3_table() -> dict[int, str]:
    """str.translate table: each byte 0x80-0xFF, whether it arrived as its Latin-1 character or
    as the cp1252 one (0x80-0x9F: €, Œ, “ ...), to its TCVN3 letter."""
    table = {code: TCVN3[code] for code in range(0x80, 0x100)}
    for byte in range(0x80, 0xA0):
        try:
            ch = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        table[ord(ch)] = TCVN3[byte]
    return table


_TCVN3_TABLE = _tcvn3_table()


def from_tcvn3(text: str) -> str:
    return _recase(unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE)))


def _vni_pair(ch: str, mark: str) -> str | None:
    """The letter a VNI base letter and its following mark character stand for, if any."""
    low, upper, m = ch.lower(), ch.isupper(), mark.lower()
    if low in "aeo" and m in _VNI_CIRC:
        base, accent = {"a": "â", "e": "ê", "o": "ô"}[low], _VNI_CIRC[m]
    elif low == "a" and m in _VNI_BREVE:
        base, accent = "ă", _VNI_BREVE[m]
    elif low in "aeouy" and m in _VNI_TONES:
        base, accent = low, _VNI_TONES[m]
    elif ch in ("ô", "Ô", "ö", "Ö") and m in _VNI_TONES:
        base, accent = _VNI_SINGLE[ch].lower(), _VNI_TONES[m]
    else:
        return None
    composed = unicodedata.normalize("NFC", base + accent)
    return composed.upper() if upper else composed


_VNI_MARKS = {*_VNI_TONES, *_VNI_CIRC, *_VNI_BREVE}
_VNI_MARKS |= {m.upper() for m in _VNI_MARKS}
_VNI_PAIRS = {
    b + m: letter
    for b in "aeouyAEOUYôÔöÖ"
    for m in _VNI_MARKS
    if (letter := _vni_pair(b, m)) is not None
}
_VNI_CODES = {**{c: c2 for c, c2 in _VNI_SINGLE.items()}, **_VNI_PAIRS}
# Pairs first, so a base letter takes its mark before the mark could be read on its own: a
# branch per base letter with the class of the marks it pairs with (the same strings as one
# branch per pair, which re tried one by one at every character: 5x slower).
_VNI_RE = re.compile(
    "|".join(
        re.escape(base)
        + "["
        + "".join(re.escape(p[1]) for p in sorted(_VNI_PAIRS) if p[0] == base)
        + "]"
        for base in sorted({p[0] for p in _VNI_PAIRS})
    )
    + "|["
    + "".join(_VNI_SINGLE)
    + "]"
)


def from_vni(text: str) -> str:
    text = _VNI_RE.sub(lambda m: _VNI_CODES[m.group()], text)
    return _recase(unicodedata.normalize("NFC", text))


def _recase(text: str) -> str:
    """Words typed in an all-capitals legacy font come out mixed-case; make them capitals again."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
            return word.upper()
        return word

    if not _CAPS_WORD.search(text):
        return text
    return _WORD.sub(fix, text)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI_TEXT = """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua
    uâ uê ui uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu"""
_NUCLEI = sorted(_NUCLEI_TEXT.split(), key=len, reverse=True)
# Nuclei closed by a glide (i/y/o/u): no final consonant follows, and the tone never sits on the glide.
_CLOSED = {
    n for n in _NUCLEI if len(n) > 1 and n[-1] in "iyou" and n not in ("ia", "ua", "ưa", "oo")
}
_CLOSED -= {"uy", "uyu"}
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    rf"({'|'.join(_NUCLEI)})(ng|nh|ch|[cmnpt])?$"
)


@functools.lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: known onset, vowel nucleus and coda, one tone at most,
    and no tone on a closing glide."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in decomposed if c in _TONES) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    match = _SYLLABLE.match(toneless)
    if not match:
        return False
    nucleus, coda = match.group(2), match.group(3)
    if nucleus in _CLOSED:
        if coda:
            return False
        composed = unicodedata.normalize("NFC", word.lower())
        last_vowel = composed[match.start(2) + len(nucleus) - 1]
        if unicodedata.normalize("NFD", last_vowel)[1:] and any(
            m in _TONES for m in unicodedata.normalize("NFD", last_vowel)
        ):
            return False
    return True


def validity(text: str) -> float:
    """Share of the words with non-ASCII letters that are well-formed Vietnamese syllables."""
    words = [w for w in _TOKEN.findall(text) if not w.isascii()]
    if not words:
        return 1.0
    return sum(1 for w in words if is_syllable(w)) / len(words)


ACCEPT = 0.8  # share of well-formed syllables a conversion needs to be taken
CONFIDENT = 0.95  # below this, a taken conversion is flagged doubtful


ACCEPT = 0.8  # share of well-formed syllables a conversion needs to be taken
CONFIDENT = 0.95  # below this, a taken conversion is flagged doubtful


def convert_legacy(text: str) -> Conversion:
    """Unicode text unchanged; legacy text converted with the encoding that fits it best.

    A line mixing both (a Unicode label before a name pasted from a legacy document) is
    converted run by run: each run of words free of Unicode-only letters is judged on its own.
    """
    if not _FOREIGN_RE.search(text):  # the fast, common case: nothing a legacy font leaves
        return Conversion(text, None)
    if not _UNICODE_ONLY.search(nfc_text(text)):
        return _convert_run(text)
    tokens = re.split(r"(\s+)", text)
    out: list[str] = []
    run: list[str] = []
    encodings: set[str] = set()
    doubtful = False

    def flush() -> None:
        nonlocal doubtful
        if run:
            result = _convert_run("".join(run))
            out.append(result.text)
            doubtful = doubtful or result.doubtful
            if result.encoding:
                encodings.add(result.encoding)
            run.clear()

    for token in tokens:
        if token.isspace() or not token:
            (run if run else out).append(token)
        elif _UNICODE_ONLY.search(nfc_text(token)) or not (run or _FOREIGN_RE.search(token)):
            flush()
            out.append(token)
        else:
            run.append(token)
    flush()
    encoding = encodings.pop() if len(encodings) == 1 else None
    return Conversion("".join(out), encoding, doubtful or len(encodings) > 1)


def _convert_run(text: str) -> Conversion:
    if not _EMBEDDED.search(text):  # lone symbols (©, ½) are not legacy letters
        return Conversion(text, None)
    before = validity(text)
    if before == 1.0:  # nothing can do better than well-formed as it is
        return Conversion(text, None)
    tcvn3 = from_tcvn3(text)
    score, encoding, converted = validity(tcvn3), "tcvn3", tcvn3
    if score < 1.0:  # VNI is tried unless TCVN3 is perfect (a tie goes to TCVN3)
        vni = from_vni(text)
        vni_score = validity(vni)
        if vni_score > score:
            score, encoding, converted = vni_score, "vni", vni
    if score >= ACCEPT and score > before:
        return Conversion(converted, encoding, doubtful=score < CONFIDENT)
    broken = sum(1 for c in text if c in _FOREIGN or c == "\u00ad") >= 3 and before < 0.5
    return Conversion(text, None, doubtful=broken)
