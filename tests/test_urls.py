from urllib.parse import urljoin

import pytest

from crawler.urls import (
    article_key,
    canonicalize,
    host_of,
    is_followable,
    is_query_form,
    resolve_link,
)


def test_canonicalize_drops_tracking_print_and_fragment():
    url = "HTTP://Portal.GOV.vn:80/tin-tuc/bai-1-680867?utm_source=zalo&fbclid=x&print=1&a=2#top"
    assert canonicalize(url) == "http://portal.gov.vn/tin-tuc/bai-1-680867?a=2"
    assert canonicalize("https://p.vn") == "https://p.vn/"


def test_article_key_in_every_form():
    assert article_key("https://p.vn/luat--phap-lenh/luat-so-27-2023-qh15-1282238") == "1282238"
    assert article_key("https://p.vn/1262/28610/101/43110/tin-hoat-dong/nang-cao") == "43110"
    aspx = "https://p.vn/Default.aspx?sname=huyenbacha&sid=1262&pageid=28610&catid=101&id=43110"
    assert article_key(aspx) == "43110"
    assert is_query_form(aspx)
    assert article_key("https://p.vn/Default.aspx?sname=huyenbacha&sid=1262&pageid=28621") is None
    assert article_key("https://p.vn/tin-tuc-su-kien") is None
    assert article_key("https://p.vn/") is None


def test_followable():
    assert is_followable("https://p.vn/tin-tuc")
    assert not is_followable("https://p.vn/dang-nhap")
    assert not is_followable("https://p.vn/Default.aspx?sname=a&sid=1&pageid=1&ctl=login")
    assert not is_followable("https://p.vn/files/qd.pdf")
    assert not is_followable("https://p.vn/anh.JPG")
    assert not is_followable("ftp://p.vn/")


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("http://p.gov.vn:80/a/b?x=1", "/tin?utm_source=z&b=2#f", "http://p.gov.vn/tin?b=2"),
        ("http://p.gov.vn/a/b?x=1", "c.html", "http://p.gov.vn/a/c.html"),
        ("http://p.gov.vn/a/b?x=1", "?page=2", "http://p.gov.vn/a/b?page=2"),
        ("http://q.gov.vn/a/", "/tin", "http://q.gov.vn/tin"),  # same href, other origin
        ("http://p.gov.vn/a/", "//q.gov.vn/x", "http://q.gov.vn/x"),
        ("http://p.gov.vn/a/", "HTTP://P.GOV.VN/x", "http://p.gov.vn/x"),
    ],
)
def test_resolve_link_matches_joining_and_canonicalizing(base, href, expected):
    """The cached resolution gives what urljoin + canonicalize give, whatever the base."""
    link = resolve_link(base, href)
    assert link is not None
    assert link.url == expected == canonicalize(urljoin(base, href))
    assert link.host == host_of(expected)
    assert link.followable == is_followable(expected)


def test_resolve_link_skips_fragments_and_script_links():
    for href in ("", "#top", "javascript:void(0)", "mailto:a@b.vn", "tel:0123"):
        assert resolve_link("http://p.gov.vn/", href) is None
    link = resolve_link("http://p.gov.vn/", "/tin-tuc/bai-viet-12345")
    assert link is not None and link.article_key == "12345"
    assert not resolve_link("http://p.gov.vn/", "/files/a.pdf").followable
