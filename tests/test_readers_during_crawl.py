"""Readers beside a crawl: `search`, `sql`, `export` and `serve` run while a crawl writes the same
archive, never fail (no "database is locked") and each sees one consistent moment of it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import free_port, govarchive_cmd, run_cli

# One statement, one snapshot: every article has its search entry in the same transaction.
CONSISTENT = (
    "SELECT (SELECT count(*) FROM articles) AS articles, "
    "(SELECT count(*) FROM articles_fts) AS indexed"
)


def _crawl_started(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _ok(result: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{what}: {result.stderr}"
    assert "locked" not in result.stderr
    return result


def test_readers_while_a_crawl_writes(sample_portal, tmp_path):
    archive = tmp_path / "archive"
    crawl = subprocess.Popen(
        govarchive_cmd("crawl", *[s.home_url() for s in sample_portal.sites],
                       "--archive", str(archive), "--delay", "0.04", "--concurrency", "2"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    server = None
    try:
        deadline = time.monotonic() + 60
        while not _crawl_started(archive / "archive.db"):
            assert crawl.poll() is None, crawl.stderr.read() if crawl.stderr else ""
            assert time.monotonic() < deadline, "the crawl stored nothing"
            time.sleep(0.05)
        port = free_port()
        server = subprocess.Popen(
            govarchive_cmd("serve", "--archive", str(archive), "--port", str(port)),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        rounds = served = 0
        seen: list[int] = []
        while crawl.poll() is None:
            rounds += 1
            out = _ok(
                run_cli("sql", CONSISTENT, "--archive", str(archive), "--format", "json"), "sql"
            )
            (row,) = json.loads(out.stdout)
            assert row["articles"] == row["indexed"], row
            seen.append(row["articles"])
            _ok(run_cli("search", "xã", "--archive", str(archive), "--format", "json"), "search")
            exported = tmp_path / f"export-{rounds}"
            _ok(run_cli("export", "--format", "jsonl", "--out", str(exported),
                        "--include", "images", "--archive", str(archive)), "export")  # fmt: skip
            manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
            lines = (exported / "articles.jsonl").read_text(encoding="utf-8").splitlines()
            assert (
                manifest["rows"]["articles"]
                == len(lines)
                == sum(manifest["rows_per_site"].values())
            )
            ids = {json.loads(line)["id"] for line in lines}
            images = (exported / "images.jsonl").read_text(encoding="utf-8").splitlines()
            assert {json.loads(line)["article_id"] for line in images} <= ids, "one moment"
            try:
                sql = urlencode({"sql": CONSISTENT, "_shape": "array"})
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/archive.json?{sql}", timeout=10
                ) as r:
                    (row,) = json.loads(r.read())
                assert row["articles"] == row["indexed"], row
                served += 1
            except OSError:  # Datasette still starting
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
        assert crawl.wait() == 0, crawl.stderr.read() if crawl.stderr else ""
        assert rounds >= 2 and served >= 1, (rounds, served)
        assert seen == sorted(seen), "articles are only ever added"
    finally:
        for proc in (crawl, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(20)
