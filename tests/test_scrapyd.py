"""govarchive as a deployable Scrapy project (issue 15): the egg scrapyd-client builds carries the
vnpt spider and govarchive's settings, a real Scrapyd on 127.0.0.1 runs it, and the job crawls
one portal into a shard: an archive folder of its own, complete and verified."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from govarchive.sampleportal.gold import gold_articles
from tests.conftest import BIN, run_cli
from tests.scrapydnode import ScrapydDaemon

REPO = Path(__file__).resolve().parent.parent


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def _post(url: str, fields: list[tuple[str, str]], files: dict[str, bytes] | None = None) -> dict:
    if files:
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields:
            body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n").encode()  # fmt: skip
        for name, data in files.items():
            body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{name}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     ).encode() + data + b"\r\n"  # fmt: skip
        body += f"--{boundary}--\r\n".encode()
        ctype = f"multipart/form-data; boundary={boundary}"
    else:
        body = urllib.parse.urlencode(fields).encode()
        ctype = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": ctype})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read())


@pytest.fixture
def scrapyd(tmp_path):
    daemon = ScrapydDaemon(tmp_path / "scrapyd").start()
    yield daemon.url
    daemon.stop()


def test_a_scrapyd_job_crawls_one_portal_into_a_shard(scrapyd, sample_portal, tmp_path):
    egg = tmp_path / "govarchive.egg"
    built = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--build-egg", str(egg)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    added = _post(
        f"{scrapyd}/addversion.json",
        [("project", "govarchive"), ("version", "1")],
        {"egg": egg.read_bytes()},
    )
    assert added["status"] == "ok" and added["spiders"] == 1, added
    site = sample_portal.sites[0]
    shard = tmp_path / "shard"
    job = _post(
        f"{scrapyd}/schedule.json",
        [
            ("project", "govarchive"), ("spider", "vnpt"), ("url", site.home_url()),
            ("setting", f"GOVARCHIVE_ARCHIVE={shard}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
        ],
    )  # fmt: skip
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 120
    while True:
        jobs = _get(f"{scrapyd}/listjobs.json?project=govarchive")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        assert time.monotonic() < deadline, jobs
        time.sleep(0.5)
    con = sqlite3.connect(f"file:{shard / 'archive.db'}?mode=ro", uri=True)
    try:
        keys = {r[0] for r in con.execute("SELECT article_key FROM articles")}
        statuses = [r[0] for r in con.execute("SELECT status FROM crawls")]
    finally:
        con.close()
    assert keys == {g["key"] for g in gold_articles(site)}
    assert statuses == ["finished"]
    assert sorted((shard / "warc").glob("*.warc.gz"))
    check = run_cli("verify", "--archive", str(shard))
    assert check.returncode == 0, check.stdout + check.stderr
