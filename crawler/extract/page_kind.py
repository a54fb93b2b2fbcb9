"""What a page is (article, list, other) decided from the page itself, cheaply, before extraction.

Portals we were never shown use URL forms we do not know, so a URL can only hint. The page decides:
an article has a block of running text that is not a list of headlines. The test reads only the
page's long text nodes (found by one XPath in C) and the few blocks holding them, so a list page
never pays for a full extraction; a page that passes still goes through the extractor, which has
the last word (and its own reasons to refuse: a table, a list of headlines, an empty body).
The test is lenient by design: a false "article-like" costs one extraction, a false "not an
article" would lose an article.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import markers
from crawler.extract.markup import in_chrome
from crawler.urls import DIGITS, article_key, canonicalize, is_file_link

ARTICLE = "article"
LIST = "list"
OTHER = "other"

LONG_TEXT = 40  # characters of one text node that can be running text
HEADLINE = 25  # a link whose text is this long is another page's title
MIN_FREE_TEXT = 40  # what an article's body holds at least, outside headline links

_LONG_TEXTS = etree.XPath(
    f"//body//text()[string-length(normalize-space(.)) >= {LONG_TEXT}]"
    "[not(ancestor::a or ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::option or ancestor::textarea or ancestor::button)]"
)
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)
_HEADLINE_LINKS = etree.XPath(f"//a[@href][string-length(normalize-space(.)) >= {HEADLINE}]/@href")
_CANONICAL = etree.XPath(
    "//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href"
    " | //meta[@property='og:url']/@content"
)
_SCRIPTS = etree.XPath("count(//script)")
_LINKS = etree.XPath("count(//a[@href])")
_INLINE = {"span", "strong", "b", "em", "i", "u", "font", "small", "big", "sub", "sup", "mark",
           "abbr", "cite", "q", "label", "time", "code"}  # fmt: skip


@dataclass(frozen=True)
class PageKind:
    """The verdict and why: the reason is what the crawl report counts."""

    kind: str  # ARTICLE (article-like: the extractor decides), LIST or OTHER
    reason: str


def judge_page(doc: etree._Element) -> PageKind:
    """Article-like, list or other, from the page's text and links (the tree is not changed)."""
    if _best_free_text(doc) >= MIN_FREE_TEXT:
        return PageKind(ARTICLE, "running_text")
    if _is_script_shell(doc):
        return PageKind(OTHER, "script_rendered")
    headlines = [h for h in _HEADLINE_LINKS(doc) if not is_file_link(h.strip())]
    if len(headlines) >= 3:
        return PageKind(LIST, "headlines_no_running_text")
    return PageKind(OTHER, "no_running_text")


def _is_script_shell(doc: etree._Element) -> bool:
    """A page whose content a script renders in the browser: scripts, almost no text or links."""
    if _LINKS(doc) >= 30 or not _SCRIPTS(doc):  # a menu may be served; a list is not
        return False
    return sum(len(t.strip()) for t in _VISIBLE_TEXT(doc)) < 300


def _best_free_text(doc: etree._Element) -> int:
    """The most running text one container holds, less the headline links inside it: a body
    scores its paragraphs; a list item scores its lead minus its own title, near nothing."""
    scores: dict[etree._Element, int] = {}
    chrome: dict[etree._Element, bool] = {}
    footers: set[etree._Element] = set()
    for node in _LONG_TEXTS(doc):
        el = node.getparent()
        if el is None:
            continue
        if node.is_tail:
            el = el.getparent()
        while el is not None and el.tag in _INLINE:
            el = el.getparent()
        container = el.getparent() if el is not None else None
        if container is None or in_chrome(container, chrome):
            continue
        if markers.FOOTER_LINE.match(node.strip()):  # the portal's owner, copyright, licence
            footers.add(container)
            continue
        scores[container] = scores.get(container, 0) + len(node.strip())
    for container in footers:
        scores.pop(container, None)
    best = 0
    memo = ListItems()
    for container, text in sorted(scores.items(), key=lambda kv: -kv[1]):
        if text <= best:
            break
        if memo.holds(container):
            continue  # inside one item of a list: its lead is not an article's body
        best = max(best, text - 2 * memo.headline_chars(container))
    return best


