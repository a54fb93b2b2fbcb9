"""A crawl killed with SIGKILL mid-flight, then resumed: every article once, nothing fetched
twice, the archive verified clean. Also SIGTERM: a graceful stop marked interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import TESTED_PROFILES, govarchive_cmd, run_cli


@pytest.fixture(scope="module")
def slow_portal():
    with SamplePortalProcess(TESTED_PROFILES, delay=0.1) as portal:
        yield portal


def start_crawl(portal, archive: Path) -> subprocess.Popen:
    urls = [s.home_url() for s in portal.sites]
    return subprocess.Popen(
        govarchive_cmd(
            "crawl", *urls, "--archive", str(archive), "--delay", "0", "--concurrency", "2"
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_crawling(archive: Path, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
            try:
                if con.execute("SELECT count(*) FROM crawls").fetchone()[0]:
                    return
            finally:
                con.close()
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    raise AssertionError("the crawl never started")


def assert_complete_once(portal, archive: Path) -> None:
    con = sqlite3.connect(archive / "archive.db")
    for site in portal.sites:
        host = site.base.split("://", 1)[1]
        for gold in gold_articles(site):
            rows = con.execute(
                "SELECT a.title, a.body FROM articles a JOIN sites s ON s.id = a.site_id "
                "WHERE s.host = ? AND a.article_key = ?",
                [host, gold["key"]],
            ).fetchall()
            assert rows == [(gold["title"], gold["body"])], gold["url"]
    twice = con.execute(
        "SELECT url, count(*) FROM captures WHERE status IS NOT NULL GROUP BY url HAVING count(*) > 1"
    ).fetchall()
    assert twice == [], "fetched twice"
    orphans = con.execute(
        "SELECT a.url FROM articles a LEFT JOIN captures c ON c.id = a.capture_id "
        "WHERE c.warc_file IS NULL OR c.lost_at IS NOT NULL"
    ).fetchall()
    assert orphans == [], "articles without the record of their page"
    statuses = con.execute("SELECT DISTINCT status FROM crawls").fetchall()
    assert statuses == [("finished",)]
    assert con.execute("SELECT count(*) FROM crawls").fetchone()[0] == len(portal.sites)


@pytest.mark.parametrize("kill_after", [0.8, 1.6, 2.4, 3.2])  # the crawl takes ~5 s
def test_sigkill_then_resume(slow_portal, tmp_path, kill_after):
    archive = tmp_path / "archive"
    proc = start_crawl(slow_portal, archive)
    wait_until_crawling(archive)  # counted from the crawl's start, not its imports
    time.sleep(kill_after)
    assert proc.poll() is None, "the crawl ended before it could be killed: slow the portal down"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    con = sqlite3.connect(archive / "archive.db")
    assert ("running",) in con.execute("SELECT status FROM crawls").fetchall()
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    total = sum(len(s.portal.articles) for s in slow_portal.sites)
    print(f"killed after {kill_after}s with {stored}/{total} articles stored")
    con.close()

    urls = [s.home_url() for s in slow_portal.sites]
    resumed = run_cli("crawl", *urls, "--archive", str(archive), "--resume", "--delay", "0",
                      "--concurrency", "8")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert_complete_once(slow_portal, archive)
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "archive OK" in check.stdout
    warcio = Path(sys.executable).parent / "warcio"
    files = sorted(str(p) for p in (archive / "warc").glob("*.warc.gz"))
    assert subprocess.run([str(warcio), "check", *files]).returncode == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_gracefully_then_resume_command(slow_portal, tmp_path, sig):
    archive = tmp_path / "archive"
    proc = start_crawl(slow_portal, archive)
    time.sleep(1.2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    con = sqlite3.connect(archive / "archive.db")
    statuses = {r[0] for r in con.execute("SELECT status FROM crawls")}
    assert statuses <= {"interrupted", "finished"} and "interrupted" in statuses
    con.close()
    assert run_cli("verify", "--archive", str(archive)).returncode == 0

    result = run_cli("resume", "--archive", str(archive), "--delay", "0", "--concurrency", "8")
    assert result.returncode == 0, result.stderr
    assert "resuming the crawl of" in result.stdout
    assert_complete_once(slow_portal, archive)
    again = run_cli("resume", "--archive", str(archive))
    assert again.returncode == 0 and "nothing to resume" in again.stdout


def test_second_writer_is_refused(slow_portal, tmp_path):
    archive = tmp_path / "archive"
    proc = start_crawl(slow_portal, archive)
    try:
        time.sleep(0.8)
        other = run_cli("crawl", slow_portal.sites[0].home_url(), "--archive", str(archive))
        assert other.returncode == 1
        assert "in use by another govarchive" in other.stderr
        assert "Traceback" not in other.stderr
        busy = run_cli("verify", "--archive", str(archive))
        assert busy.returncode == 1 and "in use" in busy.stderr
    finally:
        proc.kill()
        proc.wait(10)
    resumed = run_cli("resume", "--archive", str(archive), "--delay", "0", "--concurrency", "8")
    assert resumed.returncode == 0, resumed.stderr
    assert_complete_once(slow_portal, archive)


def test_sigkill_during_a_recrawl_then_resume(slow_portal, tmp_path):
    """A re-crawl writes revisits and asks conditionally; killed and resumed, it still counts
    every article once as unchanged, and replays its 304s and revisits from the archive."""
    archive = tmp_path / "archive"
    first = start_crawl(slow_portal, archive)
    assert first.wait(120) == 0, first.stderr.read() if first.stderr else ""
    proc = start_crawl(slow_portal, archive)
    time.sleep(2.0)
    assert proc.poll() is None, "the re-crawl ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    urls = [s.home_url() for s in slow_portal.sites]
    resumed = run_cli("crawl", *urls, "--archive", str(archive), "--resume", "--delay", "0",
                      "--concurrency", "8")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    con = sqlite3.connect(archive / "archive.db")
    total = sum(len(s.portal.articles) for s in slow_portal.sites)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == total
    n = len(slow_portal.sites)
    second = con.execute(
        "SELECT status, articles_new, articles_updated, articles_unchanged FROM crawls "
        "ORDER BY id DESC LIMIT ?",
        [n],
    ).fetchall()
    assert [s[:3] for s in second] == [("finished", 0, 0)] * n
    assert sum(s[3] for s in second) == total
    twice = con.execute(
        "SELECT c.url, count(*) FROM captures c WHERE c.status IS NOT NULL AND c.crawl_id IN "
        "(SELECT id FROM crawls ORDER BY id DESC LIMIT ?) GROUP BY c.url HAVING count(*) > 1",
        [n],
    ).fetchall()
    assert twice == [], "fetched twice by the re-crawl"
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr
