"""The joomla family (profile caobang). HELD OUT: it stands for the portals nobody has seen and is
measured blind by bench/heldout.py — never read or tune on this module when working on the crawler.
A district portal on a Joomla-like CMS: query-string addresses on /index.php, a second path form,
an offset pager, feeds and a sitemap of its own."""

from __future__ import annotations

import base64
from datetime import timedelta
from html import escape

from govarchive.sampleportal import feeds
from govarchive.sampleportal.chrome import HTML, footer_lines, link, site_links
from govarchive.sampleportal.content import Article, Category, Image
from govarchive.sampleportal.media import media_bytes
from govarchive.sampleportal.render import rel, t, tb
from govarchive.sampleportal.site import Site

Answer = tuple[int, bytes, str]
XML = "application/xml; charset=utf-8"
SITEMAP_PATH = "/index.php?option=com_osmap&view=xml&id=1"
ABOUT_ID = 2  # the "Giới thiệu" menu item: an article view that is no news article
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
ROBOTS = (
    "User-agent: *\nDisallow: /administrator/\nDisallow: /bin/\nDisallow: /cache/\n"
    "Disallow: /cli/\nDisallow: /components/\nDisallow: /includes/\nDisallow: /installation/\n"
    "Disallow: /language/\nDisallow: /layouts/\nDisallow: /libraries/\nDisallow: /logs/\n"
    "Disallow: /modules/\nDisallow: /plugins/\nDisallow: /tmp/\n"
)
CSS = "body{font-family:Arial,sans-serif}.item-page{padding:8px}.pagination ul{display:inline}\n"


# routing -------------------------------------------------------------------------------------------
def route(site: Site, method: str, path: str, query: dict[str, str], form: dict) -> Answer | None:
    portal = site.portal
    if path == "/robots.txt":
        text = f"{ROBOTS}Sitemap: {site.base}{SITEMAP_PATH}\n"
        return 200, text.encode(), "text/plain; charset=utf-8"
    if path.startswith("/templates/") and path.endswith(".css"):
        return 200, CSS.encode(), "text/css"
    if path.startswith("/index.php/"):
        return _sef(site, path)
    if path not in ("/", "/index.php"):
        return None
    option = query.get("option", "")
    view = query.get("view", "")
    if option in ("", "com_content") and view in ("", "featured"):
        if query.get("format") == "feed":
            return _feed(site, "Tin mới", home_feed_articles(site), query.get("type", "rss"))
        return 200, home(site).encode(), HTML
    if option == "com_osmap" and view == "xml":
        return 200, sitemap(site).encode(), XML
    if option == "com_users":
        main = (
            '<div class="login"><form action="/index.php?option=com_users&amp;task=user.login" '
            'method="post"><fieldset><label>Tên đăng nhập</label><input name="username">'
            '<label>Mật khẩu</label><input type="password" name="password">'
            '<button type="submit">Đăng nhập</button></fieldset></form></div>'
        )
        return 200, frame(site, "Đăng nhập", main).encode(), HTML
    if option == "com_mailto":
        body = (
            '<div id="mailto-window"><h2>Gửi liên kết này cho bạn bè.</h2><form method="post">'
            '<label>Email người nhận</label><input name="mailto"><button>Gửi</button></form></div>'
        )
        return 200, _component(site, "Gửi email", body).encode(), HTML
    if option != "com_content":
        return None
    raw_id = query.get("id", "").split(":", 1)[0]
    if not raw_id.isdigit():
        return None
    if view == "article":
        if int(raw_id) == ABOUT_ID:
            return 200, about_page(site).encode(), HTML
        art = portal.by_id.get(int(raw_id))
        if art is None or art.id in portal.removed:
            return None
        if query.get("tmpl") == "component":
            return 200, print_page(site, art).encode(), HTML
        return 200, article_page(site, art).encode(), HTML
    if view == "category":
        cat = next((c for c in portal.categories if c.catid == int(raw_id)), None)
        if cat is None:
            return None
        if query.get("format") == "feed":
            return _feed(site, cat.name, _arts(site, cat)[:10], query.get("type", "rss"))
        raw = query.get("limitstart", query.get("start", "0"))
        if not raw.isdigit():
            return None
        html = category_page(site, cat, int(raw))
        return None if html is None else (200, html.encode(), HTML)
    return None


