"""The semantic family (profile hagiang, HELD OUT: never tune the crawler on it). HTML5 <article>
and <header>, the title in <h2> and no <h1>, slug-less article addresses /<cat>/<id>.htm plus a
second one /bai-viet/<id>.htm, rel=canonical and og:url, lists paged /<cat>/page/N with only
"Trang sau" and "»", an Atom feed in the head and a /sitemap.xml that robots.txt does not name
(the only place the oldest articles are listed)."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal import feeds
from govarchive.sampleportal.chrome import (
    HTML,
    counter,
    footer_lines,
    link,
    menu,
    pages_count,
    site_links,
    title_links,
)
from govarchive.sampleportal.content import Article, Category
from govarchive.sampleportal.render import t, tb
from govarchive.sampleportal.site import Site

Answer = tuple[int, bytes, str]
FEED_PATH = "/feed.atom"


def route(site: Site, method: str, path: str, query: dict[str, str], form: dict) -> Answer | None:
    portal = site.portal
    if path == "/robots.txt":
        return 200, feeds.robots().encode(), "text/plain; charset=utf-8"
    if path == "/sitemap.xml":
        entries = [(site.home_url(), None)] + [
            (site.category_url(c), None) for c in portal.categories
        ]
        entries += [
            (site.article_url(a), feeds.lastmod(a)) for a in portal.latest(len(portal.articles))
        ]
        return 200, feeds.urlset(entries).encode(), feeds.XML
    if path == FEED_PATH:
        items = [(a, site.article_url(a)) for a in portal.latest_listed(10)]
        xml = feeds.atom(site, f"{site.base}{FEED_PATH}", items)
        return 200, xml.encode(), "application/atom+xml; charset=utf-8"
    if path == "/":
        return 200, home(site).encode(), HTML
    if path == "/dang-nhap":
        return 200, frame(site, "Đăng nhập", "<form><input name=u></form>").encode(), HTML
    segments = [s for s in path.split("/") if s]
    if len(segments) == 2 and segments[1].endswith(".htm") and segments[1][:-4].isdigit():
        art = portal.by_id.get(int(segments[1][:-4]))
        if art is None or art.id in portal.removed:
            return None
        if segments[0] in ("bai-viet", art.category.slug):
            return 200, article_page(site, art).encode(), HTML
        return None
    cat = next((c for c in portal.categories if segments and c.slug == segments[0]), None)
    if cat is None:
        return None
    if len(segments) == 1:
        page = 0
    elif len(segments) == 3 and segments[1] == "page" and segments[2].isdigit():
        page = int(segments[2]) - 1
    else:
        return None
    html = category_page(site, cat, page)
    return None if html is None else (200, html.encode(), HTML)


def frame(site: Site, title: str, main: str, *, head: str = "") -> str:
    p = site.profile
    latest = title_links(site, site.portal.latest_listed(5))
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} – {escape(p.site_name)}</title>"
        '<meta name="viewport" content="width=device-width">'
        '<link rel="stylesheet" href="/Portals/_default/skin.css">'
        f'<link rel="alternate" type="application/atom+xml" title="Tin mới" href="{FEED_PATH}">'
        f"{head}</head><body>"
        '<header class="hg-masthead"><a class="hg-logo" href="/"><img src="/images/logo-hg.png" alt=""></a>'
        f'<p class="hg-sitename">{escape(p.site_name)}</p>'
        f'<div class="hg-tools">{link(site, site.login_url(), "Đăng nhập")} {site_links()}</div>'
        f'<nav class="hg-primary">{menu(site, "hg-menu")}</nav></header>'
        f'<div class="hg-wrap"><main class="hg-main">{main}</main>'
        f'<aside class="hg-sidebar"><section class="hg-latest"><h3>Tin mới đăng</h3><ul>{latest}</ul>'
        f"</section>{counter('hg-stats', tag='section')}</aside></div>"
        f'<footer class="hg-colophon">{footer_lines(site)}</footer></body></html>'
    )


def _teaser(site: Site, art: Article, url: str) -> str:
    return (
        f'<article class="teaser"><h3>{link(site, url, t(art, art.title))}</h3>'
        f'<time datetime="{art.published_iso()}">{art.published:%d/%m/%Y}</time>'
        f"<p>{t(art, art.lead)}</p></article>"
    )


def home(site: Site) -> str:
    portal = site.portal
    scheme = site.scheme
    featured = "".join(_teaser(site, a, scheme.short_url(a)) for a in portal.latest_listed(4))
    blocks = "".join(
        f'<section class="hg-cat"><h2>{link(site, site.category_url(c), escape(c.name))}</h2>'
        + "".join(_teaser(site, a, site.article_url(a)) for a in portal.listed(c)[:3])
        + "</section>"
        for c in portal.menu_categories
    )
    return frame(
        site,
        "Trang chủ",
        f'<section class="hg-featured"><h2>Tin nổi bật</h2>{featured}</section>{blocks}',
    )


def category_page(site: Site, cat: Category, page: int) -> str | None:
    arts = site.portal.listed(cat)
    size = site.profile.page_size
    pages = pages_count(site, len(arts))
    if not 0 <= page < pages:
        return None
    teasers = "".join(
        _teaser(site, a, site.article_url(a)) for a in arts[page * size : (page + 1) * size]
    )
    nav = []
    if page > 0:
        nav.append(link(site, site.category_url(cat, page - 1), "‹ Trang trước", "prev"))
    nav.append(f'<span class="pages">Trang {page + 1}/{pages}</span>')
    if page + 1 < pages:
        nav.append(link(site, site.category_url(cat, page + 1), "Trang sau", "next"))
        nav.append(link(site, site.category_url(cat, pages - 1), "»", "last"))
    main = (
        f'<header class="archive-header"><h2>{escape(cat.name)}</h2></header>{teasers}'
        f'<nav class="navigation">{" ".join(nav)}</nav>'
    )
    return frame(site, cat.name, main)


def _entry(site: Site, art: Article) -> str:
    m = art.markup
    out: list[str] = []
    for i, para in enumerate(art.paragraphs):
        text = tb(art, para)
        out.append(
            f'<p><span style="font-weight: 400;">{text}</span></p>'
            if m["para"] == 1
            else f"<p>{text}</p>"
        )
        for img in (im for im in art.images if im.after == i):
            src = escape(site.media_url(img.path))
            tag = f'<img decoding="async" src="{src}" alt="{escape(img.alt)}" width="800" height="533">'
            if img.caption:
                out.append(
                    f'<figure class="wp-caption aligncenter">{tag}'
                    f'<figcaption class="wp-caption-text">{tb(art, img.caption)}</figcaption></figure>'
                )
            else:
                out.append(f"<figure>{tag}</figure>")
    if m["spacers"]:
        out.append("<p>&nbsp;</p>")
    return "".join(out)


def article_page(site: Site, art: Article) -> str:
    canonical = escape(site.article_url(art))
    lead = f'<p class="entry-excerpt"><strong>{t(art, art.lead)}</strong></p>' if art.lead else ""
    byline = ""
    if art.author:
        a = tb(art, art.author)
        byline = f"<b>{a}</b>" if art.markup["author"] % 2 else f"Tác giả: <b>{a}</b>"
    files = "".join(
        f'<li><a href="{escape(site.media_url(x.path))}" download>{escape(x.filename)}</a></li>'
        for x in art.attachments
    )
    files = f'<ul class="attachments">{files}</ul>' if files else ""
    related = [a for a in site.portal.listed(art.category) if a.id != art.id][:4]
    main = (
        '<article class="post hentry">'
        f'<header class="entry-header"><h2 class="entry-title">{t(art, art.title)}</h2>'
        f'<div class="entry-meta"><time datetime="{art.published_iso()}">{escape(art.date_text())}</time>'
        f' · <span class="cat-links">{link(site, site.category_url(art.category), escape(art.category.name))}</span>'
        "</div></header>"
        f'{lead}<div class="entry">{_entry(site, art)}</div>'
        f'<footer class="entry-footer"><span class="byline">{byline}</span>{files}'
        '<span class="share">Chia sẻ: <a href="https://www.facebook.com/sharer/sharer.php">Facebook</a></span>'
        "</footer></article>"
        f'<aside class="related"><h3>Tin cùng chuyên mục</h3><ul>{title_links(site, related)}</ul></aside>'
    )
    head = (
        f'<link rel="canonical" href="{canonical}">'
        f'<meta property="og:url" content="{canonical}"><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{t(art, art.title)}">'
    )
    return frame(site, art.title, main, head=head)
