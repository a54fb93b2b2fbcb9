"""What an element says about itself: its text (with <br> as line breaks), whether it is a
block, and how it is set (bold, italic, aligned). Shared by body location and body sorting, so
both read style the same way."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from crawler.extract import markers

BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table",
    "tbody", "thead", "tfoot", "section", "article", "blockquote", "figure", "figcaption",
    "header", "footer", "center", "dl", "dt", "dd", "pre", "address", "form", "main", "aside",
    "nav", "caption",
}  # fmt: skip


# An element's string-value: its text nodes joined in C, the same text as "".join(itertext())
# (comments' and processing instructions' own text left out, their tails kept) in half the time.
_STRING = etree.XPath("string()", smart_strings=False)


def text_content(el: etree._Element) -> str:
    """All text inside `el` (not its tail), as lxml.html's text_content() gives it."""
    if not isinstance(el.tag, str):  # a comment's string-value would be its own text
        return "".join(el.itertext())
    return _STRING(el)


def text_with_breaks(el: etree._Element) -> str:
    """Text of an element with <br> as line breaks."""
    if next(el.iter("br"), None) is None:
        return text_content(el)  # the common case, walked in C
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


def attr_hint(el: etree._Element) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def in_chrome(el: etree._Element | None, memo: dict[etree._Element, bool]) -> bool:
    """Inside an element whose tag (nav, footer, aside), class or id says chrome: menu, footer,
    counter, related list... `memo` keeps each answer for the page (shared by every element
    on the way up, so a page's elements are each looked at once)."""
    path = []
    answer = False
    while el is not None and isinstance(el.tag, str):
        if el in memo:
            answer = memo[el]
            break
        path.append(el)
        if el.tag in ("nav", "footer", "aside") or markers.CHROME_HINT.search(attr_hint(el)):
            answer = True
            break
        el = el.getparent()
    for node in path:
        memo[node] = answer
    return answer


def is_block(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag in BLOCK_TAGS


def _styled_len(el: etree._Element, predicate: Callable[[etree._Element], bool]) -> int:
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


def is_italic(el: etree._Element) -> bool:
    return el.tag in ("em", "i") or "italic" in el.get("style", "").replace(" ", "")


def is_bold(el: etree._Element) -> bool:
    style = el.get("style", "").replace(" ", "")
    return el.tag in ("strong", "b") or "font-weight:bold" in style or "font-weight:700" in style


def dominant(el: etree._Element, predicate: Callable[[etree._Element], bool], text: str) -> bool:
    """Is (nearly) all of the block's text set in this style? Blocks with no styling element at
    all, the common case, are answered without walking them."""
    plain = len(text) - text.count(" ")
    if plain <= 0:
        return False
    styled_tags = _BOLD_TAGS if predicate is is_bold else _ITALIC_TAGS
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


_RIGHT_CLASS = re.compile(
    r"(?:^|\s)(?:text-right|text-end|right|align-right|pull-right)(?:\s|$)", re.I
)


def right_aligned(el: etree._Element) -> bool:
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


_CENTRE_CLASS = re.compile(r"(?:^|[\s-])(?:text-center|center|centered|align-center)(?:\s|$)", re.I)


def centred(el: etree._Element) -> bool:
    """Set centred by style, align attribute, <center> or a class (text-center, CKEditor's
    image-style-align-center), on the block or an element inside it."""
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        style = node.get("style", "").replace(" ", "").lower()
        if "text-align:center" in style or (node.get("align") or "").lower() == "center":
            return True
        if node.tag == "center" or _CENTRE_CLASS.search(node.get("class", "")):
            return True
    return False
