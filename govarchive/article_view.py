"""What the archived-copy page of an article shows, read from the archive in one read transaction:
the stored text, its images and attachments with the captures holding them, the citation, and
every version with what changed. Plain data, so the page (a Datasette route) only renders it."""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import dataclass

from archive.api import Version
from archive.citation import Citation, citation

ARTICLE_SQL = """SELECT a.title, a.summary, a.body, a.body_html, a.author, a.published_at,
  a.category, a.first_seen, a.last_seen, a.gone_at, coalesce(a.version_since, a.first_seen),
  a.rejected_by, a.rejected_reason
FROM articles a WHERE a.id = ?"""

# a capture whose record is there to read: the archive's copy of a file
HELD = "c.id IS NOT NULL AND c.warc_file IS NOT NULL AND c.lost_at IS NULL"

IMAGES_SQL = f"""SELECT i.src, i.alt, i.caption, i.position, CASE WHEN {HELD} THEN c.id END
FROM images i LEFT JOIN captures c ON c.id = i.capture_id
WHERE i.article_id = ? ORDER BY i.position, i.id"""

ATTACHMENTS_SQL = f"""SELECT t.url, t.filename, t.link_text, t.content_type, t.size, t.sha256,
  CASE WHEN {HELD} THEN c.id END
FROM attachments t LEFT JOIN captures c ON c.id = t.capture_id
WHERE t.article_id = ? ORDER BY t.id"""

VERSIONS_SQL = """SELECT title, summary, body, author, published_at, seen_from, seen_until
FROM article_versions WHERE article_id = ? ORDER BY seen_until, id"""


@dataclass(frozen=True)
class Image:
    src: str  # the URL on the portal (or its storage host)
    alt: str
    caption: str
    position: int
    capture_id: int | None  # the capture holding its bytes; None when the archive has none


@dataclass(frozen=True)
class Attachment:
    url: str
    filename: str
    link_text: str
    content_type: str
    size: int | None
    sha256: str
    capture_id: int | None


@dataclass(frozen=True)
class ArticleView:
    id: int
    title: str
    summary: str
    body: str
    body_html: str
    author: str
    published_at: str | None
    category: str
    first_seen: str
    last_seen: str
    gone_at: str | None
    version_since: str
    rejected_by: str | None
    rejected_reason: str | None
    citation: Citation
    images: list[Image]
    attachments: list[Attachment]
    versions: list[Version]  # oldest first; the last is the current text

    def diffs(self) -> list[tuple[int, list[str]]]:
        """For each version after the first: (its number, 1-based; the diff from the one before)
        as unified diff lines with one line of context, '…' between hunks."""
        out = []
        for n in range(1, len(self.versions)):
            old, new = self.versions[n - 1].lines(), self.versions[n].lines()
            lines = list(difflib.unified_diff(old, new, lineterm="", n=1))[2:]
            shown = ["…" if ln.startswith("@@") else ln for ln in lines]
            out.append((n + 1, shown[1:] if shown[:1] == ["…"] else shown))
        return out


def load_article(con: sqlite3.Connection, article_id: int) -> ArticleView | None:
    """The article's page data, or None when the archive has no such article."""
    began = not con.in_transaction
    if began:  # one snapshot: what a crawl writes meanwhile is seen whole or not at all
        con.execute("BEGIN")
    try:
        row = con.execute(ARTICLE_SQL, [article_id]).fetchone()
        cited = citation(con, article_id)
        if row is None or cited is None:
            return None
        images = [Image(*r) for r in con.execute(IMAGES_SQL, [article_id])]
        attachments = [Attachment(*r) for r in con.execute(ATTACHMENTS_SQL, [article_id])]
        versions = [Version(*r) for r in con.execute(VERSIONS_SQL, [article_id])]
    finally:
        if began:
            con.rollback()
    title, summary, body, body_html, author, published, category = row[:7]
    first_seen, last_seen, gone_at, version_since, rejected_by, rejected_reason = row[7:]
    versions.append(
        Version(title, summary, body, author, published, version_since, last_seen)
    )  # the current text, seen from version_since until a crawl last found it
    return ArticleView(
        id=article_id, title=title or "", summary=summary or "", body=body or "",
        body_html=body_html or "", author=author or "", published_at=published or None,
        category=category or "", first_seen=first_seen, last_seen=last_seen, gone_at=gone_at,
        version_since=version_since, rejected_by=rejected_by, rejected_reason=rejected_reason,
        citation=cited, images=images, attachments=attachments, versions=versions,
    )  # fmt: skip
