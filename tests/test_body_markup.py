"""Article bodies as editors really write them (shared/vnpt-portals.md): CKEditor figures,
photo tables, images inside text paragraphs, centred and credit captions, data tables, spacers.
Each case is a body inside portal chrome, with the exact body text and images expected."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article

URL = "https://ninhbinh.gov.vn/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2024-1282238"
IMG = "https://storage-vnportal.vnpt.vn/nbh-ubnd/1/anhbai/nam2024"
TITLE = "Hội nghị tổng kết công tác năm 2024"
P1 = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm 2024 với sự tham dự của các sở, ngành."
P2 = "Hội nghị đã thảo luận các giải pháp trọng tâm để thực hiện thắng lợi kế hoạch năm 2025 của tỉnh."
SEO_ALT = "hội nghị tổng kết công tác năm 2024 ninh bình ủy ban nhân dân tỉnh tin tức sự kiện mới nhất hôm nay"


def page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{TITLE} - Cổng thông tin điện tử tỉnh Ninh Bình</title></head><body>
<div class="menu"><a href="/">Trang chủ</a> <a href="/tin-tuc">Tin tức</a> <a href="/login">Đăng nhập</a></div>
<div class="ArticleDetail"><h1 class="title">{TITLE}</h1><div class="date">Thứ Tư, 28/06/2023 15:30</div>
<div class="ArticleContent">{body}</div></div>
<div class="related"><h3>Tin liên quan</h3><ul><li><a href="/a-1">Một tin khác có tiêu đề khá dài ở đây</a></li></ul></div>
<div class="footer">Designed by VNPT <div>Thống kê truy cập</div><div>Đang online: 1</div></div>
</body></html>"""


def img(n: int, alt: str = "anh tin bai") -> str:
    return f'<img src="{IMG}/{n}.jpg" alt="{alt}">'


def photo_table(n: int, caption: str) -> str:
    return (
        f'<figure class="table"><table><tbody><tr><td><figure class="image">{img(n, "")}</figure>'
        f"</td></tr><tr><td>{caption}</td></tr></tbody></table></figure>"
    )


def got(body: str):
    art = extract_article(page(body), URL)
    return art.body, [(i["src"].rsplit("/", 1)[-1], i["caption"]) for i in art.images], art


LONG_CAPTION = (
    "Đồng chí Chủ tịch Ủy ban nhân dân tỉnh trao bằng khen cho các tập thể có thành tích xuất "
    "sắc trong công tác năm 2024; các đơn vị được khen thưởng đã hoàn thành vượt mức các chỉ tiêu "
    "được giao, góp phần quan trọng vào kết quả chung của tỉnh, trong đó nhiều đơn vị dẫn đầu "
    "phong trào thi đua yêu nước, đổi mới phương thức làm việc và cải cách hành chính."
)


def test_photo_report_captions_go_to_their_images_not_the_body():
    tables = "".join(
        photo_table(n, c)
        for n, c in [(1, "Quang cảnh hội nghị"), (2, LONG_CAPTION), (3, "Các đại biểu dự hội nghị")]
    )
    body, images, _ = got(f"<p>{P1}</p>{tables}<p>{P2}</p>")
    assert body == f"{P1}\n\n{P2}"
    assert images == [
        ("1.jpg", "Quang cảnh hội nghị"),
        ("2.jpg", LONG_CAPTION),
        ("3.jpg", "Các đại biểu dự hội nghị"),
    ]


def test_photo_report_of_only_photos_finds_its_short_intro():
    tables = "".join(
        photo_table(n, f"Ảnh {n}: đại biểu tham quan gian trưng bày số {n} của hội chợ")
        for n in range(1, 13)
    )
    body, images, _ = got(f"<p>{P1}</p>{tables}")
    assert body == P1
    assert len(images) == 12 and images[11] == (
        "12.jpg",
        "Ảnh 12: đại biểu tham quan gian trưng bày số 12 của hội chợ",
    )


