"""Crawls of portals in skins the crawler's URL rules do not know (issue 13): a `.html` skin with
an RSS feed and CKEditor 5 bodies, an ASP.NET WebForms skin with a postback-only pager and a
gzipped sitemap index, and a portal that renders in the browser. Every gold article is stored
once, from the page, however it was reached; what could not be read is said, not hidden."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import run_cli
from tests.test_crawl_sample_portal import db, host

FAMILIES = ("laichau", "dienbien", "jsportal")


@pytest.fixture(scope="module")
def families():
    with SamplePortalProcess(FAMILIES) as portal:
        yield {s.profile.key: s for s in portal.sites}


@pytest.fixture(scope="module")
def crawled(families, tmp_path_factory):
    archive = tmp_path_factory.mktemp("families")
    result = run_cli(
        "crawl", *[s.home_url() for s in families.values()],
        "--archive", str(archive), "--delay", "0", "--concurrency", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return archive, result


@pytest.mark.parametrize("family", ["laichau", "dienbien"])
def test_every_gold_article_once_with_its_fields(families, crawled, family):
    archive, _ = crawled
    site = families[family]
    con = db(archive)
    golds = gold_articles(site)
    assert golds
    for gold in golds:
        rows = con.execute(
            "SELECT a.* FROM articles a JOIN sites s ON s.id = a.site_id "
            "WHERE s.host = ? AND a.article_key = ?",
            [host(site), gold["key"]],
        ).fetchall()
        assert len(rows) == 1, gold["url"]
        row = rows[0]
        assert row["url"] == gold["url"]  # the plain address, not the feed's or the sidebar's
        for field in ("title", "summary", "body", "author", "published_at", "category"):
            assert row[field] == gold[field], (gold["url"], field)
        assert json.loads(row["text_flags"]) == gold["text_flags"], gold["url"]
        images = con.execute(
            "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position", [row["id"]]
        ).fetchall()
        assert [dict(i) for i in images] == gold["images"], gold["url"]
        assert row["capture_id"] is not None
    stored = con.execute(
        "SELECT count(*) FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.host = ?",
        [host(site)],
    ).fetchone()[0]
    assert stored == len(golds)


def test_articles_only_a_sitemap_or_a_feed_names_are_archived(families, crawled):
    archive, _ = crawled
    con = db(archive)
    hidden = {
        family: [g for g in gold_articles(families[family]) if g["discovery"] != "links"]
        for family in ("laichau", "dienbien")
    }
    assert {g["discovery"] for g in hidden["laichau"]} == {"feed"}
    assert {g["discovery"] for g in hidden["dienbien"]} == {"sitemap"}
    for gold in hidden["laichau"] + hidden["dienbien"]:
        assert con.execute("SELECT 1 FROM articles WHERE url = ?", [gold["url"]]).fetchone()
    dienbien = families["dienbien"].base
    kinds = dict(
        con.execute(
            "SELECT url, page_reason FROM captures WHERE page_kind = 'discovery' AND url LIKE ?",
            [dienbien + "%"],
        ).fetchall()
    )
    # robots.txt named the index; the index named a gzipped sitemap and a plain one.
    assert kinds[f"{dienbien}/sitemap_index.xml"] == "sitemap"
    assert kinds[f"{dienbien}/sitemaps/tin-tuc-1.xml.gz"] == "sitemap"
    assert kinds[f"{dienbien}/sitemaps/trang.xml"] == "sitemap"
    laichau = families["laichau"].base
    assert (
        con.execute(
            "SELECT page_reason FROM captures WHERE url = ?", [f"{laichau}/rss/tin-moi.rss"]
        ).fetchone()[0]
        == "feed"
    )
    urls = [r[0] for r in con.execute("SELECT url FROM captures WHERE method = 'GET'")]
    assert len(urls) == len(set(urls)), "no URL fetched twice (robots.txt included)"


def test_postback_pages_are_posted_and_archived_as_exchanges(families, crawled):
    archive, _ = crawled
    con = db(archive)
    base = families["dienbien"].base
    posts = con.execute(
        "SELECT url, status, page_kind FROM captures WHERE method = 'POST'"
    ).fetchall()
    assert posts and all(p["url"].startswith(f"{base}/Pages/DanhSachTin.aspx") for p in posts)
    assert all(p["status"] == 200 and p["page_kind"] == "list" for p in posts)
    bodies = []
    for warc in sorted((archive / "warc").glob("*.warc.gz")):
        with warc.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "request" and record.http_headers.protocol == "POST":
                    bodies.append(record.content_stream().read().decode())
    assert len(bodies) == len(posts)
    assert all("__EVENTTARGET=" in b and "__VIEWSTATE=" in b for b in bodies)
    assert any("Page%242" in b for b in bodies)
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, (archive / "warc").glob("*.warc.gz"))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_page_kinds_are_counted_and_a_script_portal_is_reported(families, crawled):
    archive, result = crawled
    con = db(archive)
    rows = {
        r["host"]: r
        for r in con.execute(
            "SELECT s.host, c.* FROM crawls c JOIN sites s ON s.id = c.site_id"
        ).fetchall()
    }
    for family in ("laichau", "dienbien"):
        row = rows[host(families[family])]
        assert row["warning"] is None
        assert row["pages_html"] == row["pages_article"] + row["pages_list"] + row["pages_other"]
        assert row["pages_article"] >= len(gold_articles(families[family]))
        assert row["pages_list"] > 0
        assert row["errors"] == 0  # /sitemap.xml absent is no error of the portal
    js = rows[host(families["jsportal"])]
    assert js["status"] == "finished" and js["articles_new"] == 0
    assert "JavaScript" in js["warning"] and "govarchive inspect" in js["warning"]
    lines = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert len(lines) == 1 and families["jsportal"].base in lines[0]
    report = run_cli("report", str(js["id"]), "--archive", str(archive))
    assert report.returncode == 0
    assert "HTML pages 1" in report.stdout and "warning:" in report.stdout
    as_json = json.loads(
        run_cli("report", str(js["id"]), "--archive", str(archive), "--format", "json").stdout
    )
    assert as_json["crawl"]["pages_other"] == 1


def test_recrawl_skips_what_a_sitemap_says_is_unchanged(families, crawled, tmp_path):
    archive, _ = crawled
    site = families["dienbien"]
    result = run_cli(
        "crawl", site.home_url(), "--archive", str(archive), "--delay", "0", "--concurrency", "8"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    con = db(archive)
    crawl = con.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    assert crawl["articles_new"] == 0
    assert crawl["articles_unchanged"] == len(gold_articles(site))
    sitemap_only = [g["url"] for g in gold_articles(site) if g["discovery"] == "sitemap"]
    fetched = con.execute(
        f"SELECT count(*) FROM captures WHERE crawl_id = ? AND url IN ({','.join('?' * len(sitemap_only))})",
        [crawl["id"], *sitemap_only],
    ).fetchone()[0]
    assert fetched == 0  # lastmod no later than when the archive last saw them


class _TwoAddresses(BaseHTTPRequestHandler):
    """Articles whose URLs name no id we know, each at two addresses: one pair tells its
    canonical URL, the other does not and is the same title, date and text."""

    ARTICLE = (
        "<html><head><title>{title}</title>{canonical}</head><body><div class='menu'>"
        "<a href='/'>Trang chủ</a></div><div class='main'><h1>{title}</h1>"
        "<div class='date'>Thứ Hai, 05/02/2024 08:00</div><div class='content'>"
        "<p>{text} Người dân được hướng dẫn làm thủ tục trực tuyến ngay tại trụ sở xã.</p>"
        "<p>Các đại biểu đã thảo luận, đánh giá kết quả đạt được trong năm qua.</p>"
        "</div></div><div class='footer'><p>Designed by VNPT</p></div></body></html>"
    )

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        pages = {
            "/": "<html><head><title>Trang chủ</title></head><body><ul>"
            "<li><a href='/tin/100.htm'>Hội nghị tổng kết công tác năm 2023 của huyện</a></li>"
            "<li><a href='/bai-viet/100.htm'>Hội nghị tổng kết công tác năm 2023 (bản in)</a></li>"
            "<li><a href='/x/7'>Khởi công đường liên thôn tại xã vùng cao</a></li>"
            "<li><a href='/y/7'>Khởi công đường liên thôn (đường dẫn khác)</a></li>"
            "</ul></body></html>",
            "/tin/100.htm": self.ARTICLE.format(
                title="Hội nghị tổng kết công tác năm 2023",
                text="Sáng nay hội nghị khai mạc.",
                canonical="<link rel='canonical' href='/tin/100.htm'>",
            ),
            "/bai-viet/100.htm": self.ARTICLE.format(
                title="Hội nghị tổng kết công tác năm 2023",
                text="Sáng nay hội nghị khai mạc.",
                canonical="<link rel='canonical' href='/tin/100.htm'>",
            ),
        }
        for path in ("/x/7", "/y/7"):
            pages[path] = self.ARTICLE.format(
                title="Khởi công đường liên thôn", text="Công trình dài 3 km.", canonical=""
            )
        body = pages.get(self.path)
        status = 200 if body is not None else 404
        data = (body or "not found").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_one_article_at_two_addresses_is_stored_once(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TwoAddresses)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        result = run_cli("crawl", f"{base}/", "--archive", str(tmp_path), "--delay", "0")
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
        server.server_close()
    rows = (
        db(tmp_path).execute("SELECT url, article_key, title FROM articles ORDER BY url").fetchall()
    )
    assert [r["title"] for r in rows] == [
        "Hội nghị tổng kết công tác năm 2023",
        "Khởi công đường liên thôn",
    ]
    assert rows[0]["url"] == rows[0]["article_key"] == f"{base}/tin/100.htm"  # its canonical URL
    assert rows[1]["url"] in (f"{base}/x/7", f"{base}/y/7")


def test_inspect_a_live_page_and_its_archived_capture(families, crawled):
    archive, _ = crawled
    site = families["laichau"]
    gold = max(gold_articles(site), key=lambda g: len(g["images"]))  # the photo report
    live = run_cli("inspect", gold["url"], "--format", "json")
    assert live.returncode == 0, live.stderr
    seen = json.loads(live.stdout)
    assert (seen["kind"], seen["reason"], seen["identity"]) == ("article", "extracted", gold["key"])
    assert seen["title"] == gold["title"] and seen["published_at"] == gold["published_at"]
    assert seen["images"] == gold["images"] and seen["chrome_left"] == []
    assert "\n\n".join(seen["body_start"]) == "\n\n".join(gold["body"].split("\n\n")[:6])
    assert seen["profile_lines"][0] == f'["{host(site)}"]'
    assert any(line.startswith("body = ") for line in seen["profile_lines"])
    stored = run_cli(
        "inspect", gold["url"], "--from-archive", "--archive", str(archive), "--format", "json"
    )
    assert stored.returncode == 0, stored.stderr
    kept = json.loads(stored.stdout)
    assert kept["source"].startswith("archive (capture ")
    assert {k: v for k, v in kept.items() if k != "source"} == {
        k: v for k, v in seen.items() if k != "source"
    }
    text = run_cli("inspect", f"{site.base}/", "--from-archive", "--archive", str(archive))
    assert text.returncode == 0 and "kind: list" in text.stdout
    js = run_cli(
        "inspect", families["jsportal"].home_url(), "--from-archive", "--archive", str(archive)
    )
    assert "kind: other (script_rendered)" in js.stdout


def test_inspect_refuses_bad_input_in_one_line(crawled):
    archive, _ = crawled
    missing = run_cli(
        "inspect", "http://127.0.0.1:9/nothing", "--from-archive", "--archive", str(archive)
    )
    assert missing.returncode == 1 and "no capture of" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    bad = run_cli("inspect", "not a url")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    down = run_cli("inspect", "http://127.0.0.1:9/")  # nothing listens on the discard port
    assert down.returncode == 2 and "could not fetch" in down.stderr


@pytest.mark.parametrize("kill_after", [1.0, 2.5])
def test_kill_then_resume_keeps_sitemaps_feeds_and_postbacks(tmp_path, kill_after):
    """Discovery files and postbacks are in the frontier like links: a crawl killed while they
    are pending resumes them (a postback is posted again, never answered from its list's GET)."""
    import os
    import signal
    import time

    from tests.conftest import govarchive_cmd
    from tests.test_resume import wait_until_crawling

    archive = tmp_path / "archive"
    with SamplePortalProcess(("laichau", "dienbien"), delay=0.1) as portal:
        urls = [s.home_url() for s in portal.sites]
        proc = subprocess.Popen(
            govarchive_cmd("crawl", *urls, "--archive", str(archive), "--delay", "0",
                           "--concurrency", "2"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        wait_until_crawling(archive)
        time.sleep(kill_after)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        resumed = run_cli("crawl", *urls, "--archive", str(archive), "--resume", "--delay", "0",
                          "--concurrency", "8")  # fmt: skip
        assert resumed.returncode == 0, resumed.stderr
        con = db(archive)
        for site in portal.sites:
            for gold in gold_articles(site):
                rows = con.execute(
                    "SELECT a.title, a.body FROM articles a JOIN sites s ON s.id = a.site_id "
                    "WHERE s.host = ? AND a.article_key = ?",
                    [host(site), gold["key"]],
                ).fetchall()
                assert [tuple(r) for r in rows] == [(gold["title"], gold["body"])], gold["url"]
        twice = con.execute(
            "SELECT url, group_concat(crawl_id), group_concat(status) FROM captures "
            "WHERE status IS NOT NULL AND method = 'GET' GROUP BY url HAVING count(*) > 1"
        ).fetchall()
        crawls = con.execute("SELECT id, site_id, status FROM crawls").fetchall()
        assert twice == [], ("fetched twice", [tuple(t) for t in twice[:5]], len(twice),
                             [tuple(c) for c in crawls])  # fmt: skip
        assert {r[0] for r in con.execute("SELECT status FROM crawls")} == {"finished"}
    check = run_cli("verify", "--archive", str(archive))
    assert check.returncode == 0, check.stdout + check.stderr
