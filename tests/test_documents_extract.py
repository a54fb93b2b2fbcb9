"""Documents found on a page from what it says (crawler/extract/documents.py, issue 17): lists in
two table skins, detail pages in three, and a data table that is not a document list."""

from __future__ import annotations

from crawler.extract import parse_html
from crawler.extract.documents import document_on_page, documents_in_lists

BASE = "http://portal.example/van-ban/"

LIST_A = """<html><body><div class="vb-list"><table>
<thead><tr><th>STT</th><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Tải về</th></tr></thead>
<tbody>
<tr><td>1</td><td><a href="/van-ban/chi-tiet?id=71">71/2024/QĐ-UBND</a></td><td>20/12/2024</td>
<td>Ban hành Quy định quản lý chợ trên địa bàn tỉnh</td>
<td><a href="//storage.example/gov/VanBan/2024/12/20/QDPQ-71-2024.pdf">Tải về</a></td></tr>
<tr><td>2</td><td><a href="/van-ban/chi-tiet?id=193">193/KH-UBND</a></td><td>05/03/2024</td>
<td>Kế hoạch cải cách hành chính năm 2024</td><td></td></tr>
</tbody></table></div></body></html>"""

LIST_B = """<html><body><table class="grid">
<tr><td><b>Trích yếu nội dung</b></td><td><b>Số/Ký hiệu</b></td><td><b>Ngày BH</b></td>
<td><b>Cơ quan ban hành</b></td><td><b>File đính kèm</b></td></tr>
<tr><td>Về việc tăng cường phòng cháy chữa cháy</td><td>706/UBND-VP7</td><td>1/2/2023</td>
<td>UBND huyện Bắc Hà</td><td><a href="files/cv706.docx">cv706.docx</a></td></tr>
<tr><td colspan="5">Trang 1 2 3</td></tr>
</table></body></html>"""

DETAIL_DL = """<html><body><h1>Quyết định 71/2024/QĐ-UBND</h1><dl>
<dt>Số ký hiệu:</dt><dd>71/2024/QĐ-UBND</dd><dt>Ngày ban hành:</dt><dd>20/12/2024</dd>
<dt>Ngày hiệu lực:</dt><dd>01/01/2025</dd><dt>Người ký:</dt><dd>Nguyễn Văn A</dd>
<dt>Trích yếu:</dt><dd>Ban hành Quy định quản lý chợ trên địa bàn tỉnh</dd>
<dt>Tệp đính kèm:</dt><dd><a href="/Uploads/qd71.pdf">qd71.pdf</a></dd></dl></body></html>"""

DETAIL_TABLE = """<html><body><table>
<tr><td>Loại văn bản</td><td>Kế hoạch</td></tr><tr><td>Số hiệu</td><td>193/KH-UBND</td></tr>
<tr><td>Lĩnh vực</td><td>Cải cách hành chính</td></tr><tr><td>Ngày ban hành</td><td>05/03/2024</td></tr>
<tr><td>Trích yếu</td><td>Kế hoạch cải cách hành chính năm 2024</td></tr></table></body></html>"""

DETAIL_LINES = """<html><body><div class="content">
<p>Số văn bản: 12/2023/NQ-HĐND</p><p>Cơ quan ban hành: HĐND tỉnh Lào Cai</p>
<p>Ngày ban hành: 08/12/2023</p><p>Trích yếu: Quy định mức chi hỗ trợ</p></div></body></html>"""

NOT_DOCUMENTS = """<html><body><p>Kết quả thu ngân sách</p><table>
<tr><th>Huyện</th><th>Thu (tỷ đồng)</th><th>Ngày cập nhật</th></tr>
<tr><td>Bắc Hà</td><td>120</td><td>01/02/2024</td></tr></table></body></html>"""


def test_a_list_with_its_header_in_th_cells():
    found = documents_in_lists(parse_html(LIST_A), BASE)
    assert [d.number.text for d in found] == ["71/2024/QĐ-UBND", "193/KH-UBND"]
    first, second = found
    assert first.issued_at == "2024-12-20T00:00:00+07:00"
    assert first.abstract == "Ban hành Quy định quản lý chợ trên địa bàn tỉnh"
    assert first.kind == "Quyết định" and second.kind == "Kế hoạch"
    assert first.files == ["http://storage.example/gov/VanBan/2024/12/20/QDPQ-71-2024.pdf"]
    assert first.detail_url == "http://portal.example/van-ban/chi-tiet?id=71"
    assert second.files == []


