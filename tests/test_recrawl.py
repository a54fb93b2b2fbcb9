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
    """WARC-Record-ID -> (type, WARC headers, HTTP headers, payload length, metadata text)."""
    out = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for r in ArchiveIterator(fh):
                body = r.raw_stream.read()
                out[r.rec_headers.get_header("WARC-Record-ID")] = (
                    r.rec_type, r.rec_headers, r.http_headers, len(body),
                    body.decode() if r.rec_type == "metadata" else "",
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
    # no payload again (above); on these small sample pages the headers still weigh about half
    assert 0 < second_bytes < first_bytes


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
        kind, warc, http, length, _ = recs[cap["response_record_id"]]
        assert kind == "revisit" and length == 0
        original = by_capture[cap["refers_to"]]
        assert original["record_type"] == "response"
        assert warc.get_header("WARC-Refers-To-Target-URI") == original["url"]
        assert warc.get_header("WARC-Refers-To-Date") == original["fetched_at"]
        assert warc.get_header("WARC-Refers-To") == original["response_record_id"]
        assert warc.get_header("WARC-Payload-Digest") == original["payload_digest"]
        assert recs[original["response_record_id"]][0] == "response"
        profiles.add(warc.get_header("WARC-Profile"))
        if cap["status"] == 304:
            assert warc.get_header("WARC-Profile").endswith("/revisit/server-not-modified")
            # carries the original's headers (replay serves the page), the 304 kept beside it
            assert http.get_statuscode() == "200"
            as_received = [
                r for r in recs.values()
                if r[0] == "metadata" and r[1].get_header("WARC-Concurrent-To") == cap["response_record_id"]
            ]  # fmt: skip
            assert len(as_received) == 1
            assert "http-response: HTTP/1.1 304 Not Modified" in as_received[0][4]
        else:
            assert warc.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
            assert http.get_statuscode() == str(cap["status"])
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


def test_cdxj_index_kept_up_to_date(recrawled, tmp_path):
    from archive.cdxj import index_warcs

    index = recrawled.archive / "indexes" / "index.cdxj"
    lines = index.read_text(encoding="utf-8").splitlines()
    # Made from the lines the crawls wrote as they went: what cdxj-indexer reads from the files
    assert not list((recrawled.archive / "indexes" / "pending").iterdir())
    index_warcs(sorted((recrawled.archive / "warc").glob("*.warc.gz")), tmp_path / "ref.cdxj")
    assert index.read_text(encoding="utf-8") == (tmp_path / "ref.cdxj").read_text(encoding="utf-8")
    assert lines == sorted(lines)
    records = rows(
        recrawled.archive, "SELECT count(*) FROM captures WHERE record_type IS NOT NULL"
    )[0][0]
    assert len(lines) == records, "one index line per response and revisit record"
    assert sum('"mime": "warc/revisit"' in line for line in lines) > 0


def test_wacz_validates_and_lists_the_article_pages(recrawled, tmp_path):
    import json
    import zipfile
    from hashlib import sha256

    out = tmp_path / "all.wacz"
    made = run_cli("wacz", "--out", str(out), "--archive", str(recrawled.archive))
    assert made.returncode == 0, made.stderr
    wacz = Path(sys.executable).parent / "wacz"
    check = subprocess.run([str(wacz), "validate", "-f", str(out)], capture_output=True, text=True)
    assert check.returncode == 0 and "Validation succeeded" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as zf:
        package = json.loads(zf.read("datapackage.json"))
        for res in package["resources"]:  # recomputed, not trusted
            data = zf.read(res["path"])
            assert res["hash"] == "sha256:" + sha256(data).hexdigest()
            assert res["bytes"] == len(data)
        assert zf.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    titles = {
        r["url"]: r["title"] for r in rows(recrawled.archive, "SELECT url, title FROM articles")
    }
    assert {p["url"]: p["title"] for p in pages[1:]} == titles

    site = recrawled.portal.sites[1]  # bacha, by its host
    host = site.base.split("://", 1)[1]
    one = tmp_path / "one.wacz"
    made = run_cli("wacz", "--out", str(one), "--site", host, "--archive", str(recrawled.archive))
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(one) as zf:
        urls = [json.loads(x)["url"] for x in zf.read("pages/pages.jsonl").splitlines()[1:]]
    assert urls and all(u.startswith(site.base) for u in urls)
    assert len(urls) == len(site.portal.articles)
    again = run_cli("wacz", "--out", str(one), "--archive", str(recrawled.archive))
    assert again.returncode == 2 and "--force" in again.stderr
    bad = run_cli("wacz", "--out", str(tmp_path / "x.wacz"), "--since", "2024-13-01",
                  "--archive", str(recrawled.archive))  # fmt: skip
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
    assert not (tmp_path / "x.wacz").exists()


REPLAY_BIN = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin"


@pytest.fixture(scope="module")
def wayback(recrawled, tmp_path_factory):
    """The archive's WARC files in a real pywb (`wb-manager add`), `wayback` on loopback."""
    import socket
    import time
    import urllib.request

    if not (REPLAY_BIN / "wayback").exists():
        pytest.skip("pywb is not installed: `make replay` puts it in .venv-replay")
    root = tmp_path_factory.mktemp("pywb")
    manager = str(REPLAY_BIN / "wb-manager")
    subprocess.run([manager, "init", "gov"], cwd=root, check=True, capture_output=True)
    warcs = sorted(str(p) for p in (recrawled.archive / "warc").glob("*.warc.gz"))
    subprocess.run([manager, "add", "gov", *warcs], cwd=root, check=True, capture_output=True)
    # and a WACZ made by `govarchive wacz`, read through its own CDXJ index
    package = root / "all.wacz"
    made = run_cli("wacz", "--out", str(package), "--archive", str(recrawled.archive))
    assert made.returncode == 0, made.stderr
    subprocess.run([manager, "init", "pkg"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [manager, "add", "--unpack-wacz", "pkg", str(package)], cwd=root, check=True,
        capture_output=True,
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(REPLAY_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/gov"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def replay(url: str) -> tuple[int, dict, bytes]:
    import gzip
    import urllib.request

    with urllib.request.urlopen(url, timeout=20) as r:
        body = r.read()
        headers = {k.lower(): v for k, v in r.headers.items()}
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return r.status, headers, body


def stamp(iso: str) -> str:
    return iso.replace("-", "").replace(":", "").replace("T", "").rstrip("Z")


def test_pywb_replays_an_article_its_image_and_a_revisited_page(recrawled, wayback):
    import urllib.request

    article = rows(
        recrawled.archive,
        "SELECT a.url, a.title, i.src FROM articles a JOIN images i ON i.article_id = a.id "
        "ORDER BY a.id LIMIT 1",
    )[0]
    status, headers, body = replay(f"{wayback}/2030id_/{article['url']}")
    assert status == 200 and "text/html" in headers["content-type"]
    assert article["title"] in body.decode("utf-8")

    status, headers, body = replay(f"{wayback}/2030id_/{article['src']}")
    with urllib.request.urlopen(article["src"], timeout=10) as live:
        assert status == 200 and body == live.read(), "the image as archived"

    # bacha answers no conditional requests: its re-fetched, identical pages are revisit records
    bacha = recrawled.portal.sites[1].base
    revisit = rows(
        recrawled.archive,
        "SELECT r.url, r.fetched_at, o.fetched_at AS original FROM captures r "
        "JOIN captures o ON o.id = r.refers_to JOIN articles a ON a.url = r.url "
        "WHERE r.record_type = 'revisit' AND r.status = 200 AND r.url LIKE ? "
        "AND r.crawl_id IN (?,?,?) ORDER BY r.id LIMIT 1",
        [bacha + "%", *recrawled.second],
    )[0]
    assert revisit["fetched_at"] != revisit["original"]
    status, headers, body = replay(f"{wayback}/{stamp(revisit['fetched_at'])}id_/{revisit['url']}")
    assert status == 200
    from email.utils import parsedate_to_datetime

    served = parsedate_to_datetime(headers["memento-datetime"])
    assert served.strftime("%Y-%m-%dT%H:%M:%SZ") == revisit["fetched_at"], "the revisit itself"
    title = rows(recrawled.archive, "SELECT title FROM articles WHERE url = ?", [revisit["url"]])
    assert title[0]["title"] in body.decode("utf-8"), "its payload, from the original record"


def test_pywb_replays_a_page_the_server_said_was_not_modified(recrawled, wayback):
    not_modified = rows(
        recrawled.archive,
        "SELECT r.url, r.fetched_at, a.title FROM captures r JOIN articles a ON a.url = r.url "
        "WHERE r.status = 304 ORDER BY r.id LIMIT 1",
    )[0]
    status, headers, body = replay(
        f"{wayback}/{stamp(not_modified['fetched_at'])}id_/{not_modified['url']}"
    )
    assert status == 200
    assert not_modified["title"] in body.decode("utf-8")


def test_pywb_replays_from_a_wacz_package(recrawled, wayback):
    article = rows(
        recrawled.archive,
        "SELECT a.url, a.title, i.src FROM articles a JOIN images i ON i.article_id = a.id "
        "ORDER BY a.id DESC LIMIT 1",
    )[0]
    package = wayback.rsplit("/", 1)[0] + "/pkg"
    status, _, body = replay(f"{package}/2030id_/{article['url']}")
    assert status == 200 and article["title"] in body.decode("utf-8")
    status, headers, _ = replay(f"{package}/2030id_/{article['src']}")
    assert status == 200 and headers["content-type"].startswith("image/")


RWP = REPLAY_BIN.parent / "replaywebpage"  # `make replay`: npm pack replaywebpage, unpacked


def test_replaywebpage_opens_the_wacz(recrawled, tmp_path):
    import functools
    import http.server
    import shutil
    import threading

    chromium = shutil.which("chromium")
    if not (RWP / "sw.js").exists() or not (REPLAY_BIN / "python").exists() or not chromium:
        pytest.skip("ReplayWeb.page, Playwright or chromium missing: `make replay browser`")
    site = tmp_path / "site"
    site.mkdir()
    for name in ("sw.js", "ui.js"):
        shutil.copy(RWP / name, site / name)
    made = run_cli("wacz", "--out", str(site / "all.wacz"), "--archive", str(recrawled.archive))
    assert made.returncode == 0, made.stderr
    article = rows(recrawled.archive, "SELECT url, title FROM articles ORDER BY id LIMIT 1")[0]
    (site / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><script src="./ui.js"></script>'
        f'<replay-web-page style="height:600px;display:block" source="all.wacz" '
        f'url="{article["url"]}" replayBase="./"></replay-web-page>',
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        check = subprocess.run(
            [str(REPLAY_BIN / "python"), str(Path(__file__).parent / "replaywebpage_check.py"),
             f"http://127.0.0.1:{server.server_address[1]}/index.html", article["url"],
             article["title"], chromium],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert check.returncode == 0, check.stderr[-2000:]


def test_a_recrawl_leaves_the_files_it_holds_alone_unless_told(recrawled):
    """Images and attachments keep their URL for life on VNPT's storage host: a re-crawl within
    GOVARCHIVE_ASSET_RECHECK_DAYS does not ask for the ones the archive holds, and articles
    still point at the captures holding them; with 0 it asks again for those of the pages it
    reads."""
    files = {
        r[0]
        for r in rows(
            recrawled.archive,
            "SELECT src FROM images UNION SELECT url FROM attachments",
        )
    }
    assert files
    marks = ",".join("?" * len(recrawled.second))
    again = rows(
        recrawled.archive,
        f"SELECT url FROM captures WHERE crawl_id IN ({marks})",
        recrawled.second,
    )
    assert not files & {r[0] for r in again}
    unbacked = rows(
        recrawled.archive,
        "SELECT i.src FROM images i LEFT JOIN captures c ON c.id = i.capture_id "
        "WHERE c.id IS NULL OR c.status != 200",
    )
    assert not unbacked

    ids = crawl(recrawled.portal, recrawled.archive, "--set", "GOVARCHIVE_ASSET_RECHECK_DAYS=0")
    asked = rows(
        recrawled.archive,
        f"SELECT url, status FROM captures WHERE crawl_id IN ({','.join('?' * len(ids))})",
        ids,
    )
    # the files of the pages it reads again (bacha's: it answers no conditional request)
    assert files & {r[0] for r in asked}
