"""HTML of the HELD-OUT third Văn bản skin (profile `vanban3`, documents "items"), unlike the
two the detector was built on (render_documents.py) in every respect a page can differ:

- List: `/van-ban-chi-dao-dieu-hanh`, paged `?p=N` counted from 1 (page 1 has no parameter),
  4 documents a page. No `<table>`: a `<ul class="list-document">` of `<li class="item">`
  blocks, each a heading (the trích yếu, linking the detail page) and labelled lines
  `Số hiệu: <strong>…</strong> | Ban hành: dd/mm/yyyy | Loại: …` then one `Tải về` link a file
  (its file name only in the link's title). A « 1 2 3 » pager with "Trang sau".
- Detail: `/van-ban-chi-dao-dieu-hanh/<slug of type and number>-<id>` (shaped like an article
  address), the trích yếu as its `<h1>`, then one `<p><strong>Label:</strong> value</p>` a field:
  `Số hiệu văn bản`, `Loại văn bản`, `Lĩnh vực`, `Cơ quan ban hành`, `Người ký`, `Chức vụ`,
  `Ngày ban hành` (one document: `Ban hành: ngày 05 tháng 3 năm 2024`), `Ngày có hiệu lực`
  (`Đang cập nhật` when none), `Trích yếu nội dung`, then the files as a list and a
  `Văn bản liên quan` box naming three other documents by number, date and abstract.
- A news article (html5 template) tells of one more document in the citation form
  "Kế hoạch số N ngày D của ISSUER về ABSTRACT", its file attached by file name.
"""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.render_documents import _rel, listed
from govarchive.sampleportal.site import Site
from govarchive.sampleportal.vanban import Document

TITLE = "Văn bản chỉ đạo điều hành"
SECTION = "/van-ban-chi-dao-dieu-hanh"
PAGE_PARAM = "p"


