"""Article extraction for vnPortal pages.

The title anchors everything: it is found by agreement with <title>/og:title, not by class. The body
is the container after it that holds the most plain paragraph text. Inside the body, each block is
classified by what it is (image, caption after an image, attachment line, byline, chrome line), using
structure and text first and class-name hints only as one signal among several.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from crawler.extract import markers
from crawler.extract.dates import looks_like_date_line, parse_vn_datetime
from crawler.extract.legacy import convert_legacy, from_tcvn3, from_vni
from crawler.extract.profiles import SiteProfile
from crawler.extract.text import clean_block, clean_line, squash
from crawler.urls import is_file_link

BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table",
    "tbody", "thead", "tfoot", "section", "article", "blockquote", "figure", "figcaption",
    "header", "footer", "center", "dl", "dt", "dd", "pre", "address", "form", "main", "aside",
    "nav", "caption",
}  # fmt: skip
DROP_TAGS = ["script", "style", "noscript", "iframe", "select", "textarea", "button", "input",
             "audio", "video", "object", "embed", "svg", "canvas", "map", "label"]  # fmt: skip
MIN_BODY_CHARS = 40


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
    html: str | etree._Element, url: str, profile: SiteProfile | None = None
) -> Extracted:
    """The article on a page (HTML text or a tree from parse_html, which it changes), or
    NotArticle with the reason. `profile` overrides the general rules where it gives selectors."""
    doc = parse_html(html) if isinstance(html, str) else html
    for el in list(doc.iter(*DROP_TAGS)):
        _drop(el)
    if profile is not None:
        for xpath in profile.drop_xpaths():
            for el in doc.xpath(xpath):
                _drop(el)
    for el in list(doc.iter(etree.Comment)):
        _drop(el)
    return _Page(doc, url, profile).extract()


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


def _text_content(el: etree._Element) -> str:
    """All text inside `el` (not its tail), as lxml.html's text_content() gives it."""
    return "".join(el.itertext())


def _text(el: etree._Element) -> str:
    """Text of an element with <br> as line breaks."""
    if next(el.iter("br"), None) is None:
        return "".join(el.itertext())  # the common case, walked in C
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)


