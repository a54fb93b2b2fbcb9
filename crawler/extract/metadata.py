"""Author and section from what a page declares about itself, when its text does not say them:
standard markup many CMSs write whatever their skin (schema.org microdata and JSON-LD, Open Graph
`article:section`, `rel="author"`/`rel="category"` links, a breadcrumb named by `aria-label` or
by schema.org's BreadcrumbList). Used only as fallbacks: a byline or breadcrumb in the page's
text comes first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree

from crawler.extract.dates import parse_vn_datetime
from crawler.extract.text import clean_line

MAX_NAME = 60  # a person's or a section's name, not a sentence

_SECTION_META = etree.XPath(
    "//meta[@property='article:section' or @name='article:section']/@content"
)
_CATEGORY_LINKS = etree.XPath(
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
)
_AUTHOR_LINKS = etree.XPath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]")
_AUTHOR_PROPS = etree.XPath("//*[@itemprop='author']")
_CRUMB_LISTS = etree.XPath(
    "//*[contains(@itemtype, 'BreadcrumbList')]"
    " | //*[contains(translate(@aria-label, 'BREADCUMB', 'breadcumb'), 'breadcrumb')]"
)
_PUBLISHED = etree.XPath(
    "//*[@itemprop='datePublished']"
    " | //meta[@property='article:published_time' or @name='pubdate'"
    " or @name='article:published_time' or @property='og:published_time']"
)
VIETNAM = timezone(timedelta(hours=7))
JSON_LD = etree.XPath("//script[@type='application/ld+json']/text()")  # read before scripts go


def declared_category(doc: etree._Element, title: str, json_ld: list[str]) -> str:
    """The page's section, from Open Graph, a breadcrumb named as one, rel="category" links or
    JSON-LD, in that order; "" if the page declares none."""
    for value in _SECTION_META(doc):
        name = _name(value)
        if name:
            return name
    for crumbs in _CRUMB_LISTS(doc):
        names = [_name("".join(a.itertext())) for a in crumbs.iter("a")]
        names = [n for n in names if n and n != title and n.lower() not in _HOME]
        if names:
            return names[-1]
    for link in _CATEGORY_LINKS(doc):
        name = _name("".join(link.itertext()))
        if name:
            return name
    for data in _json_ld(json_ld):
        section = data.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else None
        name = _name(section) if isinstance(section, str) else ""
        if name:
            return name
        crumbs = [n for n in _breadcrumb_names(data) if n != title and n.lower() not in _HOME]
        if crumbs:
            return crumbs[-1]
    return ""


def declared_author(doc: etree._Element, avoid: set[str], json_ld: list[str]) -> str:
    """The author the page declares (microdata, rel="author", JSON-LD), not one of `avoid`
    (the site's own name: portals often name themselves as the author)."""
    candidates: list[str] = []
    for el in _AUTHOR_PROPS(doc):
        inner = el.xpath(".//*[@itemprop='name']")
        text = inner[0].get("content") or "".join(inner[0].itertext()) if inner else None
        candidates.append(text or el.get("content") or "".join(el.itertext()))
    candidates += ["".join(a.itertext()) for a in _AUTHOR_LINKS(doc)]
    for data in _json_ld(json_ld):
        author = data.get("author")
        for one in author if isinstance(author, list) else [author]:
            if isinstance(one, dict):
                candidates.append(one.get("name") or "")
            elif isinstance(one, str):
                candidates.append(one)
    lowered = {a.lower() for a in avoid if a}
    for raw in candidates:
        name = _name(raw)
        if name and name.lower() not in lowered:
            return name
    return ""


_HOME = {"trang chủ", "trang chu", "home", "trang nhất"}


def _name(value: Any) -> str:
    text = clean_line(value) if isinstance(value, str) else ""
    return text if 0 < len(text) <= MAX_NAME else ""


def _json_ld(texts: list[str]) -> Iterator[dict]:
    for text in texts:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                yield item


def _breadcrumb_names(data: dict) -> list[str]:
    if "BreadcrumbList" not in str(data.get("@type", "")):
        return []
    names = []
    for element in data.get("itemListElement") or []:
        if isinstance(element, dict):
            item = element.get("item")
            name = element.get("name") or (item.get("name") if isinstance(item, dict) else None)
            names.append(_name(name))
    return [n for n in names if n]


def declared_date(doc: etree._Element, near: etree._Element, json_ld: list[str]) -> str | None:
    """When the page says it was published, when no date line is printed near the title:
    schema.org `datePublished` (microdata or JSON-LD), Open Graph `article:published_time`, or
    a `<time datetime>` beside the article (`near`: the block holding title and body, so the
    dates of a sidebar's articles are never taken)."""
    for el in _PUBLISHED(doc):
        found = vietnam_time(el.get("content") or el.get("datetime") or "".join(el.itertext()))
        if found:
            return found
    for data in _json_ld(json_ld):
        value = data.get("datePublished")
        found = vietnam_time(value) if isinstance(value, str) else None
        if found:
            return found
    for el in near.iter("time"):
        found = vietnam_time(el.get("datetime") or "")
        if found:
            return found
    return None


def vietnam_time(value: str) -> str | None:
    """An ISO 8601 time (2023-06-28T08:30:00Z, ...+07:00, or with no zone: Vietnam's) or a
    Vietnamese date line, as YYYY-MM-DDTHH:MM:SS+07:00."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_vn_datetime(text) if text else None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+07:00")
