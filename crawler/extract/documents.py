"""Official documents (văn bản) on a page, decided from what the page says, not from its layout's
class names (issue 17, part 1): a list is a table whose header names a document's fields (`Số ký
hiệu`, `Ngày ban hành`, `Trích yếu`, `Tải về`, in any order and wording portals use), one
document a row; a detail page gives the fields as label and value pairs (table rows, `dt`/`dd`,
or `Label: value` lines). Not wired into the crawl yet: the documents table comes next; the
crawl will ask might_hold_documents of a page's text first."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archive.doc_numbers import DocNumber, fold, parse
from crawler.extract.dates import parse_vn_datetime
from crawler.extract.markup import text_content
from crawler.extract.text import clean_line
from crawler.urls import FILE_EXTENSIONS

# What portals call each field, folded (no tone marks, đ as D, upper case), longest first.
_LABELS: dict[str, str] = {
    "SO KY HIEU": "number",
    "SO/KY HIEU": "number",
    "SO HIEU": "number",
    "KY HIEU": "number",
    "SO VAN BAN": "number",
    "SO VB": "number",
    "NGAY BAN HANH": "issued_at",
    "NGAY BH": "issued_at",
    "NGAY KY": "issued_at",
    "NGAY HIEU LUC": "effective_at",
    "HIEU LUC TU NGAY": "effective_at",
    "NGAY CO HIEU LUC": "effective_at",
    "TRICH YEU NOI DUNG": "abstract",
    "TRICH YEU": "abstract",
    "TEN VAN BAN": "abstract",
    "CO QUAN BAN HANH": "issuer",
    "DON VI BAN HANH": "issuer",
    "NOI BAN HANH": "issuer",
    "NGUOI KY": "signer",
    "NGUOI DUYET": "signer",
    "LOAI VAN BAN": "kind",
    "HINH THUC VAN BAN": "kind",
    "LINH VUC": "field",
    "TAI VE": "files",
    "TEP DINH KEM": "files",
    "FILE DINH KEM": "files",
    "DINH KEM": "files",
    "TAI LIEU DINH KEM": "files",
}
_ORDERED = sorted(_LABELS, key=len, reverse=True)
# A page that may show a document names its number or abstract with one of these words; the
# rest (nearly every page of a portal) are ruled out by a few substring searches of its text.
_WORDS = ("ký hiệu", "trích yếu", "số hiệu", "số văn bản", "ngày ban hành")
# in NFC and NFD (normalising a page costs more than all the searches), and without marks
_NEEDLES = tuple(
    dict.fromkeys(
        [unicodedata.normalize(form, w) for w in _WORDS for form in ("NFC", "NFD")]
        + ["ky hieu", "trich yeu"]
    )
)
HEADER_ROWS = 3  # a list's header is among its table's first rows
_ROW_CELLS = etree.XPath("./th|./td")
_LINE = re.compile(r"^\s*([^:]{2,40}?)\s*:\s*(.+)$")


@dataclass
class FoundDocument:
    """One document as a page shows it."""

    number: DocNumber | None = None
    number_text: str = ""  # as the page writes it
    kind: str = ""  # the type the page names, else the number's
    issued_at: str | None = None
    effective_at: str | None = None
    abstract: str = ""
    issuer: str = ""
    signer: str = ""
    field: str = ""
    files: list[str] = dataclass_field(default_factory=list)  # absolute URLs of its attached files
    detail_url: str | None = None  # its own page, when a list links one


def might_hold_documents(page_text: str) -> bool:
    """Whether a page's text names a document field at all (cheap; the finders are not)."""
    lowered = page_text.lower()
    return any(needle in lowered for needle in _NEEDLES)


def label_of(text: str) -> str | None:
    """The field a header or label names, or None."""
    folded = " ".join(fold(text).replace(":", " ").split())
    if not folded or len(folded) > 40:
        return None
    for label in _ORDERED:
        if folded == label or folded.startswith(label + " ") or folded.endswith(" " + label):
            return _LABELS[label]
    return None


def documents_in_lists(doc: etree._Element, base_url: str) -> list[FoundDocument]:
    """Every document listed in a table whose header names at least a number or an abstract
    and one more field (a date, a file, an issuer...)."""
    found: list[FoundDocument] = []
    for table in doc.iter("table"):
        rows = [r for r in table.iter("tr") if _nearest_table(r) is table]
        for i, row in enumerate(rows[:HEADER_ROWS]):
            columns = [label_of(text_content(c)) for c in _ROW_CELLS(row)]
            named = {c for c in columns if c}
            if len(named) >= 2 and named & {"number", "abstract"}:
                found += [d for r in rows[i + 1 :] if (d := _from_row(r, columns, base_url))]
                break
    return found


def document_on_page(doc: etree._Element, base_url: str) -> FoundDocument | None:
    """The document a detail page shows as label/value pairs; None unless it gives a number
    and an abstract or an issue date."""
    pairs: list[tuple[str, etree._Element | str]] = []
    for row in doc.iter("tr"):
        cells = _ROW_CELLS(row)
        if len(cells) == 2 and (name := label_of(text_content(cells[0]))):
            pairs.append((name, cells[1]))
    for term in doc.iter("dt"):
        value = term.getnext()
        if value is not None and value.tag == "dd" and (name := label_of(text_content(term))):
            pairs.append((name, value))
    for block in doc.iter("p", "li", "div"):
        if len(block) > 3:
            continue  # a container: its children carry the lines
        text = text_content(block)
        if ":" not in text[:80]:
            continue  # no label before a colon
        line = _LINE.match(clean_line(text))
        if line and (name := label_of(line.group(1))):
            pairs.append((name, line.group(2)))
    document = FoundDocument()
    for name, value in pairs:
        _fill(document, name, value, base_url)
    if document.number and (document.abstract or document.issued_at):
        return document
    return None


def _nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _from_row(
    row: etree._Element, columns: list[str | None], base_url: str
) -> FoundDocument | None:
    cells = _ROW_CELLS(row)
    if len(cells) != len(columns):
        return None  # a pager or a spanning note, not a document
    document = FoundDocument()
    for name, cell in zip(columns, cells, strict=True):
        if name:
            _fill(document, name, cell, base_url)
            if name in ("number", "abstract") and document.detail_url is None:
                document.detail_url = _page_link(cell, base_url)
    return document if document.number or document.abstract else None


def _fill(document: FoundDocument, name: str, value: etree._Element | str, base_url: str) -> None:
    text = clean_line(value if isinstance(value, str) else text_content(value))
    if not isinstance(value, str):  # a file linked from any field is the document's
        document.files += [
            u for u in _links(value, base_url) if _is_file(u) and u not in document.files
        ]
    if name == "number" and text and not document.number_text:
        document.number_text = text
        document.number = parse(text)
    elif name in ("issued_at", "effective_at") and getattr(document, name) is None:
        setattr(document, name, parse_vn_datetime(text))
    elif name in ("abstract", "issuer", "signer", "field", "kind") and not getattr(document, name):
        setattr(document, name, text)
    if name == "number" and document.number and not document.kind:
        document.kind = document.number.type or ""


def _links(el: etree._Element, base_url: str) -> list[str]:
    return [urljoin(base_url, a.get("href").strip()) for a in el.iter("a") if a.get("href")]


def _is_file(url: str) -> bool:
    return urlsplit(url).path.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS


def _page_link(cell: etree._Element, base_url: str) -> str | None:
    return next((u for u in _links(cell, base_url) if not _is_file(u)), None)
