"""Crawling with more than one core: the portals of one run split over worker processes.

Each worker is an ordinary `govarchive crawl` of its share of the portals: its own Scrapy, its
own WARC files (exclusive-create names, so they never clash), and its own connection to the one
SQLite archive, where WAL and short transactions let SQLite serialise the writers. The parent
holds the archive lock for the whole run; workers are told so and do not take it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from archive.cdxj import update_index
from archive.db import open_database
from archive.folder import ArchiveFolder
from archive.lock import INHERITED, ArchiveLock
from crawler.run import CrawlError, CrawlReport, site_reports, validate_url
from crawler.urls import host_of


def split(urls: list[str], workers: int) -> list[list[str]]:
    """Portals dealt round-robin, so each worker gets a fair share; a portal's start URLs
    stay together in one worker."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(host_of(url), []).append(url)
    portals = list(by_host.values())
    groups = [portals[i::workers] for i in range(min(workers, len(portals)))]
    return [[u for portal in g for u in portal] for g in groups if g]


def run_in_workers(
    urls: list[str], workers: int, archive: str | Path | None, options: list[str]
) -> CrawlReport:
    """Crawl `urls` with up to `workers` processes; `options` are passed to each worker's crawl."""
    checked = [validate_url(u) for u in urls]
    folder = ArchiveFolder.prepare(archive)
    before = {p.name for p in folder.warc_dir.glob("*.warc.gz")}
    with ArchiveLock(folder.root) as lock:
        open_database(folder.db_path).close()  # schema and WAL set up once, before the workers
        env = {**os.environ, INHERITED: str(lock.path)}
        command = [sys.executable, "-m", "govarchive", "crawl", "--archive", str(folder.root)]
        command += ["--set", "GOVARCHIVE_COMMIT_INTERVAL=0"]  # writers share SQLite's lock
        procs = [
            subprocess.Popen(
                [*command, *group, *options],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for group in split(checked, workers)
        ]
        results = [p.communicate()[1] for p in procs]
        update_index(folder)  # once, for all the workers' files, still holding the lock
    for proc, err in zip(procs, results, strict=True):
        if proc.returncode not in (0, 1, 130):  # 1: a portal unreachable, reported below
            last = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
            raise CrawlError(f"a crawl worker failed: {last}")
    codes = [p.returncode for p in procs]
    report = CrawlReport(archive=folder.root)
    report.finish_reason = "shutdown" if 130 in codes else "finished"
    hosts = [host_of(u) for u in checked]
    con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(hosts))
        crawl_ids = [
            r[0]
            for r in con.execute(
                f"SELECT max(c.id) FROM crawls c JOIN sites s ON s.id = c.site_id "
                f"WHERE s.host IN ({marks}) GROUP BY s.id ORDER BY max(c.id)",
                hosts,
            )
        ]
    finally:
        con.close()
    report.sites = site_reports(folder, crawl_ids)
    report.warc_files = sorted(p for p in folder.warc_dir.glob("*.warc.gz") if p.name not in before)
    return report
