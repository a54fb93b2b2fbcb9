"""A crawled archive scored against a sample portal's gold, family by family: the figures issue 13
asks for (every gold article stored once, shingle-F1, captions and chrome in bodies, title and
date exactness), so tests and bench/heldout.py measure the same thing the same way."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.extract.quality import precision_recall
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.site import Site

# Strings of the portal around an article that must never reach its stored text.
CHROME = (
    "anh tin bai", "Đăng nhập", "Designed by VNPT", "Thống kê truy cập", "Đang online",
    "Hôm nay:", "Trong tuần:", "Trong tháng:", "Tất cả:", "Tin liên quan", "Các tin khác",
    "Ý kiến bạn đọc", "In bài", "Nghe đọc bài viết", "Liên kết website", "Trang chủ",
    "Cơ quan chủ quản",
)  # fmt: skip
FIELDS = ("title", "published_at", "author", "summary", "category")


@dataclass
class FamilyScore:
    family: str
    gold: int
    stored_once: int = 0
    missing: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # stored articles the gold does not have
    f1_sum: float = 0.0
    exact: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    images_exact: int = 0
    captions_in_body: list[str] = field(default_factory=list)
    chrome_in_body: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        return self.f1_sum / self.stored_once if self.stored_once else 0.0

    def as_dict(self) -> dict[str, Any]:
        n = self.stored_once or 1
        return {
            "family": self.family,
            "gold": self.gold,
            "stored_exactly_once": self.stored_once,
            "missing": self.missing,
            "stored_twice": self.doubled,
            "extra_articles": self.extra,
            "shingle_f1": round(self.f1, 4),
            "exact": {k: round(v / n, 4) for k, v in self.exact.items()},
            "images_exact": round(self.images_exact / n, 4),
            "captions_in_bodies": len(self.captions_in_body),
            "chrome_in_bodies": len(self.chrome_in_body),
        }


def score_family(archive: Path, site: Site) -> FamilyScore:
    host = site.base.split("://", 1)[1]
    golds = gold_articles(site)
    score = FamilyScore(site.profile.key, len(golds))
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute(
            "SELECT a.* FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.host = ?", [host]
        ).fetchall()
        by_key: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            by_key.setdefault(row["article_key"], []).append(row)
        keys = {g["key"] for g in golds}
        score.extra = sorted(r["url"] for r in rows if r["article_key"] not in keys)
        for gold in golds:
            found = by_key.get(gold["key"], [])
            if not found:
                score.missing.append(gold["url"])
                continue
            if len(found) > 1:
                score.doubled.append(gold["url"])
                continue
            row = found[0]
            score.stored_once += 1
            precision, recall = precision_recall(row["body"], gold["body"])
            score.f1_sum += (
                2 * precision * recall / (precision + recall) if precision + recall else 0
            )
            for name in FIELDS:
                score.exact[name] += row[name] == gold[name]
            images = [
                dict(i)
                for i in con.execute(
                    "SELECT src, caption FROM images WHERE article_id = ? ORDER BY position",
                    [row["id"]],
                )
            ]
            score.images_exact += images == gold["images"]
            captions = [i["caption"] for i in gold["images"] if len(i["caption"]) >= 12]
            if any(c in row["body"] and c not in gold["body"] for c in captions):
                score.captions_in_body.append(gold["url"])
            if any(c in row["body"] and c not in gold["body"] for c in CHROME):
                score.chrome_in_body.append(gold["url"])
    finally:
        con.close()
    return score
