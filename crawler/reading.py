"""How a crawl reads one portal page into an article: the page test, the extractor, the article's
identity, then what the clean and normalise pipelines do to the item. The spider and
`govarchive extract` (re-extraction from the WARC files) both go through here, so an archived
page re-read today gives exactly what a crawl with today's rules would store."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Protocol

from lxml import etree
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import default_settings
from w3lib.encoding import html_body_declared_encoding

from archive.db import ArticleRecord
from archive.documents import DocumentRecord
from crawler import settings as crawl_settings
from crawler.extract import NotArticle, extract_article
from crawler.extract.article import RULES_OFF
from crawler.extract.documents import (
    DETAIL,
    LISTED,
    PUBLISHED,
    FoundDocument,
    documents_on_page,
    might_hold_documents,
)
from crawler.extract.page_kind import (
    ARTICLE,
    LIST,
    OTHER,
    article_identity,
    declared_canonical,
    judge_page,
    refusal_kind,
)
from crawler.extract.profiles import SiteProfile
from crawler.items import ArticleItem
from crawler.pipelines.clean import clean_article
from crawler.pipelines.normalize import nfc_item
from crawler.urls import host_of


class PageMemory(Protocol):
    """What a reader remembers across pages: a crawl, every page it read; a re-extraction
    worker, nothing (its parent decides against the archive)."""

    aliases: dict[str, str]  # host reached by redirect -> portal host

    def first_read(self, host: str, key: str) -> bool:
        """Is this the first time the article `key` is read? (and remember it)"""
        ...

    def first_text(self, host: str, digest: str, url: str) -> bool:
        """Is this the first time this text is met at an address naming no id? (remember it)"""
        ...


class Forgetful:
    """A memory that has seen nothing: every page is read in full."""

    aliases: dict[str, str] = {}

    def first_read(self, host: str, key: str) -> bool:
        return True

    def first_text(self, host: str, digest: str, url: str) -> bool:
        return True


@dataclass
class Reading:
    """The verdict on a page, and its article when it is one."""

    kind: str
    reason: str
    article_like: bool
    refused: bool = False  # the extractor's own refusal (counted as articles_dropped)
    item: ArticleItem | None = None
    text_digest: str | None = None  # title, date and body, for an article naming no id
    documents: list[DocumentRecord] | None = None  # official documents the page shows
    documents_source: str = ""  # how: "list", "detail" or "article"

    @property
    def published_year(self) -> int | None:
        """The year of the article (for documents it publishes with no year of their own)."""
        when = self.item.published_at if self.item is not None else None
        return int(when[:4]) if when else None


def text_digest(title: str, published_at: str | None, body: str) -> str:
    """The same article's text at two addresses: title, date and body as extracted."""
    return hashlib.blake2b(
        f"{title}\x1f{published_at}\x1f{body}".encode(), digest_size=16
    ).hexdigest()


def read_page(
    doc: etree._Element,
    url: str,
    hint: str | None,
    host: str,
    capture_id: int | None,
    profile: SiteProfile | None,
    memory: PageMemory,
    text: str,
) -> Reading:
    """The page's article (read_article) and the official documents it shows, found first
    (the extractor changes the tree) and only on a page whose `text` may hold some."""
    source, found = documents_on_page(doc, url) if might_hold_documents(text) else ("", [])
    reading = read_article(doc, url, hint, host, capture_id, profile, memory)
    if source == PUBLISHED and reading.item is None:
        found = []  # only an article publishes a document in prose (a list or a home page's
        # file links name documents shown elsewhere; an article read already gave its own)
    if found:
        reading.documents = [document_record(d) for d in found]
        reading.documents_source = source
        if source == DETAIL or (reading.refused and source == LISTED):
            # A document's own page, or a list of them: not an article (what the extractor
            # takes for a detail page's body is its "other documents" box), nor one it failed on.
            reading.kind = LIST if source == LISTED else OTHER
            reading.reason, reading.article_like, reading.refused = "documents", False, False
            reading.item = reading.text_digest = None
    return reading


def document_record(found: FoundDocument) -> DocumentRecord:
    """A found document as the archive stores it, its text in NFC as an article's is."""

    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    return DocumentRecord(
        number_text=nfc(found.number.text if found.number else found.number_text),
        type=nfc(found.kind),
        issued_at=found.issued_at,
        effective_at=found.effective_at,
        issuer=nfc(found.issuer),
        signer=nfc(found.signer),
        abstract=nfc(found.abstract),
        field=nfc(found.field),
        files=list(found.files),
        detail_url=found.detail_url,
    )


