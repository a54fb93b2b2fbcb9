"""Datasette plugin: the archive's search folding (đ -> d, query quoting) as SQL functions, so
the canned search query finds `đường` whether typed as `duong` or `đường`."""

from datasette import hookimpl

from archive.search import QueryError, fold, fts_query


def _fts(query: str) -> str:
    try:
        return fts_query(query or "")
    except QueryError:
        return '""'


@hookimpl
def prepare_connection(conn):
    conn.create_function("govarchive_fold", 1, fold, deterministic=True)
    conn.create_function("govarchive_fts", 1, _fts, deterministic=True)
