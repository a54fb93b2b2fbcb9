"""Conditional requests on re-crawls: an article page or file the archive already holds is asked
for with its ETag and Last-Modified, so a server that supports them answers 304 and nothing is
downloaded again. List and home pages are always fetched whole: they are where change shows.
`GOVARCHIVE_FULL` (crawl --full) turns this off and refetches everything."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler

from archive.session import ArchiveSession
from crawler.archive_link import session_for


class ConditionalRequestMiddleware:
    def __init__(self, session: ArchiveSession, enabled: bool) -> None:
        self.session = session
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(session_for(crawler), not crawler.settings.getbool("GOVARCHIVE_FULL"))

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if not self.enabled or self.session.db is None or meta.get("govarchive_replayed"):
            return None
        if not (meta.get("govarchive_article_key") or meta.get("govarchive_asset")):
            return None
        etag, modified = self.session.db.validators(request.url)
        if etag is None and modified is None:
            return None
        if etag:
            request.headers[b"If-None-Match"] = etag
        if modified:
            request.headers[b"If-Modified-Since"] = modified
        meta["handle_httpstatus_list"] = [*meta.get("handle_httpstatus_list", []), 304]
        return None
