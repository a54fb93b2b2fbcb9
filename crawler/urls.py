"""What a portal URL is: canonical form, article identity in both vnPortal URL forms, what to follow."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAM = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|zarsrc|_ga|mc_[ce]id|igshid)$", re.I)
PRINT_PARAMS = {"print", "printview", "isprint", "printmode", "inbai"}
FILE_EXTENSIONS = {
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "zip",
    "rar",
    "7z",
}
MEDIA_EXTENSIONS = {
    "jpg", "jpeg", "png", "gif", "webp", "bmp", "svg", "ico", "css", "js", "woff", "woff2",
    "ttf", "eot", "mp3", "mp4", "wav", "avi", "flv", "wmv", "swf", "xml", "rss",
}  # fmt: skip
NOT_CONTENT = re.compile(
    r"(/dang-nhap|/dang-ky|/login|/logout|/admin|/tim-kiem|/search|ctl=login|ctl=search"
    r"|/rss|/sitemap|/lien-he-gop-y)",
    re.I,
)
ARTICLE_ID_PARAMS = ("id", "newsid", "itemid", "articleid", "nid")
# Session ids (never vnPortal's own `sid`, which names the site).
SESSION_PARAM = re.compile(
    r"^(?:jsessionid|phpsessid|aspsessionid\w*|asp\.net_sessionid|sessionid|session_id|sess)$", re.I
)
SESSION_PATH = re.compile(r"/\((?:[A-Z]\([^)/]*\))+\)/", re.I)  # ASP.NET cookieless: /(S(abc))/
SESSION_PATH_PARAM = re.compile(r";jsessionid=[^/?#]*", re.I)
DIGITS = re.compile(r"\d+")
_NEW_FORM_TAIL = re.compile(r"^.+-(\d{3,})(?:\.(?:html?|aspx))?$", re.I)
PAGE_SUFFIX = re.compile(r"\.(?:html?|aspx?|php|jsp)$", re.I)

# url(...) and @import "..." in a stylesheet: the fonts and images a page's look needs
CSS_REF = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def canonicalize(url: str) -> str:
    """One spelling per page: fragment, tracking, print-view and session-id parameters dropped,
    cookieless ASP.NET session segments and ;jsessionid path parameters removed, query sorted,
    scheme and host lowercased, default port dropped."""
    parts = urlsplit(url)
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAM.match(k)
        and k.lower() not in PRINT_PARAMS
        and not SESSION_PARAM.match(k)
    )
    path = SESSION_PATH.sub("/", SESSION_PATH_PARAM.sub("", parts.path)) or "/"
    netloc = parts.netloc.lower()
    if parts.scheme == "http" and netloc.endswith(":80"):
        netloc = netloc[:-3]
    elif parts.scheme == "https" and netloc.endswith(":443"):
        netloc = netloc[:-4]
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query), ""))


def url_pattern(url: str) -> str:
    """The URL with every run of digits as N: pages of one calendar, one pager or one facet
    family share a pattern, and a pattern's page count can be bounded."""
    parts = urlsplit(url)
    return DIGITS.sub("N", f"{parts.netloc}{parts.path}?{parts.query}")


def host_of(url: str) -> str:
    """The site's identity: host as in its URL, port included when given."""
    return urlsplit(url).netloc.lower()


def extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def is_file_link(url: str) -> bool:
    return extension(url) in FILE_EXTENSIONS


