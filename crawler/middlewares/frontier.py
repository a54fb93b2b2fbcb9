"""Spider middleware keeping the crawl's frontier in the archive: every request a callback
yields is recorded before it is scheduled, and a page is marked done once its callback has
yielded everything (its article stored, its links recorded). A kill between the two leaves the
page to be parsed again, from the WARC, on resume."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.session import ArchiveSession
from crawler.archive_link import session_for


class FrontierMiddleware:
    def __init__(self, session: ArchiveSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        return cls(session_for(crawler))

    def _record(self, request: Request) -> None:
        meta = request.meta
        host = meta.get("govarchive_site")
        if not host or meta.get("govarchive_frontier_recorded"):
            return
        meta["govarchive_frontier_url"] = request.url
        meta["govarchive_frontier_recorded"] = True
        kind = "asset" if meta.get("govarchive_asset") else "page"
        keep = {k: meta[k] for k in RESUME_META if meta.get(k) is not None}
        keep["depth"] = meta.get("depth", 0)
        self.session.frontier_add(host, request.url, kind, request.priority, keep)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            if isinstance(item, Request):
                self._record(item)
            yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            if isinstance(item, Request):
                self._record(item)
            yield item
        self._done(response)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            if isinstance(item, Request):
                self._record(item)
            yield item
        self._done(response)

    def _done(self, response: Response) -> None:
        url = response.meta.get("govarchive_frontier_url")
        host = response.meta.get("govarchive_site")
        if url and host:
            self.session.frontier_done(host, url)


RESUME_META = (
    "govarchive_site",
    "govarchive_article_key",
    "govarchive_root",
    "govarchive_asset",
    "govarchive_asset_url",
)
