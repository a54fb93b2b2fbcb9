"""Official documents (văn bản) on a page, decided from what the page says, not from its layout's
class names (issue 17, part 1): a list is a table whose header names a document's fields (`Số ký
hiệu`, `Ngày ban hành`, `Trích yếu`, `Tải về`, in any order and wording portals use), one
document a row; a detail page gives the fields as label and value pairs (table rows, `dt`/`dd`,
or `Label: value` lines); an article publishes one when it links a file whose link text or file
name gives the document's number, and its prose says the rest ("Ngày 15/3/2024, UBND tỉnh ban
hành Quyết định số 12/2024/QĐ-UBND về việc ..."). crawler/reading.read_page asks
might_hold_documents of a page's text first (or of an article with files), then
documents_on_page."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archive.doc_numbers import DocNumber, find_all, fold, parse
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
    "BAN HANH": "issued_at",  # "Ban hành: 11/04/2024"; Cơ quan/Nơi ban hành are longer, first
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
LISTED, DETAIL, PUBLISHED = "list", "detail", "article"  # how a page shows its documents
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


# A page publishing a document links a file and names a number (`12/2024/QĐ-UBND`).
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|rar|zip)\b", re.IGNORECASE)
_SOME_NUMBER = re.compile(r"\d/(?:\d{4}/)?[A-ZĐ]|\d-(?:\d{4}-)?(?:QD|KH|CT|NQ|TB|UBND)", re.I)


def might_hold_documents(page_text: str) -> bool:
    """Whether a page's text names a document field, or links a file and names something like
    a number, at all (cheap; the finders are not)."""
    lowered = page_text.lower()
    if any(needle in lowered for needle in _NEEDLES):
        return True
    return bool(_FILE_LINK.search(page_text)) and bool(_SOME_NUMBER.search(page_text))


def label_of(text: str) -> str | None:
    """The field a header or label names, or None."""
    # the same cells and lines (a portal's own labels) come back on page after page
    return _label_of(text) if len(text) <= 200 else _label_of.__wrapped__(text)


@lru_cache(maxsize=4096)
def _label_of(text: str) -> str | None:
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
    return _document_of(_pairs(doc), base_url)


Pair = tuple[str, "etree._Element | str", etree._Element]  # field, value, where it was found
_BLOCKS = ("p", "div", "li", "table", "ul", "ol", "dl", "tr")


def _pairs(doc: etree._Element) -> list[Pair]:
    """Every label/value pair of the page: two-cell table rows, dt/dd, `Label: value` lines."""
    pairs: list[Pair] = []
    for row in doc.iter("tr"):
        cells = _ROW_CELLS(row)
        if len(cells) == 2 and (name := label_of(text_content(cells[0]))):
            pairs.append((name, cells[1], row))
    for term in doc.iter("dt"):
        value = term.getnext()
        if value is not None and value.tag == "dd" and (name := label_of(text_content(term))):
            pairs.append((name, value, term))
    colons = _holding_colon(doc)
    lines: set[etree._Element] = set()
    for block in doc.iter("p", "li", "div", "span"):
        if len(block) > 3:
            continue  # a container: its children carry the lines
        if block not in colons or ":" not in _text_head(block, 80):
            continue  # no label before a colon
        if block.getparent() in lines:
            continue  # the line its parent gave already
        if next(block.iterdescendants(*_BLOCKS), None) is not None:
            continue  # a container: its blocks carry the lines
        line = _LINE.match(clean_line(text_content(block)))
        if line and (name := label_of(line.group(1))):
            pairs.append((name, line.group(2), block))
            lines.add(block)
    return pairs


def _document_of(pairs: list[Pair], base_url: str) -> FoundDocument | None:
    document = FoundDocument()
    for name, value, _ in pairs:
        _fill(document, name, value, base_url)
    if document.number and (document.abstract or document.issued_at):
        return document
    return None


def documents_in_blocks(
    doc: etree._Element, base_url: str, pairs: list[Pair] | None = None
) -> list[FoundDocument]:
    """A list shown as repeated labelled blocks (a `div` or `li` a document, with `Số hiệu:`
    lines or label cells), not as one table: two or more number labels. Each document's block
    is the largest element around its number label that holds no other number label; its
    fields are the pairs inside, its files every file linked in it, its page the first other
    link. (Fewer than two documents read this way: not a list; see documents_on_page.)"""
    pairs = _pairs(doc) if pairs is None else pairs
    numbers = [where for name, _, where in pairs if name == "number"]
    if len(numbers) < 2:
        return []
    marked = {id(el): k for k, el in enumerate(numbers)}
    blocks: list[etree._Element] = []
    for k, el in enumerate(numbers):
        block = el
        while (parent := block.getparent()) is not None and not _holds_other(parent, k, marked):
            block = parent
        blocks.append(block)
    found = []
    for block in dict.fromkeys(blocks):  # a block holding two numbers' labels is read once
        inside = [pair for pair in pairs if _within(pair[2], block)]
        document = _document_of(inside, base_url)
        if document is None:
            continue
        links = _links(block, base_url)
        document.files += [u for u in links if _is_file(u) and u not in document.files]
        document.detail_url = document.detail_url or next(
            (u for u in links if not _is_file(u)), None
        )
        found.append(document)
    return found


def _add_region_files(document: FoundDocument, pairs: list[Pair], base_url: str) -> None:
    """A detail page lists its files apart from its labelled fields (a heading, a list of
    links): the files linked in the smallest element holding all its fields, or in its parent
    when that holds none (the file list beside the fields' box)."""
    region = _common_ancestor([where for _, _, where in pairs])
    for _ in range(2):
        if region is None:
            return
        files = [u for u in _links(region, base_url) if _is_file(u)]
        if files:
            document.files += [u for u in dict.fromkeys(files) if u not in document.files]
            return
        region = region.getparent()


def _common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    if not elements:
        return None
    path = list(elements[0].iterancestors())[::-1] + [elements[0]]
    depth = len(path)
    for el in elements[1:]:
        chain = set(map(id, el.iterancestors())) | {id(el)}
        while depth and id(path[depth - 1]) not in chain:
            depth -= 1
    return path[depth - 1] if depth else None


def _numbers(pairs: list[Pair]) -> int:
    return sum(name == "number" for name, _, _ in pairs)


def _holds_other(el: etree._Element, mine: int, marked: dict[int, int]) -> bool:
    """Does `el` hold a number label other than the `mine`-th?"""
    for inner in el.iter():
        k = marked.get(id(inner))
        if k is not None and k != mine:
            return True
    return False


def _within(el: etree._Element, block: etree._Element) -> bool:
    while el is not None:
        if el is block:
            return True
        el = el.getparent()
    return False


_COLON_TEXTS = etree.XPath("//text()[contains(., ':')]")


def _holding_colon(doc: etree._Element) -> set[etree._Element]:
    """The elements whose text (text_content) holds a colon: the ancestors of the few text
    nodes that do, found in one pass instead of reading every block's text."""
    marked: set[etree._Element] = set()
    for text in _COLON_TEXTS(doc):
        el = text.getparent()
        if el is not None and text.is_tail:
            el = el.getparent()  # a tail is its element's parent's text
        while el is not None and el not in marked:
            marked.add(el)
            el = el.getparent()
    return marked


def _text_head(el: etree._Element, n: int) -> str:
    """text_content(el)[:n], without joining the text of a whole container for it."""
    head = ""
    for piece in el.itertext():
        head += piece
        if len(head) >= n:
            break
    return head[:n]


def documents_on_page(doc: etree._Element, base_url: str) -> tuple[str, list[FoundDocument]]:
    """The documents a page shows and how: ("list", rows of a document list, as a table or
    as repeated labelled blocks), ("detail", the one document a detail page labels) or
    ("article", those a page publishes in prose with their files); ("", []) for none."""
    listed = documents_in_lists(doc, base_url)
    if listed:
        return LISTED, listed
    pairs = _pairs(doc)
    blocks = documents_in_blocks(doc, base_url, pairs)
    if len(blocks) >= 2:
        return LISTED, blocks
    # Several number labels: a page's own fields are never mixed with another's (a box of
    # related documents); one number: the page's pairs are its document's.
    one = blocks[0] if blocks else _document_of(pairs, base_url) if _numbers(pairs) < 2 else None
    if one is not None:
        if not blocks:
            _add_region_files(one, pairs, base_url)
        return DETAIL, [one]
    published = documents_in_prose(doc, base_url)
    return (PUBLISHED, published) if published else ("", [])


def documents_in_prose(doc: etree._Element, base_url: str) -> list[FoundDocument]:
    """Documents a page publishes with their files: a linked file whose link text or file
    name gives a document number is that document's file; the sentence of the page naming the
    number gives its issue date (`số X ngày D/M/Y`, or `Ngày D/M/Y, ... ban hành ... số X`) and
    abstract (`... về việc W.`), a sentence on taking effect its effective date, a sentence on
    signing its signer. A number the page names without a file is only cited, not published."""
    by_key: dict[str, FoundDocument] = {}
    # A link names a file only if `.pdf` (...) is in its href or in the page's URL: those
    # alone are resolved (urljoin was most of this function's cost on pages with no file).
    base_names_file = _NAMES_FILE.search(base_url) is not None
    for link in doc.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or not (base_names_file or _NAMES_FILE.search(href)):
            continue
        if not _is_file(url := urljoin(base_url, href)):
            continue
        numbers = find_all(text_content(link)) or _numbers_in_file_name(url)
        for number in numbers[:1]:  # a file is one document's
            document = by_key.setdefault(
                number.key,
                FoundDocument(number=number, number_text=number.text, kind=number.type or ""),
            )
            if url not in document.files:
                document.files.append(url)
    if not by_key:
        return []
    sentences = _sentences(doc)
    for document in by_key.values():
        _from_prose(document, sentences, alone=len(by_key) == 1)
    return list(by_key.values())


_FILE_NUMBER = re.compile(
    r"^(?P<serial>\d{1,6}[a-z]?)[-_](?:(?P<year>(?:19|20)\d\d)[-_])?(?P<codes>[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)$",
    re.IGNORECASE,
)


# The form portals' storage uses too (shared/vnpt-portals.md): code, serial, year.
_FILE_CODE_FIRST = re.compile(
    r"^(?P<codes>[a-z]{2,5})[-_](?P<serial>\d{1,6})[-_](?P<year>(?:19|20)\d\d)(?:[-_].*)?$",
    re.IGNORECASE,
)


def _numbers_in_file_name(url: str) -> list[DocNumber]:
    """`12-2024-QD-UBND.pdf` names 12/2024/QĐ-UBND, `KH-89-2024.pdf` 89/KH (its code must
    be a type's, or the file name is anything with a leading number)."""
    stem = urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    found = _FILE_NUMBER.match(stem)
    year = f"/{found.group('year')}" if found and found.group("year") else ""
    if found is None:  # code first: the year is the file's, most numbers of the kind have none
        found = _FILE_CODE_FIRST.match(stem)
    if found is None:
        return []
    number = parse(f"{found.group('serial')}{year}/{found.group('codes').replace('_', '-')}")
    return [number] if number is not None and number.code else []


# After a full stop: a space and a capital, or a capitalised word run on ("nhựa.Theo": lines
# whose break the page's text lost).
_SENTENCE_END = re.compile(r"(?<=[.;!?])(?:\s+(?=[A-ZĐÀ-Ỹ])|(?=[A-ZĐÀ-Ỹ][a-zà-ỹđ]))")
_DAY = r"ngày\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d\d)"
_DATE_AFTER = re.compile(rf"^\s*,?\s*{_DAY}", re.IGNORECASE)
_DATE_BEFORE = re.compile(_DAY, re.IGNORECASE)
_ABOUT = re.compile(r"\bvề\s+(?:việc\s+)?(.+?)\s*$", re.IGNORECASE)
# "..., Ủy ban nhân dân tỉnh Lào Cai (đã|vừa) ban hành": the body issuing, as lists name it.
_ISSUER = re.compile(
    r"(?:^|,\s*)((?:Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Sở|Bộ|Thủ tướng|Chính phủ|Ban)\b[^,.;]*?)"
    r"\s+(?:đã\s+|vừa\s+)?ban hành"
)
# "... số N ngày D của Sở Tài nguyên và Môi trường về ...": the citation form names the issuer.
_OF_ISSUER = re.compile(
    r"^\s*của\s+((?:Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Sở|Bộ|Thủ tướng|Chính phủ|Ban|Văn phòng)"
    r"\b[^,.;]*?)\s+(?:về|quy định|ban hành)\b"
)
_BODIES = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"))
_SIGNER = re.compile(r"(?:đồng chí|ông|bà)\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s+){1,4}[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)")


def _sentences(doc: etree._Element) -> list[str]:
    """The page's prose, a sentence each: its paragraphs' text split after full stops."""
    out: list[str] = []
    for block in doc.iter("p", "li", "td", "div"):
        if (
            block.tag == "div"
            and next(block.iterdescendants("p", "div", "table", "ul"), None) is not None
        ):
            continue  # a container: its blocks are read themselves
        text = clean_line(text_content(block))
        if text:
            out += [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    return list(dict.fromkeys(out))


def _from_prose(document: FoundDocument, sentences: list[str], alone: bool) -> None:
    number = document.number
    assert number is not None
    for sentence in sentences:
        for found in _NUMBER_IN.finditer(sentence):
            named = parse(found.group(0))
            if named is None or not named.matches(number):
                continue
            if named.key != number.key and _fuller(named, number):
                # a file name abbreviates the number (`KH-89-2024.pdf`); the prose gives it all
                document.number, document.number_text = named, named.text
                document.kind = named.type or document.kind
                number = named
            after = sentence[found.end() :]
            date = _DATE_AFTER.match(after)
            if date is None and "ban hành" in sentence.lower():
                date = next(_DATE_BEFORE.finditer(sentence[: found.start()]), None)
            issued = parse_vn_datetime(date.group(1)) if date else None
            if (
                issued
                and not document.issued_at
                and (not number.year or issued.startswith(str(number.year)))
            ):
                document.issued_at = issued
            rest = after[date.end() :] if date and date.re is _DATE_AFTER else after
            issuer = _ISSUER.search(sentence[: found.start()]) or _OF_ISSUER.match(rest)
            if issuer and len(body := _short_body(issuer.group(1))) > len(document.issuer):
                document.issuer = body  # the fullest naming: "UBND tỉnh" < "UBND tỉnh Lào Cai"
            about = _ABOUT.search(rest.rstrip(".;"))
            if about and not document.abstract:
                text = about.group(1).strip()
                document.abstract = text[:1].upper() + text[1:]
    if not alone:
        return  # a sentence on taking effect or signing names no document of several
    for sentence in sentences:
        lowered = sentence.lower()
        if "hiệu lực" in lowered and not document.effective_at:
            after = sentence[lowered.index("hiệu lực") :]
            document.effective_at = parse_vn_datetime(after)
        if " ký" in lowered and not document.signer and (signer := _SIGNER.search(sentence)):
            document.signer = signer.group(1)


def _fuller(named: DocNumber, known: DocNumber) -> bool:
    """Does the prose's number say more than the one known (an issuer or code it lacks), and
    nothing else (a year the known one gives must be the prose's too)?"""
    if known.year and not named.year:
        return False
    return bool(
        (named.issuer and not known.issuer) or (named.code and not known.code)
    ) and named.serial.lstrip("0") == known.serial.lstrip("0")


def _short_body(name: str) -> str:
    """A body as document lists write it: `Ủy ban nhân dân tỉnh X` is `UBND tỉnh X`."""
    for long, short in _BODIES:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


_NUMBER_IN = re.compile(
    r"(?<![\w/])\d{1,6}[a-z]?\s*/\s*(?:(?:19|20)\d\d\s*/\s*)?[A-Za-zĐđ][A-Za-zĐđ0-9]*"
    r"(?:\s*[-\u2010-\u2014\u2212]\s*[A-Za-zĐđ0-9]+)*"
)


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


# `.pdf`, `.DOCX`... anywhere: what a URL must hold for _is_file (its path's last segment,
# which urljoin takes from the href or from the base as written)
_NAMES_FILE = re.compile(
    r"\.(?:" + "|".join(sorted(map(re.escape, FILE_EXTENSIONS))) + ")", re.IGNORECASE
)


def _is_file(url: str) -> bool:
    return urlsplit(url).path.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS


def _page_link(cell: etree._Element, base_url: str) -> str | None:
    return next((u for u in _links(cell, base_url) if not _is_file(u)), None)
