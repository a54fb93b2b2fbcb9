"""What makes a template family's content its own, applied after the shared generator: feed-only
categories, sitemap-only old articles, and (CKEditor 5 family) how each image was pasted, a photo
report and a data table. Seeded apart from the generator so the classic profiles stay unchanged."""

from __future__ import annotations

import random

from govarchive.sampleportal import texts
from govarchive.sampleportal.content import Article, Category, Image, Portal

CREDITS = ["Ảnh: REUTERS", "Ảnh: TTXVN", "Ảnh: Minh Anh", "Ảnh: Cổng TTĐT tỉnh"]
IMAGE_STYLES = ("figure", "italic", "center", "credit", "inline", "phototable")
DATA_TABLE = [
    ["STT", "Đơn vị", "Hồ sơ tiếp nhận", "Giải quyết đúng hạn"],
    ["1", "Sở Tư pháp", "1.204", "99,1%"],
    ["2", "Sở Xây dựng", "863", "97,6%"],
    ["3", "Sở Tài nguyên và Môi trường", "2.519", "95,8%"],
    ["4", "Ban Quản lý các khu kinh tế", "311", "100%"],
]
# The joomla family (caobang, held out): how its editor placed each photo, and one data table.
JOOMLA_STYLES = ("onephoto", "italic", "credit", "center", "figcaption", "inline")
JOOMLA_CREDITS = ["Ảnh: Nông Hà", "Ảnh: Hoàng Kiên", "Ảnh: Báo Cao Bằng", "Ảnh: Đàm Thanh"]
JOOMLA_TABLE_AT = 10
JOOMLA_TABLE = [
    ["TT", "Xã, thị trấn", "Diện tích lúa (ha)", "Năng suất (tạ/ha)"],
    ["1", "Thị trấn Trùng Khánh", "212,5", "52,1"],
    ["2", "Xã Đình Phong", "348,0", "49,6"],
    ["3", "Xã Ngọc Côn", "186,2", "47,3"],
    ["Tổng cộng", "746,7", "49,7"],
]
PHOTO_REPORT_AT = 4  # which article (generation order) of a ck5 portal is a photo report
DATA_TABLE_AT = 7  # which one carries a data table


def shape(portal: Portal) -> Portal:
    profile = portal.profile
    rng = random.Random(profile.seed * 7919 + 1)
    articles = portal.articles
    if profile.feed_only_categories:
        _feed_only(portal)
    if profile.sitemap_only:
        for art in sorted(articles, key=lambda a: (a.published, a.id))[: profile.sitemap_only]:
            portal.discovery[art.id] = "sitemap"
    if profile.family == "ck5":
        for n, art in enumerate(articles):
            if n == PHOTO_REPORT_AT:
                _photo_report(art, rng)
            else:
                _style_images(art, n)
            if n == DATA_TABLE_AT:
                art.table_rows = [list(r) for r in DATA_TABLE]
                art.table_after = 0
    if profile.family == "joomla":
        for n, art in enumerate(articles):
            _joomla_images(art, n)
            if n == JOOMLA_TABLE_AT:
                art.table_rows = [list(r) for r in JOOMLA_TABLE]
                art.table_after = 0
    return portal


def _feed_only(portal: Portal) -> None:
    """Three articles move to a category that menus and lists never show."""
    base = len(portal.categories)
    for i, (name, slug) in enumerate(portal.profile.feed_only_categories):
        cat = Category(name, slug, pageid=28610 + (base + i) * 7, catid=101 + base + i)
        portal.categories.append(cat)
        for art in portal.articles[5 + i * 3 :: 6][:3]:
            art.category = cat
            portal.discovery[art.id] = "feed"


def _style_images(art: Article, n: int) -> None:
    seen_after: set[int] = set()
    for k, img in enumerate(art.images):
        style = IMAGE_STYLES[(n + k) % len(IMAGE_STYLES)]
        if style == "inline" and (img.after in seen_after or not img.caption):
            style = "figure"
        seen_after.add(img.after)
        img.style = style
        if not img.caption:
            continue
        if style == "credit":
            img.caption = CREDITS[(n + k) % len(CREDITS)]
        elif style == "inline":
            img.caption = ""  # an image inside a text paragraph has no caption of its own
        elif style == "italic" and n % 3 == 0:
            words = img.caption.split()  # the editor cut it off mid-sentence
            img.caption = " ".join(words[: max(2, len(words) - 2)])


def _joomla_images(art: Article, n: int) -> None:
    seen_after: set[int] = set()
    for k, img in enumerate(art.images):
        style = JOOMLA_STYLES[(n + k) % len(JOOMLA_STYLES)]
        if style == "inline" and (img.after in seen_after or not img.caption):
            style = "center"
        if style == "credit" and art.legacy:
            style = "italic"
        seen_after.add(img.after)
        img.style = style
        if not img.caption:
            continue
        if style == "credit":
            img.caption = JOOMLA_CREDITS[(n + k) % len(JOOMLA_CREDITS)]
        elif style == "inline":
            img.caption = ""


def _photo_report(art: Article, rng: random.Random) -> None:
    """A dozen photos, one CKEditor photo table each; some captions run to a paragraph."""
    prefix = art.images[0].path.rsplit("/", 1)[0] if art.images else "/photo"
    last = len(art.paragraphs) - 1
    art.images = []
    for k in range(12):
        caption = rng.choice(texts.CAPTIONS)
        if k % 4 == 3:
            caption = f"{caption}. {rng.choice(texts.SENTENCES)}"
        art.images.append(
            Image(
                path=f"{prefix}/{art.id}-pv{k + 1:02d}.jpg",
                caption=caption,
                alt="" if k % 3 else "anh tin bai",
                after=0 if k < 2 else last,
                style="phototable",
            )
        )
