"""First-pass boilerplate stripping: chrome lines and placeholder text out, non-articles dropped."""

from __future__ import annotations

import re

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.extract.markers import CHROME_LINE, PLACEHOLDER_ALT
from crawler.extract.text import clean_line
from crawler.items import ArticleItem

MIN_BODY_CHARS = 40
_PLACEHOLDER = re.compile(r"(?<!\w)(?:anh tin bai|ảnh tin bài)(?!\w)", re.I)


class CleanArticlePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanArticlePipeline:
        return cls(crawler.stats)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        reason = clean_article(item)
        if reason:
            self._drop(reason, item)
        return item

    def _drop(self, reason: str, item: ArticleItem) -> None:
        self.stats.inc_value(f"govarchive/articles_dropped/{reason}")
        raise DropItem(f"{reason}: {item.url}")


def clean_article(item: ArticleItem) -> str | None:
    """Clean the item in place; the reason it is no article after all, or None."""
    item.title = clean_line(item.title)
    item.summary = clean_line(item.summary)
    item.author = clean_line(item.author)
    item.category = clean_line(item.category)
    paragraphs = []
    for para in item.body.split("\n\n"):
        para = clean_line(_PLACEHOLDER.sub(" ", para))
        if para and not CHROME_LINE.match(para):
            paragraphs.append(para)
    item.body = "\n\n".join(paragraphs)
    for img in item.images:
        img["caption"] = clean_line(img.get("caption", ""))
        if PLACEHOLDER_ALT.match(img.get("alt", "")):
            img["alt"] = ""
    if not item.title:
        return "no_title"
    if len(item.body) < MIN_BODY_CHARS:
        return "empty_body"
    return None
