"""Finding a portal's pages beyond its links: sitemaps (named in robots.txt, or /sitemap.xml),
sitemap indexes and gzipped sitemaps, RSS/Atom feeds linked from pages, and ASP.NET postback
pagers. Parsing is left to well-kept code: Scrapy's sitemap utilities and feedparser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps protocol's own limit, uncompressed
_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
# What a pager's links say: a page number, or next/last in Vietnamese or English.
_PAGER_TEXT = re.compile(
    r"^(?:\d{1,4}|\.\.\.|…|»|›|>|>>|trang sau|tiếp|tiếp theo|sau|xem tiếp|trang cuối|cuối"
    r"|next|last)\s*[»›>]*$",
    re.I,
)
_PAGER_ARG = re.compile(r"^Page\$(?:\d+|Next|Last|First|Prev)$", re.I)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None  # aware UTC, when the sitemap gives one


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """Sitemap URLs a robots.txt names (its `Sitemap:` lines)."""
    return list(dict.fromkeys(sitemap_urls_from_robots(text.encode(), base_url=base_url)))


def read_sitemap(body: bytes) -> tuple[str, list[SitemapEntry]]:
    """("sitemapindex" | "urlset" | "", entries). Gzipped bodies are unpacked (a .xml.gz is
    served as a file, not with Content-Encoding); anything unreadable gives ("", [])."""
    if body[:3] == b"\x1f\x8b\x08":
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, ValueError, EOFError):
            return "", []
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError, AttributeError):
        return "", []
    kind = sitemap.type or ""
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    entries = []
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if loc:
            entries.append(SitemapEntry(loc, parse_lastmod(entry.get("lastmod"))))
    return kind, entries


def parse_lastmod(value: str | None) -> datetime | None:
    """W3C datetime (2024-05-06, 2024-05-06T08:00:00+07:00, ...Z) as aware UTC, or None."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def page_feeds(doc: etree._Element, base_url: str) -> list[str]:
    """RSS/Atom feeds a page declares in its head (<link rel="alternate" type="...rss+xml">)."""
    out = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            out.append(urljoin(base_url, href))
    return out


def feed_links(body: bytes) -> list[str]:
    """The entry links of an RSS or Atom feed (feedparser reads every flavour, even broken)."""
    parsed = feedparser.parse(body)
    out = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            link = next((lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None)
        if link:
            out.append(link.strip())
    return out


@dataclass(frozen=True)
class Postback:
    target: str
    argument: str
    text: str


def pager_postbacks(doc: etree._Element) -> Iterator[Postback]:
    """The page links of an ASP.NET postback pager (`javascript:__doPostBack('…','Page$2')`).
    Only pager links: other postbacks (votes, logins, language switches) change things and are
    never submitted."""
    seen = set()
    for a in doc.iter("a"):
        match = _POSTBACK.search(a.get("href") or "")
        if not match:
            continue
        target, argument = match.group(1), match.group(2)
        text = " ".join("".join(a.itertext()).split())
        if not (_PAGER_ARG.match(argument) or (_PAGER_TEXT.match(text) and text)):
            continue
        if (target, argument) not in seen:
            seen.add((target, argument))
            yield Postback(target, argument, text)
