"""The sample portals' official documents (văn bản, issue 17 part 4): hand-written records with
realistic numbers, types, issuers and signers, so that a detector can be held to exact metadata.

Only profiles with `Profile.documents` set ("dl" or "grid", see render_documents.py) have them;
the other profiles serve exactly what they did before. One profile also publishes a document in
a news article (prose naming its number, with its file attached), as portals often do."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING

from govarchive.sampleportal.content import Attachment, slugify
from govarchive.sampleportal.legacyfonts import NotEncodable, to_tcvn3

if TYPE_CHECKING:
    from govarchive.sampleportal.content import Portal, Profile

DOC_PAGE_SIZE = 5  # 8 documents: two list pages


@dataclass(frozen=True)
class DocFile:
    path: str  # on the storage host
    ext: str

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class Document:
    id: int
    number: str  # as the pages write it
    type: str  # what the number's code stands for (archive.doc_numbers), as pages name it
    issued: date
    effective: date | None
    issuer: str
    signer: str
    abstract: str
    field: str  # lĩnh vực; "" where the profile's pages do not show one
    files: list[DocFile] = field(default_factory=list)
    article_id: int | None = None  # published in this news article, not in the list

    def issued_iso(self) -> str:
        return _iso(self.issued)

    def effective_iso(self) -> str | None:
        return _iso(self.effective) if self.effective else None


def _iso(day: date) -> str:
    """As crawler/extract/dates.parse_vn_datetime gives a date without a time."""
    return f"{day:%Y-%m-%d}T00:00:00+07:00"


# number, type, issued, effective, issuer, signer, abstract, field, file extensions
_Row = tuple[str, str, str, str | None, str, str, str, str, tuple[str, ...]]

_PROVINCE: list[_Row] = [
    ("71/2024/QĐ-UBND", "Quyết định", "2024-12-20", "2025-01-01", "UBND tỉnh Lào Cai",
     "Nguyễn Văn Thành", "Ban hành Quy định quản lý chợ trên địa bàn tỉnh Lào Cai",
     "Thương mại", ("pdf",)),
    ("193/KH-UBND", "Kế hoạch", "2024-03-05", None, "UBND tỉnh Lào Cai", "Lê Thị Hồng Vân",
     "Kế hoạch thực hiện công tác cải cách hành chính năm 2024", "Cải cách hành chính",
     ("pdf", "xlsx")),
    ("706/UBND-VP7", "Công văn", "2024-04-11", None, "UBND tỉnh Lào Cai", "Trần Minh Đức",
     "Về việc tăng cường công tác phòng cháy, chữa cháy rừng mùa khô năm 2024", "Lâm nghiệp",
     ("pdf",)),
    ("12/2023/NQ-HĐND", "Nghị quyết", "2023-12-08", "2023-12-18", "HĐND tỉnh Lào Cai",
     "Phạm Quang Huy", "Quy định mức chi hỗ trợ phát triển sản xuất nông nghiệp trên địa bàn "
     "tỉnh giai đoạn 2024 - 2025", "Nông nghiệp", ("pdf",)),
    ("05/CT-UBND", "Chỉ thị", "2024-01-22", "2024-01-22", "UBND tỉnh Lào Cai", "Nguyễn Văn Thành",
     "Về tăng cường bảo đảm trật tự, an toàn giao thông dịp Tết Nguyên đán Giáp Thìn năm 2024",
     "Giao thông vận tải", ("pdf",)),
    ("45/TB-UBND", "Thông báo", "2024-06-14", None, "Văn phòng UBND tỉnh Lào Cai",
     "Đỗ Thị Thu Hà", "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc về tiến độ giải ngân "
     "vốn đầu tư công năm 2024", "Đầu tư", ("docx",)),
    ("807/QĐ-UBND", "Quyết định", "2024-04-19", "2024-04-19", "UBND tỉnh Lào Cai",
     "Trần Minh Đức", "Phê duyệt danh mục dự án kêu gọi đầu tư trên địa bàn tỉnh năm 2024",
     "Đầu tư", ("pdf",)),
    ("38/2024/QĐ-UBND", "Quyết định", "2024-10-02", "2024-10-15", "UBND tỉnh Lào Cai",
     "Nguyễn Văn Thành", "Sửa đổi, bổ sung một số điều của Quy định về bồi thường, hỗ trợ, tái "
     "định cư khi Nhà nước thu hồi đất trên địa bàn tỉnh", "Đất đai", ("pdf",)),
]  # fmt: skip

_DISTRICT: list[_Row] = [
    ("1520/QĐ-UBND", "Quyết định", "2024-08-28", "2024-08-28", "UBND huyện Văn Bàn",
     "Vương Văn Long", "Phê duyệt phương án bồi thường, hỗ trợ khi Nhà nước thu hồi đất thực "
     "hiện dự án đường nối Quốc lộ 279 với thị trấn Khánh Yên", "Đất đai", ("pdf",)),
    ("256/KH-UBND", "Kế hoạch", "2024-05-15", None, "UBND huyện Văn Bàn", "Lò Thị Mai",
     "Tổ chức các hoạt động hưởng ứng Tháng hành động vì an toàn thực phẩm năm 2024", "Y tế",
     ("pdf",)),
    ("1184/UBND-VP", "Công văn", "2024-07-02", None, "UBND huyện Văn Bàn", "Hoàng Văn Sơn",
     "Về việc chủ động ứng phó với mưa lũ, sạt lở đất trên địa bàn huyện", "Phòng chống thiên tai",
     ("pdf", "docx")),
    ("09/NQ-HĐND", "Nghị quyết", "2023-12-20", "2023-12-20", "HĐND huyện Văn Bàn",
     "Bàn Văn Lợi", "Về dự toán thu, chi ngân sách huyện năm 2024", "Tài chính", ("doc",)),
    ("03/CT-UBND", "Chỉ thị", "2024-01-10", "2024-01-10", "UBND huyện Văn Bàn", "Vương Văn Long",
     "Về tăng cường công tác phòng, chống rét đậm, rét hại cho cây trồng, vật nuôi",
     "Nông nghiệp", ("pdf",)),
    ("112/TB-UBND", "Thông báo", "2024-09-25", None, "UBND huyện Văn Bàn", "Hoàng Văn Sơn",
     "Lịch tiếp công dân định kỳ của Chủ tịch UBND huyện quý IV năm 2024", "Tiếp công dân",
     ("docx",)),
    ("88/BC-UBND", "Báo cáo", "2024-06-30", None, "UBND huyện Văn Bàn", "Lò Thị Mai",
     "Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội 6 tháng đầu năm 2024",
     "Kinh tế - Xã hội", ("pdf", "xlsx")),
    ("41/HD-UBND", "Hướng dẫn", "2024-03-12", "2024-03-12", "UBND huyện Văn Bàn",
     "Bàn Văn Lợi", "Hướng dẫn thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới "
     "năm 2024", "Nông thôn mới", ("pdf",)),
]  # fmt: skip

_ROWS: dict[str, list[_Row]] = {"vanban": _PROVINCE, "vanban2": _DISTRICT}

# The document a news article of `vanban` publishes (not in its list), and that article's text.
PUBLISHED: _Row = (
    "12/2024/QĐ-UBND", "Quyết định", "2024-03-15", "2024-03-25", "UBND tỉnh Lào Cai",
    "Nguyễn Văn Thành", "Ban hành Quy chế quản lý, vận hành và khai thác Cổng thông tin điện tử "
    "tỉnh Lào Cai", "", ("pdf",),
)  # fmt: skip
PUBLISHING_TITLE = "Ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử tỉnh"
PUBLISHING_LEAD = (
    "UBND tỉnh vừa ban hành Quyết định số 12/2024/QĐ-UBND quy định việc quản lý, vận hành và "
    "khai thác Cổng thông tin điện tử tỉnh."
)
PUBLISHING_PARAGRAPHS = [
    "Ngày 15/3/2024, Ủy ban nhân dân tỉnh Lào Cai ban hành Quyết định số 12/2024/QĐ-UBND về việc "
    "ban hành Quy chế quản lý, vận hành và khai thác Cổng thông tin điện tử tỉnh Lào Cai.",
    "Quy chế quy định việc tổ chức, quản lý, vận hành, cung cấp và khai thác thông tin trên Cổng "
    "thông tin điện tử tỉnh; trách nhiệm của các sở, ban, ngành, Ủy ban nhân dân các huyện, thị "
    "xã, thành phố trong việc cung cấp thông tin.",
    "Quyết định có hiệu lực thi hành kể từ ngày 25/3/2024 và thay thế Quyết định số "
    "48/2019/QĐ-UBND ngày 10/10/2019 của Ủy ban nhân dân tỉnh.",
    "Quyết định do đồng chí Nguyễn Văn Thành, Chủ tịch Ủy ban nhân dân tỉnh ký ban hành. Toàn văn "
    "Quyết định được đăng kèm bài viết này.",
]
PUBLISHING_INDEX = 4  # not 0 or 1 (revision 2 edits and removes those); plain text, no legacy font


def _document(profile: Profile, doc_id: int, row: _Row) -> Document:
    number, kind, issued, effective, issuer, signer, abstract, fld, exts = row
    day = date.fromisoformat(issued)
    stem = f"/{profile.storage_prefix}/VanBan/{day:%Y/%m/%d}/{slugify(number).upper()}"
    files = [DocFile(f"{stem}{'-phu-luc' if k else ''}.{ext}", ext) for k, ext in enumerate(exts)]
    return Document(
        id=doc_id,
        number=number,
        type=kind,
        issued=day,
        effective=date.fromisoformat(effective) if effective else None,
        issuer=issuer,
        signer=signer,
        abstract=abstract,
        field=fld if profile.documents == "grid" else "",  # skin 1 shows no lĩnh vực
        files=files,
    )


# What each file is: a PDF with its text, unless its document was scanned from the signed paper
# (an image-only PDF); a .doc typed in the legacy .VnTime font (TCVN3); DOCX; an XLSX table.
SCANNED = {"706/UBND-VP7", "256/KH-UBND"}
_BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;",
    "Xét đề nghị của Chánh Văn phòng Ủy ban nhân dân.",
    "Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành văn bản này.",
]
_SHEET_HEAD = ("STT", "Nội dung", "Đơn vị thực hiện", "Kinh phí (triệu đồng)")
_SHEET_ROWS = [
    ("Rà soát, đơn giản hóa thủ tục hành chính", "Văn phòng UBND", 350),
    ("Số hóa hồ sơ, kết quả giải quyết thủ tục", "Sở Thông tin và Truyền thông", 1200),
    ("Tập huấn cán bộ một cửa cấp xã", "Sở Nội vụ", 480.5),
]
SHEET = "Phụ lục"
FILE_MAKERS: dict[str, tuple[Callable[[], bytes], str]] = {}  # path -> (maker, its gold text)


def file_lines(doc: Document, annex: bool) -> list[str]:
    """The text a document's file holds, a line each (short lines: a scan is read by OCR)."""
    head = [doc.issuer.upper(), f"Số: {doc.number}", doc.type.upper()]
    if annex:
        head = ["PHỤ LỤC", f"Kèm theo {doc.type} số {doc.number}"]
    body = _BODY[doc.id % 2 : doc.id % 2 + 3]
    signed = [f"Ngày {doc.issued:%d/%m/%Y}", f"Người ký: {doc.signer}"]
    return head + textwrap.wrap(doc.abstract, 52) + body + signed


