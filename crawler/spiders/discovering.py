"""Finding pages beyond a page's links, for the vnpt spider: the sitemaps a portal's robots.txt
names (or /sitemap.xml), sitemap indexes and gzipped sitemaps, RSS/Atom feeds its pages declare,
and the pages of ASP.NET postback pagers, posted back as a browser does."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from scrapy import FormRequest, Request
from scrapy.http import Response, TextResponse

from crawler import discovery
from crawler.items import ArticleSeenItem
from crawler.spiders.priorities import PRIORITY_ARTICLE, PRIORITY_DISCOVERY, PRIORITY_PAGE
from crawler.urls import canonicalize, resolve_link, url_pattern, url_shape

_HREFS = etree.XPath("//a/@href")


class Discovering:
    """Mixed into the spider: uses its seen sets, page counts, limits and verdicts."""

    def postbacks(self, response: TextResponse, doc, host: str, barren: int) -> list[Request]:
        """An ASP.NET pager's pages, asked for as the browser does: the page's own form posted
        back with __EVENTTARGET/__EVENTARGUMENT (archived like any exchange, POST body and
        all). A numbered page is asked for once per list; "next" and the like depend on the
        page they are on, so they are told apart by that page's links."""
        out: list[Request] = []
        pager = list(discovery.pager_postbacks(doc))
        if not pager:
            return out
        own = None
        for pb in pager:
            relative = not pb.argument.split("$")[-1].isdigit()
            if relative and own is None:
                own = hashlib.blake2b("\x1f".join(_HREFS(doc)).encode(), digest_size=8).hexdigest()
            key = f"{canonicalize(response.url)}#postback={pb.target},{pb.argument}"
            key += f",{own}" if relative else ""
            if key in self.postbacks_seen:
                continue
            if self.max_pages and self.pages_scheduled[host] >= self.max_pages:
                self.crawler.stats.inc_value("govarchive/requests_skipped/max_pages")
                break
            pattern = url_pattern(key.split(",", 1)[0])
            if self.pattern_counts[pattern] >= self.max_per_pattern:
                self.crawler.stats.inc_value("govarchive/requests_skipped/pattern_limit")
                continue
            try:
                request = FormRequest.from_response(
                    response,
                    formxpath="//form[.//input[@name='__VIEWSTATE' or @name='__EVENTTARGET']]",
                    formdata={"__EVENTTARGET": pb.target, "__EVENTARGUMENT": pb.argument},
                    dont_click=True,
                    callback=self._on_page,
                    errback=self._on_error,
                    priority=PRIORITY_PAGE,
                    dont_filter=True,
                )
            except ValueError:  # no such form on the page: a postback we cannot make
                return out
            self.postbacks_seen.add(key)
            self.pattern_counts[pattern] += 1
            self.pages_scheduled[host] += 1
            self.crawler.stats.inc_value("govarchive/postbacks")
            request.meta.update(
                govarchive_site=host,
                govarchive_barren=barren,
                govarchive_frontier_key=key,
                govarchive_post=request.body.decode("latin-1"),
                govarchive_post_url=request.url,
            )
            out.append(request)
        return out

    # robots.txt, sitemaps, feeds --------------------------------------------------------------
    def _discovery(self, url: str, host: str, kind: str, *, probe: bool = False) -> Request | None:
        """A request for a file that names pages (robots.txt, a sitemap, a feed), once a crawl.
        A probe is for a file the portal may not have: its 404 is no error of the portal."""
        url = canonicalize(url)
        if not url.startswith(("http://", "https://")) or url in self.seen_pages:
            return None
        if self.max_pages and self.pages_scheduled[host] >= self.max_pages:
            return None  # --max-pages counts every request for the portal's own files
        self.pages_scheduled[host] += 1
        self.seen_pages.add(url)
        meta: dict[str, Any] = {"govarchive_site": host, "govarchive_discovery": kind}
        if probe:
            meta["govarchive_probe"] = True
            meta["handle_httpstatus_list"] = [403, 404, 410]
        return Request(
            url,
            callback=self._on_discovery,
            errback=self._on_error,
            priority=PRIORITY_DISCOVERY,
            dont_filter=True,
            meta=meta,
        )

    def start_discovery(self, response: Response, host: str) -> Iterator[Request]:
        """At a portal's first page: the sitemaps its robots.txt names (the copy Scrapy fetched
        for its robots check), else /sitemap.xml; robots.txt itself when robots are not obeyed."""
        known = self.robots_texts.get(host)
        if known is None and not self.robots_obeyed:
            request = self._discovery(
                urljoin(response.url, "/robots.txt"), host, "robots", probe=True
            )
            if request is not None:
                yield request
            return
        yield from self._from_robots(response, host, *(known or ("", response.url)))

    def _from_robots(self, response: Response, host: str, text: str, url: str) -> Iterator[Request]:
        """The sitemaps a robots.txt names, or the /sitemap.xml probe when it names none."""
        named = discovery.robots_sitemaps(text, url) if text else []
        for sitemap in named:
            request = self._discovery(sitemap, host, "sitemap")
            if request is not None:
                yield request
        if not named:
            yield from self._sitemap_probe(response, host)

    def parse_discovery(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        host = response.meta["govarchive_site"]
        kind = response.meta.get("govarchive_discovery")
        if response.status >= 400:  # an optional file the portal does not have
            self.verdict(response, "probe", f"{kind}_absent", False)
            if kind == "robots":
                yield from self._sitemap_probe(response, host)
            return
        self.verdict(response, "discovery", kind or "", False)
        if kind == "robots":
            text = response.body.decode("utf-8", "replace")
            yield from self._from_robots(response, host, text, response.url)
        elif kind == "sitemap":
            shape, entries = discovery.read_sitemap(response.body)
            self.crawler.stats.inc_value(f"govarchive/discovery/{shape or 'unreadable'}")
            if shape == "sitemapindex":
                for entry in entries:
                    request = self._discovery(entry.url, host, "sitemap")
                    if request is not None:
                        yield request
            else:
                yield from self._discovered(response, [(e.url, e.lastmod) for e in entries], host)
        elif kind == "feed":
            links = discovery.feed_links(response.body)
            yield from self._discovered(response, [(u, None) for u in links], host)

    def _sitemap_probe(self, response: Response, host: str) -> Iterator[Request]:
        """/sitemap.xml, asked for when robots.txt names no sitemap (or there is none)."""
        request = self._discovery(
            urljoin(response.url, "/sitemap.xml"), host, "sitemap", probe=True
        )
        if request is not None:
            yield request

    def _discovered(self, response: Response, entries: list, host: str) -> Iterator[Any]:
        """Pages a sitemap or feed names, crawled like linked pages. A sitemap's lastmod no later
        than when the archive last confirmed the article skips it: it is seen, unchanged."""
        for raw, lastmod in entries:
            link = resolve_link(response.url, raw)
            if link is None or not link.followable or link.url in self.seen_pages:
                continue
            if self.aliases.get(link.host, link.host) != host:
                continue
            if lastmod is not None and not self.full and self.article_seen_at is not None:
                seen_at = self.article_seen_at(host, link.url)
                if seen_at is not None and lastmod <= seen_at:
                    self.seen_pages.add(link.url)
                    key = link.article_key or link.url
                    self.done_articles.add((host, key))
                    self.crawler.stats.inc_value("govarchive/discovery/unchanged_by_lastmod")
                    yield ArticleSeenItem(link.url, host)
                    continue
            if self.max_pages and self.pages_scheduled[host] >= self.max_pages:
                self.crawler.stats.inc_value("govarchive/requests_skipped/max_pages")
                return
            shapes = self.article_shapes.get(host)
            shaped = bool(shapes and url_shape(link.url) in shapes)
            key = link.article_key
            if key:
                self.scheduled_articles.add((host, key))
            self.pages_scheduled[host] += 1
            self.seen_pages.add(link.url)
            self.crawler.stats.inc_value("govarchive/discovery/pages")
            yield self._page(
                link.url, host, PRIORITY_ARTICLE if key or shaped else PRIORITY_PAGE, key
            )
