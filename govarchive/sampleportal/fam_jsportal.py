"""The spa family (profile jsportal): a portal rendered in the browser. Every HTML address answers
the same shell (an empty <div id="app">, a script, a <noscript> plea); menus, lists and articles
exist only as JSON under /api/. It has no gold: a crawler should say it renders in the browser."""

from __future__ import annotations

import json
from html import escape

from govarchive.sampleportal.chrome import HTML
from govarchive.sampleportal.content import Article
from govarchive.sampleportal.site import Site

Answer = tuple[int, bytes, str]
JSON = "application/json; charset=utf-8"
APP_JS = """(function () {
  var app = document.getElementById('app');
  function get(url, done) { fetch(url).then(function (r) { return r.json(); }).then(done); }
  var path = location.pathname, m = path.match(/-(\\d+)$/);
  var api = m ? '/api/articles/' + m[1] : (path === '/' ? '/api/home' : '/api/categories' + path);
  get('/api/site', function (site) {
    get(api, function (data) {
      app.innerHTML = '<header>' + site.unit + ' <a href="/dang-nhap">Đăng nhập</a></header>' +
        '<main>' + (data.html || (data.items || []).map(function (a) {
          return '<a href="' + a.url + '">' + a.title + '</a>'; }).join('<br>')) + '</main>' +
        '<aside>Thống kê truy cập: ' + site.visitors + '</aside><footer>Designed by VNPT</footer>';
    });
  });
})();
"""


def route(site: Site, method: str, path: str, query: dict[str, str], form: dict) -> Answer | None:
    if path == "/robots.txt":
        return 200, b"User-agent: *\nDisallow: /api/admin\n", "text/plain; charset=utf-8"
    if path == "/static/app.js":
        return 200, APP_JS.encode(), "application/javascript; charset=utf-8"
    if path == "/static/app.css":
        return 200, b"#app{min-height:100vh}", "text/css"
    if path.startswith("/api/"):
        data = api(site, path[len("/api/") :], query)
        return None if data is None else (200, json.dumps(data, ensure_ascii=False).encode(), JSON)
    return 200, shell(site).encode(), HTML


def shell(site: Site) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(site.profile.site_name)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/app.css">'
        '<script defer src="/static/app.js"></script></head><body>'
        "<noscript>Vui lòng bật JavaScript để xem nội dung trang.</noscript>"
        '<div id="app"></div></body></html>'
    )


def _item(site: Site, art: Article) -> dict[str, object]:
    return {
        "id": art.id,
        "title": art.title,
        "url": site.article_url(art)[len(site.base) :],
        "date": art.published_iso(),
        "summary": art.lead,
    }


def api(site: Site, what: str, query: dict[str, str]) -> object | None:
    portal = site.portal
    if what == "site":
        return {"name": site.profile.site_name, "unit": site.profile.unit, "visitors": 1285066}
    if what == "menu":
        return [{"name": c.name, "url": f"/{c.slug}"} for c in portal.menu_categories]
    if what == "home":
        return {"items": [_item(site, a) for a in portal.latest_listed(10)]}
    if what.startswith("categories/"):
        cat = next((c for c in portal.categories if c.slug == what.split("/", 1)[1]), None)
        if cat is None:
            return None
        raw = query.get("page", "1")
        page = int(raw) - 1 if raw.isdigit() else 0
        size = site.profile.page_size
        arts = portal.listed(cat)
        return {
            "items": [_item(site, a) for a in arts[page * size : (page + 1) * size]],
            "page": page + 1,
            "pages": max(1, -(-len(arts) // size)),
        }
    if what.startswith("articles/") and what.split("/", 1)[1].isdigit():
        art = portal.by_id.get(int(what.split("/", 1)[1]))
        if art is None or art.id in portal.removed:
            return None
        paras = "".join(f"<p>{escape(p)}</p>" for p in art.paragraphs)
        return {
            **_item(site, art),
            "author": art.author,
            "html": f"<h1>{escape(art.title)}</h1>{paras}",
        }
    return None
