"""Re-crawls: an unchanged portal costs revisit records, not payloads or rows; --full refetches."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import TESTED_PROFILES, run_cli


@dataclass
class Recrawled:
    archive: Path
    portal: SamplePortalProcess
    first: list[int]  # crawl ids of the first run
    second: list[int]  # of the incremental re-crawl


def crawl(portal, archive: Path, *extra: str) -> list[int]:
    result = run_cli(
        "crawl", *[s.home_url() for s in portal.sites], "--archive", str(archive),
        "--delay", "0", "--concurrency", "8", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(archive / "archive.db")
    ids = [r[0] for r in con.execute("SELECT id FROM crawls ORDER BY id DESC LIMIT ?", [3])]
    con.close()
    return sorted(ids)


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("recrawl")
    with SamplePortalProcess(TESTED_PROFILES) as portal:
        first = crawl(portal, archive)
        second = crawl(portal, archive)
        yield Recrawled(archive, portal, first, second)


def rows(archive: Path, sql: str, params=()) -> list[sqlite3.Row]:
    con = sqlite3.connect(archive / "archive.db")
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def records(archive: Path) -> dict[str, tuple]:
    """WARC-Record-ID -> (type, WARC headers, HTTP headers, payload length) over every file."""
    out = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for r in ArchiveIterator(fh):
                body = r.raw_stream.read()
                out[r.rec_headers.get_header("WARC-Record-ID")] = (
                    r.rec_type, r.rec_headers, r.http_headers, len(body)
                )  # fmt: skip
    return out


def test_unchanged_portal_adds_no_articles_and_no_payloads(recrawled):
    total = sum(len(s.portal.articles) for s in recrawled.portal.sites)
    assert rows(recrawled.archive, "SELECT count(*) FROM articles")[0][0] == total
    marks = ",".join("?" * len(recrawled.second))
    crawls = rows(
        recrawled.archive, f"SELECT * FROM crawls WHERE id IN ({marks})", recrawled.second
    )
    for c in crawls:
        assert c["status"] == "finished"
        assert (c["articles_new"], c["articles_updated"]) == (0, 0)
        assert c["articles_unchanged"] > 0
    assert sum(c["articles_unchanged"] for c in crawls) == total
    first_digests = {
        r[0]
        for r in rows(
            recrawled.archive,
            f"SELECT payload_digest FROM captures WHERE crawl_id IN ({marks}) "
            "AND record_type = 'response'",
            recrawled.first,
        )
    }
    again = rows(
        recrawled.archive,
        f"SELECT url, payload_digest, content_length FROM captures WHERE crawl_id IN ({marks}) "
        "AND record_type = 'response' AND content_length > 0",
        recrawled.second,
    )
    repeated = [r["url"] for r in again if r["payload_digest"] in first_digests]
    assert not repeated, "payloads archived by the first crawl were stored again"
    revisits = rows(
        recrawled.archive,
        f"SELECT * FROM captures WHERE crawl_id IN ({marks}) AND record_type = 'revisit'",
        recrawled.second,
    )
    assert len(revisits) >= total
    first_bytes = sum(
        r[0]
        for r in rows(
            recrawled.archive,
            "SELECT bytes_written FROM crawls WHERE id IN (?,?,?)",
            recrawled.first,
        )
    )
    second_bytes = sum(c["bytes_written"] for c in crawls)
    assert 0 < second_bytes < first_bytes / 3


def test_revisit_records_name_what_they_repeat(recrawled):
    recs = records(recrawled.archive)
    by_capture = {
        r["id"]: r
        for r in rows(recrawled.archive, "SELECT * FROM captures WHERE record_type IS NOT NULL")
    }
    profiles = set()
    for cap in by_capture.values():
        if cap["record_type"] != "revisit":
            continue
        kind, warc, http, length = recs[cap["response_record_id"]]
        assert kind == "revisit" and length == 0
        original = by_capture[cap["refers_to"]]
        assert original["record_type"] == "response"
        assert warc.get_header("WARC-Refers-To-Target-URI") == original["url"]
        assert warc.get_header("WARC-Refers-To-Date") == original["fetched_at"]
        assert warc.get_header("WARC-Refers-To") == original["response_record_id"]
        assert warc.get_header("WARC-Payload-Digest") == original["payload_digest"]
        assert recs[original["response_record_id"]][0] == "response"
        profiles.add(warc.get_header("WARC-Profile"))
        if http.get_statuscode() == "304":
            assert warc.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
        else:
            assert warc.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    # laocai and sapa answer conditional requests (304); bacha does not (same bytes again)
    assert len(profiles) == 2


def test_conditional_requests_only_for_archived_articles_and_files(recrawled):
    recs = records(recrawled.archive)
    second = rows(
        recrawled.archive,
        "SELECT * FROM captures WHERE crawl_id IN (?,?,?) AND record_type IS NOT NULL",
        recrawled.second,
    )
    conditional = 0
    for cap in second:
        request = recs[cap["request_record_id"]][2]
        asked = request.get_header("If-None-Match") or request.get_header("If-Modified-Since")
        if asked:
            conditional += 1
        if cap["status"] == 304:
            assert asked
        if cap["url"].rstrip("/").count("/") == 2:  # home pages are always fetched whole
            assert not asked
    assert conditional > 0


def test_archive_stays_valid(recrawled):
    check = run_cli("verify", "--archive", str(recrawled.archive))
    assert check.returncode == 0, check.stdout + check.stderr
    files = sorted(str(p) for p in (recrawled.archive / "warc").glob("*.warc.gz"))
    warcio = Path(sys.executable).parent / "warcio"
    assert subprocess.run([str(warcio), "check", *files]).returncode == 0


def test_full_mode_refetches_everything_without_asking(recrawled, tmp_path):
    ids = crawl(recrawled.portal, recrawled.archive, "--full")
    recs = records(recrawled.archive)
    caps = rows(
        recrawled.archive,
        "SELECT * FROM captures WHERE crawl_id IN (?,?,?) AND record_type IS NOT NULL",
        ids,
    )
    assert caps and not [c for c in caps if c["status"] == 304]
    for cap in caps:
        request = recs[cap["request_record_id"]][2]
        assert request.get_header("If-None-Match") is None
        assert request.get_header("If-Modified-Since") is None
    crawls = rows(recrawled.archive, "SELECT * FROM crawls WHERE id IN (?,?,?)", ids)
    assert {c["mode"] for c in crawls} == {"full"}
    total = sum(len(s.portal.articles) for s in recrawled.portal.sites)
    assert sum(c["articles_unchanged"] for c in crawls) == total


def test_verify_notices_a_revisit_of_nothing(recrawled, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(recrawled.archive, copy, ignore=shutil.ignore_patterns(".lock"))
    con = sqlite3.connect(copy / "archive.db")
    cid = con.execute("SELECT min(id) FROM captures WHERE record_type = 'revisit'").fetchone()[0]
    con.execute("UPDATE captures SET refers_to = 999999 WHERE id = ?", [cid])
    con.commit()
    con.close()
    check = run_cli("verify", "--archive", str(copy))
    assert check.returncode != 0
    assert f"capture {cid} " in check.stdout + check.stderr
    assert "revisit of a response the archive does not hold" in check.stdout + check.stderr


def test_crawls_lists_runs_and_report_tells_what_a_run_did(recrawled):
    import json

    listed = run_cli("crawls", "--format", "json", "--archive", str(recrawled.archive))
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    ids = [r["id"] for r in runs]
    assert ids == sorted(ids, reverse=True)
    assert set(recrawled.first + recrawled.second) <= set(ids)
    first = next(r for r in runs if r["id"] == recrawled.first[0])
    assert first["new"] > 0 and first["status"] == "finished"

    crawl_id = recrawled.second[0]
    report = run_cli(
        "report", str(crawl_id), "--format", "json", "--archive", str(recrawled.archive)
    )
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    c = data["crawl"]
    assert (c["articles_new"], c["articles_updated"]) == (0, 0)
    assert c["articles_unchanged"] > 0 and c["bytes_written"] > 0 and c["revisits"] > 0
    assert data["new"] == [] and data["changed"] == []
    assert data["errors_by_kind"] == {"HTTP 404": 1}  # the dead link on the home page
    assert data["duration_seconds"] is not None
    text = run_cli("report", str(crawl_id), "--archive", str(recrawled.archive))
    assert f"unchanged {c['articles_unchanged']}" in text.stdout
    assert "HTTP 404: 1" in text.stdout
