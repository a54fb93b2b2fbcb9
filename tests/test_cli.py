"""The command line as a user meets it: help everywhere, and one clear line for bad input."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from govarchive.cli import COMMANDS as CLI_COMMANDS
from govarchive.sampleportal.content import build_portal
from tests.conftest import BIN, free_port, run_cli

REPO = Path(__file__).resolve().parent.parent
COMMANDS = sorted(CLI_COMMANDS)


def one_clean_error_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("govarchive: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_everywhere(command):
    result = run_cli(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: govarchive" in result.stdout
    if command:
        assert "--help" in result.stdout


def test_help_mentions_every_command_and_readme_documents_them():
    out = run_cli("--help").stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert command in out
        assert f"govarchive {command}" in readme


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "not a url"],
        ["crawl", "ftp://portal.gov.vn/"],
        ["crawl", "http://"],
        ["crawl", "http://portal.gov.vn:99999/"],
        ["crawl", "http://127.0.0.1:1/", "--delay", "-1"],
        ["crawl", "http://127.0.0.1:1/", "--concurrency", "0"],
        ["crawl", "http://127.0.0.1:1/", "--max-pages", "many"],
        ["crawl"],
        ["frobnicate"],
        ["sites", "add", "Lao Cai", "http://x.vn/"],
        ["sites", "add", "laocai", "x.vn"],
        ["sites", "add", "laocai", "http://x.vn/", "--start-url", "tin-tuc"],
        ["sites", "frobnicate"],
        ["schedule", "add", "laocai", "http://x.vn/", "--cron", "0 25 * * *"],
        ["schedule", "add", "laocai", "http://x.vn/"],
        ["scheduler", "--poll", "soon"],
        ["crawls", "--limit", "0"],
        ["report", "latest"],
    ],
)
def test_bad_arguments_one_line_no_traceback(args, tmp_path):
    result = run_cli(*args, "--archive", str(tmp_path / "a"))
    assert result.returncode == 2
    one_clean_error_line(result)
    assert not (tmp_path / "a").exists(), "nothing written for bad input"


def test_unreachable_host(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    result = run_cli(
        "crawl",
        url,
        "--archive",
        str(tmp_path),
        "--delay",
        "0",
        "--set",
        "GOVARCHIVE_BACKOFF_BASE=0.05",
    )
    assert result.returncode == 1
    line = one_clean_error_line(result)
    assert url in line and "could not reach" in line
    con = sqlite3.connect(tmp_path / "archive.db")
    assert con.execute("SELECT status FROM crawls").fetchall() == [("failed",)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert list((tmp_path / "warc").glob("*.warc.gz")) == [], "no empty WARC left behind"


@pytest.mark.parametrize("shape", ["file", "under_file"])
def test_archive_folder_that_cannot_be_written(tmp_path, shape):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    target = blocker if shape == "file" else blocker / "archive"
    result = run_cli("crawl", "http://127.0.0.1:1/", "--archive", str(target))
    assert result.returncode == 1
    line = one_clean_error_line(result)
    assert str(blocker) in line and "--archive" in line
    assert blocker.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_archive_from_environment(sample_portal, tmp_path):
    env = {**os.environ, "GOVARCHIVE_ARCHIVE": str(tmp_path / "env-archive")}
    site = sample_portal.sites[1]
    result = subprocess.run(
        [str(BIN / "govarchive"), "crawl", site.home_url(), "--delay", "0", "--max-pages", "3"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env-archive" / "archive.db").is_file()
    assert not (tmp_path / "govarchive-data").exists()


def test_scrapy_crawl_uses_the_same_spider(sample_portal, tmp_path):
    site = next(s for s in sample_portal.sites if s.profile.key == "bacha")
    env = {**os.environ, "GOVARCHIVE_ARCHIVE": str(tmp_path)}
    result = subprocess.run(
        [str(BIN / "scrapy"), "crawl", "vnpt", "-a", f"url={site.home_url()}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    con = sqlite3.connect(tmp_path / "archive.db")
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(site.portal.articles)
    assert con.execute("SELECT status FROM crawls").fetchall() == [("finished",)]


def test_demo_reports_every_gold_article(tmp_path):
    result = run_cli("demo", "--archive", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    from govarchive.demo import DEMO_PROFILES
    from govarchive.sampleportal.gold import gold_articles
    from govarchive.sampleportal.site import Site

    total = sum(
        len(gold_articles(Site(build_portal(p), "http://h", "http://s"))) for p in DEMO_PROFILES
    )
    assert total == 64 + 22 + 24  # the three tested skins, laichau, dienbien; jsportal has none
    assert f"all {total} gold articles stored, each once" in result.stdout
    assert "renders its content in the browser" in result.stdout


def test_contact_url_goes_into_the_user_agent(sample_portal, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    site = sample_portal.sites[0]
    result = run_cli(
        "crawl", site.home_url(), "--archive", str(tmp_path), "--delay", "0",
        "--max-pages", "1", "--contact", "https://archive.example.org/contact",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    agents = set()
    for warc in (tmp_path / "warc").glob("*.warc.gz"):  # pages', and the files process's
        with warc.open("rb") as fh:
            agents |= {
                r.http_headers.get_header("User-Agent")
                for r in ArchiveIterator(fh)
                if r.rec_type == "request"
            }
    assert agents == {
        "govarchive/0.1.0 (+https://archive.example.org/contact; archive of Vietnamese government portals)"
    }
    bad = run_cli("crawl", site.home_url(), "--archive", str(tmp_path), "--contact", "nope")
    assert bad.returncode == 2
    assert "contact URL" in one_clean_error_line(bad)


BAD_ARGUMENTS = {
    "extract": [
        (["extract", "--archive", "/nonexistent/archive"], 1),
        (["extract", "--workers", "0"], 2),
        (["extract", "--since", "2026-13-01"], 2),
        (["extract", "--crawl", "x"], 2),
    ],
    "documents": [
        (["documents", "--archive", "/nonexistent/archive"], 1),
        (["documents", "--limit", "0"], 2),
        (["documents", "--format", "xml"], 2),
        (["documents", "--number", "nothing"], 2),
    ],
    "filetext": [
        (["filetext", "--archive", "/nonexistent/archive"], 1),
        (["filetext", "--workers", "0"], 2),
        (["filetext", "--since", "yesterday"], 2),
        (["filetext", "--file-timeout", "0"], 2),
        (["filetext", "--file-memory", "lots"], 2),
        (["filetext", "--ocr=yes"], 2),
    ],
    "crawl": [
        (["crawl", "http://127.0.0.1:1/", "--set", "NOEQUALS"], 2),
        (["crawl", "http://127.0.0.1:1/", "--site-profiles", "/nonexistent/p.toml"], 2),
        (["crawl", "http://127.0.0.1:1/", "--bogus"], 2),
    ],
    "resume": [
        (["resume", "--archive", "/nonexistent/archive"], 1),
        (["resume", "--delay", "soon"], 2),
        (["resume", "--concurrency", "-3"], 2),
    ],
    "verify": [
        (["verify", "--archive", "/nonexistent/archive"], 1),
        (["verify", "--repair=yes"], 2),
    ],
    "search": [
        (["search", "nghi", "--archive", "/nonexistent/archive"], 1),
        (["search", "nghi", "--limit", "0"], 2),
        (["search", "nghi", "--format", "xml"], 2),
        (["search", "nghi", "--kind", "video"], 2),
        (["search"], 2),
    ],
    "sql": [
        (["sql", "SELECT 1", "--archive", "/nonexistent/archive"], 1),
        (["sql"], 2),
    ],
    "fleet": [
        (["fleet", "list", "--archive", "/nonexistent/archive"], 1),
        (["fleet", "add", "a", "http://127.0.0.1:1", "--archive", "/dev/null/archive"], 1),
        (["fleet", "add", "a", "http://u:p@127.0.0.1:1"], 2),
        (["fleet", "dispatch", "--set", "NOEQUALS"], 2),
        (["fleet"], 2),
    ],
    "hosts": [
        (["hosts", "list", "--archive", "/nonexistent/archive"], 1),
        (["hosts", "set", "x.vn", "--delay", "1", "--archive", "/dev/null/archive"], 1),
        (["hosts", "set", "http://x.vn/", "--delay", "1"], 2),
        (["hosts"], 2),
    ],
    "merge": [
        (["merge", "/nonexistent/shard", "--archive", "/nonexistent/archive"], 2),
        (["merge", "/dev/null", "--archive", "/nonexistent/archive"], 2),
        (["merge"], 2),
    ],
    "inspect": [
        (["inspect", "http://x.vn/a-1", "--from-archive", "--archive", "/nonexistent/archive"], 1),
        (["inspect", "x.vn/a-1"], 2),
        (["inspect"], 2),
    ],
    "history": [
        (["history", "http://x.vn/a-1", "--archive", "/nonexistent/archive"], 1),
        (["history"], 2),
    ],
    "serve": [
        (["serve", "--archive", "/nonexistent/archive"], 1),
        (["serve", "--port", "eighty"], 2),
    ],
    "demo": [
        (["demo", "--archive", "/dev/null/archive"], 1),
        (["demo", "extra"], 2),
    ],
    "sample-portal": [
        (["sample-portal", "--profile", "hanoi"], 2),
        (["sample-portal", "--port", "http"], 2),
        (["sample-portal", "--host", "203.0.113.7"], 2),
        (["sample-portal", "--gold", "/nonexistent/dir/gold.json"], 2),
    ],
    "sites": [
        (["sites"], 2),
        (["sites", "list", "--archive", "/nonexistent/archive"], 1),
        (["sites", "remove", "laocai", "--archive", "/nonexistent/archive"], 1),
        (["sites", "add", "laocai", "http://x.vn/", "--archive", "/dev/null/archive"], 1),
        (["sites", "add", "laocai", "http://x.vn/", "--delay", "-1"], 2),
    ],
    "schedule": [
        (["schedule"], 2),
        (["schedule", "add", "laocai", "--cron", "* * *"], 2),
        (["schedule", "add", "laocai", "--cron", "0 2 * * *", "--archive", "/nonexistent/a"], 1),
        (["schedule", "list", "--archive", "/nonexistent/archive"], 1),
    ],
    "scheduler": [
        (["scheduler", "--archive", "/dev/null/archive"], 1),
        (["scheduler", "extra"], 2),
    ],
    "crawls": [
        (["crawls", "--archive", "/nonexistent/archive"], 1),
        (["crawls", "--format", "xml"], 2),
    ],
    "wacz": [
        (["wacz"], 2),
        (["wacz", "--out", "x.wacz", "--archive", "/nonexistent/archive"], 1),
        (["wacz", "--out", "/nonexistent/dir/x.wacz", "--archive", "/nonexistent/archive"], 1),
    ],
    "index": [
        (["index", "--archive", "/nonexistent/archive"], 1),
        (["index", "--rebuild=yes"], 2),
    ],
    "export": [
        (["export", "--format", "jsonl"], 2),
        (["export", "--format", "yaml", "--out", "x"], 2),
        (["export", "--format", "csv", "--out", "x", "--archive", "/nonexistent/archive"], 1),
    ],
    "report": [
        (["report", "1", "--archive", "/nonexistent/archive"], 1),
        (["report"], 2),
    ],
}


def test_every_command_is_walked():
    from govarchive.cli import COMMANDS

    assert set(BAD_ARGUMENTS) == set(COMMANDS)


@pytest.mark.parametrize(
    ("args", "code"),
    [case for cases in BAD_ARGUMENTS.values() for case in cases],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_bad_arguments_for_every_command(args, code):
    result = run_cli(*args, timeout=60)
    assert result.returncode == code, result.stderr
    one_clean_error_line(result)


def test_output_read_by_a_reader_that_stops_early_ends_quietly(crawled):
    """`govarchive ... | head -1`: the reader closes the pipe; no traceback, the shell's code."""
    import subprocess

    from tests.conftest import govarchive_cmd

    statement = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i FROM n"
    proc = subprocess.Popen(
        govarchive_cmd("sql", statement, "--archive", str(crawled.archive), "--format", "json"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert proc.returncode == 141
