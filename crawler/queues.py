"""The scheduler's queue for runs of many hosts: Scrapy's downloader-aware priority queue (one
queue per host; the next request is for the host with the fewest downloads under way), counting
a host's downloads against its own connections. A shared storage host allowed eight connections
is not starved to one while a hundred portals allowed two each keep theirs busy: it is served in
proportion all run long, instead of alone at the end."""

from __future__ import annotations

from scrapy.pqueues import DownloaderAwarePriorityQueue

_SCALE = 1024  # integer ranks: Scrapy's choice among equals (round robin) stays as it is


class ConnectionAwarePriorityQueue(DownloaderAwarePriorityQueue):
    def _next_slot(self, stats: list[tuple[int, str]], *, update_state: bool) -> str:
        engine = self.crawler.engine
        slots = engine.downloader.slots if engine is not None else {}
        ranked = []
        for active, key in stats:
            slot = slots.get(key)
            connections = max(1, getattr(slot, "concurrency", 1)) if slot is not None else 1
            ranked.append((active * _SCALE // connections, key))
        return super()._next_slot(ranked, update_state=update_state)
