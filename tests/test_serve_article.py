"""Every article's archived copy in `govarchive serve`: the real server over a real crawl of the
sample portals (crawled twice, the second time with one article edited), read over HTTP and in
headless Chromium. Text, images and citations are checked against the archive itself: the
articles and captures rows, and the payloads read from the WARC records."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from archive import Archive
from archive.warc import decoded_payload, read_record
from govarchive.sampleportal.content import REVISION_PARAGRAPH
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import TESTED_PROFILES, free_port, govarchive_cmd, run_cli

REPLAY_BIN = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin"
HAS_PYWB = (REPLAY_BIN / "wayback").exists()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def crawl(archive: Path, *urls: str) -> None:
    result = run_cli("crawl", *urls, "--archive", str(archive), "--delay", "0",
                     "--concurrency", "8")  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict:
    """The sample portals crawled, then laocai again after one of its articles was edited."""
    root = tmp_path_factory.mktemp("serve-article")
    ports = tuple(free_port() for _ in TESTED_PROFILES)
    with SamplePortalProcess(TESTED_PROFILES, ports=ports) as portal:
        crawl(root, *[s.home_url() for s in portal.sites])
        gold = {g["url"]: g for s in portal.sites for g in gold_articles(s)}
    laocai = TESTED_PROFILES.index("laocai")
    with SamplePortalProcess(("laocai",), ports=(ports[laocai],), revision=2) as later:
        crawl(root, later.sites[0].home_url())
    # the portals are gone now: whatever the pages show can only come from the archive
    return {"root": root, "gold": gold}


def start_serve(root: Path, **env: str):
    port = free_port()
    proc = subprocess.Popen(
        govarchive_cmd("serve", "--archive", str(root), "--port", str(port)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=1)
            return proc, base
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("govarchive serve did not answer")


def stop_serve(proc: subprocess.Popen) -> str:
    proc.terminate()
    assert proc.wait(15) == 0
    return proc.stderr.read()


@pytest.fixture(scope="module")
def server(archive):
    proc, base = start_serve(archive["root"])
    yield base
    stop_serve(proc)


def fetch(url: str) -> tuple[int, dict[str, str], bytes, str]:
    """(status, headers, body, final URL); an error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read(), r.url
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read(), url


def rows(root: Path, sql: str, params=()) -> list[sqlite3.Row]:
    con = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def text_of(page: str) -> str:
    """The page's text, tags dropped, entities undone, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def squeeze(text: str) -> str:
    return " ".join(text.split())


def archived_payload(root: Path, capture_id: int) -> tuple[str, bytes]:
    """(Content-Type, payload as a reader gets it) read straight from the capture's record."""
    c = rows(root, "SELECT * FROM captures WHERE id = ?", [capture_id])[0]
    if c["record_type"] == "revisit":
        c = rows(root, "SELECT * FROM captures WHERE id = ?", [c["refers_to"]])[0]
    http, body = read_record(root / "warc" / c["warc_file"], c["warc_offset"])
    return http.get_header("Content-Type"), decoded_payload(body, http.headers)


