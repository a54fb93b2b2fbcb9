"""`govarchive filetext` over a crawled archive: pages per second for text PDFs and for scans
(OCR), with one worker and with all, and peak RSS (issue 17).

    .venv/bin/python -m bench.filetext [--text-articles 1000] [--scan-articles 80] [--rounds 3]

The bench portal is served in this process with real attachment files in place of its
placeholder bytes (tests/filetext_files.py): for the text run every PDF has 20 pages of text;
for the OCR run every PDF is a 2-page scan (300 dpi, image only); DOCX and XLSX are real in
both. Each portal is crawled once (no delay), then `filetext` runs on fresh copies of the
archive with --workers 1 and --workers <cores>, interleaved, the median round shown (the OCR
run: --rounds-ocr, default 1). Peak RSS (VmHWM) is sampled while it runs, for the parent, the
largest worker, and the largest pdftoppm or tesseract a worker starts.
"""

from __future__ import annotations

import argparse
import functools
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
from govarchive.sampleportal import server
from govarchive.sampleportal.server import SampleServers
from tests import filetext_files as files

TEXT_PAGES = 20
SCAN_PAGES = 2


@functools.cache
def text_file(path: str) -> bytes:
    if path.endswith(".pdf"):
        lines = files.DOCUMENT
        return files.text_pdf(
            [[f"{path} trang {n}", *lines[n % 3 :], *lines[: n % 3]] for n in range(TEXT_PAGES)]
        )
    return _office(path)


def scan_file(path: str) -> bytes:
    """Not cached: a scan is large, and the crawl asks for each file once."""
    if path.endswith(".pdf"):
        name = path.rsplit("/", 1)[-1]
        lines = files.SCAN
        return files.scan_pdf(
            [[f"Số hiệu {name}", *lines[n % 2 :], *lines[: n % 2]] for n in range(SCAN_PAGES)]
        )
    return _office(path)


def _office(path: str) -> bytes:
    if path.endswith(".docx"):
        return files.docx_file([path, *files.DOCUMENT], files.SHEET)
    if path.endswith(".xlsx"):
        return files.xlsx_file({"Kinh phí": [(path,), *files.SHEET]})
    return server.media_bytes(path)


def crawl(into: Path, articles: int, media) -> None:
    original = server.media_bytes
    server.media_bytes = lambda p: media(p) if p.rsplit(".", 1)[-1] in ("pdf", "docx", "xlsx") else original(p)  # fmt: skip
    try:
        with SampleServers(profiles=("bench",), articles=articles) as servers:
            subprocess.run(
                [sys.executable, "-m", "govarchive", "crawl", servers.sites[0].home_url(),
                 "--archive", str(into), "--delay", "0", "--concurrency", "8"],
                check=True, capture_output=True,
            )  # fmt: skip
    finally:
        server.media_bytes = original


def _role(pid: int) -> str | None:
    """What a process of the run is, from its command line: the parent, a worker, an OCR tool.
    None for a process not yet exec'd (a copy of this bench, whose peak is not its own) or
    already exiting (its figures then are not its peak either)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    if not cmd or cmd == _OWN_CMDLINE or b"resource_tracker" in cmd:
        return None
    if b"filetext" in cmd:
        return "parent"
    if b"multiprocessing.spawn" in cmd:
        return "worker"
    if b"pdftoppm" in cmd or (b"tesseract" in cmd and b"-l" in cmd):
        return "tool"  # a page being rasterised or read
    return None


_OWN_CMDLINE = Path("/proc/self/cmdline").read_bytes()


def filetext(archive: Path, workers: int) -> dict:
    """One run in a child process: its figures, and the peak RSS of each kind of process in it
    (the parent, the largest worker, the largest pdftoppm or tesseract), sampled as it runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "govarchive", "filetext", "--archive", str(archive),
         "--workers", str(workers), "--format", "json"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    peaks: dict[str, float] = {"parent": 0.0, "worker": 0.0, "tool": 0.0}
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            role = _role(pid)
            if role is not None:
                peaks[role] = max(peaks[role], peak_rss_mb(pid))
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"filetext failed ({proc.returncode})")
    return {**json.loads(out), "rss": peaks}


def measure(name: str, crawled: Path, tmp: Path, rounds: int, cores: int, rate_of) -> None:
    runs: dict[int, list[dict]] = {1: [], cores: []}
    for _ in range(rounds):
        for workers in runs:
            copy = tmp / f"copy-{workers}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(crawled, copy)
            runs[workers].append(filetext(copy, workers))
    print(f"\n{name}:")
    for workers, rows in runs.items():
        rates = [rate_of(r) for r in rows]
        last = rows[-1]
        rss = {k: max(r["rss"][k] for r in rows) for k in ("parent", "worker", "tool")}
        tools = f", OCR tool {rss['tool']:.0f} MB" if rss["tool"] else ""
        print(
            f"  --workers {workers}: {statistics.median(rates):.1f} pages/s (rounds "
            f"{', '.join(f'{x:.1f}' for x in rates)}); {last['files']} files, {last['pages']} "
            f"pages, {last['ocr_pages']} OCR'd, {last['flagged']} flagged, "
            f"{last['seconds']:.1f} s; peak RSS parent {rss['parent']:.0f} MB, worker "
            f"{rss['worker']:.0f} MB{tools}"
        )
    one, many = (statistics.median(rate_of(r) for r in runs[w]) for w in runs)
    print(f"  {cores} workers / 1: {many / one:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-articles", type=int, default=1000)
    parser.add_argument("--scan-articles", type=int, default=80)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rounds-ocr", type=int, default=1)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    print(f"# filetext benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, {cores} cores; CPython {platform.python_version()}; "
        f"{(tesseract.stdout or tesseract.stderr).splitlines()[0]}"
    )
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        crawl(tmp / "text", args.text_articles, text_file)
        measure(
            f"text PDFs ({TEXT_PAGES} pages each) with DOCX and XLSX, {args.text_articles} "
            "articles", tmp / "text", tmp, args.rounds, cores,
            lambda r: r["pages_per_second"],
        )  # fmt: skip
        crawl(tmp / "scan", args.scan_articles, scan_file)
        measure(
            f"scanned PDFs ({SCAN_PAGES} pages each, 300 dpi, OCR'd; rate = OCR'd pages / run "
            f"time), {args.scan_articles} articles", tmp / "scan", tmp, args.rounds_ocr, cores,
            lambda r: r["ocr_pages"] / r["seconds"] if r["seconds"] else 0.0,
        )  # fmt: skip


if __name__ == "__main__":
    main()
