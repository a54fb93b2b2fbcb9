"""Official documents end to end (issue 17 part 1): a crawl of the two Văn bản skins stores every
gold document with its metadata exact and its files fetched, each row backed by the WARC record
of a page that shows it; a document's own page is no article; `govarchive extract` finds the
same documents from the WARC files alone; verify proves the backing and --repair keeps a
document whose page record is lost."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from govarchive.sampleportal.content import DOCUMENT_PROFILES
from govarchive.sampleportal.gold import gold_articles, gold_documents
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import BIN, run_cli

FIELDS = ("number", "type", "issued_at", "effective_at", "issuer", "signer", "abstract", "field")


@pytest.fixture(scope="module")
def portals():
    with SamplePortalProcess(DOCUMENT_PROFILES) as running:
        yield running


@pytest.fixture(scope="module")
def archive(portals, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("documents")
    result = run_cli(
        "crawl", *[s.home_url() for s in portals.sites], "--archive", str(path),
        "--delay", "0", "--concurrency", "8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def host(site) -> str:
    return site.base.split("//", 1)[1]


def stored(db: Path, site) -> dict[str, dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute(
        "SELECT d.* FROM documents d JOIN sites s ON s.id = d.site_id WHERE s.host = ?",
        [host(site)],
    ).fetchall()
    out = {}
    for row in rows:
        doc = dict(row)
        doc["files"] = [
            r[0]
            for r in con.execute(
                "SELECT url FROM document_files WHERE document_id = ? ORDER BY position",
                [row["id"]],
            )
        ]
        doc["unfetched"] = con.execute(
            "SELECT count(*) FROM document_files WHERE document_id = ? AND capture_id IS NULL",
            [row["id"]],
        ).fetchone()[0]
        out[doc["number"]] = doc
    con.close()
    return out


STAMPS = ("id", "first_seen", "last_seen", "last_crawl_id")  # a re-read's own
NUMBERED = (*STAMPS, "capture_id", "article_id")  # rows another crawl numbers as it meets them


def unstamped(docs: dict[str, dict], apart: tuple[str, ...] = STAMPS) -> dict[str, dict]:
    """Documents without the columns `apart` (by default their row id and when seen)."""
    return {n: {k: v for k, v in d.items() if k not in apart} for n, d in docs.items()}


def as_gold(doc: dict) -> dict:
    return {
        k: doc[k] if doc[k] is not None or k in ("issued_at", "effective_at") else ""
        for k in FIELDS
    }


def test_every_document_is_stored_with_its_metadata_exact(archive, portals):
    for site in portals.sites:
        gold = gold_documents(site)
        docs = stored(archive / "archive.db", site)
        assert sorted(docs) == sorted(g["number"] for g in gold), site.profile.key
        for g in gold:
            doc = docs[g["number"]]
            assert as_gold(doc) == {k: g[k] for k in FIELDS}, g["number"]
            assert sorted(doc["files"]) == sorted(g["files"])
            assert doc["unfetched"] == 0, "every document's file is archived"
            want = {"list": "detail", "article": "article", "attachment": "article"}
            assert doc["source"] == want[g["found_on"]]


def test_a_documents_own_page_is_no_article(archive, portals):
    con = sqlite3.connect(archive / "archive.db")
    for site in portals.sites:
        urls = {
            r[0]
            for r in con.execute(
                "SELECT a.url FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.host = ?",
                [host(site)],
            )
        }
        assert urls == {a["url"] for a in gold_articles(site)}
        published = [g for g in gold_documents(site) if g["found_on"] == "article"]
        for g in published:  # the article publishing one keeps its article, linked
            (linked,) = con.execute(
                "SELECT a.url FROM documents d JOIN articles a ON a.id = d.article_id "
                "WHERE d.number = ?",
                [g["number"]],
            ).fetchone()
            assert linked == g["url"]
    con.close()


def test_each_document_is_backed_by_the_record_of_a_page_showing_it(archive):
    """Read back with warcio: the record each document row (and each document_pages row)
    points at is the page's response, and its payload names the document's number."""
    con = sqlite3.connect(archive / "archive.db")
    rows = con.execute(
        "SELECT d.number, c.url, c.warc_file, c.warc_offset, c.response_record_id "
        "FROM document_pages p JOIN documents d ON d.id = p.document_id "
        "JOIN captures c ON c.id = p.capture_id ORDER BY p.capture_id"
    ).fetchall()
    con.close()
    assert len(rows) >= 18
    for number, url, name, offset, record_id in rows:
        with open(archive / "warc" / name, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.rec_headers.get_header("WARC-Record-ID") == record_id
            body = record.content_stream().read()
        body = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
        text = body.decode("utf-8")
        # the page shows the number (an article's file name may be all that gives it)
        assert number in text or number.replace("/", "-").replace("Đ", "D") in text, url
    check = subprocess.run(
        [str(BIN / "warcio"), "check", *sorted(str(p) for p in (archive / "warc").glob("*.gz"))],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    result = run_cli("verify", "--archive", str(archive))
    assert result.returncode == 0 and "archive OK" in result.stdout, result.stdout


def test_extract_finds_the_same_documents_from_the_warc_files(archive, portals, tmp_path):
    """An archive crawled before documents were read (its rows emptied here) gets them from
    its WARC files alone: `govarchive extract`, no portal needed."""
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, ignore=shutil.ignore_patterns(".lock"))
    before = {s.profile.key: stored(copy / "archive.db", s) for s in portals.sites}
    con = sqlite3.connect(copy / "archive.db")
    for table in ("document_pages", "document_files", "documents_fts", "documents"):
        con.execute(f"DELETE FROM {table}")
    con.commit()
    con.close()
    result = run_cli("extract", "--archive", str(copy), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert f"documents {sum(len(d) for d in before.values())} new" in result.stdout
    for site in portals.sites:
        again = stored(copy / "archive.db", site)
        assert unstamped(again) == unstamped(before[site.profile.key])


def test_a_document_whose_page_record_is_lost_is_kept_and_its_page_queued(archive, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, ignore=shutil.ignore_patterns(".lock"))
    con = sqlite3.connect(copy / "archive.db")
    doc_id, number, capture_id, url = con.execute(
        "SELECT d.id, d.number, d.capture_id, c.url FROM documents d "
        "JOIN captures c ON c.id = d.capture_id WHERE d.source = 'detail' "
        "AND (SELECT count(*) FROM document_pages p WHERE p.document_id = d.id "
        "AND p.source = 'detail') = 1 ORDER BY d.id LIMIT 1"
    ).fetchone()
    con.execute("UPDATE captures SET warc_offset = warc_offset + 1 WHERE id = ?", [capture_id])
    con.commit()
    con.close()
    bad = run_cli("verify", "--archive", str(copy))
    assert bad.returncode == 1
    assert f"document {doc_id} ({number}): orphaned" in bad.stdout
    fixed = run_cli("verify", "--archive", str(copy), "--repair")
    assert fixed.returncode == 0, fixed.stdout
    assert "orphaned document(s) kept" in fixed.stdout
    con = sqlite3.connect(copy / "archive.db")
    # backed again by the list page that shows it too (else its page would wait for a crawl)
    capture, source = con.execute(
        "SELECT capture_id, source FROM documents WHERE id = ?", [doc_id]
    ).fetchone()
    lost = con.execute("SELECT lost_at FROM captures WHERE id = ?", [capture_id]).fetchone()[0]
    con.close()
    assert capture != capture_id and source == "list" and lost is not None
    assert "1 backed by another page" in fixed.stdout, url
    again = run_cli("verify", "--archive", str(copy))
    assert again.returncode == 0 and "archive OK" in again.stdout, again.stdout


def test_a_number_is_found_in_every_spelling(archive, portals):
    site = next(s for s in portals.sites if s.profile.key == "vanban")
    want = next(g for g in gold_documents(site) if g["number"] == "71/2024/QĐ-UBND")
    for spelling in ("71/2024/QĐ-UBND", "71/2024/qd-ubnd", "QĐ 71/2024", "Quyết định 71/2024",
                     "quyet dinh 71/2024", "71 / 2024 / QĐ – UBND"):  # fmt: skip
        found = run_cli("documents", "--number", spelling, "--archive", str(archive),
                        "--format", "json")  # fmt: skip
        assert found.returncode == 0, found.stderr
        rows = json.loads(found.stdout)
        assert [r["number"] for r in rows] == ["71/2024/QĐ-UBND"], spelling
        assert rows[0]["abstract"] == want["abstract"] and rows[0]["files"] == want["files"]
        hits = json.loads(
            run_cli("search", spelling, "--archive", str(archive), "--format", "json").stdout
        )["results"]
        assert hits[0]["kind"] == "document" and hits[0]["title"].startswith("Quyết định 71/2024")
    # a serial alone names no document; another year's or issuer's number is another document
    assert run_cli("documents", "--number", "71", "--archive", str(archive)).returncode == 2
    other = run_cli("documents", "--number", "71/2023/QĐ-UBND", "--archive", str(archive),
                    "--format", "json")  # fmt: skip
    assert json.loads(other.stdout) == []


def test_documents_are_listed_and_filtered(archive, portals):
    everything = json.loads(
        run_cli("documents", "--archive", str(archive), "--format", "json").stdout
    )
    gold = [g for s in portals.sites for g in gold_documents(s)]
    assert sorted(r["number"] for r in everything) == sorted(g["number"] for g in gold)
    dated = [r["issued"] for r in everything if r["issued"]]
    assert dated == sorted(dated, reverse=True)
    plans = json.loads(
        run_cli(
            "documents", "--type", "kế hoạch", "--archive", str(archive), "--format", "json"
        ).stdout  # fmt: skip
    )
    assert plans and {r["type"] for r in plans} == {"Kế hoạch"}
    assert len(plans) == sum(g["type"] == "Kế hoạch" for g in gold)
    in_2024 = json.loads(
        run_cli(
            "documents",
            "--since",
            "2024-06-01",
            "--until",
            "2024-12-31",
            "--issuer",
            "Văn Bàn",
            "--archive",
            str(archive),
            "--format",
            "json",
        ).stdout  # fmt: skip
    )
    assert in_2024 and all(
        "2024-06-01" <= r["issued"] <= "2024-12-31" and "Văn Bàn" in r["issuer"] for r in in_2024
    )
    bad = run_cli("documents", "--since", "June", "--archive", str(archive))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_search_says_which_kind_each_result_is(archive):
    words = run_cli("search", "phong chay chua chay rung", "--archive", str(archive),
                    "--format", "json")  # fmt: skip
    rows = json.loads(words.stdout)["results"]
    assert rows[0]["kind"] == "document" and "706/UBND-VP7" in rows[0]["title"]
    only_articles = json.loads(
        run_cli(
            "search", "xa", "--kind", "article", "--archive", str(archive), "--format", "json"
        ).stdout  # fmt: skip
    )
    only_articles = only_articles["results"]
    assert only_articles and {r["kind"] for r in only_articles} == {"article"}
    only_docs = json.loads(
        run_cli(
            "search",
            "ubnd",
            "--kind",
            "document",
            "--archive",
            str(archive),
            "--format",
            "json",
            "--limit",
            "100",
        ).stdout  # fmt: skip
    )
    only_docs = only_docs["results"]
    assert only_docs and {r["kind"] for r in only_docs} == {"document"}


def test_export_documents(archive, portals, tmp_path):
    import hashlib

    import pyarrow.parquet as pq

    out = tmp_path / "docs"
    done = run_cli("export", "--table", "documents", "--format", "parquet", "--out", str(out),
                   "--archive", str(archive))  # fmt: skip
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    gold = [g for s in portals.sites for g in gold_documents(s)]
    assert manifest["rows"] == {"documents": len(gold)}
    (entry,) = manifest["files"]
    data = (out / entry["path"]).read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    table = pq.read_table(out / entry["path"])
    assert str(table.schema.field("issued_at").type) == "timestamp[ms, tz=+07:00]"
    rows = {r["number"]: r for r in table.to_pylist()}
    for g in gold:
        assert sorted(rows[g["number"]]["files"]) == sorted(g["files"])
        assert rows[g["number"]]["abstract"] == (g["abstract"] or None)
    refused = run_cli("export", "--table", "documents", "--format", "csv", "--out",
                      str(tmp_path / "x"), "--category", "Tin tức", "--archive", str(archive))  # fmt: skip
    assert refused.returncode == 2 and "no category" in refused.stderr


@pytest.fixture(scope="module")
def read_files(archive) -> Path:
    """The archive after `govarchive filetext` (OCR on) has read every file."""
    done = run_cli("filetext", "--archive", str(archive), timeout=600)
    assert done.returncode == 0, done.stderr
    return archive


def file_text(db: Path, url: str) -> tuple[str, set[str]]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT t.text, t.method FROM attachment_texts t JOIN captures h ON h.id = t.capture_id "
        "WHERE h.url = ? ORDER BY t.page",
        [url],
    ).fetchall()
    con.close()
    return "\n".join(r[0] for r in rows), {r[1] for r in rows}


@pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("antiword") is None,
    reason="OCR and DOC tools missing (make ocr-tools)",
)
def test_every_document_file_is_read_and_searchable(read_files, portals):
    """Text PDFs, a DOCX, an XLSX, a .doc typed in TCVN3 and two scans: each file's text is
    its gold text (scans OCR'd at token F1 >= 0.9), and words of it find it and its document."""
    from tests.filetext_files import token_f1, tokens

    methods: set[str] = set()
    for site in portals.sites:
        for g in gold_documents(site):
            if "texts" not in g:
                continue  # a file an article attaches: sample bytes, no text
            for url, gold in zip(g["files"], g["texts"], strict=True):
                text, how = file_text(read_files / "archive.db", url)
                methods |= how
                if g["scanned"] and url.endswith(".pdf"):
                    assert how == {"ocr"} and token_f1(text, gold) >= 0.9, (url, text)
                else:
                    assert tokens(text) == tokens(gold), url
            # A phrase of the file only (its signer line) finds the file, on its page.
            words = f'"Người ký: {g["signer"]}"'
            hits = json.loads(
                run_cli(
                    "search",
                    words,
                    "--kind",
                    "attachment",
                    "--archive",
                    str(read_files),
                    "--format",
                    "json",
                    "--limit",
                    "50",
                ).stdout  # fmt: skip
            )["results"]
            assert set(g["files"][:1]) <= {h["url"] for h in hits}, g["number"]
            assert all(h["page"] == 1 for h in hits if h["url"] in g["files"])
    assert methods >= {"pdf-text", "ocr", "docx", "xlsx", "doc"}


def test_pages_read_in_worker_processes_give_the_same_documents(archive, portals, tmp_path):
    """GOVARCHIVE_EXTRACT_WORKERS: the pages read off the crawl's process find the documents
    in-process reading finds (crawler/offload.py)."""
    elsewhere = tmp_path / "elsewhere"
    result = run_cli(
        "crawl", *[s.home_url() for s in portals.sites], "--archive", str(elsewhere),
        "--delay", "0", "--concurrency", "8", "--set", "GOVARCHIVE_EXTRACT_WORKERS=2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # captures and articles are numbered as each crawl met them: compare what they say
    for site in portals.sites:
        here, there = stored(archive / "archive.db", site), stored(elsewhere / "archive.db", site)
        assert unstamped(there, NUMBERED) == unstamped(here, NUMBERED)


def test_merge_carries_the_documents(archive, portals, tmp_path):
    """A fleet's shard merged into the central archive brings its documents, each on the
    capture its page has there, and verify proves them."""
    shards = []
    for site in portals.sites:  # a fleet job crawls one site into its shard
        shard = tmp_path / site.profile.key
        done = run_cli("crawl", site.home_url(), "--archive", str(shard), "--delay", "0",
                       "--concurrency", "8")  # fmt: skip
        assert done.returncode == 0, done.stderr
        shards.append(str(shard))
    central = tmp_path / "central"
    merged = run_cli("merge", *shards, "--archive", str(central))
    assert merged.returncode == 0, merged.stderr
    for site in portals.sites:
        here, there = stored(archive / "archive.db", site), stored(central / "archive.db", site)
        assert unstamped(there, NUMBERED) == unstamped(here, NUMBERED)
    con = sqlite3.connect(central / "archive.db")
    linked = con.execute("SELECT count(*) FROM documents WHERE article_id IS NOT NULL").fetchone()
    con.close()
    assert linked[0] >= 1  # the article publishing one is linked there too
    check = run_cli("verify", "--archive", str(central))
    assert check.returncode == 0 and "archive OK" in check.stdout, check.stdout


def test_a_recrawl_keeps_each_document_once_on_the_response_it_was_read_from(
    archive, portals, tmp_path
):
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy, ignore=shutil.ignore_patterns(".lock"))
    before = {s.profile.key: stored(copy / "archive.db", s) for s in portals.sites}
    again = run_cli("crawl", *[s.home_url() for s in portals.sites], "--archive", str(copy),
                    "--delay", "0", "--concurrency", "8")  # fmt: skip
    assert again.returncode == 0, again.stderr
    seen = ("last_seen", "last_crawl_id")  # all else stays: ids, first seen, captures
    for site in portals.sites:
        after = stored(copy / "archive.db", site)
        assert unstamped(after, seen) == unstamped(before[site.profile.key], seen)
    con = sqlite3.connect(copy / "archive.db")
    kinds = con.execute(
        "SELECT DISTINCT c.record_type FROM documents d JOIN captures c ON c.id = d.capture_id"
    ).fetchall()
    con.close()
    assert kinds == [("response",)]  # a page fetched again unchanged is no better evidence
    assert run_cli("verify", "--archive", str(copy)).returncode == 0
