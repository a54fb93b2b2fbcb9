"""The webforms family (profile dienbien): an older ASP.NET WebForms skin laid out in tables, no
<h1> on article pages, articles at /Pages/ChiTietTin.aspx?ItemID=<id>, lists whose further pages
come only by posting the page's form back (__doPostBack), and a robots.txt-named sitemap index
with a gzipped child — the only place the oldest articles are named."""

from __future__ import annotations

import gzip
from html import escape

from govarchive.sampleportal import feeds, webforms
from govarchive.sampleportal.chrome import (
    HTML,
    counter,
    footer_lines,
    link,
    pages_count,
    site_links,
    title_links,
)
from govarchive.sampleportal.content import Article, Category
from govarchive.sampleportal.render import t
from govarchive.sampleportal.site import Site

Answer = tuple[int, bytes, str]
PAGER = "ctl00$ContentPlaceHolder1$pager"
GZ_SITEMAP = "/sitemaps/tin-tuc-1.xml.gz"
PLAIN_SITEMAP = "/sitemaps/trang.xml"


def route(site: Site, method: str, path: str, query: dict[str, str], form: dict) -> Answer | None:
    """IIS paths are case-insensitive; a POST is a postback of the page's own form."""
    portal = site.portal
    lower = path.lower()
    if lower == "/robots.txt":
        text = feeds.robots(f"Sitemap: {site.base}/sitemap_index.xml")
        return 200, text.encode(), "text/plain; charset=utf-8"
    if lower == "/sitemap_index.xml":
        locs = [f"{site.base}{GZ_SITEMAP}", f"{site.base}{PLAIN_SITEMAP}"]
        newest = feeds.lastmod(portal.latest(1)[0])
        return 200, feeds.sitemap_index(locs, newest).encode(), feeds.XML
    if lower == GZ_SITEMAP:
        entries = [
            (site.article_url(a), feeds.lastmod(a)) for a in portal.latest(len(portal.articles))
        ]
        xml = feeds.urlset(entries).encode()
        return 200, gzip.compress(xml, mtime=0), "application/x-gzip"
    if lower == PLAIN_SITEMAP:
        pages = [site.home_url(), f"{site.base}/Pages/GioiThieu.aspx"]
        pages += [site.category_url(c) for c in portal.menu_categories]
        return 200, feeds.urlset([(u, None) for u in pages]).encode(), feeds.XML
    if lower in ("/", "/default.aspx"):
        return 200, home(site).encode(), HTML
    if lower == "/pages/danhsachtin.aspx":
        cat = next((c for c in portal.categories if str(c.catid) == query.get("catid")), None)
        if cat is None:
            return None
        if method != "POST":
            return 200, category_page(site, cat, 0).encode(), HTML
        page = webforms.postback_page(form, cat.catid, pages_count(site, len(portal.listed(cat))))
        if page is None:
            return 500, error_page(site).encode(), HTML
        return 200, category_page(site, cat, page).encode(), HTML
    if lower == "/pages/chitiettin.aspx":
        raw = query.get("itemid", "")
        art = portal.by_id.get(int(raw)) if raw.isdigit() else None
        if art is None or art.id in portal.removed:
            return None
        return 200, article_page(site, art, query).encode(), HTML
    if lower == "/pages/gioithieu.aspx":
        main = '<table class="tblGioiThieu"><tr><td><b>Giới thiệu chung</b></td></tr>'
        main += f"<tr><td>{escape(site.profile.site_name)} cung cấp thông tin chính thống.</td></tr></table>"
        return 200, frame(site, "Giới thiệu", main, "./GioiThieu.aspx").encode(), HTML
    if lower == "/pages/dangnhap.aspx":
        main = '<table><tr><td>Tên đăng nhập</td><td><input name="ctl00$txtUser"></td></tr></table>'
        return 200, frame(site, "Đăng nhập", main, "./DangNhap.aspx").encode(), HTML
    return None


def frame(site: Site, title: str, main: str, action: str, state: str = "") -> str:
    """The whole page sits inside the WebForms form, hidden state fields first."""
    p = site.profile
    left = "".join(
        f'<tr><td class="MenuTrai">{link(site, site.category_url(c), escape(c.name))}</td></tr>'
        for c in site.portal.menu_categories
    )
    menu = "".join(
        f'<td class="MenuNgang">{link(site, site.category_url(c), escape(c.name))}</td>'
        for c in site.portal.menu_categories
    )
    latest = title_links(site, site.portal.latest_listed(5), url=site.scheme.sidebar_url)
    page = (
        '<table class="tblMain" width="1000" align="center" cellpadding="0" cellspacing="0">'
        '<tr><td colspan="3" class="Banner"><img src="/images/banner_db.jpg" alt="">'
        f'<span class="TenDonVi">{escape(p.unit)}</span></td></tr>'
        f'<tr><td colspan="3"><table class="tblMenu"><tr><td class="MenuNgang"><a href="/Default.aspx">'
        f"Trang chủ</a></td>{menu}</tr></table></td></tr>"
        '<tr><td class="CotTrai" width="200" valign="top"><table width="100%">'
        f'<tr><td class="TieuDeKhoi">Chuyên mục</td></tr>{left}'
        f"<tr><td>{link(site, site.login_url(), 'Đăng nhập')}</td></tr>"
        f"<tr><td>{site_links()}</td></tr></table></td>"
        f'<td class="CotGiua" valign="top">{main}</td>'
        '<td class="CotPhai" width="220" valign="top"><table width="100%">'
        f'<tr><td class="TieuDeKhoi">Tin mới nhất</td></tr><tr><td><ul class="TinMoi">{latest}</ul>'
        f"</td></tr><tr><td>{counter('ThongKe', tag='div')}</td></tr></table></td></tr>"
        f'<tr><td colspan="3" class="ChanTrang">{footer_lines(site)}</td></tr></table>'
    )
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=utf-8" />'
        f"<title>{escape(title)} - {escape(p.site_name)}</title>"
        '<link href="/Portals/_default/skin.css" rel="stylesheet" type="text/css" /></head><body>'
        + webforms.form(action, state or webforms.state(0, 0), page)
        + "</body></html>"
    )


