"""What a page is, decided from the page (crawler.extract.page_kind, then the extractor): lists of
articles in the shapes CMSs give them, articles beside their related lists, script shells. Pages
here are written for the test from common CMS habits, not copied from any sample family."""

from __future__ import annotations

import pytest

from crawler.extract import NotArticle, extract_article, parse_html
from crawler.extract.page_kind import ARTICLE, LIST, OTHER, declared_canonical, judge_page
from crawler.inspect import css_selector

CHROME = (
    "<div class='site-top'><a href='/'>Trang chủ</a> <a href='/dang-nhap'>Đăng nhập</a></div>"
    "<div class='sidebar'><h3>Tin mới nhất</h3><ul>"
    + "".join(f"<li><a href='/tin/{n}.htm'>Tin mới số {n} về kinh tế xã hội địa phương</a></li>" for n in range(5))
    + "</ul></div>"
    "<div class='ft'><p>Cơ quan chủ quản: Ủy ban nhân dân huyện miền núi phía Bắc</p>"
    "<p>Địa chỉ: số 1 đường Trần Phú, thị trấn, huyện. Điện thoại: 0219.3860.000</p>"
    "<p>Designed by VNPT</p></div>"
)  # fmt: skip
LEAD = (
    "Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm với sự tham dự "
    "của lãnh đạo các phòng, ban và các xã, thị trấn trên địa bàn huyện."
)
TITLES = [
    "Hội nghị tổng kết công tác xây dựng nông thôn mới năm 2023",
    "Khởi công xây dựng đường liên thôn tại xã vùng cao",
    "Tuyên truyền Luật Đất đai sửa đổi đến người dân các xã",
    "Diễn tập khu vực phòng thủ huyện năm 2023 thành công tốt đẹp",
]


def page(title: str, main: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{CHROME[: CHROME.index('<div class=' + chr(39) + 'sidebar')]}"
        f"<main>{main}</main>{CHROME[CHROME.index('<div class=' + chr(39) + 'sidebar') :]}"
        "</body></html>"
    )


def wordpress_list() -> str:
    """HTML5 posts, each an <article> whose class carries its own id, with an excerpt."""
    items = "".join(
        f"<article class='post-{884 + i} post type-post status-publish hentry'>"
        f"<header><h2 class='entry-title'><a href='/tin-tuc/{884 + i}.htm'>{t}</a></h2>"
        f"<time>0{i + 1}/02/2024</time></header><div class='entry-summary'><p>{LEAD}</p></div>"
        "</article>"
        for i, t in enumerate(TITLES)
    )
    pager = "<nav class='pg'><a href='/tin-tuc/page/2'>2</a> <a href='/tin-tuc/page/2'>Trang sau »</a></nav>"
    return page("Tin tức", f"<h2>Tin tức</h2>{items}{pager}")


def lead_after_link_list() -> str:
    """One <li> per article: the title's link, then the lead as loose text after it."""
    items = "".join(
        f"<li><a href='/news.aspx?nid={10 + i}'>{t}</a> (0{i + 1}/02/2024)<br>{LEAD}</li>"
        for i, t in enumerate(TITLES)
    )
    return page("Thông báo", f"<h1>Thông báo</h1><ul class='dsTin'>{items}</ul>")


def table_list() -> str:
    """Rows of a layout table, one article each: thumbnail cell, then title, date and lead."""
    rows = "".join(
        f"<tr><td><img src='/t{i}.jpg'></td><td><a href='/Pages/Tin.aspx?ItemID={i}'>{t}</a> "
        f"<span>(0{i + 1}/02/2024)</span><br>{LEAD}</td></tr>"
        for i, t in enumerate(TITLES)
    )
    return page("Tin hoạt động", f"<table><tr><td colspan=2>Tin hoạt động</td></tr>{rows}</table>")


def one_item_list() -> str:
    """The last page of a category: a single article listed, with its lead."""
    return page(
        "Văn bản",
        f"<h1>Văn bản</h1><div class='list'><div class='item'><h3><a href='/vb/1.htm'>{TITLES[0]}</a>"
        f"</h3><p>{LEAD}</p></div></div><div class='pager'><a href='/vb?page=1'>1</a></div>",
    )


