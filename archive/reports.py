"""Crawl runs as archivists read them: the list of runs, and one run's report.

Everything comes from the `crawls` row (its figures are kept as the crawl goes) and the captures
and articles it touched; nothing here writes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from archive.clock import from_iso
from archive.errors import ArchiveError

# Short names (new = articles_new, ...): the list is read in a terminal.
LIST_COLUMNS = (
    "id", "site", "started_at", "finished_at", "status", "mode", "trigger", "pages",
    "new", "changed", "unchanged", "gone", "errors",
)  # fmt: skip


def list_crawls(con: sqlite3.Connection, site: str | None = None, limit: int = 50) -> list[dict]:
    """Most recent first."""
    where, params = "", []
    if site:
        where, params = "WHERE s.name = ? OR s.host = ?", [site, site.lower()]
    rows = con.execute(
        "SELECT c.id, s.name, c.started_at, c.finished_at, c.status, c.mode, c.trigger, c.pages, "
        "c.articles_new, c.articles_updated, c.articles_unchanged, c.articles_gone, c.errors "
        f"FROM crawls c JOIN sites s ON s.id = c.site_id {where} ORDER BY c.id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [dict(zip(LIST_COLUMNS, r, strict=True)) for r in rows]


@dataclass
class CrawlReport:
    crawl: dict[str, Any]
    duration_seconds: float | None
    new: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    changed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[tuple[str, str]] = field(default_factory=list)
    errors_by_kind: dict[str, int] = field(default_factory=dict)


def _seconds(start: str | None, end: str | None) -> float | None:
    started, ended = from_iso(start), from_iso(end)
    if started is None or ended is None:
        return None
    return (ended - started).total_seconds()


def _articles(
    con: sqlite3.Connection, column: str, window: list, extra: str = ""
) -> list[tuple[str, str]]:
    """(url, title) of the site's articles whose `column` time falls in the crawl's window."""
    return [
        (r[0], r[1])
        for r in con.execute(
            f"SELECT url, title FROM articles WHERE site_id = ? AND {column} >= ? "
            f"AND {column} <= ? {extra} ORDER BY url",
            window,
        )
    ]


def crawl_report(con: sqlite3.Connection, crawl_id: int) -> CrawlReport:
    con.row_factory = sqlite3.Row
    try:
        row = con.execute(
            "SELECT c.*, s.name AS site, s.host FROM crawls c JOIN sites s ON s.id = c.site_id "
            "WHERE c.id = ?",
            [crawl_id],
        ).fetchone()
    finally:
        con.row_factory = None
    if row is None:
        raise ArchiveError(f"no crawl {crawl_id} in this archive; `govarchive crawls` lists them")
    crawl = dict(row)
    report = CrawlReport(crawl, _seconds(crawl["started_at"], crawl["finished_at"]))
    started, ended = crawl["started_at"], crawl["finished_at"] or "9999"
    window = [crawl["site_id"], started, ended]
    report.new = _articles(con, "first_seen", window)
    report.changed = _articles(con, "version_since", window, "AND first_seen < version_since")
    report.gone = _articles(con, "gone_at", window)
    for kind, n in con.execute(
        "SELECT CASE WHEN status IS NULL THEN coalesce(substr(error, 1, instr(error || ':', ':') - 1), "
        "'no response') ELSE 'HTTP ' || status END AS kind, count(*) FROM captures "
        "WHERE crawl_id = ? AND (status IS NULL OR status >= 400) "
        "AND coalesce(page_kind, '') != 'probe' GROUP BY kind ORDER BY kind",
        [crawl_id],
    ):
        report.errors_by_kind[kind] = n
    return report
