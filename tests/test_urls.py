from crawler.urls import article_key, canonicalize, is_followable, is_query_form


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