def _sef(site: Site, path: str) -> Answer | None:
    segments = [s for s in path.split("/") if s]
    if len(segments) != 3 or "-" not in segments[2]:
        return None
    head = segments[2].split("-", 1)[0]
    art = site.portal.by_id.get(int(head)) if head.isdigit() else None
    if art is None or art.id in site.portal.removed or art.category.slug != segments[1]:
        return None
    return 200, article_page(site, art).encode(), HTML


# chrome --------------------------------------------------------------------------------------------
def _counter() -> str:
    rows = [("Hôm nay", 127), ("Trong tuần", 1043), ("Trong tháng", 4410), ("Tất cả", 1_285_066)]
    trs = "".join(
        f'<tr align="left"><td><img src="/images/icons/vc-{n}.png" alt="" title="{label}"></td>'
        f'<td>{label}</td><td align="right">{v:,}</td></tr>'.replace(",", ".")
        for n, (label, v) in enumerate(rows)
    )
    return (
        '<div class="moduletable visitors"><h3>Thống kê truy cập</h3>'
        f'<div class="vfvvisitorcounter"><table cellpadding="0" cellspacing="0" style="width: 95%;">'
        f'<tbody>{trs}</tbody></table><div class="vfvonline">Đang online: 3</div></div></div>'
    )


def _menu(site: Site) -> str:
    items = "".join(
        f'<li class="item-{site.scheme.itemid(c)}">{link(site, site.category_url(c), escape(c.name))}</li>'
        for c in site.portal.menu_categories
    )
    about = f"/index.php?option=com_content&view=article&id={ABOUT_ID}&Itemid=102"
    return (
        '<ul class="nav menu nav-pills mod-list"><li class="item-101 default">'
        '<a href="/index.php">Trang chủ</a></li>'
        f'<li class="item-102">{link(site, about, "Giới thiệu")}</li>{items}</ul>'
    )


def _crumbs(site: Site, trail: list[tuple[str, str | None]]) -> str:
    items = [("Trang chủ", "/index.php"), *trail]
    lis = []
    for pos, (name, url) in enumerate(items, 1):
        inner = (
            f'<a itemprop="item" href="{escape(rel(site, url))}" class="pathway">'
            f'<span itemprop="name">{name}</span></a>'
            if url
            else f'<span itemprop="name">{name}</span>'
        )
        divider = '<span class="divider"> / </span>' if pos < len(items) else ""
        lis.append(
            '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
            f'{inner}{divider}<meta itemprop="position" content="{pos}"></li>'
        )
    return (
        '<ul itemscope itemtype="https://schema.org/BreadcrumbList" class="breadcrumb">'
        f'<li class="active">Bạn đang ở: &#160;</li>{"".join(lis)}</ul>'
    )


