"""Stores articles, official documents and attachment facts in the archive, one transaction
per item."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from archive.errors import StorageFull
from archive.session import ArchiveSession
from crawler.archive_link import session_for
from crawler.items import ArticleItem, ArticleSeenItem, AttachmentFileItem, DocumentsItem
from crawler.reading import extractor_version, record_of


class StorePipeline:
    def __init__(
        self, session: ArchiveSession, stats: StatsCollector, extractor_version: str | None = None
    ) -> None:
        self.session = session
        self.stats = stats
        self.extractor_version = extractor_version  # kept on every article stored

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(session_for(crawler), crawler.stats, extractor_version())

    def process_item(self, item):
        try:
            return self._store(item)
        except StorageFull as exc:  # the page stays not done: resume parses it again
            self.stats.inc_value("govarchive/articles_dropped/storage_full")
            raise DropItem(f"archive storage full: {exc}") from None

    def _store(self, item):
        if isinstance(item, ArticleItem):
            record = record_of(item)
            outcome = self.session.store_article(
                item.site, item.capture_id, record, self.extractor_version
            )
            self.stats.inc_value(f"govarchive/articles/{outcome}")
        elif isinstance(item, ArticleSeenItem):
            if self.session.article_seen(item.site, item.url):
                self.stats.inc_value("govarchive/articles/not_modified")
        elif isinstance(item, DocumentsItem):
            new = self.session.store_documents(
                item.site, item.capture_id, item.source, item.documents, item.published_year
            )
            self.stats.inc_value("govarchive/documents/found", len(item.documents))
            self.stats.inc_value("govarchive/documents/new", new)
        elif isinstance(item, AttachmentFileItem):
            self.session.record_attachment_file(
                item.url,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                capture_id=item.capture_id,
            )
            self.stats.inc_value("govarchive/attachments/stored")
        return item
