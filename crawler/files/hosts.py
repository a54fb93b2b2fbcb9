"""Each host's manners in the files process, as the crawl's Scrapy keeps them: at most its
connections at once, its delay between two requests (randomised 0.5-1.5x when the run says so),
paced to its response time like AutoThrottle but never under its floor (its rule, its robots.txt
Crawl-delay), and its robots.txt obeyed."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from protego import Protego

from crawler.politeness import MAX_CRAWL_DELAY, paced_delay


@dataclass(frozen=True)
class Manners:
    """The run's politeness settings, and each host's rule (DOWNLOAD_SLOTS)."""

    delay: float
    connections: int
    randomize: bool
    autothrottle: bool
    target: float  # AUTOTHROTTLE_TARGET_CONCURRENCY
    max_delay: float
    slots: dict[str, dict[str, float]]
    obey_robots: bool
    user_agent: str

    def pace(self, host: str) -> HostPace:
        """A host's pace from its rule, or the run's; a host with its own connection count is
        paced for that many (PoliteThrottle's targets). `host`: a name without port, as
        DOWNLOAD_SLOTS are keyed."""
        slot = self.slots.get(host)
        if slot is None:
            return HostPace(self.delay, self.connections, self.target, self)
        connections = int(slot.get("concurrency", 1) or 1)
        return HostPace(float(slot.get("delay", 0.0)), connections, float(connections), self)


@dataclass
class HostPace:
    floor: float
    connections: int
    target: float
    manners: Manners
    delay: float = 0.0
    robots: Protego | None = None
    robots_done: threading.Event = field(default_factory=threading.Event)
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.delay = self.floor

    def turn(self) -> None:
        """Wait until this host may be asked again, and take the slot."""
        with self._lock:
            now = time.monotonic()
            at = max(self._next, now)
            pause = self.delay
            if self.manners.randomize and pause:
                pause *= random.uniform(0.5, 1.5)  # noqa: S311 - pacing, not secrets
            self._next = at + pause
        if at > now:
            time.sleep(at - now)

    def answered(self, latency: float, status: int) -> None:
        """AutoThrottle's rule: the delay moves towards latency / target connections."""
        if not self.manners.autothrottle:
            return
        with self._lock:
            self.delay = paced_delay(
                self.delay, latency, self.target, self.floor, self.manners.max_delay, status
            )

    def read_robots(self, text: str) -> float | None:
        """Reads the host's robots.txt; returns the Crawl-delay it asks for, if any."""
        try:
            self.robots = Protego.parse(text) if text else None
            asked = self.robots.crawl_delay(self.manners.user_agent) if self.robots else None
        except Exception:  # noqa: BLE001 - a broken robots.txt allows all, never a crash
            self.robots, asked = None, None
        if asked:
            with self._lock:
                self.floor = max(self.floor, min(float(asked), MAX_CRAWL_DELAY))
                self.delay = max(self.delay, self.floor)
        self.robots_done.set()
        return float(asked) if asked else None

    def allows(self, url: str) -> bool:
        if not self.manners.obey_robots or self.robots is None:
            return True
        return self.robots.can_fetch(url, self.manners.user_agent)
