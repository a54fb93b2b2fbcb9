"""`govarchive extract` (issue 16): archived pages re-read from the WARC files with the current
rules. Real crawls of the sample portals, real WARC files, real worker processes, a real kill.

The rule switched off for the crawl and on for the re-extraction is the title found by its
class or id (`GOVARCHIVE_EXTRACT_RULES_OFF=title_by_attribute`): without it the dienbien
family's WebForms skin (its headline a `<span id="...lblTitle">`, no `<h1>`) is not understood,
as a skin the extractor learned after the crawl."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import govarchive_cmd, run_cli
from tests.test_cli import one_clean_error_line
from tests.test_crawl_sample_portal import db

RULE = "title_by_attribute"


def copy_archive(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


def snapshot(archive: Path) -> dict[str, dict]:
    """Every article as a reader sees it, with its images and attachments, by URL."""
    con = db(archive)
    out = {}
    for a in con.execute("SELECT * FROM articles ORDER BY id"):
        images = con.execute(
            "SELECT src, alt, caption, capture_id FROM images WHERE article_id = ? "
            "ORDER BY position",
            [a["id"]],
        ).fetchall()
        files = con.execute(
            "SELECT url, filename, link_text, content_type, size, sha256, capture_id "
            "FROM attachments WHERE article_id = ? ORDER BY url",
            [a["id"]],
        ).fetchall()
        out[a["url"]] = {
            **{
                k: a[k]
                for k in ("title", "body", "summary", "author", "published_at", "category",
                          "content_hash", "body_html", "text_flags", "capture_id", "first_seen",
                          "version_since", "article_key", "rejected_by")
            },
            "images": [tuple(i) for i in images],
            "attachments": [tuple(f) for f in files],
        }  # fmt: skip
    con.close()
    return out


def extract(archive: Path, *more: str, env: dict[str, str] | None = None) -> dict:
    command = govarchive_cmd("extract", "--archive", str(archive), "--format", "json", *more)
    full_env = {k: v for k, v in os.environ.items() if k != "GOVARCHIVE_ARCHIVE"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env={**full_env, **(env or {})}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def verify_ok(archive: Path) -> None:
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr


def versions(archive: Path) -> int:
    con = db(archive)
    try:
        return con.execute("SELECT count(*) FROM article_versions").fetchone()[0]
    finally:
        con.close()


# (a) the crawl's own rules give the crawl's own articles -----------------------------------------
@pytest.mark.parametrize("workers", ["1", "2"])
def test_extract_gives_what_the_crawl_stored(crawled, tmp_path, workers):
    archive = copy_archive(crawled.archive, tmp_path / "a")
    before = snapshot(archive)
    assert before
    out = extract(archive, "--workers", workers)
    assert (out["articles_new"], out["articles_changed"], out["articles_flagged"]) == (0, 0, 0)
    assert out["articles_unchanged"] == len(before)
    assert out["pages"] >= len(before) and out["unreadable"] == 0
    assert snapshot(archive) == before  # the crawl stored this extractor version already
    assert versions(archive) == 0
    verify_ok(archive)


# (b), (c), (d): a skin the extractor learned after the crawl -------------------------------------
@pytest.fixture(scope="module")
def dienbien():
    with SamplePortalProcess(("dienbien",)) as portal:
        yield portal.sites[0]


@pytest.fixture(scope="module")
def crawled_without_rule(dienbien, tmp_path_factory, monkeypatch_module):
    archive = tmp_path_factory.mktemp("rule-off")
    monkeypatch_module.setenv("GOVARCHIVE_EXTRACT_RULES_OFF", RULE)
    result = run_cli(
        "crawl", dienbien.home_url(), "--archive", str(archive), "--delay", "0",
        "--concurrency", "8",
    )  # fmt: skip
    monkeypatch_module.delenv("GOVARCHIVE_EXTRACT_RULES_OFF")
    assert result.returncode == 0, result.stderr
    con = db(archive)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0  # skin not understood
    return archive


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def assert_gold(archive: Path, site) -> None:
    con = db(archive)
    golds = gold_articles(site)
    assert golds
    for gold in golds:
        row = con.execute(
            "SELECT a.*, c.url AS page_url, c.fetched_at AS fetched FROM articles a "
            "JOIN captures c ON c.id = a.capture_id WHERE a.article_key = ?",
            [gold["key"]],
        ).fetchone()
        assert row is not None, gold["url"]
        assert row["url"] == gold["url"]
        for field in ("title", "summary", "body", "author", "published_at", "category"):
            assert row[field] == gold[field], (gold["url"], field)
        images = con.execute(
            "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [row["id"]]
        ).fetchall()
        assert [dict(i) for i in images] == gold["images"], gold["url"]
        assert row["page_url"] in [gold["url"], *gold["alt_urls"]]  # backed by its own page
        assert row["first_seen"] == row["fetched"]
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(golds)
    con.close()


def test_articles_of_a_skin_learned_after_the_crawl_are_added(
    crawled_without_rule, dienbien, tmp_path
):
    archive = copy_archive(crawled_without_rule, tmp_path / "b")
    out = extract(archive, "--workers", "2")
    golds = gold_articles(dienbien)
    assert out["articles_new"] == len(golds)
    assert (out["articles_changed"], out["articles_flagged"]) == (0, 0)
    assert_gold(archive, dienbien)
    assert versions(archive) == 0
    verify_ok(archive)
    again = extract(archive, "--workers", "1")  # nothing left to add
    assert (again["articles_new"], again["articles_unchanged"]) == (0, len(golds))


def test_articles_the_rules_now_refuse_are_flagged_and_kept(
    crawled_without_rule, dienbien, tmp_path
):
    archive = copy_archive(crawled_without_rule, tmp_path / "c")
    extract(archive, "--workers", "1")
    before = snapshot(archive)
    out = extract(archive, "--workers", "2", env={"GOVARCHIVE_EXTRACT_RULES_OFF": RULE})
    assert out["articles_flagged"] == len(before) and out["articles_new"] == 0
    assert out["extractor_version"].endswith(f"-off:{RULE}")
    after = snapshot(archive)
    assert set(after) == set(before)  # kept, text and all
    for url, row in after.items():
        assert row["rejected_by"] == out["extractor_version"]
        assert {**row, "rejected_by": None} == before[url]
    con = db(archive)
    assert {r[0] for r in con.execute("SELECT rejected_reason FROM articles")} == {"no_title"}
    con.close()
    verify_ok(archive)
    back = extract(archive, "--workers", "1")  # the rule back: accepted again, flag cleared
    assert back["articles_unchanged"] == len(before)
    assert snapshot(archive) == before


def test_a_killed_run_is_finished_by_the_next(crawled_without_rule, dienbien, tmp_path):
    archive = copy_archive(crawled_without_rule, tmp_path / "d")
    env = {k: v for k, v in os.environ.items() if k != "GOVARCHIVE_ARCHIVE"}
    env.update(GOVARCHIVE_EXTRACT_BATCH="3", GOVARCHIVE_EXTRACT_PAUSE="0.3")
    proc = subprocess.Popen(
        govarchive_cmd("extract", "--archive", str(archive), "--workers", "2"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        done = 0
        deadline = time.monotonic() + 60
        while done == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
            try:
                row = con.execute("SELECT last_capture_id FROM extract_runs").fetchone()
            except sqlite3.OperationalError:
                row = None
            finally:
                con.close()
            done = row[0] if row else 0
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    con = db(archive)
    status, cut_at, stored = con.execute(
        "SELECT status, last_capture_id, (SELECT count(*) FROM articles) FROM extract_runs"
    ).fetchone()
    con.close()
    golds = gold_articles(dienbien)
    assert status == "running" and cut_at > 0 and stored < len(golds)
    out = extract(archive, "--workers", "2")
    assert out["resumed"] is True
    assert out["run_total"]["new"] == len(golds)
    assert_gold(archive, dienbien)
    verify_ok(archive)


# (e) never beside a crawl ------------------------------------------------------------------------
def test_refuses_beside_a_running_crawl(tmp_path):
    archive = tmp_path / "e"
    with SamplePortalProcess(("laocai",), delay=0.2) as portal:
        env = {k: v for k, v in os.environ.items() if k != "GOVARCHIVE_ARCHIVE"}
        crawl = subprocess.Popen(
            govarchive_cmd("crawl", portal.sites[0].home_url(), "--archive", str(archive),
                           "--delay", "0", "--concurrency", "1"),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and crawl.poll() is None:
                lock = archive / ".lock"
                if (
                    lock.is_file()
                    and lock.read_text().strip()
                    and (archive / "archive.db").is_file()
                ):
                    break
                time.sleep(0.05)
            result = run_cli("extract", "--archive", str(archive), "--workers", "1")
            still_crawling = crawl.poll() is None
        finally:
            crawl.send_signal(signal.SIGINT)
            crawl.wait(60)
    assert still_crawling, "the crawl ended before extract ran"
    assert result.returncode == 1
    assert "in use" in one_clean_error_line(result)


# (f) bad arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--crawl", "999"], 1),
        (["--site", "nosuch.example"], 1),
        (["--since", "last week"], 2),
        (["--workers", "0"], 2),
        (["--site-profiles", "/nonexistent/p.toml"], 2),
    ],
)
def test_bad_arguments_one_line(crawled, args, code):
    result = run_cli("extract", "--archive", str(crawled.archive), *args)
    assert result.returncode == code, result.stderr
    one_clean_error_line(result)