@pytest.mark.parametrize(
    ("after", "caption"),
    [
        ("<figcaption>Quang cảnh hội nghị</figcaption></figure>", "Quang cảnh hội nghị"),
        ("</figure><p>Ảnh: REUTERS</p>", "Ảnh: REUTERS"),
        (
            "<figcaption>Quang cảnh hội nghị</figcaption></figure><p><em>Ảnh: Minh Anh</em></p>",
            "Quang cảnh hội nghị Ảnh: Minh Anh",
        ),
        ('</figure><p style="text-align: center;">Quang cảnh hội nghị</p>', "Quang cảnh hội nghị"),
        (
            "</figure><p><i>"
            + "&nbsp; " * 30
            + "Đồng chí Chủ tịch UBND tỉnh phát biểu tại</i></p>",
            "Đồng chí Chủ tịch UBND tỉnh phát biểu tại",
        ),
    ],
    ids=["figcaption", "credit", "figcaption_and_credit", "centred", "italic_padded_cut"],
)
def test_ckeditor_figure_captions(after, caption):
    fig = f'<figure class="image image-style-align-center">{img(1, SEO_ALT)}{after}'
    body, images, art = got(f"<p>{P1}</p>{fig}<p>{P2}</p>")
    assert body == f"{P1}\n\n{P2}"
    assert images == [("1.jpg", caption)]
    assert art.images[0]["alt"] == SEO_ALT  # kept as alt, never as text
    assert "anh tin bai" not in art.body and "ninh bình ủy ban" not in art.body


def test_a_centred_heading_that_is_long_or_bold_is_not_a_caption():
    heading = '<p style="text-align:center"><strong>I. KẾT QUẢ ĐẠT ĐƯỢC</strong></p>'
    body, images, _ = got(f"<p>{P1}</p><p>{img(1)}</p>{heading}<p>{P2}</p>")
    assert body == f"{P1}\n\nI. KẾT QUẢ ĐẠT ĐƯỢC\n\n{P2}"
    assert images == [("1.jpg", "")]


def test_images_inside_text_paragraphs_are_recorded_and_the_text_stays():
    body, images, art = got(
        f"<p>{P1}<br>{img(1)}<br>{P2}</p>"
        f"<p>Phát biểu tại hội nghị, đồng chí Chủ tịch nhấn mạnh yêu cầu cải cách.<br>{img(2)}<br>"
        "Ảnh: TTXVN<br>Năm 2025, tỉnh phấn đấu tăng trưởng kinh tế đạt trên 10%.</p>"
    )
    assert body == (
        f"{P1}\n\n{P2}\n\nPhát biểu tại hội nghị, đồng chí Chủ tịch nhấn mạnh yêu cầu cải cách."
        "\n\nNăm 2025, tỉnh phấn đấu tăng trưởng kinh tế đạt trên 10%."
    )
    assert images == [("1.jpg", ""), ("2.jpg", "Ảnh: TTXVN")]
    assert art.body_html.count("<figure>") == 2


def test_an_image_ending_a_text_paragraph_takes_the_italic_line_after_it():
    body, images, _ = got(f"<p>{P1}<br>{img(1)}</p><p><em>Quang cảnh hội nghị</em></p><p>{P2}</p>")
    assert body == f"{P1}\n\n{P2}"
    assert images == [("1.jpg", "Quang cảnh hội nghị")]


def test_a_credit_line_away_from_its_photo_still_credits_the_photo():
    body, images, _ = got(f"<p>{P1}</p><p>{img(1)}</p><p>{P2}</p><p>Ảnh: Minh Anh</p>")
    assert body == f"{P1}\n\n{P2}"
    assert images == [("1.jpg", "Ảnh: Minh Anh")]


def test_a_data_table_stays_in_the_body_one_row_a_paragraph():
    table = (
        '<figure class="table"><table><tbody>'
        "<tr><th>STT</th><th>Đơn vị</th><th>Hồ sơ tiếp nhận</th></tr>"
        "<tr><td>1</td><td>Sở Tư pháp</td><td>1.204</td></tr>"
        "<tr><td>2</td><td><p>Sở Xây dựng</p></td><td>863</td></tr>"
        "</tbody></table></figure>"
    )
    body, images, _ = got(f"<p>{P1}</p>{table}<p>{P2}</p>")
    assert body == (
        f"{P1}\n\nSTT | Đơn vị | Hồ sơ tiếp nhận\n\n1 | Sở Tư pháp | 1.204\n\n"
        f"2 | Sở Xây dựng | 863\n\n{P2}"
    )
    assert images == []


def test_spacers_and_zero_width_spaces_leave_no_trace():
    body, images, _ = got(
        "<p>&nbsp;</p><p>&nbsp;</p><p><br>&nbsp;</p>"
        f"<p>\u200b{P1}\u200b</p><p>&#8203;</p><p>{img(1)}</p><p>&nbsp;</p>"
        f"<p><em>&nbsp;&nbsp;&nbsp;Quang cảnh\u200b hội nghị</em></p><p>{P2}</p>"
    )
    assert body == f"{P1}\n\n{P2}"
    assert images == [("1.jpg", "Quang cảnh hội nghị")]
