"""What the crawler makes of one page, for the archivist adding a portal nobody has seen: its kind
and why, its URL form and identity, the fields extracted, chrome left in the text, and the
site-profiles.toml lines that would pin the skin's parts. The same rules as a crawl, no state."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from crawler.extract import NotArticle, extract_article, parse_html
from crawler.extract.markers import CHROME_LINE, FOOTER_LINE
from crawler.extract.page_kind import (
    ARTICLE,
    article_identity,
    declared_canonical,
    judge_page,
    refusal_kind,
)
from crawler.extract.profiles import SiteProfile
from crawler.urls import article_key, host_of, url_shape

# What a naive reading of a vnPortal page leaves in the text (shared/vnpt-portals.md).
CHROME_STRINGS = (
    "anh tin bai", "Đăng nhập", "Designed by VNPT", "Thống kê truy cập", "Đang online",
    "Trong tuần:", "Tất cả:", "Liên kết website", "Ý kiến bạn đọc", "Tin liên quan",
    "Các tin khác", "Nghe đọc bài viết", "In bài", "Gửi email",
)  # fmt: skip
BODY_LINES = 6


@dataclass
class Inspection:
    url: str
    source: str  # "live" or "archive (capture N, fetched ...)"
    status: int
    kind: str  # article, list, other
    reason: str
    url_form: str  # which known form names the article's id, or "none"
    shape: str
    canonical: str | None
    identity: str | None
    title: str = ""
    published_at: str | None = None
    author: str = ""
    category: str = ""
    summary: str = ""
    body_start: list[str] = field(default_factory=list)
    body_chars: int = 0
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    chrome_left: list[str] = field(default_factory=list)
    text_flags: list[str] = field(default_factory=list)
    profile_lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def inspect_page(
    url: str, html: str, status: int, source: str, profile: SiteProfile | None = None
) -> Inspection:
    doc = parse_html(html) if html.strip() else None
    key = article_key(url)
    canonical = declared_canonical(doc, url) if doc is not None else None
    report = Inspection(
        url=url,
        source=source,
        status=status,
        kind="other",
        reason="empty_page",
        url_form=_url_form(url, key),
        shape=url_shape(url),
        canonical=canonical,
        identity=None,
    )
    if doc is None:
        return report
    if not key:  # as the crawl does: a URL naming an article id goes to the extractor at once
        verdict = judge_page(doc)
        report.kind, report.reason = verdict.kind, verdict.reason
        if verdict.kind != ARTICLE:
            return report
    trace: dict[str, etree._Element] = {}
    tree = etree.ElementTree(doc)
    try:
        art = extract_article(doc, url, profile, trace)
    except NotArticle as refusal:
        report.kind, report.reason = refusal_kind(str(refusal)), str(refusal)
        report.profile_lines = _profile_lines(host_of(url), tree, trace)
        return report
    same_site = canonical if canonical and host_of(canonical) == host_of(url) else None
    report.identity = article_identity(url, key, same_site)[1]
    report.kind, report.reason = ARTICLE, "extracted"
    report.title, report.published_at = art.title, art.published_at
    report.author, report.category, report.summary = art.author, art.category, art.summary
    paragraphs = art.body.split("\n\n")
    report.body_start = paragraphs[:BODY_LINES]
    report.body_chars = len(art.body)
    report.images = [{"src": i["src"], "caption": i["caption"]} for i in art.images]
    report.attachments = [
        {"url": a["url"], "text": a.get("link_text", "")} for a in art.attachments
    ]
    report.text_flags = list(art.text_flags)
    text = "\n".join([art.title, art.summary, art.body, art.author])
    report.chrome_left = sorted(
        {s for s in CHROME_STRINGS if s.lower() in text.lower()}
        | {p for p in paragraphs if CHROME_LINE.match(p) or FOOTER_LINE.match(p)}
    )
    report.profile_lines = _profile_lines(host_of(url), tree, trace)
    return report


def _url_form(url: str, key: str | None) -> str:
    if key is None:
        return "no article id in the URL (an article here is known by its canonical URL)"
    return f"id {key} named by the URL"


def _profile_lines(host: str, tree: etree._ElementTree, trace: dict) -> list[str]:
    """TOML for DIR/site-profiles.toml pinning the parts found, as CSS selectors."""
    lines = [f'["{host}"]']
    for key in ("title", "summary", "body"):
        el = trace.get(key)
        if el is not None and el.getroottree().getroot() is tree.getroot():
            selector = css_selector(el)
            if selector:
                lines.append(f'{key} = "{selector}"')
    return lines if len(lines) > 1 else []


def css_selector(el: etree._Element) -> str | None:
    """A CSS selector matching `el` alone on its page: its id, else its tag and classes, else
    the path of tags (with :nth-of-type) from the nearest ancestor that has one of those."""
    root = el.getroottree().getroot()
    steps: list[str] = []
    node: etree._Element | None = el
    while node is not None and isinstance(node.tag, str):
        own = _own_selector(node)
        if own and _unique(root, own, node):
            steps.append(own)
            return " > ".join(reversed(steps))
        parent = node.getparent()
        if parent is None:
            break
        same = [c for c in parent if c.tag == node.tag]
        step = node.tag if len(same) == 1 else f"{node.tag}:nth-of-type({same.index(node) + 1})"
        steps.append(step)
        node = parent
    return " > ".join(reversed(steps)) or None


def _own_selector(el: etree._Element) -> str | None:
    ident = (el.get("id") or "").strip()
    if ident and ident.replace("_", "").replace("-", "").isalnum() and not ident[0].isdigit():
        return f"{el.tag}#{ident}"
    classes = [
        c for c in (el.get("class") or "").split() if c.replace("_", "").replace("-", "").isalnum()
    ]
    return f"{el.tag}." + ".".join(classes) if classes else None


def _unique(root: etree._Element, selector: str, el: etree._Element) -> bool:
    from cssselect import GenericTranslator

    found = root.xpath(GenericTranslator().css_to_xpath(selector))
    return len(found) == 1 and found[0] is el


class FetchError(Exception):
    """The page could not be fetched, worded for the user."""


def fetch_live(url: str, user_agent: str, timeout: float = 30) -> tuple[int, str, bytes]:
    """(status, content type, body) of one GET, robots.txt obeyed as a crawl obeys it."""
    import gzip
    import urllib.error
    import urllib.request
    from urllib.parse import urljoin

    from protego import Protego

    def get(target: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(
            target, headers={"User-Agent": user_agent, "Accept-Encoding": "gzip"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                status, headers, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, exc.headers, exc.read()
        if (headers.get("Content-Encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        return status, headers.get("Content-Type") or "", body

    try:
        status, _, robots = get(urljoin(url, "/robots.txt"))
        if status == 200:
            rules = Protego.parse(robots.decode("utf-8", "replace"))
            if not rules.can_fetch(url, user_agent):
                raise FetchError(f"robots.txt of {host_of(url)} disallows {url}; not fetched")
        return get(url)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"could not fetch {url} ({reason}); check the address") from None
