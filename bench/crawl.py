"""Crawl throughput and memory on large sample portals served on loopback.

    .venv/bin/python -m bench.crawl [--articles 2000] [--rss 1000,5000,20000]

For the portal of --articles articles, in the same run: a bare Scrapy crawl (same link
following, nothing else) with Scrapy's defaults and with CONCURRENT_ITEMS=1 as govarchive uses,
and govarchive pages-only and full (the articles' images and attachments too), each with pages
read in the crawl's process and in one worker process (-w1), interleaved for --rounds rounds
(medians reported: this machine's speed drifts by 10-20 % between minutes); then `wget
--warc-file` (when wget is installed), where a govarchive crawl's time goes
(bench/crawl_costs.py), two worker processes, and the peak RSS of crawls of the --rss sizes.
Each crawl runs in its own process (bench/crawl_one.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from bench.memory import proc
from govarchive.sampleportal.process import SamplePortalProcess


def crawl_one(mode: str, url: str, workdir: Path) -> dict:
    archive = workdir / mode
    workdir.mkdir(exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "bench.crawl_one", mode, url, str(archive)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    row = json.loads(out.stdout.strip().splitlines()[-1])
    if row["html_pages"] is None:  # a govarchive crawl: count what its archive holds
        import sqlite3

        con = sqlite3.connect(archive / "archive.db")
        row["responses"] = con.execute(
            "SELECT count(*) FROM captures WHERE url NOT LIKE '%/robots.txt'"
        ).fetchone()[0]
        row["html_pages"] = con.execute(
            "SELECT count(*) FROM captures WHERE content_type LIKE 'text/html%'"
        ).fetchone()[0]
        row["articles"] = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        con.close()
    return row


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
                server_before = _server_cpu(portal)
                children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            crawl_cpu = (children.ru_utime - children_before.ru_utime) + (
                children.ru_stime - children_before.ru_stime
            )
            server_cpu = _server_cpu(portal) - server_before
            print(
                f"  {workers} process(es): {pages} pages in {seconds:.1f} s, {pages / seconds:.1f} pages/s"
                f" (CPU: crawl {crawl_cpu:.1f} s, portal server {server_cpu:.1f} s,"
                f" {(crawl_cpu + server_cpu) / seconds / (os.cpu_count() or 1):.0%} of {os.cpu_count()} cores)"
            )


def _server_cpu(portal: SamplePortalProcess) -> float:
    """CPU seconds the portal server has used so far."""
    assert portal.proc is not None
    server = proc(portal.proc.pid)
    return server.cpu_seconds if server else 0.0


def rate(row: dict) -> float:
    return row["html_pages"] / row["seconds"]


def costs_section(url: str, workdir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bench.crawl_costs", url, str(workdir / "costs")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout.strip().splitlines()[-1])
    cpu, pages = data["cpu_seconds"], data["pages"]
    parts = sorted(data["parts"].items(), key=lambda kv: -kv[1])
    parts.append(("Scrapy, Twisted and the rest", cpu - sum(v for _, v in parts)))
    print(f"\nwhere the time goes (one timed pages-only crawl, {pages} pages, {cpu:.2f} s CPU):")
    for name, value in parts:
        print(f"  {name:<34} {value:6.2f} s {value / pages * 1000:6.3f} ms/page {value / cpu:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the ratio")
    parser.add_argument("--rss", default="1000,5000,20000", help="portal sizes for the memory runs")
    args = parser.parse_args()
    print(f"# crawl benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}; "
          f"CPython {platform.python_version()}; scrapy {version('scrapy')}, lxml {version('lxml')}")  # fmt: skip
    compared = ("bare", "bare-items1", "full-no-assets", "full-no-assets-w1", "full", "full-w1",
                "full-inside")  # fmt: skip
    runs: dict[str, list[dict]] = {mode: [] for mode in compared}
    with (
        tempfile.TemporaryDirectory() as tmp,
        SamplePortalProcess(("bench",), articles=args.articles) as portal,
    ):
        work = Path(tmp)
        url = portal.sites[0].home_url()
        for n in range(args.rounds):
            for mode in compared:
                server_before = _server_cpu(portal)
                row = crawl_one(mode, url, work / f"{n}")
                row["server_cpu_seconds"] = round(_server_cpu(portal) - server_before, 2)
                runs[mode].append(row)
        rows = [min(runs[m], key=lambda r: abs(rate(r) - statistics.median(map(rate, runs[m]))))
                for m in compared]  # fmt: skip
        w = wget(url, work)
        if w:
            rows.append(w)
        costs_section(url, work)
    bare = rate(rows[0])
    print(f"\nportal: {args.articles} articles (sample portal 'bench', served on 127.0.0.1); "
          f"the first three rows: the median of {args.rounds} interleaved rounds")  # fmt: skip
    print(
        f"{'crawl':<22} {'seconds':>8} {'HTML pages':>10} {'responses':>9} {'pages/s':>8} {'vs bare':>8} {'peak RSS MB':>11}"
        f"  CPU s: crawl / its children / portal server"
    )
    for row in rows:
        print(f"{row['mode']:<22} {row['seconds']:>8.2f} {row['html_pages']:>10} {row['responses']:>9} "
              f"{rate(row):>8.1f} {rate(row) / bare:>7.2f}x {row.get('peak_rss_mb', ''):>11}"
              f"  {row.get('cpu_seconds', '-')} / {row.get('children_cpu_seconds', '-')}"
              f" / {row.get('server_cpu_seconds', '-')}")  # fmt: skip
    print("(pages/s counts HTML pages; 'full' also fetches every article's images and attachments;")
    print(" bare-items1 is bare Scrapy with CONCURRENT_ITEMS=1, as govarchive runs)")
    for base in ("bare", "bare-items1"):
        per_round = [
            rate(o) / rate(b) for o, b in zip(runs["full-no-assets"], runs[base], strict=True)
        ]
        print(f"pages-only vs {base}: {rate(rows[2]) / rate(rows[compared.index(base)]):.2f}x "
              f"(rounds: {', '.join(f'{r:.2f}' for r in per_round)})")  # fmt: skip

    for mode in compared[3:]:
        per_round = [rate(o) / rate(b) for o, b in zip(runs[mode], runs["bare"], strict=True)]
        print(f"{mode} vs bare: {rate(rows[compared.index(mode)]) / bare:.2f}x "
              f"(rounds: {', '.join(f'{r:.2f}' for r in per_round)})")  # fmt: skip
    print("(-w1: pages read in one worker process, GOVARCHIVE_EXTRACT_WORKERS=1; full-inside: the")
    print(
        " storage host's files fetched by Scrapy in the crawl's process, GOVARCHIVE_FILES_PROCESS=0)"
    )

    workers_section(args.articles)

    sizes = [int(s) for s in args.rss.split(",") if s]
    if sizes:
        print(
            "\nfull crawls (files too), peak RSS of the crawl's process and of the files process:"
        )
        print(
            f"{'portal articles':>15} {'pages':>7} {'seconds':>8} {'peak RSS MB':>11} {'files process MB':>16}"
        )
        first = None
        for size in sizes:
            with (
                tempfile.TemporaryDirectory() as tmp,
                SamplePortalProcess(("bench",), articles=size) as portal,
            ):
                row = crawl_one("full", portal.sites[0].home_url(), Path(tmp))
            first = first or row["peak_rss_mb"]
            print(f"{size:>15} {row['html_pages']:>7} {row['seconds']:>8.1f} {row['peak_rss_mb']:>11} "
                  f"({row['peak_rss_mb'] / first - 1:+.0%}) {row['files_process_peak_rss_mb']:>10}")  # fmt: skip


if __name__ == "__main__":
    main()