def frame(
    site: Site,
    title: str,
    main: str,
    *,
    head: str = "",
    trail: list[tuple[str, str | None]] | None = None,
    description: str = "",
) -> str:
    p = site.profile
    latest = "".join(
        f"<li>{link(site, site.scheme.sef_url(a), t(a, a.title))}</li>"
        for a in site.portal.latest_listed(5)
    )
    login = (
        '<div class="moduletable"><h3>Đăng nhập</h3><form action="/index.php" method="post" '
        'id="login-form"><input name="username" placeholder="Tên đăng nhập">'
        '<input type="password" name="password" placeholder="Mật khẩu">'
        '<button type="submit" name="Submit">Đăng nhập</button>'
        f"{link(site, site.login_url(), 'Quên mật khẩu?')}</form></div>"
    )
    desc = description or f"{p.site_name} - tỉnh Cao Bằng"
    crumbs = _crumbs(site, trail) if trail is not None else ""
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi-vn" lang="vi-vn"><head>'
        '<meta http-equiv="content-type" content="text/html; charset=utf-8" />'
        f'<meta name="description" content="{escape(desc)}" />'
        '<meta name="generator" content="Joomla! - Open Source Content Management" />'
        f"<title>{escape(title)}</title>{head}"
        '<link href="/templates/trungkhanh/css/template.css" rel="stylesheet" type="text/css" />'
        '<script src="/media/jui/js/jquery.min.js" type="text/javascript"></script>'
        '</head><body class="site com_content">'
        '<div class="body"><div class="container"><header class="header" role="banner">'
        '<div class="header-inner clearfix"><a class="brand pull-left" href="/index.php">'
        '<img src="/images/logo-trungkhanh.png" alt="" />'
        f'<span class="site-title" title="{escape(p.site_name)}">{escape(p.site_name)}</span></a>'
        f'<div class="header-search pull-right">{site_links()}'
        '<form action="/index.php" method="post"><input name="searchword" placeholder="Tìm kiếm...">'
        '<input type="hidden" name="option" value="com_search"></form></div></div></header>'
        f'<nav class="navigation" role="navigation">{_menu(site)}</nav>'
        f'<div class="moduletable breadcrumbs">{crumbs}</div>'
        '<div class="row-fluid"><main id="content" role="main" class="span9">'
        f'<div id="system-message-container"></div>{main}</main>'
        '<div id="aside" class="span3"><div class="moduletable latestnews"><h3>Tin mới</h3>'
        f'<ul class="latestnews mod-list">{latest}</ul></div>{login}{_counter()}</div></div>'
        '</div></div><footer class="footer" role="contentinfo"><div class="container">'
        f"{footer_lines(site)}</div></footer></body></html>"
    )


def _component(site: Site, title: str, body: str, head: str = "") -> str:
    """The bare 'component' template: print views and pop-ups."""
    return (
        '<!DOCTYPE html>\n<html lang="vi-vn"><head><meta charset="utf-8" />'
        f'<meta name="robots" content="noindex, nofollow" /><title>{escape(title)}</title>{head}'
        '<link href="/templates/trungkhanh/css/template.css" rel="stylesheet" type="text/css" />'
        f'</head><body class="contentpane modal"><div id="system-message-container"></div>{body}'
        "</body></html>"
    )


# dates ---------------------------------------------------------------------------------------------
def date_text(art: Article) -> str:
    d = art.published
    text = f"{WEEKDAYS[d.weekday()]}, {d.day:02d} Tháng {d.month} {d.year}"
    return text if art.date_style == 2 else f"{text} {d:%H:%M}"


def _modified(art: Article) -> str:
    if art.id % 3:
        return ""
    d = (art.published + timedelta(days=art.id % 5 + 1)).replace(hour=16, minute=45)
    text = f"{WEEKDAYS[d.weekday()]}, {d.day:02d} Tháng {d.month} {d.year} {d:%H:%M}"
    return (
        f'<dd class="modified"><span class="icon-calendar" aria-hidden="true"></span> '
        f'<time datetime="{d:%Y-%m-%dT%H:%M:00+07:00}" itemprop="dateModified">'
        f"Cập nhật lần cuối: {text}</time></dd>"
    )


def _published(art: Article) -> str:
    return (
        '<dd class="published"><span class="icon-calendar" aria-hidden="true"></span> '
        f'<time datetime="{art.published_iso()}" itemprop="datePublished">'
        f"Ngày đăng: {escape(date_text(art))}</time></dd>"
    )


# lists ---------------------------------------------------------------------------------------------
def _arts(site: Site, cat: Category) -> list[Article]:
    if cat in site.portal.menu_categories:
        return site.portal.listed(cat)
    return site.portal.by_category(cat)


def _teaser(site: Site, art: Article, url: str) -> str:
    href = escape(rel(site, url))
    thumb = ""
    if art.images:
        src = escape(site.media_url(art.images[0].path))
        thumb = f'<img src="{src}" alt="" width="160" style="float: left; margin-right: 8px;" />'
    intro = t(art, art.lead) if art.lead else t(art, art.paragraphs[0][:160])
    return (
        '<div class="item" itemprop="blogPost" itemscope itemtype="https://schema.org/BlogPosting">'
        f'<div class="page-header"><h2 itemprop="name"><a href="{href}" itemprop="url">'
        f"{t(art, art.title)}</a></h2></div>"
        f'<dl class="article-info muted">{_published(art)}</dl>'
        f'<p>{thumb}{intro}</p><p class="readmore"><a class="btn" href="{href}" itemprop="url">'
        f"Xem thêm: {t(art, art.title)}</a></p></div>"
    )


