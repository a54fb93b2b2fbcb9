"""Article extraction for vnPortal pages.

The title anchors everything: it is found by agreement with <title>/og:title, not by class. The body
is the container after it that holds the most plain paragraph text. Inside the body, each block is
classified by what it is (image, caption, attachment line, byline, chrome line) in body.py, using
structure and text first and class-name hints only as one signal among several. This module is
the page model, the title, the body's location and the fields around it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import markers
from crawler.extract.body import BodyParts, segments
from crawler.extract.captions import read_photo_table
from crawler.extract.dates import looks_like_date_line, parse_vn_datetime
from crawler.extract.flags import TextFlags
from crawler.extract.markup import attr_hint as _attr_hint
from crawler.extract.markup import dominant as _dominant
from crawler.extract.markup import in_chrome
from crawler.extract.markup import is_block as _is_block
from crawler.extract.markup import is_bold as _is_bold
from crawler.extract.markup import is_italic as _is_italic
from crawler.extract.markup import right_aligned as _right_aligned
from crawler.extract.markup import text_content as _text_content
from crawler.extract.metadata import (
    JSON_LD,
    declared_author,
    declared_category,
    declared_date,
)
from crawler.extract.page_kind import in_list_item
from crawler.extract.profiles import SiteProfile
from crawler.extract.text import clean_line
from crawler.urls import canonicalize

DROP_TAGS = ["script", "style", "noscript", "iframe", "select", "textarea", "button", "input",
             "audio", "video", "object", "embed", "svg", "canvas", "map", "label"]  # fmt: skip
MIN_BODY_CHARS = 40
# Rules an operator (or a test of re-extraction) switches off, to see what a rule is worth or to
# stand for an extractor that did not know it yet; the extractor version names them.
# `title_by_attribute`: a headline found by its class or id (`span#lblTitle`), not by its tag.
RULES_OFF = frozenset(
    r.strip() for r in os.environ.get("GOVARCHIVE_EXTRACT_RULES_OFF", "").split(",") if r.strip()
)
_TITLE_BY_ATTRIBUTE = "title_by_attribute" not in RULES_OFF


class NotArticle(Exception):
    """The page is not an article; the message is the reason counted in stats."""


@dataclass
class Extracted:
    title: str
    summary: str
    body: str
    author: str
    published_at: str | None
    category: str
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    body_html: str = ""
    text_flags: list[str] = field(default_factory=list)


def parse_html(html: str) -> etree._Element:
    """The page's tree, parsed once: the spider takes its links from it, then extracts from it."""
    if not html or not html.strip():
        raise NotArticle("empty_page")
    try:
        doc = etree.fromstring(html, _PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotArticle("unparsable") from exc
    if doc is None:
        raise NotArticle("unparsable")
    return doc


def extract_article(
    html: str | etree._Element,
    url: str,
    profile: SiteProfile | None = None,
    trace: dict[str, etree._Element] | None = None,
) -> Extracted:
    """The article on a page (HTML text or a tree from parse_html, which it changes), or
    NotArticle with the reason. `profile` overrides the general rules where it gives selectors.
    `trace`, when given, receives the elements found (title, body, summary), even on a refusal:
    `govarchive inspect` shows them as the selectors that would pin a skin."""
    doc = parse_html(html) if isinstance(html, str) else html
    json_ld = [str(t) for t in JSON_LD(doc)]  # what the page says of itself, before scripts go
    for el in list(doc.iter(*DROP_TAGS)):
        _drop(el)
    if profile is not None:
        for xpath in profile.drop_xpaths():
            for el in doc.xpath(xpath):
                _drop(el)
    for el in list(doc.iter(etree.Comment)):
        _drop(el)
    page = _Page(doc, url, profile)
    page.json_ld = json_ld
    try:
        return page.extract()
    finally:
        if trace is not None:
            trace.update(page.found)


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    parent.remove(el)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


# lxml.etree's own parser, not lxml.html's: the same tree, without a Python class lookup for
# every element the extractor touches (lxml.html's HtmlElement adds nothing it uses).
_PARSER = etree.HTMLParser()


_HEAD_TITLE = etree.XPath("//title//text()")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")
_SITE_NAME = etree.XPath("//meta[@property='og:site_name']/@content")
_OWN_TEXT = etree.XPath("text()")


class _Page:
    def __init__(self, doc: etree._Element, url: str, profile: SiteProfile | None = None) -> None:
        self.doc = doc
        self.url = url
        self.profile = profile
        self.found: dict[str, etree._Element] = {}  # parts found, for extract_article's trace
        self.json_ld: list[str] = []  # the page's JSON-LD, read before its scripts were dropped
        self._chrome: dict[etree._Element, bool] = {}
        self.order = {el: i for i, el in enumerate(doc.iter())}
        self._leaves: set[etree._Element] | None = None
        self._lines: dict[etree._Element, str] = {}
        self._photo_tables: dict[etree._Element, bool] = {}

    def line(self, el: etree._Element) -> str:
        """clean_line of the element's text, once per element: title, body, lead and date
        finding all read the same blocks. (The tree does not change while a _Page reads it.)"""
        text = self._lines.get(el)
        if text is None:
            text = self._lines[el] = clean_line(_text_content(el))
        return text

    def is_leaf(self, el: etree._Element) -> bool:
        """A block with no block inside it, for elements of this page: from one pass over the
        page instead of a walk of each element's subtree."""
        if self._leaves is None:
            above: set[etree._Element] = set()  # elements with a block somewhere below them
            blocks = []
            for node in self.doc.iter():
                if not _is_block(node):
                    continue
                blocks.append(node)
                for anc in node.iterancestors():
                    if anc in above:
                        break  # its ancestors were marked when it was
                    above.add(anc)
            self._leaves = {b for b in blocks if b not in above}
        return el in self._leaves

    # title ------------------------------------------------------------------------------------
    def chosen(self, key: str) -> etree._Element | None:
        """The element a site profile names for `key`, when it names one that is on the page."""
        xpath = self.profile.xpath(key) if self.profile else None
        found = self.doc.xpath(xpath) if xpath else []
        return found[0] if found else None

    def find_title(self) -> tuple[etree._Element, str]:
        chosen = self.chosen("title")
        if chosen is not None and self.line(chosen):
            return chosen, self.line(chosen)
        head_title = clean_line(" ".join(_HEAD_TITLE(self.doc)))
        og = _OG_TITLE(self.doc)
        og_title = clean_line(og[0]) if og else ""
        candidates = [
            el
            for el in self.doc.iter("h1", "h2", "h3", "h4", "div", "span", "p", "a")
            if el.tag.startswith("h") or (_TITLE_BY_ATTRIBUTE and "title" in _attr_hint(el).lower())
        ]
        best: tuple[int, etree._Element, str] | None = None
        for el in candidates:
            text = self.line(el)
            if len(text) < 8 or len(text) > 400 or self._in_link_list(el):
                continue
            score = 0
            if og_title and text == og_title:
                score = 4
            elif head_title and (head_title == text or head_title.startswith(text + " ")):
                score = 3
            elif head_title and len(text) >= 15 and text in head_title:
                score = 2
            if score and el.tag in ("h1", "h2"):
                score += 1
            if score and (best is None or score > best[0]):
                best = (score, el, text)
        if best is None:
            for el in self.doc.iter("h1"):
                text = self.line(el)
                if len(text) >= 8 and not self._in_chrome(el):
                    return el, text
            raise NotArticle("no_title")
        # The innermost element carrying the same text, so nested wrappers do not swallow the page.
        el = best[1]
        while len(el) == 1 and self.line(el[0]) == best[2]:
            el = el[0]
        return el, best[2]

    def _in_link_list(self, el: etree._Element) -> bool:
        """A link, or inside one, or in nav/footer/aside: where other articles' titles appear."""
        return any(
            a.tag in ("a", "nav", "footer", "aside", "li") for a in [el, *el.iterancestors()]
        )

    def _in_chrome(self, el: etree._Element | None) -> bool:
        return in_chrome(el, self._chrome)

    # body -------------------------------------------------------------------------------------
    def leaf_blocks_after(self, start: etree._Element) -> list[etree._Element]:
        """Leaf blocks after `start` in document order, up to the portal's own lists."""
        pos = self.order[start]
        above_start = set(start.iterancestors())
        out = []
        for el in self.doc.iter():
            if not isinstance(el.tag, str) or self.order.get(el, -1) <= pos:
                continue
            if el in above_start:
                continue
            if self.is_leaf(el):
                text = self.line(el)
                if markers.END_OF_ARTICLE.match(text):
                    break
                out.append(el)
        return out

    def find_body(self, title_el: etree._Element, blocks: list[etree._Element]) -> etree._Element:
        chosen = self.chosen("body")
        if chosen is not None:
            return chosen
        scores: dict[etree._Element, float] = defaultdict(float)
        footers: set[etree._Element] = set()  # containers holding a footer line
        for el in blocks:
            text = self.line(el)
            if markers.FOOTER_LINE.match(text):
                parent = el.getparent()
                if parent is not None:
                    footers.add(parent)
                    if parent.getparent() is not None:
                        footers.add(parent.getparent())
                continue
            if len(text) < 20 or self._in_chrome(el) or markers.CHROME_LINE.match(text):
                continue
            link_chars = sum(len(self.line(a)) for a in el.iter("a"))
            if link_chars > 0.4 * len(text):
                continue
            if looks_like_date_line(text) or markers.LEAD_HINT.search(_attr_hint(el)):
                continue
            if _dominant(el, _is_bold, text) or _dominant(el, _is_italic, text):
                continue
            parent = self._voter_parent(el)
            if parent is None:
                continue
            scores[parent] += len(text)
            grand = parent.getparent()
            if grand is not None:
                scores[grand] += len(text) / 2
        for el in footers:
            scores.pop(el, None)
        if not scores:
            raise NotArticle("empty_body")
        best = max(scores, key=lambda el: (scores[el], -self.order[el]))
        # A container inside the title's own wrapper is the body; one holding the title is too big.
        if best in title_el.iterancestors() and best.tag in ("body", "html"):
            raise NotArticle("no_body_container")
        return best

    def _voter_parent(self, el: etree._Element) -> etree._Element | None:
        """Where a block's text votes: its parent; but a photo table's caption row votes for
        the block holding the table, so a photo report's captions do not make one table look
        like the body."""
        parent = el.getparent()
        cell = el if el.tag in ("td", "th") else parent
        if cell is None or cell.tag not in ("td", "th"):
            return parent
        table = next(cell.iterancestors("table"), None)
        if table is None:
            return parent
        if table not in self._photo_tables:
            self._photo_tables[table] = read_photo_table(table, self.is_leaf) is not None
        if not self._photo_tables[table]:
            return parent
        holder = table.getparent()
        if holder is not None and holder.tag == "figure":
            holder = holder.getparent()
        return holder

    # the whole page ---------------------------------------------------------------------------
    def extract(self) -> Extracted:
        title_el, title = self.find_title()
        self.found["title"] = title_el
        blocks = self.leaf_blocks_after(title_el)
        container = self.find_body(title_el, blocks)
        self.found["body"] = container
        _reject_non_article(container, self.line)
        self._reject_teaser(title_el, container)
        module = self._common_ancestor(title_el, container)

        flags = TextFlags()
        title = clean_line(flags.fix(_text_content(title_el)))
        summary, lead_el = self.find_lead(title_el, container, blocks)
        if lead_el is not None:
            self.found["summary"] = lead_el
            summary = clean_line(flags.fix(_text_content(lead_el)))
        parts = BodyParts(self.url, flags, self.is_leaf)
        for seg in segments(container, self.is_leaf):
            parts.add(seg)
        body_end = self._last_order(container)
        in_module = set(module.iter())
        for el in blocks:
            if self.order[el] > body_end and el in in_module:
                parts.add_trailer(el)
        for para in parts.paragraphs:
            if summary and para.text == summary:
                parts.remove(para)
        chosen_author = self.chosen("author")
        if chosen_author is not None:
            parts.author = clean_line(flags.fix(_text_content(chosen_author)))
            match = markers.AUTHOR_LINE.match(parts.author)
            parts.author = clean_line(match.group(1)) if match else parts.author
            for para in parts.paragraphs:
                if para.text == parts.author or markers.AUTHOR_LINE.match(para.text):
                    parts.remove(para)
        parts.byline()

        author = flags.same_document(parts.author) if parts.author else ""
        if not author:  # no byline in the text: the one the page declares, if a person's
            author = declared_author(self.doc, self._site_names(), self.json_ld)
        body = "\n\n".join(p.text for p in parts.paragraphs)
        if len(body) < MIN_BODY_CHARS:
            raise NotArticle("empty_body")
        if parts.decomposed or not unicodedata.is_normalized("NFC", _text_content(title_el)):
            flags.add("nfd_normalized")

        return Extracted(
            title=title,
            summary=summary,
            body=body,
            author=author,
            published_at=self.find_date(title_el, container, module),
            category=self.find_category(title) or declared_category(self.doc, title, self.json_ld),
            images=parts.images,
            attachments=parts.attachments,
            body_html=parts.body_html(),
            text_flags=flags.sorted(),
        )

    def _reject_teaser(self, title_el: etree._Element, container: etree._Element) -> None:
        """A body found under a heading that links to another page is a teaser in a list (the
        short last page of a category, one or two items): an article's own title never links
        elsewhere. Looked for in the body and up to two blocks around it, short of the block
        holding the page's title (where an article's related links may sit)."""
        here = {canonicalize(self.url)}
        node: etree._Element | None = container
        for _ in range(3):
            if node is None or title_el in node.iter():
                return
            for heading in node.iter("h1", "h2", "h3", "h4", "h5", "h6"):
                link = next(heading.iter("a"), None)
                if link is None or not link.get("href"):
                    continue
                target = canonicalize(urljoin(self.url, link.get("href", "").strip()))
                covers = len(self.line(link)) >= 0.8 * max(len(self.line(heading)), 1)
                if covers and target not in here and not link.get("href", "").startswith("#"):
                    raise NotArticle("list_page")
            node = node.getparent()

    def _last_order(self, el: etree._Element) -> int:
        last = el
        for last in el.iter():  # noqa: B007 - want the final descendant
            pass
        return self.order.get(last, self.order[el])

    def _common_ancestor(self, a: etree._Element, b: etree._Element) -> etree._Element:
        ancestors = {a, *a.iterancestors()}
        for el in [b, *b.iterancestors()]:
            if el in ancestors:
                return el
        return self.doc

    def find_lead(self, title_el, container, blocks) -> tuple[str, etree._Element | None]:
        chosen = self.chosen("summary")
        if chosen is not None:
            return self.line(chosen), chosen
        start = self.order[title_el]
        end = self.order[container]
        for el in self.doc.iter():
            pos = self.order.get(el, -1)
            if pos <= start or pos >= end or not isinstance(el.tag, str):
                continue
            if markers.LEAD_HINT.search(_attr_hint(el)) and not self._in_chrome(el):
                text = self.line(el)
                if len(text) >= 30 and not looks_like_date_line(text):
                    return text, el
        for el in blocks:
            if self.order[el] >= end:
                break
            text = self.line(el)
            if len(text) < 40 or self._in_chrome(el) or looks_like_date_line(text):
                continue
            if el.tag in ("h3", "h4", "h5") or _dominant(el, _is_bold, text):
                return text, el
        # A lead that sits at the top of the body itself, set in bold, with plain text after it.
        filled = [el for el in container.iter() if self.is_leaf(el) and self.line(el)]
        if len(filled) >= 2:
            el, text = filled[0], self.line(filled[0])
            later = self.line(filled[1])
            if (
                len(text) >= 40
                and _dominant(el, _is_bold, text)
                and not _right_aligned(el)
                and not _dominant(filled[1], _is_bold, later)
            ):
                return text, el
        return "", None

    def find_date(self, title_el, container, module) -> str | None:
        chosen = self.chosen("date")
        if chosen is not None and parse_vn_datetime(self.line(chosen)):
            return parse_vn_datetime(self.line(chosen))
        body_nodes = set(container.iter())
        for el in module.iter():
            if el in body_nodes or not isinstance(el.tag, str) or not self.is_leaf(el):
                if el is not module and el not in body_nodes and isinstance(el.tag, str):
                    text = clean_line("".join(_OWN_TEXT(el)))
                    if text and looks_like_date_line(text):
                        return parse_vn_datetime(text)
                continue
            text = self.line(el)
            if looks_like_date_line(text):
                return parse_vn_datetime(text)
        return declared_date(self.doc, module, self.json_ld)

    def _site_names(self) -> set[str]:
        """The portal's own name, as <title> ("Title - Site") and og:site_name give it: never
        an article's author."""
        names = {clean_line(v) for v in _SITE_NAME(self.doc)}
        head = clean_line(" ".join(_HEAD_TITLE(self.doc)))
        for sep in (" - ", " | ", " – "):
            if sep in head:
                names.add(head.rsplit(sep, 1)[-1].strip())
        return names

    def find_category(self, title: str) -> str:
        """The last name in the breadcrumb ("Trang chủ › section"): the first element that reads
        like one, or the innermost such element inside it, so a column holding the crumb and a
        list of other articles does not pass for it."""
        found = self._crumb(self.doc.iter(*_CRUMB_TAGS), title)
        while found is not None:
            inner = self._crumb(found[0].iterdescendants(*_CRUMB_TAGS), title)
            if inner is None:
                return found[1]
            found = inner
        return ""

    def _crumb(self, elements, title: str) -> tuple[etree._Element, str] | None:
        for el in elements:
            links = el.findall(".//a")
            if len(links) < 2 or len(links) > 8:
                continue
            texts = [self.line(a) for a in links]
            hinted = markers.CRUMB_HINT.search(_attr_hint(el))
            if texts[0].lower() not in ("trang chủ", "trang chu", "home") and not hinted:
                continue
            if not hinted and not re.search(r"[›»>/|]", self.line(el)):
                continue
            names = [t for t in texts[1:] if t and t != title]
            if names:
                return el, names[-1]
        return None


_CRUMB_TAGS = ("div", "ul", "ol", "nav", "p", "span", "td")


def _reject_non_article(container: etree._Element, line: Callable[[etree._Element], str]) -> None:
    """A schedule table or a list of headlines is not an article, whatever its URL says.
    `line`: an element's clean text (the page's cached _Page.line)."""
    table = container if container.tag == "table" else None
    if table is None and container.tag in ("tr", "tbody", "thead", "td"):
        table = next((a for a in container.iterancestors("table")), None)
    if table is not None:
        rows = [r for r in table.iter("tr") if len(r.findall("td") + r.findall("th")) >= 2]
        if len(rows) >= 3:
            raise NotArticle("table_page")
    if in_list_item(container):
        raise NotArticle("list_page")
    text_len = len(line(container)) or 1
    headlines = [a for a in container.iter("a") if len(line(a)) >= 25]
    link_len = sum(len(line(a)) for a in headlines)
    if len(headlines) >= 3 and link_len >= 0.25 * text_len:
        raise NotArticle("list_page")
