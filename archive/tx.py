"""Write transactions that wait their turn: BEGIN IMMEDIATE takes the write lock up front, so
with several writers (crawl workers) SQLite's busy timeout applies instead of a deferred
transaction failing with "database is locked" when it tries to upgrade. Nested use is a savepoint."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction, or a savepoint inside one. On a database with a GroupCommit, the
    outermost one is a savepoint in the group's shared transaction, and those inside it are part
    of it (a failure anywhere rolls the outermost one back whole): SQLite's SAVEPOINT and RELEASE
    cost a crawl about 3 % of its time when every nested call took one."""
    group: GroupCommit | None = getattr(db, GroupCommit.ATTR, None)
    if group is None:
        with _transaction(db.conn):
            yield db
        return
    if group.depth > 0:
        group.depth += 1
        try:
            yield db
        finally:
            group.depth -= 1
        return
    group.hold()
    group.depth += 1
    try:
        with _transaction(db.conn):
            yield db
    except BaseException:
        group.unit_work.clear()  # rolled back: so is what it left for the commit
        raise
    else:
        group.before_commit.extend(group.unit_work)
        group.unit_work.clear()
    finally:
        group.depth -= 1


@contextmanager
def _transaction(conn) -> Iterator[None]:
    if conn.in_transaction:
        # One name for all: savepoints nest strictly, and RELEASE/ROLLBACK TO act on the most
        # recent of a name; a fixed text also stays in sqlite3's prepared-statement cache.
        conn.execute("SAVEPOINT govarchive")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO SAVEPOINT govarchive")
            conn.execute("RELEASE SAVEPOINT govarchive")
            raise
        conn.execute("RELEASE SAVEPOINT govarchive")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class GroupCommit:
    """One write transaction held across many small ones (each then a savepoint), committed when
    `interval` seconds have passed: a crawl's many per-page transactions cost one WAL write per
    interval instead of one each. Only for a sole writer: the transaction holds SQLite's write
    lock, so crawl workers sharing an archive use interval 0 (every transaction commits at once).
    A kill loses at most the last interval, which leaves the archive as it was at a commit.

    Made with an interval above 0, it attaches itself to `db`: every write_transaction on it
    then joins the group."""

    ATTR = "govarchive_group"

    def __init__(
        self, db: Database, interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.conn = db.conn
        self.interval = interval
        self.clock = clock
        self.depth = 0  # write_transactions open inside the group right now
        self._opened: float | None = None
        # Writes left for just before COMMIT (see defer); those of the unit still open apart.
        self.before_commit: list[Callable[[], None]] = []
        self.unit_work: list[Callable[[], None]] = []
        # Called just before every COMMIT: the session fsyncs the open WARC file there, so no
        # committed row ever points at bytes a power cut could take back (docs/robustness.md).
        self.before_durable: Callable[[], None] | None = None
        if interval > 0:
            setattr(db, self.ATTR, self)

    def hold(self) -> None:
        """Opens the shared transaction if none is open (committing one that is due first);
        write_transaction calls it, and a bare statement may too."""
        if self.interval <= 0:
            return
        if self._opened is not None and self.clock() - self._opened >= self.interval:
            self.commit()
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._opened = self.clock()

    def defer(self, work: Callable[[], None]) -> None:
        """Run `work` just before the shared transaction commits, if the write_transaction it is
        called in succeeds. For full-text index writes: FTS5 flushes its pending terms at every
        SAVEPOINT once it has been written in a transaction, which doubles the cost of indexing
        an article; written together before COMMIT they are flushed once."""
        (self.unit_work if self.depth > 0 else self.before_commit).append(work)

    def commit(self) -> None:
        work, self.before_commit = self.before_commit, []
        if work:
            if not self.conn.in_transaction:  # committed behind the group's back
                self.conn.execute("BEGIN IMMEDIATE")
                self._opened = self.clock()
            for item in work:
                item()
        if self._opened is not None and self.conn.in_transaction:
            if self.before_durable is not None:
                self.before_durable()
            self.conn.execute("COMMIT")
        self._opened = None

    def discard(self) -> None:
        """Forget the shared transaction after it was rolled back (a write that found no room)."""
        self.before_commit.clear()
        self.unit_work.clear()
        self._opened = None

    def commit_if_due(self) -> None:
        """For a timer: commits a transaction that has been open long enough (never in the
        middle of a write_transaction)."""
        due = self._opened is not None and self.clock() - self._opened >= self.interval
        if due and self.depth == 0:
            self.commit()
