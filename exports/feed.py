"""The export writers as Scrapy feed exporters, for articles as the spider finds them.

In crawler/settings.py FEED_EXPORTERS names them `articles-jsonl`, `articles-csv`,
`articles-parquet`; a crawl then writes a feed beside the archive with, e.g.,
`--set 'FEEDS={"articles.parquet": {"format": "articles-parquet"}}'`. Only articles are written
(other items pass by), with the columns an article has before it is stored: no archive ids or
crawl times, which only `govarchive export` knows."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, BinaryIO

from scrapy.exporters import BaseItemExporter

from crawler.items import ArticleItem
from exports.columns import ARTICLE_COLUMNS
from exports.writers import CsvWriter, JsonlWriter, ParquetWriter

# Export columns an ArticleItem carries, and the item field each comes from.
FEED_COLUMNS = tuple(
    c for c in ARTICLE_COLUMNS
    if c.name in ("url", "site", "article_key", "category", "title", "summary", "body", "author",
                  "published_at", "text_flags", "body_html")
)  # fmt: skip


class _ArticleExporter(BaseItemExporter):
    writer_cls: Any = None

    def __init__(self, file: BinaryIO, **kwargs: Any) -> None:
        self.excel = bool(kwargs.pop("excel", False))
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.writer = None

    def start_exporting(self) -> None:
        self.writer = self.writer_cls(self.file, FEED_COLUMNS, excel=self.excel)

    def export_item(self, item: Any) -> None:
        if not isinstance(item, ArticleItem) or self.writer is None:
            return
        values = asdict(item)
        self.writer.write_rows([[values.get(c.name) for c in FEED_COLUMNS]])

    def finish_exporting(self) -> None:
        if self.writer is not None:
            self.writer.close()


class ArticleJsonlExporter(_ArticleExporter):
    writer_cls = JsonlWriter


class ArticleCsvExporter(_ArticleExporter):
    writer_cls = CsvWriter


class ArticleParquetExporter(_ArticleExporter):
    writer_cls = ParquetWriter
