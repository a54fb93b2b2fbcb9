"""Grouped commits: many small write transactions become one, visible to readers once due."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from archive.tx import GroupCommit, write_transaction


def _setup(path):
    db = Database(sqlite3.connect(path, isolation_level=None))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x INTEGER)")
    return db


def _seen(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        con.close()


def test_writes_held_until_interval_then_committed(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    now = [0.0]
    group = GroupCommit(db, 0.5, clock=lambda: now[0])
    for i in range(3):
        group.hold()
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (?)", [i])
    assert _seen(path) == 0, "another connection sees nothing before the group commits"
    group.commit_if_due()
    assert _seen(path) == 0
    now[0] = 0.6
    group.commit_if_due()
    assert _seen(path) == 3
    group.hold()
    db.execute("INSERT INTO t VALUES (9)")
    now[0] = 1.0
    group.hold()  # not yet due: same transaction
    assert _seen(path) == 3
    now[0] = 1.2
    group.hold()  # due: the previous group commits, a new one opens
    assert _seen(path) == 4
    group.commit()
    assert _seen(path) == 4


def test_failed_write_inside_group_rolls_back_alone(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    group = GroupCommit(db, 10.0)
    group.hold()
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    group.hold()
    try:
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("store failed")
    except RuntimeError:
        pass
    group.commit()
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT x FROM t")] == [1]


def test_failure_in_a_nested_write_rolls_back_its_outermost_transaction(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    group = GroupCommit(db, 10.0)
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    try:
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
            with write_transaction(db):
                db.execute("INSERT INTO t VALUES (3)")
                raise RuntimeError("store failed")
    except RuntimeError:
        pass
    assert group.depth == 0
    group.commit()
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT x FROM t")] == [1]


def test_interval_zero_commits_each_transaction(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    group = GroupCommit(db, 0)
    group.hold()
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
    assert _seen(path) == 1


def test_write_transactions_join_the_group_on_their_own(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    now = [0.0]
    group = GroupCommit(db, 0.5, clock=lambda: now[0])
    for i in range(3):
        with write_transaction(db), write_transaction(db):  # the inner one: part of it
            db.execute("INSERT INTO t VALUES (?)", [i])
    assert _seen(path) == 0
    now[0] = 0.6
    with write_transaction(db):  # the outermost one commits what is due, then joins anew
        db.execute("INSERT INTO t VALUES (3)")
    assert _seen(path) == 3
    group.commit()
    assert _seen(path) == 4


def test_deferred_writes_go_with_the_commit_and_not_with_a_failed_unit(tmp_path):
    """What a unit leaves for the commit (full-text entries) is written just before COMMIT if
    the unit succeeded, and dropped with it if it failed."""
    path = tmp_path / "a.db"
    db = _setup(path)
    db.execute("CREATE TABLE later (x INTEGER)")
    group = GroupCommit(db, 10.0)

    def later(x: int):
        return lambda: db.execute("INSERT INTO later VALUES (?)", [x])

    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        group.defer(later(1))
    try:
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (2)")
            with write_transaction(db):
                group.defer(later(2))
            raise RuntimeError("store failed")
    except RuntimeError:
        pass
    assert [r[0] for r in db.execute("SELECT x FROM later")] == []  # not yet: at the commit
    group.commit()
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("SELECT x FROM t")] == [1]
    assert [r[0] for r in con.execute("SELECT x FROM later")] == [1]


def test_nested_savepoint_rolls_back_alone_without_a_group(tmp_path):
    path = tmp_path / "a.db"
    db = _setup(path)
    with write_transaction(db):
        db.execute("INSERT INTO t VALUES (1)")
        try:
            with write_transaction(db):
                db.execute("INSERT INTO t VALUES (2)")
                with write_transaction(db):
                    db.execute("INSERT INTO t VALUES (3)")
                raise RuntimeError("inner failed")
        except RuntimeError:
            pass
        with write_transaction(db):
            db.execute("INSERT INTO t VALUES (4)")
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT x FROM t ORDER BY x")] == [1, 4]
