"""The extractor on every tested sample-portal article (rendered directly) and on non-articles."""

from __future__ import annotations

import pytest

from crawler.extract import NotArticle, extract_article
from crawler.extract.dates import parse_vn_datetime
from govarchive.sampleportal import render
from govarchive.sampleportal.content import build_portal
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.site import Site
from tests.conftest import TESTED_PROFILES

SITES = [
    Site(build_portal(p), "http://portal.test", "http://storage.test") for p in TESTED_PROFILES
]
CASES = [(site, art) for site in SITES for art in site.portal.articles]


@pytest.mark.parametrize(("site", "art"), CASES, ids=[f"{s.profile.key}-{a.id}" for s, a in CASES])
def test_article_fields_match_gold(site, art):
    gold = next(g for g in gold_articles(site) if g["key"] == str(art.id))
    got = extract_article(render.article_page(site, art), gold["url"])
    assert got.title == gold["title"]
    assert got.summary == gold["summary"]
    assert got.body == gold["body"]
    assert got.author == gold["author"]
    assert got.published_at == gold["published_at"]
    assert got.category == gold["category"]
    assert got.text_flags == gold["text_flags"]
    assert [(i["src"], i["caption"]) for i in got.images] == [
        (i["src"], i["caption"]) for i in gold["images"]
    ]
    assert sorted(a["url"] for a in got.attachments) == sorted(
        a["url"] for a in gold["attachments"]
    )


def test_print_view_extracts_the_same_article():
    site = SITES[0]
    art = site.portal.articles[2]
    page = extract_article(render.article_page(site, art), site.article_url(art))
    printed = extract_article(render.article_page(site, art, printable=True), site.print_url(art))
    assert (printed.title, printed.body) == (page.title, page.body)


@pytest.mark.parametrize("which", ["home", "category", "not_found", "blank"])
def test_non_articles_yield_nothing(which):
    site = SITES[0]
    html = {
        "home": lambda: render.home_page(site),
        "category": lambda: render.category_page(site, site.portal.categories[0], 0),
        "not_found": lambda: render.not_found_page(site),
        "blank": lambda: "",
    }[which]()
    with pytest.raises(NotArticle):
        extract_article(html, "http://portal.test/x/y-123")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thứ Tư, 28/06/2023 15:30", "2023-06-28T15:30:00+07:00"),
        ("Ngày đăng: 28/06/2023 15:30", "2023-06-28T15:30:00+07:00"),
        ("28/6/2023", "2023-06-28T00:00:00+07:00"),
        ("15:30 28/06/2023", "2023-06-28T15:30:00+07:00"),
        ("Cập nhật: 01/12/2024 08:05", "2024-12-01T08:05:00+07:00"),
        ("không có ngày", None),
        ("31/02/2023", None),
        ("Ngày 28 tháng 6 năm 2023", "2023-06-28T00:00:00+07:00"),
        ("28 tháng 06, 2023 - 15h30", "2023-06-28T15:30:00+07:00"),
        ("15h30 ngày 28 tháng 6 năm 2023", "2023-06-28T15:30:00+07:00"),
        ("2023-06-28 15:30", "2023-06-28T15:30:00+07:00"),
        ("Đăng lúc 2023-06-28", "2023-06-28T00:00:00+07:00"),
        ("Thứ Tư, 28/06/2023, 15:30 (GMT+7)", "2023-06-28T15:30:00+07:00"),
        ("Nghị quyết số 35/2023/NQ-HĐND", None),
    ],
)
def test_vietnamese_dates(text, iso):
    assert parse_vn_datetime(text) == iso
