"""The SQLite archive: the one source of truth. Every write that belongs together is one transaction."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from archive import schema
from archive.clock import Clock, from_iso, iso_utc, utc_now
from archive.errors import ArchiveError
from archive.page_figures import page_figures, warning_for
from archive.search import index_article
from archive.tx import write_transaction
from archive.warc import WarcLocation

StoreOutcome = Literal["new", "updated", "unchanged"]


@dataclass
class ArticleRecord:
    """A clean article as the crawler hands it to the archive."""

    url: str
    article_key: str
    title: str
    body: str
    summary: str = ""
    author: str = ""
    category: str = ""
    published_at: str | None = None
    images: list[Mapping[str, Any]] = field(default_factory=list)
    attachments: list[Mapping[str, Any]] = field(default_factory=list)
    body_html: str = ""
    text_flags: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        parts = [self.title, self.summary, self.body, self.author, self.published_at or ""]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def row_fields(self) -> dict[str, Any]:
        """The article row's text columns as the archive writes them (a crawl or extract)."""
        return {
            "category": self.category,
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "author": self.author,
            "published_at": self.published_at,
            "content_hash": self.content_hash(),
            "body_html": self.body_html,
            "text_flags": json.dumps(sorted(self.text_flags)),
        }


def open_database(path: Path) -> Database:
    """Open (creating if needed) the archive database in WAL mode with every migration applied."""
    try:
        db = Database(path)
        db.execute("PRAGMA busy_timeout = 10000")  # first: other writers (crawl workers) wait
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        # WAL + NORMAL: a commit survives a killed process; after power loss the newest commits
        # may be gone but the file stays consistent, and resume re-fetches what they described.
        db.execute("PRAGMA synchronous = NORMAL")
        schema.apply(db)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot open archive database {path}: {exc}") from exc
    return db


