"""`govarchive extract` over a crawled archive: pages per second with one worker and with all,
and peak RSS, at two archive sizes (issue 16).

    .venv/bin/python -m bench.extract_stage [--articles 1000,20000] [--rounds 3]

Each size: the bench portal crawled once (full archival crawl, no delay), then `extract` run on
copies of that archive with --workers 1 and --workers <cores>, interleaved, the median round
shown; peak RSS is the largest process's (the parent or a worker), sampled while it runs.
Checks that re-extraction finds every article unchanged, as it must on the crawl's own archive.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.memory import descendants, peak_rss_mb
from govarchive.sampleportal.process import SamplePortalProcess


def gov(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govarchive", *args], capture_output=True, text=True, check=True
    )


def extract(archive: Path, workers: int) -> dict:
    """One run in a child process: its figures, and the peak RSS (VmHWM) of its largest
    process, the parent or a worker, sampled while it runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "govarchive", "extract", "--archive", str(archive),
         "--workers", str(workers), "--format", "json"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    peaks: dict[int, float] = {}
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            peaks[pid] = max(peaks.get(pid, 0.0), peak_rss_mb(pid))
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"extract failed ({proc.returncode})")
    figures = json.loads(out)
    figures["peak_rss_mb"] = max(peaks.values(), default=0.0)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="1000,20000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"# extract benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}, {cores} cores; CPython {platform.python_version()}")
    for size in (int(a) for a in args.articles.split(",")):
        with (
            tempfile.TemporaryDirectory() as tmp,
            SamplePortalProcess(("bench",), articles=size) as portal,
        ):
            crawled = Path(tmp) / "crawled"
            gov("crawl", portal.sites[0].home_url(), "--archive", str(crawled), "--delay", "0",
                "--concurrency", "8")  # fmt: skip
            runs: dict[int, list[dict]] = {1: [], cores: []}
            for _ in range(args.rounds):
                for workers in runs:
                    copy = Path(tmp) / f"copy-{workers}"
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(crawled, copy)
                    runs[workers].append(extract(copy, workers))
        print(f"\n{size} articles:")
        for workers, rows in runs.items():
            rates = [r["pages_per_second"] for r in rows]
            last = rows[-1]
            rss = max(r["peak_rss_mb"] for r in rows)
            print(
                f"  --workers {workers}: {statistics.median(rates):.0f} pages/s (rounds "
                f"{', '.join(f'{x:.0f}' for x in rates)}), {last['pages']} pages, articles "
                f"{last['articles_unchanged']} unchanged, {last['articles_changed']} changed, "
                f"{last['articles_new']} new, {last['articles_flagged']} flagged; peak RSS "
                f"{rss:.0f} MB"
            )
        one, many = (statistics.median(r["pages_per_second"] for r in runs[w]) for w in runs)
        print(f"  {cores} workers / 1: {many / one:.2f}x")


if __name__ == "__main__":
    main()
