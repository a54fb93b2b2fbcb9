"""How to cite an archived article: the evidence a reader can check (the URL, when it was captured,
the WARC record holding the page and its payload digest) and one line to paste.

The line (docs/serve.md#citing):

    [Author. ]Title. Site. Published YYYY-MM-DD. Archived by govarchive CAPTURE_TIME from URL
    (WARC-Record-ID <urn:uuid:...>, payload digest sha1:...).

It names the capture the stored text was extracted from (`articles.capture_id`), not the latest
crawl that found the article unchanged: that record is the one holding what is cited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

CITATION_SQL = """SELECT a.id, a.url, a.title, a.author, a.published_at,
  coalesce(nullif(s.title, ''), nullif(s.name, ''), s.host), s.host,
  c.id, c.fetched_at, c.response_record_id, c.payload_digest, c.warc_file, c.warc_offset, c.lost_at
FROM articles a JOIN sites s ON s.id = a.site_id JOIN captures c ON c.id = a.capture_id
WHERE a.id = ?"""


@dataclass(frozen=True)
class Citation:
    article_id: int
    url: str
    title: str
    author: str
    published_at: str | None
    site: str  # the site's title, else its name, else its host
    host: str
    capture_id: int
    captured_at: str  # captures.fetched_at, UTC
    record_id: str  # WARC-Record-ID of the response record holding the page
    payload_digest: str
    warc_file: str
    warc_offset: int
    lost_at: str | None  # the record was found lost (`govarchive verify`)

    @property
    def published(self) -> str:
        """The publication date as cited: the day only (the time is on the page)."""
        return (self.published_at or "")[:10]

    def line(self) -> str:
        """The ready-to-paste citation."""
        parts = [f"{_sentence(self.author)} " if self.author else ""]
        parts.append(f"{_sentence(self.title)} {_sentence(self.site)} ")
        parts.append(f"Published {self.published}. " if self.published else "Undated. ")
        parts.append(
            f"Archived by govarchive {self.captured_at} from {self.url} "
            f"(WARC-Record-ID {self.record_id}, payload digest {self.payload_digest})."
        )
        return "".join(parts)


def _sentence(text: str) -> str:
    """Text ending as a sentence: a title ending in ? or ! keeps it, else gains a full stop."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def citation(con: sqlite3.Connection, article_id: int) -> Citation | None:
    """The citation of an article by id; None when there is no such article."""
    row = con.execute(CITATION_SQL, [article_id]).fetchone()
    if row is None:
        return None
    (aid, url, title, author, published, site, host, cid, fetched, record_id, digest,
     warc_file, offset, lost) = row  # fmt: skip
    return Citation(
        article_id=int(aid), url=url, title=title or "", author=author or "",
        published_at=published or None, site=site or host, host=host, capture_id=int(cid),
        captured_at=fetched, record_id=record_id or "", payload_digest=digest or "",
        warc_file=warc_file or "", warc_offset=int(offset or 0), lost_at=lost,
    )  # fmt: skip
