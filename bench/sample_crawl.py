"""A benchmark's crawl of running sample portals through the CLI, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from govarchive.sampleportal.process import SamplePortalProcess


def crawl_sample(portal: SamplePortalProcess, archive: Path | str, label: str) -> float:
    """Crawl every site of `portal` into `archive` (no delay, 8 connections); prints how long it
    took and the crawl's warnings; seconds taken. A failed crawl ends the benchmark."""
    govarchive = str(Path(sys.executable).parent / "govarchive")
    started = time.perf_counter()
    result = subprocess.run(
        [govarchive, "crawl", *[s.home_url() for s in portal.sites], "--archive", str(archive),
         "--delay", "0", "--concurrency", "8"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed: {result.stderr.strip()}")
    print(f"# crawl of {label}: {took:.1f} s")
    for line in result.stderr.splitlines():
        if "warning:" in line:
            print(f"# {line}")
    return took