def test_every_article_page_shows_its_text_and_citation(server, archive):
    root = archive["root"]
    articles = rows(
        root,
        "SELECT a.*, c.fetched_at, c.response_record_id, c.payload_digest, c.warc_file, "
        "c.url AS capture_url FROM articles a JOIN captures c ON c.id = a.capture_id ORDER BY a.id",
    )
    assert len(articles) > 50
    checked_gold = 0
    with Archive(root) as api:
        for a in articles:
            status, headers, body, _ = fetch(f"{server}/-/article/{a['id']}")
            assert status == 200 and headers["content-type"].startswith("text/html")
            page = body.decode("utf-8")
            text = text_of(page)
            assert squeeze(a["title"]) in text
            for paragraph in a["body"].split("\n\n"):
                assert squeeze(paragraph) in text, (a["url"], paragraph)
            if a["summary"]:
                assert squeeze(a["summary"]) in text
            if a["author"]:
                assert squeeze(a["author"]) in text
            assert a["category"] in text and a["published_at"][:10] in text
            # the citation block names the capture the text came from, as the captures row does
            for css, value in (
                ("cite-url", a["url"]),
                ("cite-captured", a["fetched_at"]),
                ("cite-record", a["response_record_id"]),
                ("cite-digest", a["payload_digest"]),
            ):
                shown = re.search(rf'class="{css}">([^<]*)<', page).group(1)
                assert html.unescape(shown) == value
            line = html.unescape(re.search(r'class="citation-line">([^<]*)<', page).group(1))
            assert line == api.citation(a["url"]).line()
            assert line.startswith(f"{a['author']}. " if a["author"] else a["title"])
            for part in (a["url"], a["fetched_at"], a["response_record_id"], a["payload_digest"],
                         f"Published {a['published_at'][:10]}."):  # fmt: skip
                assert part in line
            gold = archive["gold"].get(a["url"])
            if gold and REVISION_PARAGRAPH not in a["body"]:  # what the portal published
                assert squeeze(gold["title"]) in text
                assert all(squeeze(p) in text for p in gold["body"].split("\n\n"))
                checked_gold += 1
            # nothing on the page is fetched from the portal: images come from the archive
            assert not re.search(r"<img[^>]+src=\"https?:", page)
    assert checked_gold > 50


def test_images_and_attachments_are_the_archived_bytes(server, archive):
    root = archive["root"]
    images = rows(
        root,
        "SELECT i.article_id, i.caption, i.capture_id FROM images i "
        "WHERE i.capture_id IS NOT NULL ORDER BY i.id",
    )
    assert len(images) > 20
    pages: dict[int, str] = {}
    for image in images:
        aid = image["article_id"]
        if aid not in pages:
            pages[aid] = fetch(f"{server}/-/article/{aid}")[2].decode("utf-8")
        assert f'src="/-/capture/{image["capture_id"]}"' in pages[aid]
        if image["caption"]:
            assert html.escape(image["caption"], quote=False) in pages[aid]
        status, headers, body, _ = fetch(f"{server}/-/capture/{image['capture_id']}")
        ctype, held = archived_payload(root, image["capture_id"])
        assert status == 200 and body == held and headers["content-type"] == ctype
    attachments = rows(root, "SELECT * FROM attachments WHERE capture_id IS NOT NULL ORDER BY id")
    assert attachments
    for att in attachments:
        page = fetch(f"{server}/-/article/{att['article_id']}")[2].decode("utf-8")
        assert f'href="/-/capture/{att["capture_id"]}"' in page
        status, headers, body, _ = fetch(f"{server}/-/capture/{att['capture_id']}")
        assert status == 200 and hashlib.sha256(body).hexdigest() == att["sha256"]
        assert headers["content-type"] == archived_payload(root, att["capture_id"])[0]


def test_unknown_ids_get_a_clear_404(server):
    for path, words in (
        ("/-/article/999999", "No article '999999' in this archive"),
        ("/-/article/not-a-number", "No article 'not-a-number'"),
        ("/-/article/999999/captured", "No such article"),
        ("/-/capture/999999", "no capture 999999"),
        ("/-/capture/x", "capture ids are numbers"),
    ):
        status, headers, body, _ = fetch(server + path)
        page = html.unescape(body.decode("utf-8"))
        assert status == 404 and headers["content-type"].startswith("text/html"), path
        assert words in page and "Traceback" not in page, path


def test_version_history_with_a_diff(server, archive):
    root = archive["root"]
    edited = rows(root, "SELECT id, url FROM articles WHERE body LIKE ?",
                  [f"%{REVISION_PARAGRAPH}%"])  # fmt: skip
    assert len(edited) == 1
    page = fetch(f"{server}/-/article/{edited[0]['id']}")[2].decode("utf-8")
    versions = re.search(r'<ol class="versions">(.*?)</ol>', page, re.S).group(1)
    assert versions.count("<li>") == 2 and "(current)" in versions
    assert "Version 1 → version 2" in page
    assert f'<div class="ins">+{html.escape(REVISION_PARAGRAPH)}</div>' in page
    unchanged = rows(root, "SELECT id FROM articles WHERE id != ? LIMIT 1", [edited[0]["id"]])
    assert "One version" in fetch(f"{server}/-/article/{unchanged[0]['id']}")[2].decode()


