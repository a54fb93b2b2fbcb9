"""Opens a crawl row per portal when the spider opens, closes each with its status when it stops."""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from archive.session import ArchiveSession
from crawler.archive_link import session_for


class ArchiveRun:
    def __init__(self, crawler: Crawler, session: ArchiveSession) -> None:
        self.crawler = crawler
        self.session = session
        self.committer: LoopingCall | None = None

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
        self.session.begin(sites, self.crawler.settings.get("USER_AGENT"), settings, resume, run)
        if hasattr(spider, "apply_resume"):
            spider.apply_resume(self.session.resumed)
        spider.on_give_up = self.give_up  # type: ignore[attr-defined]
        spider.article_seen_at = self.session.article_seen_at  # type: ignore[attr-defined]
        interval = self.session.commit_interval
        if interval > 0:  # grouped writes reach the disk even while the crawl waits
            self.committer = LoopingCall(self.session.group.commit_if_due)
            self.committer.start(interval, now=False)

    def give_up(self, request) -> None:
        """A request that failed for good (or was refused) is finished with, for resume's sake."""
        url = request.meta.get("govarchive_frontier_url")
        host = request.meta.get("govarchive_site")
        if url and host:
            self.session.frontier_done(host, url)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        self.session.finish(reason, getattr(spider, "root_errors", {}))
        self.session.close()
