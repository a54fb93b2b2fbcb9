"""Run the vnpt spider in this process and report what each portal's crawl stored.

The CLI's `govarchive crawl` and `govarchive demo` both come through here; so can Python code.
"""

from __future__ import annotations

import gc
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.cdxj import update_index
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.hosts import site_rules, stored_rules
from archive.lock import INHERITED, ArchiveLock
from archive.resume import unfinished_crawls_readonly
from archive.sites import SiteError, check_url
from crawler.extract.profiles import ProfileError, load_profiles
from crawler.identity import user_agent
from crawler.politeness import (
    HostRule,
    download_slots,
    global_concurrency,
    resolve,
    share_slots,
)
from crawler.spiders.vnpt import VnptSpider


class CrawlError(Exception):
    """Bad crawl input, worded for the user."""


@dataclass
class SiteReport:
    host: str
    root_url: str
    status: str
    error: str | None
    pages: int
    articles_new: int
    articles_updated: int
    errors: int
    articles_unchanged: int = 0
    crawl_id: int = 0
    pages_html: int = 0
    pages_article: int = 0
    pages_list: int = 0
    pages_other: int = 0
    pages_rejected: int = 0
    warning: str | None = None


@dataclass
class CrawlReport:
    archive: Path
    sites: list[SiteReport] = field(default_factory=list)
    warc_files: list[Path] = field(default_factory=list)
    log_file: Path | None = None
    finish_reason: str = ""
    bound_host: str | None = None  # the host still answering when all others were done
    bound_alone_seconds: float = 0.0  # for how long it was the only one
    files_process_peak_rss_mb: float | None = None  # crawler/files, when it ran

    @property
    def ok(self) -> bool:
        return bool(self.sites) and all(s.status == "finished" for s in self.sites)


def validate_url(url: str, what: str = "portal URL") -> str:
    """An absolute http(s) URL with a host, or a CrawlError saying what to give instead."""
    try:
        return check_url(url, what)
    except SiteError as exc:
        raise CrawlError(str(exc)) from None


