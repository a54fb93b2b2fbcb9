"""Portal chrome the template families share in substance but not in markup: the visitor
counter, login link, site-links dropdown and footer, each under the family's own class names."""

from __future__ import annotations

from html import escape

from govarchive.sampleportal.content import Article
from govarchive.sampleportal.render import rel, t
from govarchive.sampleportal.site import Site

HTML = "text/html; charset=utf-8"


def counter(cls: str, *, tag: str = "div") -> str:
    rows = [("Đang online", 3), ("Hôm nay", 127), ("Trong tuần", 1043), ("Trong tháng", 4410)]
    rows.append(("Tất cả", 1_285_066))
    items = "".join(f"<li>{name}: <b>{n}</b></li>" for name, n in rows)
    return f'<{tag} class="{cls}"><h3>Thống kê truy cập</h3><ul>{items}</ul></{tag}>'


def site_links() -> str:
    return (
        '<select class="lk-web" onchange="window.open(this.value)"><option>Liên kết website</option>'
        '<option value="https://chinhphu.vn">Cổng TTĐT Chính phủ</option>'
        '<option value="https://dichvucong.gov.vn">Cổng Dịch vụ công quốc gia</option></select>'
    )


def footer_lines(site: Site) -> str:
    p = site.profile
    return (
        f"<p>Cơ quan chủ quản: {escape(p.unit)}</p>"
        f"<p>Địa chỉ: Trụ sở {escape(p.unit.title())}. Điện thoại: 0215.3825.123</p>"
        "<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p>"
        "<p>Designed by VNPT</p>"
    )


def link(site: Site, url: str, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(rel(site, url))}"{attr}>{text}</a>'


def title_links(site: Site, arts: list[Article], url=None) -> str:
    """<li> links to articles, by their canonical address unless `url` picks another."""
    url = url or site.article_url
    return "".join(f"<li>{link(site, url(a), t(a, a.title))}</li>" for a in arts)


def menu(site: Site, cls: str) -> str:
    items = "".join(
        f"<li>{link(site, site.category_url(c), escape(c.name))}</li>"
        for c in site.portal.menu_categories
    )
    return f'<ul class="{cls}"><li><a href="/">Trang chủ</a></li>{items}</ul>'


def pages_count(site: Site, n_items: int) -> int:
    return max(1, -(-n_items // site.profile.page_size))
