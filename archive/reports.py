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


# Each article text (the current one and earlier versions) with the capture it was taken from.
_TEXTS = (
    "SELECT article_id, capture_id, seen_from AS since, id AS n FROM article_versions "
    "UNION ALL SELECT id, capture_id, coalesce(version_since, first_seen), 1e18 FROM articles"
)


def _articles(con: sqlite3.Connection, crawl_id: int, site_id: int, which: str) -> list[tuple]:
    """(url, title) of the site's articles this crawl stored for the first time (`new`), whose
    text it found changed (`changed`), or whose page it found gone (`gone`). Told by the
    captures the crawl made, not by time windows: a crawl that starts in the second another
    ended would otherwise claim the other's articles."""
    mine = "(SELECT id FROM captures WHERE crawl_id = ?)"
    first = f"(SELECT t.capture_id FROM ({_TEXTS}) t WHERE t.article_id = a.id ORDER BY t.since, t.n LIMIT 1)"
    if which == "new":
        where = f"{first} IN {mine}"
    elif which == "changed":
        where = (
            f"EXISTS (SELECT 1 FROM ({_TEXTS}) t WHERE t.article_id = a.id AND t.capture_id IN "
            f"{mine} AND t.capture_id IS NOT {first})"
        )
    else:
        where = (
            "a.gone_at IS NOT NULL AND a.url IN (SELECT url FROM captures WHERE crawl_id = ? "
            "AND status IN (404, 410))"
        )
    return [
        (r[0], r[1])
        for r in con.execute(
            f"SELECT a.url, a.title FROM articles a WHERE a.site_id = ? AND {where} ORDER BY a.url",
            [site_id, crawl_id],
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
    for which in ("new", "changed", "gone"):
        setattr(report, which, _articles(con, crawl_id, crawl["site_id"], which))
    for kind, n in con.execute(
        "SELECT CASE WHEN status IS NULL THEN coalesce(substr(error, 1, instr(error || ':', ':') - 1), "
        "'no response') ELSE 'HTTP ' || status END AS kind, count(*) FROM captures "
        "WHERE crawl_id = ? AND (status IS NULL OR status >= 400) "
        "AND coalesce(page_kind, '') != 'probe' GROUP BY kind ORDER BY kind",
        [crawl_id],
    ):
        report.errors_by_kind[kind] = n
    return report
