"""What `govarchive extract` reads and writes: the archived pages to read again with today's
extraction rules, and what their new reading does to the archive. A text the new rules read
differently is a re-extraction, not a portal edit: the row changes in place, no version is
added. A page the rules now read as an article the archive lacks is added as the crawl would
have stored it; an article the rules now refuse is flagged (`rejected_by`), never deleted."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.clock import iso_utc, utc_now
from archive.db import ArchiveDB, ArticleRecord, _unique_by_url
from archive.documents import DocumentRecord, store_documents
from archive.errors import ArchiveError
from archive.search import index_article
from archive.tx import write_transaction


@dataclass(frozen=True)
class Page:
    """One payload read under one address: the capture holding it (a revisit's original) and
    the URL it was fetched from; captures repeating both are read once."""

    holder: int  # captures.id of the response record holding the payload
    url: str
    host: str  # the portal (sites.host) whose crawl fetched it
    site_id: int
    warc_file: str
    offset: int
    fetched_at: str  # when the holder was fetched
    last_fetched_at: str  # the latest fetch of this payload at this address
    last_crawl_id: int  # the crawl of that fetch


@dataclass
class Result:
    """A worker's reading of a Page: a record, or why there is no article."""

    page: Page
    record: ArticleRecord | None = None
    reason: str = ""  # the verdict when no record: refusal, page test, clean's drop, unreadable
    unreadable: bool = False
    text_digest: str | None = None
    documents: list[DocumentRecord] | None = None  # the official documents the page shows
    documents_source: str = ""
    published_year: int | None = None


@dataclass
class Figures:
    pages: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    flagged: int = 0
    unreadable: int = 0
    documents: int = 0  # documents the archive did not hold

    def add(self, other: Figures) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Run:
    id: int
    version: str
    after: int  # every page whose holder is at most this is done
    resumed: bool
    before: Figures = field(default_factory=Figures)  # what earlier sittings did


_PAGES = """
SELECT h.id, c.url, s.host, s.id, h.warc_file, h.warc_offset, h.fetched_at, max(c.fetched_at),
       c.crawl_id
FROM captures c JOIN crawls cr ON cr.id = c.crawl_id JOIN sites s ON s.id = cr.site_id
JOIN captures h ON h.id = CASE WHEN c.record_type = 'revisit' THEN c.refers_to ELSE c.id END
WHERE c.status = 200 AND c.method = 'GET' AND c.record_type IN ('response', 'revisit')
  AND c.lost_at IS NULL AND coalesce(c.content_type, 'text/html') LIKE '%html%'
  AND h.record_type = 'response' AND h.lost_at IS NULL AND h.warc_file IS NOT NULL AND h.id > ?
  {where}
GROUP BY h.id, c.url, s.id
ORDER BY h.id, c.url
"""


def pages_to_read(db_path: Path, filters: Mapping[str, Any], after: int) -> Iterator[Page]:
    """Every page in the filters (site, crawl, fetched since), in order of the capture holding
    its payload, after `after`: streamed from a read-only connection of its own (a snapshot
    taken when the run starts), so a run holds a batch of pages in memory, not all of them."""
    where, params = [], [after]
    if filters.get("site_id") is not None:
        where.append("AND s.id = ?")
        params.append(filters["site_id"])
    if filters.get("crawl") is not None:
        where.append("AND c.crawl_id = ?")
        params.append(filters["crawl"])
    if filters.get("since"):
        where.append("AND c.fetched_at >= ?")
        params.append(filters["since"])
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for row in con.execute(_PAGES.format(where=" ".join(where)), params):
            yield Page(*row)
    finally:
        con.close()


def start_run(db: ArchiveDB, filters: Mapping[str, Any], version: str) -> Run:
    """The run cut off with the same filters and extractor version, continued; else a new one."""
    text = json.dumps(dict(filters), sort_keys=True)
    with write_transaction(db.db):
        row = db.db.execute(
            "SELECT id, last_capture_id, pages, articles_new, articles_changed, "
            "articles_unchanged, articles_flagged FROM extract_runs WHERE status = 'running' "
            "AND filters = ? AND extractor_version = ? ORDER BY id DESC LIMIT 1",
            [text, version],
        ).fetchone()
        if row is not None:
            before = Figures(row[2], row[3], row[4], row[5], row[6])
            return Run(int(row[0]), version, int(row[1]), True, before)
        run_id = db._insert(
            "extract_runs",
            {
                "started_at": iso_utc(utc_now()),
                "status": "running",
                "filters": text,
                "extractor_version": version,
            },
        )
    return Run(run_id, version, 0, False)


class Applier:
    """The parent's side: results written in order, one transaction a batch, the run's place
    moving with them, so a kill loses at most the batch it was writing."""

    def __init__(self, db: ArchiveDB, run: Run) -> None:
        self.db = db
        self.run = run
        self.created: set[int] = set()  # articles this sitting added

    def apply(self, results: list[Result], seconds: float) -> Figures:
        figures = Figures()
        if not results:
            return figures
        with write_transaction(self.db.db):
            by_holder: dict[int, list[Result]] = {}
            for result in results:
                by_holder.setdefault(result.page.holder, []).append(result)
            for holder, group in by_holder.items():
                self._holder(holder, group, figures)
            figures.pages = len(results)
            self.db.db.execute(
                "UPDATE extract_runs SET last_capture_id = ?, pages = pages + ?, "
                "articles_new = articles_new + ?, articles_changed = articles_changed + ?, "
                "articles_unchanged = articles_unchanged + ?, "
                "articles_flagged = articles_flagged + ?, seconds = seconds + ? WHERE id = ?",
                [
                    max(by_holder),
                    figures.pages,
                    figures.new,
                    figures.changed,
                    figures.unchanged,
                    figures.flagged,
                    seconds,
                    self.run.id,
                ],
            )
        return figures

    def finish(self) -> None:
        with write_transaction(self.db.db):
            self.db.db.execute(
                "UPDATE extract_runs SET status = 'finished', finished_at = ? WHERE id = ?",
                [iso_utc(utc_now()), self.run.id],
            )

    # one payload ------------------------------------------------------------------------------
    def _holder(self, holder: int, group: list[Result], figures: Figures) -> None:
        figures.unreadable += sum(r.unreadable for r in group)
        left = list(group)
        backed = self.db.db.execute(
            "SELECT id, url, article_key, site_id FROM articles WHERE capture_id = ? ORDER BY id",
            [holder],
        ).fetchall()
        for article_id, url, key, site_id in backed:
            # The reading of this payload under the article's identity, else under any address.
            match = next(
                (
                    r
                    for r in left
                    if r.record is not None
                    and r.page.site_id == site_id
                    and (r.record.url == url or r.record.article_key == key)
                ),
                None,
            ) or next((r for r in left if not r.unreadable), None)
            if match is None:
                continue  # no record to read it from: left as it is
            left.remove(match)
            if match.record is None:
                self._flag(article_id, match.reason)
                figures.flagged += 1
            elif self._reread(article_id, match.record):
                figures.changed += 1
            else:
                figures.unchanged += 1
        for result in left:
            if result.record is not None and self._found(result):
                figures.new += 1
        for result in group:  # after the articles: a document an article publishes names it
            if result.documents:
                page = result.page
                figures.documents += store_documents(
                    self.db, page.site_id, page.last_crawl_id, holder,
                    result.documents_source, result.documents, page.fetched_at,
                    result.published_year,
                )  # fmt: skip

    def _flag(self, article_id: int, reason: str) -> None:
        self.db.db.execute(
            "UPDATE articles SET rejected_by = ?, rejected_reason = ? WHERE id = ?",
            [self.run.version, reason, article_id],
        )

    def _reread(self, article_id: int, art: ArticleRecord) -> bool:
        """The article's text as the current rules read its page; True when that changed it."""
        now_fields = art.row_fields()
        row = self.db.db.execute(
            f"SELECT {', '.join(now_fields)} FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        before = dict(zip(now_fields, row, strict=True))
        same = before == now_fields and _children(self.db, article_id) == _children_of(art)
        marks = {
            "extractor_version": self.run.version,
            "rejected_by": None,
            "rejected_reason": None,
        }
        if same:
            self._update(article_id, marks)
            return False
        self._update(article_id, {**now_fields, **marks})
        self._replace_children(article_id, art)
        index_article(self.db.db, article_id, art.title, art.summary, art.body)
        return True

    def _found(self, result: Result) -> bool:
        """A page read as an article the archive does not hold: added as the crawl adds it (its
        capture, first seen when fetched). True when added."""
        page, art = result.page, result.record
        assert art is not None
        row = self.db.db.execute(
            "SELECT id, content_hash, version_since, last_seen FROM articles "
            "WHERE url = ? OR (site_id = ? AND article_key = ?)",
            [art.url, page.site_id, art.article_key],
        ).fetchone()
        if row is None and result.text_digest is not None:
            # No id we know: the same title, date and text at another address is that article.
            row = self.db.db.execute(
                "SELECT id, content_hash, version_since, last_seen FROM articles "
                "WHERE site_id = ? AND title = ? AND coalesce(published_at, '') = ? AND body = ?",
                [page.site_id, art.title, art.published_at or "", art.body],
            ).fetchone()
        if row is not None:
            if row[0] in self.created:
                self._seen_again(int(row[0]), row[1], row[2], page, art)
            return False  # another address or an older fetch of an article held
        fields = art.row_fields()
        article_id = self.db._insert(
            "articles",
            {
                "url": art.url,
                "article_key": art.article_key,
                "site_id": page.site_id,
                **fields,
                "first_seen": page.fetched_at,
                "last_seen": page.last_fetched_at,
                "version_since": page.fetched_at,
                "capture_id": page.holder,
                "last_crawl_id": page.last_crawl_id,
                "extractor_version": self.run.version,
            },
        )
        self.db._write_children(article_id, art)
        index_article(self.db.db, article_id, art.title, art.summary, art.body)
        self.created.add(article_id)
        return True

    def _seen_again(
        self, article_id: int, old_hash: str, since: str, page: Page, art: ArticleRecord
    ) -> None:
        """A later fetch of an article this run added: seen then; a different text is a
        portal edit, kept as the crawl keeps one (the earlier text becomes a version)."""
        fields = art.row_fields()
        if fields["content_hash"] == old_hash:
            self.db.db.execute(
                "UPDATE articles SET last_seen = max(last_seen, ?), last_crawl_id = ? WHERE id = ?",
                [page.last_fetched_at, page.last_crawl_id, article_id],
            )
            return
        self.db.db.execute(
            "INSERT INTO article_versions (article_id, title, summary, body, author, "
            "published_at, content_hash, seen_from, seen_until, capture_id) "
            "SELECT id, title, summary, body, author, published_at, content_hash, "
            "version_since, ?, capture_id FROM articles WHERE id = ?",
            [page.fetched_at, article_id],
        )
        self._update(
            article_id,
            {
                **fields,
                "version_since": page.fetched_at,
                "last_seen": page.last_fetched_at,
                "capture_id": page.holder,
                "last_crawl_id": page.last_crawl_id,
            },
        )
        self._replace_children(article_id, art)
        index_article(self.db.db, article_id, art.title, art.summary, art.body)
        self.created.add(article_id)

    def _update(self, article_id: int, values: Mapping[str, Any]) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        self.db.db.execute(
            f"UPDATE articles SET {sets} WHERE id = ?", [*values.values(), article_id]
        )

    def _replace_children(self, article_id: int, art: ArticleRecord) -> None:
        """New image and attachment rows; an image keeps the capture its file had, an
        attachment the facts of its download (read before the old rows go)."""
        held = {
            r[0]: r[1]
            for r in self.db.db.execute(
                "SELECT src, capture_id FROM images WHERE article_id = ? AND capture_id IS NOT "
                "NULL",
                [article_id],
            )
        }
        old_images = [r[0] for r in self.db.db.execute(
            "SELECT id FROM images WHERE article_id = ?", [article_id])]  # fmt: skip
        old_files = [r[0] for r in self.db.db.execute(
            "SELECT id FROM attachments WHERE article_id = ?", [article_id])]  # fmt: skip
        self.db._write_children(article_id, art, held)
        for table, ids in (("images", old_images), ("attachments", old_files)):
            if ids:
                marks = ",".join("?" * len(ids))
                self.db.db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", ids)


def _children(db: ArchiveDB, article_id: int) -> tuple[list[tuple], list[tuple]]:
    images = db.db.execute(
        "SELECT src, coalesce(alt, ''), coalesce(caption, '') FROM images WHERE article_id = ? "
        "ORDER BY position",
        [article_id],
    ).fetchall()
    files = db.db.execute(
        "SELECT url, coalesce(filename, ''), coalesce(link_text, '') FROM attachments "
        "WHERE article_id = ? ORDER BY id",
        [article_id],
    ).fetchall()
    return [tuple(r) for r in images], [tuple(r) for r in files]


def _children_of(art: ArticleRecord) -> tuple[list[tuple], list[tuple]]:
    images = [(i["src"], i.get("alt", ""), i.get("caption", "")) for i in art.images]
    files = [
        (a["url"], a.get("filename", ""), a.get("link_text", ""))
        for a in _unique_by_url(art.attachments)
    ]
    return images, files


def check_filters(db: ArchiveDB, site: str | None, crawl: int | None) -> dict[str, Any]:
    """The filters as stored with a run: a site by name or host, a crawl that exists."""
    from archive.sites import find_site

    filters: dict[str, Any] = {}
    if site is not None:
        found = find_site(db.db, site)
        if found is None:
            raise ArchiveError(
                f"no site {site!r} in this archive; `govarchive sites list` shows them"
            )
        filters["site_id"] = found.id
    if crawl is not None:
        if db.db.execute("SELECT 1 FROM crawls WHERE id = ?", [crawl]).fetchone() is None:
            raise ArchiveError(f"no crawl {crawl} in this archive; `govarchive crawls` lists them")
        filters["crawl"] = crawl
    return filters


def batched(pages: Iterable[Page], size: int) -> Iterator[list[Page]]:
    """Batches of about `size` pages that never split the pages of one payload."""
    batch: list[Page] = []
    for page in pages:
        if len(batch) >= size and batch[-1].holder != page.holder:
            yield batch
            batch = []
        batch.append(page)
    if batch:
        yield batch
