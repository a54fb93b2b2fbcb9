"""Where a govarchive crawl's time goes: one pages-only crawl with timers around its parts.

python -m bench.crawl_costs URL ARCHIVE_DIR   (prints one JSON line; bench/crawl.py runs it)

Each part is timed by wrapping the function that does it (a bench-only patch, never in the
product); nested parts are subtracted from the part that calls them, and what is left of the
process's CPU time is Scrapy, Twisted and the spider's own bookkeeping. The timers add a few
microseconds per call, so the total runs slightly slower than an untimed crawl.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

TIMES: dict[str, float] = defaultdict(float)


def _timed(owner: Any, name: str, label: str, generator: bool = False) -> None:
    """Time `owner.name` under `label`. A generator method is run to its end inside the timer
    (the spider's follow() yields requests it has already marked as seen, so running it
    eagerly changes nothing)."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = original(*args, **kwargs)
            return iter(list(result)) if generator else result
        finally:
            TIMES[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def main() -> None:
    url, archive_dir = sys.argv[1:3]
    import archive.session
    import archive.tx
    import archive.warc
    import crawler.pipelines.store
    import crawler.reading
    import crawler.run
    import crawler.spiders.vnpt as spider

    _timed(spider, "parse_html", "parse HTML (lxml)")
    _timed(crawler.reading, "extract_article", "article extraction")  # read_page's extractor
    _timed(spider.VnptSpider, "follow", "link following", generator=True)
    _timed(archive.warc.WarcWriter, "write_exchange", "WARC records + CDXJ line")
    _timed(archive.session.ArchiveSession, "capture", "capture rows (SQLite)")
    _timed(crawler.pipelines.store.StorePipeline, "process_item", "article store (SQLite)")
    _timed(archive.tx.GroupCommit, "commit", "commits (FTS entries, COMMIT)")
    _timed(archive.session.ArchiveSession, "frontier_record", "frontier (SQLite)")
    _timed(crawler.run, "update_index", "CDXJ index merge")

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = crawler.run.run_crawl(
        [url],
        archive=archive_dir,
        delay=0,
        concurrency=8,
        overrides={"GOVARCHIVE_FETCH_ASSETS": False, "LOG_LEVEL": "WARNING"},
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    parts = dict(TIMES)
    parts["capture rows (SQLite)"] -= parts["WARC records + CDXJ line"]  # capture calls it
    pages = report.sites[0].pages if report.sites else 0
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu, 3),
                "pages": pages,
                "parts": {k: round(v, 3) for k, v in parts.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
