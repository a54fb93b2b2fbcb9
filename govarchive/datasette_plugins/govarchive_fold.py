"""Datasette plugin: the archive's search folding (đ -> d, query quoting) as SQL functions, so
the canned search query finds `đường` whether typed as `duong` or `đường`; and the archive's
connections made unable to open, create or change files (archive/readonly.py)."""

from datasette import hookimpl

from archive.readonly import guard
from archive.search import QueryError, fold, fts_query

ARCHIVE_DATABASE = "archive"  # the name Datasette gives archive.db


def _fts(query: str) -> str:
    try:
        return fts_query(query or "")
    except QueryError:
        return '""'


@hookimpl
def prepare_connection(conn, database):
    conn.create_function("govarchive_fold", 1, fold, deterministic=True)
    conn.create_function("govarchive_fts", 1, _fts, deterministic=True)
    if database == ARCHIVE_DATABASE:  # not Datasette's own in-memory databases, which it writes
        guard(conn)
