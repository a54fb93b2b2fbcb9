"""Export speed and memory on a generated archive of many articles.

    .venv/bin/python -m bench.export [--articles 100000]

The archive is built through the normal store (bench/search.py's builder: the sample portal's
texts, about 2 KB of text per article, with images). Each export runs in its own process
(bench/export_one.py) and prints articles/s and peak RSS; the issue's bar is >= 5,000 articles/s
and <= 200 MB.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    print(f"# export benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.machine()}; CPython {platform.python_version()}; "
          f"pyarrow {version('pyarrow')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        started = time.perf_counter()
        # Built in a child process: Linux keeps a process's peak RSS across fork and exec, so
        # exports started from a parent that had built a big archive would report its peak.
        subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from bench.search import "
             f"build; build(Path(sys.argv[1]), {args.articles}, varied=False)", str(archive)],
            check=True,
        )  # fmt: skip
        print(f"archive of {args.articles} articles built in {time.perf_counter() - started:.0f} s")
        print(
            f"{'format':<24} {'articles':>9} {'seconds':>8} {'articles/s':>11} {'MB written':>10} {'peak RSS MB':>11}"
        )
        runs = [("jsonl", []), ("csv", []), ("parquet", []), ("parquet", ["site,year"])]
        for i, (fmt, extra) in enumerate(runs):
            out = Path(tmp) / f"out{i}"
            cmd = [sys.executable, "-m", "bench.export_one", fmt, str(archive), str(out)]
            if extra:
                cmd += ["--partition-by", *extra]
            row = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            print(f"{row['format']:<24} {row['articles']:>9} {row['seconds']:>8.2f} "
                  f"{row['articles_per_s']:>11} {row['bytes'] / 1e6:>10.1f} {row['peak_rss_mb']:>11}")  # fmt: skip


if __name__ == "__main__":
    main()