def test_search_and_article_list_link_to_the_archived_copy(server, archive):
    params = {"q": '"duong lien thon"', "site": "", "since": "", "until": ""}
    found = json.loads(
        fetch(f"{server}/archive/search.json?{urlencode({**params, '_shape': 'array'})}")[2]
    )
    assert found
    ids = {r["url"]: r["id"] for r in rows(archive["root"], "SELECT id, url FROM articles")}
    for hit in found:
        assert hit["archived_copy"] == f"/-/article/{ids[hit['url']]}"
    page = fetch(f"{server}/archive/search?{urlencode(params)}")[2].decode("utf-8")
    for hit in found:
        assert f'<a href="{hit["archived_copy"]}">{html.escape(hit["title"])}</a>' in page
    listing = fetch(f"{server}/archive/article_list?_size=100")[2].decode("utf-8")
    for aid in list(ids.values())[:20]:
        assert f'<a href="/-/article/{aid}">' in listing


@pytest.mark.skipif(not HAS_PYWB, reason="pywb is not installed: `make replay`")
def test_page_as_captured_is_replayed_from_the_archive(server, archive):
    articles = rows(archive["root"], "SELECT a.id, a.title, a.url, c.fetched_at FROM articles a "
                    "JOIN captures c ON c.id = a.capture_id ORDER BY a.id")  # fmt: skip
    for a in articles:
        page = fetch(f"{server}/-/article/{a['id']}")[2].decode("utf-8")
        assert f'href="/-/article/{a["id"]}/captured"' in page
        status, headers, body, final = fetch(f"{server}/-/article/{a['id']}/captured")
        assert status == 200 and "text/html" in headers["content-type"]
        replayed = html.unescape(unicodedata.normalize("NFC", body.decode("utf-8")))
        assert a["title"] in replayed, a["url"]
        where = urlsplit(final)
        assert where.hostname == "127.0.0.1" and where.port != urlsplit(server).port
        stamp = "".join(ch for ch in a["fetched_at"] if ch.isdigit())
        assert where.path == f"/archive/{stamp}/{a['url']}"


def test_without_pywb_the_pages_say_how_to_get_it(archive):
    proc, base = start_serve(archive["root"], GOVARCHIVE_WAYBACK="/nonexistent/wayback")
    try:
        page = fetch(f"{base}/-/article/1")[2].decode("utf-8")
        assert "pywb is not installed" in page and "make replay" in page
        assert "/-/article/1/captured" not in page
        status, _, body, _ = fetch(f"{base}/-/article/1/captured")
        assert status == 503 and "make replay" in body.decode("utf-8")
        assert fetch(f"{base}/-/capture/1")[0] in (200, 404)  # the rest serves as before
    finally:
        note = stop_serve(proc)
    assert "pywb is not installed" in note


