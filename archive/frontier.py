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


def forget_captures(db: Database, capture_ids: list[int]) -> None:
    """Captures whose records went with a cut WARC tail: their rows go, nothing points at them
    any more, and their frontier entries are pending again, so a resumed crawl fetches them."""
    if not capture_ids:
        return
    marks = ",".join("?" * len(capture_ids))
    with write_transaction(db):
        db.execute(
            "UPDATE frontier SET state = 'pending', capture_id = NULL "
            f"WHERE capture_id IN ({marks})",
            capture_ids,
        )
        for table in ("articles", "attachments"):
            db.execute(
                f"UPDATE {table} SET capture_id = NULL WHERE capture_id IN ({marks})", capture_ids
            )
        db.execute(f"DELETE FROM captures WHERE id IN ({marks})", capture_ids)
