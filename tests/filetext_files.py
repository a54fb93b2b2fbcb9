"""Real attachment files made here, each with its gold text: PDFs with Vietnamese text (fpdf2,
DejaVu), scans (text drawn by Pillow, saved as an image-only PDF), DOCX, XLSX, TCVN3 text as a
.VnTime document holds it, and bad files (encrypted, corrupt, 500 pages, a zip bomb). Used by
the tests and by bench/filetext.py."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
SANS, SERIF = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSerif.ttf"

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


def have_fonts() -> bool:
    return SANS.is_file() and SERIF.is_file()


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold these lines as real text (an embedded Unicode font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("dejavu", fname=str(SANS))
    pdf.set_font("dejavu", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scan_image(lines: list[str], dpi: int = 300):
    """An A4 page with these lines drawn on it, as a scanner sees a printed page."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(SERIF), size=int(dpi * 0.16))  # about 12 pt
    y = int(dpi * 1.0)
    for line in lines:
        draw.text((int(dpi * 0.9), y), line, font=font, fill=0)
        y += int(dpi * 0.3)
    return image


def scan_pdf(pages: list[list[str]], dpi: int = 300) -> bytes:
    """An image-only PDF: each page a picture of its lines, no text in the file."""
    images = [scan_image(lines, dpi) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


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


def docx_file(
    paragraphs: list[str], table: list[tuple] | None = None, font: str | None = None
) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        if font:
            run.font.name = font
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def tcvn3_docx() -> bytes:
    """A document typed in .VnTime: the file holds the font's byte codes as Windows-1252
    characters, which is what Word keeps when such a document is opened without the font."""
    from govarchive.sampleportal.legacyfonts import to_tcvn3

    return docx_file([to_tcvn3(TCVN3_TEXT)], font=".VnTime")


def xlsx_file(sheets: dict[str, list[tuple]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