def _attr_hint(el: etree._Element) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def _is_block(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag in BLOCK_TAGS


def _styled_len(el: etree._Element, predicate) -> int:
    """Characters of text set in a style (bold, italic): text of el whose element, or an
    ancestor of it, satisfies predicate."""

    def walk(node: etree._Element, inside: bool) -> int:
        inside = inside or predicate(node)
        total = len(node.text.strip()) if inside and node.text else 0
        for child in node:
            if isinstance(child.tag, str):
                total += walk(child, inside)
            if inside and child.tail:
                total += len(child.tail.strip())
        return total

    return walk(el, any(predicate(a) for a in el.iterancestors()))


def _is_italic(el: etree._Element) -> bool:
    return el.tag in ("em", "i") or "italic" in el.get("style", "").replace(" ", "")


def _is_bold(el: etree._Element) -> bool:
    style = el.get("style", "").replace(" ", "")
    return el.tag in ("strong", "b") or "font-weight:bold" in style or "font-weight:700" in style


def _dominant(el: etree._Element, predicate, text: str) -> bool:
    """Is (nearly) all of the block's text set in this style? Blocks with no styling element at
    all, the common case, are answered without walking them."""
    plain = len(text) - text.count(" ")
    if plain <= 0:
        return False
    styled_tags = _BOLD_TAGS if predicate is _is_bold else _ITALIC_TAGS
    if (
        next(el.iter(*styled_tags), None) is None
        and "style" not in el.attrib
        and not _STYLED_AROUND(el)
    ):
        return False
    return _styled_len(el, predicate) >= 0.8 * plain


_BOLD_TAGS = ("b", "strong")
_ITALIC_TAGS = ("i", "em")
# Compiled once: el.xpath(text) compiles its expression on every call.
_STYLED_AROUND = etree.XPath(
    "boolean(.//*[@style] | ancestor::*[@style] | ancestor::b | ancestor::strong | ancestor::em"
    " | ancestor::i)"
)
_HEAD_TITLE = etree.XPath("//title//text()")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")
_OWN_TEXT = etree.XPath("text()")
_META_DATE = etree.XPath(
    "//meta[@property='article:published_time' or @name='pubdate' or @itemprop='datePublished']"
    "/@content"
)


_RIGHT_CLASS = re.compile(
    r"(?:^|\s)(?:text-right|text-end|right|align-right|pull-right)(?:\s|$)", re.I
)


def _right_aligned(el: etree._Element) -> bool:
    """Set right by style, align attribute or a utility class (Bootstrap's text-right/text-end)."""
    for node in [el, *el.iterdescendants()]:
        if not isinstance(node.tag, str):
            continue
        style = node.get("style", "").replace(" ", "").lower()
        if "text-align:right" in style or (node.get("align") or "").lower() == "right":
            return True
        if _RIGHT_CLASS.search(node.get("class", "")):
            return True
    return False


class _Flags:
    """What was done to the text, for researchers: legacy conversions, doubts, normalisation."""

    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.last: str | None = None

    def add(self, flag: str) -> None:
        self.flags.add(flag)

    def fix(self, text: str) -> str:
        """Raw text (soft hyphens and all, as TCVN3 needs them) converted if it is legacy."""
        self.last = None
        if not text:
            return text
        result = convert_legacy(text)
        self.last = result.encoding
        if result.encoding:
            self.flags.add(f"legacy_{result.encoding}")
        if result.doubtful:
            self.flags.add("legacy_doubtful")
        return result.text

    def converter(self):
        """The conversion the last fix() applied, for the same block's markup."""
        return {"tcvn3": from_tcvn3, "vni": from_vni}.get(self.last or "")

    def sorted(self) -> list[str]:
        return sorted(self.flags)


class _Page:
    def __init__(self, doc: etree._Element, url: str, profile: SiteProfile | None = None) -> None:
        self.doc = doc
        self.url = url
        self.profile = profile
        self._chrome: dict[etree._Element, bool] = {}
        self.order = {el: i for i, el in enumerate(doc.iter())}
        self._leaves: set[etree._Element] | None = None
        self._lines: dict[etree._Element, str] = {}

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
            if el.tag.startswith("h") or "title" in _attr_hint(el).lower()
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
        """Inside an element whose tag, class or id says menu, footer, counter, related list..."""
        if el is None or not isinstance(el.tag, str):
            return False
        known = self._chrome.get(el)
        if known is None:
            known = bool(
                markers.CHROME_HINT.search(_attr_hint(el)) or el.tag in ("nav", "footer", "aside")
            ) or self._in_chrome(el.getparent())
            self._chrome[el] = known
        return known

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
        for el in blocks:
            text = self.line(el)
            if len(text) < 20 or self._in_chrome(el) or markers.CHROME_LINE.match(text):
                continue
            link_chars = sum(len(self.line(a)) for a in el.iter("a"))
            if link_chars > 0.4 * len(text):
                continue
            if looks_like_date_line(text) or markers.LEAD_HINT.search(_attr_hint(el)):
                continue
            if _dominant(el, _is_bold, text) or _dominant(el, _is_italic, text):
                continue
            parent = el.getparent()
            if parent is None:
                continue
            scores[parent] += len(text)
            grand = parent.getparent()
            if grand is not None:
                scores[grand] += len(text) / 2
        if not scores:
            raise NotArticle("empty_body")
        best = max(scores, key=lambda el: (scores[el], -self.order[el]))
        # A container inside the title's own wrapper is the body; one holding the title is too big.
        if best in title_el.iterancestors() and best.tag in ("body", "html"):
            raise NotArticle("no_body_container")
        return best

    # the whole page ---------------------------------------------------------------------------
    def extract(self) -> Extracted:
        title_el, title = self.find_title()
        blocks = self.leaf_blocks_after(title_el)
        container = self.find_body(title_el, blocks)
        _reject_non_article(container, self.line)
        module = self._common_ancestor(title_el, container)

        flags = _Flags()
        title = clean_line(flags.fix(_text_content(title_el)))
        summary, lead_el = self.find_lead(title_el, container, blocks)
        if lead_el is not None:
            summary = clean_line(flags.fix(_text_content(lead_el)))
        parts = _BodyParts(self.url, flags)
        for seg in self._segments(container):
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

        author = parts.author
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
            category=self.find_category(title),
            images=parts.images,
            attachments=parts.attachments,
            body_html=parts.body_html(),
            text_flags=flags.sorted(),
        )

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
        meta = _META_DATE(self.doc)
        return _iso_meta(meta[0]) if meta else None

    def find_category(self, title: str) -> str:
        for el in self.doc.iter("div", "ul", "ol", "nav", "p", "span"):
            links = el.findall(".//a")
            if len(links) < 2 or len(links) > 8:
                continue
            texts = [self.line(a) for a in links]
            if texts[0].lower() not in (
                "trang chủ",
                "trang chu",
                "home",
            ) and not markers.CRUMB_HINT.search(_attr_hint(el)):
                continue
            whole = self.line(el)
            if not re.search(r"[›»>/|]", whole) and not markers.CRUMB_HINT.search(_attr_hint(el)):
                continue
            names = [t for t in texts[1:] if t and t != title]
            if names:
                return names[-1]
        return ""

    # segments ---------------------------------------------------------------------------------
    def _segments(self, container: etree._Element):
        """Leaf blocks of the body in order, with loose inline runs wrapped as paragraphs."""
        if self.is_leaf(container):
            yield container
            return
        run: list = []

        def flush():
            if not run:
                return None
            p = etree.Element("p")
            last = None
            for item in run:
                if isinstance(item, str):
                    if last is None:
                        p.text = (p.text or "") + item
                    else:
                        last.tail = (last.tail or "") + item
                else:
                    clone = copy.deepcopy(item)
                    clone.tail = None
                    p.append(clone)
                    last = clone
            run.clear()
            return p

        if container.text and container.text.strip():
            run.append(container.text)
        for child in container:
            if not isinstance(child.tag, str):
                if child.tail:
                    run.append(child.tail)
                continue
            if _is_block(child):
                p = flush()
                if p is not None:
                    yield p
                yield from self._segments(child)
            else:
                run.append(child)
            if child.tail and child.tail.strip():
                run.append(child.tail)
        p = flush()
        if p is not None:
            yield p