def home(site: Site) -> str:
    portal = site.portal
    leading = "".join(_teaser(site, a, site.article_url(a)) for a in portal.latest_listed(4))
    blocks = "".join(
        f'<div class="moduletable category-module"><h3>{link(site, site.category_url(c), escape(c.name))}</h3>'
        '<ul class="category-module mod-list">'
        + "".join(
            f"<li>{link(site, site.article_url(a), t(a, a.title), 'mod-articles-category-title')}"
            f' <span class="mod-articles-category-date">{a.published:%d/%m/%Y}</span></li>'
            for a in portal.listed(c)[:3]
        )
        + "</ul></div>"
        for c in portal.menu_categories
    )
    head = (
        '<link href="/index.php?format=feed&amp;type=rss" rel="alternate" '
        'type="application/rss+xml" title="RSS 2.0" />'
        '<link href="/index.php?format=feed&amp;type=atom" rel="alternate" '
        'type="application/atom+xml" title="Atom 1.0" />'
    )
    main = (
        '<div class="blog-featured" itemscope itemtype="https://schema.org/Blog">'
        f'<div class="items-leading clearfix">{leading}</div></div>{blocks}'
    )
    return frame(site, "Trang chủ", main, head=head)


def category_page(site: Site, cat: Category, start: int) -> str | None:
    arts = _arts(site, cat)
    size = site.scheme.LIMIT
    if not (start == 0 or 0 <= start < len(arts)):
        return None
    pages = max(1, -(-len(arts) // size))
    current = start // size
    items = "".join(_teaser(site, a, site.article_url(a)) for a in arts[start : start + size])

    def li(cls: str, label: str, page: int | None) -> str:
        if page is None:
            return f'<li class="{cls} disabled"><span class="pagenav">{label}</span></li>'
        href = escape(rel(site, site.category_url(cat, page)))
        return (
            f'<li class="{cls}"><a title="{label}" href="{href}" class="pagenav">{label}</a></li>'
        )

    nums = [
        f'<li class="active"><span class="pagenav">{n + 1}</span></li>'
        if n == current
        else li("", str(n + 1), n)
        for n in range(pages)
    ]
    first = current > 0
    last = current + 1 < pages
    pager = (
        f'<div class="pagination"><p class="counter pull-right">Trang {current + 1} / {pages}</p><ul>'
        + li("pagination-start", "Đầu", 0 if first else None)
        + li("pagination-prev", "Trước", current - 1 if first else None)
        + "".join(nums)
        + li("pagination-next", "Tiếp", current + 1 if last else None)
        + li("pagination-end", "Cuối", pages - 1 if last else None)
        + "</ul></div>"
    )
    feed = escape(rel(site, f"{site.category_url(cat)}&format=feed&type=rss"))
    head = f'<link href="{feed}" rel="alternate" type="application/rss+xml" title="RSS 2.0" />'
    main = (
        '<div class="blog" itemscope itemtype="https://schema.org/Blog">'
        f'<h2><span class="subheading-category">{escape(cat.name)}</span></h2>'
        f'<div class="items-leading clearfix">{items}</div>{pager}</div>'
    )
    return frame(site, cat.name, main, head=head, trail=[(escape(cat.name), None)])


# article pages -------------------------------------------------------------------------------------
def _para(art: Article, text: str) -> str:
    m = art.markup["para"]
    if art.legacy:
        font = ".VnTime" if art.legacy == "tcvn3" else "VNI-Times"
        return (
            '<p class="MsoNormal" style="margin-bottom: 6pt; text-align: justify; text-indent: 36pt;">'
            f'<span style="font-family: {font}; font-size: 14pt;">{text}<o:p></o:p></span></p>'
        )
    if m == 1:
        return (
            '<p style="text-align: justify;"><span style="font-family: \'times new roman\', '
            f'times; font-size: 14pt;">{text}</span></p>'
        )
    if m == 2:
        return (
            '<p class="MsoNormal" style="margin-bottom: 6pt; text-align: justify; text-indent: 36pt;">'
            f'<span lang="VI" style="font-size: 14pt;">{text}<o:p></o:p></span></p>'
        )
    return f'<p style="text-align: justify;">{text}</p>'


def _img(site: Site, img: Image) -> str:
    stem = img.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    alt = img.alt or stem
    return (
        f'<img src="{escape(site.media_url(img.path))}" alt="{escape(alt)}" width="600" height="400" '
        'style="display: block; margin-left: auto; margin-right: auto;" />'
    )


def _image(site: Site, art: Article, img: Image) -> str:
    tag = _img(site, img)
    cap = tb(art, img.caption)
    k = art.images.index(img)
    if img.style == "onephoto":
        row = f'<tr><td class="image_desc">{cap}</td></tr>' if img.caption else ""
        return (
            '<table class="image" style="margin-left: auto; margin-right: auto;" align="center">'
            f"<tbody><tr><td>{tag}</td></tr>{row}</tbody></table>"
        )
    if img.style == "figcaption":
        figcap = f"<figcaption>{cap}</figcaption>" if img.caption else ""
        return f'<figure role="group" class="caption pull-center">{tag}{figcap}</figure>'
    out = f'<p style="text-align: center;">{tag}</p>'
    if not img.caption:
        return out
    if img.style == "italic":
        pad = "&nbsp; " * 6 if k % 2 else ""
        return (
            f'{out}<p style="text-align: center;"><span style="font-size: 10pt;"><em>{pad}{cap}'
            "</em></span></p>"
        )
    if img.style == "credit":
        return f'{out}<p style="text-align: right;">{cap}</p>'
    return f'{out}<p style="text-align: center;">{cap}</p>'


def _table(art: Article) -> str:
    head, *rows = art.table_rows
    width = len(head)
    th = "".join(
        f'<td style="text-align: center;"><strong>{tb(art, c)}</strong></td>' for c in head
    )
    trs = []
    for r in rows:
        span = width - len(r) + 1
        cells = [
            f'<td colspan="{span}">{tb(art, r[0])}</td>'
            if span > 1
            else f"<td>{tb(art, r[0])}</td>"
        ]
        cells += [f"<td>{tb(art, c)}</td>" for c in r[1:]]
        trs.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table border="1" cellpadding="5" style="width: 100%; border-collapse: collapse;">'
        f"<tbody><tr>{th}</tr>{''.join(trs)}</tbody></table>"
    )


def _lead(art: Article) -> str:
    if not art.lead:
        return ""
    lead = t(art, art.lead)
    return [
        f'<p style="text-align: justify;"><strong>{lead}</strong></p>',
        f"<p><strong><em>{lead}</em></strong></p>",
        f'<p style="text-align: justify;"><b>{lead}</b></p>',
        f'<p style="text-align: justify;"><strong>{lead}</strong></p>',
    ][art.markup["lead"]]


def _byline(art: Article) -> str:
    """The author where the editor wrote it, closing the body (form 0 is in the info block)."""
    m = art.markup["author"]
    if not art.author or m == 0:
        return ""
    if m == 2:
        label = "Tin, ảnh: " if art.images else "Tin: "
        return f'<p style="text-align: right;"><strong>{tb(art, label + art.author)}</strong></p>'
    tag = "strong" if m == 1 else "b"
    return f'<p style="text-align: right;"><{tag}>{tb(art, art.author)}</{tag}></p>'


def _size(path: str) -> str:
    return f"{max(1, round(len(media_bytes(path)) / 1024))} KB"


def _files_in_body(site: Site, art: Article) -> str:
    m = art.markup["attach"]
    if m == 0:
        return ""
    out = []
    for a in art.attachments:
        href = escape(site.media_url(a.path))
        if m == 1:
            out.append(
                f'<p><img src="/images/icons/{a.ext}.png" alt="" /> '
                f'<a href="{href}" target="_blank">{escape(a.link_text)}</a></p>'
            )
        else:
            out.append(
                f'<p><strong>Tệp đính kèm:</strong> <a href="{href}">{escape(a.link_text)}</a></p>'
            )
    return "".join(out)


def _files_after(site: Site, art: Article) -> str:
    if art.markup["attach"] != 0 or not art.attachments:
        return ""
    lis = "".join(
        f'<li><img src="/images/icons/{a.ext}.png" alt="" /> '
        f'<a href="{escape(site.media_url(a.path))}" target="_blank">{escape(a.filename)}</a> '
        f'<span class="size">({_size(a.path)})</span></li>'
        for a in art.attachments
    )
    return f'<div class="attachments"><h4>Tệp đính kèm</h4><ul>{lis}</ul></div>'


def article_body(site: Site, art: Article) -> str:
    out = [_lead(art)]
    if art.id % 2:
        out.append('<p style="text-align: justify;">&nbsp;</p>')
    for i, para in enumerate(art.paragraphs):
        here = [im for im in art.images if im.after == i]
        inline = [im for im in here if im.style == "inline"]
        if inline:
            out.append(
                f'<p style="text-align: justify;">{tb(art, para)}<br />{_img(site, inline[0])}<br /></p>'
            )
        else:
            out.append(_para(art, tb(art, para)))
        if i == art.table_after:
            out.append(_table(art))
        out += [_image(site, art, im) for im in here if im.style != "inline"]
    if art.markup["spacers"]:
        out.append("<div>&nbsp;</div>")
    out.append(_byline(art))
    out.append(_files_in_body(site, art))
    return "".join(out)


def _item(site: Site, art: Article, *, tools: str) -> str:
    author = ""
    if art.author and art.markup["author"] == 0:
        author = (
            '<dd class="createdby" itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'Viết bởi <span itemprop="name">{t(art, art.author)}</span></dd>'
        )
    cat = art.category
    hits = art.id % 877 + 35
    return (
        '<div class="item-page" itemscope itemtype="https://schema.org/Article">'
        '<meta itemprop="inLanguage" content="vi-VN" />'
        f'<div class="page-header"><h1> {escape(cat.name)} </h1></div>'
        f'<div class="page-header"><h2 itemprop="headline">{t(art, art.title)}</h2></div>{tools}'
        '<dl class="article-info muted"><dt class="article-info-term">Chi tiết</dt>'
        f"{author}"
        f'<dd class="category-name">Chuyên mục: <a href="{escape(rel(site, site.category_url(cat)))}" '
        f'itemprop="genre">{escape(cat.name)}</a></dd>{_published(art)}{_modified(art)}'
        f'<dd class="hits"><meta itemprop="interactionCount" content="UserPageVisits:{hits}" />'
        f"Lượt xem: {hits}</dd></dl>"
        f'<div itemprop="articleBody">{article_body(site, art)}</div>{_files_after(site, art)}'
    )


def _neighbours(site: Site, art: Article) -> str:
    arts = _arts(site, art.category)
    if art not in arts:
        return ""
    i = arts.index(art)
    lis = []
    if i > 0:  # newer
        a = arts[i - 1]
        lis.append(
            f'<li class="previous"><a href="{escape(rel(site, site.article_url(a)))}" rel="prev">'
            '<span class="icon-chevron-left"></span> Trước</a></li>'
        )
    if i + 1 < len(arts):
        a = arts[i + 1]
        lis.append(
            f'<li class="next"><a href="{escape(rel(site, site.article_url(a)))}" rel="next">'
            'Tiếp <span class="icon-chevron-right"></span></a></li>'
        )
    return f'<ul class="pager pagenav">{"".join(lis)}</ul>'


def article_page(site: Site, art: Article) -> str:
    scheme = site.scheme
    mail = base64.urlsafe_b64encode(scheme.sef_url(art).encode()).decode()
    tools = (
        '<div class="icons"><div class="btn-group pull-right"><ul class="dropdown-menu">'
        f'<li class="print-icon"><a href="{escape(rel(site, scheme.print_url(art)))}" rel="nofollow">'
        "In bài</a></li>"
        f'<li class="email-icon"><a href="/index.php?option=com_mailto&amp;tmpl=component&amp;link={mail}" '
        'rel="nofollow">Gửi email</a></li></ul></div></div>'
    )
    related = [a for a in _arts(site, art.category) if a.id != art.id][:4]
    related_html = "".join(
        f"<li>{link(site, site.article_url(a), t(a, a.title))}</li>" for a in related
    )
    main = (
        f"{_item(site, art, tools=tools)}{_neighbours(site, art)}</div>"
        '<div class="moduletable related"><h3>Tin liên quan</h3>'
        f'<ul class="relateditems mod-list">{related_html}</ul></div>'
        '<div id="jc"><h4>Ý kiến bạn đọc</h4><form id="comments-form"><input name="name" '
        'placeholder="Họ tên"><textarea name="comment"></textarea><button>Gửi</button></form></div>'
    )
    canonical = escape(scheme.article_url(art))
    head = f'<link href="{canonical}" rel="canonical" />'
    cat = art.category
    return frame(
        site,
        art.title,
        main,
        head=head,
        trail=[(escape(cat.name), site.category_url(cat)), (t(art, art.title), None)],
        description=art.lead,
    )


def print_page(site: Site, art: Article) -> str:
    tools = (
        '<div id="pop-print" class="btn hidden-print"><a href="#" '
        'onclick="window.print();return false;">In bài</a></div>'
    )
    head = f'<link href="{escape(site.scheme.article_url(art))}" rel="canonical" />'
    return _component(site, art.title, f"{_item(site, art, tools=tools)}</div>", head)


def about_page(site: Site) -> str:
    p = site.profile
    main = (
        '<div class="item-page" itemscope itemtype="https://schema.org/Article">'
        '<div class="page-header"><h2 itemprop="headline">Giới thiệu chung</h2></div>'
        '<div itemprop="articleBody">'
        f'<p style="text-align: justify;">{escape(p.site_name)} là kênh thông tin chính thức của '
        f"{escape(p.unit.title())}, cung cấp thông tin về hoạt động chỉ đạo, điều hành của huyện.</p>"
        '<p style="text-align: justify;">Huyện Trùng Khánh nằm ở phía Đông Bắc tỉnh Cao Bằng, có '
        "đường biên giới dài với nhiều danh lam thắng cảnh nổi tiếng.</p></div></div>"
    )
    return frame(site, "Giới thiệu", main, trail=[("Giới thiệu", None)])


def not_found(site: Site) -> str:
    main = (
        '<div class="error"><h2>404 - Không tìm thấy bài viết</h2>'
        "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị gỡ bỏ.</p>"
        '<p><a href="/index.php">Về trang chủ</a></p></div>'
    )
    return frame(site, "404 - Lỗi: 404", main)


# discovery -----------------------------------------------------------------------------------------
def home_feed_articles(site: Site) -> list[Article]:
    portal = site.portal
    chosen = {a.id: a for a in portal.latest_listed(8)}
    chosen.update({a.id: a for a in portal.articles if portal.how_found(a) == "feed"})
    return sorted(chosen.values(), key=lambda a: (a.published, a.id), reverse=True)


def _feed(site: Site, title: str, arts: list[Article], kind: str) -> Answer:
    items = [(a, site.scheme.sef_url(a)) for a in arts]
    if kind == "atom":
        xml = feeds.atom(site, f"{site.base}/index.php?format=feed&type=atom", items)
        return 200, xml.encode(), "application/atom+xml; charset=utf-8"
    xml = feeds.rss(site, title, f"{site.base}/index.php?format=feed&type=rss", items)
    return 200, xml.encode(), "application/rss+xml; charset=utf-8"


def sitemap(site: Site) -> str:
    portal = site.portal
    entries: list[tuple[str, str | None]] = [(f"{site.base}/index.php", None)]
    entries += [(site.category_url(c), None) for c in portal.menu_categories]
    entries += [
        (site.article_url(a), feeds.lastmod(a))
        for a in portal.latest(len(portal.articles))
        if portal.how_found(a) != "feed"
    ]
    return feeds.urlset(entries)