def sheet_rows(doc: Document) -> list[tuple]:
    title = (f"Phụ lục kèm theo {doc.type} số {doc.number}",)
    return [title, _SHEET_HEAD, *((k + 1, *row) for k, row in enumerate(_SHEET_ROWS))]


def register_files(
    doc: Document,
    lines_of: Callable[[Document, bool], list[str]],
    rows_of: Callable[[Document], list[tuple]],
    sheet: str,
    scanned: set[str],
) -> None:
    """The bytes of each file of `doc`, made when first asked (media.media_bytes), and its gold
    text: a sheet of `rows_of(doc)` for an XLSX, else the lines `lines_of(doc, annex)` as a
    DOCX, a .doc typed in .VnTime (TCVN3 bytes; lines the font cannot carry left out), a scan
    (`scanned` numbers) or a PDF with its text. Each skin gives its own wording."""
    from govarchive.sampleportal import docfiles

    for k, f in enumerate(doc.files):
        lines = lines_of(doc, k > 0)
        if f.ext == "xlsx":
            rows = rows_of(doc)
            maker = partial(docfiles.xlsx_file, {sheet: rows})
            cells = ["\t".join(str(c) for c in row) for row in rows]
            lines = [sheet, *cells]  # a sheet's text starts with its name
        elif f.ext == "docx":
            maker = partial(docfiles.docx_file, lines)
        elif f.ext == "doc":
            lines = _encodable(lines)
            maker = partial(docfiles.word97_doc, [to_tcvn3(line) for line in lines])
        elif doc.number in scanned:
            maker = partial(docfiles.scan_pdf, [lines], 200)
        else:
            maker = partial(docfiles.text_pdf, [lines])
        FILE_MAKERS[f.path] = (maker, "\n".join(lines))