def test_a_list_in_another_skin_other_wording_and_order():
    (found,) = documents_in_lists(parse_html(LIST_B), BASE)  # the pager row is no document
    assert found.number.text == "706/UBND-VP7" and found.kind == "Công văn"
    assert found.issuer == "UBND huyện Bắc Hà"
    assert found.issued_at == "2023-02-01T00:00:00+07:00"
    assert found.files == ["http://portal.example/van-ban/files/cv706.docx"]


def test_detail_pages_in_three_forms():
    dl = document_on_page(parse_html(DETAIL_DL), BASE)
    assert dl is not None and dl.number.text == "71/2024/QĐ-UBND"
    assert (dl.issued_at, dl.effective_at) == (
        "2024-12-20T00:00:00+07:00",
        "2025-01-01T00:00:00+07:00",
    )
    assert dl.signer == "Nguyễn Văn A" and dl.files == ["http://portal.example/Uploads/qd71.pdf"]
    table = document_on_page(parse_html(DETAIL_TABLE), BASE)
    assert table is not None and table.number.text == "193/KH-UBND"
    assert (table.kind, table.field) == ("Kế hoạch", "Cải cách hành chính")
    lines = document_on_page(parse_html(DETAIL_LINES), BASE)
    assert lines is not None and lines.number.text == "12/2023/NQ-HĐND"
    assert lines.issuer == "HĐND tỉnh Lào Cai" and lines.abstract == "Quy định mức chi hỗ trợ"


def test_a_data_table_or_an_article_is_no_document():
    assert documents_in_lists(parse_html(NOT_DOCUMENTS), BASE) == []
    assert document_on_page(parse_html(NOT_DOCUMENTS), BASE) is None
    assert documents_in_lists(parse_html(DETAIL_DL), BASE) == []


def test_the_cheap_gate_lets_document_pages_through_and_not_others():
    import unicodedata

    from crawler.extract.documents import might_hold_documents

    for page in (LIST_A, LIST_B, DETAIL_DL, DETAIL_TABLE, DETAIL_LINES):
        assert might_hold_documents(page)
        assert might_hold_documents(unicodedata.normalize("NFD", page.upper()))
    assert not might_hold_documents(NOT_DOCUMENTS)


def test_labels_are_not_taken_from_look_alikes():
    """The footer's `Cơ quan chủ quản` (the portal's owner) is no document's issuer."""
    from crawler.extract.documents import label_of

    assert label_of("Cơ quan chủ quản") is None
    assert label_of("Cơ quan ban hành:") == "issuer"
    assert label_of("SỐ KÝ HIỆU") == "number"


# A list as repeated labelled blocks, in two forms: one `li` per document with `<span>` lines
# (the label in a <b>), and `div` cards with label and value in cells of their own.
BLOCKS_LI = """<html><body><ul class="docs">
<li><a href="/vb/1">Về việc tăng cường phòng cháy rừng</a><br>
<span><b>Số hiệu:</b> 706/UBND-VP7</span> <span><b>Ban hành:</b> 11/04/2024</span>
<a href="/up/cv706.pdf">Tải về</a></li>
<li><a href="/vb/2">Kế hoạch cải cách hành chính năm 2024</a><br>
<span><b>Số hiệu:</b> 193/KH-UBND</span> <span><b>Ngày ban hành:</b> 05/03/2024</span>
<span>Trích yếu: Kế hoạch cải cách hành chính năm 2024</span></li>
</ul></body></html>"""

BLOCKS_DIV = """<html><body><div class="list">
<div class="card"><div class="row"><div class="l">Số ký hiệu</div><div>:</div></div>
<p>Số ký hiệu: 05/CT-UBND</p><p>Trích yếu: Về bảo đảm trật tự an toàn giao thông</p>
<p>Người ký: Nguyễn Văn Thành</p><p><a href="/f/05-CT-UBND.pdf">05-CT-UBND.pdf</a></p></div>
<div class="card"><p>Số ký hiệu: 12/2023/NQ-HĐND</p><p>Trích yếu: Quy định mức chi hỗ trợ</p>
<p>Người ký: Phạm Quang Huy</p></div>
</div></body></html>"""


