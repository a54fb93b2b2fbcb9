"""Crawl throughput and memory on large sample portals served on loopback.

    .venv/bin/python -m bench.crawl [--articles 2000] [--rss 1000,5000,20000]

For the portal of --articles articles, in the same run: a bare Scrapy crawl (same link
following, nothing else) with Scrapy's defaults and with CONCURRENT_ITEMS=1 as govarchive uses, govarchive's full pipeline without and with the articles' images and
attachments, and `wget --warc-file` (when wget is installed). Then the peak RSS of full crawls of
the --rss sizes. Each crawl runs in its own process (bench/crawl_one.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from govarchive.sampleportal.process import SamplePortalProcess


def crawl_one(mode: str, url: str, workdir: Path) -> dict:
    archive = workdir / mode
    out = subprocess.run(
        [sys.executable, "-m", "bench.crawl_one", mode, url, str(archive)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def wget(url: str, workdir: Path) -> dict | None:
    exe = shutil.which("wget")
    if exe is None:
        return None
    target = workdir / "wget"
    target.mkdir()
    started = time.perf_counter()
    subprocess.run(
        [exe, "--recursive", "--level=inf", "--no-parent", "-e", "robots=on", "--no-verbose",
         "--delete-after", "--directory-prefix", str(target), "--warc-file", str(target / "crawl"),
         "--no-warc-keep-log", url],
        capture_output=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    pages = 0
    for path in target.glob("*.warc.gz"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and not uri.endswith("robots.txt"):
                    pages += 1
    return {
        "mode": "wget --warc-file",
        "seconds": round(seconds, 2),
        "responses": pages,
        "html_pages": pages,
    }


def workers_section(articles: int) -> None:
    """Two portals of half the size each: one process, then one worker process per portal."""
    half = max(articles // 2, 1)
    print(f"\ntwo portals of {half} articles each, pages only, 8 connections per host:")
    with SamplePortalProcess(("bench", "bench"), articles=half) as portal:
        urls = [s.home_url() for s in portal.sites]
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "govarchive", "crawl", *urls, "--archive", tmp,
                     "--delay", "0", "--concurrency", "8", "--workers", str(workers),
                     "--set", "GOVARCHIVE_FETCH_ASSETS=0"],
                    capture_output=True, check=True,
                )  # fmt: skip
                seconds = time.perf_counter() - started
                import sqlite3

                con = sqlite3.connect(f"{tmp}/archive.db")
                pages = con.execute(
                    "SELECT count(*) FROM captures WHERE content_type LIKE 'text/html%'"
                ).fetchone()[0]
                con.close()
            print(
                f"  {workers} process(es): {pages} pages in {seconds:.1f} s, {pages / seconds:.1f} pages/s"
            )


def rate(row: dict) -> float:
    return row["html_pages"] / row["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rss", default="1000,5000,20000", help="portal sizes for the memory runs")
    args = parser.parse_args()
    print(f"# crawl benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}; "
          f"CPython {platform.python_version()}; scrapy {version('scrapy')}, lxml {version('lxml')}")  # fmt: skip
    with (
        tempfile.TemporaryDirectory() as tmp,
        SamplePortalProcess(("bench",), articles=args.articles) as portal,
    ):
        work = Path(tmp)
        url = portal.sites[0].home_url()
        rows = [
            crawl_one("bare", url, work),
            crawl_one("bare-items1", url, work),
            crawl_one("full-no-assets", url, work),
            crawl_one("full", url, work),
        ]
        w = wget(url, work)
        if w:
            rows.append(w)
    bare = rate(rows[0])
    print(f"\nportal: {args.articles} articles (sample portal 'bench', served on 127.0.0.1)")
    print(
        f"{'crawl':<22} {'seconds':>8} {'HTML pages':>10} {'responses':>9} {'pages/s':>8} {'vs bare':>8} {'peak RSS MB':>11}"
    )
    for row in rows:
        print(f"{row['mode']:<22} {row['seconds']:>8.2f} {row['html_pages']:>10} {row['responses']:>9} "
              f"{rate(row):>8.1f} {rate(row) / bare:>7.2f}x {row.get('peak_rss_mb', ''):>11}")  # fmt: skip
    print("(pages/s counts HTML pages; 'full' also fetches every article's images and attachments;")
    print(" bare-items1 is bare Scrapy with CONCURRENT_ITEMS=1, as govarchive runs)")
    ours = next(r for r in rows if r["mode"] == "full-no-assets")
    tuned = next(r for r in rows if r["mode"] == "bare-items1")
    print(
        f"pages-only vs bare Scrapy defaults: {rate(ours) / bare:.2f}x; "
        f"vs bare Scrapy with CONCURRENT_ITEMS=1: {rate(ours) / rate(tuned):.2f}x"
    )

    workers_section(args.articles)

    sizes = [int(s) for s in args.rss.split(",") if s]
    if sizes:
        print(f"\n{'portal articles':>15} {'pages':>7} {'seconds':>8} {'peak RSS MB':>11}")
        first = None
        for size in sizes:
            with (
                tempfile.TemporaryDirectory() as tmp,
                SamplePortalProcess(("bench",), articles=size) as portal,
            ):
                row = crawl_one("full-no-assets", portal.sites[0].home_url(), Path(tmp))
            first = first or row["peak_rss_mb"]
            print(f"{size:>15} {row['html_pages']:>7} {row['seconds']:>8.1f} {row['peak_rss_mb']:>11} "
                  f"({row['peak_rss_mb'] / first - 1:+.0%})")  # fmt: skip


if __name__ == "__main__":
    main()
