"""The archive for researchers, in Python (notebooks, scripts), read-only.

from archive import Archive
a = Archive("govarchive-data")
for hit in a.search("duong lien thon", since="2023-01-01"):
    print(hit.published_at, hit.title, hit.snippet)
rows = a.articles(site="sxd.laocai.gov.vn", since="2023-06-01")
a.sql("SELECT category, count(*) AS n FROM articles GROUP BY category")
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive.attachment_texts import PageHit, search_pages
from archive.citation import Citation, citation
from archive.db import open_database
from archive.document_search import DocumentHit, list_documents, search_documents
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.frames import Results
from archive.lock import ArchiveLock
from archive.readonly import guard, refused
from archive.schema import migrations
from archive.search import Hit, article_filters, search
from archive.warc import decoded_payload, read_record


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    site: str
    category: str
    title: str
    summary: str
    body: str
    author: str
    published_at: str | None
    first_seen: str
    last_seen: str


def _upgrade_if_behind(folder: ArchiveFolder) -> None:
    """An archive written by an older govarchive gets the newer schema (full-text index and all)
    before it is read: a schema change under the archive lock, never a change to what is stored."""
    ro = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    try:
        behind = bool(migrations.pending(Database(ro)))
    finally:
        ro.close()
    if behind:
        with ArchiveLock(folder.root):
            open_database(folder.db_path).close()


@dataclass(frozen=True)
class CapturedPage:
    url: str
    capture_id: int
    status: int  # a 304 revisit confirmed the held 200
    fetched_at: str
    content_type: str
    body: bytes


@dataclass(frozen=True)
class Version:
    title: str
    summary: str
    body: str
    author: str
    published_at: str | None
    seen_from: str
    seen_until: str  # for the current version: when a crawl last found it

    def lines(self) -> list[str]:
        """The version as the lines a diff compares: each field named, a paragraph a line."""
        return [
            f"title: {self.title}",
            f"published: {self.published_at or ''}",
            f"lead: {self.summary or ''}",
            *(self.body or "").split("\n\n"),
            f"author: {self.author or ''}",
        ]


class Archive:
    """A read-only view of an archive folder: nothing done through it can change the archive."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.folder = ArchiveFolder.existing(path)
        _upgrade_if_behind(self.folder)
        # A crawl may be writing: WAL lets us read beside it, and a reader that meets a lock
        # (a checkpoint, the WAL being reset) waits for it rather than failing.
        self.con = sqlite3.connect(f"file:{self.folder.db_path}?mode=ro", uri=True, timeout=30)
        self._refusal = guard(self.con)  # no ATTACH, VACUUM INTO, ...: nothing opens a file

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: queries in it see the archive as of one moment, however a crawl
        writes meanwhile (each statement alone would see its own moment)."""
        if self.con.in_transaction:
            yield self.con
            return
        self.con.execute("BEGIN")
        try:
            yield self.con
        finally:
            self.con.rollback()

    def search(self, query: str, **filters: Any) -> Results[Hit]:
        """Full-text search; filters: site, since, until (YYYY-MM-DD), category, limit. A list
        with to_arrow() and to_pandas()."""
        with self.snapshot():
            return Results(search(self.con, query, **filters), Hit)

    def search_documents(self, query: str, **filters: Any) -> list[DocumentHit]:
        """Official documents by number (any spelling) or words; filters: site, type, issuer,
        since, until (issue dates, YYYY-MM-DD), limit."""
        with self.snapshot():
            return search_documents(self.con, query, **filters)

    def documents(self, **filters: Any) -> list[DocumentHit]:
        """Official documents, newest issue first; filters as search_documents."""
        with self.snapshot():
            return list_documents(self.con, **filters)

    def search_files(self, query: str, **filters: Any) -> list[PageHit]:
        """Pages of archived files (attachments, documents' files) whose text matches; filters:
        site, limit."""
        with self.snapshot():
            return search_pages(self.con, query, **filters)

    def articles(
        self,
        *,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        category: str | None = None,
        limit: int | None = None,
    ) -> Results[ArticleRow]:
        """Stored articles, newest first: a list with to_arrow() and to_pandas()."""
        filters, params = article_filters(site=site, since=since, until=until, category=category)
        where = ["1 = 1", *filters]
        sql = (
            "SELECT a.id, a.url, s.host, a.category, a.title, a.summary, a.body, a.author, "
            "a.published_at, a.first_seen, a.last_seen FROM articles a "
            f"JOIN sites s ON s.id = a.site_id WHERE {' AND '.join(where)} "
            "ORDER BY a.published_at DESC, a.id DESC"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return Results((ArticleRow(*row) for row in self.con.execute(sql, params)), ArticleRow)

    def history(self, url: str) -> tuple[list[Version], str | None]:
        """Every version of the article at `url`, oldest first (the last is the current one), and
        when it was found taken down (None if it was not)."""
        with self.snapshot():
            row = self.con.execute(
                "SELECT id, title, summary, body, author, published_at, coalesce(version_since, "
                "first_seen), last_seen, gone_at FROM articles WHERE url = ?",
                [url],
            ).fetchone()
            if row is None:
                raise ArchiveError(f"no article with URL {url} in {self.folder.root}")
            old = self.con.execute(
                "SELECT title, summary, body, author, published_at, seen_from, seen_until "
                "FROM article_versions WHERE article_id = ? ORDER BY seen_until, id",
                [row[0]],
            ).fetchall()
        versions = [Version(*v) for v in old]
        versions.append(Version(*row[1:8]))
        return versions, row[8]

    def page(self, url: str) -> CapturedPage | None:
        """The latest archived response to a GET of `url` (any status), its body as the server
        meant it (Content-Encoding undone), read from the WARC record that holds the payload."""
        with self.snapshot():
            row = self.con.execute(
                "SELECT id, status, fetched_at, warc_file, warc_offset, record_type, refers_to "
                "FROM captures WHERE url = ? AND method = 'GET' AND warc_file IS NOT NULL "
                "AND lost_at IS NULL ORDER BY id DESC LIMIT 1",
                [url],
            ).fetchone()
            if row is None:
                return None
            capture_id, status, fetched_at, name, offset, record_type, refers_to = row
            if record_type == "revisit" and refers_to is not None:  # the payload is elsewhere
                held = self.con.execute(
                    "SELECT warc_file, warc_offset FROM captures WHERE id = ? AND lost_at IS NULL",
                    [refers_to],
                ).fetchone()
                if held is None:
                    return None
                name, offset = held
        http, body = read_record(self.folder.warc_dir / name, offset)
        body = decoded_payload(body, http.headers)
        return CapturedPage(
            url=url,
            capture_id=int(capture_id),
            status=200 if status == 304 else int(status),
            fetched_at=fetched_at,
            content_type=http.get_header("Content-Type") or "",
            body=body,
        )

    def sql(self, statement: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Any read-only SQL; a statement that would write, or open or create a file, fails."""
        self._refusal.what = ""
        try:
            cursor = self.con.execute(statement, params or [])
            names = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        except (sqlite3.Error, sqlite3.Warning) as exc:  # Warning: more than one statement
            reason = refused(exc, self._refusal) if isinstance(exc, sqlite3.Error) else None
            raise ArchiveError(f"SQL failed: {reason or exc}") from None
        finally:
            if self.con.in_transaction:  # a user's BEGIN: no read transaction is left open
                self.con.rollback()
        return [dict(zip(names, row, strict=True)) for row in rows]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def citation(self, url: str) -> Citation:
        """How to cite the archived article at `url`: the capture its stored text came from (WARC
        record id, payload digest, time) and a ready-to-paste line (`.line()`, docs/serve.md)."""
        with self.snapshot():
            row = self.con.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
            cited = citation(self.con, row[0]) if row else None
        if cited is None:
            raise ArchiveError(f"no article with URL {url} in {self.folder.root}")
        return cited