class ListItems:
    """Which elements sit inside one item of a list of articles: an element linking a headline
    that has two or more like siblings (same tag, classes alike once their digits are gone)
    linking a headline each. The shape of every list of articles, whatever its markup: <li>,
    <tr>, <div class="item">, <article class="post-884 post">. Answers are kept per page."""

    CLIMB = 3  # an excerpt sits a level or two below its item

    def __init__(self) -> None:
        self._headlines: dict[etree._Element, int] = {}
        self._items: dict[etree._Element, bool] = {}
        self._children: dict[etree._Element, list] = {}
        self._linked: dict[etree._Element, bool] = {}

    def headline_chars(self, el: etree._Element) -> int:
        return _headline_chars(el, self._headlines)

    def links_headline(self, el: etree._Element) -> bool:
        """Whether `el` links another page's title: the first such link answers."""
        known = self._linked.get(el)
        if known is None:
            known = self._headlines.get(el, 0) > 0 or any(
                not is_file_link((a.get("href") or "").strip()) for a in _LONG_LINKS(el)
            )
            self._linked[el] = known
        return known

    def holds(self, el: etree._Element) -> bool:
        node: etree._Element | None = el
        for _ in range(self.CLIMB):
            if node is None or not isinstance(node.tag, str):
                return False
            if self.links_headline(node):
                return self._is_item(node)  # the nearest element with a headline decides
            node = node.getparent()
        return False

    def _is_item(self, el: etree._Element) -> bool:
        known = self._items.get(el)
        if known is None:
            parent = el.getparent()
            known = parent is not None and self._like_siblings(parent, el) >= 3
            self._items[el] = known
        return known

    def _like_siblings(self, parent: etree._Element, el: etree._Element) -> int:
        """Children of `parent` like `el` that link a headline: exact shapes counted once per
        parent, the looser likeness tried only when they are too few."""
        children = self._children.get(parent)
        if children is None:
            children = [
                ((c.tag, _class_shape(c)), self.links_headline(c))
                for c in parent
                if isinstance(c.tag, str)
            ]
            self._children[parent] = children
        shape = (el.tag, _class_shape(el))
        exact = sum(1 for s, linked in children if linked and s == shape)
        if exact >= 3:
            return exact
        return sum(1 for s, linked in children if linked and _alike(s, shape))


def _class_shape(el: etree._Element) -> frozenset[str]:
    return frozenset(DIGITS.sub("", c) for c in (el.get("class") or "").split())


def _alike(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Same tag, and classes that share at least half of all they name (digits set aside)."""
    if a[0] != b[0]:
        return False
    if not a[1] and not b[1]:
        return True
    return len(a[1] & b[1]) * 2 >= len(a[1] | b[1])


def _headline_chars(el: etree._Element, memo: dict[etree._Element, int]) -> int:
    """Characters of the titles of other pages linked inside `el` (files are not titles). The
    long links are found by XPath, in C; only those are read in Python."""
    known = memo.get(el)
    if known is None:
        known = 0
        for a in _LONG_LINKS(el):
            if not is_file_link((a.get("href") or "").strip()):
                known += len(" ".join("".join(a.itertext()).split()))
        memo[el] = known
    return known


_LONG_LINKS = etree.XPath(f".//a[string-length(normalize-space(.)) >= {HEADLINE}]")


def refusal_kind(reason: str) -> str:
    """What a page the extractor refused is: a list when it said so, else other."""
    return LIST if reason == "list_page" else OTHER


def article_identity(url: str, hint: str | None, canonical: str | None) -> tuple[str, str]:
    """(the URL an article is stored under, its key): the id a known URL form names (`hint`),
    else the one its canonical URL's form names, else that canonical URL itself. `canonical`:
    the page's declared canonical URL when it is on the same site, else None."""
    stored = canonical or canonicalize(url)
    return stored, hint or article_key(stored) or stored


def declared_canonical(doc: etree._Element, url: str) -> str | None:
    """The address the page says is its own (rel=canonical, else og:url), canonicalized: the
    identity of an article whose URL names no id we know, whichever address reached it."""
    for value in _CANONICAL(doc):
        value = value.strip()
        if value:
            absolute = urljoin(url, value)
            if absolute.startswith(("http://", "https://")):
                return canonicalize(absolute)
    return None


def in_list_item(el: etree._Element) -> bool:
    """Is `el` inside one item of a list of articles (see ListItems)? The extractor's check on
    the body it chose: an excerpt in a list is no article's body."""
    return ListItems().holds(el)
