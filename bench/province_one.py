"""One polite crawl of many portals, for bench/province.py, in its own process so its peak memory
is its own. python -m bench.province_one ARCHIVE DELAY CONCURRENCY URL [URL ...]"""

from __future__ import annotations

import json
import os
import resource
import sys

from bench.memory import peak_rss_mb
from crawler.run import run_crawl


def main() -> None:
    archive, delay, concurrency, *urls = sys.argv[1:]
    report = run_crawl(
        urls,
        archive=archive,
        delay=float(delay),
        concurrency=int(concurrency),
        # bench/province.py --stock: Scrapy's own queue and global concurrency, to compare
        overrides={
            "LOG_LEVEL": "WARNING",
            **json.loads(os.environ.get("PROVINCE_OVERRIDES", "{}")),
        },
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "responses": sum(site.pages for site in report.sites),
        "finished": sum(site.status == "finished" for site in report.sites),
        "peak_rss_mb": peak_rss_mb(),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "bound_host": report.bound_host,
        "bound_alone_seconds": report.bound_alone_seconds,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
