"""Real attachment files made here, each with its gold text: PDFs with Vietnamese text (fpdf2,
DejaVu), scans (text drawn by Pillow, saved as an image-only PDF), DOCX, XLSX, TCVN3 text as a
.VnTime document holds it, and bad files (encrypted, corrupt, 500 pages, a zip bomb). Used by
the tests and by bench/filetext.py."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from govarchive.sampleportal.docfiles import (  # noqa: F401 (the makers, used from here too)
    SANS,
    SERIF,
    docx_file,
    have_fonts,
    scan_image,
    scan_pdf,
    text_pdf,
    word97_doc,
    xls_file,
    xlsx_file,
)

DOCUMENT = [
    "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
    "Quyết định số 71/2024/QĐ-UBND về việc ban hành quy định quản lý đường liên thôn",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Theo đề nghị của Giám đốc Sở Giao thông vận tải tại Tờ trình số 193/TTr-SGTVT.",
    "Điều 1. Ban hành kèm theo Quyết định này quy định quản lý, bảo trì đường liên thôn,",
    "đường nội đồng trên địa bàn tỉnh Lào Cai, áp dụng từ ngày 01 tháng 7 năm 2024.",
    "Điều 2. Chánh Văn phòng Ủy ban nhân dân tỉnh, thủ trưởng các sở, ban, ngành",
    "và Chủ tịch Ủy ban nhân dân các huyện chịu trách nhiệm thi hành Quyết định này.",
]
SCAN = [
    "ỦY BAN NHÂN DÂN HUYỆN BẮC HÀ",
    "Kế hoạch số 807/KH-UBND về phát triển du lịch cộng đồng",
    "năm 2024 tại các xã vùng cao của huyện Bắc Hà.",
    "Mục tiêu: nâng cao thu nhập cho đồng bào dân tộc thiểu số,",
    "bảo tồn bản sắc văn hóa truyền thống và bảo vệ môi trường.",
    "Giao Phòng Văn hóa và Thông tin chủ trì, phối hợp với các xã",
    "tổ chức thực hiện, báo cáo kết quả trước ngày 15 tháng 12.",
]
SHEET = [
    ("STT", "Tên công trình", "Kinh phí (triệu đồng)"),
    (1, "Đường liên thôn Nậm Mòn", 1250),
    (2, "Cầu treo Bản Phố", 830.5),
    (3, "Trường mầm non xã Tả Van", 2100),
]
TCVN3_TEXT = "Ủy ban nhân dân tỉnh Lào Cai thông báo lịch tiếp công dân của đồng chí Chủ tịch"


def encrypted_pdf(password: str = "mat-khau") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf([DOCUMENT[:2]]))))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def restricted_pdf() -> bytes:
    """Encrypted with an empty user password (print/copy restrictions): readable."""
    return encrypted_pdf(password="")


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 4


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def tcvn3_docx() -> bytes:
    """A document typed in .VnTime: the file holds the font's byte codes as Windows-1252
    characters, which is what Word keeps when such a document is opened without the font."""
    from govarchive.sampleportal.legacyfonts import to_tcvn3

    return docx_file([to_tcvn3(TCVN3_TEXT)], font=".VnTime")


def zip_bomb(kind: str = "docx", unpacked: int = 400_000_000) -> bytes:
    """A valid-looking DOCX (or XLSX) carrying a member of zeros that deflates ~1000:1."""
    inner = docx_file(["Bình thường"]) if kind == "docx" else xlsx_file({"Sheet": [("a",)]})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(inner)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        member = "word/media/image1.bin" if kind == "docx" else "xl/media/image1.bin"
        with dst.open(member, "w", force_zip64=True) as fh:
            chunk = bytes(1 << 20)
            for _ in range(unpacked // len(chunk)):
                fh.write(chunk)
    return out.getvalue()


def long_pdf(pages: int = 500) -> bytes:
    return text_pdf([[f"Trang {n}: {DOCUMENT[n % len(DOCUMENT)]}"] for n in range(1, pages + 1)])


_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def token_f1(got: str, gold: str) -> float:
    """Bag-of-words F1 of a text against its gold text (OCR quality)."""
    from collections import Counter

    a, b = Counter(tokens(got)), Counter(tokens(gold))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)
