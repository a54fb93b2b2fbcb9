"""A real crawl of the sample portals (both skins) through the CLI, checked against the gold."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govarchive.sampleportal.gold import gold_articles

CHROME = [
    "anh tin bai",
    "Đăng nhập",
    "Designed by VNPT",
    "Thống kê truy cập",
    "Đang online",
    "Hôm nay:",
    "Trong tuần",
    "Tất cả:",
    "Tin liên quan",
    "Các tin khác",
    "Ý kiến bạn đọc",
    "In bài",
    "Nghe đọc bài viết",
    "Liên kết website",
    "Trang chủ",
]


def db(archive: Path) -> sqlite3.Connection:
    con = sqlite3.connect(archive / "archive.db")
    con.row_factory = sqlite3.Row
    return con


def host(site) -> str:
    return site.base.split("://", 1)[1]


def all_gold(crawled):
    for site in crawled.sites:
        for gold in gold_articles(site):
            yield site, gold


def test_every_gold_article_stored_exactly_once_with_its_fields(crawled):
    con = db(crawled.archive)
    checked = 0
    for site, gold in all_gold(crawled):
        rows = con.execute(
            "SELECT a.* FROM articles a JOIN sites s ON s.id = a.site_id "
            "WHERE s.host = ? AND a.article_key = ?",
            [host(site), gold["key"]],
        ).fetchall()
        assert len(rows) == 1, gold["url"]
        row = rows[0]
        assert row["url"] == gold["url"]
        for field in ("title", "summary", "body", "author", "published_at", "category"):
            assert row[field] == gold[field], (gold["url"], field)
        assert json.loads(row["text_flags"]) == gold["text_flags"], gold["url"]
        assert row["body_html"].startswith(("<p>", "<figure>"))
        images = con.execute(
            "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [row["id"]]
        ).fetchall()
        assert [dict(i) for i in images] == gold["images"], gold["url"]
        checked += 1
    total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert checked == total == sum(len(s.portal.articles) for s in crawled.sites)


def test_attachments_downloaded_archived_and_hashed(crawled):
    con = db(crawled.archive)
    expected = 0
    for site, gold in all_gold(crawled):
        rows = con.execute(
            "SELECT t.url, t.filename, t.content_type, t.size, t.sha256, c.url AS cap_url, "
            "c.warc_file FROM attachments t JOIN articles a ON a.id = t.article_id "
            "JOIN sites s ON s.id = a.site_id LEFT JOIN captures c ON c.id = t.capture_id "
            "WHERE s.host = ? AND a.article_key = ? ORDER BY t.url",
            [host(site), gold["key"]],
        ).fetchall()
        want = sorted(gold["attachments"], key=lambda a: a["url"])
        assert [r["url"] for r in rows] == [a["url"] for a in want], gold["url"]
        for row, att in zip(rows, want, strict=True):
            assert row["sha256"] == att["sha256"]
            assert row["size"] == att["size"]
            assert row["filename"] == att["filename"]
            assert row["content_type"] == att["content_type"]
            assert row["cap_url"] == att["url"] and row["warc_file"]
        expected += len(want)
    assert expected > 10  # the sample portals do carry attachments


def test_no_chrome_in_stored_text_and_all_nfc(crawled):
    import unicodedata

    con = db(crawled.archive)
    for row in con.execute("SELECT url, title, summary, body, author FROM articles"):
        text = "\n".join(row[k] or "" for k in ("title", "summary", "body", "author"))
        assert unicodedata.is_normalized("NFC", text), row["url"]
        for junk in CHROME:
            assert junk not in text, (row["url"], junk)
        assert "\u00a0" not in text


def test_nfd_articles_are_stored_in_nfc(crawled):
    """The page carried decomposed text (checked in the WARC); the row holds the composed form."""
    import unicodedata

    nfd = [g for _, g in all_gold(crawled) if g["nfd"]]
    assert nfd, "the sample portal has NFD articles"
    con = db(crawled.archive)
    for gold in nfd:
        row = con.execute(
            "SELECT a.title, a.body, c.warc_file, c.warc_offset FROM articles a "
            "JOIN captures c ON c.id = a.capture_id WHERE a.url = ?",
            [gold["url"]],
        ).fetchone()
        assert (row["title"], row["body"]) == (gold["title"], gold["body"])
        with (crawled.archive / "warc" / row["warc_file"]).open("rb") as fh:
            fh.seek(row["warc_offset"])
            page = next(iter(ArchiveIterator(fh))).content_stream().read().decode("utf-8")
        first = gold["body"].split("\n\n")[0]
        assert unicodedata.normalize("NFD", first) in page
        assert first not in page


def test_every_capture_points_at_its_warc_record(crawled):
    con = db(crawled.archive)
    rows = con.execute("SELECT * FROM captures WHERE warc_file IS NOT NULL").fetchall()
    assert len(rows) > 100
    warc_dir = crawled.archive / "warc"
    for row in rows:
        with (warc_dir / row["warc_file"]).open("rb") as fh:
            fh.seek(row["warc_offset"])
            raw = fh.read(row["warc_length"])
        assert len(raw) == row["warc_length"]
        record = next(iter(ArchiveIterator(__import__("io").BytesIO(raw))))
        assert record.rec_type == row["record_type"]
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == row["payload_digest"]
        assert record.http_headers.get_statuscode() == str(row["status"])
        if row["record_type"] == "revisit":  # same bytes as an earlier capture: not stored twice
            original = con.execute(
                "SELECT * FROM captures WHERE id = ?", [row["refers_to"]]
            ).fetchone()
            assert original["record_type"] == "response"
            assert original["payload_digest"] == row["payload_digest"]
            headers = record.rec_headers
            assert headers.get_header("WARC-Refers-To-Target-URI") == original["url"]
            assert headers.get_header("WARC-Refers-To-Date") == original["fetched_at"]
            assert headers.get_header("WARC-Refers-To") == original["response_record_id"]
            assert record.raw_stream.read() == b""
            continue
        payload = record.raw_stream.read()
        digest = "sha1:" + b32encode(hashlib.sha1(payload).digest()).decode()
        assert digest == row["payload_digest"], row["url"]


def test_warc_files_pass_warcio_check_and_pair_records(crawled):
    files = sorted((crawled.archive / "warc").glob("*.warc.gz"))
    assert files
    warcio = Path(sys.executable).parent / "warcio"
    result = subprocess.run(
        [str(warcio), "check", *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in files:
        with path.open("rb") as fh:
            records = [
                (r.rec_type, dict(r.rec_headers.headers), r.http_headers)
                for r in ArchiveIterator(fh)
            ]
        assert records[0][0] == "warcinfo"
        responses = {h["WARC-Record-ID"]: h for t, h, _ in records if t in ("response", "revisit")}
        requests = [h for t, h, _ in records if t == "request"]
        assert len(requests) == len(responses)
        for req in requests:
            resp = responses[req["WARC-Concurrent-To"]]
            assert resp["WARC-Target-URI"] == req["WARC-Target-URI"]
        for rec_type, _, http in records:
            if rec_type in ("response", "revisit"):
                assert http.get_header("Transfer-Encoding") is None


def test_raw_bytes_recorded_before_decompression(crawled):
    """HTML went out gzip-encoded; the WARC keeps the encoded bytes and the header that says so."""
    files = sorted((crawled.archive / "warc").glob("*.warc.gz"))
    gzipped = 0
    for path in files:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                if record.http_headers.get_header("Content-Encoding") == "gzip":
                    assert record.raw_stream.read(2) == b"\x1f\x8b"
                    gzipped += 1
    assert gzipped > 50


def test_error_responses_are_archived_too(crawled):
    con = db(crawled.archive)
    for site in crawled.sites:
        row = con.execute("SELECT * FROM captures WHERE url = ?", [site.removed_url()]).fetchone()
        assert row["status"] == 404 and row["warc_file"], site.removed_url()
        with (crawled.archive / "warc" / row["warc_file"]).open("rb") as fh:
            fh.seek(row["warc_offset"])
            record = next(iter(ArchiveIterator(fh)))
        assert record.http_headers.get_statuscode() == "404"
        assert record.http_headers.protocol == "HTTP/1.1"
        assert record.http_headers.statusline == "404 Not Found"


def test_robots_storage_and_scope(crawled):
    con = db(crawled.archive)
    urls = [r[0] for r in con.execute("SELECT url FROM captures")]
    storage = crawled.sites[0].storage
    for site in crawled.sites:
        assert f"{site.base}/robots.txt" in urls
    assert f"{storage}/robots.txt" in urls
    storage_urls = [u for u in urls if u.startswith(storage)]
    assert any(u.endswith(".jpg") for u in storage_urls)
    assert all(u.endswith((".jpg", ".pdf", ".docx", ".xlsx", "/robots.txt")) for u in storage_urls)
    assert not any("utm_" in u or "fbclid" in u or "print=" in u for u in urls)
    assert len(urls) == len(set(urls)), "no URL fetched twice"
    assert not any("dang-nhap" in u for u in urls), "robots.txt obeyed"


def test_crawl_rows_and_summary(crawled):
    con = db(crawled.archive)
    crawls = con.execute("SELECT * FROM crawls ORDER BY id").fetchall()
    assert [c["status"] for c in crawls] == ["finished"] * len(crawled.sites)
    for crawl, site in zip(crawls, crawled.sites, strict=True):
        assert crawl["articles_new"] == len(site.portal.articles)
        assert crawl["errors"] == 1  # the dead link on the home page
        n = con.execute(
            "SELECT count(*) FROM captures WHERE crawl_id = ?", [crawl["id"]]
        ).fetchone()
        assert crawl["pages"] == n[0] > 0
    assert "finished" in crawled.result.stdout
    assert "archive.db" in crawled.result.stdout


def test_recrawl_stores_nothing_twice(crawled, tmp_path):
    from tests.conftest import run_cli

    result = run_cli(
        "crawl", *[s.home_url() for s in crawled.sites],
        "--archive", str(crawled.archive), "--delay", "0", "--concurrency", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = db(crawled.archive)
    total = sum(len(s.portal.articles) for s in crawled.sites)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == total
    n = len(crawled.sites)
    latest = con.execute(
        "SELECT articles_new, status FROM crawls ORDER BY id DESC LIMIT ?", [n]
    ).fetchall()
    assert [tuple(r) for r in latest] == [(0, "finished")] * n
    assert con.execute("SELECT count(*) FROM sites").fetchone()[0] == n


@pytest.mark.parametrize("limit", [5])
def test_max_pages_bounds_the_crawl(sample_portal, tmp_path, limit):
    from tests.conftest import run_cli

    site = sample_portal.sites[0]
    result = run_cli(
        "crawl", site.home_url(), "--archive", str(tmp_path), "--delay", "0", "--max-pages", str(limit)
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = db(tmp_path)
    pages = con.execute(
        "SELECT count(*) FROM captures WHERE url LIKE ? AND content_type LIKE 'text/html%'",
        [site.base + "%"],
    ).fetchone()[0]
    assert pages == limit


def test_workers_split_portals_over_processes(sample_portal, tmp_path):
    from tests.conftest import run_cli

    result = run_cli(
        "crawl", *[s.home_url() for s in sample_portal.sites], "--archive", str(tmp_path),
        "--delay", "0", "--concurrency", "8", "--workers", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = db(tmp_path)
    for site in sample_portal.sites:
        for gold in gold_articles(site):
            rows = con.execute("SELECT title FROM articles WHERE url = ?", [gold["url"]]).fetchall()
            assert [r["title"] for r in rows] == [gold["title"]], gold["url"]
    statuses = [r[0] for r in con.execute("SELECT status FROM crawls")]
    assert statuses == ["finished"] * len(sample_portal.sites)
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) >= 2  # one file per worker at least
    check = run_cli("verify", "--archive", str(tmp_path))
    assert check.returncode == 0, check.stdout


def test_busy_crawl_fetches_each_url_once(tmp_path):
    """Many responses in flight at once: Scrapy runs other callbacks between a callback's
    yields, so links must be marked seen before the first request leaves (a race that once
    fetched list-page links up to eight times)."""
    from govarchive.sampleportal.process import SamplePortalProcess
    from tests.conftest import run_cli

    with SamplePortalProcess(("bench",), articles=400) as portal:
        result = run_cli(
            "crawl", portal.sites[0].home_url(), "--archive", str(tmp_path),
            "--delay", "0", "--concurrency", "8", "--set", "GOVARCHIVE_FETCH_ASSETS=0",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = db(tmp_path)
    twice = con.execute(
        "SELECT url, count(*) FROM captures GROUP BY url HAVING count(*) > 1"
    ).fetchall()
    assert not [tuple(r) for r in twice]
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 400


def test_page_requisites_archived_once_for_replay(crawled):
    """Stylesheets, icons and layout images (and what a stylesheet names: background images,
    fonts) are archived so a replayed page looks like the page, each once per crawl."""
    con = db(crawled.archive)
    first = con.execute("SELECT min(id) FROM crawls").fetchone()[0]
    n = len(crawled.sites)
    rows = con.execute(
        "SELECT url, status, count(*) AS n FROM captures WHERE crawl_id < ? + ? GROUP BY url",
        [first, n],
    ).fetchall()
    by_url = {r["url"]: r for r in rows}
    for site in crawled.sites:
        for path in ("/Portals/_default/skin.css", "/Portals/0/banner.png", "/Portals/0/bg.png",
                     "/Portals/_default/fonts/vn.woff"):  # fmt: skip
            row = by_url.get(site.base + path)
            assert row is not None, site.base + path
            assert row["status"] == 200 and row["n"] == 1
    assert not [u for u in by_url if u.startswith("data:")]
