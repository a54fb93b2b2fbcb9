"""`govarchive filetext` end to end (issue 17): a sample portal whose attachments are real
files made here (text PDFs, a scan, a TCVN3 DOC, a workbook, and bad ones), crawled for real
into WARC files, then read back from those records by the command, in worker processes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.attachment_texts import search_pages
from archive.lock import ArchiveLock
from crawler.filetext.model import OCR_OFF
from crawler.filetext.ocr import missing_tools
from govarchive.sampleportal import server
from govarchive.sampleportal.content import build_portal
from govarchive.sampleportal.legacyfonts import to_tcvn3
from govarchive.sampleportal.server import SampleServers
from tests import filetext_files as files
from tests.conftest import run_cli
from tests.test_cli import one_clean_error_line

pytestmark = [
    pytest.mark.skipif(not files.have_fonts(), reason="DejaVu fonts missing (fonts-dejavu-core)"),
    pytest.mark.skipif(
        shutil.which("antiword") is None, reason="antiword missing (make ocr-tools)"
    ),
    pytest.mark.skipif(
        missing_tools() is not None, reason=f"OCR tools missing: {missing_tools()} (make ocr-tools)"
    ),
]

PROFILE = "laocai"
TEXT_PAGES = [files.DOCUMENT[:4], files.DOCUMENT[4:]]


def plan_files() -> dict[str, tuple[bytes, str, object]]:
    """Each attachment path of the portal -> (bytes served, what is expected, gold)."""
    portal = build_portal(PROFILE, None, 1)
    paths = sorted({a.path for art in portal.articles for a in art.attachments})
    by_ext: dict[str, list[str]] = {}
    for path in paths:
        by_ext.setdefault(path.rsplit(".", 1)[1], []).append(path)
    pdfs, docxs, xlsxs = by_ext["pdf"], by_ext["docx"], by_ext["xlsx"]
    assert len(pdfs) >= 4 and len(docxs) >= 2 and len(xlsxs) >= 2, "the portal changed"
    plan = {
        pdfs[0]: (files.scan_pdf([files.SCAN]), "scan", "\n".join(files.SCAN)),
        pdfs[1]: (files.encrypted_pdf(), "bad", "encrypted PDF: needs a password"),
        pdfs[2]: (files.corrupt_pdf(), "bad", "corrupt PDF: "),
        # A Word 97 file typed in .VnTime behind a .docx link: read by its bytes, converted.
        docxs[0]: (files.word97_doc([to_tcvn3(files.TCVN3_TEXT)]), "tcvn3", files.TCVN3_TEXT),
        docxs[1]: (files.zip_bomb("docx"), "bad", "decompression bomb: "),
        xlsxs[0]: (files.xlsx_file({"Kinh phí": files.SHEET}), "xlsx", files.SHEET),
        xlsxs[1]: (files.truncated(files.xlsx_file({"S": files.SHEET})), "bad", "corrupt zip"),
    }
    for n, path in enumerate(pdfs[3:]):
        # The first two the same bytes at two addresses: one file, read once.
        pages = [*TEXT_PAGES[:2], [f"Phụ lục số {max(n, 1)}: danh mục đường liên thôn"]]
        plan[path] = (files.text_pdf(pages), "pdf", pages)
    return plan


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    plan = plan_files()
    original = server.media_bytes
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(server, "media_bytes", lambda p: plan[p][0] if p in plan else original(p))
        with SampleServers(profiles=(PROFILE,)) as servers:
            archive = tmp_path_factory.mktemp("filetext") / "archive"
            result = run_cli(
                "crawl", servers.sites[0].home_url(), "--archive", str(archive),
                "--delay", "0", "--concurrency", "8",
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
    return archive, plan


def copy_of(archive: Path, dst: Path) -> Path:
    shutil.copytree(archive, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


def rows_by_path(archive: Path) -> dict[str, list[sqlite3.Row]]:
    """Each attachment's text rows, found as a reader finds them: through the attachment's
    capture (or the original it revisits)."""
    con = sqlite3.connect(archive / "archive.db")
    con.row_factory = sqlite3.Row
    out: dict[str, list[sqlite3.Row]] = {}
    for row in con.execute(
        "SELECT DISTINCT a.url AS file_url, t.* FROM attachments a "
        "JOIN captures c ON c.id = a.capture_id JOIN attachment_texts t ON t.capture_id = "
        "CASE WHEN c.record_type = 'revisit' THEN c.refers_to ELSE c.id END "
        "ORDER BY a.url, t.page"
    ):
        out.setdefault(urlsplit(row["file_url"]).path, []).append(row)
    con.close()
    return out


def filetext(archive: Path, *args: str) -> dict:
    result = run_cli("filetext", "--archive", str(archive), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_archived_attachment_is_read_against_its_gold(crawled, tmp_path):
    archive = copy_of(crawled[0], tmp_path / "a")
    plan = crawled[1]
    figures = filetext(archive, "--workers", "2")
    assert figures["files"] == len({data for data, _, _ in plan.values()})  # one read a file
    assert figures["flagged"] == sum(1 for _, kind, _ in plan.values() if kind == "bad")
    rows = rows_by_path(archive)
    assert set(rows) == set(plan)
    for path, (_, kind, gold) in plan.items():
        got = rows[path]
        if kind == "bad":
            (note,) = got
            assert note["page"] is None and note["error"].startswith(gold), (path, note["error"])
        elif kind == "scan":
            (page,) = got
            assert page["method"] == "ocr" and page["error"] is None
            assert files.token_f1(page["text"], gold) >= 0.9, page["text"]
            assert page["ocr_confidence"] > 50
        elif kind == "pdf":
            assert [r["page"] for r in got] == [1, 2, 3]
            assert [" ".join(r["text"].split()) for r in got] == [" ".join(p) for p in gold]
        elif kind == "tcvn3":
            (page,) = got
            assert (page["text"], page["method"]) == (gold, "doc")
        else:
            (page,) = got
            assert page["method"] == "xlsx"
            assert page["text"].split("\n")[2] == "1\tĐường liên thôn Nậm Mòn\t1250"
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    legacy = con.execute(
        "SELECT count(*) FROM attachment_texts WHERE legacy_encoding = 'tcvn3'"
    ).fetchone()[0]
    assert legacy == 1
    # Searchable with or without diacritics, đ included, naming the file and the page.
    hits = search_pages(con, "duong noi dong")
    assert hits and all(h.page == 2 and h.method == "pdf-text" for h in hits)
    assert "[đường] [nội] [đồng]" in hits[0].snippet
    (scan,) = search_pages(con, "du lịch cộng đồng")
    assert (scan.method, urlsplit(scan.url).path) == ("ocr", next(
        p for p, v in plan.items() if v[1] == "scan"))  # fmt: skip
    assert search_pages(con, "tiep cong dan")  # the TCVN3 document, converted
    con.close()
    # Done is done: a second run reads nothing.
    assert filetext(archive)["files"] == 0


def test_no_ocr_leaves_scans_for_a_later_run_with_ocr(crawled, tmp_path):
    archive = copy_of(crawled[0], tmp_path / "b")
    plan = crawled[1]
    first = filetext(archive, "--no-ocr", "--workers", "1")
    assert (first["files"], first["ocr_pages"]) == (len({v[0] for v in plan.values()}), 0)
    scan_path = next(p for p, v in plan.items() if v[1] == "scan")
    (page,) = rows_by_path(archive)[scan_path]
    assert (page["method"], page["error"]) == ("pdf-text", OCR_OFF)
    before = {p: [tuple(r) for r in rs] for p, rs in rows_by_path(archive).items()}
    second = filetext(archive)
    assert (second["files"], second["ocr_pages"]) == (1, 1)
    after = rows_by_path(archive)
    (page,) = after[scan_path]
    assert page["method"] == "ocr" and page["error"] is None
    assert all([tuple(r) for r in after[p]] == before[p] for p in plan if p != scan_path)


def test_a_file_past_its_time_limit_is_flagged_the_run_goes_on(crawled, tmp_path):
    archive = copy_of(crawled[0], tmp_path / "c")
    figures = filetext(archive, "--file-timeout", "0.001", "--workers", "1")
    assert figures["files"] == len({v[0] for v in crawled[1].values()})
    notes = [r for rs in rows_by_path(archive).values() for r in rs if r["page"] is None]
    assert any(n["error"].startswith("time limit: stopped after 0.001 s") for n in notes)


def test_refuses_beside_a_crawl_and_bad_input_is_one_line(crawled, tmp_path):
    archive = copy_of(crawled[0], tmp_path / "d")
    with ArchiveLock(archive):
        held = run_cli("filetext", "--archive", str(archive))
    assert held.returncode == 1
    assert "in use" in one_clean_error_line(held)
    for args, code in (
        (["--since", "2024-13-01"], 2),
        (["--workers", "0"], 2),
        (["--file-timeout", "-1"], 2),
        (["--site", "nowhere.example"], 1),
        (["--file-memory", "1"], 1),  # workers cannot start: said once, not every file flagged
    ):
        result = run_cli("filetext", "--archive", str(archive), *args)
        assert result.returncode == code, (args, result.stderr)
        one_clean_error_line(result)
    missing = run_cli("filetext", "--archive", str(tmp_path / "none"))
    assert missing.returncode == 1
    one_clean_error_line(missing)


def test_a_file_a_missing_tool_left_is_read_once_the_tool_is_there(crawled, tmp_path):
    import os
    import subprocess

    from tests.conftest import govarchive_cmd

    archive = copy_of(crawled[0], tmp_path / "e")
    tools = tmp_path / "bin"  # OCR tools on the PATH, antiword not
    tools.mkdir()
    for name in ("tesseract", "pdftoppm"):
        (tools / name).symlink_to(shutil.which(name))
    env = {**os.environ, "PATH": str(tools)}
    env.pop("GOVARCHIVE_ARCHIVE", None)
    first = subprocess.run(
        govarchive_cmd("filetext", "--archive", str(archive), "--format", "json"),
        capture_output=True, text=True, env=env, timeout=240,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    doc_path = next(p for p, v in crawled[1].items() if v[1] == "tcvn3")
    (note,) = rows_by_path(archive)[doc_path]
    assert note["error"] == "tool missing: antiword not installed (Debian package antiword)"
    second = filetext(archive)  # antiword back on the PATH: that file alone is read again
    assert second["files"] == 1
    (page,) = rows_by_path(archive)[doc_path]
    assert (page["method"], page["error"], page["legacy_encoding"]) == ("doc", None, "tcvn3")


def test_a_killed_run_is_continued_and_each_file_read_once(crawled, tmp_path):
    import os
    import signal
    import subprocess
    import time

    from tests.conftest import govarchive_cmd

    archive = copy_of(crawled[0], tmp_path / "f")
    expected = len({v[0] for v in crawled[1].values()})
    env = {**os.environ, "GOVARCHIVE_FILETEXT_PAUSE": "0.5"}
    env.pop("GOVARCHIVE_ARCHIVE", None)
    run = subprocess.Popen(
        govarchive_cmd("filetext", "--archive", str(archive), "--workers", "1"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    db_path = archive / "archive.db"

    def files_done() -> int:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return con.execute(
                "SELECT count(DISTINCT capture_id) FROM attachment_texts"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            con.close()

    deadline = time.monotonic() + 120
    while files_done() < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    before = files_done()
    assert 2 <= before < expected
    second = filetext(archive, "--workers", "2")
    assert second["files"] == expected - before
    rows = rows_by_path(archive)
    assert set(rows) == set(crawled[1])
    assert filetext(archive)["files"] == 0


def test_site_and_since_filters(crawled, tmp_path):
    archive = copy_of(crawled[0], tmp_path / "g")
    assert filetext(archive, "--since", "2100-01-01")["files"] == 0
    host = urlsplit(
        sqlite3.connect(archive / "archive.db").execute("SELECT root_url FROM sites").fetchone()[0]
    ).netloc
    assert filetext(archive, "--site", host)["files"] == len({v[0] for v in crawled[1].values()})
