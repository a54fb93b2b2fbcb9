"""HTML of the sample portals, in two skins and several markup habits, as real VNPT portals vary."""

from __future__ import annotations

import unicodedata
from html import escape

from govarchive.sampleportal import render_documents, render_html5, render_portlet, render_tables
from govarchive.sampleportal.content import Article, Category
from govarchive.sampleportal.legacyfonts import to_tcvn3, to_vni
from govarchive.sampleportal.site import Site

NBSP = "&nbsp;"

CLASSES = {
    "a": {
        "header": "header",
        "menu": "menu-top",
        "crumb": "breadcrumb",
        "main": "col-main",
        "side": "col-right",
        "counter": "thongke",
        "footer": "footer",
        "module": "UIMultiFunction_Default",
        "related": "related-news",
        "other": "other-news",
        "tools": "tools",
        "list": "news-list",
        "pager": "pager",
        "latest": "latest-news",
    },
    "b": {
        "header": "top-banner",
        "menu": "nav-main",
        "crumb": "path-link",
        "main": "content-left",
        "side": "content-right",
        "counter": "visitor-box",
        "footer": "bottom-info",
        "module": "MultiFunctionControl",
        "related": "tinlienquan",
        "other": "tinkhac",
        "tools": "toolbar-news",
        "list": "list-items",
        "pager": "paging",
        "latest": "box-tinmoi",
    },
    "c": {
        "header": "site-header",
        "menu": "navbar-nav",
        "crumb": "breadcrumb-list",
        "main": "col-lg-8",
        "side": "col-lg-4",
        "counter": "widget-stats",
        "footer": "site-footer",
        "module": "portlet-content",
        "related": "box-related",
        "other": "box-other",
        "tools": "article-tools",
        "list": "list-news",
        "pager": "pagination",
        "latest": "widget-latest",
    },
}


def rel(site: Site, url: str) -> str:
    """Portal links are written host-relative, as the portals do."""
    return url[len(site.base) :] if url.startswith(site.base) else url


def t(art: Article, text: str) -> str:
    """Article text as the page carries it: NFD for articles pasted from macOS or Word."""
    return escape(unicodedata.normalize("NFD", text) if art.nfd else text)


def tb(art: Article, text: str) -> str:
    """Body text (paragraphs, captions, byline): pasted from a legacy-font document, if any."""
    if art.legacy == "tcvn3":
        return escape(to_tcvn3(text))
    if art.legacy == "vni":
        return escape(to_vni(text))
    return t(art, text)


