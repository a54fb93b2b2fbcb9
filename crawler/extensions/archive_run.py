"""Opens a crawl row per portal when the spider opens, closes each with its status when it stops."""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archive.session import ArchiveSession
from crawler.archive_link import session_for

INTERRUPTED = {"shutdown", "cancelled"}


class ArchiveRun:
    def __init__(self, crawler: Crawler, session: ArchiveSession) -> None:
        self.crawler = crawler
        self.session = session

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
        }
        self.session.begin(sites, self.crawler.settings.get("USER_AGENT"), settings)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        statuses: dict[str, tuple[str, str | None]] = {}
        reached = getattr(spider, "reached", set())
        errors = getattr(spider, "root_errors", {})
        for host in self.session.crawl_ids:
            if host not in reached:
                statuses[host] = ("failed", errors.get(host, "portal root page not fetched"))
            elif reason in INTERRUPTED:
                statuses[host] = ("interrupted", None)
            elif reason != "finished":
                statuses[host] = ("stopped", reason)
            else:
                statuses[host] = ("finished", None)
        self.session.finish(statuses)
        self.session.close()
