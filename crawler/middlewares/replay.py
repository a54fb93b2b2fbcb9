"""On a resumed crawl, answers a request the archive already holds from its WARC record instead
of the network: nothing already stored is fetched twice."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

from archive.session import ArchiveSession
from crawler.archive_link import session_for


class ReplayMiddleware:
    def __init__(self, session: ArchiveSession, stats: StatsCollector) -> None:
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        if not crawler.settings.getbool("GOVARCHIVE_RESUME"):
            raise NotConfigured
        return cls(session_for(crawler), crawler.stats)

    def process_request(self, request: Request) -> Response | None:
        if request.method != "GET":  # a postback is posted again: its URL names another page
            return None
        host = request.meta.get("govarchive_site") or urlparse_cached(request).netloc.lower()
        recorded = self.session.recorded(host, request.url)
        if recorded is None:
            return None
        request.meta["govarchive_replayed"] = True
        request.meta["govarchive_capture_id"] = recorded.capture_id
        headers = Headers(recorded.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=recorded.body)
        self.stats.inc_value("govarchive/replayed")
        return cls(
            url=request.url,
            status=recorded.status,
            headers=headers,
            body=recorded.body,
            request=request,
            protocol=recorded.protocol,
        )
