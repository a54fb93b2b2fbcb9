"""Full-text search over articles that works without Vietnamese diacritics.

SQLite's FTS5 `unicode61 remove_diacritics 2` folds tone marks but never `đ`/`Đ` (it has no
Unicode decomposition), so the index holds each text with `đ` folded to `d` — one character for
one, so offsets into the folded text are offsets into the original — and every query is folded
the same way. The store keeps the index in step with `articles`, in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

FTS_TABLE = "articles_fts"
FILTER_INDEX = "articles_search_filters"  # schema m007
_OPERATORS = re.compile(r'["*()]|\b(?:AND|OR|NOT|NEAR)\b')
_TERM = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """A search query FTS5 cannot read, worded for the user."""


def fold(text: str) -> str:
    # Two replace() calls, not str.translate: translate looks up every character of a
    # Vietnamese text in its table (200 us for a 5 KB body; this is 100x faster).
    return unicodedata.normalize("NFC", text or "").replace("đ", "d").replace("Đ", "D")


def create_index(db: Database) -> None:
    db.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
    )


def index_article(db: Database, article_id: int, title: str, summary: str, body: str) -> None:
    """Insert or replace one article's entry (call inside the article's write transaction). In
    a grouped commit the entry is written with the group's COMMIT (GroupCommit.defer)."""
    from archive.tx import GroupCommit

    row = [article_id, fold(title), fold(summary), fold(body)]
    group: GroupCommit | None = getattr(db, GroupCommit.ATTR, None)
    if group is None:
        _write_entry(db, row)
    else:
        group.defer(lambda: _write_entry(db, row))


def _write_entry(db: Database, row: list) -> None:
    db.execute(
        f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (?, ?, ?, ?)",
        row,
    )


def fts_query(query: str) -> str:
    """The user's query for FTS5 MATCH, folded. Plain words become quoted terms (so `35/2023` or
    `Nghị-quyết` cannot break the syntax); queries with operators, quotes or * pass as written."""
    folded = fold(query).strip()
    if not folded:
        raise QueryError(
            "empty search query; give some words, e.g. govarchive search 'nghi quyet 35'"
        )
    if _OPERATORS.search(folded):
        return folded
    return " ".join(f'"{term}"' for term in _TERM.findall(folded))


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    title: str
    site: str
    category: str
    published_at: str | None
    snippet: str  # matched words between [ and ]
    score: float  # bm25: lower is better


_OPEN, _CLOSE = "\x02", "\x03"
# FTS5's words for a query it cannot read: `"x` (unterminated string), `foo:bar` (no such
# column), `*` alone (unknown special query), `AND (` (syntax error).
_QUERY_ERRORS = ("fts5", "syntax", "no such column", "unknown special query", "unterminated")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _real_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def article_filters(
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
    date_column: str = "a.published_at",
) -> tuple[list[str], list[str]]:
    """SQL conditions (on `articles a` joined to `sites s`) and their parameters for the filters
    researchers use: a site's name or host, published since/until a day (both included), a
    category. `date_column` is the ISO 8601 time the day bounds apply to."""
    where: list[str] = []
    params: list[str] = []
    if site:
        where.append("(s.host = ? OR s.name = ?)")
        params += [site.lower(), site]
    for value, op in ((since, ">="), (until, "<=")):
        if value:
            if not _DATE.match(value) or not _real_date(value):
                raise QueryError(f"dates are YYYY-MM-DD, not {value!r}")
            where.append(f"substr({date_column}, 1, 10) {op} ?")
            params.append(value)
    if category:
        where.append("a.category = ?")
        params.append(category)
    return where, params