# page frame ---------------------------------------------------------------------------------------
def frame(site: Site, title: str, main: str, *, crumb: list[tuple[str, str]] | None = None) -> str:
    p = site.profile
    c = CLASSES[p.classes]
    menu = "".join(
        f'<li><a href="{escape(rel(site, site.category_url(cat)))}">{escape(cat.name)}</a></li>'
        for cat in site.portal.categories
    )
    menu += render_documents.menu_item(site)  # "" unless the portal has a Văn bản section
    crumb_html = ""
    if crumb:
        parts = [f'<a href="{escape(rel(site, site.home_url()))}">Trang chủ</a>']
        parts += [f'<a href="{escape(rel(site, u))}">{escape(n)}</a>' for n, u in crumb]
        crumb_html = f'<div class="{c["crumb"]}">{" › ".join(parts)}</div>'
    latest = "".join(
        f'<li><a href="{escape(rel(site, _latest_link(site, a)))}">{t(a, a.title)}</a></li>'
        for a in site.portal.latest(5)
    )
    counter = (
        f'<div class="{c["counter"]}"><div class="title">Thống kê truy cập</div>'
        "<ul><li>Đang online: <span>1</span></li><li>Hôm nay: <span>1</span></li>"
        "<li>Trong tuần: <span>1</span></li><li>Trong tháng: <span>1</span></li>"
        "<li>Tất cả: <span>1</span></li></ul></div>"
    )
    links = (
        '<select onchange="window.open(this.value)"><option>Liên kết website</option>'
        '<option value="https://laocai.gov.vn">Cổng TTĐT tỉnh Lào Cai</option>'
        '<option value="https://chinhphu.vn">Cổng TTĐT Chính phủ</option></select>'
    )
    body = f"""<div class="{c["header"]}">
<div class="banner"><img src="/Portals/0/banner.png" alt="banner"><span class="unit">{escape(p.unit)}</span></div>
<div class="top-links"><a href="{escape(rel(site, site.login_url()))}">Đăng nhập</a> {links}</div>
<ul class="{c["menu"]}"><li><a href="/">Trang chủ</a></li>{menu}</ul>
</div>
<div class="container">
<div class="{c["main"]}">{crumb_html}{main}</div>
<div class="{c["side"]}"><div class="{c["latest"]}"><div class="title">Tin mới nhất</div><ul>{latest}</ul></div>
{counter}</div>
</div>
<div class="{c["footer"]}"><p>Cơ quan chủ quản: {escape(p.unit)}</p>
<p>Địa chỉ: Số 1 đường Hoàng Liên, {escape(p.site_name)}. Điện thoại: 0214.3840.888</p>
<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p><p>Designed by VNPT</p></div>"""
    if p.skin == "old":
        action = escape(rel(site, site.home_url()))
        body = (
            f'<form name="aspnetForm" method="post" action="{action}" id="aspnetForm">'
            '<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk">'
            f"{body}</form>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - {escape(p.site_name)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/Portals/_default/skin.css">'
        "<script>var _gaq = _gaq || []; window.vnportal = {};</script>"
        f"</head><body>{body}</body></html>"
    )


def _latest_link(site: Site, art: Article) -> str:
    # The old skin's sidebar links articles in the Default.aspx form; a second address, same article.
    return site.article_alt_url(art) if site.profile.skin == "old" else site.article_url(art)


# pages --------------------------------------------------------------------------------------------
def home_page(site: Site) -> str:
    blocks = []
    for cat in site.portal.categories:
        items = "".join(_list_item(site, a) for a in site.portal.by_category(cat)[:3])
        blocks.append(
            f'<div class="box-home"><h2><a href="{escape(rel(site, site.category_url(cat)))}">'
            f"{escape(cat.name)}</a></h2>{_list_wrap(site, items)}</div>"
        )
    gone = escape(rel(site, site.removed_url()))
    blocks.append(f'<div class="box-home"><a href="{gone}">Thông báo tuyển dụng năm 2022</a></div>')
    calendar = escape(rel(site, site.calendar_url()))
    blocks.append(f'<div class="box-home"><a href="{calendar}">Lịch công tác tuần</a></div>')
    blocks.append(render_documents.home_block(site))  # "" unless it has a Văn bản section
    return frame(site, "Trang chủ", "".join(blocks))


