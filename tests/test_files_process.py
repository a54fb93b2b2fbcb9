"""The files process (crawler/files, issue 16): files on hosts serving no page of the run are
fetched beside the crawl, straight to WARC files of their own. The archive it leaves must be the
one the crawl's own process leaves; its records must back every row; its death must lose
nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import TESTED_PROFILES, run_cli


@pytest.fixture(scope="module")
def portal():
    with SamplePortalProcess(TESTED_PROFILES) as running:
        yield running


def crawl(portal, archive: Path, *extra: str, env: dict[str, str] | None = None):
    urls = [s.home_url() for s in portal.sites]
    args = ["crawl", *urls, "--archive", str(archive), "--delay", "0", "--concurrency", "4"]
    if env:
        import os

        from tests.conftest import govarchive_cmd

        done = subprocess.run(
            govarchive_cmd(*args, *extra), capture_output=True, text=True, timeout=240,
            env={**os.environ, **env},
        )  # fmt: skip
    else:
        done = run_cli(*args, *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def holdings(archive: Path) -> dict[str, object]:
    """What a researcher or a replay tool gets from the archive, without ids or file names."""
    con = sqlite3.connect(archive / "archive.db")
    q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
    out = {
        # Which of two same-payload fetches came first (the response; the other a revisit)
        # depends on timing, in either process: the payload is what must match.
        "captures": q("SELECT url, status, payload_digest FROM captures WHERE lost_at IS NULL"),
        "revisits pointing elsewhere": q(
            "SELECT r.url FROM captures r LEFT JOIN captures o ON o.id = r.refers_to "
            "WHERE r.record_type = 'revisit' AND (o.record_type IS NOT 'response' "
            "OR o.payload_digest IS NOT r.payload_digest)"
        ),
        "articles": q("SELECT url, content_hash FROM articles"),
        "images": q(
            "SELECT i.src, c.payload_digest FROM images i LEFT JOIN captures c ON c.id = i.capture_id"
        ),
        "attachments": q(
            "SELECT a.url, a.sha256, a.size, a.content_type, c.payload_digest FROM attachments a "
            "LEFT JOIN captures c ON c.id = a.capture_id"
        ),
        "frontier": q("SELECT url, kind, state FROM frontier WHERE kind = 'asset'"),
    }
    con.close()
    return out


def check_archive(archive: Path) -> None:
    verified = run_cli("verify", "--archive", str(archive))
    assert verified.returncode == 0 and "archive OK" in verified.stdout, verified.stdout
    warcio = Path(sys.executable).parent / "warcio"
    files = sorted(str(p) for p in (archive / "warc").glob("*.warc.gz"))
    assert subprocess.run([str(warcio), "check", *files]).returncode == 0


def test_the_files_process_leaves_the_archive_the_crawl_would(portal, tmp_path):
    crawl(portal, tmp_path / "inside", "--set", "GOVARCHIVE_FILES_PROCESS=False")
    crawl(portal, tmp_path / "beside")
    inside, beside = holdings(tmp_path / "inside"), holdings(tmp_path / "beside")
    for part in inside:
        assert beside[part] == inside[part], part
    assert all(digest for _, digest in beside["images"]), "an image without its capture"
    assert beside["attachments"] and all(row[1] and row[4] for row in beside["attachments"])
    assert {state for _, _, state in beside["frontier"]} == {"done"}
    # The storage host's files went the short way: into WARC files holding no page.
    con = sqlite3.connect(tmp_path / "beside" / "archive.db")
    storage = portal.sites[0].storage.split("://", 1)[1]
    media_files = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT warc_file FROM captures WHERE url LIKE ?", [f"%://{storage}/%"]
        )
    }
    page_files = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT warc_file FROM captures WHERE content_type LIKE 'text/html%'"
        )
    }
    assert media_files and not media_files & page_files
    check_archive(tmp_path / "beside")


def test_a_files_process_that_dies_loses_nothing(portal, tmp_path):
    """Killed after a few files, its jobs go back to the crawl's own process: every image and
    attachment is archived all the same, and every row is backed by its record."""
    archive = tmp_path / "archive"
    done = crawl(portal, archive, env={"GOVARCHIVE_FILES_DIE_AFTER": "5"})
    assert "files process" in (archive / "logs").glob("*.log").__next__().read_text()
    held = holdings(archive)
    assert all(digest for _, digest in held["images"]), "an image without its capture"
    assert all(row[1] and row[4] for row in held["attachments"])
    assert {state for _, _, state in held["frontier"]} == {"done"}
    reference = tmp_path / "reference"
    crawl(portal, reference, "--set", "GOVARCHIVE_FILES_PROCESS=False")
    assert held["images"] == holdings(reference)["images"]
    assert held["attachments"] == holdings(reference)["attachments"]
    check_archive(archive)
    assert "finished" in done.stdout or done.returncode == 0


def _files_process_of(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    for child in children:
        try:
            if b"crawler.files.worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                return int(child)
        except OSError:
            continue
    return None


def test_the_files_process_ends_with_a_killed_crawl_and_resume_finishes(tmp_path):
    """SIGKILL the crawl while files are being fetched: its files process does not outlive it
    (stdin closed without a word, it exits), and the resumed crawl ends clean."""
    import os
    import signal
    import time

    from tests.conftest import govarchive_cmd
    from tests.test_resume import assert_complete_once

    with SamplePortalProcess(TESTED_PROFILES, delay=0.1) as slow:
        urls = [s.home_url() for s in slow.sites]
        archive = tmp_path / "archive"
        args = ["crawl", *urls, "--archive", str(archive), "--delay", "0", "--concurrency", "2"]
        proc = subprocess.Popen(govarchive_cmd(*args), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        files_pid = None
        while files_pid is None and time.monotonic() < deadline and proc.poll() is None:
            files_pid = _files_process_of(proc.pid)
            time.sleep(0.05)
        assert files_pid is not None, "no files process while the crawl ran"
        time.sleep(0.5)  # files under way
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{files_pid}").exists() and time.monotonic() < deadline:
            gone = (
                Path(f"/proc/{files_pid}/status").read_text()
                if Path(f"/proc/{files_pid}").exists()
                else ""
            )
            if "State:\tZ" in gone:
                break
            time.sleep(0.05)
        status = Path(f"/proc/{files_pid}/status")
        assert not status.exists() or "State:\tZ" in status.read_text(), "files process lives on"
        resumed = run_cli(*args, "--resume", "--concurrency", "8")
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert_complete_once(slow, archive)
        check_archive(archive)