def crawl_settings(
    folder: ArchiveFolder,
    *,
    delay: float | None = None,
    concurrency: int | None = None,
    max_pages: int = 0,
    progress: bool = False,
    verbose: bool = False,
    contact: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> tuple[Settings, Path | None]:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if contact:
        settings.set("GOVARCHIVE_CONTACT", contact, priority="cmdline")
        settings.set("USER_AGENT", user_agent(contact), priority="cmdline")
    settings.set("GOVARCHIVE_ARCHIVE", str(folder.root), priority="cmdline")
    if delay is not None:
        settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        if delay == 0:
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
            settings.set("RANDOMIZE_DOWNLOAD_DELAY", False, priority="cmdline")
    if concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", concurrency, priority="cmdline")
        settings.set("CONCURRENT_REQUESTS", max(16, concurrency * 2), priority="cmdline")
    settings.set("GOVARCHIVE_MAX_PAGES", max_pages, priority="cmdline")
    settings.set("GOVARCHIVE_PROGRESS", progress, priority="cmdline")
    settings.set("GOVARCHIVE_PROGRESS_ALL_HOSTS", verbose, priority="cmdline")
    log_file = None
    if not verbose:
        logs = folder.root / "logs"
        logs.mkdir(exist_ok=True)
        log_file = logs / f"crawl-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.log"
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings, log_file


def run_crawl(
    urls: list[str],
    *,
    archive: str | Path | None = None,
    delay: float | None = None,
    concurrency: int | None = None,
    max_pages: int = 0,
    progress: bool = False,
    verbose: bool = False,
    contact: str | None = None,
    site_profiles: str | Path | None = None,
    resume: bool = False,
    overrides: dict[str, Any] | None = None,
) -> CrawlReport:
    """Crawl every portal in `urls` into one archive folder. Checks input before touching anything."""
    if not urls:
        raise CrawlError(
            "give at least one portal URL, e.g. govarchive crawl https://sxd.laocai.gov.vn/"
        )
    checked = [validate_url(u) for u in urls]
    if delay is not None and delay < 0:
        raise CrawlError("--delay must be 0 or more seconds")
    if concurrency is not None and concurrency < 1:
        raise CrawlError("--concurrency must be at least 1")
    if max_pages < 0:
        raise CrawlError("--max-pages must be 0 (no limit) or more")
    if contact is not None:
        validate_url(contact, what="contact URL")
    if site_profiles is not None:
        try:
            load_profiles(site_profiles)
        except ProfileError as exc:
            raise CrawlError(str(exc)) from None
        overrides = {**(overrides or {}), "GOVARCHIVE_SITE_PROFILES": str(site_profiles)}
    if resume:
        overrides = {**(overrides or {}), "GOVARCHIVE_RESUME": True}
    folder = ArchiveFolder.prepare(archive)
    settings, log_file = crawl_settings(
        folder,
        delay=delay,
        concurrency=concurrency,
        max_pages=max_pages,
        progress=progress,
        verbose=verbose,
        contact=contact,
        overrides=overrides,
    )
    apply_politeness(settings, folder, checked, overrides)
    with ArchiveLock(folder.root):
        return _run(folder, checked, settings, log_file, max_pages)


def apply_politeness(
    settings: Settings,
    folder: ArchiveFolder,
    urls: list[str],
    overrides: Mapping[str, Any] | None = None,
    sharing: int = 1,
) -> None:
    """Each host's own pace (hosts set, sites add, the built-in rules; the run's --delay and
    --concurrency for the rest) as Scrapy's per-slot settings, and room in the run's global
    concurrency for every host in it (crawler/politeness.py). Nothing when `overrides` set the
    slots or the concurrency themselves. `sharing`: fleet jobs that may run at once, which
    divide the hosts they share (politeness.share_slots)."""
    if (overrides or {}).keys() & {"DOWNLOAD_SLOTS", "CONCURRENT_REQUESTS"}:
        return
    stored: dict[str, HostRule] = {}
    sites: dict[str, HostRule] = {}
    if folder.db_path.is_file():
        con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
        try:
            for rule in stored_rules(con):
                stored[rule.host] = HostRule(rule.delay, rule.concurrency, "hosts set")
            for host, (delay, concurrency, name) in site_rules(con).items():
                sites[host] = HostRule(delay, concurrency, f"site {name}")
        finally:
            con.close()
    portals = [urlsplit(u).hostname or "" for u in urls]
    rules = resolve(
        portals,
        stored,
        sites,
        settings.getfloat("DOWNLOAD_DELAY"),
        settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
    )
    slots = share_slots(download_slots(rules), urls, sharing)
    settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    settings.set("CONCURRENT_REQUESTS", global_concurrency(portals, rules), priority="cmdline")


# Young objects the cyclic GC looks at between collections: each page makes thousands (lxml
# proxies, dicts, Scrapy objects), and Python's 700 collected about 600 times a crawl.
_GC_YOUNG = 7000


@contextmanager
def _crawl_gc() -> Iterator[None]:
    """While the crawl runs: what is loaded now (Scrapy, Twisted, lxml, the extractor's tables)
    stays out of the cyclic GC's full collections (gc.freeze), and young objects are collected
    less often. On a crawl of the bench portal this took the GC from 0.32-0.39 s to 0.10-0.12
    s (docs/benchmarks.md). Nothing the crawl stores depends on when garbage is collected."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_YOUNG, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run(
    folder: ArchiveFolder,
    urls: list[str],
    settings: Settings,
    log_file: Path | None,
    max_pages: int,
) -> CrawlReport:
    # A log file that cannot grow (disk full) must not print tracebacks over the one line
    # that says so: logging drops the record quietly instead.
    logging.raiseExceptions = False
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(VnptSpider)
    process.crawl(crawler, url=" ".join(urls), max_pages=max_pages)
    with _crawl_gc():
        process.start()
    report = CrawlReport(archive=folder.root, log_file=log_file)
    assert crawler.stats is not None
    report.finish_reason = str(crawler.stats.get_value("finish_reason", ""))
    report.bound_host = crawler.stats.get_value("govarchive/bound_host")
    report.bound_alone_seconds = float(crawler.stats.get_value("govarchive/bound_alone_seconds", 0))
    report.files_process_peak_rss_mb = crawler.stats.get_value(
        "govarchive/files_process/peak_rss_mb"
    )
    session = getattr(crawler, "_govarchive_session", None)
    if session is not None and session.halted:
        then = (
            f"`govarchive resume --archive {folder.root}`"
            if _resumable(folder)
            else "the same crawl again (nothing was started)"
        )
        raise ArchiveError(
            f"no room left to write the archive ({session.halted}); the crawl stopped, the "
            f"archive is as it was at its last commit: free some space, then run {then}"
        )
    if session is not None:
        report.sites = site_reports(folder, list(session.crawl_ids.values()))
        report.warc_files = [folder.warc_dir / name for name in session.warc_files]
    if not os.environ.get(INHERITED):  # workers' and scheduled runs' parents update it once
        update_index(folder)
    return report


def _resumable(folder: ArchiveFolder) -> bool:
    """Whether a crawl cut off is on record (it may not be if no room was left to write it)."""
    try:
        return bool(unfinished_crawls_readonly(folder.db_path))
    except sqlite3.Error:
        return False


def site_reports(folder: ArchiveFolder, crawl_ids: list[int]) -> list[SiteReport]:
    if not crawl_ids:
        return []
    con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(crawl_ids))
        rows = con.execute(
            "SELECT s.host, s.root_url, c.status, c.error, c.pages, c.articles_new, "
            "c.articles_updated, c.errors, c.articles_unchanged, c.id, c.pages_html, "
            "c.pages_article, c.pages_list, c.pages_other, c.pages_rejected, c.warning "
            f"FROM crawls c JOIN sites s ON s.id = c.site_id "
            f"WHERE c.id IN ({marks}) ORDER BY c.id",
            crawl_ids,
        ).fetchall()
    finally:
        con.close()
    return [SiteReport(*row) for row in rows]
