"""HTML of the Văn bản section in two skins (issue 17 part 4), unlike each other in header
markup, column order and wording, detail layout, class names, date padding and link forms, so a
detector that reads what the page says finds both and one tuned to a layout does not.

- "dl" (profile vanban, new skin): `/van-ban?PageIndex=N`, a table with a `<thead>` header
  `STT | Số ký hiệu | Ngày ban hành | Trích yếu | Tải về`, the number linking the detail page
  `/van-ban/chi-tiet?id=N`, which gives the fields as `<dl><dt>Label:</dt><dd>value</dd>`.
- "grid" (profile vanban2, old skin): `Default.aspx?...pageid=27990&PageIndex=N` (counted from
  1), a table whose header is its first row of `<td><b>` cells `Trích yếu nội dung | Số/Ký hiệu
  | Ngày BH | Cơ quan ban hành | File đính kèm`, the abstract linking the detail page, a pager
  row inside the table, files linked protocol-relative; detail pages as two-column rows.
"""

from __future__ import annotations

from html import escape
from types import ModuleType

from govarchive.sampleportal.site import Site
from govarchive.sampleportal.vanban import DOC_PAGE_SIZE, Document

TITLE = "Văn bản"


def listed(site: Site) -> list[Document]:
    """The documents the list pages show (not those only an article publishes)."""
    return [d for d in site.portal.documents if d.article_id is None]


