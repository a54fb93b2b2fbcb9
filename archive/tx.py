"""Write transactions that wait their turn: BEGIN IMMEDIATE takes the write lock up front, so
with several writers (crawl workers) SQLite's busy timeout applies instead of a deferred
transaction failing with "database is locked" when it tries to upgrade. Nested use is a savepoint."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
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


class GroupCommit:
    """One write transaction held across many small ones (each then a savepoint), committed when
    `interval` seconds have passed: a crawl's many per-page transactions cost one WAL write per
    interval instead of one each. Only for a sole writer: the transaction holds SQLite's write
    lock, so crawl workers sharing an archive use interval 0 (every transaction commits at once).
    A kill loses at most the last interval, which leaves the archive as it was at a commit."""

    def __init__(
        self, db: Database, interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.conn = db.conn
        self.interval = interval
        self.clock = clock
        self._opened: float | None = None

    def hold(self) -> None:
        """Call before a write: opens the shared transaction if none is open."""
        if self.interval <= 0:
            return
        if self._opened is not None and self.clock() - self._opened >= self.interval:
            self.commit()
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._opened = self.clock()

    def commit(self) -> None:
        if self._opened is not None and self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._opened = None

    def commit_if_due(self) -> None:
        """For a timer: commits a transaction that has been open long enough."""
        if self._opened is not None and self.clock() - self._opened >= self.interval:
            self.commit()
