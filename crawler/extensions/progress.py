"""A live progress line (pages, articles, errors, rate) while a crawl runs, for the CLI."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressLine:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.console = Console(file=sys.stderr, highlight=False, soft_wrap=True)
        self.ticks = 0
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        if not crawler.settings.getbool("GOVARCHIVE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("GOVARCHIVE_PROGRESS_INTERVAL", 1.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show(final=True)

    def line(self) -> str:
        stats = self.crawler.stats
        assert stats is not None
        pages = stats.get_value("govarchive/captures", 0)
        articles = stats.get_value("govarchive/articles/new", 0)
        errors = stats.get_value("govarchive/errors", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (
            f"pages {pages}  articles {articles}  errors {errors}  "
            f"{pages / elapsed:.1f} pages/s  {elapsed:.0f}s"
        )

    def show(self, final: bool = False) -> None:
        self.ticks += 1
        if self.console.is_terminal:
            self.console.print(f"\r[bold]crawling[/] {self.line()}", end="\n" if final else "")
        elif final:
            self.console.print(f"crawled: {self.line()}")
        elif self.ticks % 10 == 0:  # logs and CI: a line every ten intervals, not every second
            self.console.print(f"crawling: {self.line()}")