def list_pages(site: Site) -> int:
    return max(1, -(-len(listed(site)) // DOC_PAGE_SIZE))


def route(site: Site, path: str, query: dict[str, str]) -> str | None:
    """The Văn bản page at this address (query keys lower-cased), else None (other routes or 404)."""
    if not site.portal.documents:
        return None
    if site.profile.documents == "items":  # the held-out skin (render_documents3.py)
        return _items_skin().route(site, path, query)
    param = site.profile.page_param.lower()
    by_id = {d.id: d for d in listed(site)}
    if site.profile.skin == "old":
        if path.lower() != "/default.aspx":
            return None
        if query.get("pageid") == str(Site.DOC_LIST_PAGEID):
            raw = query.get(param, "1")
            return list_page(site, int(raw) - 1) if raw.isdigit() else None
        if query.get("pageid") == str(Site.DOC_DETAIL_PAGEID):
            raw = query.get("itemid", "")
            doc = by_id.get(int(raw)) if raw.isdigit() else None
            return detail_page(site, doc) if doc else None
        return None
    if path.rstrip("/") == "/van-ban":
        raw = query.get(param, "0")
        return list_page(site, int(raw)) if raw.isdigit() else None
    if path == "/van-ban/chi-tiet":
        raw = query.get("id", "")
        doc = by_id.get(int(raw)) if raw.isdigit() else None
        return detail_page(site, doc) if doc else None
    return None


def menu_item(site: Site) -> str:
    """The menu entry for the section; "" on portals without one (their pages stay as they were)."""
    if not site.portal.documents:
        return ""
    if site.profile.documents == "items":
        return _items_skin().menu_item(site)
    return f'<li><a href="{escape(_rel(site, site.documents_url()))}">{TITLE}</a></li>'


def home_block(site: Site) -> str:
    """The home page's newest documents; "" on portals without a section."""
    if not site.portal.documents:
        return ""
    if site.profile.documents == "items":
        return _items_skin().home_block(site)
    items = "".join(
        f'<li><a href="{escape(_rel(site, site.document_url(d)))}">{escape(d.number)}</a> '
        f"<span>{escape(d.abstract)}</span></li>"
        for d in listed(site)[:3]
    )
    more = escape(_rel(site, site.documents_url()))
    return (
        f'<div class="box-home box-vanban"><h2><a href="{more}">Văn bản mới</a></h2>'
        f"<ul>{items}</ul></div>"
    )


def list_page(site: Site, page: int) -> str | None:
    docs = listed(site)
    if page < 0 or page >= list_pages(site):
        return None
    shown = docs[page * DOC_PAGE_SIZE : (page + 1) * DOC_PAGE_SIZE]
    render = _list_dl if site.profile.documents == "dl" else _list_grid
    from govarchive.sampleportal import render as page_frame

    main = render(site, shown, page, first=page * DOC_PAGE_SIZE + 1)
    return page_frame.frame(site, TITLE, main, crumb=[(TITLE, site.documents_url())])


def detail_page(site: Site, doc: Document) -> str:
    from govarchive.sampleportal import render as page_frame

    render = _detail_dl if site.profile.documents == "dl" else _detail_grid
    title = f"{doc.type} {doc.number}"
    return page_frame.frame(site, title, render(site, doc), crumb=[(TITLE, site.documents_url())])


# skin 1: <thead> list, <dl> detail -------------------------------------------------------------
def _list_dl(site: Site, docs: list[Document], page: int, first: int) -> str:
    rows = []
    for n, d in enumerate(docs, first):
        href = escape(_rel(site, site.document_url(d)))
        files = " ".join(
            f'<a href="{escape(site.media_url(f.path))}" title="{escape(f.filename)}">'
            f'<img src="/images/icons/{f.ext}.png" alt="Tải về"></a>'
            for f in d.files
        )
        rows.append(
            f'<tr><td class="stt">{n}</td><td class="so-ky-hieu"><a href="{href}">'
            f"{escape(d.number)}</a></td><td>{d.issued:%d/%m/%Y}</td>"
            f'<td class="trich-yeu">{escape(d.abstract)}</td><td class="tai-ve">{files}</td></tr>'
        )
    pager = []
    for k in range(list_pages(site)):
        if k == page:
            pager.append(f'<span class="current">{k + 1}</span>')
        else:
            pager.append(f'<a href="{escape(_rel(site, site.documents_url(k)))}">{k + 1}</a>')
    return (
        f'<h1 class="cat-title">{TITLE}</h1><div class="vb-list">'
        '<table class="table table-bordered table-vanban"><thead><tr><th>STT</th>'
        "<th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th><th>Tải về</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table></div><div class="pager">{" ".join(pager)}</div>'
    )


def _detail_dl(site: Site, doc: Document) -> str:
    files = "<br>".join(
        f'<a href="{escape(site.media_url(f.path))}">{escape(f.filename)}</a>' for f in doc.files
    )
    fields = [
        ("Số ký hiệu", escape(doc.number)),
        ("Ngày ban hành", f"{doc.issued:%d/%m/%Y}"),
        *([("Ngày hiệu lực", f"{doc.effective:%d/%m/%Y}")] if doc.effective else []),
        ("Cơ quan ban hành", escape(doc.issuer)),
        ("Người ký", escape(doc.signer)),
        ("Trích yếu", escape(doc.abstract)),
        ("Tệp đính kèm", files),
    ]
    items = "".join(f"<dt>{label}:</dt><dd>{value}</dd>" for label, value in fields)
    others = "".join(
        f'<li><a href="{escape(_rel(site, site.document_url(d)))}">{escape(d.number)}</a> - '
        f"{escape(d.abstract)}</li>"
        for d in listed(site)
        if d.id != doc.id
    )
    back = escape(_rel(site, site.documents_url()))
    return (
        f'<div class="vb-detail"><h1 class="title-detail">{escape(doc.type)} '
        f'{escape(doc.number)}</h1><dl class="vb-info">{items}</dl>'
        f'<div class="vb-back"><a href="{back}">Quay lại danh sách</a></div></div>'
        f'<div class="vb-other"><h3>Văn bản khác</h3><ul>{others}</ul></div>'
    )


# skin 2: <b>-header list with an in-table pager, two-column detail rows -----------------------
def _list_grid(site: Site, docs: list[Document], page: int, first: int) -> str:
    rows = []
    for d in docs:
        href = escape(_rel(site, site.document_url(d)))
        files = "<br>".join(
            f'<a href="{escape(_protocol_relative(site.media_url(f.path)))}">'
            f"{escape(f.filename)}</a>"
            for f in d.files
        )
        rows.append(
            f'<tr class="row-vb"><td><a href="{href}">{escape(d.abstract)}</a></td>'
            f'<td align="center">{escape(d.number)}</td>'
            f'<td align="center">{d.issued.day}/{d.issued.month}/{d.issued.year}</td>'
            f"<td>{escape(d.issuer)}</td><td>{files}</td></tr>"
        )
    pager = []
    for k in range(list_pages(site)):
        if k == page:
            pager.append(f"<span>{k + 1}</span>")
        else:
            pager.append(f'<a href="{escape(_rel(site, site.documents_url(k)))}">{k + 1}</a>')
    kinds = "".join(f"<option>{escape(k)}</option>" for k in sorted({d.type for d in listed(site)}))
    search = (
        '<table class="tblTimKiemVB"><tr><td>Số/Ký hiệu</td><td><input type="text" name="txtSoKH">'
        '</td><td>Loại văn bản</td><td><select name="ddlLoaiVB"><option>-- Tất cả --</option>'
        f'{kinds}</select></td><td><input type="submit" value="Tìm kiếm"></td></tr></table>'
    )
    return (
        '<div class="TitleVanBan">VĂN BẢN CHỈ ĐẠO ĐIỀU HÀNH</div>'
        f'{search}<table class="tblVanBan" border="1" cellpadding="3" cellspacing="0">'
        '<tr class="hdrVanBan"><td><b>Trích yếu nội dung</b></td><td><b>Số/Ký hiệu</b></td>'
        "<td><b>Ngày BH</b></td><td><b>Cơ quan ban hành</b></td><td><b>File đính kèm</b></td></tr>"
        f'{"".join(rows)}<tr class="PagerVanBan"><td colspan="5">Trang: {" ".join(pager)}'
        "</td></tr></table>"
    )


def _detail_grid(site: Site, doc: Document) -> str:
    files = " ".join(
        f'<a href="{escape(_protocol_relative(site.media_url(f.path)))}">{escape(f.filename)}</a>'
        for f in doc.files
    )
    fields = [
        ("Số hiệu", escape(doc.number)),
        ("Loại văn bản", escape(doc.type)),
        ("Lĩnh vực", escape(doc.field)),
        ("Cơ quan ban hành", escape(doc.issuer)),
        ("Người ký", escape(doc.signer)),
        ("Ngày ban hành", f"{doc.issued:%d/%m/%Y}"),
        *([("Ngày có hiệu lực", f"{doc.effective:%d/%m/%Y}")] if doc.effective else []),
        ("Tình trạng hiệu lực", "Còn hiệu lực"),
        ("Trích yếu", escape(doc.abstract)),
        ("File đính kèm", files),
    ]
    rows = "".join(
        f'<tr><td class="lblVB" width="25%">{label}</td><td class="txtVB">{value}</td></tr>'
        for label, value in fields
    )
    back = escape(_rel(site, site.documents_url()))
    return (
        '<div class="TitleVanBan">CHI TIẾT VĂN BẢN</div>'
        f'<table class="tblChiTietVB" border="1" cellpadding="4" cellspacing="0">{rows}</table>'
        f'<p class="back"><a href="{back}">« Trở về</a></p>'
    )


def _items_skin() -> ModuleType:
    """The held-out skin's renderer (it reads this module's listed and _rel: imported late)."""
    from govarchive.sampleportal import render_documents3

    return render_documents3


def _rel(site: Site, url: str) -> str:
    return url[len(site.base) :] if url.startswith(site.base) else url


def _protocol_relative(url: str) -> str:
    return url.split(":", 1)[1] if url.startswith(("http:", "https:")) else url
