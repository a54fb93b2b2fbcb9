"""Read-only means read-only: `sql` and `serve` refuse whatever would open, create or change a
file (ATTACH, VACUUM INTO, VACUUM, writes, pragmas that set, extension loading), and nothing is
created or changed on disk."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive.readonly import guard
from tests.conftest import free_port, govarchive_cmd, run_cli


def refused_statements(target: Path) -> dict[str, str]:
    """Statements that must fail, each with a word its error line carries."""
    return {
        f"ATTACH DATABASE '{target / 'attached.db'}' AS e": "refused",
        f"VACUUM INTO '{target / 'copy.db'}'": "refused",
        "VACUUM": "refused",
        "DETACH DATABASE main": "refused",
        "DELETE FROM articles": "readonly",
        "CREATE TEMP TABLE t (x)": "readonly",
        "PRAGMA journal_mode = DELETE": "refused",
        "PRAGMA query_only = OFF": "refused",
        "PRAGMA user_version = 7": "refused",
        "PRAGMA wal_checkpoint(TRUNCATE)": "refused",
        f"SELECT load_extension('{target / 'ext.so'}')": "refused",
    }


def state(archive: Path, target: Path) -> tuple[dict[str, str], list[str]]:
    """The archive's files with their digests and what `target` holds. SQLite's own side files
    aside: a WAL reader may open the -shm index and an empty -wal, which hold nothing."""
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in archive.iterdir()
        if p.is_file()
        and not p.name.endswith("-shm")
        and p.name != ".lock"
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }
    return files, sorted(p.name for p in target.iterdir())


@pytest.fixture(scope="module")
def archive(crawled, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("ro") / "archive"
    shutil.copytree(crawled.archive, copy, ignore=shutil.ignore_patterns(".lock"))
    return copy


@pytest.fixture
def target(tmp_path) -> Path:
    """Where the statements try to create files."""
    folder = tmp_path / "target"
    folder.mkdir()
    return folder


def test_sql_refuses_what_would_touch_a_file(archive, target):
    before = state(archive, target)
    for statement, word in refused_statements(target).items():
        result = run_cli("sql", statement, "--archive", str(archive))
        assert result.returncode == 1, (statement, result.stderr)
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("govarchive: error: SQL failed:") and word in line, line
        assert state(archive, target) == before, f"{statement} changed a file"
    assert run_cli("sql", "PRAGMA table_info(articles)", "--archive", str(archive)).returncode == 0


def test_guard_on_a_bare_connection(tmp_path):
    """The authorizer and the attach limit, without the CLI: ATTACH fails before any file opens."""
    db = tmp_path / "a.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.close()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    guard(con)
    for statement in (f"ATTACH '{tmp_path / 'x.db'}' AS x", f"VACUUM INTO '{tmp_path / 'y.db'}'"):
        with pytest.raises(sqlite3.DatabaseError):
            con.execute(statement)
    assert con.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]


@pytest.fixture(scope="module")
def server(archive):
    port = free_port()
    proc = subprocess.Popen(
        govarchive_cmd("serve", "--archive", str(archive), "--port", str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def query(base: str, sql: str) -> tuple[int, dict]:
    url = f"{base}/archive.json?{urlencode({'sql': sql})}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_serve_refuses_what_would_touch_a_file(server, archive, target):
    before = state(archive, target)
    statements = [
        *refused_statements(target),
        # what passes Datasette's own SELECT-only check reaches the authorizer
        f"SELECT 1 FROM (SELECT load_extension('{target / 'ext.so'}'))",
        "WITH x AS (SELECT 1) SELECT load_extension('x') FROM x",
    ]
    for statement in statements:
        status, body = query(server, statement)
        assert status in (400, 403), (statement, status, body)
        assert state(archive, target) == before, f"{statement} changed a file"
    status, body = query(server, "SELECT count(*) AS n FROM articles")
    assert status == 200 and body["rows"][0][0] > 0


def test_datasette_connections_are_guarded(archive, target):
    """The plugin's hook guards every connection Datasette opens on the archive (what its SQL
    check lets through, or a plugin's query, still cannot attach a file)."""
    from govarchive.datasette_plugins.govarchive_fold import prepare_connection

    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    prepare_connection(con, "archive")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute(f"ATTACH '{target / 'x.db'}' AS x")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute(f"VACUUM INTO '{target / 'y.db'}'")
    assert con.execute("SELECT govarchive_fold('đường')").fetchone() == ("dường",)
    assert list(target.iterdir()) == []
