"""Check an archive the way a reader would, and repair what can be repaired safely.

`govarchive verify` reads every WARC record with digests checked, runs SQLite's integrity check,
and proves every row's evidence: every article -> its capture -> a record whose payload digest
is the capture's; every capture -> its record; every revisit -> its original. `--repair` cuts a
WARC file back to its last complete record (the tail a kill can leave), marks the captures that
pointed into the cut tail lost (their frontier entries pending again), and queues the pages of
articles left without evidence for the next crawl. It never deletes an article.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.clock import iso_utc, utc_now
from archive.db import open_database, queue_refetch
from archive.folder import ArchiveFolder
from archive.frontier import forget_captures
from archive.tx import write_transaction


@dataclass
class WarcScan:
    path: Path
    records: int = 0
    good_end: int = 0  # offset just past the last complete, readable record
    size: int = 0
    problems: list[str] = field(default_factory=list)
    bad_records: set[str] = field(default_factory=set)  # record ids failing their digest

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
                # Offsets are the file's own: warcio counts from where the file was when it
                # began (fh.tell()), not from 0. Adding `start` again made every record after
                # a resume's starting point look incomplete, and resume cut them all off.
                offset = iterator.get_record_offset()
                length = iterator.get_record_length()
                raw.seek(offset)
                if not _complete_member(raw.read(length)):
                    break
                if check_digests and record.digest_checker.passed is False:
                    rid = record.rec_headers.get_header("WARC-Record-ID")
                    scan.problems.append(f"{path.name}: record {rid} fails its digest")
                    scan.bad_records.add(rid)
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
    open_database(folder.db_path).close()  # the checks need the current schema (m010)
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
            "SELECT id, url, warc_file, warc_offset, warc_length, response_record_id, "
            "payload_digest FROM captures WHERE warc_file IS NOT NULL AND lost_at IS NULL "
            "ORDER BY id"
        ).fetchall()
        problems, waiting = _check_revisits(con, repair)
        report.problems += problems
        bad: dict[int, str] = {}  # capture -> what is wrong with its record
        urls: dict[int, str] = {}
        for cid, url, name, offset, length, record_id, digest in rows:
            report.captures += 1
            problem = _check_capture(
                folder.warc_dir / name, scans.get(name), url, offset, length, record_id, digest
            )
            if problem:
                bad[cid], urls[cid] = problem, url
        orphans = _orphans(con, bad)
        documents = _document_orphans(con, bad)
        # What --repair deals with: captures cut off with a tail, and those of orphaned
        # articles (marked lost; the articles' pages queued). Other bad records stay problems.
        mended = {cid for cid, p in bad.items() if p.startswith("beyond")}
        mended |= {cid for _, _, _, cid in orphans + documents if cid in bad}
        for cid, problem in bad.items():
            if not (repair and cid in mended):
                report.problems.append(f"capture {cid} ({urls[cid]}): {problem}")
    finally:
        con.close()
    if repair:
        _repair(folder, report, bad, orphans, [cid for _, _, _, cid in documents])
        _repair_documents(folder, report, bad, documents)
        if waiting:
            report.repaired.append(
                f"archive.db: {waiting} revisit(s) of lost records point at the payload again "
                "once a response with it is fetched (a queued page's is)"
            )
    else:
        report.problems += [f"article {aid} ({url}): {why}" for aid, url, why, _ in orphans]
        report.problems += [f"document {d} ({number}): {why}" for d, number, why, _ in documents]
    return report


def _document_orphans(
    con: sqlite3.Connection, bad: dict[int, str]
) -> list[tuple[int, str, str, int]]:
    """Documents whose page is in no good WARC record: (id, number, why, capture id or 0). A
    document backed by another page that showed it is pointed there on repair, not orphaned."""
    out = []
    for did, number, cid, found, lost, name in con.execute(
        "SELECT d.id, coalesce(d.number, d.abstract), d.capture_id, c.id, c.lost_at, "
        "c.warc_file FROM documents d LEFT JOIN captures c ON c.id = d.capture_id ORDER BY d.id"
    ):
        why = _unbacked(cid, found, lost, name, bad, "its page's capture")
        if why:
            out.append((did, number, why, cid or 0))
    return out


def _repair_documents(
    folder: ArchiveFolder,
    report: VerifyReport,
    bad: dict[int, str],
    orphans: list[tuple[int, str, str, int]],
) -> None:
    """An orphaned document is kept: pointed at another page that showed it and is backed,
    else its page queued for the next crawl (which reads the document again)."""
    if not orphans:
        return
    db = open_database(folder.db_path)
    moved = queued = 0
    try:
        with write_transaction(db):
            now = iso_utc(utc_now())
            for did, _, _, cid in orphans:
                backed = [
                    (other, source)
                    for other, source in db.execute(
                        "SELECT p.capture_id, p.source FROM document_pages p JOIN captures c "
                        "ON c.id = p.capture_id WHERE p.document_id = ? AND c.lost_at IS NULL "
                        "AND c.warc_file IS NOT NULL ORDER BY p.capture_id DESC",
                        [did],
                    ).fetchall()
                    if other not in bad
                ]
                if backed:
                    db.execute(
                        "UPDATE documents SET capture_id = ?, source = ? WHERE id = ?",
                        [*backed[0], did],
                    )
                    moved += 1
                    continue
                db.execute(
                    "INSERT OR IGNORE INTO refetch (site_id, url, article_id, reason, queued_at) "
                    "SELECT d.site_id, c.url, NULL, 'record lost', ? FROM documents d "
                    "JOIN captures c ON c.id = ? WHERE d.id = ?",
                    [now, cid, did],
                )
                queued += 1
    finally:
        db.close()
    report.repaired.append(
        f"archive.db: {len(orphans)} orphaned document(s) kept: {moved} backed by another page "
        f"showing them, {queued} with their page queued for the next crawl"
    )


def _orphans(con: sqlite3.Connection, bad: dict[int, str]) -> list[tuple[int, str, str, int]]:
    """Articles whose page is not in the archive: (id, url, why, capture id or 0)."""
    out = []
    for aid, url, cid, found, lost, name, queued in con.execute(
        "SELECT a.id, a.url, a.capture_id, c.id, c.lost_at, c.warc_file, r.id FROM articles a "
        "LEFT JOIN captures c ON c.id = a.capture_id LEFT JOIN refetch r ON r.article_id = a.id "
        "ORDER BY a.id"
    ):
        why = _unbacked(cid, found, lost, name, bad, "its capture")
        if not why:
            continue
        if queued:
            why += "; its page is queued for the next crawl (govarchive crawl or resume)"
        out.append((aid, url, why, cid or 0))
    return out


def _unbacked(
    cid: int | None, found: int | None, lost: str | None, name: str | None,
    bad: dict[int, str], what: str,
) -> str | None:  # fmt: skip
    """Why a row's capture backs nothing (None: it is backed): `what` names the capture."""
    if cid is None:
        return "orphaned: no capture"
    if found is None:
        return f"orphaned: {what} {cid} is not in the archive"
    if lost:
        return f"orphaned: the record of {what} {cid} was lost"
    if name is None:
        return f"orphaned: {what} {cid} has no WARC record"
    if cid in bad:
        return f"orphaned: {what} {cid} is {bad[cid]}"
    return None