def test_a_list_of_labelled_blocks_is_a_list_not_one_mixed_document():
    from crawler.extract.documents import documents_on_page

    how, found = documents_on_page(parse_html(BLOCKS_LI), BASE)
    assert how == "list"
    assert [d.number.text for d in found] == ["706/UBND-VP7", "193/KH-UBND"]
    first, second = found
    assert first.issued_at == "2024-04-11T00:00:00+07:00"
    assert first.files == ["http://portal.example/up/cv706.pdf"]
    assert first.detail_url == "http://portal.example/vb/1"
    assert second.issued_at == "2024-03-05T00:00:00+07:00" and second.files == []
    assert second.abstract == "Kế hoạch cải cách hành chính năm 2024"
    how, found = documents_on_page(parse_html(BLOCKS_DIV), BASE)
    assert how == "list"
    assert [(d.number.text, d.signer) for d in found] == [
        ("05/CT-UBND", "Nguyễn Văn Thành"), ("12/2023/NQ-HĐND", "Phạm Quang Huy")
    ]  # fmt: skip
    assert found[0].files == ["http://portal.example/f/05-CT-UBND.pdf"]
    # a detail page is one document, not a list of one
    assert documents_on_page(parse_html(DETAIL_DL), BASE)[0] == "detail"


DETAIL_FILES_APART = """<html><body><div class="menu"><a href="/gioi-thieu.pdf">Giới thiệu</a></div>
<div class="main"><h1>Quy định quản lý chợ</h1>
<div class="fields"><p><strong>Số hiệu:</strong> 71/2024/QĐ-UBND</p>
<p><strong>Ngày ban hành:</strong> 20/12/2024</p><p><strong>Trích yếu:</strong> Quy định quản lý chợ</p></div>
<div class="files"><h4>Tệp tin</h4><a href="/up/QDPQ-71-2024.pdf">QDPQ-71-2024.pdf</a>
<a href="/up/QDPQ-71-2024-PL.xlsx">Phụ lục</a></div></div></body></html>"""


def test_a_detail_page_has_the_files_listed_beside_its_fields():
    from crawler.extract.documents import documents_on_page

    how, (found,) = documents_on_page(parse_html(DETAIL_FILES_APART), BASE)
    assert how == "detail" and found.number.text == "71/2024/QĐ-UBND"
    assert found.files == [
        "http://portal.example/up/QDPQ-71-2024.pdf",
        "http://portal.example/up/QDPQ-71-2024-PL.xlsx",
    ]  # fmt: skip  (the menu's file is the site's, not the document's)


ARTICLE_FILE_BY_NAME = """<html><body><article><h1>Triển khai kế hoạch bảo vệ môi trường</h1>
<p>Thực hiện Kế hoạch số 89/KH-STNMT ngày 12/4/2024 của Sở Tài nguyên và Môi trường về bảo vệ
môi trường làng nghề, các huyện đã tổ chức ra quân.</p>
<p>Tệp đính kèm: <a href="/up/2024/KH-89-2024.pdf">KH-89-2024.pdf</a></p></article></body></html>"""


def test_an_article_attaching_a_file_named_by_an_abbreviated_number():
    """The file's name gives the number in short, code first (`KH-89-2024.pdf`, a form the
    storage hosts use); the prose names it in full, with its date and abstract."""
    from crawler.extract.documents import documents_on_page

    how, (found,) = documents_on_page(parse_html(ARTICLE_FILE_BY_NAME), BASE)
    assert how == "article"
    assert found.number.text == "89/KH-STNMT" and found.kind == "Kế hoạch"
    assert found.issued_at == "2024-04-12T00:00:00+07:00"
    assert found.abstract.startswith("Bảo vệ môi trường làng nghề")
    assert found.issuer == "Sở Tài nguyên và Môi trường"
    assert found.files == ["http://portal.example/up/2024/KH-89-2024.pdf"]


HOME_WITH_FILES = """<html><body><div class="menu"><a href="/">Trang chủ</a></div>
<div class="box"><h3>Văn bản mới</h3><ul>
<li><a href="/up/KH-89-2024.pdf">Kế hoạch số 89/KH-STNMT</a></li>
<li><a href="/up/12-2024-QD-UBND.pdf">Quyết định số 12/2024/QĐ-UBND</a></li>
<li><a href="/up/CV-2156-2024.docx">Công văn 2156/STNMT-QLĐĐ</a></li></ul></div>
<div class="news"><a href="/tin/1">Tin một</a><a href="/tin/2">Tin hai</a></div></body></html>"""


def test_only_an_article_publishes_a_document_in_prose():
    """A home page's box of new documents links their files by number: those documents are
    shown elsewhere (a list, their pages), not published here; no row comes from it."""
    from crawler.extract.documents import documents_on_page
    from crawler.reading import Forgetful, read_page

    how, found = documents_on_page(parse_html(HOME_WITH_FILES), BASE)
    assert how == "article" and len(found) == 3  # what the page alone would say
    reading = read_page(
        parse_html(HOME_WITH_FILES), BASE, None, "portal.example", 1, None, Forgetful(),
        HOME_WITH_FILES,
    )  # fmt: skip
    assert reading.item is None and not reading.documents
