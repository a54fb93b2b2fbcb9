"""Opens a crawl row per portal when the spider opens, closes each with its status when it stops."""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from archive.errors import StorageFull
from archive.session import ArchiveSession
from crawler.archive_link import session_for
from crawler.extensions.files_process import ATTR as FILES


class ArchiveRun:
    def __init__(self, crawler: Crawler, session: ArchiveSession) -> None:
        self.crawler = crawler
        self.session = session
        self.committer: LoopingCall | None = None
        self.halting = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveRun:
        ext = cls(crawler, session_for(crawler))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        sites = [(host, url) for host, url in getattr(spider, "portal_roots", {}).items()]
        settings = {
            "delay": self.crawler.settings.getfloat("DOWNLOAD_DELAY"),
            "concurrency_per_host": self.crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            "robots": self.crawler.settings.getbool("ROBOTSTXT_OBEY"),
            "max_pages": getattr(spider, "max_pages", 0),
            "full": self.crawler.settings.getbool("GOVARCHIVE_FULL"),
        }
        run = {
            "mode": "full" if settings["full"] else "incremental",
            "trigger": self.crawler.settings.get("GOVARCHIVE_TRIGGER") or "manual",
            "log_file": self.crawler.settings.get("LOG_FILE"),
        }
        resume = self.crawler.settings.getbool("GOVARCHIVE_RESUME")
        self.session.on_halt = self.halt
        try:
            self.session.begin(
                sites, self.crawler.settings.get("USER_AGENT"), settings, resume, run
            )
        except StorageFull as exc:  # the spider closes; the run ends with one line
            self.halt(str(exc))
            return
        if hasattr(spider, "apply_resume"):
            spider.apply_resume(self.session.resumed)
        for note in self.session.repaired:
            spider.logger.warning(f"resume repaired {note}")
        extra = getattr(spider, "extra_starts", None)
        for host, pages in self.session.refetch.items():
            # Pages of stored articles whose records were lost: fetched again this crawl.
            if extra is not None:
                extra.extend((host, url) for url, _ in pages)
            self.crawler.stats.inc_value("govarchive/refetch_queued", len(pages))
        spider.on_give_up = self.give_up  # type: ignore[attr-defined]
        spider.article_seen_at = self.session.article_seen_at  # type: ignore[attr-defined]
        spider.file_is_fresh = self.session.file_is_fresh  # type: ignore[attr-defined]
        interval = self.session.commit_interval
        if interval > 0:  # grouped writes reach the disk even while the crawl waits
            self.committer = LoopingCall(self.session.commit_if_due)
            self.committer.start(interval, now=False)

    def halt(self, reason: str) -> None:
        """No room left to write: the crawl stops now (in-flight work is not recorded)."""
        self.crawler.stats.set_value("govarchive/storage_full", reason)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None and not self.halting:
            self.halting = True
            deferred_from_coro(engine.close_spider_async(reason="storage_full"))

    def give_up(self, request) -> None:
        """A request that failed for good (or was refused) is finished with, for resume's sake."""
        url = request.meta.get("govarchive_frontier_url")
        host = request.meta.get("govarchive_site")
        if url and host:
            self.session.frontier_done(host, url)

    def spider_closed(self, spider: Spider, reason: str) -> Deferred[None] | None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        files = getattr(self.crawler, FILES, None)
        if files is None:
            self._close(spider, reason)
            return None
        # The files process reports what it fetched first: its rows belong to these crawls.
        waiting = files.finish(reason)
        waiting.addBoth(lambda _: self._close(spider, reason))
        return waiting

    def _close(self, spider: Spider, reason: str) -> None:
        self.session.finish(reason, getattr(spider, "root_errors", {}))
        self.session.close()
