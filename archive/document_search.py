"""Finding official documents (issue 17 part 3): by number in any spelling researchers type
(`71/2024/QĐ-UBND`, `71/2024/qd-ubnd`, `QĐ 71/2024`, `Quyết định 71/2024`), by words of their
number, type, abstract, issuer, signer or field (diacritics optional), and listed by site, type,
issuer and issue date."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from archive.doc_numbers import parse
from archive.search import (
    _CLOSE,
    _OPEN,
    QueryError,
    _real_date,
    _restore,
    _unreadable,
    fts_query,
)

FTS_TABLE = "documents_fts"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ROW = (
    "d.id, d.number, d.type, d.issued_at, d.effective_at, d.issuer, d.signer, d.abstract, "
    "d.field, s.host, c.url, d.detail_url, d.capture_id"
)


@dataclass
class DocumentHit:
    id: int
    number: str | None
    type: str | None
    issued_at: str | None
    effective_at: str | None
    issuer: str | None
    signer: str | None
    abstract: str | None
    field: str | None
    site: str
    page_url: str  # the page its fields came from (its capture)
    detail_url: str | None
    capture_id: int  # that page's capture
    files: list[str] = field(default_factory=list)
    snippet: str = ""
    score: float = 0.0  # bm25, lower is better; a number look-up's exact matches first


def number_query(query: str) -> bool:
    """Whether a query is a document number (`71/2024/QĐ-UBND`, `QĐ 71/2024`), not words."""
    number = parse(query)
    return number is not None and (number.code is not None or number.issuer is not None)


def filters(
    *,
    site: str | None = None,
    type: str | None = None,
    issuer: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[list[str], list[str]]:
    """SQL conditions on `documents d JOIN sites s`: a site's name or host, the type and the
    issuer (words of them, diacritics as written), issued since/until a day (both included)."""
    where: list[str] = []
    params: list[str] = []
    if site:
        where.append("(s.host = ? OR s.name = ?)")
        params += [site.lower(), site]
    if type:
        where.append("lower(d.type) = lower(?)")
        params.append(type)
    if issuer:
        where.append("instr(lower(d.issuer), lower(?)) > 0")
        params.append(issuer)
    for value, op in ((since, ">="), (until, "<=")):
        if value:
            if not _DATE.match(value) or not _real_date(value):
                raise QueryError(f"dates are YYYY-MM-DD, not {value!r}")
            where.append(f"substr(d.issued_at, 1, 10) {op} ?")
            params.append(value)
    return where, params


def _base(where: list[str]) -> str:
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return (
        f"SELECT {_ROW} FROM documents d JOIN sites s ON s.id = d.site_id "
        f"JOIN captures c ON c.id = d.capture_id{clause}"
    )


def list_documents(
    con: sqlite3.Connection, *, limit: int | None = None, **given
) -> list[DocumentHit]:
    """Documents filtered, newest issue first (then by number), with their files."""
    where, params = filters(**given)
    sql = _base(where) + " ORDER BY d.issued_at IS NULL, d.issued_at DESC, d.number, d.id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _with_files(con, [DocumentHit(*row) for row in con.execute(sql, params)])


def find_by_number(
    con: sqlite3.Connection, query: str, *, limit: int | None = 20, **given
) -> list[DocumentHit]:
    """Documents whose number matches `query` as far as both say (archive.doc_numbers)."""
    wanted = parse(query)
    if wanted is None:
        return []
    where, params = filters(**given)
    where = ["d.serial = ?", *where]
    rows = con.execute(
        _base(where) + " ORDER BY d.issued_at DESC, d.id",
        [wanted.serial.lstrip("0") or "0", *params],
    ).fetchall()
    hits = []
    for row in rows:
        number = parse(row[1] or "")
        if number is not None and wanted.matches(number):
            hits.append(DocumentHit(*row, snippet=row[1] or "", score=float("-inf")))
    return _with_files(con, hits[:limit])


def search_documents(
    con: sqlite3.Connection, query: str, *, limit: int = 20, **given
) -> list[DocumentHit]:
    """Documents whose number, type, abstract, issuer, signer or field match `query` (words,
    with or without diacritics), best first; a query that is a document number finds that
    number in any spelling first."""
    hits = find_by_number(con, query, limit=limit, **given) if number_query(query) else []
    match = fts_query(query)
    where, params = filters(**given)
    sql = (
        f"SELECT {_ROW}, snippet({FTS_TABLE}, -1, ?, ?, '…', 16), "
        f"bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} "
        f"JOIN documents d ON d.id = {FTS_TABLE}.rowid JOIN sites s ON s.id = d.site_id "
        f"JOIN captures c ON c.id = d.capture_id WHERE {FTS_TABLE} MATCH ?"
        + "".join(f" AND {w}" for w in where)
        + " ORDER BY score LIMIT ?"
    )
    try:
        rows = con.execute(sql, [_OPEN, _CLOSE, match, *params, limit]).fetchall()
    except sqlite3.OperationalError as exc:
        raise _unreadable(query, exc) from None
    seen = {h.id for h in hits}
    for *row, snip, score in rows:
        if row[0] not in seen:  # the texts indexed: number, type, abstract, issuer, signer, field
            seen.add(row[0])
            texts = [row[1], row[2], row[7], row[5], row[6], row[8]]
            snippet = _restore([t or "" for t in texts], snip)
            hits.append(DocumentHit(*row, snippet=snippet, score=score))
    return _with_files(con, hits[:limit])


def count_documents(con: sqlite3.Connection, query: str, **given) -> int:
    """How many documents search_documents would find with no limit."""
    ids = (
        {h.id for h in find_by_number(con, query, limit=None, **given)}
        if number_query(query)
        else set()
    )
    where, params = filters(**given)
    sql = (
        f"SELECT d.id FROM {FTS_TABLE} JOIN documents d ON d.id = {FTS_TABLE}.rowid "
        f"JOIN sites s ON s.id = d.site_id WHERE {FTS_TABLE} MATCH ?"
        + "".join(f" AND {w}" for w in where)
    )
    try:
        ids |= {r[0] for r in con.execute(sql, [fts_query(query), *params])}
    except sqlite3.OperationalError as exc:
        raise _unreadable(query, exc) from None
    return len(ids)


def _with_files(con: sqlite3.Connection, hits: list[DocumentHit]) -> list[DocumentHit]:
    for hit in hits:
        hit.files = [
            r[0]
            for r in con.execute(
                "SELECT url FROM document_files WHERE document_id = ? ORDER BY position", [hit.id]
            )
        ]
    return hits
