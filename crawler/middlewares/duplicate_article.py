"""Skips a request for an article already fetched under another address (same portal, same id)."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


class DuplicateArticleMiddleware:
    """Checked at dispatch time, so a low-priority second address is dropped once the first is in."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicateArticleMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        key = request.meta.get("govarchive_article_key")
        if not key:
            return None
        spider = self.crawler.spider
        done = getattr(spider, "done_articles", ())
        if (request.meta.get("govarchive_site"), key) in done:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("govarchive/requests_skipped/duplicate_article")
            raise IgnoreRequest(f"article {key} already fetched")
        return None