def search(
    con,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Articles matching `query`, best first (bm25), filtered by site (name or host), category
    and published date (YYYY-MM-DD, both ends included). `con` is a sqlite3 connection."""
    match = fts_query(query)
    joins, where, params = _matching(match, site, since, until, category)
    # Rank first, on the index alone (bm25() in the ORDER BY, which SQLite runs faster than the
    # same order through FTS5's `rank` column), filtering through the narrow filter index rather
    # than the wide article rows; then build snippets for the few rows kept.
    ranked = (
        f"SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}) AS score FROM {FTS_TABLE}{joins} "
        f"WHERE {' AND '.join(where)} ORDER BY score LIMIT ?"
    )
    detail = (
        "SELECT a.url, a.title, s.host, a.category, a.published_at, a.title, a.summary, a.body, "
        f"snippet({FTS_TABLE}, -1, ?, ?, '…', 16) FROM {FTS_TABLE} "
        f"JOIN articles a ON a.id = {FTS_TABLE}.rowid JOIN sites s ON s.id = a.site_id "
        f"WHERE {FTS_TABLE} MATCH ? AND {FTS_TABLE}.rowid = ?"
    )
    try:
        top = con.execute(ranked, [*params, limit]).fetchall()
        hits = []
        for rowid, score in top:
            url, title, host, cat, published, *texts, snip = con.execute(
                detail, [_OPEN, _CLOSE, match, rowid]
            ).fetchone()
            hits.append(
                Hit(rowid, url, title, host, cat or "", published, _restore(texts, snip), score)
            )
    except Exception as exc:  # sqlite3.OperationalError: what FTS5 cannot read in the query
        raise _unreadable(query, exc) from None
    return hits


def _unreadable(query: str, exc: Exception) -> Exception:
    """A QueryError saying how to write the query when FTS5 could not read it; else `exc`."""
    if any(sign in str(exc) for sign in _QUERY_ERRORS):
        return QueryError(
            f'cannot read the search query {query!r} ({exc}); quote phrases with "..." '
            "and write operators in capitals: AND, OR, NOT"
        )
    return exc


def _matching(
    match: str, site: str | None, since: str | None, until: str | None, category: str | None
) -> tuple[str, list[str], list[str]]:
    """The joins, conditions and parameters of the articles matching a folded query and the
    filters: the index alone when there is no filter, else through the narrow filter index."""
    filters, filter_params = article_filters(site=site, since=since, until=until, category=category)
    where, params = [f"{FTS_TABLE} MATCH ?", *filters], [match, *filter_params]
    joins = (
        ""
        if not filters
        else (
            f" JOIN articles a INDEXED BY {FILTER_INDEX} ON a.id = {FTS_TABLE}.rowid"
            " JOIN sites s ON s.id = a.site_id"
        )
    )
    return joins, where, params


def count(
    con,
    query: str,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    category: str | None = None,
) -> int:
    """How many articles `search` would find with no limit."""
    joins, where, params = _matching(fts_query(query), site, since, until, category)
    sql = f"SELECT count(*) FROM {FTS_TABLE}{joins} WHERE {' AND '.join(where)}"
    try:
        return int(con.execute(sql, params).fetchone()[0])
    except Exception as exc:  # sqlite3.OperationalError: what FTS5 cannot read in the query
        raise _unreadable(query, exc) from None


def _restore(originals: list[str], folded_snippet: str) -> str:
    """FTS5 snippets come from the folded text; put the original letters (đ) back, and mark the
    matched words with [ ]."""
    plain = folded_snippet.replace(_OPEN, "").replace(_CLOSE, "").strip("…")
    for original in originals:
        start = fold(original).find(plain)
        if start >= 0 and plain:
            restored = iter(original[start : start + len(plain)])
            lead = "…" if folded_snippet.startswith("…") else ""
            body = folded_snippet[len(lead) :]
            out = [lead]
            for ch in body:
                if ch == _OPEN:
                    out.append("[")
                elif ch == _CLOSE:
                    out.append("]")
                else:
                    out.append(next(restored, ch))
            return "".join(out)
    return folded_snippet.replace(_OPEN, "[").replace(_CLOSE, "]")
