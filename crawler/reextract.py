"""`govarchive extract`: archived pages read again from the WARC files (no network) with today's
extraction rules, in worker processes, the parent alone writing the archive (archive/reextract.py).
Each page goes through crawler.reading as a crawl's would, so the result is what a crawl with
today's rules would have stored."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.db import ArchiveDB
from archive.folder import ArchiveFolder
from archive.lock import ArchiveLock
from archive.reextract import (
    Applier,
    Figures,
    Page,
    Result,
    batched,
    check_filters,
    pages_to_read,
    start_run,
)
from archive.warc import read_record
from crawler.extract import NotArticle, parse_html
from crawler.extract.profiles import SiteProfile, load_profiles
from crawler.reading import (
    Forgetful,
    archived_response,
    extractor_version,
    is_html,
    page_text,
    read_page,
    stored_form,
)
from crawler.urls import article_key

BATCH = 200  # pages a transaction
# Test hooks, like sample-portal --delay: smaller batches and a pause after each commit, so a
# test can kill a run between two commits of a small archive.
BATCH_ENV, PAUSE_ENV = "GOVARCHIVE_EXTRACT_BATCH", "GOVARCHIVE_EXTRACT_PAUSE"


@dataclass
class Outcome:
    run_id: int
    resumed: bool
    version: str
    sitting: Figures  # what this invocation did
    total: Figures  # the whole run, earlier sittings included
    seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.sitting.pages / self.seconds if self.seconds > 0 else 0.0


_STATE: dict[str, Any] = {}


def _init(warc_dir: str, profiles: dict[str, SiteProfile], watch: bool = False) -> None:
    _STATE["warc_dir"] = Path(warc_dir)
    _STATE["profiles"] = profiles
    if watch:
        threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A worker whose parent was killed ends too (its pool's queues never tell it)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def read_one(page: Page) -> Result:
    """A page's record read from its WARC file and read as the crawl reads a page."""
    try:
        http, payload = read_record(_STATE["warc_dir"] / page.warc_file, page.offset)
        response = archived_response(page.url, http.headers, payload)
    except Exception as exc:  # a torn or missing file: counted, the archive left as it is
        return Result(page, reason=f"unreadable: {type(exc).__name__}", unreadable=True)
    if not is_html(response):
        return Result(page, reason="not_html")
    text = page_text(response)  # type: ignore[arg-type]
    try:
        doc = parse_html(text)
    except NotArticle as reason:
        return Result(page, reason=str(reason))
    reading = read_page(
        doc,
        page.url,
        article_key(page.url),
        page.host,
        page.holder,
        _STATE["profiles"].get(page.host),
        Forgetful(),
        text,
    )
    documents = {
        "documents": reading.documents,
        "documents_source": reading.documents_source,
        "published_year": reading.published_year,
    }
    if reading.item is None:
        return Result(page, reason=reading.reason, **documents)
    record = stored_form(reading.item)
    if isinstance(record, str):
        return Result(page, reason=record, **documents)
    return Result(page, record=record, text_digest=reading.text_digest, **documents)


def _read_all(
    batches: Iterable[list[Page]], workers: int, warc_dir: Path, profiles: dict[str, SiteProfile]
) -> Iterator[list[Result]]:
    if workers <= 1:
        _init(str(warc_dir), profiles)
        for batch in batches:
            yield [read_one(p) for p in batch]
        return
    # Spawned, not forked: a forked worker would share the archive lock's open file, and a
    # parent killed with its workers still alive would leave the archive locked by them.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init, initargs=(str(warc_dir), profiles, True)
    ) as pool:
        # One batch ahead: the workers read the next while the parent writes this one.
        pending = None
        for batch in batches:
            future = pool.map(read_one, batch, chunksize=max(1, len(batch) // (workers * 4)))
            if pending is not None:
                yield list(pending)
            pending = future
        if pending is not None:
            yield list(pending)


def run_extract(
    archive: str | os.PathLike[str] | None,
    *,
    site: str | None = None,
    crawl: int | None = None,
    since: str | None = None,
    workers: int | None = None,
    site_profiles: str | os.PathLike[str] | None = None,
    progress: Callable[[Figures], None] | None = None,
) -> Outcome:
    """Re-extract the archive's pages (filtered by site, crawl, fetched since a day). Holds the
    archive's lock: refuses beside a crawl. A run cut off continues where it stopped."""
    folder = ArchiveFolder.existing(archive)
    workers = workers or os.cpu_count() or 1
    version = extractor_version()
    path = Path(site_profiles) if site_profiles else folder.root / "site-profiles.toml"
    profiles = load_profiles(path) if site_profiles or path.is_file() else {}
    with ArchiveLock(folder.root):
        db = ArchiveDB(folder.db_path)
        try:
            filters = check_filters(db, site, crawl)
            if since:
                filters["since"] = since
            run = start_run(db, filters, version)
            pages = pages_to_read(folder.db_path, filters, run.after)
            applier = Applier(db, run)
            sitting = Figures()
            start = last = time.monotonic()
            batches = batched(pages, int(os.environ.get(BATCH_ENV) or BATCH))
            pause = float(os.environ.get(PAUSE_ENV) or 0)
            for results in _read_all(batches, workers, folder.warc_dir, profiles):
                now = time.monotonic()
                sitting.add(applier.apply(results, now - last))
                last = now
                if pause:
                    time.sleep(pause)
                if progress is not None:
                    progress(sitting)
            seconds = time.monotonic() - start
            applier.finish()
            total = Figures()
            total.add(run.before)
            total.add(sitting)
        finally:
            db.close()
    return Outcome(run.id, run.resumed, version, sitting, total, seconds)
