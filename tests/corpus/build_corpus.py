"""Rebuild the labelled extraction corpus from the sample portals (run from the repo root):

    .venv/bin/python -m tests.corpus.build_corpus

Writes pages/<name>.html and expected.jsonl: one line per page with its URL, the fields a perfect
extraction gives, and strings that must / must not appear in the stored lead and body. Pages that
are not articles carry "not_article": true. The held-out profiles are never written here.
"""

from __future__ import annotations

import json
from pathlib import Path

from govarchive.sampleportal import render
from govarchive.sampleportal.content import DEFAULT_PROFILES, build_portal
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


def main() -> None:
    pages_dir = HERE / "pages"
    pages_dir.mkdir(exist_ok=True)
    for old in pages_dir.glob("*.html"):
        old.unlink()
    lines = []
    for key in DEFAULT_PROFILES:
        site = Site(build_portal(key), HOSTS[key], STORAGE)
        for name, html, entry in article_entries(site) + non_article_entries(site):
            (pages_dir / f"{name}.html").write_text(html, encoding="utf-8")
            lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    (HERE / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} pages to {pages_dir}")


if __name__ == "__main__":
    main()
