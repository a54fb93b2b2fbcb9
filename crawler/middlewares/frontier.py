"""Spider middleware keeping the crawl's frontier in the archive. When a callback has yielded
everything (its article stored, its links scheduled), the new requests are recorded and the page
marked done, in one transaction. A kill before that leaves the page not done: on resume it is
parsed again from its WARC record and its links found again; a request fetched before it was
recorded is answered from the archive, so nothing is lost or fetched twice.

Files the files process takes (crawler/files) leave here, not for Scrapy: they are sent to it
once their entries are recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.session import ArchiveSession
from crawler.archive_link import session_for
from crawler.extensions.files_process import ATTR, FileJob

RESUME_META = (
    "govarchive_site",
    "govarchive_article_key",
    "govarchive_root",
    "govarchive_asset",
    "govarchive_asset_url",
    "govarchive_discovery",
    "govarchive_probe",
    "handle_httpstatus_list",
    "govarchive_post",  # a postback's form body, and the URL it is posted to
    "govarchive_post_url",
)


class FrontierMiddleware:
    def __init__(self, session: ArchiveSession, crawler: Crawler | None = None) -> None:
        self.session = session
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        return cls(session_for(crawler), crawler)

    def _hand_off(self, requests: list[FileJob]) -> None:
        files = getattr(self.crawler, ATTR, None)
        if files is not None:
            files.send(requests)

    @staticmethod
    def entry(request: Request | FileJob) -> tuple[str, str, int, dict[str, Any]] | None:
        meta = request.meta
        if not meta.get("govarchive_site") or meta.get("govarchive_frontier_recorded"):
            return None
        # A postback posts to its list page's own URL: its key tells the two apart.
        meta["govarchive_frontier_url"] = meta.get("govarchive_frontier_key") or request.url
        meta["govarchive_frontier_recorded"] = True
        kind = "asset" if meta.get("govarchive_asset") else "page"
        keep = {k: meta[k] for k in RESUME_META if meta.get(k) is not None}
        keep["depth"] = meta.get("depth", 0)
        return meta["govarchive_frontier_url"], kind, request.priority, keep

    def _flush(
        self, host: str | None, entries: list, done_url: str | None, verdict: tuple | None = None
    ) -> None:
        if host and (entries or done_url or verdict):
            self.session.frontier_record(host, entries, done_url, verdict)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            if isinstance(item, FileJob):
                self._hand_off([item])  # a resumed crawl's file, recorded long ago
                continue
            if isinstance(item, Request) and (entry := self.entry(item)):
                self._flush(item.meta["govarchive_site"], [entry], None)
            yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        entries: list = []
        elsewhere: list[FileJob] = []
        async for item in result:
            if self._take(item, entries, elsewhere):
                yield item
        self._done(response, entries)
        self._hand_off(elsewhere)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        entries: list = []
        elsewhere: list[FileJob] = []
        for item in result:
            if self._take(item, entries, elsewhere):
                yield item
        self._done(response, entries)
        self._hand_off(elsewhere)

    def _take(self, item: Any, entries: list, elsewhere: list[FileJob]) -> bool:
        """Notes a request's entry; False for a file the files process will fetch."""
        if not isinstance(item, (Request, FileJob)):
            return True
        if entry := self.entry(item):
            entries.append(entry)
        if isinstance(item, FileJob):
            elsewhere.append(item)
            return False
        return True

    def _done(self, response: Response, entries: list) -> None:
        self._flush(
            response.meta.get("govarchive_site"),
            entries,
            response.meta.get("govarchive_frontier_url"),
            response.meta.get("govarchive_verdict"),  # what the page was judged to be
        )