def is_followable(url: str) -> bool:
    """A page link worth crawling: http(s), not a file or media asset, not login/search chrome."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    ext = extension(url)
    if ext in FILE_EXTENSIONS or ext in MEDIA_EXTENSIONS:
        return False
    return not NOT_CONTENT.search(url)


def article_key(url: str) -> str | None:
    """The article id a URL names in a form we know, or None. Only a hint: whether a page is an
    article is decided from the page (crawler.extract.page_kind); an article whose URL names no
    id we know is identified by its canonical URL instead.

    New form: /<category-seo>/<slug>-<id>, also with a .html/.htm/.aspx suffix. Old friendly
    form: /<sid>/<pageid>/<catid>/<id>/... Query forms: an id parameter (id, newsid, itemid,
    articleid, nid) on Default.aspx or any other path. The two old forms share the id.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.query:
        params = {k.lower(): v for k, v in parse_qsl(parts.query)}
        for name in ARTICLE_ID_PARAMS:
            if params.get(name, "").isdigit():
                return params[name]
        if segments and segments[-1].lower() == "default.aspx":
            return None
    if len(segments) >= 5 and all(s.isdigit() for s in segments[:4]):
        return segments[3]
    if len(segments) == 2 and not segments[0].isdigit():
        match = _NEW_FORM_TAIL.match(segments[1])
        if match:
            return match.group(1)
    return None


_SLUG = re.compile(r"^[a-z0-9_]+(?:-+[a-z0-9_]+)+$", re.I)


def url_shape(url: str) -> str:
    """The form of a URL, without its words and numbers: digits are N, slugs S, the suffix and
    query names kept. Pages the site showed to be articles teach their shape, so links of the
    same shape are crawled first and count as article links (a hint, never a verdict)."""
    parts = urlsplit(url)
    out = []
    for seg in (s for s in parts.path.split("/") if s):
        suffix = PAGE_SUFFIX.search(seg)
        stem = seg[: suffix.start()] if suffix else seg
        if stem.isdigit():
            shape = "N"
        elif _SLUG.match(stem):
            shape = "S-N" if _NEW_FORM_TAIL.match(stem) else "S"
        else:
            shape = DIGITS.sub("N", stem.lower())
        out.append(shape + (suffix.group(0).lower() if suffix else ""))
    names = sorted({k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/" + "/".join(out) + ("?" + "&".join(names) if names else "")


def is_query_form(url: str) -> bool:
    """A second address for an article that likely has a plainer one: the Default.aspx?...&id=
    form, or an id parameter beside other parameters (…?CatID=3&ItemID=9 when ?ItemID=9 exists).
    Crawled last, so the plainer address is the one an article is stored under."""
    parts = urlsplit(url)
    if parts.path.lower().endswith("/default.aspx"):
        return True
    names = [k.lower() for k, _ in parse_qsl(parts.query)]
    return len(names) > 1 and any(n in ARTICLE_ID_PARAMS for n in names)


class Link(NamedTuple):
    """What the spider needs to know of an <a href>: where it leads and whether to follow it."""

    url: str  # canonical
    host: str
    followable: bool
    article_key: str | None


def resolve_link(base: str, href: str) -> Link | None:
    """The canonical link an href (stripped) makes on a page whose base URL is `base`; None for
    fragments and script, mail and phone links. Every page repeats its portal's menus, so
    results are kept in a bounded cache keyed on what the result depends on: nothing for an
    absolute href, the base's origin for a root-relative one, the whole base otherwise."""
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    if href.startswith(("http://", "https://")):
        return _resolve("", href)
    if href.startswith("/") and not href.startswith("//"):
        return _resolve(_origin(base), href)
    return _resolve(base, href)


def join_url(base: str, href: str) -> str:
    """urljoin(base, href), for the files every page of a portal repeats (its scripts, styles,
    layout images): cached as resolve_link is, on what the result depends on, which for an
    absolute or root-relative href is the base's scheme and host alone."""
    if href.startswith(("http://", "https://")) or (
        href.startswith("/") and not href.startswith("//")
    ):
        return _join(_origin(base), href)
    return _join(base, href)


@lru_cache(maxsize=4096)
def _join(base: str, href: str) -> str:
    return urljoin(base, href)


@lru_cache(maxsize=64)  # asked for each link of a page, of the same base
def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}"


@lru_cache(maxsize=4096)  # a portal repeats tens of menu links; ~2 MB at most
def _resolve(base: str, href: str) -> Link:
    url = canonicalize(urljoin(base, href) if base else href)
    return Link(url, host_of(url), is_followable(url), article_key(url))
