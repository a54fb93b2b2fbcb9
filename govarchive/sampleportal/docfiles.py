"""Real document files for the sample portals' Văn bản section (issue 17 part 4) and the
tests: PDFs with Vietnamese text (fpdf2, DejaVu fonts), scans (text drawn by Pillow, saved as an
image-only PDF), DOCX, XLSX, and Word 97 .doc / Excel 97 .xls written byte by byte (a legacy-font
document keeps its font's bytes). fpdf2 and Pillow come with the test extra (`make demo` and
`make test` install it); the fonts are Debian's fonts-dejavu-core."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
SANS, SERIF = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSerif.ttf"
# Every file's own dates (the same bytes on every run: gold sha256 values hold).
MADE = datetime(2024, 1, 1, tzinfo=UTC)


def _fixed_zip(data: bytes) -> bytes:
    """A DOCX/XLSX with its members' times set to MADE (zipfile stamps them with now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=MADE.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` on save
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", body
                )
            dst.writestr(fixed, body)
    return out.getvalue()


def have_fonts() -> bool:
    return SANS.is_file() and SERIF.is_file()


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold these lines as real text (an embedded Unicode font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(MADE)
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
    images[0].save(
        out, "PDF", resolution=dpi, save_all=True, append_images=images[1:],
        creationDate=time.gmtime(MADE.timestamp()), modDate=time.gmtime(MADE.timestamp()),
    )  # fmt: skip
    return out.getvalue()


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
    document.core_properties.created = document.core_properties.modified = MADE
    document.save(out)
    return _fixed_zip(out.getvalue())


def xlsx_file(sheets: dict[str, list[tuple]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.properties.created = book.properties.modified = MADE.replace(tzinfo=None)
    book.save(out)
    return _fixed_zip(out.getvalue())


def word97_doc(paragraphs: list[str]) -> bytes:
    """A minimal Word 97-2003 .doc: an OLE compound file holding a WordDocument stream (its FIB
    and the text, stored 8-bit as Windows-1252, the way a document typed in .VnTime keeps its
    font's bytes) and a 1Table stream with the piece table that says where the text is and an
    empty stylesheet (every Word file has one; antiword reads past its end without it)."""
    import struct

    text = ("\r".join(paragraphs) + "\r").encode("cp1252")
    text_at = 1024
    word = bytearray(max(4096, text_at + len(text)) + 512)
    struct.pack_into("<HHHHHH", word, 0, 0xA5EC, 0x00C1, 0, 0x042A, 0, 0x0200 | 0x1000)
    struct.pack_into("<H", word, 0x0A + 2 * 1, 0x00BF)  # nFibBack
    struct.pack_into("<II", word, 0x18, text_at, text_at + len(text))  # fcMin, fcMac
    struct.pack_into("<H", word, 0x20, 14)  # csw
    struct.pack_into("<H", word, 0x3E, 22)  # cslw
    struct.pack_into("<I", word, 0x40, len(word))  # cbMac
    struct.pack_into("<I", word, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", word, 0x98, 93)  # cbRgFcLcb
    word[text_at : text_at + len(text)] = text
    pieces = struct.pack("<II", 0, len(text)) + struct.pack(
        "<HIH", 0, (text_at * 2) | 0x40000000, 0
    )
    clx = b"\x02" + struct.pack("<I", len(pieces)) + pieces
    # STSH: cbStshi, then STSHI with no styles (cstd 0, cbSTDBaseInFile 10).
    stylesheet = struct.pack("<H", 18) + struct.pack("<HHHHHH", 0, 10, 0, 0, 0, 0) + bytes(6)
    table = bytearray(4096)
    table[: len(clx)] = clx
    table[64 : 64 + len(stylesheet)] = stylesheet
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))  # fcClx, lcbClx (in 1Table)
    struct.pack_into("<II", word, 0xA2, 64, len(stylesheet))  # fcStshf, lcbStshf
    return _compound_file({"WordDocument": bytes(word), "1Table": bytes(table)})


def xls_file(sheets: dict[str, list[tuple]]) -> bytes:
    """A minimal Excel 97-2003 .xls (BIFF8 in an OLE compound file): a Workbook stream with the
    globals (BOF, code page UTF-16, one cell format, a BOUNDSHEET per sheet) and each sheet's
    cells as LABEL (Unicode text) and NUMBER records."""
    import struct

    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(kind: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0x41, 0x06))

    bodies = []
    for rows in sheets.values():
        body = bof(0x0010)
        columns = max((len(r) for r in rows), default=0)
        body += rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, columns, 0))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    body += rec(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
                else:
                    text = str(value)
                    body += rec(
                        0x0204,
                        struct.pack("<HHHHB", r, c, 0, len(text), 1) + text.encode("utf-16-le"),
                    )
        bodies.append(body + rec(0x000A, b""))

    def workbook_globals(offsets: list[int]) -> bytes:
        out = bof(0x0005) + rec(0x0042, struct.pack("<H", 1200)) + rec(0x00E0, bytes(20))
        for name, offset in zip(sheets, offsets, strict=True):
            encoded = name.encode("utf-16-le")
            out += rec(0x0085, struct.pack("<IHBB", offset, 0, len(name), 1) + encoded)
        return out + rec(0x000A, b"")

    at = len(workbook_globals([0] * len(bodies)))
    offsets = []
    for body in bodies:
        offsets.append(at)
        at += len(body)
    stream = workbook_globals(offsets) + b"".join(bodies)
    return _compound_file({"Workbook": stream.ljust(4096, b"\0")})


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors), streams of 4096 bytes or more each,
    so no mini stream is needed."""
    import struct

    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    size = 512
    names = list(streams)
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    next_sector = 2  # 0: the FAT, 1: the directory
    for name in names:
        count = -(-len(streams[name]) // size)
        chains.append((next_sector, count))
        next_sector += count
    assert next_sector <= size // 4, "one FAT sector is enough for small files"
    fat = [free] * (size // 4)
    fat[0], fat[1] = fat_mark, end
    for first, count in chains:
        for k in range(count):
            fat[first + k] = first + k + 1 if k < count - 1 else end

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, length: int):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )

    # Root's child is the longest name; shorter names sort before it (left siblings).
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    top = order[-1]
    directory = entry("Root Entry", 5, free, free, top + 1, end, 0)
    for i, name in enumerate(names):
        left = free
        if i == top and len(order) > 1:
            left = order[-2] + 1
        elif i != top and order.index(i) > 0:
            left = order[order.index(i) - 1] + 1
        first, _ = chains[i]
        directory += entry(name, 2, left, free, free, first, len(streams[name]))
    directory = directory.ljust(size, b"\0")
    empty = entry("", 0, free, free, free, 0, 0)
    directory = directory[: 128 * (len(names) + 1)] + empty * (3 - len(names))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0) + struct.pack("<I", free) * 108
    )  # fmt: skip
    assert len(header) == size
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    for name in names:
        body += streams[name].ljust(chains[names.index(name)][1] * size, b"\0")
    return header + body
