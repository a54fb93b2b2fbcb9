"""Extraction off the crawl's process (issue 16, GOVARCHIVE_EXTRACT_WORKERS): the whole sample
corpus crawled with pages read in the crawl's process and in a worker process gives the same
articles, images and attachments, and the same verdicts on the same pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from govarchive.sampleportal.content import DEFAULT_PROFILES, FAMILY_PROFILES
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import run_cli

ARTICLES = (
    "SELECT s.host, a.url, a.article_key, a.title, a.summary, a.body, a.body_html, a.author, "
    "a.published_at, a.category, a.content_hash, a.text_flags, a.extractor_version "
    "FROM articles a JOIN sites s ON s.id = a.site_id ORDER BY a.url"
)
IMAGES = (
    "SELECT a.url, i.position, i.src, i.alt, i.caption, c.url FROM images i "
    "JOIN articles a ON a.id = i.article_id LEFT JOIN captures c ON c.id = i.capture_id "
    "ORDER BY a.url, i.position"
)
FILES = (
    "SELECT a.url, f.url, f.filename, f.link_text, f.content_type, f.size, f.sha256 "
    "FROM attachments f JOIN articles a ON a.id = f.article_id ORDER BY a.url, f.url"
)
VERDICTS = (
    "SELECT url, method, page_kind, page_reason, article_like FROM captures "
    "WHERE page_kind IS NOT NULL ORDER BY url, method"
)


def read(archive: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus():
    with SamplePortalProcess(DEFAULT_PROFILES + FAMILY_PROFILES) as portal:
        yield portal


@pytest.mark.parametrize("workers", [1, 2])
def test_pages_read_in_workers_give_the_articles_read_here(corpus, tmp_path, workers):
    urls = [s.home_url() for s in corpus.sites]
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    for archive, setting in ((here, "0"), (elsewhere, str(workers))):
        result = run_cli(
            "crawl", *urls, "--archive", str(archive), "--delay", "0", "--concurrency", "8",
            "--set", f"GOVARCHIVE_EXTRACT_WORKERS={setting}",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    logs = "".join(p.read_text() for p in (elsewhere / "logs").glob("crawl-*.log"))
    assert "'govarchive/pages_read_elsewhere'" in logs  # it did read them elsewhere
    assert "pages_read_elsewhere" not in "".join(
        p.read_text() for p in (here / "logs").glob("crawl-*.log")
    )
    articles = read(here, ARTICLES)
    assert len(articles) > 100
    assert read(elsewhere, ARTICLES) == articles
    assert read(elsewhere, IMAGES) == read(here, IMAGES)
    assert read(elsewhere, FILES) == read(here, FILES)
    assert read(elsewhere, VERDICTS) == read(here, VERDICTS)
    check = run_cli("verify", "--archive", str(elsewhere))
    assert check.returncode == 0, check.stdout
