"""What the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.documents import DocumentRecord


@dataclass
class ArticleItem:
    url: str
    article_key: str
    site: str  # the portal's host, as in its URL
    capture_id: int | None
    title: str
    summary: str
    body: str
    author: str
    published_at: str | None
    category: str
    images: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    body_html: str = ""
    text_flags: list[str] = field(default_factory=list)


@dataclass
class AttachmentFileItem:
    """A downloaded attachment: what the file turned out to be, for every article linking it."""

    url: str
    site: str
    content_type: str | None
    size: int
    sha256: str
    capture_id: int | None


@dataclass
class ArticleSeenItem:
    """An article page the server confirmed unchanged (304): seen again, nothing to extract."""

    url: str
    site: str


@dataclass
class DocumentsItem:
    """The official documents one page shows (issue 17), stored on the page's capture.
    `source`: "list", "detail" or "article" (crawler/extract/documents.documents_on_page)."""

    site: str
    capture_id: int | None
    source: str
    documents: list[DocumentRecord]
    published_year: int | None = None  # the publishing article's, for a number with no year