class ArchiveDB:
    def __init__(self, path: Path, clock: Clock = utc_now) -> None:
        self.path = path
        self.clock = clock
        self.db = open_database(path)

    def close(self) -> None:
        self.db.close()

    @classmethod
    def reading(cls, path: Path, clock: Clock = utc_now) -> ArchiveDB:
        """A connection that only reads (no migration, no write lock), for a process beside the
        crawl's writer: it sees what the writer has committed."""
        archive = cls.__new__(cls)
        archive.path, archive.clock = path, clock
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        archive.db = Database(conn)
        return archive

    # sites and crawls -------------------------------------------------------------------------
    def ensure_site(self, host: str, root_url: str, name: str | None = None) -> int:
        with write_transaction(self.db):
            row = self._one("SELECT id FROM sites WHERE host = ?", [host])
            if row:
                return int(row[0])
            return int(
                self.db["sites"]
                .insert(
                    {
                        "host": host,
                        "name": name or host,
                        "root_url": root_url,
                        "first_seen": iso_utc(self.clock()),
                    }
                )
                .last_pk
            )

    def start_crawl(
        self,
        site_id: int,
        user_agent: str,
        settings: Mapping[str, Any],
        run: Mapping[str, Any] | None = None,
    ) -> int:
        """A crawl row; `run` may give its mode (incremental/full), trigger and log file."""
        with write_transaction(self.db):
            return self._insert(
                "crawls",
                {
                    "site_id": site_id,
                    "started_at": iso_utc(self.clock()),
                    "status": "running",
                    "user_agent": user_agent,
                    "settings": json.dumps(dict(settings), sort_keys=True),
                    "mode": (run or {}).get("mode", "incremental"),
                    "trigger": (run or {}).get("trigger", "manual"),
                    "log_file": (run or {}).get("log_file"),
                },
            )

    def reopen_crawl(self, crawl_id: int) -> None:
        with write_transaction(self.db):
            self.db["crawls"].update(
                crawl_id, {"status": "running", "finished_at": None, "error": None}
            )

    def mark_gone(self, url: str, when: str, crawl_id: int | None = None) -> None:
        """An article URL that now answers 404 or 410 is marked gone, never deleted."""
        cursor = self.db.execute(
            "UPDATE articles SET gone_at = ? WHERE url = ? AND gone_at IS NULL", [when, url]
        )
        if cursor.rowcount and crawl_id is not None:
            self._count_on_crawl(crawl_id, "articles_gone")

    def count_capture(self, crawl_id: int, written: int, revisit: Any) -> None:
        """A crawl's WARC bytes and revisit figures, kept as it goes (a report needs no scan)."""
        not_modified = int(bool(revisit is not None and revisit.not_modified))
        self.db.execute(
            "UPDATE crawls SET bytes_written = bytes_written + ?, revisits = revisits + ?, "
            "not_modified = not_modified + ? WHERE id = ?",
            [written, int(revisit is not None), not_modified, crawl_id],
        )

    def article_seen(self, site_id: int, crawl_id: int, url: str) -> bool:
        """An article a 304 confirmed unchanged: seen again, nothing re-stored."""
        with write_transaction(self.db):
            row = self._one(
                "SELECT id, last_crawl_id FROM articles WHERE url = ? AND site_id = ?",
                [url, site_id],
            )
            if row is None:
                return False
            self._seen_unchanged(int(row[0]), row[1], crawl_id, iso_utc(self.clock()))
            if self._one("SELECT 1 FROM refetch WHERE article_id = ?", [row[0]]):
                held = self.last_response(url)  # the response the 304 confirmed
                if held is not None:
                    self._back_with(int(row[0]), held[0])
        return True

    def has_response(self, crawl_id: int) -> bool:
        return bool(
            self._count(
                "SELECT count(*) FROM captures WHERE crawl_id = ? AND status IS NOT NULL",
                [crawl_id],
            )
        )

    def finish_crawl(self, crawl_id: int, status: str, error: str | None = None) -> dict[str, int]:
        """Close a crawl, counting its figures from what was really stored, and say in its
        `warning` what it could not read (no articles, most article-like pages refused)."""
        with write_transaction(self.db):
            pages = self._count(
                "SELECT count(*) FROM captures WHERE crawl_id = ? AND status IS NOT NULL",
                [crawl_id],
            )
            # A probe for a file a portal may not have (/sitemap.xml) is no error when absent.
            errors = self._count(
                "SELECT count(*) FROM captures WHERE crawl_id = ? AND (status IS NULL "
                "OR status >= 400) AND coalesce(page_kind, '') != 'probe'",
                [crawl_id],
            )
            figures = {"pages": pages, "errors": errors}
            row = self._one(
                "SELECT c.articles_new, c.articles_updated, c.articles_unchanged, s.root_url "
                "FROM crawls c JOIN sites s ON s.id = c.site_id WHERE c.id = ?",
                [crawl_id],
            )
            assert row is not None
            kinds = page_figures(self.db, crawl_id)
            warning = None
            if status in ("finished", "stopped"):
                warning = warning_for(
                    kinds, row[0] + row[1] + row[2], row[3], str(self.path.parent)
                )
            self.db["crawls"].update(
                crawl_id,
                {
                    "finished_at": iso_utc(self.clock()),
                    "status": status,
                    "error": error,
                    "warning": warning,
                    **figures,
                    **kinds.columns(),
                },
            )
        return {**figures, "articles_new": row[0], "articles_updated": row[1]}

    def article_seen_at(self, site_id: int, url: str) -> datetime | None:
        """When an article at `url` was last confirmed (stored, or seen unchanged), as aware
        UTC: a sitemap whose lastmod is no later says it has not changed since."""
        row = self._one(
            "SELECT a.last_seen, r.id FROM articles a LEFT JOIN refetch r ON r.article_id = a.id "
            "WHERE a.url = ? AND a.site_id = ?",
            [url, site_id],
        )
        # A page waiting to be fetched again is never skipped by its lastmod.
        return from_iso(row[0]) if row and row[0] and row[1] is None else None

    def judge_page(self, capture_id: int, kind: str, reason: str, article_like: bool) -> None:
        """What an HTML page was judged to be, on its capture (the crawl's figures count them)."""
        with write_transaction(self.db):
            self.db.execute(
                "UPDATE captures SET page_kind = ?, page_reason = ?, article_like = ? WHERE id = ?",
                [kind, reason, int(article_like), capture_id],
            )

    # captures ---------------------------------------------------------------------------------
    def add_capture(
        self,
        crawl_id: int,
        url: str,
        *,
        method: str = "GET",
        status: int | None,
        content_type: str | None,
        content_length: int | None,
        fetched_at: str,
        location: WarcLocation | None,
        error: str | None = None,
        refers_to: int | None = None,
        validators: tuple[str | None, str | None] = (None, None),
    ) -> int:
        """One fetch. `refers_to`: the capture a revisit record repeats; `validators`: the
        response's ETag and Last-Modified, sent back on the next crawl's conditional request."""
        row: dict[str, Any] = {
            "crawl_id": crawl_id,
            "url": url,
            "method": method,
            "status": status,
            "content_type": content_type,
            "content_length": content_length,
            "fetched_at": fetched_at,
            "error": error,
        }
        if location is not None:
            row.update(
                warc_file=location.warc_file,
                warc_offset=location.offset,
                warc_length=location.length,
                payload_digest=location.payload_digest,
                response_record_id=location.response_record_id,
                request_record_id=location.request_record_id,
                record_type=location.record_type,
                refers_to=refers_to,
                etag=validators[0],
                last_modified=validators[1],
            )
        with write_transaction(self.db):
            return self._insert("captures", row)

    def original_with_digest(self, digest: str) -> tuple[int, str, str, str] | None:
        """(capture id, url, fetched_at, record id) of the first response record holding this
        payload, for a revisit to point at."""
        row = self._one(
            "SELECT id, url, fetched_at, response_record_id FROM captures WHERE payload_digest = ? "
            "AND record_type = 'response' AND lost_at IS NULL ORDER BY id LIMIT 1",
            [digest],
        )
        return (int(row[0]), row[1], row[2], row[3]) if row else None

    def capture_of_record(self, digest: str, record_id: str) -> int | None:
        """The capture whose response record is `record_id` (a revisit written by another
        process names its original by digest and record id, not by capture)."""
        row = self._one(
            "SELECT id FROM captures WHERE payload_digest = ? AND response_record_id = ? "
            "AND record_type = 'response' ORDER BY id LIMIT 1",
            [digest, record_id],
        )
        return int(row[0]) if row else None

    def last_response(self, url: str) -> tuple[int, str, str, str, str, str, int] | None:
        """The latest successful capture of `url` holding (or revisiting) a payload: (capture
        id, url, fetched_at, record id, digest, WARC file, offset) of the response record that
        holds it."""
        row = self._one(
            "SELECT id, record_type, refers_to FROM captures WHERE url = ? AND status = 200 "
            "AND record_type IS NOT NULL AND lost_at IS NULL ORDER BY id DESC LIMIT 1",
            [url],
        )
        if row is None:
            return None
        capture_id = int(row[2]) if row[1] == "revisit" and row[2] else int(row[0])
        held = self._one(
            "SELECT id, url, fetched_at, response_record_id, payload_digest, warc_file, "
            "warc_offset FROM captures WHERE id = ? AND record_type = 'response' "
            "AND lost_at IS NULL",
            [capture_id],
        )
        return (int(held[0]), *held[1:6], int(held[6])) if held else None

    def file_held_since(self, url: str) -> datetime | None:
        """When the file at `url` was last fetched whole or confirmed (a 200 whose record the
        archive holds), as aware UTC; None if it holds no such capture."""
        held = self.last_response(url)
        if held is None:
            return None
        row = self._one(
            "SELECT max(fetched_at) FROM captures WHERE url = ? AND status IN (200, 304) "
            "AND record_type IS NOT NULL AND lost_at IS NULL",
            [url],
        )
        return from_iso(row[0]) if row and row[0] else None

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the latest successful capture of `url`; none for a page
        waiting to be fetched again (a 304 would confirm a record the archive lost)."""
        if self._one("SELECT 1 FROM refetch WHERE url = ?", [url]):
            return None, None
        row = self._one(
            "SELECT etag, last_modified FROM captures WHERE url = ? AND status = 200 "
            "AND (etag IS NOT NULL OR last_modified IS NOT NULL) AND lost_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            [url],
        )
        return (row[0], row[1]) if row else (None, None)

    # articles ---------------------------------------------------------------------------------
    def store_article(
        self,
        site_id: int,
        crawl_id: int,
        capture_id: int | None,
        art: ArticleRecord,
        extractor_version: str | None = None,
    ) -> StoreOutcome:
        """One article with its images and attachments, counted on its crawl: one transaction.
        `capture_id` is the capture holding the page; an article is never stored without one.
        `extractor_version`: the extraction code that read it (kept on the row when given)."""
        if capture_id is None:
            raise ArchiveError(f"article {art.url} has no capture of its page")
        now = iso_utc(self.clock())
        fields = art.row_fields()
        digest = fields["content_hash"]
        if extractor_version is not None:  # read now: whatever refused it before no longer does
            fields.update(
                extractor_version=extractor_version, rejected_by=None, rejected_reason=None
            )
        with write_transaction(self.db):
            row = self._one(
                "SELECT id, content_hash, last_crawl_id FROM articles "
                "WHERE url = ? OR (site_id = ? AND article_key = ?)",
                [art.url, site_id, art.article_key],
            )
            if row is None:
                article_id = self._insert(
                    "articles",
                    {
                        "url": art.url,
                        "article_key": art.article_key,
                        "site_id": site_id,
                        **fields,
                        "first_seen": now,
                        "last_seen": now,
                        "version_since": now,
                        "capture_id": capture_id,
                        "last_crawl_id": crawl_id,
                    },
                )
                self._write_children(article_id, art)
                index_article(self.db, article_id, art.title, art.summary, art.body)
                self._count_on_crawl(crawl_id, "articles_new")
                return "new"
            article_id, old_hash, seen_by = int(row[0]), row[1], row[2]
            if old_hash == digest:
                # capture_id stays: the capture the text came from, a response record (a
                # re-fetch of the same bytes is only a revisit record pointing back at it),
                # unless that record was lost: then the page fetched again backs the text.
                self._seen_unchanged(article_id, seen_by, crawl_id, now)
                self._back_with(article_id, capture_id, only_if_lost=True)
                if extractor_version is not None:
                    self.db.execute(
                        "UPDATE articles SET extractor_version = ?, rejected_by = NULL, "
                        "rejected_reason = NULL WHERE id = ?",
                        [extractor_version, article_id],
                    )
                return "unchanged"
            # The text changed: the version seen until now is kept, the row takes the new one.
            self.db.execute(
                "INSERT INTO article_versions (article_id, title, summary, body, author, "
                "published_at, content_hash, seen_from, seen_until, capture_id) "
                "SELECT id, title, summary, body, author, published_at, content_hash, "
                "coalesce(version_since, first_seen), ?, capture_id FROM articles WHERE id = ?",
                [now, article_id],
            )
            fields = {**fields, "version_since": now, "gone_at": None}
            self.db["articles"].update(
                article_id,
                {**fields, "last_seen": now, "capture_id": capture_id, "last_crawl_id": crawl_id},
            )
            self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
            self.db.execute("DELETE FROM attachments WHERE article_id = ?", [article_id])
            self._write_children(article_id, art)
            index_article(self.db, article_id, art.title, art.summary, art.body)
            self._count_on_crawl(crawl_id, "articles_updated")
            self.db.execute("DELETE FROM refetch WHERE article_id = ?", [article_id])
            return "updated"

    def _back_with(self, article_id: int, capture_id: int, only_if_lost: bool = False) -> None:
        """Point an article whose page record was lost at a capture that has it, and take it
        off the refetch queue."""
        if only_if_lost:
            lost = self._one(
                "SELECT 1 FROM articles a JOIN captures c ON c.id = a.capture_id WHERE a.id = ? "
                "AND c.lost_at IS NOT NULL UNION ALL SELECT 1 FROM refetch WHERE article_id = ?",
                [article_id, article_id],
            )
            if lost is None:
                return
        self.db.execute("UPDATE articles SET capture_id = ? WHERE id = ?", [capture_id, article_id])
        self.db.execute("DELETE FROM refetch WHERE article_id = ?", [article_id])

    def refetch_urls(self, site_id: int) -> list[tuple[str, str]]:
        """(url, article_key) of the pages of a site waiting to be fetched again."""
        rows = self.db.execute(
            "SELECT r.url, a.article_key FROM refetch r LEFT JOIN articles a ON a.id = r.article_id "
            "WHERE r.site_id = ? ORDER BY r.id",
            [site_id],
        ).fetchall()
        return [(r[0], r[1] or "") for r in rows]

    def adopt_revisits(self, capture_id: int, digest: str) -> None:
        """Revisits of a lost response now refer to this one, which holds the same payload (a
        replay tool finds an identical-payload revisit's payload by its digest)."""
        lost = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM captures WHERE payload_digest = ? AND lost_at IS NOT NULL "
                "AND record_type = 'response'",
                [digest],
            ).fetchall()
        ]
        if lost:
            marks = ",".join("?" * len(lost))
            self.db.execute(
                f"UPDATE captures SET refers_to = ? WHERE refers_to IN ({marks}) "
                "AND record_type = 'revisit'",
                [capture_id, *lost],
            )

    def image_fetched(self, url: str, capture_id: int) -> None:
        """Images showing this file point at the capture holding it."""
        self.db.execute("UPDATE images SET capture_id = ? WHERE src = ?", [capture_id, url])

    def _seen_unchanged(
        self, article_id: int, seen_by: int | None, crawl_id: int, now: str
    ) -> None:
        """An article met again as it was (same text, or a 304): seen now, counted unchanged
        once per crawl however often a resumed crawl meets it."""
        self.db.execute(
            "UPDATE articles SET last_seen = ?, gone_at = NULL, last_crawl_id = ? WHERE id = ?",
            [now, crawl_id, article_id],
        )
        if seen_by != crawl_id:
            self._count_on_crawl(crawl_id, "articles_unchanged")

    def _count_on_crawl(self, crawl_id: int, column: str) -> None:
        self.db.execute(f"UPDATE crawls SET {column} = {column} + 1 WHERE id = ?", [crawl_id])

    def _write_children(
        self, article_id: int, art: ArticleRecord, images_held: Mapping[str, int] | None = None
    ) -> None:
        """The article's images and attachments. `images_held`: src -> the capture an image
        row already pointed at (a re-extraction keeps it; the crawl's rule is the latest)."""
        for pos, img in enumerate(art.images):
            kept = (images_held or {}).get(img["src"])
            held = (kept,) if kept else self.last_response(img["src"])  # fetched already
            self._insert(
                "images",
                {
                    "article_id": article_id,
                    "src": img["src"],
                    "alt": img.get("alt", ""),
                    "caption": img.get("caption", ""),
                    "position": pos,
                    "capture_id": held[0] if held else None,
                },
            )
        for att in _unique_by_url(art.attachments):
            known = self._one(
                "SELECT content_type, size, sha256, capture_id FROM attachments "
                "WHERE url = ? AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
                [att["url"]],
            )
            row = {
                "article_id": article_id,
                "url": att["url"],
                "filename": att.get("filename", ""),
                "link_text": att.get("link_text", ""),
            }
            if known:
                row.update(
                    content_type=known[0], size=known[1], sha256=known[2], capture_id=known[3]
                )
            self._insert("attachments", row)

    def record_attachment_file(
        self, url: str, *, content_type: str | None, size: int, sha256: str, capture_id: int | None
    ) -> int:
        """Fill in what the downloaded file turned out to be, on every article that links it."""
        with write_transaction(self.db):
            cursor = self.db.execute(
                "UPDATE attachments SET content_type = ?, size = ?, sha256 = ?, capture_id = ? "
                "WHERE url = ?",
                [content_type, size, sha256, capture_id, url],
            )
            return cursor.rowcount

    # helpers ----------------------------------------------------------------------------------
    def _insert(self, table: str, row: Mapping[str, Any]) -> int:
        """A plain INSERT: sqlite-utils' insert() re-reads the table's schema on every call, which
        costs more than the write itself on the crawl's hot path."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
        )
        return int(cursor.lastrowid)

    def _one(self, sql: str, params: Iterable[Any]) -> tuple[Any, ...] | None:
        return self.db.execute(sql, list(params)).fetchone()

    def _count(self, sql: str, params: Iterable[Any]) -> int:
        row = self._one(sql, params)
        return int(row[0]) if row else 0


def _unique_by_url(items: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["url"] not in seen:
            seen.add(item["url"])
            out.append(item)
    return out


def queue_refetch(db: Database, article_ids: list[int], reason: str, now: str) -> int:
    """Queue the pages of these articles (inside the caller's transaction); returns how many
    were not queued already."""
    marks = ",".join("?" * len(article_ids))
    cursor = db.execute(
        "INSERT OR IGNORE INTO refetch (site_id, url, article_id, reason, queued_at) "
        f"SELECT site_id, url, id, ?, ? FROM articles WHERE id IN ({marks})",
        [reason, now, *article_ids],
    )
    return cursor.rowcount
