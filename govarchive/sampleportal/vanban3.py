"""A HELD-OUT third Văn bản skin (profile `vanban3`): a department's portal whose documents
nobody tuning the detector has seen. It measures how document detection generalises to portals
unlike the two it was built on (bench/documents_heldout.py); no test runs the detector on it.

Built only from what docs (`/work/shared/vnpt-portals.md`) says of portals and from how
Vietnamese portals vary, and kept unlike `vanban`/`vanban2` (render_documents3.py has the
markup): numbers with and without a year, a Công văn whose number has no type code
(`2156/STNMT-QLĐĐ`), one written with a space (`312 /TB-STNMT`), one with an en dash
(`27/HD–STNMT`), one with a leading zero (`07/CT-UBND`); documents of the department and of
the province (UBND, HĐND); files named code-serial-year as on the storage host
(`gov-tqg/5/VanBan/2024/12/20/QDPQ-15-2024.pdf`); one news article telling of a document in the
citation form "Kế hoạch số N ngày D của ISSUER về ABSTRACT" with its file attached."""

from __future__ import annotations

import re
import textwrap
from datetime import date, datetime
from typing import TYPE_CHECKING

from govarchive.sampleportal.vanban import DocFile, Document, publish, register_files

if TYPE_CHECKING:
    from govarchive.sampleportal.content import Portal, Profile

PAGE_SIZE = 4  # 9 listed documents: three list pages
PLACE = "Tuyên Quang"

# number (as the pages write it), type, issued, effective, issuer, signer, signer's office,
# abstract, field, file extensions
_Row = tuple[str, str, str, str | None, str, str, str, str, str, tuple[str, ...]]

_ROWS: list[_Row] = [
    ("15/2024/QĐ-UBND", "Quyết định", "2024-12-20", "2025-01-01", "UBND tỉnh Tuyên Quang",
     "Hà Trung Kiên", "Phó Chủ tịch UBND tỉnh", "Ban hành Quy định hạn mức giao đất, công nhận "
     "quyền sử dụng đất và diện tích tối thiểu được tách thửa trên địa bàn tỉnh Tuyên Quang",
     "Đất đai", ("pdf",)),
    ("2156/STNMT-QLĐĐ", "Công văn", "2024-11-08", None, "Sở Tài nguyên và Môi trường",
     "Nguyễn Thị Thu Trang", "Phó Giám đốc Sở", "V/v hướng dẫn cấp Giấy chứng nhận quyền sử dụng "
     "đất cho hộ gia đình, cá nhân theo Luật Đất đai năm 2024", "Đất đai", ("pdf", "docx")),
    ("312 /TB-STNMT", "Thông báo", "2024-09-16", None, "Sở Tài nguyên và Môi trường",
     "Ma Văn Hùng", "Giám đốc Sở", "Kết quả lựa chọn tổ chức đấu giá quyền khai thác khoáng sản "
     "năm 2024", "Khoáng sản", ("pdf",)),
    ("27/HD–STNMT", "Hướng dẫn", "2024-07-25", "2024-07-25", "Sở Tài nguyên và Môi trường",
     "Nguyễn Thị Thu Trang", "Phó Giám đốc Sở", "Hướng dẫn phân loại chất thải rắn sinh hoạt "
     "tại nguồn trên địa bàn tỉnh", "Môi trường", ("pdf",)),
    ("1187/QĐ-STNMT", "Quyết định", "2024-06-03", "2024-06-03", "Sở Tài nguyên và Môi trường",
     "Ma Văn Hùng", "Giám đốc Sở", "Phê duyệt Kế hoạch thanh tra, kiểm tra chuyên ngành tài "
     "nguyên và môi trường 6 tháng cuối năm 2024", "Thanh tra", ("pdf",)),
    ("63/KH-UBND", "Kế hoạch", "2024-03-05", None, "UBND tỉnh Tuyên Quang", "Lê Thị Minh Hạnh",
     "Phó Chủ tịch UBND tỉnh", "Triển khai thi hành Luật Đất đai năm 2024 trên địa bàn tỉnh "
     "Tuyên Quang", "Đất đai", ("pdf", "xlsx")),
    ("07/CT-UBND", "Chỉ thị", "2024-02-19", "2024-02-19", "UBND tỉnh Tuyên Quang",
     "Hà Trung Kiên", "Phó Chủ tịch UBND tỉnh", "Về tăng cường công tác quản lý nhà nước đối "
     "với hoạt động khai thác cát, sỏi lòng sông", "Khoáng sản", ("pdf",)),
    ("45/BC-STNMT", "Báo cáo", "2024-01-15", None, "Sở Tài nguyên và Môi trường", "Ma Văn Hùng",
     "Giám đốc Sở", "Tổng kết công tác tài nguyên và môi trường năm 2023, phương hướng nhiệm vụ "
     "năm 2024", "Tổng hợp", ("pdf", "xlsx")),
    ("22/2023/NQ-HĐND", "Nghị quyết", "2023-12-12", "2024-01-01", "HĐND tỉnh Tuyên Quang",
     "Đặng Văn Bình", "Chủ tịch HĐND tỉnh", "Quy định mức thu, chế độ thu, nộp, quản lý và sử "
     "dụng phí thẩm định báo cáo đánh giá tác động môi trường trên địa bàn tỉnh", "Môi trường",
     ("doc",)),
]  # fmt: skip

