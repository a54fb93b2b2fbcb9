"""Attachment text (issue 17): real files made by the tests, each read against its gold text;
scans OCR'd with Tesseract's Vietnamese model; bad files flagged with their reason, bounded in
time and memory by the worker that reads them, never fatal."""

from __future__ import annotations

import io
import shutil

import pytest

from crawler.filetext import BadFile, Options, PageText, extract_text, sniff
from crawler.filetext.bounded import BoundedWorkers, Job
from crawler.filetext.model import OCR_OFF
from crawler.filetext.ocr import missing_tools
from tests import filetext_files as files
from tests import filetext_jobs as jobs

needs_fonts = pytest.mark.skipif(
    not files.have_fonts(), reason="DejaVu fonts missing (Debian fonts-dejavu-core)"
)
needs_ocr = pytest.mark.skipif(
    missing_tools() is not None, reason=f"OCR tools missing: {missing_tools()} (make ocr-tools)"
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(data: bytes, **kw) -> list[PageText]:
    return list(extract_text(data, **kw))


def flat(text: str) -> str:
    return " ".join(text.split())


@needs_fonts
def test_text_pdf_is_read_page_by_page():
    pages = read(files.text_pdf([files.DOCUMENT[:4], files.DOCUMENT[4:]]))
    assert [(p.page, p.method, p.error) for p in pages] == [
        (1, "pdf-text", None), (2, "pdf-text", None)
    ]  # fmt: skip
    assert flat(pages[0].text) == flat(" ".join(files.DOCUMENT[:4]))
    assert flat(pages[1].text) == flat(" ".join(files.DOCUMENT[4:]))


@needs_fonts
@needs_ocr
def test_scanned_page_is_ocred_with_its_confidence():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()  # a typed page, then a scanned one, as a signed decision often is
    for part in (files.text_pdf([files.DOCUMENT]), files.scan_pdf([files.SCAN])):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    typed, scanned = read(out.getvalue())
    assert typed.method == "pdf-text" and typed.confidence is None
    assert scanned.method == "ocr" and scanned.error is None
    assert files.token_f1(scanned.text, "\n".join(files.SCAN)) >= 0.9
    assert 50 < scanned.confidence <= 100


@needs_fonts
@needs_ocr
def test_a_poster_sized_scan_is_rasterised_small_enough_for_its_worker():
    """A scan saved at 20 dpi is a page 124 x 175 inches: at 300 dpi, a 2 GB image."""
    out = io.BytesIO()
    files.scan_image(files.SCAN).save(out, "PDF", resolution=20)
    with BoundedWorkers(1, extract_text, timeout=120, memory_mb=1024) as pool:
        (outcome,) = pool.map([Job("poster", (out.getvalue(),))])
    assert outcome.error is None
    (page,) = outcome.pages
    assert page.method == "ocr" and page.error is None, page.error
    assert files.token_f1(page.text, "\n".join(files.SCAN)) >= 0.9


@needs_fonts
def test_no_ocr_flags_the_scan_for_a_later_run():
    (page,) = read(files.scan_pdf([files.SCAN], dpi=100), options=Options(ocr=False))
    assert (page.method, page.text, page.error) == ("pdf-text", "", OCR_OFF)


@needs_fonts
def test_docx_paragraphs_and_tables_in_order():
    (page,) = read(files.docx_file(files.DOCUMENT, files.SHEET))
    assert page.method == "docx" and page.page == 1
    rows = ["\t".join(str(v) for v in row) for row in files.SHEET]
    assert page.text.split("\n") == files.DOCUMENT + rows


def test_xlsx_a_sheet_a_page():
    pages = read(files.xlsx_file({"Kinh phí": files.SHEET, "Ghi chú": [("Đã duyệt",)]}))
    assert [(p.page, p.method) for p in pages] == [(1, "xlsx"), (2, "xlsx")]
    assert pages[0].text.split("\n") == [
        "Kinh phí",
        "STT\tTên công trình\tKinh phí (triệu đồng)",
        "1\tĐường liên thôn Nậm Mòn\t1250",
        "2\tCầu treo Bản Phố\t830.5",
        "3\tTrường mầm non xã Tả Van\t2100",
    ]
    assert pages[1].text == "Ghi chú\nĐã duyệt"


def test_xls_a_sheet_a_page():
    data = files.xls_file({"Kinh phí": files.SHEET, "Ghi chú": [("Đã duyệt",)]})
    assert sniff(data, "application/octet-stream") == "xls"
    pages = read(data)
    assert [(p.page, p.method) for p in pages] == [(1, "xls"), (2, "xls")]
    assert pages[0].text.split("\n")[2:] == [
        "1\tĐường liên thôn Nậm Mòn\t1250",
        "2\tCầu treo Bản Phố\t830.5",
        "3\tTrường mầm non xã Tả Van\t2100",
    ]
    assert pages[1].text == "Ghi chú\nĐã duyệt"


def test_corrupt_xls_is_flagged():
    with pytest.raises(BadFile, match="^corrupt XLS: "):
        read(
            files.truncated(files.xls_file({"S": files.SHEET})),
            content_type="application/vnd.ms-excel",
        )


def test_tcvn3_docx_is_converted_as_article_text_is():
    (page,) = read(files.tcvn3_docx())
    assert (page.text, page.legacy) == (files.TCVN3_TEXT, "tcvn3")


def test_vni_docx_is_converted():
    from govarchive.sampleportal.legacyfonts import to_vni

    (page,) = read(files.docx_file([to_vni(files.TCVN3_TEXT)], font="VNI-Times"))
    assert (page.text, page.legacy) == (files.TCVN3_TEXT, "vni")


@needs_fonts
def test_tcvn3_pdf_is_converted():
    from govarchive.sampleportal.legacyfonts import to_tcvn3

    (page,) = read(files.text_pdf([[to_tcvn3(files.TCVN3_TEXT)]]))
    assert (flat(page.text), page.legacy) == (files.TCVN3_TEXT, "tcvn3")


@needs_fonts
def test_pdf_encrypted_with_an_empty_password_is_read():
    (page,) = read(files.restricted_pdf())
    assert flat(page.text) == flat(" ".join(files.DOCUMENT[:2]))


def _bad_docx_xml() -> bytes:
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(files.docx_file(["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(
                info, b"<w:document><w:body><w:p" if info.filename == "word/document.xml" else data
            )
    return out.getvalue()


BAD = {
    "encrypted pdf": (files.encrypted_pdf, "encrypted PDF: needs a password"),
    "corrupt pdf": (files.corrupt_pdf, "corrupt PDF: "),
    "truncated pdf": (lambda: files.truncated(files.text_pdf([files.DOCUMENT])), "corrupt PDF: "),
    "truncated docx": (lambda: files.truncated(files.docx_file(files.DOCUMENT)), "corrupt zip container"),
    "damaged docx xml": (_bad_docx_xml, "corrupt DOCX: "),
    "docx zip bomb": (lambda: files.zip_bomb("docx"), "decompression bomb: "),
    "xlsx zip bomb": (lambda: files.zip_bomb("xlsx"), "decompression bomb: "),
    "not a document": (lambda: b"<html><body>404</body></html>", "not a format read here"),
}  # fmt: skip


@needs_fonts
@pytest.mark.parametrize("name", BAD)
def test_bad_file_is_flagged_with_its_reason(name):
    make, reason = BAD[name]
    with pytest.raises(BadFile) as caught:
        read(make(), content_type=DOCX if "docx" in name else None)
    assert str(caught.value).startswith(reason), caught.value
    assert "\n" not in str(caught.value)


@needs_fonts
def test_500_page_pdf_is_cut_at_the_page_cap():
    pages = read(files.long_pdf(500), options=Options(max_pages=100))
    assert [p.page for p in pages[:-1]] == list(range(1, 101))
    assert pages[-1].page is None
    assert pages[-1].error == "long file: first 100 of 500 pages read (--max-pages)"


@needs_fonts
def test_500_page_pdf_is_read_whole_within_the_default_cap():
    pages = read(files.long_pdf(500))
    assert len(pages) == 500 and all(p.error is None for p in pages)
    assert pages[499].text.startswith("Trang 500: ")


def test_sniffing_trusts_bytes_over_labels():
    docx_bytes = files.docx_file(["x"])
    assert sniff(docx_bytes, "application/msword", "a.doc") == "docx"
    assert sniff(files.xlsx_file({"S": [("a",)]}), "application/octet-stream") == "xlsx"
    assert sniff(b"\x00\x01", "application/pdf") is None


# The bounded workers ---------------------------------------------------------------------


def _run(work, *args_list, timeout=30.0, memory_mb=0, workers=1):
    with BoundedWorkers(workers, work, timeout=timeout, memory_mb=memory_mb) as pool:
        outcomes = {o.job.key: o for o in pool.map(Job(i, a) for i, a in enumerate(args_list))}
        return outcomes, pool.restarts


def test_workers_stream_pages_and_keep_going():
    outcomes, restarts = _run(jobs.pages, (3,), (2,), workers=2)
    assert [p.text for p in outcomes[0].pages] == ["trang 1", "trang 2", "trang 3"]
    assert len(outcomes[1].pages) == 2 and restarts == 0


def test_a_file_past_its_time_limit_is_cut_off_its_pages_kept():
    with BoundedWorkers(1, jobs.endless, timeout=1.5, memory_mb=0) as pool:
        (stuck,) = pool.map([Job("a", ())])
        assert stuck.error.startswith("time limit: stopped after 1.5 s, 1 page(s) read")
        assert [p.text for p in stuck.pages] == ["trang một"]
    outcomes, _ = _run(jobs.pages, (1,), timeout=5)  # a fresh pool still works
    assert outcomes[0].error is None


def test_a_file_past_its_memory_limit_is_flagged_and_the_worker_replaced():
    with BoundedWorkers(1, jobs.hog, timeout=60, memory_mb=400) as pool:
        hog, after = list(pool.map([Job("hog", (1000,)), Job("small", (1,))]))
        assert hog.error.startswith("memory limit"), hog.error
        assert after.error is None and after.pages
        assert pool.restarts == 1


def test_a_worker_that_cannot_start_stops_the_run_instead_of_flagging_files():
    from crawler.filetext.bounded import WorkersFailed

    with pytest.raises(WorkersFailed, match="could not start"):
        BoundedWorkers(1, jobs.pages, timeout=5, memory_mb=1)


def test_a_worker_killed_from_outside_between_files_is_replaced():
    with BoundedWorkers(1, jobs.pages, timeout=30, memory_mb=0) as pool:
        pool.slots[0].process.kill()
        pool.slots[0].process.join(5)
        gone, after = list(pool.map([Job(1, (1,)), Job(2, (1,))]))
    assert gone.error == "worker gone before reading it"
    assert after.error is None and [p.text for p in after.pages] == ["trang 1"]


def test_a_worker_that_dies_is_replaced():
    with BoundedWorkers(1, jobs.crash, timeout=60, memory_mb=0) as pool:
        first, second = list(pool.map([Job(1, ()), Job(2, ())]))
    assert first.error == "worker died reading it (exit 9)"
    assert second.error == "worker died reading it (exit 9)"


needs_antiword = pytest.mark.skipif(
    shutil.which("antiword") is None, reason="antiword missing (Debian antiword; make ocr-tools)"
)


@needs_antiword
def test_doc_is_read_and_its_tcvn3_text_converted():
    from govarchive.sampleportal.legacyfonts import to_tcvn3

    data = files.word97_doc([to_tcvn3(line) for line in files.DOCUMENT])
    assert sniff(data, "application/octet-stream") == "doc"
    (page,) = read(data)
    assert (page.method, page.legacy, page.error) == ("doc", "tcvn3", None)
    assert page.text.split("\n") == files.DOCUMENT


@needs_antiword
def test_doc_in_tcvn3_has_its_capital_headings_converted_too():
    """Headings in capitals are too short for the converter to judge alone; in a document
    whose other lines are TCVN3 they are read in its font, abbreviations and all."""
    from govarchive.sampleportal.legacyfonts import to_tcvn3

    heading = ["HĐND HUYỆN VĂN BÀN", "Số: 09/NQ-HĐND", "NGHỊ QUYẾT"]
    (page,) = read(files.word97_doc([to_tcvn3(line) for line in heading + files.DOCUMENT[2:]]))
    assert page.text.split("\n") == heading + files.DOCUMENT[2:]
    # in a document with no TCVN3 line, a capital line stays as it is
    (plain,) = read(files.word97_doc(["CAFÉ: 5€", "Cong van so 706/UBND-VP7"]))
    assert plain.text.split("\n") == ["CAFÉ: 5€", "Cong van so 706/UBND-VP7"]


@needs_antiword
def test_doc_in_unicode_is_left_alone():
    (page,) = read(files.word97_doc(["Cong van so 706/UBND-VP7", "Kinh gui: So Tai chinh"]))
    assert (page.text, page.legacy) == ("Cong van so 706/UBND-VP7\nKinh gui: So Tai chinh", None)


@needs_antiword
def test_doc_that_is_not_word_is_flagged():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(BadFile, match="^corrupt DOC: antiword: "):
        read(ole, content_type="application/msword")