def category_page(site: Site, cat: Category, page: int) -> str | None:
    arts = site.portal.by_category(cat)
    size = site.profile.page_size
    pages = max(1, -(-len(arts) // size))
    if page < 0 or page >= pages:
        return None
    items = "".join(_list_item(site, a) for a in arts[page * size : (page + 1) * size])
    c = CLASSES[site.profile.classes]
    links = []
    for n in range(pages):
        if n == page:
            links.append(f'<span class="current">{n + 1}</span>')
        else:
            links.append(f'<a href="{escape(rel(site, site.category_url(cat, n)))}">{n + 1}</a>')
    if page + 1 < pages:
        nxt = escape(rel(site, site.category_url(cat, page + 1)))
        links.append(f'<a href="{nxt}" class="next">Trang sau ›</a>')
    main = (
        f'<h1 class="cat-title">{escape(cat.name)}</h1>{_list_wrap(site, items)}'
        f'<div class="{c["pager"]}">{" ".join(links)}</div>'
    )
    return frame(site, cat.name, main, crumb=[(cat.name, site.category_url(cat))])


def _list_wrap(site: Site, items: str) -> str:
    if site.profile.skin == "old":
        return f'<ul class="ArticleList">{items}</ul>'
    return f'<div class="{CLASSES[site.profile.classes]["list"]}">{items}</div>'


def _list_item(site: Site, art: Article) -> str:
    href = escape(rel(site, site.article_url(art)))
    thumb = (
        f'<img src="{escape(site.media_url(art.images[0].path))}" alt="{t(art, art.title)}">'
        if art.images
        else ""
    )
    date = art.published.strftime("%d/%m/%Y")
    if site.profile.skin == "old":
        return (
            f'<li><a href="{href}">{thumb}</a><a class="title" href="{href}">{t(art, art.title)}</a>'
            f'<span class="date">({date})</span><p>{t(art, art.lead)}</p></li>'
        )
    return (
        f'<div class="item"><a href="{href}">{thumb}</a><h3><a href="{href}">{t(art, art.title)}</a>'
        f'</h3><span class="date">{date}</span><p class="desc">{t(art, art.lead)}</p></div>'
    )


def article_page(site: Site, art: Article, *, printable: bool = False) -> str:
    if site.profile.family != "vnportal":  # a template family: its own module renders it
        from govarchive.sampleportal import families

        return families.article_page(site, art)
    if site.profile.template in ("html5", "tables", "portlet"):
        renderer = {"html5": render_html5, "tables": render_tables, "portlet": render_portlet}[
            site.profile.template
        ]
        module = renderer.article_module(site, art, t, tb, rel)
        if printable:
            return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{t(art, art.title)}</title></head><body>{module}</body></html>'
        return frame(
            site, art.title, module, crumb=[(art.category.name, site.category_url(art.category))]
        )
    m = art.markup
    c = CLASSES[site.profile.classes]
    title = t(art, art.title)
    title_html = [
        f'<h1 class="title-detail">{title}</h1>',
        f'<h2 class="ArticleTitle">{title}</h2>',
        f'<div class="news-title"><h1>{title}</h1></div>',
    ][m["title"]]
    date_html = [
        f'<div class="date-time">{escape(art.date_text())}</div>',
        f'<span class="ArticleDate">{escape(art.date_text())}</span>',
        f'<p class="post-date"><i class="icon-clock"></i> {escape(art.date_text())}</p>',
    ][(m["title"] + (site.profile.skin == "old")) % 3]
    lead = t(art, art.lead)
    lead_html = ""
    if art.lead:
        lead_html = [
            f'<div class="sapo"><strong>{lead}</strong></div>',
            f'<p class="ArticleSummary"><b>{lead}</b></p>',
            f'<h4 class="summary">{lead}</h4>',
            f'<div class="lead-news"><p><strong>{lead}</strong></p></div>',
        ][m["lead"]]
    tools = (
        f'<div class="{c["tools"]}"><a href="{escape(rel(site, site.print_url(art)))}">In bài</a> '
        f'<a href="mailto:?subject={escape(art.slug)}">Gửi email</a> '
        '<a href="https://www.facebook.com/sharer/sharer.php">Chia sẻ</a></div>'
    )
    audio = ""
    if art.id % 2:
        src = escape(site.media_url(f"/{site.profile.storage_prefix}/audio/{art.id}.mp3"))
        audio = f'<div class="audio-news"><span>Nghe đọc bài viết</span><audio controls src="{src}"></audio></div>'
    body = _body(site, art)
    open_body, close_body = [
        ('<div class="ArticleContent">', "</div>"),
        ('<div class="news-content" id="divNewsContent">', "</div>"),
        ('<div id="ctl00_ContentPlaceHolder1_ctl00_divContent" class="detail">', "</div>"),
        ('<div class="content-detail"><div class="noidung">', "</div></div>"),
    ][m["body"]]
    after = ""
    if art.author and m["author"] == 3:
        after += f'<div class="author">{tb(art, art.author)}</div>'
    if art.attachments and m["attach"] == 2:
        items = "".join(
            f'<li><a href="{escape(site.media_url(a.path))}">{escape(a.filename)}</a></li>'
            for a in art.attachments
        )
        after += f'<div class="attach-file"><b>Tệp đính kèm:</b><ul>{items}</ul></div>'
    related = [a for a in site.portal.by_category(art.category) if a.id != art.id][:3]
    others = [a for a in site.portal.latest(8) if a.id != art.id][:4]
    related_html = "".join(
        f'<li><a href="{escape(rel(site, site.article_url(a)))}">{t(a, a.title)}</a> '
        f"<span>({a.published:%d/%m/%Y})</span></li>"
        for a in related
    )
    others_html = "".join(
        f'<li><a href="{escape(rel(site, site.article_alt_url(a)))}">{t(a, a.title)}</a></li>'
        for a in others
    )
    feedback = (
        '<div class="feedback"><h3>Ý kiến bạn đọc</h3><form class="frm-feedback">'
        '<input type="text" name="name" placeholder="Họ và tên"><textarea name="content"></textarea>'
        '<input type="submit" value="Gửi ý kiến"></form></div>'
    )
    header = (
        f"{date_html}{title_html}" if site.profile.skin == "old" else f"{title_html}{date_html}"
    )
    module = (
        f'<div class="{c["module"]}"><div class="ArticleDetail">{header}{tools}{audio}{lead_html}'
        f"{open_body}{body}{close_body}{after}</div>"
        f'<div class="{c["related"]}"><h3>Tin liên quan</h3><ul>{related_html}</ul></div>'
        f'<div class="{c["other"]}"><div class="title">Các tin khác</div><ul>{others_html}</ul></div>'
        f"{feedback}</div>"
    )
    crumb = [(art.category.name, site.category_url(art.category))]
    if printable:
        return (
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body onload="window.print()">{title_html}{date_html}{lead_html}{open_body}{body}'
            f"{close_body}{after}</body></html>"
        )
    return frame(site, art.title, module, crumb=crumb)


def _body(site: Site, art: Article) -> str:
    m = art.markup
    out: list[str] = []
    spacer = "<p>&nbsp;</p>"
    for i, para in enumerate(art.paragraphs):
        text = tb(art, para)
        out.append(
            [
                f'<p style="text-align: justify;">{text}</p>',
                f"<p>{text}</p>",
                f'<div style="text-align: justify;"><span style="font-size:14px;">{text}</span></div>',
            ][m["para"]]
        )
        if m["spacers"] and i % 2:
            out.append(spacer)
        for img in (im for im in art.images if im.after == i):
            out.append(_image(site, art, img.path, img.alt, img.caption))
    if art.author and m["author"] < 3:
        a = tb(art, art.author)
        out.append(
            [
                f'<p style="text-align: right;"><strong>{a}</strong></p>',
                f'<p align="right"><b>{a}</b></p>',
                f"<p>Tác giả: {a}</p>",
            ][m["author"]]
        )
    if art.attachments and m["attach"] < 2:
        for a in art.attachments:
            href = escape(site.media_url(a.path))
            if m["attach"] == 0:
                out.append(f'<p>Tải về: <a href="{href}">{escape(a.link_text)}</a></p>')
            else:
                out.append(
                    f'<p><a href="{href}"><img src="/images/icons/{a.ext}.png" alt=""> '
                    f"{escape(a.link_text)}.{a.ext}</a></p>"
                )
    return "\n".join(out)


def _image(site: Site, art: Article, path: str, alt: str, caption: str) -> str:
    src = escape(site.media_url(path))
    img = f'<img src="{src}" alt="{escape(alt)}" width="600" height="400" />'
    cap = tb(art, caption)
    style = art.markup["caption"]
    if style == 2:
        row = f'<tr><td class="image_desc"><em>{cap}</em></td></tr>' if caption else ""
        return f'<table class="image" align="center"><tbody><tr><td>{img}</td></tr>{row}</tbody></table>'
    html = f'<p style="text-align: center;">{img}</p>'
    if caption:
        pad = NBSP * 3
        html += [
            f'<p style="text-align: center;"><em>{pad}{cap}{pad}</em></p>',
            f'<p style="text-align:center"><span style="font-style: italic;">{NBSP}{cap}</span></p>',
            "",
            f'<p style="text-align: center;"><i>{NBSP}{cap}{NBSP}</i></p>',
        ][style]
    return html


CALENDAR = [
    ("Thứ Hai 27/11", "7h30: Đồng chí Chủ tịch UBND dự họp giao ban tại Tỉnh ủy.",
     "14h00: Làm việc với Phòng Tài chính - Kế hoạch về dự toán ngân sách năm 2024."),
    ("Thứ Ba 28/11", "8h00: Tiếp công dân định kỳ tại Trụ sở tiếp công dân thành phố.",
     "14h00: Kiểm tra tiến độ xây dựng đường liên thôn tại xã Cam Đường."),
    ("Thứ Tư 29/11", "7h30: Dự hội nghị trực tuyến về chuyển đổi số do tỉnh tổ chức.",
     "14h30: Họp Ban Chỉ đạo xây dựng nông thôn mới thành phố."),
    ("Thứ Năm 30/11", "8h00: Làm việc tại cơ quan, giải quyết công việc thường xuyên.",
     "14h00: Đối thoại với doanh nghiệp về tháo gỡ khó khăn sản xuất."),
    ("Thứ Sáu 01/12", "7h30: Họp thường kỳ Ủy ban nhân dân thành phố tháng 12.",
     "14h00: Tiếp tục họp thường kỳ Ủy ban nhân dân thành phố."),
]  # fmt: skip


def calendar_page(site: Site, week: int = 48) -> str:
    """The weekly work calendar: a title and a table of engagements, not an article."""
    rows = "".join(
        f"<tr><td>{escape(d)}</td><td>{escape(m)}</td><td>{escape(a)}</td></tr>"
        for d, m, a in CALENDAR
    )
    main = (
        f'<div class="lich-cong-tac"><h1 class="title-detail">Lịch công tác tuần {week} năm 2023</h1>'
        '<table class="table table-bordered"><tr><th>Thứ/Ngày</th><th>Sáng</th><th>Chiều</th></tr>'
        f"{rows}</table></div>"
    )
    return frame(site, f"Lịch công tác tuần {week} năm 2023", main)


def empty_article_page(site: Site) -> str:
    """An article whose body was taken down: a title, a date and a placeholder line."""
    others = "".join(
        f'<li><a href="{escape(rel(site, site.article_url(a)))}">{t(a, a.title)}</a></li>'
        for a in site.portal.latest(3)
    )
    main = (
        '<div class="ArticleDetail"><h1 class="title-detail">Thông báo tuyển dụng viên chức năm 2022</h1>'
        '<div class="date-time">Thứ Hai, 05/12/2022 09:00</div><div class="ArticleContent">'
        "<p>Nội dung đang được cập nhật.</p><p>&nbsp;</p></div></div>"
        f'<div class="related-news"><h3>Tin liên quan</h3><ul>{others}</ul></div>'
    )
    return frame(site, "Thông báo tuyển dụng viên chức năm 2022", main)


def not_found_page(site: Site) -> str:
    return frame(
        site, "Không tìm thấy trang", '<div class="error">Trang bạn yêu cầu không tồn tại.</div>'
    )


def robots_txt() -> str:
    return "User-agent: *\nDisallow: /dang-nhap\nDisallow: /admin\n"
