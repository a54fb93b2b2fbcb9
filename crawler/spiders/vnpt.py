"""The VNPT portal spider: from a portal's root, every article once, with its images and attachments.

scrapy crawl vnpt -a url=https://sxd.laocai.gov.vn/
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.utils.response import get_base_url
from twisted.python.failure import Failure

from crawler import discovery
from crawler.archive_link import session_for
from crawler.code_source import check_job_code
from crawler.extensions.files_process import ATTR as FILES
from crawler.extensions.files_process import FileJob
from crawler.extract import NotArticle, parse_html
from crawler.extract.page_kind import (
    ARTICLE,
    LIST,
    OTHER,
    judge_page,
)
from crawler.extract.profiles import SiteProfile, load_profiles, parse_profiles
from crawler.items import ArticleItem, ArticleSeenItem, AttachmentFileItem, DocumentsItem
from crawler.middlewares.frontier import FrontierMiddleware
from crawler.reading import Reading, is_html, page_text, read_page
from crawler.seen import SeenSet
from crawler.spiders.discovering import Discovering
from crawler.spiders.priorities import (
    PRIORITY_ARTICLE,
    PRIORITY_ASSET,
    PRIORITY_PAGE,
    PRIORITY_SECOND_ADDRESS,
)
from crawler.urls import (
    CSS_REF,
    article_key,
    canonicalize,
    host_of,
    is_query_form,
    join_url,
    resolve_link,
    url_pattern,
    url_shape,
)

_HREFS = etree.XPath("//a/@href")  # compiled once: el.xpath(text) compiles on every call


def site_profiles(settings) -> dict[str, SiteProfile]:
    """GOVARCHIVE_SITE_PROFILES_TEXT (the TOML itself: what a fleet job on a Scrapyd node is
    given), else GOVARCHIVE_SITE_PROFILES, else DIR/site-profiles.toml in the archive if present."""
    text = settings.get("GOVARCHIVE_SITE_PROFILES_TEXT")
    if text:
        return parse_profiles(text, "GOVARCHIVE_SITE_PROFILES_TEXT")
    path = settings.get("GOVARCHIVE_SITE_PROFILES")
    if not path:
        default = Path(settings.get("GOVARCHIVE_ARCHIVE", "")) / "site-profiles.toml"
        path = default if default.is_file() else None
    return load_profiles(path) if path else {}


def _fetch_id(response: Response) -> int | None:
    """The capture of this very fetch (a revisit's own row, not the record it points to)."""
    return response.meta.get("govarchive_fetch_id") or response.meta.get("govarchive_capture_id")


# Stylesheets and scripts change under one URL as a skin is edited; images, fonts and uploaded
# documents keep theirs (a new upload gets a new name), so only those are left alone while fresh.
_CHANGES_IN_PLACE = re.compile(r"\.(css|js)$", re.IGNORECASE)


def parse_start_urls(raw: str) -> list[str]:
    urls = [canonicalize(u) for u in re.split(r"[\s,]+", raw or "") if u]
    return list(dict.fromkeys(urls))


class VnptSpider(Discovering, Spider):
    name = "vnpt"

    def __init__(self, url: str = "", max_pages: int | str = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = parse_start_urls(url)
        if not self.start_urls:
            raise ValueError("give a portal URL: scrapy crawl vnpt -a url=https://portal.gov.vn/")
        # The first URL of a host is its portal's root; more of the same host are extra start
        # pages (a site's registered start URLs: sections the home page does not link).
        self.portal_roots: dict[str, str] = {}
        self.extra_starts: list[tuple[str, str]] = []
        for u in self.start_urls:
            if host_of(u) in self.portal_roots:
                self.extra_starts.append((host_of(u), u))
            else:
                self.portal_roots[host_of(u)] = u
        self.aliases: dict[str, str] = {}  # host reached by redirect -> portal host
        self.max_pages = int(max_pages or 0)
        self.pages_scheduled: Counter[str] = Counter()
        self.seen_pages = SeenSet()  # canonical page URLs already scheduled
        self.scheduled_articles = SeenSet()  # (host, article id)
        self.done_articles = SeenSet()  # (host, article id) already parsed
        self.article_texts = SeenSet()  # (host, title+date+text digest): one article, two URLs
        self.article_shapes: dict[str, set[str]] = {}  # host -> URL shapes shown to be articles
        self.assets_seen = SeenSet()  # images, attachments, page requisites already asked for
        self.root_errors: dict[str, str] = {}
        self.profiles: dict[str, SiteProfile] = {}
        self.resumed_hosts: set[str] = set()
        self.pattern_counts: Counter[str] = Counter()
        self.barren_limit = 5
        self.fetch_assets = True
        self.barren_per_pattern = 40
        self.barren_patterns: Counter[str] = Counter()
        self.max_per_pattern = 2000
        self.resume_requests: list[Request | FileJob] = []
        self.on_give_up: Callable[[Request], None] | None = None
        # When the archive last confirmed the article at a URL (aware UTC), for sitemap lastmod.
        self.article_seen_at: Callable[[str, str], Any] | None = None
        self.full = False  # crawl --full: no lastmod shortcuts
        # Whether the archive holds a file from a fetch fewer than N days ago (url, days), and
        # N (GOVARCHIVE_ASSET_RECHECK_DAYS; 0: ask again each crawl).
        self.file_is_fresh: Callable[[str, float], bool] | None = None
        self.asset_recheck_days = 0.0
        self.postbacks_seen = SeenSet()
        # host -> (robots.txt text, its URL), as Scrapy's robots check fetched it (RobotsTap)
        self.robots_texts: dict[str, tuple[str, str]] = {}
        self.discovering: set[str] = set()  # hosts whose sitemaps have been looked for
        self.robots_obeyed = True
        # One bound-method object per callback for the whole crawl: before each call Scrapy
        # checks the callback's source for `return value` in a generator (inspect + ast), and
        # caches the answer weakly by that object, so a fresh `self.parse` per request meant
        # parsing the method's source again for most pages.
        self._on_page = self.parse
        self.readers: Any = None  # crawler/offload.Readers when pages are read elsewhere
        self._on_asset = self.parse_asset
        self._on_error = self.on_error
        self._on_discovery = self.parse_discovery

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> VnptSpider:
        check_job_code()  # under Scrapyd: the deployed egg's code, not an install's
        kwargs.setdefault("max_pages", crawler.settings.getint("GOVARCHIVE_MAX_PAGES"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.profiles = site_profiles(crawler.settings)
        spider.barren_limit = crawler.settings.getint("GOVARCHIVE_BARREN_CHAIN", 5)
        spider.fetch_assets = crawler.settings.getbool("GOVARCHIVE_FETCH_ASSETS", True)
        spider.barren_per_pattern = crawler.settings.getint("GOVARCHIVE_BARREN_PER_PATTERN", 40)
        spider.max_per_pattern = crawler.settings.getint("GOVARCHIVE_MAX_PER_PATTERN", 2000)
        spider.full = crawler.settings.getbool("GOVARCHIVE_FULL")
        spider.asset_recheck_days = crawler.settings.getfloat("GOVARCHIVE_ASSET_RECHECK_DAYS", 30)
        spider.robots_obeyed = crawler.settings.getbool("ROBOTSTXT_OBEY")
        workers = crawler.settings.getint("GOVARCHIVE_EXTRACT_WORKERS", 0)
        if workers > 0:
            from crawler.offload import Readers

            spider.readers = Readers(workers)
            spider._on_page = spider.parse_elsewhere
            crawler.signals.connect(spider.readers.close, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request | FileJob]:
        for host, url in self.portal_roots.items():
            if host in self.resumed_hosts:
                continue
            self.pages_scheduled[host] += 1
            self.seen_pages.add(url)
            yield self._page(url, host, PRIORITY_PAGE, root=True)
        for host, url in self.extra_starts:
            if host in self.resumed_hosts or url in self.seen_pages:
                continue
            self.pages_scheduled[host] += 1
            self.seen_pages.add(url)
            yield self._page(url, host, PRIORITY_PAGE, article_key(url))
        for request in self.resume_requests:
            yield request

    def apply_resume(self, states: dict[str, Any]) -> None:
        """Carry on a cut-off crawl: know every URL it had found, redo what it had not finished."""
        for host, state in states.items():
            if not state.known:  # killed before its first page was recorded: start afresh
                continue
            self.resumed_hosts.add(host)
            for url, kind, meta in state.known:
                if kind == "page":
                    self.seen_pages.add(url)
                    self.pages_scheduled[host] += 1
                else:
                    self.assets_seen.add(url)
                if meta.get("govarchive_article_key"):
                    self.scheduled_articles.add((host, meta["govarchive_article_key"]))
            redo_keys = {e.meta.get("govarchive_article_key") for e in state.unfinished}
            self.done_articles.update((host, k) for k in state.stored_keys if k not in redo_keys)
            for entry in state.unfinished:
                meta = dict(entry.meta)
                meta.update(govarchive_frontier_url=entry.url, govarchive_frontier_recorded=True)
                if entry.kind == "asset":
                    callback = self._on_asset
                elif meta.get("govarchive_discovery"):
                    callback = self._on_discovery
                else:
                    callback = self._on_page
                post = meta.get("govarchive_post")  # a pager's postback is posted again
                request = Request(
                    meta["govarchive_post_url"] if post is not None else entry.url,
                    method="POST" if post is not None else "GET",
                    body=post,
                    headers={"Content-Type": "application/x-www-form-urlencoded"} if post else None,
                    callback=callback,
                    errback=self._on_error,
                    priority=entry.priority,
                    meta=meta,
                    dont_filter=True,
                )
                files = getattr(self.crawler, FILES, None)
                if entry.kind == "asset" and files is not None and files.takes(entry.url, self):
                    self.resume_requests.append(FileJob(entry.url, entry.priority, meta))
                    continue
                self.resume_requests.append(request)

    def _page(self, url: str, host: str, priority: int, key: str | None = None, root: bool = False):
        return Request(
            url,
            callback=self._on_page,
            errback=self._on_error,
            priority=priority,
            dont_filter=True,  # deduplicated by seen_pages; keeps Scrapy's fingerprint set small
            meta={"govarchive_site": host, "govarchive_article_key": key, "govarchive_root": root},
        )

    # pages ------------------------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if response.status == 304:
            yield from self.not_modified(response)
            return
        page = self.open_page(response)
        if page is None:
            return
        host, doc, hrefs, text = page
        yield from self.discover(response, host)
        found_article = False
        for out in self.judge(response, doc, host, text):
            found_article = found_article or isinstance(out, ArticleItem)
            yield out
        yield from self.close_page(response, doc, hrefs, host, found_article)

    async def parse_elsewhere(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """`parse`, with the page read in a worker process (GOVARCHIVE_EXTRACT_WORKERS) while
        this one goes on with other responses (crawler/offload.py)."""
        if response.status == 304:
            for out in self.not_modified(response):
                yield out
            return
        page = self.open_page(response)
        if page is None:
            return
        host, doc, hrefs, text = page
        for out in self.discover(response, host):
            yield out
        found_article = False
        if self.is_postback(response, doc):
            pass
        else:
            assert self.readers is not None
            hint, capture_id = self.reading_inputs(response)
            answer = await self.readers.read(
                text, response.url, hint, host, capture_id,
                self.profiles.get(host), dict(self.aliases),
            )  # fmt: skip
            self.crawler.stats.inc_value("govarchive/pages_read_elsewhere")
            for out in self.judged(response, self.remembered(answer), host):
                found_article = found_article or isinstance(out, ArticleItem)
                yield out
        for out in self.close_page(response, doc, hrefs, host, found_article):
            yield out

    def remembered(self, answer: Any) -> Reading:
        """A worker's reading, now asked of this crawl's memory: an article already read (or
        its text met at another address) is the same article."""
        if answer.reading is None:
            return Reading(OTHER, "unparsable", False)
        if answer.read is not None and not self.first_read(*answer.read):
            return Reading(ARTICLE, "same_article", True)
        if answer.text is not None and not self.first_text(*answer.text):
            return Reading(ARTICLE, "same_article", True)
        return answer.reading

    def not_modified(self, response: Response) -> Iterator[Any]:
        """A conditional request's 304: the archived copy is still current."""
        host = response.meta["govarchive_site"]
        key = response.meta.get("govarchive_article_key")
        self.verdict(response, ARTICLE, "not_modified", True)
        if key and (host, key) not in self.done_articles:
            self.done_articles.add((host, key))
            yield ArticleSeenItem(canonicalize(response.url), host)

    def open_page(self, response: Response) -> tuple[str, Any, list[str], str] | None:
        """(host, parsed tree, links, decoded text) of an HTML page; None for anything else."""
        host = response.meta["govarchive_site"]
        final_host = host_of(response.url)
        if final_host != host:
            self.aliases.setdefault(final_host, host)
        if not is_html(response):
            return None
        # Parsed once: links are read from the tree first, then the extractor takes it over.
        text = page_text(response)  # type: ignore[arg-type]
        try:
            doc = parse_html(text)
        except NotArticle:
            return None
        return host, doc, _HREFS(doc), text

    def discover(self, response: Response, host: str) -> Iterator[Any]:
        if host not in self.discovering:
            self.discovering.add(host)
            yield from self.start_discovery(response, host)

    def close_page(
        self, response: Response, doc: Any, hrefs: list[str], host: str, found_article: bool
    ) -> Iterator[Any]:
        """After the verdict: links to follow, feeds, and what a replay of the page needs."""
        yield from self.follow(response, hrefs, host, found_article, doc)
        for feed in discovery.page_feeds(doc, get_base_url(response)):
            request = self._discovery(feed, host, "feed")
            if request is not None:
                yield request
        if self.fetch_assets:
            yield from self.requisites(response, doc, host)

    def judge(self, response: TextResponse, doc, host: str, text: str) -> Iterator[Any]:
        """What the page is, decided from the page: a cheap test first (a list never pays for an
        extraction), then the extractor, which has the last word. A URL in a form that names an
        article's id goes straight to the extractor (it is an article nine times in ten; the
        test would only add its cost); the id is the article's identity. Otherwise the article
        is who its canonical URL says it is. The verdict (kind, reason, whether the page looked
        like an article) goes on the page's capture with the frontier's record of the page."""
        if self.is_postback(response, doc):
            return
        hint, capture_id = self.reading_inputs(response)
        reading = read_page(
            doc, response.url, hint, host, capture_id, self.profiles.get(host), self, text
        )
        yield from self.judged(response, reading, host)

    def is_postback(self, response: Response, doc: Any) -> bool:
        """A pager's postback: a page of a list, whatever its text; never an article's address
        (its verdict is given here)."""
        if response.request is None or response.request.method != "POST":
            return False
        first = judge_page(doc)
        self.verdict(response, OTHER if first.kind == OTHER else LIST, "postback", False)
        return True

    def reading_inputs(self, response: Response) -> tuple[str | None, int | None]:
        """The article id the URL (or the link to it) names, and the capture holding the bytes."""
        hint = response.meta.get("govarchive_article_key") or article_key(response.url)
        return hint, response.meta.get("govarchive_capture_id")

    def judged(self, response: Response, reading: Reading, host: str) -> Iterator[Any]:
        """The reading's verdict on the page's capture, its article, and the article's files."""
        if reading.refused:
            self.crawler.stats.inc_value(
                f"govarchive/articles_dropped/not_article/{reading.reason}"
            )
        self.verdict(response, reading.kind, reading.reason, reading.article_like)
        art = reading.item
        assets: list[tuple[str, str]] = []
        if art is not None:
            # Asked for as extracted: the pipelines may rewrite the item once it is yielded.
            assets = [("image", i["src"]) for i in art.images] + [
                ("attachment", a["url"]) for a in art.attachments
            ]
            yield art
        if reading.documents:  # after the article: a document it publishes names it
            capture_id = response.meta.get("govarchive_capture_id")
            yield DocumentsItem(
                host, capture_id, reading.documents_source, reading.documents,
                reading.published_year,
            )  # fmt: skip
            assets += [("attachment", url) for d in reading.documents for url in d.files]
        if not self.fetch_assets:
            return
        for kind, asset_url in assets:
            request = self._asset(asset_url, host, kind)
            if request is not None:
                yield request

    def first_read(self, host: str, key: str) -> bool:
        """Each article is read once a crawl, from the first of its addresses met."""
        if (host, key) in self.done_articles:
            return False
        self.done_articles.add((host, key))
        return True

    def first_text(self, host: str, digest: str, url: str) -> bool:
        """An article naming no id: its text met at a second address is the same article."""
        if (host, digest) in self.article_texts:
            return False
        self.article_texts.add((host, digest))
        self.article_shapes.setdefault(host, set()).add(url_shape(url))
        return True

    def requisites(self, response: Response, doc, host: str) -> Iterator[Request | FileJob]:
        """What a replay of the page needs besides its text: stylesheets, scripts, icons and
        images (layout ones too), each fetched once per crawl, from any host."""
        # One walk of the tree: scripts' and images' sources in document order, then the
        # stylesheets and icons (as `//script/@src | //img/@src` and a walk of <link> gave them).
        urls: list[str] = []
        links: list[str] = []
        for el in doc.iter("script", "img", "link"):
            if el.tag == "link":
                href = el.get("href")
                rel = (el.get("rel") or "").lower()
                if href and ("stylesheet" in rel or "icon" in rel):
                    links.append(href)
            elif (src := el.get("src")) is not None:
                urls.append(src)
        base = get_base_url(response)
        for raw in urls + links:
            request = self._asset(join_url(base, raw.strip()), host, "requisite")
            if request is not None:
                yield request

    def _asset(self, url: str, host: str, kind: str) -> Request | FileJob | None:
        """A request for a file the archive keeps without crawling it (a FileJob when the
        files process takes it: a host serving none of this run's pages); None once asked."""
        if not url.startswith(("http://", "https://")) or url in self.assets_seen:
            return None
        self.assets_seen.add(url)
        if (
            not _CHANGES_IN_PLACE.search(urlsplit(url).path)
            and not self.full
            and self.asset_recheck_days > 0
            and self.file_is_fresh is not None
            and self.file_is_fresh(url, self.asset_recheck_days)
        ):
            self.crawler.stats.inc_value("govarchive/assets_held")
            return None
        meta = {"govarchive_site": host, "govarchive_asset": kind, "govarchive_asset_url": url}
        files = getattr(self.crawler, FILES, None)
        if files is not None and files.takes(url, self):
            return FileJob(url, PRIORITY_ASSET, meta)
        return self.file_request(url, meta)

    def file_request(self, url: str, meta: dict[str, Any]) -> Request:
        return Request(
            url,
            callback=self._on_asset,
            errback=self._on_error,
            priority=PRIORITY_ASSET,
            meta=meta,
        )

    def ask_for_files(self, urls: list[str], host: str) -> None:
        """Files found outside a callback (a stylesheet's fonts and images, reported by the
        files process): recorded in the frontier and asked for, each once."""
        asked = [r for u in urls if (r := self._asset(u, host, "requisite")) is not None]
        if not asked:
            return
        entries = [e for r in asked if (e := FrontierMiddleware.entry(r)) is not None]
        session_for(self.crawler).frontier_record(host, entries, None)
        files = getattr(self.crawler, FILES, None)
        for one in asked:
            if isinstance(one, FileJob) and files is not None:
                files.send([one])
            elif isinstance(one, Request):
                self.crawler.engine.crawl(one)

    def follow(
        self,
        response: TextResponse,
        hrefs: list[str],
        host: str,
        found_article: bool,
        doc: etree._Element | None = None,
    ) -> Iterator[Request]:
        """Links to crawl next. A page that gave no article and no new article link is barren;
        links found on a chain of barren pages (calendars, empty pagination, facet combinations)
        are dropped once the chain is GOVARCHIVE_BARREN_CHAIN long, and a URL pattern stops
        taking links from barren pages after GOVARCHIVE_BARREN_PER_PATTERN of them."""
        shapes = self.article_shapes.get(host)
        links = [
            (url, key, bool(not key and shapes and url_shape(url) in shapes))
            for url, key in self._new_links(response, hrefs, host)
        ]
        new_articles = sum(
            1
            for _, key, shaped in links
            if shaped or (key and (host, key) not in self.scheduled_articles)
        )
        barren = (
            0 if found_article or new_articles else response.meta.get("govarchive_barren", 0) + 1
        )
        if barren >= self.barren_limit:
            self.crawler.stats.inc_value("govarchive/requests_skipped/barren_chain", len(links))
            return
        # Every link is marked seen before the first request leaves: Scrapy may run other
        # callbacks between two of our yields, and they must not schedule these URLs again.
        requests = []
        for url, key, shaped in links:
            if self.max_pages and self.pages_scheduled[host] >= self.max_pages:
                self.crawler.stats.inc_value("govarchive/requests_skipped/max_pages")
                continue
            # An article URL (by its id, or by a shape this site's articles have) is its own
            # pattern: the bounds on patterns are for traps, not for a portal's articles.
            pattern = "" if key or shaped else url_pattern(url)
            if not key and (
                self.pattern_counts[pattern] >= self.max_per_pattern
                or self.barren_patterns[pattern] >= self.barren_per_pattern
            ):
                self.crawler.stats.inc_value("govarchive/requests_skipped/pattern_limit")
                continue
            if key:
                if (host, key) in self.scheduled_articles and is_query_form(url):
                    continue
                self.scheduled_articles.add((host, key))
                priority = PRIORITY_SECOND_ADDRESS if is_query_form(url) else PRIORITY_ARTICLE
            else:
                priority = PRIORITY_ARTICLE if shaped else PRIORITY_PAGE
            if pattern:
                self.pattern_counts[pattern] += 1
                if barren:  # a guess made on a page that gave nothing: facets, calendars
                    self.barren_patterns[pattern] += 1
            self.pages_scheduled[host] += 1
            self.seen_pages.add(url)
            request = self._page(url, host, priority, key)
            request.meta["govarchive_barren"] = barren
            requests.append(request)
        if doc is not None and any("__doPostBack" in h for h in hrefs):
            requests += self.postbacks(response, doc, host, barren)
        yield from requests

    def _new_links(
        self, response: TextResponse, hrefs: list[str], host: str
    ) -> Iterator[tuple[str, str | None]]:
        """(canonical URL, article id or None) of each followable same-site link not yet seen."""
        base = get_base_url(response)  # the page's <base href>, if any, as Scrapy reads it
        emitted: set[str] = set()
        for href in hrefs:
            link = resolve_link(base, href.strip())
            if link is None or not link.followable or link.url in emitted:
                continue
            if self.aliases.get(link.host, link.host) != host or link.url in self.seen_pages:
                continue
            emitted.add(link.url)
            yield link.url, link.article_key

    # images and attachments -------------------------------------------------------------------
    def parse_asset(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        kind = response.meta.get("govarchive_asset")
        if response.status == 304:
            return
        ctype_text = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if kind == "requisite" and "css" in ctype_text:  # its fonts and background images
            host = response.meta["govarchive_site"]
            for ref in CSS_REF.finditer(response.body.decode("utf-8", "replace")):
                target = (ref.group(1) or ref.group(2)).strip()
                request = self._asset(response.urljoin(target), host, "requisite")
                if request is not None:
                    yield request
            return
        if kind != "attachment":
            return
        ctype = response.headers.get(b"Content-Type")
        yield AttachmentFileItem(
            url=response.meta["govarchive_asset_url"],
            site=response.meta["govarchive_site"],
            content_type=ctype.decode("latin-1").split(";")[0].strip() if ctype else None,
            size=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(),
            capture_id=response.meta.get("govarchive_capture_id"),
        )

    def verdict(self, response: Response, kind: str, reason: str, article_like: bool) -> None:
        """What the fetched file was judged to be, kept on its capture (written with the
        frontier's record that the page is done, in the same transaction) and counted."""
        fetch_id = _fetch_id(response)
        if fetch_id is not None:
            response.meta["govarchive_verdict"] = (fetch_id, kind, reason, article_like)
        self.crawler.stats.inc_value(f"govarchive/pages/{kind}")
        if article_like and kind != ARTICLE:
            self.crawler.stats.inc_value(f"govarchive/pages_rejected/{reason}")

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("govarchive/fetch_failed")
        if self.on_give_up is not None:
            self.on_give_up(request)
        if request.meta.get("govarchive_root"):
            host = request.meta["govarchive_site"]
            status = getattr(getattr(failure.value, "response", None), "status", None)
            message = f"HTTP {status}" if status else failure.getErrorMessage()
            self.root_errors[host] = message.strip() or type(failure.value).__name__
