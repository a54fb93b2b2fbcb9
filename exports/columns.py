"""What an export holds: the columns of each exported table, their types and meanings.

One definition serves every format: the SQL that reads them, the Parquet schema (real types:
integers, timestamps with their time zone, lists), the CSV/JSONL value forms and the manifest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # expression over `articles a JOIN sites s` (or the related table `t`)
    kind: str  # int | text | timestamp_vn | timestamp_utc | list
    description: str


# Times on portals are Vietnam time; the archive's own times are UTC.
VN_TZ = "+07:00"

ARTICLE_COLUMNS: tuple[Column, ...] = (
    Column("id", "a.id", "int", "the article's id in the archive (articles.id)"),
    Column("url", "a.url", "text", "canonical URL of the article page"),
    Column("site", "s.host", "text", "the portal's host, as in its URL (port included if any)"),
    Column("site_name", "s.name", "text", "the site's short name in the archive"),
    Column("article_key", "a.article_key", "text", "the article id in the portal's URL"),
    Column("category", "a.category", "text", "the category the page's breadcrumb names"),
    Column("title", "a.title", "text", "the headline"),
    Column("summary", "a.summary", "text", "the lead (sapo), apart from the body"),
    Column("body", "a.body", "text", "the article text, paragraphs separated by a blank line"),
    Column("author", "a.author", "text", "the byline, empty when the page names none"),
    Column(
        "published_at",
        "a.published_at",
        "timestamp_vn",
        "date and time shown on the page, Vietnam time (UTC+7); midnight when only a date is shown",
    ),  # fmt: skip
    Column("first_seen", "a.first_seen", "timestamp_utc", "when a crawl first stored it (UTC)"),
    Column("last_seen", "a.last_seen", "timestamp_utc", "when a crawl last found it (UTC)"),
    Column(
        "version_since",
        "a.version_since",
        "timestamp_utc",
        "when the current text was first seen (UTC); older texts are in the archive's history",
    ),  # fmt: skip
    Column(
        "gone_at",
        "a.gone_at",
        "timestamp_utc",
        "when a re-crawl found its page gone (404/410), UTC; empty while it is up",
    ),  # fmt: skip
    Column("content_hash", "a.content_hash", "text", "sha256 of the text: changes with it"),
    Column(
        "text_flags",
        "a.text_flags",
        "list",
        "what was done to the text: legacy_tcvn3, legacy_vni, legacy_doubtful, nfd_normalized",
    ),  # fmt: skip
    Column("body_html", "a.body_html", "text", "the body as clean HTML (paragraphs, figures)"),
)

RELATED: dict[str, tuple[str, tuple[Column, ...]]] = {
    "images": (
        "images",
        (
            Column("article_id", "t.article_id", "int", "the article (id in the articles file)"),
            Column("position", "t.position", "int", "order in the article, from 0"),
            Column("src", "t.src", "text", "absolute URL of the image"),
            Column("alt", "t.alt", "text", "the alt text as published"),
            Column("caption", "t.caption", "text", "the caption under the image"),
        ),
    ),
    "attachments": (
        "attachments",
        (
            Column("article_id", "t.article_id", "int", "the article (id in the articles file)"),
            Column("url", "t.url", "text", "absolute URL of the file"),
            Column("filename", "t.filename", "text", "file name from the URL"),
            Column("link_text", "t.link_text", "text", "the link's text on the page"),
            Column("content_type", "t.content_type", "text", "Content-Type it was served with"),
            Column("size", "t.size", "int", "bytes, when it was downloaded"),
            Column("sha256", "t.sha256", "text", "sha256 of the file, when it was downloaded"),
        ),
    ),
}

PARTITION_KEYS = ("site", "year")

# `--table documents`: the official documents (archive/documents.py), `a` being `documents`.
DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("id", "a.id", "int", "the document's id in the archive (documents.id)"),
    Column("site", "s.host", "text", "the portal's host, as in its URL (port included if any)"),
    Column("number", "a.number", "text", "the number (số ký hiệu), 71/2024/QĐ-UBND"),
    Column("number_key", "a.number_key", "text", "the number folded, 71/2024/QD-UBND: equal keys, same number"),
    Column("type", "a.type", "text", "Quyết định, Kế hoạch, Công văn... as the page or the number's code says"),
    Column("issued_at", "a.issued_at", "timestamp_vn", "the issue date (ngày ban hành), Vietnam time"),
    Column("effective_at", "a.effective_at", "timestamp_vn", "the date it takes effect, where shown"),
    Column("issuer", "a.issuer", "text", "the issuing body (cơ quan ban hành)"),
    Column("signer", "a.signer", "text", "who signed it (người ký)"),
    Column("abstract", "a.abstract", "text", "its abstract (trích yếu)"),
    Column("field", "a.field", "text", "its field (lĩnh vực), where shown"),
    Column("source", "a.source", "text", "the page its fields came from: detail, list or article"),
    Column("page_url", "(SELECT c.url FROM captures c WHERE c.id = a.capture_id)", "text",
           "the URL of that page (its capture backs the row)"),
    Column("detail_url", "a.detail_url", "text", "its own page, when a list links one"),
    Column("article_id", "a.article_id", "int", "the article publishing it (articles.id), if any"),
    Column("files", "(SELECT json_group_array(url) FROM (SELECT f.url FROM document_files f "
           "WHERE f.document_id = a.id ORDER BY f.position))", "list", "its files' URLs, in page order"),
    Column("first_seen", "a.first_seen", "timestamp_utc", "when it was first found (UTC)"),
    Column("last_seen", "a.last_seen", "timestamp_utc", "when a page showing it was last read (UTC)"),
)  # fmt: skip
TABLES = ("articles", "documents")


def select_columns(fields: list[str] | None, table: str = "articles") -> tuple[Column, ...]:
    """The columns of `table` asked for, in the order given; all of them by default."""
    every = DOCUMENT_COLUMNS if table == "documents" else ARTICLE_COLUMNS
    if not fields:
        return every
    by_name = {c.name: c for c in every}
    unknown = [f for f in fields if f not in by_name]
    if unknown:
        raise ValueError(
            f"unknown field {unknown[0]!r}; fields are: {', '.join(c.name for c in every)}"
        )
    return tuple(by_name[f] for f in dict.fromkeys(fields))