@dataclass
class _Para:
    text: str
    html: str
    el: etree._Element  # for the byline test, which only the closing paragraph needs

    @property
    def right(self) -> bool:
        return _right_aligned(self.el)

    @property
    def bold(self) -> bool:
        return _dominant(self.el, _is_bold, self.text)


class _BodyParts:
    """Sorts the body's blocks into paragraphs, images with captions, attachments and a byline."""

    def __init__(self, base_url: str, flags: _Flags) -> None:
        self.base = base_url
        self.flags = flags
        self.items: list[_Para | dict[str, str]] = []  # paragraphs and images, in page order
        self.images: list[dict[str, str]] = []
        self.attachments: list[dict[str, str]] = []
        self.author = ""
        self._pending_image: dict[str, str] | None = None
        self._seen_files: set[str] = set()
        self.decomposed = False  # some kept text arrived in NFD

    @property
    def paragraphs(self) -> list[_Para]:
        return [i for i in self.items if isinstance(i, _Para)]

    def remove(self, para: _Para) -> None:
        self.items = [i for i in self.items if i is not para]

    def add(self, el: etree._Element) -> None:
        raw = self.flags.fix(_text(el))
        convert = self.flags.converter()
        text = clean_block(raw)
        if self._take_attachments(el, text):
            return
        images = [img for img in el.iter("img") if img.get("src")]
        if images and len(clean_line(text)) < 3:
            for img in images:
                src = urljoin(self.base, img.get("src", "").strip())
                if not src.startswith(("http://", "https://")):
                    continue
                entry = {"src": src, "alt": clean_line(img.get("alt", "")), "caption": ""}
                self.images.append(entry)
                self.items.append(entry)
                self._pending_image = entry
            return
        if not text:
            return
        if self._pending_image is not None and self._is_caption(el, text):
            self._pending_image["caption"] = clean_line(text)
            self._pending_image = None
            return
        self._pending_image = None
        line = clean_line(text)
        if markers.CHROME_LINE.match(line) or (line and markers.ATTACHMENT_LABEL.match(line)):
            return  # chrome, or a "Tài liệu đính kèm:" heading over the attachment links
        if not unicodedata.is_normalized("NFC", raw):
            self.decomposed = True
        author = markers.AUTHOR_LINE.match(line)
        if author and len(text) <= 80:
            self.author = clean_line(author.group(1))
            return
        chunks = [clean_line(c) for c in re.split(r"\n{2,}", text)] if "\n\n" in text else [line]
        chunks = [c for c in chunks if c]
        marked_up = len(chunks) == 1 and next(el.iter(*_MARKUP_TAGS), None) is not None
        html = _inline_html(el, self.base, convert) if marked_up else ""
        for chunk in chunks:
            self.items.append(_Para(chunk, html or escape(chunk), el))

    def add_trailer(self, el: etree._Element) -> None:
        """A block after the body but inside the article: attachments or a byline, nothing else."""
        text = clean_block(self.flags.fix(_text(el)))
        if self._take_attachments(el, text):
            return
        line = clean_line(text)
        if not line or self.author or len(line) > 60 or markers.CHROME_LINE.match(line):
            return
        match = markers.AUTHOR_LINE.match(line)
        if match:
            self.author = clean_line(match.group(1))
        elif markers.AUTHOR_HINT.search(_attr_hint(el)) or (
            _right_aligned(el) and _dominant(el, _is_bold, line)
        ):
            self.author = line

    def _take_attachments(self, el: etree._Element, text: str) -> bool:
        links = [
            a
            for a in el.iter("a")
            if a.get("href") and is_file_link(urljoin(self.base, a.get("href")))
        ]
        if not links:
            return False
        rest = clean_line(text)
        for a in links:
            rest = rest.replace(clean_line(_text_content(a)), " ")
        for a in links:
            self._add_file(a)
        # A sentence that links a file stays in the body; a bare download line does not.
        return bool(markers.ATTACHMENT_LABEL.match(clean_line(rest)))

    def _add_file(self, a: etree._Element) -> None:
        url = urljoin(self.base, a.get("href", "").strip())
        if url in self._seen_files:
            return
        self._seen_files.add(url)
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        self.attachments.append(
            {"url": url, "filename": name, "link_text": clean_line(_text_content(a))}
        )

    def _is_caption(self, el: etree._Element, text: str) -> bool:
        if len(text) > 300 or _right_aligned(el):  # a right-set line after a photo is a byline
            return False
        if el.tag == "figcaption" or markers.CAPTION_HINT.search(_attr_hint(el)):
            return True
        return _dominant(el, _is_italic, text)

    def byline(self) -> None:
        """The closing byline: a short last paragraph set right or in bold, no sentence ending."""
        paras = self.paragraphs
        if self.author or len(paras) < 2:
            return
        last = paras[-1]
        words = last.text.split()
        if (
            (last.right or last.bold)
            and len(last.text) <= 60
            and len(words) <= 10
            and not last.text.endswith((".", ":", "?", "!", ";", ","))
        ):
            self.author = last.text
            self.remove(last)

    def body_html(self) -> str:
        out = []
        for item in self.items:
            if isinstance(item, _Para):
                out.append(f"<p>{item.html}</p>")
            else:
                img = f'<img src="{escape(item["src"])}" alt="{escape(item["alt"])}">'
                cap = (
                    f"<figcaption>{escape(item['caption'])}</figcaption>" if item["caption"] else ""
                )
                out.append(f"<figure>{img}{cap}</figure>")
        return "\n".join(out)


