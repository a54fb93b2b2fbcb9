"""Per-site selector overrides: the fix for a portal the general rules get wrong."""

from __future__ import annotations

import pytest

from crawler.extract import NotArticle, extract_article
from crawler.extract.profiles import ProfileError, load_profiles
from tests.conftest import run_cli

# A portal whose <title> is only the site's name, whose headline is a plain div, whose body is
# all in bold, and whose byline hides in a span: the general rules cannot find this article.
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>UBND huyện Mường Khương</title>
</head><body><div class="menu"><a href="/">Trang chủ</a> <a href="/dang-nhap">Đăng nhập</a></div>
<div class="khung"><div class="tieude">Huyện Mường Khương tổng kết năm học 2022 - 2023</div>
<div class="ngay">Cập nhật lúc 08:15 ngày 02/06/2023</div>
<div class="quangcao"><b>Quảng cáo: Đặt mua sách giáo khoa năm học mới tại nhà sách huyện.</b></div>
<div class="noidung"><b>Năm học 2022 - 2023, ngành giáo dục huyện đã hoàn thành tốt các nhiệm vụ đề ra.</b>
<b>Tỷ lệ học sinh tốt nghiệp trung học phổ thông đạt 98,5%, tăng 1,2% so với năm học trước.</b></div>
<span class="nguoiviet">Tác giả: Lò Văn Pao</span></div>
<div class="footer">Designed by VNPT</div></body></html>"""

PROFILES = """
["mk.example"]
title = "div.tieude"
body = "div.noidung"
author = "span.nguoiviet"
date = "div.ngay"
drop = ["div.quangcao"]
"""


def test_general_rules_miss_this_page():
    with pytest.raises(NotArticle):
        extract_article(PAGE, "http://mk.example/tin-tuc/tong-ket-nam-hoc-1234")


def test_profile_extracts_it(tmp_path):
    path = tmp_path / "site-profiles.toml"
    path.write_text(PROFILES, encoding="utf-8")
    profile = load_profiles(path)["mk.example"]
    art = extract_article(PAGE, "http://mk.example/tin-tuc/tong-ket-nam-hoc-1234", profile)
    assert art.title == "Huyện Mường Khương tổng kết năm học 2022 - 2023"
    assert art.author == "Lò Văn Pao"
    assert art.published_at == "2023-06-02T08:15:00+07:00"
    assert art.body.startswith("Năm học 2022 - 2023") and "98,5%" in art.body
    assert "Quảng cáo" not in art.body and "Designed by VNPT" not in art.body


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('["a.example"]\ntitle = "div[["\n', "not valid CSS"),
        ('["a.example"]\nheadline = "h1"\n', "unknown key"),
        ("not = [toml", "not valid TOML"),
    ],
)
def test_bad_profiles_are_refused_clearly(tmp_path, text, complaint):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=complaint):
        load_profiles(path)
    result = run_cli("crawl", "http://127.0.0.1:1/", "--archive", str(tmp_path / "a"),
                     "--site-profiles", str(path))  # fmt: skip
    assert result.returncode == 2
    assert complaint in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "a").exists()