def _encodable(lines: list[str]) -> list[str]:
    """The lines the legacy .VnTime font can carry (TCVN3 lacks some capitals)."""
    out = []
    for line in lines:
        try:
            to_tcvn3(line)
        except NotEncodable:
            continue
        out.append(line)
    return out


def _register(doc: Document) -> None:
    register_files(doc, file_lines, sheet_rows, SHEET, SCANNED)


def add_documents(portal: Portal) -> None:
    """Give a documents profile's portal its documents, newest first as lists show them, and
    (profile `vanban`) the news article that publishes one more."""
    profile = portal.profile
    rows = sorted(_ROWS[profile.key], key=lambda r: r[2], reverse=True)
    portal.documents = [_document(profile, profile.sid * 10 + k, row) for k, row in enumerate(rows)]
    if profile.key != "vanban" or len(portal.articles) <= PUBLISHING_INDEX:
        for document in portal.documents:
            _register(document)
        return
    doc = _document(profile, profile.sid * 10 + len(rows), PUBLISHED)
    publish(portal, doc, PUBLISHING_INDEX, PUBLISHING_TITLE, PUBLISHING_LEAD,
            PUBLISHING_PARAGRAPHS, datetime(2024, 3, 18, 9, 30), "Quyết định số {number}")  # fmt: skip
    for document in portal.documents:
        _register(document)


def publish(
    portal: Portal, doc: Document, index: int, title: str, lead: str, paragraphs: list[str],
    when: datetime, link_text: str,
) -> None:  # fmt: skip
    """The portal's `index`-th news article becomes the one publishing `doc`: its text, its
    date, no photos, the document's files attached (`link_text` formatted with its number)."""
    art = portal.articles[index]
    doc.article_id = art.id
    art.title, art.lead, art.paragraphs = title, lead, list(paragraphs)
    art.published = when
    art.images = []
    art.attachments = [
        Attachment(path=f.path, link_text=link_text.format(number=doc.number), ext=f.ext)
        for f in doc.files
    ]
    portal.documents.append(doc)
    # the cached orderings were not built yet, but drop them in case a caller built them early
    for name in ("_newest", "_by_category", "by_id"):
        portal.__dict__.pop(name, None)