_MARKUP_TAGS = ("b", "strong", "em", "i", "u", "sub", "sup", "a", "br")
_INLINE_KEEP = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "u": "u", "sub": "sub",
                "sup": "sup"}  # fmt: skip


_EDGE_BREAKS = re.compile(r"^(?:<br>\s*)+|(?:\s*<br>)+$")


def _inline_html(el: etree._Element, base: str, convert=None) -> str:
    """The block's inline markup, reduced to emphasis, links and line breaks, text cleaned."""
    parts: list[str] = []

    def text(value: str | None) -> None:
        if value:
            parts.append(escape(squash(convert(value) if convert else value)))

    def walk(node: etree._Element) -> None:
        text(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                parts.append("<br>")
            elif tag in _INLINE_KEEP:
                parts.append(f"<{_INLINE_KEEP[tag]}>")
                walk(child)
                parts.append(f"</{_INLINE_KEEP[tag]}>")
            elif tag == "a" and child.get("href"):
                href = escape(urljoin(base, child.get("href", "").strip()))
                parts.append(f'<a href="{href}">')
                walk(child)
                parts.append("</a>")
            elif tag and tag != "img":
                walk(child)
            text(child.tail)

    walk(el)
    html = "".join(parts).strip()
    return _EDGE_BREAKS.sub("", html).strip()


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
    text_len = len(line(container)) or 1
    headlines = [a for a in container.iter("a") if len(line(a)) >= 25]
    link_len = sum(len(line(a)) for a in headlines)
    if len(headlines) >= 3 and link_len >= 0.25 * text_len:
        raise NotArticle("list_page")


def _iso_meta(value: str) -> str | None:
    value = value.strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?", value)
    if not match:
        return None
    y, mo, d, h, mi, s = (g or "00" for g in match.groups())
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}+07:00"
