"""`govarchive serve`: a real Datasette over the crawled archive, checked over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from govarchive.sampleportal.gold import gold_articles
from tests.conftest import free_port, govarchive_cmd


@pytest.fixture(scope="module")
def server(crawled):
    port = free_port()
    proc = subprocess.Popen(
        govarchive_cmd("serve", "--archive", str(crawled.archive), "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.1)
    yield base
    proc.terminate()
    assert proc.wait(10) == 0
    with pytest.raises(OSError):  # Datasette stopped with it, not left running
        urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_search_query_folds_diacritics(server, crawled):
    found = []
    for q in ("duong lien thon", "đường liên thôn", "ĐƯỜNG LIÊN THÔN"):
        params = urlencode({"q": f'"{q}"', "site": "", "since": "", "until": "", "_shape": "array"})
        rows = get(f"{server}/archive/search.json?{params}")
        assert rows and all(r["url"] and "[" in r["snippet"] for r in rows)
        found.append({r["url"] for r in rows})
    assert found[0] == found[1] == found[2]
    host = crawled.sites[0].base.split("://", 1)[1]
    params = urlencode(
        {"q": "xã", "site": host, "since": "2023-06-01", "until": "", "_shape": "array"}
    )
    rows = get(f"{server}/archive/search.json?{params}")
    assert rows and all(r["site"] == host and r["published_at"] >= "2023-06-01" for r in rows)


def test_facets_on_site_category_year(server, crawled):
    data = get(f"{server}/archive/article_list.json?_size=1")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"site", "category", "year"} <= set(facets)
    assert len(facets["site"]["results"]) == len(crawled.sites)


def test_column_descriptions_and_canned_queries(server):
    meta = get(f"{server}/-/metadata.json")
    tables = meta["databases"]["archive"]["tables"]
    assert "closing byline" in tables["articles"]["columns"]["author"]
    assert {"search", "articles_per_site_per_month"} <= set(meta["databases"]["archive"]["queries"])
    rows = get(f"{server}/archive/articles_per_site_per_month.json?_shape=array")
    assert rows and {"site", "month", "articles"} <= set(rows[0])


def test_documents_faceted_and_searchable(server, crawled):
    """The documents the sample articles publish (files linked as "Kế hoạch số 56/KH-UBND"):
    faceted by type, issuer and year, found by words of their number with or without marks."""
    data = get(f"{server}/archive/document_list.json?_size=1")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"type", "issuer", "year"} <= set(facets)
    types = {r["value"] for r in facets["type"]["results"]}
    assert {"Kế hoạch", "Quyết định", "Công văn"} <= types
    for q in ("ke hoach 56", "Kế hoạch 56/KH-UBND"):
        params = urlencode({"q": q, "site": "", "_shape": "array"})
        rows = get(f"{server}/archive/search_documents.json?{params}")
        assert rows and {r["number"] for r in rows} == {"56/KH-UBND"}, q


def test_read_only(server, crawled):
    import sqlite3

    before = (
        sqlite3.connect(crawled.archive / "archive.db")
        .execute("SELECT count(*) FROM articles")
        .fetchone()[0]
    )
    bad = urlencode({"sql": "DELETE FROM articles", "_shape": "array"})
    try:
        get(f"{server}/archive.json?{bad}")
    except urllib.error.HTTPError as exc:
        assert exc.code in (400, 403)
    after = (
        sqlite3.connect(crawled.archive / "archive.db")
        .execute("SELECT count(*) FROM articles")
        .fetchone()[0]
    )
    assert before == after


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)
def test_search_page_renders_in_headless_chromium(server, crawled, tmp_path):
    title = next(
        g["title"]
        for s in crawled.sites
        for g in gold_articles(s)
        if "đường liên thôn" in g["body"].lower()
    )
    params = urlencode({"q": '"duong lien thon"', "site": "", "since": "", "until": ""})
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path}",
         "--dump-dom", f"{server}/archive/search?{params}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Search articles" in result.stdout
    assert title in result.stdout, "the rendered page lists the matching articles"
