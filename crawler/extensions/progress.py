"""A live progress line while a crawl runs, for the CLI: pages, articles, errors and rate, and for
the busiest hosts what waits for them and how fast they answer, so a run held back by one host
says so. At the end, the host that bounded the run and how long it was the only one left."""

from __future__ import annotations

import sys
import time
from collections import Counter, deque

from rich.console import Console
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import task

from crawler.extensions.files_process import ATTR as FILES
from crawler.extensions.files_process import FILE_FETCHED

RATE_WINDOW = 10.0  # seconds of responses a host's rate is measured over
BUSY_SHOWN = 3  # hosts on the progress line; --verbose lists them all


def _forget_before(window: deque[float], oldest: float) -> None:
    while window and window[0] < oldest:
        window.popleft()


class HostActivity:
    """Per host name (Scrapy's download slots are per host name): recent rate, the time of the
    last response, and what waits for it in the scheduler and the downloader."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.recent: dict[str, deque[float]] = {}
        self.last: dict[str, float] = {}

    def response(self, host: str, count: int = 1) -> None:
        now = self.clock()
        self.last[host] = now
        window = self.recent.setdefault(host, deque())
        window.extend([now] * count)
        _forget_before(window, now - RATE_WINDOW)

    def files(self, hosts: Counter[str]) -> None:
        """Files the files process fetched (crawler/files), per host."""
        for host, count in hosts.items():
            self.response(host, count)

    def rate(self, host: str) -> float:
        window = self.recent.get(host)
        if not window:
            return 0.0
        _forget_before(window, self.clock() - RATE_WINDOW)
        return len(window) / RATE_WINDOW

    def bound(self) -> tuple[str, float] | None:
        """(the host answering last, how long it was the only host still answering)."""
        if len(self.last) < 2:
            return None
        ordered = sorted(self.last.items(), key=lambda kv: kv[1])
        (host, last), (_, before) = ordered[-1], ordered[-2]
        return host, last - before


def waiting(crawler: Crawler) -> dict[str, int]:
    """Requests waiting per host name: in the scheduler's per-slot queues (the downloader-aware
    queue keeps one a host) and in the downloader's slots (queued or being fetched)."""
    out: Counter[str] = Counter()
    engine = crawler.engine
    if engine is None:
        return out
    scheduler = getattr(engine, "scheduler", None)
    pqueues = getattr(getattr(scheduler, "mqs", None), "pqueues", None) or {}
    for slot, queue in pqueues.items():
        out[slot] += len(queue)
    for key, slot in engine.downloader.slots.items():
        out[key] += len(slot.queue) + len(slot.transferring)
    files = getattr(crawler, FILES, None)  # what the files process has still to fetch
    if files is not None:
        out.update(files.waiting_by_host())
    return +out


class ProgressLine:
    def __init__(self, crawler: Crawler, interval: float, all_hosts: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.all_hosts = all_hosts
        self.console = Console(file=sys.stderr, highlight=False, soft_wrap=True, markup=False)
        self.ticks = 0
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.hosts = HostActivity()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        ext = cls(
            crawler,
            crawler.settings.getfloat("GOVARCHIVE_PROGRESS_INTERVAL", 1.0),
            crawler.settings.getbool("GOVARCHIVE_PROGRESS_ALL_HOSTS"),
        )
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.hosts.files, signal=FILE_FETCHED)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        if not crawler.settings.getbool("GOVARCHIVE_PROGRESS"):
            return ext  # still counts per host: the end-of-crawl summary names the bound
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def response_received(self, response: Response, request: Request) -> None:
        self.hosts.response(urlparse_cached(request).hostname or "")

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        bound = self.hosts.bound()
        stats = self.crawler.stats
        if bound is not None and stats is not None:
            stats.set_value("govarchive/bound_host", bound[0])
            stats.set_value("govarchive/bound_alone_seconds", round(bound[1], 1))
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.loop is not None:
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

    def busy(self, limit: int | None) -> list[str]:
        """`host: N waiting, R/s` for the hosts with the most waiting."""
        queued = waiting(self.crawler)
        hosts = sorted(queued, key=lambda h: (-queued[h], h))
        if limit is not None:
            hosts = hosts[:limit]
        return [f"{h}: {queued[h]} waiting, {self.hosts.rate(h):.1f}/s" for h in hosts]

    def show(self, final: bool = False) -> None:
        self.ticks += 1
        if final:
            self.console.print(f"crawled: {self.line()}")
            return
        # The queues are walked only for a line that is printed (every tenth one off a terminal).
        if self.console.is_terminal and not self.all_hosts:
            busy = self.busy(BUSY_SHOWN)
            width = self.console.width
            text = f"crawling {self.line()}" + (f"  | {'; '.join(busy)}" if busy else "")
            self.console.print(f"\r{text[: width - 1]:<{width - 1}}", end="")
        elif self.all_hosts or self.ticks % 10 == 0:  # logs and CI: every ten intervals
            self.console.print(f"crawling: {self.line()}")
            for entry in self.busy(None if self.all_hosts else BUSY_SHOWN):
                self.console.print(f"  {entry}")