def _repair(
    folder: ArchiveFolder,
    report: VerifyReport,
    bad: dict[int, str],
    orphans: list[tuple[int, str, str, int]],
    document_pages: list[int],
) -> None:
    """Captures cut off with a tail, and those of orphaned articles (and documents) whose
    records are bad, are marked lost; the orphans' pages are queued for the next crawl. No
    article is deleted."""
    beyond = [cid for cid, problem in bad.items() if problem.startswith("beyond")]
    backing = [cid for _, _, _, cid in orphans if cid in bad and cid not in beyond]
    backing += [cid for cid in document_pages if cid in bad and cid not in beyond + backing]
    db = open_database(folder.db_path)
    try:
        if beyond:
            forget_captures(db, beyond)
            report.repaired.append(
                f"archive.db: {len(beyond)} capture(s) whose records were in the cut tail marked "
                "lost (a resumed crawl fetches them again)"
            )
        if backing:
            forget_captures(db, backing, reason="record unreadable or fails its digest")
        if orphans:
            with write_transaction(db):
                ids = [aid for aid, _, _, _ in orphans]
                queue_refetch(db, ids, "record lost", iso_utc(utc_now()))
            shown = ", ".join(url for _, url, _, _ in orphans[:3])
            more = f" and {len(orphans) - 3} more" if len(orphans) > 3 else ""
            report.repaired.append(
                f"archive.db: {len(orphans)} orphaned article(s) kept, their pages queued for "
                f"the next crawl (govarchive crawl or resume): {shown}{more}"
            )
    finally:
        db.close()


def _check_revisits(con: sqlite3.Connection, repair: bool) -> tuple[list[str], int]:
    """A revisit is only as good as the response it points at: that capture must exist, hold
    a payload, not be lost and have the same digest. Returns the problems, and how many
    revisits of lost records --repair leaves waiting (the next response with their payload
    takes them over; a refetched page's does)."""
    bad = con.execute(
        "SELECT r.id, r.url, o.lost_at IS NOT NULL FROM captures r "
        "LEFT JOIN captures o ON o.id = r.refers_to "
        "WHERE r.record_type = 'revisit' AND r.lost_at IS NULL AND (o.id IS NULL OR "
        "o.record_type != 'response' OR o.lost_at IS NOT NULL "
        "OR o.payload_digest IS NOT r.payload_digest) ORDER BY r.id"
    ).fetchall()
    problems = [
        f"capture {cid} ({url}): revisit of a "
        + ("response whose record was lost" if lost else "response the archive does not hold")
        for cid, url, lost in bad
        if not (repair and lost)
    ]
    return problems, sum(1 for _, _, lost in bad if lost)


def _check_capture(
    path: Path,
    scan: WarcScan | None,
    url: str,
    offset: int,
    length: int,
    record_id: str,
    digest: str | None = None,
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
        if digest and record.rec_headers.get_header("WARC-Payload-Digest") != digest:
            return f"record at offset {offset} has another payload digest"
        if record_id in scan.bad_records:
            return f"record at offset {offset} fails its payload digest"
    return ""
