"""The text of archived attachment files, as `govarchive filetext` stores it: which files are
still to read, their pages written with their search entries in one transaction a batch, and a
diacritic-free search over them. Rows hang on the capture holding the file's bytes (a
revisit's original), so one file is read once however many articles link it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The article search's snippet markers and the step that puts the original letters (đ) back
# into a snippet of folded text: one way of showing matches for both indexes.
from archive.search import _CLOSE, _OPEN, _restore, _unreadable, fold, fts_query

if TYPE_CHECKING:
    from sqlite_utils import Database

FTS_TABLE = "attachment_texts_fts"


def create_index(db: Database) -> None:
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "text, tokenize = 'unicode61 remove_diacritics 2')"
    )


@dataclass(frozen=True)
class FileRef:
    """One archived file to read: the capture holding its bytes and where they are."""

    holder: int
    url: str
    warc_file: str
    offset: int
    content_type: str | None
    filename: str | None


@dataclass(frozen=True)
class PageRow:
    """A page's text as stored (the stage's PageText, without depending on crawler/)."""

    page: int | None
    text: str
    method: str
    confidence: float | None = None
    error: str | None = None
    legacy: str | None = None


_FILES = """
SELECT h.id, h.url, h.warc_file, h.warc_offset, h.content_type, min(a.filename)
FROM (
  SELECT x.capture_id, x.filename, ar.site_id FROM attachments x
  JOIN articles ar ON ar.id = x.article_id
  UNION ALL
  SELECT f.capture_id, NULL, d.site_id FROM document_files f JOIN documents d ON d.id = f.document_id
) a
JOIN captures c ON c.id = a.capture_id
JOIN captures h ON h.id = CASE WHEN c.record_type = 'revisit' THEN c.refers_to ELSE c.id END
WHERE h.record_type = 'response' AND h.status = 200 AND h.lost_at IS NULL
  AND h.warc_file IS NOT NULL
  AND (NOT EXISTS (SELECT 1 FROM attachment_texts t WHERE t.capture_id = h.id {version})
       {redo})
  {where}
GROUP BY h.id
ORDER BY h.id
"""


def files_to_read(
    db_path: Path,
    filters: Mapping[str, Any],
    *,
    version: str | None = None,
    redo: Sequence[str] = (),
) -> Iterator[FileRef]:
    """Archived files of articles and of documents (document_files) not read yet (by any extractor version, or by `version` when
    given), and files with a row whose error starts with one of `redo` (scans a --no-ocr run
    left, files a missing tool left unread), filtered
    by site (`site_id`) and fetched since a day (`since`). Streamed from a read-only
    connection of its own, so the run holds a file at a time, not the list."""
    params: list[Any] = []
    version_sql = redo_sql = ""
    where: list[str] = []
    if version is not None:
        version_sql = "AND t.extractor_version = ?"
        params.append(version)
    if redo:
        prefixes = " OR ".join("substr(t.error, 1, ?) = ?" for _ in redo)
        redo_sql = (
            "OR EXISTS (SELECT 1 FROM attachment_texts t WHERE t.capture_id = h.id "
            f"AND ({prefixes}))"
        )
        for prefix in redo:
            params += [len(prefix), prefix]
    if filters.get("site_id") is not None:
        where.append("AND a.site_id = ?")
        params.append(filters["site_id"])
    if filters.get("since"):
        where.append("AND h.fetched_at >= ?")
        params.append(filters["since"])
    sql = _FILES.format(version=version_sql, redo=redo_sql, where=" ".join(where))
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for row in con.execute(sql, params):
            yield FileRef(*row)
    finally:
        con.close()


def store_file(db: Database, holder: int, pages: Sequence[PageRow], version: str, now: str) -> None:
    """A file's rows, replacing any earlier reading of it (call inside a write transaction).
    Every file read has a row: a file with no page gets its note (or an empty page 1)."""
    old = [
        r[0] for r in db.execute("SELECT id FROM attachment_texts WHERE capture_id = ?", [holder])
    ]
    if old:
        marks = ",".join("?" * len(old))
        db.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", old)
        db.execute(f"DELETE FROM attachment_texts WHERE id IN ({marks})", old)
    for page in pages or [PageRow(1, "", "none")]:
        cursor = db.execute(
            "INSERT INTO attachment_texts (capture_id, page, text, method, ocr_confidence, "
            "error, legacy_encoding, extractor_version, extracted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [holder, page.page, page.text, page.method, page.confidence, page.error,
             page.legacy, version, now],
        )  # fmt: skip
        if page.text:
            db.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (?, ?)",
                [cursor.lastrowid, fold(page.text)],
            )


@dataclass(frozen=True)
class PageHit:
    url: str  # the file's URL
    page: int | None
    method: str
    snippet: str  # matched words between [ and ]
    score: float  # bm25: lower is better
    capture_id: int | None = None  # the capture holding the file's bytes


def _pages_on_site(site: str | None) -> tuple[str, list[str]]:
    if not site:
        return "", []
    return (
        " AND c.crawl_id IN (SELECT k.id FROM crawls k JOIN sites s ON s.id = k.site_id "
        "WHERE s.host = ? OR s.name = ?)",
        [site.lower(), site],
    )


def count_pages(con: sqlite3.Connection, query: str, *, site: str | None = None) -> int:
    """How many pages search_pages would find with no limit."""
    on_site, site_params = _pages_on_site(site)
    sql = (
        f"SELECT count(*) FROM {FTS_TABLE} JOIN attachment_texts t ON t.id = {FTS_TABLE}.rowid "
        f"JOIN captures c ON c.id = t.capture_id WHERE {FTS_TABLE} MATCH ?{on_site}"
    )
    try:
        return int(con.execute(sql, [fts_query(query), *site_params]).fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise _unreadable(query, exc) from None


def search_pages(
    con: sqlite3.Connection, query: str, *, limit: int = 20, site: str | None = None
) -> list[PageHit]:
    """Pages of attachment files matching `query` (folded as article search folds it: with or
    without diacritics, `đ` too), best first; `site` (a name or host): files a crawl of that
    site fetched. `con` is a sqlite3 connection."""
    match = fts_query(query)
    on_site, site_params = _pages_on_site(site)
    sql = (
        f"SELECT c.url, t.page, t.method, t.text, snippet({FTS_TABLE}, 0, ?, ?, '…', 16), "
        f"bm25({FTS_TABLE}) AS score, c.id FROM {FTS_TABLE} "
        f"JOIN attachment_texts t ON t.id = {FTS_TABLE}.rowid "
        f"JOIN captures c ON c.id = t.capture_id WHERE {FTS_TABLE} MATCH ?{on_site} "
        "ORDER BY score LIMIT ?"
    )
    params = [_OPEN, _CLOSE, match, *site_params, limit]
    try:
        rows = con.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        raise _unreadable(query, exc) from None
    return [
        PageHit(url, page, method, _restore([text], snippet), score, capture_id)
        for url, page, method, text, snippet, score, capture_id in rows
    ]