# The detail page that gives its issue date in prose ("ngày 05 tháng 3 năm 2024").
PROSE_DATE = "63/KH-UBND"
# Scanned from the signed paper: an image-only PDF.
SCANNED = {"1187/QĐ-STNMT"}

# The document a news article tells of (not in the list), and that article's text.
PUBLISHED: _Row = (
    "89/KH-STNMT", "Kế hoạch", "2024-04-12", None, "Sở Tài nguyên và Môi trường",
    "Nguyễn Thị Thu Trang", "Phó Giám đốc Sở", "Tổ chức các hoạt động hưởng ứng Ngày Môi trường "
    "thế giới năm 2024", "", ("pdf",),
)  # fmt: skip
PUBLISHING_INDEX = 4  # not 0 or 1 (revision 2 edits and removes those); no legacy font, no NFD
PUBLISHING_TITLE = "Tuyên Quang hưởng ứng Ngày Môi trường thế giới năm 2024"
PUBLISHING_LEAD = (
    "Hưởng ứng Ngày Môi trường thế giới, Sở Tài nguyên và Môi trường đề nghị các sở, ngành, "
    "địa phương tổ chức các hoạt động thiết thực, hiệu quả."
)
PUBLISHING_PARAGRAPHS = [
    "Thực hiện Kế hoạch số 89/KH-STNMT ngày 12/4/2024 của Sở Tài nguyên và Môi trường về tổ "
    "chức các hoạt động hưởng ứng Ngày Môi trường thế giới năm 2024, các cơ quan, đơn vị trên "
    "địa bàn tỉnh đồng loạt ra quân vệ sinh môi trường, thu gom rác thải nhựa.",
    "Theo kế hoạch, các hoạt động tập trung trong tháng 6, với chủ đề phục hồi đất, chống sa "
    "mạc hóa và nâng cao khả năng chống chịu hạn hán; mỗi huyện, thành phố tổ chức ít nhất một "
    "lễ mít tinh hoặc hoạt động ra quân.",
    "Kế hoạch do bà Nguyễn Thị Thu Trang, Phó Giám đốc Sở ký. Các đơn vị báo cáo kết quả về Sở "
    "Tài nguyên và Môi trường trước ngày 20/6/2024 để tổng hợp.",
    "Mời bạn đọc xem toàn văn Kế hoạch trong tệp đính kèm dưới đây.",
]

# The code a file name starts with: QDPQ for a quyết định quy phạm (its number has a year).
_CODES = {
    "Quyết định": "QD",
    "Công văn": "CV",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Kế hoạch": "KH",
    "Chỉ thị": "CT",
    "Báo cáo": "BC",
    "Nghị quyết": "NQ",
}

