"""Sites, schedules and the scheduler, run for real against the sample portal."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import govarchive_cmd, run_cli


@pytest.fixture(scope="module")
def portal():
    with SamplePortalProcess(("laocai",), delay=0.1) as p:  # a crawl takes a few seconds
        yield p


def start_scheduler(archive: Path) -> subprocess.Popen:
    return subprocess.Popen(
        govarchive_cmd("scheduler", "--archive", str(archive), "--poll", "0.5"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def scheduled_crawls(archive: Path) -> list[sqlite3.Row]:
    con = sqlite3.connect(archive / "archive.db")
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM crawls WHERE trigger = 'schedule' ORDER BY id").fetchall()
    finally:
        con.close()


def wait_for(predicate, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def add_site(archive: Path, portal) -> None:
    url = portal.sites[0].home_url()
    added = run_cli("sites", "add", "laocai", url, "--archive", str(archive), "--delay", "0",
                    "--concurrency", "4", "--title", "Lào Cai")  # fmt: skip
    assert added.returncode == 0, added.stderr


def test_near_term_schedule_runs_and_triggers_do_not_overlap(portal, tmp_path):
    archive = tmp_path / "a"
    add_site(archive, portal)
    # every 2 seconds: the crawl (~4 s on the slowed portal) outlasts several triggers
    added = run_cli(
        "schedule", "add", "laocai", "--cron", "* * * * * */2", "--archive", str(archive)
    )
    assert added.returncode == 0, added.stderr
    proc = start_scheduler(archive)
    try:
        wait_for(lambda: any(c["status"] == "finished" for c in scheduled_crawls(archive)))
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    assert "skipped, still running" in out, out
    crawls = scheduled_crawls(archive)
    assert crawls[0]["status"] == "finished" and crawls[0]["articles_new"] == 26
    assert Path(crawls[0]["log_file"]).is_file()
    for earlier, later in zip(crawls, crawls[1:], strict=False):
        assert earlier["finished_at"] <= later["started_at"], "two runs of one site at once"
    assert {c["status"] for c in crawls} <= {"finished", "interrupted"}
    listed = run_cli("schedule", "list", "--format", "json", "--archive", str(archive))
    assert '"last_crawl":' in listed.stdout and '"last_run": "20' in listed.stdout


def test_missed_runs_run_once_at_start_and_one_scheduler_per_archive(portal, tmp_path):
    archive = tmp_path / "b"
    add_site(archive, portal)
    added = run_cli("schedule", "add", "laocai", "--cron", "0 2 * * *", "--archive", str(archive))
    assert added.returncode == 0, added.stderr
    con = sqlite3.connect(archive / "archive.db")
    with con:  # the scheduler was down for three days: three 02:00 runs missed
        con.execute("UPDATE schedules SET created_at = datetime('now', '-3 days') || 'Z'")
    con.close()
    proc = start_scheduler(archive)
    try:
        wait_for(lambda: any(c["status"] == "finished" for c in scheduled_crawls(archive)))
        second = run_cli("scheduler", "--archive", str(archive), timeout=30)
        assert second.returncode != 0
        assert "another govarchive scheduler" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
        time.sleep(1.5)  # a few more polls: nothing else is owed
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert len(scheduled_crawls(archive)) == 1, out
    # the run's WARC file went into the index when the run ended
    listed = json.loads((archive / "indexes" / "indexed.json").read_text())
    assert sorted(listed) == sorted(p.name for p in (archive / "warc").glob("*.warc.gz"))


def test_sigterm_stops_a_running_crawl_cleanly(tmp_path):
    with SamplePortalProcess(("laocai",), delay=0.2) as slow:
        archive = tmp_path / "c"
        add_site(archive, slow)
        run_cli("schedule", "add", "laocai", "--cron", "* * * * * *", "--archive", str(archive))
        proc = start_scheduler(archive)
        wait_for(lambda: bool(scheduled_crawls(archive)), timeout=30)
        time.sleep(1.0)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    assert "scheduler stopped" in out
    crawls = scheduled_crawls(archive)
    assert [c["status"] for c in crawls] == ["interrupted"]
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout


def test_sites_and_schedules_refuse_bad_input(tmp_path):
    archive = str(tmp_path / "d")
    for args, message in [
        (("sites", "add", "Lao Cai", "http://x.vn/"), "not a site name"),
        (("sites", "add", "laocai", "x.vn"), "not a portal URL"),
        (("schedule", "add", "a", "http://a.vn/", "--cron", "0 25 * * *"), "not a cron"),
        (("schedule", "add", "a", "http://a.vn/", "--cron", "daily"), "not a cron"),
        (("report", "7"), "no archive at"),
    ]:
        result = run_cli(*args, "--archive", archive)
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not Path(archive).exists(), "nothing written for bad input"
    run_cli("sites", "add", "b", "http://b.vn/", "--archive", archive)
    for args, message in [
        (("schedule", "add", "nosuch", "--cron", "0 2 * * *"), "no site named"),
        (("schedule", "remove", "nosuch"), "no schedule"),
        (("sites", "remove", "nosuch"), "no site named"),
        (("sites", "add", "c", "http://b.vn/"), "already registered as 'b'"),
        (("sites", "add", "b", "http://other.vn/"), "is already b.vn"),
        (("report", "7"), "no crawl 7"),
    ]:
        result = run_cli(*args, "--archive", archive)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    con = sqlite3.connect(Path(archive) / "archive.db")
    assert con.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0
    assert [r[0] for r in con.execute("SELECT name FROM sites")] == ["b"]


def test_removing_a_crawled_site_keeps_its_content(portal, tmp_path):
    archive = tmp_path / "e"
    add_site(archive, portal)
    crawl = run_cli("crawl", "laocai", "--archive", str(archive))  # by name: its delay 0
    assert crawl.returncode == 0, crawl.stderr
    unknown = run_cli("crawl", "nosuch", "--archive", str(archive))
    assert unknown.returncode == 2 and "not a portal URL or a registered site" in unknown.stderr
    run_cli("schedule", "add", "laocai", "--cron", "0 2 * * *", "--archive", str(archive))
    removed = run_cli("sites", "remove", "laocai", "--archive", str(archive))
    assert removed.returncode == 0 and "content stays" in removed.stdout
    con = sqlite3.connect(archive / "archive.db")
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 26
    assert con.execute("SELECT count(*) FROM schedules").fetchone()[0] == 0
    listed = run_cli("sites", "list", "--format", "json", "--archive", str(archive))
    assert "laocai" not in listed.stdout
    listed = run_cli("sites", "list", "--all", "--format", "json", "--archive", str(archive))
    assert '"retired_at": "20' in listed.stdout
