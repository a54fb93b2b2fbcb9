"""The archive's CDXJ index, DIR/indexes/index.cdxj, kept up to date after each crawl.

Lines come from cdxj-indexer (the indexer pywb and py-wacz use): `<SURT> <timestamp> {json}`
with url, mime, status, digest, length, offset and filename (relative to DIR/warc/), sorted, so
replay tools and `grep`/`look` can use it as is. An update indexes only the WARC files not yet
in it and merges their sorted lines in (a streaming merge: memory stays flat); a file that
changed since it was indexed (cut back by `verify --repair`) makes it rebuild. Files a running
crawl is still writing wait for the next update. DIR/indexes/indexed.json lists what is in.

A crawl does not read its WARC files back for this: as it writes each response or revisit
record it writes the record's line (cdxj_line, the same line cdxj-indexer makes of it, which a
test holds it to) to DIR/indexes/pending/NAME.part, renamed NAME@SIZE.cdxj once the file is
closed. An update takes those lines for a file of that size and indexes any other file
(one a crash cut off, or that `verify --repair` changed) with cdxj-indexer.
"""

from __future__ import annotations

import glob
import heapq
import json
import os
import re
import sqlite3
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.timeutils import iso_date_to_timestamp

from archive.folder import ArchiveFolder

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders

INDEX_NAME = "index.cdxj"
LISTING = "indexed.json"
PENDING = "pending"
# Characters of lines sorted in memory at a time; beyond, sorted runs on disk are merged. Small:
# it is what the index update adds to a crawl's peak memory (about 6,000 lines, 2.5 MB).
SORT_BUFFER = 2 * 1024 * 1024
_MIME_END = re.compile(r"[;\s]")  # cdxj-indexer's cut of a Content-Type to its mime type


def cdxj_line(
    record: ArcWarcRecord,
    request_headers: StatusAndHeaders | None,
    offset: int,
    length: int,
    filename: str,
) -> str:
    """The line cdxj-indexer (post_append, fields=referrer) writes for a response or revisit
    record of a GET, from the record as it is written."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    index: dict[str, str] = {"url": url}
    http = record.http_headers
    if record.rec_type == "revisit":
        index["mime"] = "warc/revisit"
    elif http is not None and (ctype := http.get_header("content-type")) is not None:
        index["mime"] = _MIME_END.split(ctype, 1)[0].strip()
    if http is not None:
        index["status"] = http.get_statuscode()
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if digest is not None:
        index["digest"] = digest
    index.update(length=str(length), offset=str(offset), filename=filename)
    # cdxj-indexer pairs only a response (not a revisit) with its request
    referrer = None
    if record.rec_type == "response" and request_headers is not None:
        referrer = request_headers.get_header("referer")
    if referrer:
        index["referrer"] = referrer
    import surt  # here: it loads tldextract, which a crawl needs only once it writes

    try:
        key = surt.surt(url)
    except Exception:  # as cdxj-indexer does: a URL surt cannot read keys itself
        key = url
    stamp = iso_date_to_timestamp(record.rec_headers.get_header("WARC-Date"))
    return f"{key} {stamp} {json.dumps(index)}\n"


def cdxj_indexer() -> type:
    """cdxj_indexer's CDXJIndexer, imported only when indexing (a crawl starts faster). It
    imports pyamf, which imports pkg_resources: setuptools < 81 (Scrapyd needs it) warns on
    every import, on the user's terminal, about nothing they can fix."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        from cdxj_indexer.main import CDXJIndexer
    return CDXJIndexer


def index_warcs(paths: list[Path], out: Path, root: Path | None = None) -> None:
    """Sorted CDXJ of `paths` into `out`; filenames relative to `root` (default: bare names)."""
    with out.open("w", encoding="utf-8") as fh:
        cdxj_indexer()(
            fh,
            [str(p) for p in paths],
            sort=True,
            post_append=True,
            fields="referrer",
            dir_root=str(root) if root else None,
        ).process_all()


def _sorted_runs(paths: list[Path], tmp: Path) -> list[Path]:
    """The lines of `paths` as sorted runs in `tmp`, each at most SORT_BUFFER characters, for
    heapq.merge: memory stays flat however large a crawl was. (cdxj-indexer's SortingWriter
    does the same, but importing it costs a crawl 90 ms: it loads pyamf and pkg_resources.)"""
    runs: list[Path] = []
    lines: list[str] = []
    size = 0

    def spill() -> None:
        nonlocal size
        lines.sort()
        runs.append(tmp / f"run{len(runs)}.cdxj")
        with runs[-1].open("w", encoding="utf-8") as out:
            out.writelines(lines)  # not "".join: that would hold a second copy
        lines.clear()
        size = 0

    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                lines.append(line)
                size += len(line)
                if size >= SORT_BUFFER:
                    spill()
    if lines:
        spill()
    return runs


def _busy_files(folder: ArchiveFolder) -> set[str]:
    """WARC files that running crawls write to."""
    try:
        con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        return {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL AND crawl_id "
                "IN (SELECT id FROM crawls WHERE status = 'running')"
            )
        }
    except sqlite3.Error:
        return set()
    finally:
        con.close()


def update_index(folder: ArchiveFolder, rebuild: bool = False) -> tuple[int, int]:
    """Bring DIR/indexes/index.cdxj up to date. Returns (files indexed now, files in the index).
    Call it holding the archive lock (one writer)."""
    index_dir = folder.root / "indexes"
    index_dir.mkdir(exist_ok=True)
    index, listing = index_dir / INDEX_NAME, index_dir / LISTING
    known: dict[str, int] = json.loads(listing.read_text()) if listing.is_file() else {}
    busy = _busy_files(folder)
    present = {p.name: p.stat().st_size for p in sorted(folder.warc_dir.glob("*.warc.gz"))}
    if rebuild or not index.is_file() or any(present.get(n) != s for n, s in known.items()):
        known = {}
    new = [n for n in sorted(present) if n not in known and n not in busy]
    if not new and index.is_file():
        return 0, len(known)
    pending = index_dir / PENDING
    with tempfile.TemporaryDirectory(dir=index_dir) as tmp:
        written = [pending / f"{n}@{present[n]}.cdxj" for n in new]
        sources = _sorted_runs([w for w in written if w.is_file()], Path(tmp))
        unwritten = [
            folder.warc_dir / n for n, w in zip(new, written, strict=True) if not w.is_file()
        ]
        if unwritten:
            sources.append(Path(tmp) / "read.cdxj")
            index_warcs(unwritten, sources[-1])
        if known and index.is_file():
            sources.append(index)
        merged = Path(tmp) / "merged.cdxj"
        handles = [p.open(encoding="utf-8") for p in sources]
        try:
            with merged.open("w", encoding="utf-8") as out:
                out.writelines(heapq.merge(*handles))
        finally:
            for h in handles:
                h.close()
        os.replace(merged, index)
    for n in new:  # their lines are in; a crashed crawl's partial file is of no more use
        for leftover in pending.glob(f"{glob.escape(n)}[@.]*"):
            leftover.unlink(missing_ok=True)
    known.update({n: present[n] for n in new})
    tmp_listing = listing.with_suffix(".tmp")
    tmp_listing.write_text(json.dumps(known, indent=0, sort_keys=True))
    os.replace(tmp_listing, listing)
    return len(new), len(known)
