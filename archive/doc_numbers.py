"""Document numbers (số ký hiệu) of official documents, parsed and compared loosely (issue 17).

A number reads `serial[/year]/[type code-]issuer`: `71/2024/QĐ-UBND` (a decision of the
people's committee), `193/KH-UBND` (a plan), `706/UBND-VP7` (no type code: an official letter,
công văn, of the committee's office). Researchers type them every way: `71/2024/qd-ubnd`,
`QĐ 71/2024`, `Quyết định 71/2024`, `71 / 2024 / QĐ – UBND`. Two numbers are the same document
number when their serials match and so does every other part both of them give.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Type codes as documents write them, and the type each stands for (Nghị định 30/2020/NĐ-CP,
# Appendix I). Case matters between a few (TT Thông tư, TTr Tờ trình), as does đ (HD Hướng
# dẫn, HĐ Hợp đồng); a code matched only once folded takes the first of these that fits.
TYPES: dict[str, str] = {
    "QĐ": "Quyết định",
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "CT": "Chỉ thị",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "CV": "Công văn",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "CTr": "Chương trình",
    "ĐA": "Đề án",
    "KL": "Kết luận",
    "PA": "Phương án",
    "HĐ": "Hợp đồng",
    "BB": "Biên bản",
    "GCN": "Giấy chứng nhận",
    "GUQ": "Giấy ủy quyền",
    "GGT": "Giấy giới thiệu",
    "PL": "Phụ lục",
}
LETTER = "Công văn"  # a number with no type code: `706/UBND-VP7`


def fold(text: str) -> str:
    """Upper case without tone marks, đ as D: what a number is compared by."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).upper()


_FOLDED_TYPES: dict[str, str] = {}
for _code in TYPES:
    _FOLDED_TYPES.setdefault(fold(_code), _code)
# Type names as a query may give them ("Quyết định 71/2024"), longest first.
_NAMES = sorted(((fold(n), c) for c, n in TYPES.items()), key=lambda p: -len(p[0]))

_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_CODE = rf"[A-Za-zĐđ][A-Za-zĐđ0-9]*(?:\s*[{_DASH}]\s*[A-Za-zĐđ0-9]+)*"
_NUMBER = re.compile(
    rf"(?<![\w/])(?P<serial>\d{{1,6}}[a-z]?)\s*/\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?"
    rf"(?P<codes>{_CODE})",
    re.UNICODE,
)
# A query naming the type first: "QĐ 71/2024", "Quyết định số 71/2024/UBND".
_TYPE_FIRST = re.compile(
    r"^\s*(?P<type>[^\d]+?)\s+(?:s[oố]\s*:?\s*)?(?P<serial>\d{1,6}[a-z]?)"
    r"(?:\s*/\s*(?P<year>(?:19|20)\d\d))?(?:\s*/\s*(?P<issuer>[A-Za-zĐđ][\w\-]*))?\s*$",
    re.IGNORECASE | re.UNICODE,
)


@dataclass(frozen=True)
class DocNumber:
    serial: str  # "71", leading zeros kept as written
    year: int | None = None
    code: str | None = None  # the type code, in its usual spelling ("qd" -> "QĐ"); None: none
    issuer: str | None = None  # "UBND", "UBND-VP7"

    @property
    def type(self) -> str | None:
        """The document type the number's code stands for; a number with an issuer and no
        type code is an official letter; a bare serial says nothing."""
        if self.code:
            return TYPES.get(self.code) or TYPES.get(_FOLDED_TYPES.get(fold(self.code), ""))
        return LETTER if self.issuer else None

    @property
    def text(self) -> str:
        """The number in its usual spelling: `71/2024/QĐ-UBND`."""
        parts = [self.serial] + ([str(self.year)] if self.year else [])
        tail = "-".join(p for p in (self.code, self.issuer) if p)
        return "/".join(parts + ([tail] if tail else []))

    @property
    def key(self) -> str:
        """The number folded (`71/2024/QD-UBND`): equal keys are the same number."""
        return fold(self.text.replace(self.serial, self.serial.lstrip("0") or "0", 1))

    def matches(self, other: DocNumber) -> bool:
        """The same document number as far as both say: the serial always, the year, type code
        and issuer wherever both give one (`QĐ 71/2024` matches `71/2024/QĐ-UBND`)."""
        if (self.serial.lstrip("0") or "0") != (other.serial.lstrip("0") or "0"):
            return False
        if self.year and other.year and self.year != other.year:
            return False
        if self.code and other.code and fold(self.code) != fold(other.code):
            return False
        return not (self.issuer and other.issuer and fold(self.issuer) != fold(other.issuer))


def _split_codes(codes: str) -> tuple[str | None, str | None]:
    """`QĐ-UBND` -> ("QĐ", "UBND"); `UBND-VP7` -> (None, "UBND-VP7"); `KH` -> ("KH", None)."""
    parts = [p.strip() for p in re.split(rf"[{_DASH}]", codes) if p.strip()]
    if not parts:
        return None, None
    first = parts[0]
    known = first if first in TYPES else _FOLDED_TYPES.get(fold(first))
    if known is not None:
        issuer = "-".join(parts[1:]) or None
        return (first if first in TYPES else known), issuer
    return None, "-".join(parts)


def _number(serial: str, year: str | None, codes: str | None) -> DocNumber:
    code, issuer = _split_codes(codes) if codes else (None, None)
    return DocNumber(serial, int(year) if year else None, code, issuer)


def parse(text: str) -> DocNumber | None:
    """The document number `text` is (or names first): `71/2024/QĐ-UBND`, `Số: 193/KH-UBND`,
    `QĐ 71/2024`, `Quyết định 71/2024`; None when it holds none."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return None
    typed = _TYPE_FIRST.match(text)
    if typed:
        code = _code_for(typed.group("type"))
        if code is not None:
            return DocNumber(
                typed.group("serial"),
                int(typed.group("year")) if typed.group("year") else None,
                code,
                typed.group("issuer"),
            )
    found = _NUMBER.search(text)
    if found is None:
        return None
    return _number(found.group("serial"), found.group("year"), found.group("codes"))


def _code_for(words: str) -> str | None:
    """The type code a query's leading words name: a code (`QĐ`, `qd`) or a type's name."""
    words = words.strip().rstrip(":").strip()
    if words in TYPES:
        return words
    folded = fold(words)
    if folded in _FOLDED_TYPES:
        return _FOLDED_TYPES[folded]
    for name, code in _NAMES:
        if folded == name:
            return code
    return None


def find_all(text: str) -> list[DocNumber]:
    """Every document number in a text (an article publishing a decision, a list's cell), in
    order, each once. A serial and year with no code (`12/2024`, a date's tail) is not one."""
    out: list[DocNumber] = []
    seen: set[str] = set()
    for found in _NUMBER.finditer(unicodedata.normalize("NFC", text or "")):
        number = _number(found.group("serial"), found.group("year"), found.group("codes"))
        if number.key not in seen:
            seen.add(number.key)
            out.append(number)
    return out
