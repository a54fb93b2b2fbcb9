"""The sample portal's template families (issue 13) serve what their gold promises: URL forms,
pagers (numbered, next-link, postback-only), sitemaps and feeds that name articles no link does,
CKEditor 5 bodies, a browser-rendered shell. Checked over plain HTTP, in-process, in seconds."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from govarchive.sampleportal.content import DEFAULT_PROFILES, HELD_OUT_PROFILES, build_portal
from govarchive.sampleportal.gold import article_key, gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.server import SampleServers
from govarchive.sampleportal.site import Site

FAMILIES = ("laichau", "dienbien", "hagiang", "jsportal", "caobang")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
PAGER = "ctl00$ContentPlaceHolder1$pager"


@pytest.fixture(scope="module")
def sites():
    with SampleServers(profiles=FAMILIES) as servers:
        yield {s.profile.key: s for s in servers.sites}


def fetch(url: str, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def page(url: str, form: dict[str, str] | None = None) -> str:
    status, _, body = fetch(url, form)
    assert status == 200, url
    return body.decode("utf-8")


def hrefs(base: str, html: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"]*)"', html):
        href = href.replace("&amp;", "&")
        if not href.startswith(("javascript:", "mailto:", "#")):
            out.append(urllib.parse.urljoin(base, href))
    return out


def hidden_inputs(html: str) -> dict[str, str]:
    return {
        n: v.replace("&amp;", "&")
        for n, v in re.findall(
            r'<input type="hidden" name="([^"]+)" id="[^"]+" value="([^"]*)"', html
        )
    }


def postback(url: str, html: str, arg: str) -> str:
    form = {**hidden_inputs(html), "__EVENTTARGET": PAGER, "__EVENTARGUMENT": arg}
    action = re.search(r'<form name="aspnetForm" method="post" action="([^"]+)"', html)
    assert action is not None
    return page(urllib.parse.urljoin(url, action.group(1).replace("&amp;", "&")), form)


def reachable(site: Site, *, postbacks: bool = False) -> set[str]:
    """Same-host pages reachable by following links from the home page (and, with `postbacks`,
    by posting back every pager a list page shows), fragments and tracking parameters dropped."""
    seen: set[str] = set()
    todo = [site.home_url()]
    skip = re.compile(
        r"\.(jpg|png|gif|css|js|pdf|docx?|xlsx|mp3|woff|rss|atom|xml)$|dang-?nhap", re.I
    )
    while todo and len(seen) < 400:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        status, ctype, body = fetch(url)
        if status != 200 or not ctype.startswith("text/html"):
            continue
        html = body.decode("utf-8")
        found = hrefs(url, html)
        if postbacks:
            for arg in sorted(set(re.findall(r"Page\$(\d+)'", html))):
                found += hrefs(url, postback(url, html, f"Page${arg}"))
        for link in found:
            parts = urllib.parse.urlsplit(link)
            if parts.netloc == urllib.parse.urlsplit(site.base).netloc and not skip.search(
                parts.path
            ):
                query = "&".join(
                    q for q in parts.query.split("&") if q and not q.startswith("utm_")
                )
                todo.append(urllib.parse.urlunsplit(parts._replace(query=query, fragment="")))
    return seen


def golds(site: Site, discovery: str | None = None) -> list[dict]:
    return [g for g in gold_articles(site) if discovery in (None, g["discovery"])]


# gold --------------------------------------------------------------------------------------------
def test_gold_counts_keys_and_discovery(sites):
    counts = {k: Counter(g["discovery"] for g in gold_articles(s)) for k, s in sites.items()}
    assert counts == {
        "laichau": Counter(links=19, feed=3),
        "dienbien": Counter(links=21, sitemap=3),
        "hagiang": Counter(links=16, sitemap=3),
        "jsportal": Counter(),
        "caobang": Counter(links=13, feed=3, sitemap=2),
    }
    for key in ("laichau", "dienbien"):
        for g in gold_articles(sites[key]):
            assert g["key"] == g["url"].rsplit("-", 1)[-1].removesuffix(".html").split("=")[-1]
            assert g["key"].isdigit()
    for g in gold_articles(sites["hagiang"]):
        assert g["key"] == g["url"] and re.search(r"/[a-z-]+/\d+\.htm$", g["url"])
    assert "hagiang" in HELD_OUT_PROFILES and "hagiang" not in DEFAULT_PROFILES


def test_classic_gold_keys_are_the_ids():
    for key in DEFAULT_PROFILES:
        site = Site(build_portal(key), "http://p.test", "http://s.test")
        for g in gold_articles(site):
            assert g["discovery"] == "links"
            assert g["key"] == article_key(g["url"]) == article_key(g["alt_urls"][0])


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://h/tin-tuc/ten-bai-680867", "680867"),
        ("http://h/tin-tuc/ten-bai-680867.html", "680867"),
        ("http://h/tin-tuc/ten-bai-680867.aspx", "680867"),
        ("http://h/Default.aspx?sname=a&sid=1&pageid=2&id=43110", "43110"),
        ("http://h/1262/28621/101/43110/tin/ten-bai", "43110"),
        ("http://h/Pages/ChiTietTin.aspx?ItemID=51200", "51200"),
        ("http://h/tin.aspx?NewsId=7&x=1", "7"),
        ("http://h/tin-tuc/88412.htm", "http://h/tin-tuc/88412.htm"),
        ("http://h/Pages/ChiTietTin.aspx?ItemID=abc", "http://h/Pages/ChiTietTin.aspx?ItemID=abc"),
    ],
)
def test_article_key_rule(url, key):
    assert article_key(url) == key


# laichau: CKEditor 5, ?page=N, RSS ------------------------------------------------------------------
def test_laichau_articles_lists_and_pager(sites):
    site = sites["laichau"]
    for g in golds(site):
        html = page(g["url"])
        assert f'<link rel="canonical" href="{g["url"]}">' in html
        assert re.search(r"<h1 class=\"lc-title\">[^<]+</h1>", html)
        assert page(g["alt_urls"][0]) == html
    cat = site.portal.menu_categories[0]
    first = page(site.category_url(cat))
    assert site.category_url(cat) == f"{site.base}/{cat.slug}.html"
    assert f'href="/{cat.slug}.html?page=2">2</a>' in first
    assert f'href="/{cat.slug}.html?page=2" class="lc-more">Xem tiếp »</a>' in first
    second = page(f"{site.base}/{cat.slug}.html?page=2")
    assert f'href="/{cat.slug}.html">1</a>' in second
    assert fetch(f"{site.base}/{cat.slug}.html?page=9")[0] == 404
    feed_only = {g["url"] for g in golds(site, "feed")}
    assert reachable(site) & {g["url"] for g in golds(site)} == {
        g["url"] for g in golds(site, "links")
    }
    assert not feed_only & reachable(site)


def test_laichau_rss_names_the_feed_only_articles(sites):
    site = sites["laichau"]
    home = page(site.home_url())
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss">'
        in home
    )
    status, ctype, body = fetch(f"{site.base}/rss/tin-moi.rss")
    assert status == 200 and ctype.startswith("application/rss+xml")
    channel = ET.fromstring(body).find("channel")
    links = [
        urllib.parse.urlsplit(i.findtext("link"))._replace(query="").geturl()
        for i in channel.iter("item")
    ]
    assert {g["url"] for g in golds(site, "feed")} <= set(links)
    assert all(i.findtext("pubDate") for i in channel.iter("item"))


def test_laichau_bodies_are_ckeditor5(sites):
    site = sites["laichau"]
    gold = {g["url"]: g for g in golds(site)}
    html = {url: page(url) for url in gold}
    every = "".join(html.values())
    for needle in (
        "<p>&nbsp;</p>",
        "<p><br>&nbsp;</p>",
        '<figure class="image image-style-align-center"><img',
        "<figcaption>",
        '<figure class="table"><table><tbody><tr><td><figure class="image"><img',
        "<p><i>&nbsp; &nbsp; &nbsp;",
        '<p style="text-align:center;">',
        "<p>Ảnh: ",
        '<div class="lc-sapo"><p><strong>',
    ):
        assert needle in every, needle
    assert re.search(r"<p>[^<]{20,}<br><img [^>]+><br>&nbsp;</p>", every)
    report = [g for g in gold.values() if len(g["images"]) >= 12]
    assert report and html[report[0]["url"]].count('<figure class="table">') >= 12
    tables = [g for g in gold.values() if " | " in g["body"]]
    assert len(tables) == 1 and "<thead>" in html[tables[0]["url"]]
    assert "STT | Đơn vị | Hồ sơ tiếp nhận | Giải quyết đúng hạn" in tables[0]["body"].split("\n\n")
    assert any(i["caption"].startswith("Ảnh: ") for g in gold.values() for i in g["images"])
    assert all(
        "&nbsp;" not in i["caption"] and "\xa0" not in i["caption"]
        for g in gold.values()
        for i in g["images"]
    )


# dienbien: WebForms, postback pager, sitemap index with gz child -------------------------------------
def test_dienbien_article_pages_have_no_h1(sites):
    site = sites["dienbien"]
    for g in golds(site):
        html = page(g["url"])
        assert "<h1" not in html.lower()
        assert re.search(
            r'<span id="ctl00_ContentPlaceHolder1_ctl00_lblTitle"[^>]*font-weight:bold', html
        )
        assert page(g["alt_urls"][0]).count(g["title"][:20]) >= 1
    first = golds(site)[5]["url"]
    assert (
        fetch(first.replace("/Pages/ChiTietTin.aspx?ItemID=", "/pages/chitiettin.aspx?itemid="))[0]
        == 200
    )
    assert 'href="/Pages/ChiTietTin.aspx?CatID=' in page(site.home_url())  # the sidebar's form


def test_dienbien_pager_answers_only_postbacks(sites):
    site = sites["dienbien"]
    cat = site.portal.menu_categories[0]
    url = site.category_url(cat)
    first = page(url)
    assert '<form name="aspnetForm" method="post" action="./DanhSachTin.aspx?CatID=' in first
    assert {"__VIEWSTATE", "__EVENTVALIDATION", "__EVENTTARGET", "__EVENTARGUMENT"} <= set(
        hidden_inputs(first)
    )
    assert f"javascript:__doPostBack('{PAGER}','Page$2')\">2</a>" in first
    assert "Page$Next')\">Trang sau</a>" in first and "Page$Last')\">»</a>" in first
    ids = lambda html: re.findall(r'class="TieuDeTin" href="ChiTietTin.aspx\?ItemID=(\d+)"', html)  # noqa: E731
    listed = [str(a.id) for a in site.portal.listed(cat)]
    assert ids(first) == listed[:3]
    assert (
        ids(page(url + "&page=2")) == ids(page(url + "&PageIndex=1")) == listed[:3]
    )  # GET: page 1
    second = postback(url, first, "Page$2")
    assert ids(second) == listed[3:6]
    assert ids(postback(url, second, "Page$Next")) == listed[6:9]
    assert ids(postback(url, first, "Page$Last")) == listed[6:9]
    assert fetch(url, {"__EVENTTARGET": PAGER, "__EVENTARGUMENT": "Page$2"})[0] == 500
    linked = {g["url"] for g in golds(site, "links")}
    assert linked - reachable(site)  # some articles only behind postbacks
    assert reachable(site, postbacks=True) & {g["url"] for g in golds(site)} == linked


def test_dienbien_sitemaps(sites):
    site = sites["dienbien"]
    robots = page(f"{site.base}/robots.txt")
    assert f"Sitemap: {site.base}/sitemap_index.xml" in robots.splitlines()
    index = ET.fromstring(fetch(f"{site.base}/sitemap_index.xml")[2])
    locs = [e.text for e in index.iter(f"{SM}loc")]
    assert locs == [f"{site.base}/sitemaps/tin-tuc-1.xml.gz", f"{site.base}/sitemaps/trang.xml"]
    status, ctype, raw = fetch(locs[0])
    assert status == 200 and ctype in ("application/x-gzip", "application/gzip")
    urls = ET.fromstring(gzip.decompress(raw))
    listed = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urls.iter(f"{SM}url")}
    assert set(listed) == {g["url"] for g in golds(site)} and all(listed.values())
    pages = [e.text for e in ET.fromstring(fetch(locs[1])[2]).iter(f"{SM}loc")]
    assert site.home_url() in pages
    sitemap_only = {g["url"] for g in golds(site, "sitemap")}
    assert len(sitemap_only) == 3 and not sitemap_only & reachable(site, postbacks=True)


# hagiang (held out: only the server's contract is checked here) -------------------------------------
def test_hagiang_addresses_pager_and_discovery(sites):
    site = sites["hagiang"]
    for g in golds(site):
        html = page(g["url"])
        assert f'<link rel="canonical" href="{g["url"]}">' in html
        assert f'<meta property="og:url" content="{g["url"]}">' in html
        assert "<h1" not in html and "<article" in html and '<h2 class="entry-title">' in html
        assert page(g["alt_urls"][0]) == html and g["alt_urls"][0].endswith(
            f"/bai-viet/{g['url'].rsplit('/', 1)[1]}"
        )
    cat = site.portal.menu_categories[0]
    first = page(site.category_url(cat))
    assert (
        f'href="/{cat.slug}/page/2" class="next">Trang sau</a>' in first
        and 'class="last">»</a>' in first
    )
    assert fetch(f"{site.base}/{cat.slug}/page/9")[0] == 404
    assert "Sitemap" not in page(f"{site.base}/robots.txt")
    in_map = {e.text for e in ET.fromstring(fetch(f"{site.base}/sitemap.xml")[2]).iter(f"{SM}loc")}
    assert {g["url"] for g in golds(site)} <= in_map
    assert 'type="application/atom+xml"' in page(site.home_url())
    feed = ET.fromstring(fetch(f"{site.base}/feed.atom")[2])
    assert len(feed.findall(f"{ATOM}entry")) == 10
    seen = reachable(site)
    assert {g["url"] for g in golds(site, "links")} <= seen
    assert not {g["url"] for g in golds(site, "sitemap")} & seen
    assert any("/bai-viet/" in u for u in seen)


# caobang (held out: only the server's contract is checked here) -------------------------------------
def nfc_page(url: str) -> str:
    return unicodedata.normalize("NFC", page(url))


def test_caobang_addresses_and_keys(sites):
    site = sites["caobang"]
    gold = golds(site)
    assert len(gold) == 18 and len({g["key"] for g in gold}) == 18
    assert "caobang" in HELD_OUT_PROFILES and "caobang" not in DEFAULT_PROFILES
    for g in gold:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(g["url"]).query))
        assert g["key"] == query["id"] == article_key(g["url"]) and g["key"].isdigit()
        assert urllib.parse.urlsplit(g["url"]).path == "/index.php"
        assert len(g["alt_urls"]) == 2
        for url in [g["url"], *g["alt_urls"]]:
            assert g["title"] in nfc_page(url), url
        assert g["category"] in nfc_page(g["url"])
    first = gold[4]
    assert (
        fetch(first["url"].replace(f"id={first['key']}", f"id={first['key']}:bai-viet"))[0] == 200
    )
    assert fetch(first["url"].replace(f"id={first['key']}", "id=99999"))[0] == 404
    assert fetch(f"{site.base}/index.php/khong-co/{first['key']}-bai-viet")[0] == 404
    assert fetch(f"{site.base}/khong-co-trang-nay")[0] == 404
    assert site.profile.page_size == site.scheme.LIMIT


def test_caobang_pager(sites):
    site = sites["caobang"]
    ids = lambda html: re.findall(r"view=article&amp;id=(\d+)&amp;", html)  # noqa: E731
    for cat in site.portal.menu_categories:
        listed = [str(a.id) for a in site.portal.listed(cat)]
        seen: list[str] = []
        url = site.category_url(cat)
        for n in range(-(-len(listed) // 5)):
            html = page(site.category_url(cat, n))
            for i in dict.fromkeys(ids(html)):
                if int(i) in site.portal.by_id and i not in seen:
                    seen.append(i)
            if n + 1 < -(-len(listed) // 5):
                assert f"limitstart={(n + 1) * 5}" in html
        assert seen == listed
        assert fetch(f"{url}&limitstart=500")[0] == 404
        assert "limitstart" not in url


def test_caobang_discovery(sites):
    site = sites["caobang"]
    robots = page(f"{site.base}/robots.txt")
    maps = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")]
    assert len(maps) == 1
    status, ctype, raw = fetch(maps[0])
    assert status == 200 and "xml" in ctype
    in_map = {e.text for e in ET.fromstring(raw).iter(f"{SM}loc")}
    everything = {g["url"] for g in golds(site)}
    feed_only = {g["url"] for g in golds(site, "feed")}
    sitemap_only = {g["url"] for g in golds(site, "sitemap")}
    assert len(feed_only) == 3 and len(sitemap_only) == 2
    assert everything - feed_only <= in_map and not feed_only & in_map
    home = page(site.home_url())
    feeds = re.findall(r'<link href="([^"]+)" rel="alternate" type="application/rss\+xml"', home)
    assert feeds
    status, ctype, raw = fetch(urllib.parse.urljoin(site.base, feeds[0].replace("&amp;", "&")))
    assert status == 200 and ctype.startswith("application/rss+xml")
    named = {i.findtext("link") for i in ET.fromstring(raw).iter("item")}
    by_key = {g["key"]: g for g in golds(site)}
    named_keys = {link.rsplit("/", 1)[1].split("-", 1)[0] for link in named}
    assert {g["key"] for g in golds(site, "feed")} <= named_keys
    assert not {g["key"] for g in golds(site, "sitemap")} & named_keys
    for link in named:  # the feed links each article's second address
        assert link in by_key[link.rsplit("/", 1)[1].split("-", 1)[0]]["alt_urls"]
    seen = reachable(site)
    assert everything & seen == {g["url"] for g in golds(site, "links")}
    seen_keys = {article_key(u) for u in seen} | {
        u.rsplit("/", 1)[1].split("-", 1)[0] for u in seen if "/index.php/" in u
    }
    assert not {g["key"] for g in golds(site) if g["discovery"] != "links"} & seen_keys


# jsportal ------------------------------------------------------------------------------------------
def test_jsportal_serves_only_shells(sites):
    site = sites["jsportal"]
    art = site.portal.articles[3]
    shells = {
        page(u) for u in (site.home_url(), site.category_url(art.category), site.article_url(art))
    }
    assert len(shells) == 1
    shell = shells.pop()
    assert '<div id="app"></div>' in shell and "<noscript>Vui lòng bật JavaScript" in shell
    assert '<script defer src="/static/app.js">' in shell and "<a " not in shell
    assert art.title not in shell
    data = json.loads(fetch(f"{site.base}/api/articles/{art.id}")[2])
    assert data["title"] == art.title
    assert fetch(f"{site.base}/static/app.js")[0] == 200
    assert gold_articles(site) == []


def test_cli_serves_the_families():
    with SamplePortalProcess(("laichau", "jsportal")) as proc:
        assert "lc-article" not in page(proc.url("laichau")) and "lc-nav" in page(
            proc.url("laichau")
        )
        assert '<div id="app"></div>' in page(proc.url("jsportal"))
