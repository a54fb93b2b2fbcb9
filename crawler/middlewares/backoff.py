"""Retries that wait: Retry-After when the server gives it (429, 503), exponential back-off
otherwise, so a struggling portal gets room instead of a hammering."""

from __future__ import annotations

import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, task

from crawler.politeness import backoff_seconds, retry_after_seconds

NOT_BEFORE = "govarchive_not_before"


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, stamping each retry with the moment it may go out."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("GOVARCHIVE_BACKOFF_BASE")
        self.cap = settings.getfloat("GOVARCHIVE_BACKOFF_MAX")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self._stamp(result, retry_after(response))
        return result

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self._stamp(result, None)
        return result

    def _stamp(self, retry: Request, after: float | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        wait = backoff_seconds(attempt, after, self.base, self.cap)
        retry.meta[NOT_BEFORE] = time.monotonic() + wait
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("govarchive/retries")


def retry_after(response: Response) -> float | None:
    """Seconds the server asked us to wait, from Retry-After (seconds or an HTTP date)."""
    value = response.headers.get(b"Retry-After")
    return retry_after_seconds(value.decode("latin-1") if value else None)


class NotBeforeMiddleware:
    """Holds a stamped retry until its time, without holding up other requests."""

    async def process_request(self, request: Request) -> None:
        wait = request.meta.get(NOT_BEFORE, 0) - time.monotonic()
        if wait > 0:
            await maybe_deferred_to_future(task.deferLater(reactor, wait))
        return None