SIGNER_TITLES: dict[int, str] = {}  # document id -> the signer's office (the pages show it)


def file_stem(number: str, kind: str, issued: date) -> str:
    """The evidenced file-name form: code-serial-year (`QDPQ-71-2024`)."""
    serial = re.match(r"\s*(\d+)", number)
    code = _CODES[kind] + ("PQ" if re.match(r"\s*\d+\s*/\s*\d{4}\s*/", number) else "")
    return f"{code}-{serial.group(1) if serial else number}-{issued.year}"


def _document(profile: Profile, doc_id: int, row: _Row) -> Document:
    number, kind, issued, effective, issuer, signer, office, abstract, fld, exts = row
    day = date.fromisoformat(issued)
    stem = f"/{profile.storage_prefix}/VanBan/{day:%Y/%m/%d}/{file_stem(number, kind, day)}"
    files = [DocFile(f"{stem}{'-PL' if k else ''}.{ext}", ext) for k, ext in enumerate(exts)]
    SIGNER_TITLES[doc_id] = office
    return Document(
        id=doc_id,
        number=number,
        type=kind,
        issued=day,
        effective=date.fromisoformat(effective) if effective else None,
        issuer=issuer,
        signer=signer,
        abstract=abstract,
        field=fld,
        files=files,
    )


_BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;",
    "Theo đề nghị của Giám đốc Sở Tài nguyên và Môi trường.",
    "Các cơ quan, đơn vị, cá nhân có liên quan chịu trách nhiệm thi hành.",
]
SHEET = "Biểu 01"
_SHEET_HEAD = ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành")
_SHEET_ROWS = [
    ("Rà soát, điều chỉnh bảng giá đất", "Sở Tài nguyên và Môi trường", "Quý II/2024"),
    ("Cập nhật cơ sở dữ liệu đất đai", "Văn phòng Đăng ký đất đai", "Quý III/2024"),
    ("Tuyên truyền, phổ biến pháp luật", "UBND các huyện, thành phố", "Thường xuyên"),
]


def file_lines(doc: Document, annex: bool) -> list[str]:
    """The text a document's file holds, a line each, as a signed Vietnamese document is laid
    out: the national motto, the issuer, the number, place and date, the type, the abstract."""
    if annex:
        head = ["PHỤ LỤC", f"(Kèm theo {doc.type} số {doc.number} ngày {doc.issued:%d/%m/%Y})"]
    else:
        d = doc.issued
        head = [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            doc.issuer.upper(),
            f"Số: {doc.number}",
            f"{PLACE}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}",
            doc.type.upper(),
        ]
    body = _BODY[doc.id % 3 : doc.id % 3 + 3]
    signed = [SIGNER_TITLES.get(doc.id, "").upper(), doc.signer]
    return head + textwrap.wrap(doc.abstract, 56) + body + signed


def sheet_rows(doc: Document) -> list[tuple]:
    title = (f"Biểu tổng hợp kèm theo {doc.type} số {doc.number}",)
    return [title, _SHEET_HEAD, *((k + 1, *row) for k, row in enumerate(_SHEET_ROWS))]


def _register(doc: Document) -> None:
    register_files(doc, file_lines, sheet_rows, SHEET, SCANNED)


def add_documents(portal: Portal) -> None:
    """Give the held-out portal its documents, newest first as its list shows them, and the
    news article that tells of one more."""
    profile = portal.profile
    rows = sorted(_ROWS, key=lambda r: r[2], reverse=True)
    portal.documents = [_document(profile, profile.sid * 10 + k, row) for k, row in enumerate(rows)]
    if len(portal.articles) > PUBLISHING_INDEX:
        doc = _document(profile, profile.sid * 10 + len(rows), PUBLISHED)
        publish(portal, doc, PUBLISHING_INDEX, PUBLISHING_TITLE, PUBLISHING_LEAD,
                PUBLISHING_PARAGRAPHS, datetime(2024, 4, 16, 15, 10), "Toàn văn Kế hoạch {number}")  # fmt: skip
    for document in portal.documents:
        _register(document)
