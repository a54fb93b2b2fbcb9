"""`govarchive filetext`: the text of every archived attachment file, read straight from its
WARC record (no network) in bounded worker processes (crawler/filetext/bounded.py), the parent
alone writing the archive (archive/attachment_texts.py). A file is read once; a run cut off
continues with the files it had not stored."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from archive.attachment_texts import FileRef, PageRow, files_to_read, store_file
from archive.clock import iso_utc, utc_now
from archive.db import ArchiveDB
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.lock import ArchiveLock
from archive.reextract import check_filters
from archive.tx import write_transaction
from archive.warc import read_record
from crawler.filetext import BadFile, Options, PageText, extract_text
from crawler.filetext.bounded import BoundedWorkers, Job, Outcome, WorkersFailed
from crawler.filetext.model import OCR_OFF, TOOL_MISSING
from crawler.filetext.ocr import missing_tools
from crawler.reading import archived_response

UNREADABLE = "WARC record unreadable"  # not stored: a later run tries the file again
FILE_TIMEOUT = 300.0  # seconds a file may take (a 500-page scan is cut off, its pages kept)
FILE_MEMORY_MB = 2048  # address space a worker and its OCR tools may use
BATCH_SECONDS = 1.0  # results written at most this long after they come back
# Test hook, like extract's: each file written on its own, then this pause, so a test can kill
# a run between two commits.
PAUSE_ENV = "GOVARCHIVE_FILETEXT_PAUSE"


@dataclass
class Figures:
    files: int = 0
    pages: int = 0
    ocr_pages: int = 0
    flagged: int = 0  # files with a note on the whole file (bad, cut off, too long)
    unreadable: int = 0  # records that could not be read (not stored; tried again next run)
    seconds: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def read_file(
    warc_path: str, offset: int, url: str, content_type: str | None, name: str | None,
    options: Options,
) -> Iterator[PageText]:  # fmt: skip
    """A worker's job: the file's bytes from its WARC record, decoded as the crawl received
    them (crawler.reading.archived_response), then its text, page by page."""
    try:
        http, payload = read_record(Path(warc_path), offset)
        response = archived_response(url, http.headers, payload)
    except Exception as exc:
        raise BadFile(f"{UNREADABLE}: {type(exc).__name__}: {exc}") from None
    declared = response.headers.get(b"Content-Type")
    ctype = declared.decode("latin-1") if declared else content_type
    yield from extract_text(response.body, ctype, name, options)


_SOURCES = ("crawler.filetext", "crawler.extract.legacy", "crawler.extract.text")


@cache
def filetext_version() -> str:
    """Which code read a file: govarchive's version, a digest of the file-text code and of the
    legacy-font conversion it uses, and the Tesseract release (its models change its text)."""
    from govarchive import __version__

    digest = hashlib.sha256()
    root = resources.files("crawler.filetext")
    for name in sorted(p.name for p in root.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode() + b"\0" + root.joinpath(name).read_bytes())
    for module in ("legacy.py", "text.py"):
        digest.update(resources.files("crawler.extract").joinpath(module).read_bytes())
    version = f"{__version__}+{digest.hexdigest()[:12]}"
    if shutil.which("tesseract"):
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
        first = (out.stdout or out.stderr).split("\n", 1)[0].split()
        if len(first) >= 2:
            version += f"-tesseract{first[1]}"
    return version


def rows_of(outcome: Outcome) -> list[PageRow]:
    """A file's rows: its pages, and one note on the whole file when something stopped it
    (merged with a note the reader left, such as a page cap)."""
    rows = [PageRow(p.page, p.text, p.method, p.confidence, p.error, p.legacy)
            for p in outcome.pages]  # fmt: skip
    if outcome.error:
        notes = [r for r in rows if r.page is None]
        rows = [r for r in rows if r.page is not None]
        text = "; ".join([outcome.error, *(n.error for n in notes if n.error)])
        rows.append(PageRow(None, "", "none", error=text))
    return rows


def run_filetext(
    archive: str | os.PathLike[str] | None,
    *,
    site: str | None = None,
    since: str | None = None,
    workers: int | None = None,
    ocr: bool = True,
    again: bool = False,
    options: Options | None = None,
    timeout: float = FILE_TIMEOUT,
    memory_mb: int = FILE_MEMORY_MB,
    progress: Callable[[Figures], None] | None = None,
) -> Figures:
    """Read the text of the archive's attachment files not read yet (`again`: also those read
    by another version of this code; with OCR on, also the scans a --no-ocr run left). Holds
    the archive's lock: refuses beside a crawl."""
    folder = ArchiveFolder.existing(archive)
    workers = workers or os.cpu_count() or 1
    version = filetext_version()
    options = Options(**{**vars(options or Options()), "ocr": ocr})
    figures = Figures()
    with ArchiveLock(folder.root):
        db = ArchiveDB(folder.db_path)
        try:
            filters = check_filters(db, site, None)
            if since:
                filters["since"] = since
            files = files_to_read(
                folder.db_path,
                filters,
                version=version if again else None,
                redo=_redo(ocr),
            )
            jobs = (_job(folder.warc_dir, ref, options) for ref in files)
            start = time.monotonic()
            pause = float(os.environ.get(PAUSE_ENV) or 0)
            batch: list[Outcome] = []
            last_write = start
            try:
                with BoundedWorkers(
                    workers, read_file, timeout=timeout, memory_mb=memory_mb
                ) as pool:
                    for outcome in pool.map(jobs):
                        batch.append(outcome)
                        if pause or time.monotonic() - last_write >= BATCH_SECONDS:
                            _write(db, batch, version, figures)
                            batch, last_write = [], time.monotonic()
                            figures.seconds = last_write - start
                            if progress is not None:
                                progress(figures)
                            time.sleep(pause)
            except WorkersFailed as exc:
                raise ArchiveError(
                    f"{exc}: is --file-memory ({memory_mb} MB) too small for this machine?"
                ) from None
            finally:
                _write(db, batch, version, figures)  # what came back before a stop is kept
            figures.seconds = time.monotonic() - start
        finally:
            db.close()
    return figures


def _redo(ocr: bool) -> list[str]:
    """Notes that make a file worth reading again now: scans left by --no-ocr when OCR is on,
    a missing tool's notes once every tool is installed."""
    redo = [OCR_OFF] if ocr else []
    if missing_tools() is None and shutil.which("antiword"):
        redo.append(TOOL_MISSING)
    return redo


def _job(warc_dir: Path, ref: FileRef, options: Options) -> Job:
    path = str(warc_dir / ref.warc_file)
    return Job(ref.holder, (path, ref.offset, ref.url, ref.content_type, ref.filename, options))


def _write(db: ArchiveDB, outcomes: list[Outcome], version: str, figures: Figures) -> None:
    if not outcomes:
        return
    now = iso_utc(utc_now())
    with write_transaction(db.db):
        for outcome in outcomes:
            if outcome.error and outcome.error.startswith(UNREADABLE):
                figures.unreadable += 1
                continue
            rows = rows_of(outcome)
            store_file(db.db, outcome.job.key, rows, version, now)
            figures.files += 1
            figures.pages += sum(1 for r in rows if r.page is not None)
            figures.ocr_pages += sum(1 for r in rows if r.method == "ocr")
            figures.flagged += any(r.page is None for r in rows)