def _list_row(site: Site, art: Article) -> str:
    href = escape(f"ChiTietTin.aspx?ItemID={art.id}")  # relative to /Pages/
    thumb = ""
    if art.images:
        thumb = f'<img src="{escape(site.media_url(art.images[0].path))}" width="120" border="0" />'
    return (
        f'<tr><td width="130" valign="top"><a href="{href}">{thumb}</a></td><td valign="top">'
        f'<a class="TieuDeTin" href="{href}">{t(art, art.title)}</a> '
        f'<span class="NgayDang">({art.published:%d/%m/%Y})</span><br />{t(art, art.lead)}</td></tr>'
    )


def home(site: Site) -> str:
    blocks = ""
    for c in site.portal.menu_categories:
        items = "".join(_list_row(site, a) for a in site.portal.listed(c)[:3])
        items = items.replace('href="ChiTietTin.aspx', 'href="/Pages/ChiTietTin.aspx')
        blocks += (
            f'<table class="KhoiTin" width="100%"><tr><td colspan="2" class="TieuDeKhoi">'
            f"{link(site, site.category_url(c), escape(c.name))}</td></tr>{items}</table>"
        )
    return frame(site, "Trang chủ", blocks, "./Default.aspx")


def category_page(site: Site, cat: Category, page: int) -> str:
    arts = site.portal.listed(cat)
    size = site.profile.page_size
    pages = pages_count(site, len(arts))
    rows = "".join(_list_row(site, a) for a in arts[page * size : (page + 1) * size])
    main = (
        f'<table class="DanhSachTin" width="100%"><tr><td colspan="2" class="TieuDeKhoi">'
        f"{escape(cat.name)}</td></tr>{rows}"
        f'<tr class="Pager"><td colspan="2">{webforms.pager(PAGER, page, pages)}</td></tr></table>'
    )
    action = f"./DanhSachTin.aspx?CatID={cat.catid}"
    return frame(site, cat.name, main, action, webforms.state(cat.catid, page))


def error_page(site: Site) -> str:
    return (
        "<html><head><title>Validation of viewstate MAC failed.</title></head><body>"
        "<h2><i>Validation of viewstate MAC failed.</i></h2></body></html>"
    )


def not_found(site: Site) -> str:
    return frame(
        site, "Lỗi", "<table><tr><td>Không tìm thấy tin bài.</td></tr></table>", "./Default.aspx"
    )


def article_page(site: Site, art: Article, query: dict[str, str]) -> str:
    prefix = "ctl00_ContentPlaceHolder1_ctl00_"
    m = art.markup
    lead = ""
    if art.lead:
        lead = f'<tr><td><span id="{prefix}lblSummary" style="font-weight:bold;">{t(art, art.lead)}</span></td></tr>'
    others = [
        a for a in site.portal.listed(art.category)[: site.profile.page_size] if a.id != art.id
    ]
    cat = art.category
    crumb = (  # WebForms portals name the article's section above it, as "Trang chủ » section"
        f'<tr><td class="DuongDan"><a href="/Default.aspx">Trang chủ</a> » '
        f'<a href="/Pages/DanhSachTin.aspx?CatID={cat.catid}">{escape(cat.name)}</a></td></tr>'
    )
    main = (
        '<table class="tblChiTiet" width="100%" cellpadding="4">'
        f"{crumb}"
        f'<tr><td class="ChiTiet_TieuDe"><span id="{prefix}lblTitle" class="TieuDe" '
        f'style="font-weight:bold;font-size:13pt;">{t(art, art.title)}</span></td></tr>'
        f'<tr><td class="ChiTiet_Ngay"><span id="{prefix}lblDate">{escape(art.date_text())}</span></td></tr>'
        f"{lead}"
        f'<tr><td class="ChiTiet_NoiDung"><div id="{prefix}divNoiDung">{webforms.body(site, art, m)}</div></td></tr>'
        '<tr><td><a href="javascript:window.print()"><img src="/images/print.gif" border="0" /> In bài viết</a>'
        ' | <a href="javascript:history.back()">Trở về</a></td></tr>'
        f'<tr><td class="CacTinKhac"><b>Các tin đã đưa:</b><ul>{title_links(site, others)}</ul></td></tr>'
        "</table>"
    )
    action = "./ChiTietTin.aspx?" + "&".join(
        f"{k}={v}" for k, v in (("CatID", query.get("catid")), ("ItemID", art.id)) if v
    )
    return frame(site, art.title, main, action)
