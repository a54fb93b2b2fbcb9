"""A whole province in one run: N sample portals, each on its own loopback address, all keeping
their images and files on one shared storage host, crawled together with polite settings.

    .venv/bin/python -m bench.province [--portals 100] [--articles 30] [--alone 3] [--delay 1.0]

Prints the run's wall time against the slowest of --alone portals crawled alone with the same
settings (goal: at most 1.2x), its CPU and peak RSS (goal: at most 300 MB at 100 portals), the
host that bounded it, and checks every gold article was stored once. The storage host gets the
rule govarchive ships for storage-vnportal.vnpt.vn (`hosts set`), as a real province's would.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crawler.politeness import BUILT_IN
from govarchive.demo import check_gold
from govarchive.sampleportal.content import PROFILES
from govarchive.sampleportal.server import SampleServers

DELAY = 1.0  # govarchive's own default (crawler/settings.py), AutoThrottle on: a real province run
CONCURRENCY = 2
STORAGE_RULE = BUILT_IN["storage-vnportal.vnpt.vn"]


def province_profiles(n: int, articles: int) -> tuple[str, ...]:
    """N portals like the benchmark's, each its own tenant on the shared storage host."""
    base = PROFILES["bench"]
    keys = []
    for i in range(n):
        key = f"province{i}"
        PROFILES[key] = dataclasses.replace(
            base,
            key=key,
            sname=key,
            storage_prefix=f"gov-p{i:03d}/sitefolders/root",
            articles=articles,
            first_id=4_000_000 + i * 10_000,
            seed=1000 + i,
        )
        keys.append(key)
    return tuple(keys)


def crawl(
    urls: list[str], archive: Path, storage_host: str, delay: float, stock: bool = False
) -> dict:
    """One `govarchive crawl` in a child process (bench/province_one.py): wall time, its CPU and
    its own peak RSS (VmHWM: ru_maxrss would carry this parent's peak over fork)."""
    rule = ["--delay", str(STORAGE_RULE.delay), "--concurrency", str(STORAGE_RULE.concurrency)]
    subprocess.run(
        [sys.executable, "-m", "govarchive", "hosts", "set", storage_host, *rule,
         "--archive", str(archive)],
        check=True, capture_output=True,
    )  # fmt: skip
    env = dict(os.environ)
    if stock:  # Scrapy's queue and 16 requests at once: a paced host's queue holds them all
        env["PROVINCE_OVERRIDES"] = json.dumps({
            "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
            "CONCURRENT_REQUESTS": 16,
            "DOWNLOAD_SLOTS": {storage_host: {"delay": STORAGE_RULE.delay,
                                              "concurrency": STORAGE_RULE.concurrency}},
        })  # fmt: skip
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.province_one", str(archive), str(delay), str(CONCURRENCY),
         *urls],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=100)
    parser.add_argument("--articles", type=int, default=30, help="articles per portal")
    parser.add_argument("--alone", type=int, default=3, help="portals crawled alone, slowest kept")
    parser.add_argument(
        "--stock", action="store_true",
        help="also crawl the province with Scrapy's own queue and 16 requests at once",
    )  # fmt: skip
    parser.add_argument(
        "--delay", type=float, default=DELAY,
        help="every portal's delay (default: govarchive's own; the issue measured 0.25)",
    )  # fmt: skip
    args = parser.parse_args()
    keys = province_profiles(args.portals, args.articles)
    hosts = tuple(f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(args.portals))
    print(f"# province benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}; CPython {platform.python_version()}"
    )
    print(
        f"{args.portals} portals of {args.articles} articles on distinct loopback addresses, one "
        f"shared storage host; --delay {args.delay} --concurrency {CONCURRENCY}; storage host rule "
        f"delay {STORAGE_RULE.delay} s, {STORAGE_RULE.concurrency} connections"
    )
    with (
        SampleServers(profiles=keys, portal_hosts=hosts) as servers,
        tempfile.TemporaryDirectory() as tmp,
    ):
        storage_host = servers.storage_host
        alone = []
        for site in servers.sites[: args.alone]:
            result = crawl(
                [site.home_url()], Path(tmp) / f"alone-{site.profile.key}", storage_host, args.delay
            )
            alone.append(result["wall_seconds"])
        slowest = max(alone)
        print(f"alone: {', '.join(f'{s:.1f} s' for s in alone)} (slowest {slowest:.1f} s)")
        archive = Path(tmp) / "province"
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        result = crawl([s.home_url() for s in servers.sites], archive, storage_host, args.delay)
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
            cpu_after.ru_stime - cpu_before.ru_stime
        )
        good, problems = check_gold(archive / "archive.db", servers.sites)
        total = good + len(problems)
        stock = None
        if args.stock:
            stock = crawl(
                [s.home_url() for s in servers.sites], Path(tmp) / "stock", storage_host,
                args.delay, stock=True,
            )  # fmt: skip
    wall = result["wall_seconds"]
    print(
        f"province: {wall:.1f} s for {result['responses']} responses, "
        f"{wall / slowest:.2f}x the slowest portal alone (goal <= 1.2x)"
    )
    print(
        f"crawl CPU {result['cpu_seconds']:.1f} s ({result['cpu_seconds'] / wall:.0%} of one "
        f"core; the portal servers {server_cpu:.1f} s), peak RSS {result['peak_rss_mb']:.0f} MB "
        "(goal <= 300 MB)"
    )
    if result.get("bound_host"):
        print(
            f"bounded by {result['bound_host']}: the only host answering for the last "
            f"{result['bound_alone_seconds']:.1f} s"
        )
    print(f"gold articles stored exactly once, with their titles: {good}/{total}")
    if stock is not None:
        print(
            f"with Scrapy's own queue and 16 requests at once: {stock['wall_seconds']:.1f} s "
            f"({stock['wall_seconds'] / wall:.1f}x govarchive's run): requests waiting in one "
            "paced slot count as active and hold every other host back"
        )


if __name__ == "__main__":
    main()
