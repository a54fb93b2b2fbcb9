"""`govarchive wacz`: a WACZ 1.1.1 package of the archive, or of one site and a date range.

Streaming throughout, so memory stays flat however large the archive: the selected records are
copied byte for byte (gzip members as they are on disk) into one WARC file, with the original
of every selected revisit record so replay can resolve it; cdxj-indexer indexes that file into
the compressed `indexes/index.cdx.gz` + `indexes/index.idx` pair (its sort spills to temporary
files past 32 MB); `pages/pages.jsonl` lists the article pages with their titles, read from the
database. The package is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from archive.cdxj import cdxj_indexer
from archive.clock import Clock, iso_utc, utc_now
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.search import QueryError, article_filters
from archive.sites import find_site

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
CHUNK = 1 << 16


@dataclass
class WaczSummary:
    path: Path
    records: int  # response and revisit records copied
    pages: int
    bytes: int


def _selection(site: str | None, since: str | None, until: str | None) -> tuple[str, list[str]]:
    """SQL for the ids of the captures to package: those of the site's crawls in the date
    range, plus the originals their revisit records refer to."""
    filters, params = ["c.warc_file IS NOT NULL"], []
    if site:
        filters.append("k.site_id IN (SELECT id FROM sites WHERE host = ? OR name = ?)")
        params += [site.lower(), site]
    try:
        dates, date_params = article_filters(since=since, until=until, date_column="c.fetched_at")
    except QueryError as exc:
        raise ArchiveError(str(exc)) from None
    filters += dates
    params += date_params
    chosen = (
        "SELECT c.id FROM captures c JOIN crawls k ON k.id = c.crawl_id "
        f"WHERE {' AND '.join(filters)}"
    )
    return (
        f"WITH chosen AS ({chosen}) SELECT id FROM chosen UNION "
        "SELECT refers_to FROM captures WHERE id IN (SELECT id FROM chosen) AND refers_to IS NOT NULL",
        params,
    )


def _member(fh: BinaryIO, start: int) -> tuple[int, bytes]:
    """Length of the gzip member (one WARC record) starting at `start` (0 at the end of the
    file), and the start of its record, enough for its WARC headers."""
    fh.seek(start)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed, head = 0, b""
    while not inflater.eof:
        chunk = fh.read(CHUNK)
        if not chunk:
            return 0, b""
        data = inflater.decompress(chunk)
        if len(head) < 2048:
            head += data[: 2048 - len(head)]
        consumed += len(chunk)
    return consumed - len(inflater.unused_data), head


def _copy(src: BinaryIO, start: int, length: int, dst: BinaryIO) -> None:
    src.seek(start)
    left = length
    while left:
        chunk = src.read(min(CHUNK, left))
        if not chunk:
            raise ArchiveError(f"WARC file ends early at {start}; run govarchive verify")
        dst.write(chunk)
        left -= len(chunk)


def _write_warc(
    con: sqlite3.Connection, folder: ArchiveFolder, selection: tuple[str, list[str]], out: Path,
    info: dict[str, str],
) -> int:  # fmt: skip
    """The selected records (each response or revisit with the request written after it), in
    archive order, after a warcinfo record. Returns how many were copied."""
    sql, params = selection
    rows = con.execute(
        f"SELECT warc_file, warc_offset, warc_length, response_record_id FROM captures WHERE id IN ({sql}) "
        "ORDER BY warc_file, warc_offset",
        params,
    )
    copied = 0
    with out.open("wb") as dst:
        WARCWriter(dst, gzip=True).write_record(
            WARCWriter(io.BytesIO()).create_warcinfo_record(WARC_NAME, info)
        )
        current, src = None, None
        try:
            for name, offset, length, record_id in rows:
                if name != current:
                    if src:
                        src.close()
                    src, current = (folder.warc_dir / name).open("rb"), name
                assert src is not None
                _copy(src, offset, length, dst)
                # then the records written with it: its request (and a 304's metadata)
                at, mark = offset + length, f"WARC-Concurrent-To: {record_id}".encode()
                while True:
                    size, head = _member(src, at)
                    if not size or mark not in head.split(b"\r\n\r\n", 1)[0]:
                        break
                    _copy(src, at, size, dst)
                    at += size
                copied += 1
        finally:
            if src:
                src.close()
    return copied


def _pages(con: sqlite3.Connection, selection: tuple[str, list[str]]) -> Iterator[dict]:
    """Article pages with a capture in the package: url, title, and the latest such capture."""
    sql, params = selection
    rows = con.execute(
        "SELECT a.url, a.title, max(c.fetched_at) FROM articles a JOIN captures c ON c.url = a.url "
        f"WHERE c.id IN ({sql}) AND c.status IN (200, 304) GROUP BY a.url ORDER BY a.url",
        params,
    )
    for url, title, fetched in rows:
        yield {"id": hashlib.sha1(f"{url} {fetched}".encode()).hexdigest()[:20],
               "url": url, "ts": fetched, "title": title}  # fmt: skip


class _Hashing:
    """A write-only stream that hashes and counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def resource(self, path: str) -> dict:
        return {"name": os.path.basename(path).lower(), "path": path,
                "hash": "sha256:" + self.sha.hexdigest(), "bytes": self.size}  # fmt: skip


