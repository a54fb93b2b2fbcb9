"""Disk full (issue 14): a crawl that meets EFBIG (a file size limit, RLIMIT_FSIZE, set in the
crawl's process; SIGXFSZ ignored so the write fails instead of killing it) stops with one line
and exit 1, leaves an archive verify passes, and resumes once there is room."""

from __future__ import annotations

import resource
import signal
import subprocess

import pytest

from tests.conftest import govarchive_cmd, run_cli
from tests.test_resume import assert_complete_once


def _limited(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write raises EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


# 60 kB: archive.db cannot even be created (its schema takes ~350 kB of WAL); 600 kB:
# the WAL fills up mid-crawl (the WARC file, growing slower, is tested in test_warc_writer)
@pytest.mark.parametrize("limit", [60_000, 600_000])
def test_disk_full_stops_cleanly_then_resumes(sample_portal, tmp_path, limit):
    archive = tmp_path / "archive"
    archive.mkdir()
    urls = [s.home_url() for s in sample_portal.sites]
    cmd = govarchive_cmd("crawl", *urls, "--archive", str(archive), "--delay", "0")
    full = subprocess.run(
        cmd, capture_output=True, text=True, timeout=240, preexec_fn=_limited(limit)
    )
    assert full.returncode == 1, full.stdout + full.stderr
    # besides the progress line, one line saying what happened and what to do
    lines = [line for line in full.stderr.splitlines() if line.startswith("govarchive")]
    assert len(lines) == 1 and lines[0].startswith("govarchive: error: no room left"), lines
    assert "free some space, then run" in lines[0]
    print(lines[0])
    assert "Traceback" not in full.stdout + full.stderr
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr

    resumed = run_cli(*cmd[1:], "--resume", "--concurrency", "8")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert_complete_once(sample_portal, archive)
    again = run_cli("verify", "--archive", str(archive))
    assert again.returncode == 0, again.stdout + again.stderr