def list_pages(site: Site) -> int:
    from govarchive.sampleportal.vanban3 import PAGE_SIZE

    return max(1, -(-len(listed(site)) // PAGE_SIZE))


def documents_url(base: str, page: int = 0) -> str:
    return f"{base}{SECTION}" + (f"?{PAGE_PARAM}={page + 1}" if page else "")


def document_path(doc: Document) -> str:
    from govarchive.sampleportal.content import slugify

    return f"{SECTION}/{slugify(f'{doc.type} {doc.number}')}-{doc.id}"


def route(site: Site, path: str, query: dict[str, str]) -> str | None:
    if path.rstrip("/") == SECTION:
        raw = query.get(PAGE_PARAM, "1")
        return list_page(site, int(raw) - 1) if raw.isdigit() else None
    if path.startswith(SECTION + "/"):
        for doc in listed(site):
            if path == document_path(doc):
                return detail_page(site, doc)
    return None


def menu_item(site: Site) -> str:
    return f'<li><a href="{escape(_rel(site, site.documents_url()))}">{TITLE}</a></li>'


def home_block(site: Site) -> str:
    items = "".join(
        f'<li><a href="{escape(_rel(site, site.document_url(d)))}">{escape(d.number)}</a>'
        f' <span class="ngay">({d.issued:%d/%m/%Y})</span></li>'
        for d in listed(site)[:4]
    )
    more = escape(_rel(site, site.documents_url()))
    return (
        '<div class="widget-vbmoi"><div class="widget-title">Văn bản mới ban hành</div>'
        f'<marquee direction="up" scrollamount="2"><ul>{items}</ul></marquee>'
        f'<a class="xem-them" href="{more}">Xem thêm</a></div>'
    )


def list_page(site: Site, page: int) -> str | None:
    from govarchive.sampleportal import render as page_frame
    from govarchive.sampleportal.vanban3 import PAGE_SIZE

    if page < 0 or page >= list_pages(site):
        return None
    shown = listed(site)[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    items = []
    for d in shown:
        href = escape(_rel(site, site.document_url(d)))
        files = " ".join(
            f'<a class="download" href="{escape(site.media_url(f.path))}" '
            f'title="{escape(f.filename)}" target="_blank">Tải về</a>'
            for f in d.files
        )
        items.append(
            f'<li class="item"><h3 class="title"><a href="{href}">{escape(d.abstract)}</a></h3>'
            f'<p class="meta">Số hiệu: <strong>{escape(d.number)}</strong> | '
            f"Ban hành: {d.issued:%d/%m/%Y} | Loại: {escape(d.type)}</p>"
            f'<p class="files">{files}</p></li>'
        )
    pager = []
    if page > 0:
        pager.append(f'<a href="{escape(_rel(site, site.documents_url(page - 1)))}">«</a>')
    for k in range(list_pages(site)):
        if k == page:
            pager.append(f'<b class="active">{k + 1}</b>')
        else:
            pager.append(f'<a href="{escape(_rel(site, site.documents_url(k)))}">{k + 1}</a>')
    if page + 1 < list_pages(site):
        nxt = escape(_rel(site, site.documents_url(page + 1)))
        pager.append(f'<a href="{nxt}">Trang sau »</a>')
    search = (
        f'<form class="search-document" method="get" action="{SECTION}">'
        '<input type="text" name="keyword" placeholder="Nhập số hiệu hoặc trích yếu">'
        '<button type="submit">Tìm văn bản</button></form>'
    )
    main = (
        f'<div class="page-title"><h2>{TITLE}</h2></div>{search}'
        f'<ul class="list-document">{"".join(items)}</ul>'
        f'<div class="phantrang">Trang: {" ".join(pager)}</div>'
    )
    return page_frame.frame(site, TITLE, main, crumb=[(TITLE, site.documents_url())])


def detail_page(site: Site, doc: Document) -> str:
    from govarchive.sampleportal import render as page_frame
    from govarchive.sampleportal.vanban3 import PROSE_DATE, SIGNER_TITLES

    if doc.number == PROSE_DATE:
        d = doc.issued
        issued = ("Ban hành", f"ngày {d.day:02d} tháng {d.month} năm {d.year}")
    else:
        issued = ("Ngày ban hành", f"{doc.issued:%d/%m/%Y}")
    effective = f"{doc.effective:%d/%m/%Y}" if doc.effective else "Đang cập nhật"
    fields = [
        ("Số hiệu văn bản", escape(doc.number)),
        ("Loại văn bản", escape(doc.type)),
        ("Lĩnh vực", escape(doc.field)),
        ("Cơ quan ban hành", escape(doc.issuer)),
        ("Người ký", escape(doc.signer)),
        ("Chức vụ", escape(SIGNER_TITLES.get(doc.id, ""))),
        issued,
        ("Ngày có hiệu lực", effective),
        ("Trích yếu nội dung", escape(doc.abstract)),
    ]
    lines = "".join(f"<p><strong>{label}:</strong> {value}</p>" for label, value in fields)
    files = "".join(
        f'<li><i class="icon-{f.ext}"></i> <a href="{escape(site.media_url(f.path))}">'
        f'{escape(f.filename)}</a> <a class="btn-download" href="{escape(site.media_url(f.path))}"'
        " download>Tải về</a></li>"
        for f in doc.files
    )
    others = [d for d in listed(site) if d.id != doc.id]
    k = next((i for i, d in enumerate(listed(site)) if d.id == doc.id), 0)
    related = "".join(
        f'<li><a href="{escape(_rel(site, site.document_url(d)))}">{escape(d.number)}</a> '
        f"<em>({d.issued:%d/%m/%Y})</em>: {escape(d.abstract)}</li>"
        for d in (others[k:] + others[:k])[:3]
    )
    back = escape(_rel(site, site.documents_url()))
    main = (
        f'<div class="document-detail"><h1 class="document-title">{escape(doc.abstract)}</h1>'
        f'<div class="document-info">{lines}</div>'
        f'<p><strong>Tệp đính kèm:</strong></p><ul class="document-files">{files}</ul>'
        '<div class="document-tools"><a href="javascript:window.print()">In trang</a> '
        f'<a href="{back}">Quay lại</a></div></div>'
        f'<div class="related-documents"><h3>Văn bản liên quan</h3><ul>{related}</ul></div>'
    )
    return page_frame.frame(site, doc.abstract, main, crumb=[(TITLE, site.documents_url())])
