"""Writes every response to WARC as it came off the wire (before decompression) and records a capture."""

from __future__ import annotations

from contextlib import suppress
from http import HTTPStatus

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.httpobj import urlparse_cached

from archive.errors import StorageFull
from archive.session import ArchiveSession
from archive.warc import HttpExchange
from crawler.archive_link import session_for

# Twisted has already undone chunking; a record that claimed it would not replay.
_DROP_RESPONSE_HEADERS = {b"transfer-encoding"}


class WarcCaptureMiddleware:
    """Sits next to the downloader (priority 950), so it sees raw bodies and every retry and redirect."""

    def __init__(self, session: ArchiveSession, stats: StatsCollector) -> None:
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        mw = cls(session_for(crawler), crawler.stats)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self) -> None:
        with suppress(StorageFull):  # the session has stopped the crawl and says why
            self.session.open()

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("govarchive_replayed"):
            return response  # already in the archive: replayed on resume, not refetched
        host = urlparse_cached(request).netloc.lower()
        crawl_id = self.session.crawl_for(request.meta.get("govarchive_site") or host)
        headers = [("Host", host)] if b"Host" not in request.headers else []
        headers += _pairs(request.headers.items())
        exchange = HttpExchange(
            url=request.url,
            method=request.method,
            request_headers=headers,
            request_body=request.body or b"",
            status=response.status,
            reason=_phrase(response.status),
            protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            response_headers=_pairs(
                (k, v)
                for k, v in response.headers.items()
                if k.lower() not in _DROP_RESPONSE_HEADERS
            ),
            body=response.body,
            fetched_at=self.session.clock(),
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        content_type = response.headers.get(b"Content-Type")
        try:
            captured = self.session.capture(
                crawl_id,
                exchange,
                content_type.decode("latin-1") if content_type else None,
                frontier_url=request.meta.get("govarchive_frontier_url"),
                asset_kind=request.meta.get("govarchive_asset"),
            )
        except StorageFull as exc:  # not archived, so not parsed: resume fetches it again
            raise IgnoreRequest(f"archive storage full: {exc}") from None
        # What is extracted from this response comes from the record holding its payload.
        holder = captured.refers_to if captured.refers_to and not captured.not_modified else None
        request.meta["govarchive_capture_id"] = holder or captured.id
        request.meta["govarchive_fetch_id"] = captured.id  # this fetch, whatever holds its bytes
        self.stats.inc_value("govarchive/captures")
        if captured.refers_to:
            self.stats.inc_value("govarchive/revisits")
        self.stats.inc_value(f"govarchive/captures/status/{response.status}")
        if response.status >= 400:
            self.stats.inc_value("govarchive/errors")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return None
        host = urlparse_cached(request).netloc.lower()
        crawl_id = self.session.crawl_for(request.meta.get("govarchive_site") or host)
        error = f"{type(exception).__name__}: {exception}".strip()
        try:
            self.session.capture_failure(crawl_id, request.url, request.method, error[:500])
        except StorageFull:
            return None
        self.stats.inc_value("govarchive/fetch_errors")
        self.stats.inc_value("govarchive/errors")
        return None


def _pairs(items) -> list[tuple[str, str]]:
    out = []
    for name, values in items:
        for value in values if isinstance(values, list) else [values]:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