def read_article(
    doc: etree._Element,
    url: str,
    hint: str | None,
    host: str,
    capture_id: int | None,
    profile: SiteProfile | None,
    memory: PageMemory,
) -> Reading:
    """What the page is, decided from the page: a cheap test first (a list never pays for an
    extraction), then the extractor, which has the last word. A URL in a form that names an
    article's id (`hint`) goes straight to the extractor (it is an article nine times in ten);
    the id is the article's identity. Otherwise the article is who its canonical URL says it
    is, and the same text met at another address naming no id is the same article."""
    if not hint:
        first = judge_page(doc)
        if first.kind != ARTICLE:
            return Reading(first.kind, first.reason, False)
    canonical = declared_canonical(doc, url)
    if canonical and memory.aliases.get(host_of(canonical), host_of(canonical)) != host:
        canonical = None  # a canonical URL on another site names no page of this one
    stored, key = article_identity(url, hint, canonical)
    if not memory.first_read(host, key):
        return Reading(ARTICLE, "same_article", True)
    try:
        art = extract_article(doc, url, profile)
    except NotArticle as reason:
        kind = refusal_kind(str(reason))
        # A list the extractor recognised is not a failure, unless the URL said article.
        return Reading(kind, str(reason), bool(hint) or kind != LIST, True)
    digest = None
    if key == stored:  # no id we know: the same text at another address is the same article
        digest = text_digest(art.title, art.published_at, art.body)
        if not memory.first_text(host, digest, url):
            return Reading(ARTICLE, "same_article", True)
    item = ArticleItem(
        url=stored,
        article_key=key,
        site=host,
        capture_id=capture_id,
        **{f.name: getattr(art, f.name) for f in fields(art)},  # asdict deep-copies
    )
    return Reading(ARTICLE, "extracted", True, item=item, text_digest=digest)


def stored_form(item: ArticleItem) -> ArticleRecord | str:
    """What the store pipeline receives for this item after clean (100) and normalise (200):
    the record, or the reason clean drops it."""
    reason = clean_article(item)
    if reason:
        return reason
    return record_of(nfc_item(item))


def record_of(item: ArticleItem) -> ArticleRecord:
    return ArticleRecord(**{f.name: getattr(item, f.name) for f in fields(ArticleRecord)})


class _Decoder(HttpCompressionMiddleware):
    """The crawl's own Content-Encoding handling, outside a crawl (no crawler to configure it:
    the size limits of the crawl's settings)."""

    def __init__(self) -> None:
        self.stats = None
        self._max_size = getattr(
            crawl_settings, "DOWNLOAD_MAXSIZE", default_settings.DOWNLOAD_MAXSIZE
        )
        self._warn_size = getattr(
            crawl_settings, "DOWNLOAD_WARNSIZE", default_settings.DOWNLOAD_WARNSIZE
        )


_DECODER = _Decoder()


def archived_response(url: str, headers: Iterable[tuple[str, str]], payload: bytes) -> Response:
    """The response a crawl's spider was handed for this archived exchange: the payload as
    received (WARC keeps it before any decoding), decoded by Scrapy's own middleware, in the
    response class Scrapy picks from its headers."""
    raw = Headers()
    for name, value in headers:
        raw.appendlist(name.encode("latin-1"), value.encode("latin-1"))
    cls = responsetypes.from_args(headers=raw, url=url, body=payload)
    response = cls(url=url, status=200, headers=raw, body=payload)
    return _DECODER.process_response(Request(url), response)


def page_text(response: TextResponse) -> str:
    """The page as text. Bytes that are valid UTF-8 are read as UTF-8 whatever the header or
    <meta> claim (portals mislabel UTF-8 pages); otherwise the <meta> charset, then the header."""
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = html_body_declared_encoding(response.body)
    if declared:
        try:
            return response.body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return response.text


def is_html(response: Response) -> bool:
    """Does the spider read this response as a page?"""
    return isinstance(response, TextResponse) and b"html" in (
        response.headers.get(b"Content-Type") or b"text/html"
    )


_SOURCES = (("crawler.extract", None), ("crawler.pipelines", ("clean.py", "normalize.py")),
            ("crawler", ("reading.py", "urls.py")))  # fmt: skip


@cache
def extractor_version() -> str:
    """Which extraction produced an article: govarchive's version and a digest of the code
    that turns a page into an article's text (crawler/extract, the cleaning pipelines, this
    module, the URL rules of identity), so it changes with that code whether or not anyone
    bumps a version; rules switched off (GOVARCHIVE_EXTRACT_RULES_OFF) are named after it."""
    from govarchive import __version__

    digest = hashlib.sha256()
    for package, names in _SOURCES:
        root = resources.files(package)
        chosen = sorted(
            p.name
            for p in root.iterdir()
            if p.name.endswith(".py") and (not names or p.name in names)
        )
        for name in chosen:
            digest.update(f"{package}/{name}\0".encode())
            digest.update(root.joinpath(name).read_bytes())
    version = f"{__version__}+{digest.hexdigest()[:12]}"
    off = sorted(RULES_OFF)
    return f"{version}-off:{','.join(off)}" if off else version
