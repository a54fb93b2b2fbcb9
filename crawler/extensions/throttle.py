"""AutoThrottle's pacing with per-host floors and targets: a host's delay follows its response
time, as Scrapy's AutoThrottle does, but never drops below that host's own delay (its rule in
DOWNLOAD_SLOTS) or its robots.txt Crawl-delay, and a host with its own connection count is paced
for that many connections (a shared storage service is not asked like a small portal)."""

from __future__ import annotations

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.politeness import MAX_CRAWL_DELAY, paced_delay


class PoliteThrottle:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0)
        self.mindelay = settings.getfloat("DOWNLOAD_DELAY")
        self.maxdelay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)
        slots = settings.getdict("DOWNLOAD_SLOTS")
        self.floors: dict[str, float] = {k: float(v.get("delay", 0)) for k, v in slots.items()}
        self.targets: dict[str, float] = {
            k: float(v["concurrency"]) for k, v in slots.items() if v.get("concurrency")
        }
        self.adjusting = settings.getbool("AUTOTHROTTLE_ENABLED")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteThrottle:
        ext = cls(crawler)
        if ext.target <= 0:
            raise NotConfigured("AUTOTHROTTLE_TARGET_CONCURRENCY must be above 0")
        crawler.govarchive_throttle = ext  # type: ignore[attr-defined]  # for the robots tap
        if ext.adjusting:
            crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def floor(self, key: str) -> float:
        return self.floors.get(key, self.mindelay)

    def set_floor(self, key: str, seconds: float) -> float:
        """A host's robots.txt Crawl-delay: its delay from now on is never below it."""
        seconds = min(seconds, MAX_CRAWL_DELAY)
        self.floors[key] = max(self.floor(key), seconds)
        slot = self._slots().get(key)
        if slot is not None and slot.delay < self.floors[key]:
            slot.delay = self.floors[key]
        return self.floors[key]

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        key = request.meta.get("download_slot")
        latency = request.meta.get("download_latency")
        slot = self._slots().get(key) if key else None
        if slot is None or latency is None or request.meta.get("autothrottle_dont_adjust_delay"):
            return
        slot.delay = paced_delay(
            slot.delay,
            latency,
            self.targets.get(key, self.target),
            self.floor(key),
            self.maxdelay,
            response.status,
        )

    def _slots(self) -> dict:
        engine = self.crawler.engine
        return engine.downloader.slots if engine is not None else {}
