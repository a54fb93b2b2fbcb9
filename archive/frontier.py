"""Each crawl's frontier in SQLite: every request it decided to make, and how far each got.

pending -> fetched (a capture is in the archive) -> done (its page was parsed, its links and
article stored). Rows change in the same transactions as what they describe, so after a kill the
frontier says exactly what a resumed crawl must still do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.clock import iso_utc, utc_now
from archive.db import queue_refetch
from archive.tx import write_transaction


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    kind: str  # "page" or "asset"
    priority: int
    meta: dict[str, Any]
    state: str


class Frontier:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_many(
        self,
        crawl_id: int,
        entries: list[tuple[str, str, int, dict[str, Any]]],
        done_url: str | None,
    ) -> None:
        """A parsed page's new requests recorded, and the page marked done, in one transaction."""
        with write_transaction(self.db):
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO frontier (crawl_id, url, kind, priority, meta, state) "
                "VALUES (?, ?, ?, ?, ?, 'pending')",
                [(crawl_id, u, k, p, json.dumps(m, sort_keys=True)) for u, k, p, m in entries],
            )
            if done_url:
                self.db.execute(
                    "UPDATE frontier SET state = 'done' WHERE crawl_id = ? AND url = ?",
                    [crawl_id, done_url],
                )

    def fetched(self, crawl_id: int, url: str, capture_id: int) -> None:
        """Called inside the capture's own transaction."""
        self.db.execute(
            "UPDATE frontier SET state = 'fetched', capture_id = ? "
            "WHERE crawl_id = ? AND url = ? AND state = 'pending'",
            [capture_id, crawl_id, url],
        )

    def done(self, crawl_id: int, url: str) -> None:
        with write_transaction(self.db):
            self.db.execute(
                "UPDATE frontier SET state = 'done' WHERE crawl_id = ? AND url = ?",
                [crawl_id, url],
            )

    def requeue(self, crawl_id: int, host: str, pages: list[tuple[str, str]]) -> None:
        """Pages whose records were lost, (url, article key), made pending in this crawl, so a
        resumed crawl fetches them again whatever it had done before."""
        with write_transaction(self.db):
            self.db.conn.executemany(
                "INSERT INTO frontier (crawl_id, url, kind, priority, meta, state) "
                "VALUES (?, ?, 'page', 0, ?, 'pending') ON CONFLICT (crawl_id, url) "
                "DO UPDATE SET state = 'pending', capture_id = NULL",
                [
                    (crawl_id, url, json.dumps(_page_meta(host, key), sort_keys=True))
                    for url, key in pages
                ],
            )

    def unfinished(self, crawl_id: int) -> list[FrontierEntry]:
        rows = self.db.execute(
            "SELECT url, kind, priority, meta, state FROM frontier "
            "WHERE crawl_id = ? AND state != 'done' ORDER BY id",
            [crawl_id],
        ).fetchall()
        return [FrontierEntry(r[0], r[1], r[2], json.loads(r[3] or "{}"), r[4]) for r in rows]

    def known_urls(self, crawl_id: int) -> list[tuple[str, str, dict[str, Any]]]:
        rows = self.db.execute(
            "SELECT url, kind, meta FROM frontier WHERE crawl_id = ? ORDER BY id", [crawl_id]
        ).fetchall()
        return [(r[0], r[1], json.loads(r[2] or "{}")) for r in rows]


def _page_meta(host: str, key: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"govarchive_site": host, "depth": 0}
    if key:
        meta["govarchive_article_key"] = key
    return meta


def forget_captures(db: Database, capture_ids: list[int], reason: str = "record lost") -> int:
    """Captures whose records are gone (cut with a torn WARC tail, or failing their digest):
    marked `lost_at`, never deleted, so the articles, images and attachments that point at them
    still do; their frontier entries are pending again (a resumed crawl fetches them) and the
    pages of articles they backed are queued for the next crawl. Returns the articles queued."""
    if not capture_ids:
        return 0
    now = iso_utc(utc_now())
    marks = ",".join("?" * len(capture_ids))
    with write_transaction(db):
        db.execute(
            "UPDATE frontier SET state = 'pending', capture_id = NULL "
            f"WHERE capture_id IN ({marks})",
            capture_ids,
        )
        db.execute(
            f"UPDATE captures SET lost_at = ? WHERE id IN ({marks}) AND lost_at IS NULL",
            [now, *capture_ids],
        )
        orphans = [
            r[0]
            for r in db.execute(
                f"SELECT id FROM articles WHERE capture_id IN ({marks})", capture_ids
            ).fetchall()
        ]
        return queue_refetch(db, orphans, reason, now) if orphans else 0