def article(body_paragraphs: int = 3, related: bool = True) -> str:
    body = "".join(
        f"<p>{LEAD} Đoạn thứ {n + 1} của bài viết nêu các kết quả cụ thể đạt được.</p>"
        for n in range(body_paragraphs)
    )
    rel = ""
    if related:
        rel = "<div class='lq'><h3>Tin liên quan</h3><ul>" + "".join(
            f"<li><a href='/tin-tuc/{900 + i}.htm'>{t}</a></li>" for i, t in enumerate(TITLES)
        ) + "</ul></div>"  # fmt: skip
    return page(
        TITLES[0],
        f"<article><h2>{TITLES[0]}</h2><p class='meta'>05/02/2024 08:00</p>"
        f"<div class='entry'>{body}</div></article>{rel}",
        head="<link rel='canonical' href='/tin-tuc/884.htm'>",
    )


def verdict(html: str, url: str = "http://portal.example/x") -> tuple[str, str]:
    """What a crawl makes of the page: the cheap test, then the extractor's last word."""
    doc = parse_html(html)
    first = judge_page(doc)
    if first.kind != ARTICLE:
        return first.kind, first.reason
    try:
        extract_article(doc, url)
    except NotArticle as refusal:
        return (LIST if str(refusal) == "list_page" else OTHER), str(refusal)
    return ARTICLE, "extracted"


@pytest.mark.parametrize(
    "make", [wordpress_list, lead_after_link_list, table_list], ids=lambda f: f.__name__
)
def test_lists_of_articles_are_lists_in_any_markup(make):
    kind, reason = verdict(make())
    assert kind == LIST, reason


def test_the_cheap_test_spares_lists_the_extraction():
    for make in (wordpress_list, table_list):
        assert judge_page(parse_html(make())).kind == LIST, make.__name__


def test_a_one_item_list_page_is_not_stored_as_an_article():
    kind, reason = verdict(one_item_list())
    assert kind != ARTICLE, reason


@pytest.mark.parametrize("paragraphs", [1, 3, 12])
def test_articles_beside_their_related_lists_are_articles(paragraphs):
    assert verdict(article(paragraphs)) == (ARTICLE, "extracted")


def test_a_script_shell_is_said_to_be_one():
    shell = (
        "<html><head><title>Cổng thông tin</title><script src='/app.js'></script></head>"
        "<body><noscript>Vui lòng bật JavaScript</noscript><div id='app'></div></body></html>"
    )
    assert judge_page(parse_html(shell)).reason == "script_rendered"


def test_the_canonical_url_is_the_page_own_address():
    doc = parse_html(article())
    assert declared_canonical(doc, "http://portal.example/bai-viet/884.htm?utm_source=x") == (
        "http://portal.example/tin-tuc/884.htm"
    )


def test_selectors_for_site_profiles_match_one_element():
    doc = parse_html(article())
    entry = doc.xpath("//div[@class='entry']")[0]
    assert css_selector(entry) == "div.entry"
    heading = doc.xpath("//article/h2")[0]
    selector = css_selector(heading)
    from cssselect import GenericTranslator

    assert doc.xpath(GenericTranslator().css_to_xpath(selector)) == [heading]


def short_last_page(items: int, excerpt: str, wrap: str) -> str:
    """The last page of a category: one or two teasers (too few to be seen as a list by their
    number), each a linked heading over an excerpt, then the pager; a section title long enough
    to pass for an article's."""
    posts = "".join(
        f"<{wrap} class='c{i}'><h2><a href='/tin-tuc/{900 + i}.htm'>{TITLES[i]}</a></h2>"
        f"<div class='time'>0{i + 1}/02/2024</div>{excerpt}</{wrap}>"
        for i in range(items)
    )
    pager = "<div class='pg'><a href='/tin-tuc'>‹ Trang trước</a> Trang 3/3</div>"
    return page("Tin tức sự kiện", f"<h1>Tin tức sự kiện</h1><div class='lst'>{posts}</div>{pager}")


@pytest.mark.parametrize("items", [1, 2])
@pytest.mark.parametrize("wrap", ["article", "div", "li"])
@pytest.mark.parametrize(
    "excerpt", [f"<p>{LEAD}</p>", f"<p>{LEAD}</p><p>{LEAD}</p>", f"<div>{LEAD}</div>", LEAD],
    ids=["p", "two_p", "div", "bare"],
)  # fmt: skip
def test_a_short_last_page_of_a_list_is_not_an_article(items, wrap, excerpt):
    html = short_last_page(items, excerpt, wrap)
    kind, reason = verdict(html, "http://portal.example/tin-tuc/page/3")
    assert kind != ARTICLE, reason


def test_an_article_whose_title_links_to_itself_is_an_article():
    html = article().replace(
        f"<h2>{TITLES[0]}</h2>", f"<h2><a href='/tin-tuc/884.htm'>{TITLES[0]}</a></h2>"
    )
    assert verdict(html, "http://portal.example/tin-tuc/884.htm") == (ARTICLE, "extracted")
