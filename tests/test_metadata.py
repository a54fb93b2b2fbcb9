"""Author and section from what a page declares (crawler/extract/metadata.py), when its text does
not say them: markup many CMSs write whatever their skin. Pages written for the test from the
standards (schema.org, Open Graph, HTML rel values, ARIA), not from any sample family."""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article

TITLE = "Hội nghị tổng kết công tác xây dựng nông thôn mới năm 2023"
BODY = "".join(
    f"<p>Đoạn {n}: sáng nay Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm với sự "
    "tham dự của lãnh đạo các phòng, ban và các xã, thị trấn trên địa bàn.</p>"
    for n in range(3)
)


def page(head: str = "", before: str = "", after: str = "", body: str = BODY) -> str:
    return (
        f"<html><head><title>{TITLE} - Cổng thông tin điện tử huyện</title>{head}</head><body>"
        "<div class='top'><a href='/'>Trang chủ</a> <a href='/dang-nhap'>Đăng nhập</a></div>"
        f"<div class='main'>{before}<h1>{TITLE}</h1><div class='time'>05/02/2024 08:00</div>"
        f"<div class='noi-dung'>{body}</div>{after}</div>"
        "<div class='chan'><p>Designed by VNPT</p></div></body></html>"
    )


def ld(data: dict) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"


@pytest.mark.parametrize(
    ("html", "category"),
    [
        (page(head="<meta property='article:section' content='Kinh tế'>"), "Kinh tế"),
        (
            page(before="<nav aria-label='breadcrumb'><ol><li><a href='/'>Trang chủ</a></li>"
                 "<li><a href='/kinh-te'>Kinh tế</a></li></ol></nav>"),
            "Kinh tế",
        ),
        (
            page(before="<ol itemscope itemtype='https://schema.org/BreadcrumbList'>"
                 "<li itemprop='itemListElement'><a href='/'>Trang chủ</a></li>"
                 "<li itemprop='itemListElement'><a href='/xa-hoi'>Xã hội</a></li></ol>"),
            "Xã hội",
        ),
        (
            page(after="<footer><span class='cat'><a href='/chuyen-muc/nong-nghiep' "
                 "rel='category tag'>Nông nghiệp</a></span></footer>"),
            "Nông nghiệp",
        ),
        (page(head=ld({"@type": "NewsArticle", "articleSection": "Văn hóa"})), "Văn hóa"),
        (
            page(head=ld({"@type": "BreadcrumbList", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Trang chủ"},
                {"@type": "ListItem", "position": 2, "name": "Giáo dục"}]})),
            "Giáo dục",
        ),
        # A breadcrumb in the text comes first.
        (
            page(head="<meta property='article:section' content='Kinh tế'>",
                 before="<div class='crumb'><a href='/'>Trang chủ</a> › <a href='/y-te'>Y tế</a></div>"),
            "Y tế",
        ),
    ],
    ids=["og-section", "aria-breadcrumb", "microdata-breadcrumb", "rel-category", "ld-section",
         "ld-breadcrumb", "text-crumb-first"],
)  # fmt: skip
def test_the_declared_section_is_the_category(html, category):
    assert extract_article(html, "http://portal.example/a").category == category


@pytest.mark.parametrize(
    ("html", "author"),
    [
        (
            page(after="<p class='meta'><span itemprop='author' itemscope "
                 "itemtype='https://schema.org/Person'><span itemprop='name'>Trần Thị Bình</span>"
                 "</span></p>"),
            "Trần Thị Bình",
        ),
        (page(after="<p class='by'>Viết bởi <a rel='author' href='/tg/an'>Lê An</a></p>"), "Lê An"),
        (
            page(head=ld({"@type": "NewsArticle", "author": {"@type": "Person",
                                                            "name": "Nguyễn Văn Hùng"}})),
            "Nguyễn Văn Hùng",
        ),
        # The portal naming itself as the author is no author.
        (
            page(head="<meta property='og:site_name' content='Cổng thông tin điện tử huyện'>"
                 + ld({"@type": "NewsArticle", "author": "Cổng thông tin điện tử huyện"})),
            "",
        ),
        # A byline in the text comes first.
        (
            page(head=ld({"@type": "NewsArticle", "author": {"name": "Nguyễn Văn Hùng"}}),
                 body=BODY + "<p>Tác giả: Phạm Minh</p>"),
            "Phạm Minh",
        ),
    ],
    ids=["microdata-person", "rel-author", "ld-author", "site-is-not-author", "text-byline-first"],
)  # fmt: skip
def test_the_declared_author_when_the_text_names_none(html, author):
    assert extract_article(html, "http://portal.example/a").author == author


@pytest.mark.parametrize(
    ("html", "published"),
    [
        (page(head="<meta property='article:published_time' content='2024-02-05T01:30:00Z'>")
         .replace("<div class='time'>05/02/2024 08:00</div>", ""), "2024-02-05T08:30:00+07:00"),
        (page(after="<p><time itemprop='datePublished' datetime='2024-02-05T09:15:00+07:00'>"
                    "3 ngày trước</time></p>").replace("<div class='time'>05/02/2024 08:00</div>", ""),
         "2024-02-05T09:15:00+07:00"),
        (page(head=ld({"@type": "NewsArticle", "datePublished": "2024-02-05T10:00:00+07:00"}))
         .replace("<div class='time'>05/02/2024 08:00</div>", ""), "2024-02-05T10:00:00+07:00"),
        (page(before="<time datetime='2024-02-05T11:20'>hôm qua</time>")
         .replace("<div class='time'>05/02/2024 08:00</div>", ""), "2024-02-05T11:20:00+07:00"),
        # A printed date line near the title comes first.
        (page(head="<meta property='article:published_time' content='2020-01-01T00:00:00Z'>"),
         "2024-02-05T08:00:00+07:00"),
    ],
    ids=["og-published-utc", "microdata-time", "ld-date", "time-beside-title", "printed-first"],
)  # fmt: skip
def test_the_declared_publication_time_when_none_is_printed(html, published):
    assert extract_article(html, "http://portal.example/a").published_at == published
