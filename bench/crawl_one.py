"""One measured crawl, in its own process so its peak memory is its own. Prints one JSON line.

python -m bench.crawl_one full|full-inside|full-no-assets|full-w1|full-no-assets-w1|bare|bare-items1 URL DIR

A -w1 mode reads pages in one worker process (GOVARCHIVE_EXTRACT_WORKERS=1); full-inside fetches
the storage host's files in the crawl's own process (GOVARCHIVE_FILES_PROCESS=False), as before
issue 16. cpu_seconds is the crawl's process, children_cpu_seconds its worker and files processes.

bare-items1 is the bare crawl with CONCURRENT_ITEMS=1, the one Scrapy setting govarchive
changes for speed, so the ratio can be read against Scrapy tuned the same way.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response, TextResponse

from bench.memory import peak_rss_mb
from crawler.urls import canonicalize, host_of, is_followable

CONCURRENCY = 8


class BareSpider(Spider):
    """The same link following as the vnpt spider, and nothing else: no extraction, no WARC,
    no database, no pipelines."""

    name = "bare"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = canonicalize(url)
        self.host = host_of(self.root)
        self.seen = {self.root}

    async def start(self):
        yield Request(self.root, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any):
        if not isinstance(response, TextResponse):
            return
        for href in response.xpath("//a/@href").getall():
            url = canonicalize(response.urljoin(href.strip()))
            if url in self.seen or host_of(url) != self.host or not is_followable(url):
                continue
            self.seen.add(url)
            yield Request(url, callback=self.parse)


def bare(url: str, items: int = 100) -> dict[str, Any]:
    process = CrawlerProcess(
        {
            "CONCURRENT_ITEMS": items,
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": CONCURRENCY * 2,
            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
            "DOWNLOAD_DELAY": 0,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, url=url)
    process.start()
    return crawler.stats.get_stats()


def full(
    url: str, archive: str, assets: bool, readers: int = 0, files_process: bool = True
) -> dict[str, Any]:
    from crawler.run import run_crawl

    stats: dict[str, Any] = {}
    overrides = {
        "GOVARCHIVE_FETCH_ASSETS": assets,
        "GOVARCHIVE_EXTRACT_WORKERS": readers,
        "GOVARCHIVE_FILES_PROCESS": files_process,
        "LOG_LEVEL": "WARNING",
    }
    report = run_crawl(
        [url], archive=archive, delay=0, concurrency=CONCURRENCY, overrides=overrides
    )
    stats["finish_reason"] = report.finish_reason
    stats["files_process_peak_rss_mb"] = report.files_process_peak_rss_mb
    stats["_site"] = report.sites[0].__dict__ if report.sites else {}
    return stats


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return round(usage.ru_utime + usage.ru_stime, 2)


def main() -> None:
    mode, url, archive = sys.argv[1:4]
    started = time.perf_counter()
    if mode.startswith("bare"):
        stats = bare(url, items=1 if mode == "bare-items1" else 100)
        pages = stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0)
        html_pages = pages
    else:  # the parent counts what the archive holds: queries here would add to our peak RSS
        readers = 1 if mode.endswith("-w1") else 0  # pages read in a worker process
        base = mode.removesuffix("-w1")
        stats = full(
            url, archive, assets=base in ("full", "full-inside"), readers=readers,
            files_process=base != "full-inside",
        )  # fmt: skip
        pages = html_pages = None
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "mode": mode,
        "seconds": round(elapsed, 2),
        "responses": pages,
        "html_pages": html_pages,
        "articles": stats.get("articles"),
        "peak_rss_mb": peak_rss_mb(),
        "cpu_seconds": _cpu(resource.RUSAGE_SELF),
        "children_cpu_seconds": _cpu(resource.RUSAGE_CHILDREN),
        "files_process_peak_rss_mb": stats.get("files_process_peak_rss_mb"),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