def write_wacz(
    folder: ArchiveFolder,
    out: Path,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    clock: Clock = utc_now,
    software: str = "govarchive",
) -> WaczSummary:
    import zipfile

    if out.suffix != ".wacz":
        raise ArchiveError(f"the package name should end in .wacz, not {out.name!r}")
    if not out.parent.is_dir():
        raise ArchiveError(f"no folder {out.parent} to write {out.name} in")
    selection = _selection(site, since, until)
    con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    created = clock()
    stamp = created.timetuple()[:6]
    try:
        if site and find_site(con, site) is None:
            raise ArchiveError(f"no site {site!r} in this archive; `govarchive sites list --all`")
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".wacz-") as tmp:
            warc = Path(tmp) / WARC_NAME
            info = {"software": software, "format": "WARC File Format 1.0",
                    "description": "govarchive export: " + json.dumps(
                        {"site": site, "since": since, "until": until}, sort_keys=True)}  # fmt: skip
            records = _write_warc(con, folder, selection, warc, info)
            if not records:
                raise ArchiveError("nothing in the archive matches; check --site, --since, --until")
            # Every member is made as a file first and added with its size known: zipfile then
            # writes plain local headers (zip64 only past 4 GB), which wabac.js (ReplayWeb.page)
            # reads; streamed members get zip64 data descriptors it misreads.
            idx, cdx = Path(tmp) / "index.idx", Path(tmp) / "index.cdx.gz"
            with idx.open("w", encoding="utf-8") as idx_out, cdx.open("wb") as cdx_out:
                cdxj_indexer()(
                    idx_out, [str(warc)], sort=True, post_append=True, compress=cdx_out,
                    lines=1024, data_out_name="index.cdx.gz", digest_records=True,
                    fields="referrer",
                ).process_all()  # fmt: skip
            pages_file, pages = Path(tmp) / "pages.jsonl", 0
            with pages_file.open("w", encoding="utf-8") as pf:
                header = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
                pf.write(json.dumps(header) + "\n")
                for page in _pages(con, selection):
                    pf.write(json.dumps(page, ensure_ascii=False) + "\n")
                    pages += 1
            members = [
                (warc, f"archive/{WARC_NAME}", zipfile.ZIP_STORED),
                (cdx, "indexes/index.cdx.gz", zipfile.ZIP_STORED),
                (idx, "indexes/index.idx", zipfile.ZIP_DEFLATED),
                (pages_file, "pages/pages.jsonl", zipfile.ZIP_DEFLATED),
            ]
            partial = Path(tmp) / "package.wacz"
            resources = []
            with zipfile.ZipFile(partial, "w", allowZip64=True) as zf:
                for source, name, method in members:
                    zi = zipfile.ZipInfo(name, stamp)
                    zi.compress_type = method
                    zi.file_size = source.stat().st_size
                    with source.open("rb") as src, zf.open(zi, "w") as dst:
                        sink = _Hashing(dst)
                        shutil.copyfileobj(src, sink, CHUNK)  # type: ignore[misc]
                    resources.append(sink.resource(name))
                package = {
                    "profile": "data-package",
                    "resources": resources,
                    "title": "govarchive" + (f": {site}" if site else ""),
                    "created": iso_utc(created),
                    "wacz_version": WACZ_VERSION,
                    "software": software,
                }
                data = json.dumps(package, indent=2).encode()
                zi = zipfile.ZipInfo("datapackage.json", stamp)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(zi, data)
                digest = {"path": "datapackage.json",
                          "hash": "sha256:" + hashlib.sha256(data).hexdigest()}  # fmt: skip
                zi = zipfile.ZipInfo("datapackage-digest.json", stamp)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(zi, json.dumps(digest, indent=2))
            os.replace(partial, out)
    finally:
        con.close()
    return WaczSummary(out, records, pages, out.stat().st_size)
