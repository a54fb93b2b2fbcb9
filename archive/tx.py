"""Write transactions that wait their turn: BEGIN IMMEDIATE takes the write lock up front, so
with several writers (crawl workers) SQLite's busy timeout applies instead of a deferred
transaction failing with "database is locked" when it tries to upgrade. Nested use is a savepoint."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

_names = itertools.count()


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    conn = db.conn
    if conn.in_transaction:
        name = f"govarchive_{next(_names)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