@pytest.mark.skipif(
    CHROMIUM is None or not (REPLAY_BIN / "python").exists(),
    reason="chromium or Playwright (.venv-replay) missing: `make replay browser`",
)
def test_article_page_renders_text_and_images_in_headless_chromium(server, archive, tmp_path):
    from PIL import Image

    root = archive["root"]
    a = rows(root, "SELECT a.id, a.title, a.body, count(i.id) AS n FROM articles a "
             "JOIN images i ON i.article_id = a.id AND i.capture_id IS NOT NULL "
             "GROUP BY a.id ORDER BY n DESC, a.id LIMIT 1")[0]  # fmt: skip
    shot = tmp_path / "article.png"
    check = subprocess.run(
        [str(REPLAY_BIN / "python"), str(Path(__file__).parent / "serve_article_check.py"),
         f"{server}/-/article/{a['id']}", CHROMIUM, str(shot)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr[-2000:]
    seen = json.loads(check.stdout)
    assert seen["title"] == a["title"]
    assert squeeze(a["body"].split("\n\n")[0]) in squeeze(seen["body"])
    assert len(seen["images"]) == a["n"]
    assert all(i["width"] > 0 and i["height"] > 0 and i["shown"] > 0 for i in seen["images"])
    assert all(u.startswith(server) for u in seen["asked"]), "nothing asked of the portals"
    # the screenshot shows each image's archived pixels where the page put it
    screenshot = Image.open(shot).convert("RGB")
    for image in seen["images"]:
        capture_id = int(image["src"].rsplit("/", 1)[-1])
        archived = Image.open(io.BytesIO(archived_payload(root, capture_id)[1])).convert("RGB")
        centre = (int(image["x"] + image["shown"] / 2), int(image["y"] + image["tall"] / 2))
        middle = (archived.width // 2, archived.height // 2)
        assert screenshot.getpixel(centre) == archived.getpixel(middle)


def test_replay_index_covers_files_the_archive_has_not_indexed(archive, tmp_path):
    """pywb's index folder: the archive's own index linked, and WARC files not in it (an archive
    never indexed, a crawl still writing) indexed at start; nothing written in the archive."""
    from archive.folder import ArchiveFolder
    from govarchive.replay import index_folder

    root = archive["root"]
    before = sorted(p.name for p in (root / "indexes").iterdir())
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()  # serve makes these in its temporary folder
    made = index_folder(ArchiveFolder(root), tmp_path / "a")
    assert sorted(p.name for p in made.iterdir()) == ["index.cdxj"]
    assert (made / "index.cdxj").resolve() == (root / "indexes" / "index.cdxj").resolve()
    assert sorted(p.name for p in (root / "indexes").iterdir()) == before

    # an archive never indexed: every file read; then one whose crawl wrote the lines of some
    # files beside them (pending/, as a crawl does): those taken as written, the rest read
    whole = (root / "indexes" / "index.cdxj").read_text(encoding="utf-8")
    bare = tmp_path / "bare"
    (bare / "warc").mkdir(parents=True)
    warcs = sorted((root / "warc").glob("*.warc.gz"))
    for warc in warcs:
        (bare / "warc" / warc.name).symlink_to(warc)
    made = index_folder(ArchiveFolder(bare), tmp_path / "b")
    assert (made / "unindexed.cdxj").read_text(encoding="utf-8") == whole
    assert not (bare / "indexes").exists()
    pending = bare / "indexes" / "pending"
    pending.mkdir(parents=True)
    for warc in warcs[::2]:
        mine = [ln for ln in whole.splitlines(True) if f'"filename": "{warc.name}"' in ln]
        (pending / f"{warc.name}@{warc.stat().st_size}.cdxj").write_text(
            "".join(reversed(mine)), encoding="utf-8"
        )  # in the order written, not sorted
    (tmp_path / "c").mkdir()
    made = index_folder(ArchiveFolder(bare), tmp_path / "c")
    assert (made / "unindexed.cdxj").read_text(encoding="utf-8") == whole


def test_body_html_is_reemitted_through_an_allow_list():
    """The stored body is the portal's text: nothing in it may run on the archive's pages, and
    its images are the archive's copies or a note, never the portal's URL."""
    from govarchive.body_html import safe_body

    stored = (
        '<p onclick="x()">Một <em>đoạn</em> <a href="javascript:alert(1)">xấu</a> '
        '<a href="https://example.gov.vn/a?b=1&amp;c=2">tốt</a><script>alert("<p>")</script></p>'
        '<figure><img src="https://cdn.example/1.jpg" onerror="x()" alt="a &quot;b&quot;">'
        "<figcaption>Chú thích &lt;i&gt;</figcaption></figure>"
        '<figure><img src="https://cdn.example/2.jpg"></figure><p>unclosed <strong>bold'
    )
    held = {"https://cdn.example/1.jpg": "/-/capture/7"}
    shown, used = safe_body(stored, held.get)
    assert shown == (
        "<p>Một <em>đoạn</em> <a>xấu</a> "
        '<a href="https://example.gov.vn/a?b=1&amp;c=2" rel="noreferrer">tốt</a></p>'
        '<figure><img src="/-/capture/7" alt="a &quot;b&quot;" '
        'data-original="https://cdn.example/1.jpg">'
        "<figcaption>Chú thích &lt;i&gt;</figcaption></figure>"
        '<figure><span class="not-archived">[image not archived: https://cdn.example/2.jpg]'
        "</span></figure><p>unclosed <strong>bold</strong></p>"
    )
    assert used == ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]
