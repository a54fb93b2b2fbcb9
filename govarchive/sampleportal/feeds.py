"""Discovery files of the template families: robots.txt, sitemaps (index, gzipped, plain), RSS 2.0
and Atom feeds. Built by hand, as portals' own modules write them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.render import t
from govarchive.sampleportal.site import Site

ICT = timezone(timedelta(hours=7))
XML = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _when(art: Article) -> datetime:
    return art.published.replace(tzinfo=ICT)


def lastmod(art: Article) -> str:
    return _when(art).isoformat()


def robots(*lines: str) -> str:
    return "User-agent: *\nDisallow: /admin\nDisallow: /dang-nhap\n" + "".join(
        f"{line}\n" for line in lines
    )


def urlset(entries: list[tuple[str, str | None]]) -> str:
    """A sitemap: (loc, lastmod or None) per URL."""
    urls = "".join(
        f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
        for loc, mod in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>\n'


def sitemap_index(locs: list[str], modified: str) -> str:
    maps = "".join(
        f"<sitemap><loc>{escape(loc)}</loc><lastmod>{modified}</lastmod></sitemap>" for loc in locs
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">'
        f"{maps}</sitemapindex>\n"
    )


def rss(site: Site, title: str, feed_url: str, items: list[tuple[Article, str]]) -> str:
    """RSS 2.0: (article, link) per item, newest first."""
    body = "".join(
        f"<item><title>{t(a, a.title)}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{a.id}</guid>'
        f"<pubDate>{format_datetime(_when(a))}</pubDate>"
        f"<category>{escape(a.category.name)}</category>"
        f"<description>{t(a, a.lead)}</description></item>"
        for a, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{escape(title)}</title><link>{escape(site.home_url())}</link>"
        f"<description>{escape(site.profile.site_name)}</description><language>vi-VN</language>"
        f'<atom:link href="{escape(feed_url)}" rel="self" type="application/rss+xml"/>'
        f"{body}</channel></rss>\n"
    )


def atom(site: Site, feed_url: str, items: list[tuple[Article, str]]) -> str:
    updated = lastmod(items[0][0]) if items else "2023-01-01T00:00:00+07:00"
    entries = "".join(
        f'<entry><title>{t(a, a.title)}</title><link rel="alternate" href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><updated>{lastmod(a)}</updated>"
        f'<summary type="text">{t(a, a.lead)}</summary></entry>'
        for a, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(site.profile.site_name)}</title>"
        f'<link rel="self" href="{escape(feed_url)}"/><link href="{escape(site.home_url())}"/>'
        f"<id>{escape(site.home_url())}</id><updated>{updated}</updated>{entries}</feed>\n"
    )
