"""What a resumed crawl needs from the archive: which crawls were cut off, their WARC tails
repaired, what they had discovered, and the responses they already hold (replayed, not refetched)."""

from __future__ import annotations

import fcntl
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.frontier import Frontier, FrontierEntry, forget_captures
from archive.verify import scan_warc, truncate_tail
from archive.warc import read_record

UNFINISHED = ("running", "interrupted")


@dataclass
class ResumeState:
    """Everything one cut-off crawl had done, for its spider to carry on from."""

    crawl_id: int
    host: str
    unfinished: list[FrontierEntry] = field(default_factory=list)
    known: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    stored_keys: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Recorded:
    """A response as the archive holds it, ready to hand back to the crawler."""

    url: str
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes
    capture_id: int


def unfinished_crawl(db: Database, site_id: int) -> int | None:
    row = db.execute(
        "SELECT id FROM crawls WHERE site_id = ? AND status IN (?, ?) ORDER BY id DESC LIMIT 1",
        [site_id, *UNFINISHED],
    ).fetchone()
    return int(row[0]) if row else None


def unfinished_crawls_readonly(db_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(root_url, crawl settings) of every site whose latest crawl was cut off; reads only."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT s.root_url, c.settings FROM sites s JOIN crawls c ON c.site_id = s.id "
            "WHERE c.id = (SELECT max(id) FROM crawls WHERE site_id = s.id) AND c.status IN (?, ?) "
            "ORDER BY s.id",
            list(UNFINISHED),
        ).fetchall()
    finally:
        con.close()
    return [(root, json.loads(settings or "{}")) for root, settings in rows]


def repair_tails(db: Database, warc_dir: Path) -> list[str]:
    """Cut every WARC file back to its last complete record, and mark lost the captures that
    pointed past it (their pages are fetched again). Each file is read from the last record a
    capture points at (everything before it was committed after it was on disk), and all files
    are repaired before any crawl reads its frontier: portals share files, so one cut can take
    records of every crawl of the run. With the write ordering of docs/robustness.md a kill
    leaves no committed capture past a file's end; a power cut with fsync off can."""
    notes = []
    last = {
        r[0]: int(r[1])
        for r in db.execute(
            "SELECT warc_file, max(warc_offset) FROM captures WHERE warc_file IS NOT NULL "
            "AND lost_at IS NULL GROUP BY warc_file"
        )
    }
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as held:
            try:  # a file another crawl worker is writing has no torn tail to cut
                fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            scan = scan_warc(path, check_digests=False, start=last.get(path.name, 0))
            if truncate_tail(scan):
                cut = scan.size - scan.good_end
                notes.append(f"{path.name}: cut {cut} bytes of incomplete record")
        lost = [
            r[0]
            for r in db.execute(
                "SELECT id FROM captures WHERE warc_file = ? AND warc_offset + warc_length > ? "
                "AND lost_at IS NULL",
                [path.name, scan.good_end],
            ).fetchall()
        ]
        if lost:
            queued = forget_captures(db, lost)
            notes.append(
                f"{path.name}: {len(lost)} capture(s) lost with the tail will be fetched again"
                + (f" ({queued} article page(s) among them)" if queued else "")
            )
    return notes


def resume_state(
    db: Database, warc_dir: Path, crawl_id: int, host: str, site_id: int
) -> ResumeState:
    state = ResumeState(crawl_id, host)
    frontier = Frontier(db)
    state.unfinished = frontier.unfinished(crawl_id)
    state.known = frontier.known_urls(crawl_id)
    # Articles this crawl has dealt with: its own frontier's article pages (the unfinished ones
    # are taken out again by the spider). Not every article of the site: on a re-crawl the
    # archive holds them all from before, and those not reached yet must still be checked.
    state.stored_keys = {
        meta["govarchive_article_key"]
        for _, kind, meta in state.known
        if kind == "page" and meta.get("govarchive_article_key")
    }
    return state


def recorded_response(db: Database, warc_dir: Path, crawl_id: int, url: str) -> Recorded | None:
    """The latest usable response this crawl already holds for `url` (not a server error). A
    revisit of an identical payload is answered with the record that holds the payload; a 304
    revisit stays a 304, as the crawl first saw it."""
    row = db.execute(
        "SELECT id, warc_file, warc_offset, record_type, refers_to, status FROM captures "
        "WHERE crawl_id = ? AND url = ? AND status IS NOT NULL AND status < 500 "
        "AND warc_file IS NOT NULL AND lost_at IS NULL ORDER BY id DESC LIMIT 1",
        [crawl_id, url],
    ).fetchone()
    if row is None:
        return None
    capture_id, name, offset, record_type, refers_to, status = row
    http, body = read_record(warc_dir / name, offset)
    if record_type == "revisit" and status != 304:
        held = db.execute(
            "SELECT warc_file, warc_offset FROM captures WHERE id = ? AND lost_at IS NULL",
            [refers_to],
        ).fetchone()
        if held is None:
            return None
        body = read_record(warc_dir / held[0], held[1])[1]
        capture_id = refers_to
    return Recorded(
        url=url,
        status=304 if status == 304 else int(http.get_statuscode()),  # a 304 revisit carries 200
        protocol=http.protocol or "HTTP/1.1",
        headers=list(http.headers),
        body=body,
        capture_id=int(capture_id),
    )
