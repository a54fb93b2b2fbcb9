"""Rebuild the labelled extraction corpus from the sample portals (run from the repo root):

    .venv/bin/python -m tests.corpus.build_corpus

Writes pages/<name>.html and expected.jsonl: one line per page with its URL, the fields a perfect
extraction gives, and strings that must / must not appear in the stored lead and body. Pages that
are not articles carry "not_article": true. The held-out profiles are never written here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path

from govarchive.sampleportal import render, texts
from govarchive.sampleportal.content import DEFAULT_PROFILES, Article, build_portal
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.site import Site

HERE = Path(__file__).resolve().parent
HOSTS = {
    "laocai": "https://laocaicity.laocai.gov.vn",
    "bacha": "https://bacha.laocai.gov.vn",
    "sapa": "https://sapa.laocai.gov.vn",
}
STORAGE = "https://storage-vnportal.vnpt.vn"
CHROME = [
    "anh tin bai", "Đăng nhập", "Designed by VNPT", "Thống kê truy cập", "Đang online",
    "Hôm nay:", "Trong tuần:", "Trong tháng:", "Tất cả:", "Tin liên quan", "Các tin khác",
    "Bài viết liên quan", "Ý kiến bạn đọc", "In bài", "Gửi email", "Chia sẻ", "Nghe đọc bài viết",
    "Liên kết website", "Trang chủ", "Cỡ chữ", "Lượt xem", "Tin mới nhất", "Bình luận",
    "Cơ quan chủ quản", "Văn bản đính kèm", "Tải về", "Tệp đính kèm",
]  # fmt: skip


def _sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.replace("\n\n", " ").split(". ") if s.strip()]


def article_entries(site: Site) -> list[tuple[str, str, dict]]:
    out = []
    by_id = {a.id: a for a in site.portal.articles}
    for gold in gold_articles(site):
        art = by_id[int(gold["key"])]
        html = render.article_page(site, art)
        body_sentences = _sentences(gold["body"])
        must = [gold["title"], body_sentences[0].rstrip("."), body_sentences[-1].rstrip(".")]
        if gold["summary"]:
            must.append(gold["summary"])
        must_not = list(CHROME)
        must_not += [img["caption"] for img in gold["images"] if img["caption"]]
        if gold["author"]:
            must_not.append(gold["author"])
        must_not += [a["filename"] for a in gold["attachments"]]
        related = [a for a in site.portal.articles if a.id != art.id]
        must_not += [a.title for a in related if a.title not in gold["body"]][:5]
        expected = {
            "title": gold["title"],
            "summary": gold["summary"],
            "body": gold["body"],
            "author": gold["author"],
            "published_at": gold["published_at"],
            "category": gold["category"],
            "images": gold["images"],
            "attachments": sorted(a["url"] for a in gold["attachments"]),
            "text_flags": gold["text_flags"],
        }
        traits = sorted(
            t
            for t, on in {
                "nfd": art.nfd,
                f"legacy_{art.legacy}": bool(art.legacy),
                "no_author": not art.author,
                "no_images": not art.images,
                "many_images": len(art.images) >= 4,
                "attachments": bool(art.attachments),
                "no_lead": not art.lead,
                "long": len(art.paragraphs) >= 10,
                "short": len(art.paragraphs) == 1,
                f"skin_{site.profile.skin}": True,
                f"template_{site.profile.template}": True,
            }.items()
            if on
        )
        name = f"{site.profile.key}-{art.id}"
        out.append((name, html, {"name": name, "url": gold["url"], "traits": traits,
                                 "expected": expected, "must_appear": must,
                                 "must_not_appear": must_not}))  # fmt: skip
    return out


def non_article_entries(site: Site) -> list[tuple[str, str, dict]]:
    key = site.profile.key
    cat = site.portal.categories[0]
    pages = [
        (f"{key}-home", render.home_page(site), site.home_url()),
        (f"{key}-list", render.category_page(site, cat, 0) or "", site.category_url(cat)),
        (f"{key}-error", render.not_found_page(site), site.removed_url()),
        (f"{key}-calendar", render.calendar_page(site), site.calendar_url()),
        (f"{key}-empty", render.empty_article_page(site), site.removed_url()),
    ]
    return [(n, h, {"name": n, "url": u, "not_article": True}) for n, h, u in pages]


# Bodies as CKEditor 5 writes them (shared/vnpt-portals.md, "Article bodies as editors really
# write them"), put into a sample article's page in place of its own body. Each builder returns
# the body HTML, the body paragraphs a perfect extraction keeps, and the images with captions.
MARK = "@@EDITOR-BODY@@"
PAD = "&nbsp; " * 24
SPACERS = "<p>&nbsp;</p><p>&nbsp;</p><p><br>&nbsp;</p>"
EditorBody = tuple[str, list[str], list[tuple[str, str]]]


def _img(src: str, alt: str = "anh tin bai") -> str:
    return f'<img src="{src}" alt="{alt}">'


def _photo_report(paras: list[str], src: Callable[[int], str], title: str) -> EditorBody:
    images, html = [], [SPACERS, f'<p style="text-align:justify;">{paras[0]}</p>']
    for k in range(8):
        caption = texts.CAPTIONS[k % len(texts.CAPTIONS)]
        if k % 3 == 2:  # a caption that runs to a paragraph
            caption = f"{caption}. {texts.SENTENCES[k]}"
        cell = f'<p style="text-align:justify;">{caption}</p>' if k % 3 == 2 else caption
        if k % 2:
            cell = f"<i>{cell}</i>"
        html.append(
            '<figure class="table"><table><tbody><tr><td><figure class="image">'
            f"{_img(src(k), '' if k % 2 else title)}</figure></td></tr>"
            f"<tr><td>{cell}</td></tr></tbody></table></figure>"
        )
        images.append((src(k), caption))
    html.append(f'<p style="text-align:justify;">{paras[1]}</p>')
    return "".join(html), paras[:2], images


def _ckeditor_figures(paras: list[str], src: Callable[[int], str], title: str) -> EditorBody:
    seo = f"{title} - tin tức sự kiện mới nhất hôm nay, cổng thông tin điện tử"
    c = texts.CAPTIONS
    cut = " ".join(c[2].split()[:-2])  # the editor cut it off mid-sentence
    html = (
        f"{SPACERS}<p>{paras[0]}</p>"
        f'<figure class="image image-style-align-center">{_img(src(0), seo)}'
        f"<figcaption>{c[0]}</figcaption></figure><p>{paras[1]}</p>"
        f'<figure class="image">{_img(src(1), "")}</figure>'
        f'<p style="text-align:center;">{c[1]}</p><p>{paras[2]}</p>'
        f'<p style="text-align:center;">{_img(src(2), seo)}</p><p><i>{PAD}{cut}</i></p>'
        f"<p>\u200b{paras[3]}</p>"
    )
    return html, paras[:4], [(src(0), c[0]), (src(1), c[1]), (src(2), cut)]


def _inline_images(paras: list[str], src: Callable[[int], str], title: str) -> EditorBody:
    html = (
        f"{SPACERS}<p>{paras[0]}<br>{_img(src(0))}<br>{paras[1]}</p>"
        f"<p>{paras[2]}<br>{_img(src(1), title)}<br>&nbsp;</p>"
        f"<p><em>{PAD}{texts.CAPTIONS[3]}</em></p>"
        f"<p>{paras[3]}<br>{_img(src(2))}<br>Ảnh: TTXVN</p>"
    )
    return html, paras[:4], [(src(0), ""), (src(1), texts.CAPTIONS[3]), (src(2), "Ảnh: TTXVN")]


DATA_ROWS = [
    ["STT", "Đơn vị", "Hồ sơ tiếp nhận", "Giải quyết đúng hạn"],
    ["1", "Sở Tư pháp", "1.204", "99,1%"],
    ["2", "Sở Xây dựng", "863", "97,6%"],
    ["3", "Sở Tài nguyên và Môi trường", "2.519", "95,8%"],
]


def _data_table(paras: list[str], src: Callable[[int], str], title: str) -> EditorBody:
    head, *rows = DATA_ROWS
    table = (
        '<figure class="table"><table><thead><tr>'
        + "".join(f"<th>{c}</th>" for c in head)
        + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        + "</tbody></table></figure>"
    )
    html = f"{SPACERS}<p>{paras[0]}</p>{table}<p>{paras[1]}</p><p>{paras[2]}</p>"
    body = [paras[0], *(" | ".join(r) for r in DATA_ROWS), paras[1], paras[2]]
    return html, body, []


def _credit_captions(paras: list[str], src: Callable[[int], str], title: str) -> EditorBody:
    cap = texts.CAPTIONS[4]
    html = (
        f"<p>&nbsp;</p><p>{paras[0]}</p><p>{_img(src(0))}</p><p>Ảnh: REUTERS</p>"
        f"<p>{paras[1]}</p>"
        f'<figure class="image">{_img(src(1), "")}<figcaption>{cap}</figcaption></figure>'
        f"<p><em>Ảnh: Minh Anh</em></p><p>{paras[2]}</p>"
    )
    return html, paras[:3], [(src(0), "Ảnh: REUTERS"), (src(1), f"{cap} Ảnh: Minh Anh")]


EDITOR_CASES: list[tuple[str, Callable[..., EditorBody]]] = [
    ("photo_table", _photo_report),
    ("ckeditor_figure", _ckeditor_figures),
    ("inline_image", _inline_images),
    ("data_table", _data_table),
    ("credit_caption", _credit_captions),
]
_MARKED = re.compile(rf"<(p|div)\b[^>]*>(?:<span[^>]*>)?{MARK}(?:</span>)?</\1>")


def editor_entries(sites: list[Site]) -> list[tuple[str, str, dict]]:
    """One page per editor trait, each in a different sample article (sites taken in turn)."""
    out = []
    for n, (trait, build) in enumerate(EDITOR_CASES):
        site = sites[n % len(sites)]
        eligible = [
            a for a in site.portal.articles if len(a.paragraphs) >= 4 and not a.legacy and not a.nfd
        ]
        art = eligible[n // len(sites)]
        gold = next(g for g in gold_articles(site) if g["key"] == str(art.id))

        def src(k: int, art: Article = art, site: Site = site) -> str:
            return site.media_url(f"/{site.profile.storage_prefix}/editor/{art.id}-{k + 1}.jpg")

        html_body, paras, images = build(art.paragraphs, src, art.title)
        stub = dataclasses.replace(art, paragraphs=[MARK], images=[])
        page = render.article_page(site, stub)
        html, count = _MARKED.subn(lambda _m, b=html_body: b, page)
        assert count == 1, (trait, site.profile.key)
        body = "\n\n".join(paras)
        body_sentences = _sentences(body)
        must = [gold["title"], body_sentences[0].rstrip("."), body_sentences[-1].rstrip(".")]
        must_not = [*CHROME, *(c for _, c in images if c), "tin tức sự kiện mới nhất"]
        if gold["author"]:
            must_not.append(gold["author"])
        must_not += [a["filename"] for a in gold["attachments"]]
        expected = {
            "title": gold["title"],
            "summary": gold["summary"],
            "body": body,
            "author": gold["author"],
            "published_at": gold["published_at"],
            "category": gold["category"],
            "images": [{"src": s, "caption": c} for s, c in images],
            "attachments": sorted(a["url"] for a in gold["attachments"]),
            "text_flags": [],
        }
        traits = sorted({trait, "editor_markup", f"skin_{site.profile.skin}",
                         f"template_{site.profile.template}"})  # fmt: skip
        name = f"{site.profile.key}-{art.id}-{trait}"
        out.append((name, html, {"name": name, "url": gold["url"], "traits": traits,
                                 "expected": expected, "must_appear": must,
                                 "must_not_appear": must_not}))  # fmt: skip
    return out


def main() -> None:
    pages_dir = HERE / "pages"
    pages_dir.mkdir(exist_ok=True)
    for old in pages_dir.glob("*.html"):
        old.unlink()
    lines = []
    sites = [Site(build_portal(key), HOSTS[key], STORAGE) for key in DEFAULT_PROFILES]
    entries = [e for site in sites for e in article_entries(site) + non_article_entries(site)]
    for name, html, entry in entries + editor_entries(sites):
        (pages_dir / f"{name}.html").write_text(html, encoding="utf-8")
        lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    (HERE / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} pages to {pages_dir}")


if __name__ == "__main__":
    main()
