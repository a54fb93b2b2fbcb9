"""The SQL behind an export: which articles (filters), in which stable order, read in batches."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from archive.search import QueryError, article_filters, fts_query
from archive.sites import find_site
from exports.columns import Column

BATCH = 1000


class FilterError(ValueError):
    """A filter that cannot be used, worded for the user."""


@dataclass
class Filters:
    sites: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    category: str | None = None
    query: str | None = None

    def as_dict(self) -> dict:
        return {"site": self.sites, "since": self.since, "until": self.until,
                "category": self.category, "query": self.query}  # fmt: skip


def where(con: sqlite3.Connection, f: Filters, table: str = "articles") -> tuple[str, list]:
    """WHERE clause over `articles a JOIN sites s` (or `documents a`: dates are issue dates,
    the query searches documents_fts), checked against the archive."""
    if table == "documents" and f.category:
        raise FilterError("documents have no category; --category is for articles")
    try:
        clauses, params = article_filters(
            since=f.since, until=f.until, category=f.category, date_column=DATES[table]
        )
    except QueryError as exc:
        raise FilterError(str(exc)) from None
    if f.sites:
        for site in f.sites:
            if find_site(con, site) is None:
                raise FilterError(
                    f"no site {site!r} in this archive; `govarchive sites list --all`"
                )
        marks = ",".join("?" * len(f.sites))
        clauses.append(f"(s.host IN ({marks}) OR s.name IN ({marks}))")
        params += [s.lower() for s in f.sites] + list(f.sites)
    if f.query:
        try:
            match = fts_query(f.query)
            fts = f"{table}_fts"
            con.execute(f"SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT 1", [match])
        except (QueryError, sqlite3.OperationalError) as exc:
            raise FilterError(f"cannot read the query {f.query!r} ({exc})") from None
        clauses.append(f"a.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)")
        params.append(match)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


FROM = " FROM articles a JOIN sites s ON s.id = a.site_id"
FROMS = {"articles": FROM, "documents": " FROM documents a JOIN sites s ON s.id = a.site_id"}
DATES = {"articles": "a.published_at", "documents": "a.issued_at"}


def count(con: sqlite3.Connection, f: Filters, table: str = "articles") -> int:
    clause, params = where(con, f, table)
    return con.execute("SELECT count(*)" + FROMS[table] + clause, params).fetchone()[0]


def article_rows(
    con: sqlite3.Connection,
    columns: tuple[Column, ...],
    f: Filters,
    partition_by: list[str],
    table: str = "articles",
) -> Iterator[list[tuple]]:
    """Batches of rows: the partition values first (one per key), then the columns; ordered by
    partition then id, so each partition is written whole before the next starts."""
    clause, params = where(con, f, table)
    partition_sql = {"site": "s.host", "year": f"substr({DATES[table]}, 1, 4)"}
    keys = [partition_sql[k] for k in partition_by]
    select = ", ".join([*keys, "s.host", *(c.sql for c in columns)])
    order = ", ".join([*(f"{k} IS NULL, {k}" for k in keys), "a.id"])
    cursor = con.execute(f"SELECT {select}{FROMS[table]}{clause} ORDER BY {order}", params)
    while batch := cursor.fetchmany(BATCH):
        yield batch


def related_rows(
    con: sqlite3.Connection, table: str, columns: tuple[Column, ...], f: Filters
) -> Iterator[list[tuple]]:
    """The images or attachments of the exported articles, by article then position."""
    clause, params = where(con, f)
    order = "t.article_id, t.position" if table == "images" else "t.article_id, t.url"
    cursor = con.execute(
        f"SELECT {', '.join(c.sql for c in columns)} FROM {table} t "
        f"WHERE t.article_id IN (SELECT a.id{FROM}{clause}) ORDER BY {order}",
        params,
    )
    while batch := cursor.fetchmany(BATCH):
        yield batch
