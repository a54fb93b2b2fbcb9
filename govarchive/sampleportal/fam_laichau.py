"""The ck5 family (profile laichau): a newer responsive skin. Articles /<cat>/<slug>-<id>.html with
CKEditor 5 bodies (ck5.py), lists /<cat>.html paged by ?page=N with numbers and "Xem tiếp »",
an RSS feed in every page's head that also names a category no menu or list links."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal import ck5, feeds
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
from govarchive.sampleportal.render import rel, t
from govarchive.sampleportal.site import Site

FEED_PATH = "/rss/tin-moi.rss"
Answer = tuple[int, bytes, str]


def route(site: Site, method: str, path: str, query: dict[str, str], form: dict) -> Answer | None:
    portal = site.portal
    if path == "/robots.txt":
        return 200, feeds.robots().encode(), "text/plain; charset=utf-8"
    if path == FEED_PATH:
        return 200, feed(site).encode(), "application/rss+xml; charset=utf-8"
    if path == "/":
        return 200, home(site).encode(), HTML
    if path == "/dang-nhap":
        return (
            200,
            frame(site, "Đăng nhập", '<form class="lc-login"><input name=u></form>').encode(),
            HTML,
        )
    segments = [s for s in path.split("/") if s]
    if len(segments) == 1 and segments[0].endswith(".html"):
        slug = segments[0][: -len(".html")]
        cat = next((c for c in portal.categories if c.slug == slug), None)
        raw = query.get("page", "1")
        if cat is not None and raw.isdigit():
            page = category_page(site, cat, int(raw) - 1)
            return None if page is None else (200, page.encode(), HTML)
        return None
    if len(segments) == 2 and segments[1].endswith(".html") and "-" in segments[1]:
        tail = segments[1][: -len(".html")].rsplit("-", 1)[1]
        art = portal.by_id.get(int(tail)) if tail.isdigit() else None
        if art and art.id not in portal.removed and art.category.slug == segments[0]:
            return 200, article_page(site, art).encode(), HTML
    return None


def frame(site: Site, title: str, main: str, *, head: str = "") -> str:
    p = site.profile
    latest = title_links(site, site.portal.latest_listed(5))
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} | {escape(p.site_name)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/Portals/_default/skin.css">'
        f'<link rel="alternate" type="application/rss+xml" title="Tin mới" href="{FEED_PATH}">'
        f"{head}</head><body>"
        '<header class="lc-header"><div class="lc-topbar">'
        f"{link(site, site.login_url(), 'Đăng nhập')} {site_links()}</div>"
        '<div class="lc-brand"><a href="/"><img src="/images/logo-lc.png" alt="logo"></a>'
        f'<div class="lc-unit">{escape(p.unit)}</div></div>'
        f'<nav class="lc-nav">{menu(site, "lc-menu")}</nav></header>'
        f'<main class="lc-main"><section class="lc-content">{main}</section>'
        '<aside class="lc-aside"><div class="lc-widget lc-newest"><h3>Tin mới</h3>'
        f"<ul>{latest}</ul></div>{counter('lc-widget lc-counter')}</aside></main>"
        f'<footer class="lc-footer">{footer_lines(site)}</footer></body></html>'
    )


def _card(site: Site, art: Article) -> str:
    href = escape(rel(site, site.article_url(art)))
    thumb = ""
    if art.images:
        thumb = f'<img class="lc-thumb" src="{escape(site.media_url(art.images[0].path))}" alt="">'
    return (
        f'<div class="lc-card"><a href="{href}">{thumb}</a>'
        f'<h3 class="lc-card-title"><a href="{href}">{t(art, art.title)}</a></h3>'
        f'<p class="lc-card-date">{art.published:%d/%m/%Y}</p></div>'
    )


def home(site: Site) -> str:
    blocks = "".join(
        f'<section class="lc-block"><h2>{link(site, site.category_url(c), escape(c.name))}</h2>'
        + "".join(_card(site, a) for a in site.portal.listed(c)[:3])
        + "</section>"
        for c in site.portal.menu_categories
    )
    return frame(site, "Trang chủ", blocks)


def _arts(site: Site, cat: Category) -> list[Article]:
    """A menu category lists its link-reachable articles; a feed-only one (opened from a
    feed article's breadcrumb) lists its own."""
    if cat in site.portal.menu_categories:
        return site.portal.listed(cat)
    return site.portal.by_category(cat)


def category_page(site: Site, cat: Category, page: int) -> str | None:
    arts = _arts(site, cat)
    size = site.profile.page_size
    pages = pages_count(site, len(arts))
    if not 0 <= page < pages:
        return None
    cards = "".join(_card(site, a) for a in arts[page * size : (page + 1) * size])
    nums = [
        f'<span class="active">{n + 1}</span>'
        if n == page
        else link(site, site.category_url(cat, n), str(n + 1))
        for n in range(pages)
    ]
    if page + 1 < pages:
        nums.append(link(site, site.category_url(cat, page + 1), "Xem tiếp »", "lc-more"))
    main = (
        f'<div class="lc-crumb"><a href="/">Trang chủ</a> / {escape(cat.name)}</div>'
        f'<h1 class="lc-cat-title">{escape(cat.name)}</h1><div class="lc-list">{cards}</div>'
        f'<nav class="lc-paging">{" ".join(nums)}</nav>'
    )
    return frame(site, cat.name, main)


def article_page(site: Site, art: Article) -> str:
    portal = site.portal
    related = [a for a in _arts(site, art.category) if a.id != art.id][:4]
    others = [a for a in portal.latest_listed(9) if a.id != art.id][:5]
    lead = (
        f'<div class="lc-sapo"><p><strong>{t(art, art.lead)}</strong></p></div>' if art.lead else ""
    )
    canonical = escape(site.article_url(art))
    main = (
        f'<div class="lc-crumb"><a href="/">Trang chủ</a> / '
        f"{link(site, site.category_url(art.category), escape(art.category.name))}</div>"
        f'<article class="lc-article"><h1 class="lc-title">{t(art, art.title)}</h1>'
        f'<div class="lc-meta"><span class="lc-date">{escape(art.date_text())}</span> '
        f'<span class="lc-views">Lượt xem: {art.id % 991 + 40}</span> '
        '<a href="javascript:window.print()">In bài</a> '
        '<a href="https://www.facebook.com/sharer/sharer.php">Chia sẻ</a></div>'
        f'{lead}<div class="ck-content">{ck5.body(site, art)}</div></article>'
        f'<div class="lc-related"><h3>Tin liên quan</h3><ul>{title_links(site, related)}</ul></div>'
        f'<div class="lc-others"><h3>Các tin khác</h3><ul>{title_links(site, others)}</ul></div>'
        '<div class="lc-comment"><h3>Ý kiến bạn đọc</h3><form><input name="ten" placeholder="Họ tên">'
        "<textarea name=noidung></textarea><button>Gửi ý kiến</button></form></div>"
    )
    head = (
        f'<link rel="canonical" href="{canonical}"><meta property="og:url" content="{canonical}">'
    )
    return frame(site, art.title, main, head=head)


def feed_articles(site: Site) -> list[Article]:
    """What the feed names: the newest articles and every feed-only one, newest first."""
    portal = site.portal
    chosen = {a.id: a for a in portal.latest_listed(8)}
    chosen.update({a.id: a for a in portal.articles if portal.how_found(a) == "feed"})
    return sorted(chosen.values(), key=lambda a: (a.published, a.id), reverse=True)


def feed(site: Site) -> str:
    scheme = site.scheme
    items = [(a, scheme.feed_link(a)) for a in feed_articles(site)]
    return feeds.rss(site, f"{site.profile.site_name} - Tin mới", f"{site.base}{FEED_PATH}", items)
