"""Check an archive the way a reader would, and repair what can be repaired safely.

`govarchive verify` reads every WARC record with digests checked, runs SQLite's integrity check,
and follows every `captures` row to its record. `--repair` truncates a WARC file back to its last
complete record (the tail a kill can leave) and drops the capture rows that pointed into the lost
tail, putting their frontier entries back to pending so a resumed crawl fetches them again.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.db import open_database
from archive.folder import ArchiveFolder
from archive.frontier import forget_captures


@dataclass
class WarcScan:
    path: Path
    records: int = 0
    good_end: int = 0  # offset just past the last complete, readable record
    size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def truncated_tail(self) -> bool:
        return self.good_end < self.size


def scan_warc(path: Path, check_digests: bool = True, start: int = 0) -> WarcScan:
    """Read records from `start` (a known record boundary) to the end. A record counts as
    complete only when its gzip member ends with a valid trailer: warcio alone accepts a member
    cut short, which is what a kill leaves."""
    scan = WarcScan(path, size=path.stat().st_size, good_end=start)
    with path.open("rb") as fh, path.open("rb") as raw:
        fh.seek(start)
        iterator = ArchiveIterator(fh, check_digests=check_digests)
        try:
            for record in iterator:
                stream = record.content_stream()
                while stream.read(1 << 20):
                    pass
                offset = start + iterator.get_record_offset()
                length = iterator.get_record_length()
                raw.seek(offset)
                if not _complete_member(raw.read(length)):
                    break
                if check_digests and record.digest_checker.passed is False:
                    rid = record.rec_headers.get_header("WARC-Record-ID")
                    scan.problems.append(f"{path.name}: record {rid} fails its digest")
                scan.records += 1
                scan.good_end = offset + length
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error):
            pass
    if scan.truncated_tail:
        scan.problems.append(
            f"{path.name}: {scan.size - scan.good_end} bytes of incomplete record at the end"
        )
    return scan


def _complete_member(data: bytes) -> bool:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        decompressor.decompress(data)
    except zlib.error:
        return False
    return decompressor.eof


def truncate_tail(scan: WarcScan) -> bool:
    """Cut a WARC file back to its last complete record. Returns whether anything was cut."""
    if not scan.truncated_tail:
        return False
    with scan.path.open("r+b") as fh:
        fh.truncate(scan.good_end)
    return True


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    captures: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(folder: ArchiveFolder, repair: bool = False) -> VerifyReport:
    report = VerifyReport()
    if repair:
        open_database(folder.db_path).close()  # repairs need the current schema
    scans = {}
    for path in sorted(folder.warc_dir.glob("*.warc.gz")):
        scan = scan_warc(path)
        scans[path.name] = scan
        report.files += 1
        report.records += scan.records
        if repair and scan.truncated_tail:
            truncate_tail(scan)
            report.repaired.append(
                f"{path.name}: cut {scan.size - scan.good_end} bytes of incomplete record"
            )
            scan.size = scan.good_end
            scan.problems = []
        report.problems += scan.problems

    con = sqlite3.connect(folder.db_path)
    try:
        status = con.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            report.problems.append(f"archive.db: integrity check says {status}")
        rows = con.execute(
            "SELECT id, url, warc_file, warc_offset, warc_length, response_record_id FROM captures "
            "WHERE warc_file IS NOT NULL ORDER BY id"
        ).fetchall()
        report.problems += _check_revisits(con)
        lost: list[int] = []
        for cid, url, name, offset, length, record_id in rows:
            report.captures += 1
            problem = _check_capture(
                folder.warc_dir / name, scans.get(name), url, offset, length, record_id
            )
            if problem:
                if repair and problem.startswith("beyond"):
                    lost.append(cid)
                else:
                    report.problems.append(f"capture {cid} ({url}): {problem}")
        if lost:
            db = open_database(folder.db_path)
            try:
                forget_captures(db, lost)
            finally:
                db.close()
            report.repaired.append(
                f"archive.db: dropped {len(lost)} capture rows whose records were in the cut tail "
                "(a resumed crawl fetches them again)"
            )
    finally:
        con.close()
    return report


def _check_revisits(con: sqlite3.Connection) -> list[str]:
    """A revisit is only as good as the response it points at: that capture must exist, hold
    a payload and have the same digest."""
    columns = {r[1] for r in con.execute("PRAGMA table_info(captures)")}
    if "refers_to" not in columns:
        return []
    bad = con.execute(
        "SELECT r.id, r.url FROM captures r LEFT JOIN captures o ON o.id = r.refers_to "
        "WHERE r.record_type = 'revisit' AND (o.id IS NULL OR o.record_type != 'response' "
        "OR o.payload_digest IS NOT r.payload_digest) ORDER BY r.id"
    ).fetchall()
    return [
        f"capture {cid} ({url}): revisit of a response the archive does not hold"
        for cid, url in bad
    ]


def _check_capture(
    path: Path, scan: WarcScan | None, url: str, offset: int, length: int, record_id: str
) -> str:
    if scan is None:
        return f"WARC file {path.name} is missing"
    if offset + length > scan.good_end:
        return "beyond the last complete record of its WARC file"
    with path.open("rb") as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh)))
        except (StopIteration, ArchiveLoadFailed, EOFError, OSError) as exc:
            return f"no readable record at offset {offset} ({exc})"
        if record.rec_headers.get_header("WARC-Target-URI") != url:
            return f"record at offset {offset} is for {record.rec_headers.get_header('WARC-Target-URI')}"
        if record_id and record.rec_headers.get_header("WARC-Record-ID") != record_id:
            return f"record at offset {offset} has another record id"
    return ""
