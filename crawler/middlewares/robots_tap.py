"""Reads the robots.txt Scrapy fetched for its own robots check, once: its `Sitemap:` lines go to
the spider (discovery), its `Crawl-delay` becomes the host's floor (PoliteThrottle), so the file
is fetched and archived once and obeyed in full."""

from __future__ import annotations

import logging

from protego import Protego
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


class RobotsTapMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.obey = crawler.settings.getbool("ROBOTSTXT_OBEY")
        self.user_agent = crawler.settings.get("USER_AGENT") or "*"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTapMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        parts = urlparse_cached(request)
        if parts.path != "/robots.txt" or not request.meta.get("dont_obey_robotstxt"):
            return response
        text = response.body.decode("utf-8", "replace") if response.status == 200 else ""
        seen = getattr(self.crawler.spider, "robots_texts", None)
        if seen is not None:
            seen[parts.netloc.lower()] = (text, response.url)
        if text and self.obey:
            self._crawl_delay(parts.hostname or "", text)
        return response

    def _crawl_delay(self, host: str, text: str) -> None:
        try:
            delay = Protego.parse(text).crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a broken robots.txt gives no delay, never a crash
            return
        throttle = getattr(self.crawler, "govarchive_throttle", None)
        if delay and throttle is not None:
            used = throttle.set_floor(host, float(delay))
            self.crawler.stats.set_value(f"govarchive/crawl_delay/{host}", used)
            logger.info("robots.txt of %s asks for Crawl-delay %s s: using %s s", host, delay, used)
