"""What a resumed crawl needs from the archive: which crawls were cut off, their WARC tails
repaired, what they had discovered, and the responses they already hold (replayed, not refetched)."""

from __future__ import annotations

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
    repaired: list[str] = field(default_factory=list)


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


def repair_tails(db: Database, warc_dir: Path, crawl_id: int) -> list[str]:
    """Cut each WARC file this crawl wrote back to its last complete record, and forget the
    captures that pointed past it, so the resumed crawl fetches those again."""
    notes = []
    files = [
        (r[0], r[1])
        for r in db.execute(
            "SELECT warc_file, max(warc_offset) FROM captures WHERE crawl_id = ? AND warc_file "
            "IS NOT NULL GROUP BY warc_file",
            [crawl_id],
        )
    ]
    indexed = {
        r[0]
        for r in db.execute("SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL")
    }
    # Files no capture points into: a kill before the first capture was committed.
    files += [(p.name, 0) for p in sorted(warc_dir.glob("*.warc.gz")) if p.name not in indexed]
    for name, last_offset in files:
        path = warc_dir / name
        if not path.exists():
            continue
        scan = scan_warc(path, check_digests=False, start=int(last_offset))
        if truncate_tail(scan):
            notes.append(f"{name}: cut {scan.size - scan.good_end} bytes of incomplete record")
        lost = [
            r[0]
            for r in db.execute(
                "SELECT id FROM captures WHERE warc_file = ? AND warc_offset + warc_length > ?",
                [name, scan.good_end],
            ).fetchall()
        ]
        if lost:
            forget_captures(db, lost)
            notes.append(f"{name}: {len(lost)} capture(s) lost with the tail will be fetched again")
    return notes


def resume_state(
    db: Database, warc_dir: Path, crawl_id: int, host: str, site_id: int
) -> ResumeState:
    state = ResumeState(crawl_id, host)
    state.repaired = repair_tails(db, warc_dir, crawl_id)
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
        "AND warc_file IS NOT NULL ORDER BY id DESC LIMIT 1",
        [crawl_id, url],
    ).fetchone()
    if row is None:
        return None
    capture_id, name, offset, record_type, refers_to, status = row
    http, body = read_record(warc_dir / name, offset)
    if record_type == "revisit" and status != 304:
        held = db.execute(
            "SELECT warc_file, warc_offset FROM captures WHERE id = ?", [refers_to]
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
