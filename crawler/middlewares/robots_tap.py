"""Hands the robots.txt Scrapy fetched for its own robots check to the spider, which reads the
`Sitemap:` lines from it: the file is fetched (and archived) once, not once more for discovery."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached


class RobotsTapMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTapMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        parts = urlparse_cached(request)
        if parts.path == "/robots.txt" and request.meta.get("dont_obey_robotstxt"):
            seen = getattr(self.crawler.spider, "robots_texts", None)
            if seen is not None:
                ok = response.status == 200
                seen[parts.netloc.lower()] = (
                    response.body.decode("utf-8", "replace") if ok else "",
                    response.url,
                )
        return response
