"""The archive's SQLite schema, as recorded migrations: append new ones, never edit applied ones.

docs/schema.md explains every column; tests/test_schema.py fails when the two disagree.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("govarchive")


@migrations()
def m001_core(db: Database) -> None:
    db["sites"].create(
        {
            "id": int,
            "host": str,
            "name": str,
            "root_url": str,
            "first_seen": str,
        },
        pk="id",
        not_null={"host", "root_url"},
    )
    db["sites"].create_index(["host"], unique=True)

    db["crawls"].create(
        {
            "id": int,
            "site_id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pages": int,
            "articles_new": int,
            "articles_updated": int,
            "errors": int,
            "error": str,
            "user_agent": str,
            "settings": str,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id")],
        not_null={"site_id", "started_at", "status"},
        defaults={"pages": 0, "articles_new": 0, "articles_updated": 0, "errors": 0},
    )

    db["captures"].create(
        {
            "id": int,
            "crawl_id": int,
            "url": str,
            "method": str,
            "status": int,
            "content_type": str,
            "content_length": int,
            "fetched_at": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "payload_digest": str,
            "request_record_id": str,
            "response_record_id": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"crawl_id", "url", "fetched_at"},
    )
    db["captures"].create_index(["url"])
    db["captures"].create_index(["crawl_id"])

    db["articles"].create(
        {
            "id": int,
            "url": str,
            "article_key": str,
            "site_id": int,
            "category": str,
            "title": str,
            "summary": str,
            "body": str,
            "author": str,
            "published_at": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
            "capture_id": int,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id"), ("capture_id", "captures", "id")],
        not_null={"url", "site_id", "title", "body", "content_hash"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["site_id", "article_key"], unique=True)
    db["articles"].create_index(["published_at"])

    db["images"].create(
        {"id": int, "article_id": int, "src": str, "alt": str, "caption": str, "position": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "src", "position"},
    )
    db["images"].create_index(["article_id", "position"], unique=True)

    db["attachments"].create(
        {
            "id": int,
            "article_id": int,
            "url": str,
            "filename": str,
            "link_text": str,
            "content_type": str,
            "size": int,
            "sha256": str,
            "capture_id": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")],
        not_null={"article_id", "url"},
    )
    db["attachments"].create_index(["article_id", "url"], unique=True)
    db["attachments"].create_index(["url"])


@migrations()
def m002_body_html_and_text_flags(db: Database) -> None:
    db["articles"].add_column("body_html", str)
    db["articles"].add_column("text_flags", str)


@migrations()
def m003_frontier(db: Database) -> None:
    """What each crawl has discovered, fetched and finished: what a resumed crawl continues."""
    db["frontier"].create(
        {
            "id": int,
            "crawl_id": int,
            "url": str,
            "kind": str,
            "priority": int,
            "meta": str,
            "state": str,
            "capture_id": int,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"crawl_id", "url", "kind", "state"},
        defaults={"priority": 0, "state": "pending"},
    )
    db["frontier"].create_index(["crawl_id", "url"], unique=True)
    db["frontier"].create_index(["crawl_id", "state"])


@migrations()
def m004_full_text_search(db: Database) -> None:
    """Diacritic-insensitive search (đ folded too), filled from the articles already stored."""
    from archive.search import create_index, index_article

    create_index(db)
    for aid, title, summary, body in db.execute(
        "SELECT id, title, summary, body FROM articles"
    ).fetchall():
        index_article(db, aid, title, summary or "", body)


@migrations()
def m005_article_history(db: Database) -> None:
    """Earlier texts of articles that changed, and when an article was taken down."""
    db["article_versions"].create(
        {
            "id": int,
            "article_id": int,
            "title": str,
            "summary": str,
            "body": str,
            "author": str,
            "published_at": str,
            "content_hash": str,
            "seen_from": str,
            "seen_until": str,
            "capture_id": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("capture_id", "captures", "id")],
        not_null={"article_id", "body", "content_hash"},
    )
    db["article_versions"].create_index(["article_id", "seen_until"])
    db["articles"].add_column("gone_at", str)
    db["articles"].add_column("version_since", str)
    db.execute("UPDATE articles SET version_since = first_seen")


@migrations()
def m006_article_list_view(db: Database) -> None:
    """A view for browsing: each article with its site's host and its year, to facet on."""
    db.execute(
        "CREATE VIEW article_list AS SELECT a.id, a.url, s.host AS site, a.category, "
        "substr(a.published_at, 1, 4) AS year, a.published_at, a.title, a.summary, a.author, "
        "a.gone_at FROM articles a JOIN sites s ON s.id = a.site_id"
    )


@migrations()
def m007_search_filter_index(db: Database) -> None:
    """The columns search filters on, by article id, in a narrow index: filtering tens of
    thousands of full-text matches reads this instead of each wide article row (2-4x faster)."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS articles_search_filters "
        "ON articles(id, site_id, category, published_at)"
    )


@migrations()
def m008_recrawls(db: Database) -> None:
    """What re-crawls need: revisit records and the validators for conditional requests on
    captures, the figures of a crawl report on crawls, registered sites and their schedules."""
    for column, kind in (
        ("record_type", str), ("refers_to", int), ("etag", str), ("last_modified", str)
    ):  # fmt: skip
        db["captures"].add_column(column, kind)
    db.execute("UPDATE captures SET record_type = 'response' WHERE warc_file IS NOT NULL")
    db["captures"].create_index(["payload_digest"])
    for column in (
        "articles_unchanged",
        "articles_gone",
        "revisits",
        "not_modified",
        "bytes_written",
    ):
        db.execute(f"ALTER TABLE crawls ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    for column in ("mode", "trigger", "log_file"):
        db["crawls"].add_column(column, str)
    for column in ("title", "profile", "retired_at"):
        db["sites"].add_column(column, str)
    db["articles"].add_column("last_crawl_id", int)
    db["schedules"].create(
        {
            "id": int,
            "site_id": int,
            "cron": str,
            "options": str,
            "created_at": str,
            "last_run_at": str,
            "last_crawl_id": int,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id")],
        not_null={"site_id", "cron", "created_at"},
    )
    db["schedules"].create_index(["site_id"], unique=True)


@migrations()
def m009_page_kinds(db: Database) -> None:
    """What each HTML page was judged to be (article, list, other, and why), so a crawl can say
    what it found and what it could not read, per portal, instead of finishing in silence."""
    for column, kind in (("page_kind", str), ("page_reason", str), ("article_like", int)):
        db["captures"].add_column(column, kind)
    for column in ("pages_html", "pages_article", "pages_list", "pages_other", "pages_rejected"):
        db.execute(f"ALTER TABLE crawls ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    for column in ("rejected_reasons", "warning"):
        db["crawls"].add_column(column, str)


@migrations()
def m010_evidence(db: Database) -> None:
    """Every article backed by the record of its page (issue 14). A capture whose record was
    lost (cut from a torn WARC tail) is kept and marked `lost_at`, so what pointed at it still
    does; articles whose page must be fetched again wait in `refetch`; images point at the
    capture of their file; triggers refuse an article without a capture. Old archives: an
    article left without a capture points at its URL's latest capture with a record if there
    is one, else at a lost capture row standing for the fetch it came from, and is queued."""
    db["captures"].add_column("lost_at", str)
    db["images"].add_column("capture_id", int, fk="captures", fk_col="id")
    db["images"].create_index(["src"])
    db["refetch"].create(
        {
            "id": int,
            "site_id": int,
            "url": str,
            "article_id": int,
            "reason": str,
            "queued_at": str,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id"), ("article_id", "articles", "id")],
        not_null={"site_id", "url", "queued_at"},
    )
    db["refetch"].create_index(["site_id", "url"], unique=True)
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    holder = (
        "SELECT CASE WHEN c.record_type = 'revisit' AND c.status != 304 AND c.refers_to IS NOT "
        "NULL THEN c.refers_to ELSE c.id END FROM captures c WHERE c.url = {url} AND "
        "c.status = 200 AND c.warc_file IS NOT NULL ORDER BY c.id DESC LIMIT 1"
    )
    db.execute(
        f"UPDATE articles SET capture_id = ({holder.format(url='articles.url')}) "
        "WHERE capture_id IS NULL"
    )
    db.execute(f"UPDATE images SET capture_id = ({holder.format(url='images.src')})")
    orphans = db.execute(
        "SELECT a.id, a.url, a.site_id, coalesce(a.last_crawl_id, (SELECT max(id) FROM crawls "
        "WHERE site_id = a.site_id)), coalesce(a.version_since, a.last_seen, a.first_seen) "
        "FROM articles a WHERE a.capture_id IS NULL"
    ).fetchall()
    for article_id, url, site_id, crawl_id, seen in orphans:
        if crawl_id is None:
            continue  # no crawl of its site to have fetched it: left for verify to list
        cursor = db.execute(
            "INSERT INTO captures (crawl_id, url, method, fetched_at, error, lost_at) "
            f"VALUES (?, ?, 'GET', ?, 'record lost before m010', {now})",
            [crawl_id, url, seen],
        )
        db.execute(
            "UPDATE articles SET capture_id = ? WHERE id = ?", [cursor.lastrowid, article_id]
        )
        db.execute(
            "INSERT OR IGNORE INTO refetch (site_id, url, article_id, reason, queued_at) "
            f"VALUES (?, ?, ?, 'record lost', {now})",
            [site_id, url, article_id],
        )
    for event in ("INSERT", "UPDATE OF capture_id"):
        name = "articles_capture_" + ("on_insert" if event == "INSERT" else "on_update")
        db.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON articles WHEN NEW.capture_id IS NULL "
            "BEGIN SELECT RAISE(ABORT, 'an article needs the capture of its page'); END"
        )


@migrations()
def m011_hosts(db: Database) -> None:
    """Per-host politeness kept in the archive (`govarchive hosts set`): every crawl of the
    archive paces each host by its rule, portals and shared media hosts alike."""
    db["hosts"].create(
        {"host": str, "delay": float, "concurrency": int, "updated_at": str},
        pk="host",
        not_null={"updated_at"},
    )


@migrations()
def m012_merges(db: Database) -> None:
    """What `govarchive merge` needs to bring shards (archives a fleet node filled) into this
    one, and to do it once: the archive's own id, which shards' crawls and captures are copies
    of (by that shard's id and their ids there)."""
    import uuid

    db["archive_info"].create({"key": str, "value": str}, pk="key", not_null={"value"})
    db.execute("INSERT INTO archive_info (key, value) VALUES ('id', ?)", [uuid.uuid4().hex])
    db["crawls"].add_column("merged_from", str)
    db.execute(
        "CREATE UNIQUE INDEX crawls_merged_from ON crawls(merged_from) "
        "WHERE merged_from IS NOT NULL"
    )
    db["captures"].add_column("origin_id", int)
    db.execute(
        "CREATE INDEX captures_origin ON captures(crawl_id, origin_id) WHERE origin_id IS NOT NULL"
    )


@migrations()
def m013_fleet(db: Database) -> None:
    """The Scrapyd nodes of `govarchive fleet` and the jobs dispatched to them (issue 15): which
    site is crawling where, into which shard, with which code, so a site is never on two nodes at
    once and a job lost with its node is known and dispatched again. No credentials: they come
    from the environment or ~/.netrc each time, never from the archive."""
    db["fleet_nodes"].create(
        {"name": str, "url": str, "shards": str, "added_at": str},
        pk="name",
        not_null={"url", "shards", "added_at"},
    )
    db["fleet_nodes"].create_index(["url"], unique=True)
    db["fleet_jobs"].create(
        {
            "id": int,
            "site_id": int,
            "node": str,
            "job_id": str,
            "shard": str,
            "version": str,
            "trigger": str,
            "dispatched_at": str,
            "state": str,
            "state_at": str,
            "finish_reason": str,
        },
        pk="id",
        foreign_keys=[("site_id", "sites", "id")],
        not_null={"site_id", "node", "job_id", "shard", "version", "dispatched_at", "state"},
    )
    db["fleet_jobs"].create_index(["node", "job_id"], unique=True)
    db["fleet_jobs"].create_index(["site_id", "id"])


@migrations()
def m014_extraction(db: Database) -> None:
    """Re-extraction from the WARC files (`govarchive extract`, issue 16): which extractor
    version produced each article's text, articles the current rules refuse (kept, flagged,
    never deleted), and the runs, so a cut-off run continues where it stopped."""
    for column in ("extractor_version", "rejected_by", "rejected_reason"):
        db["articles"].add_column(column, str)
    db["extract_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "filters": str,
            "extractor_version": str,
            "last_capture_id": int,
            "pages": int,
            "articles_new": int,
            "articles_changed": int,
            "articles_unchanged": int,
            "articles_flagged": int,
            "seconds": float,
        },
        pk="id",
        not_null={"started_at", "status", "filters", "extractor_version"},
        defaults={
            "last_capture_id": 0,
            "pages": 0,
            "articles_new": 0,
            "articles_changed": 0,
            "articles_unchanged": 0,
            "articles_flagged": 0,
            "seconds": 0.0,
        },
    )


@migrations()
def m015_article_capture_index(db: Database) -> None:
    """Articles by the capture holding their page: `govarchive extract` asks it once a page
    (without it a scan of every article each time: 2,000 articles took 3.2 s of 9), verify and
    merge ask it too."""
    db.execute("CREATE INDEX IF NOT EXISTS articles_capture ON articles(capture_id)")


@migrations()
def m016_attachment_texts(db: Database) -> None:
    """The text of archived attachment files (`govarchive filetext`, issue 17): a row per page
    (a sheet for a workbook, the whole text for a format without pages), by the capture holding
    the file's bytes, so a file linked from many articles or fetched again is read once; a row
    with no page is a note on the file as a whole (why it was not, or not fully, read). Searched
    through its own diacritic-folding index, like the articles."""
    from archive.attachment_texts import create_index

    db["attachment_texts"].create(
        {
            "id": int,
            "capture_id": int,
            "page": int,
            "text": str,
            "method": str,
            "ocr_confidence": float,
            "error": str,
            "legacy_encoding": str,
            "extractor_version": str,
            "extracted_at": str,
        },
        pk="id",
        foreign_keys=[("capture_id", "captures", "id")],
        not_null={"capture_id", "text", "method", "extractor_version", "extracted_at"},
    )
    db.execute(
        "CREATE UNIQUE INDEX attachment_texts_page ON attachment_texts(capture_id, "
        "coalesce(page, 0))"
    )
    create_index(db)
    db.execute(
        "CREATE VIEW attachment_text_list AS SELECT t.id, c.url, t.page, t.method, "
        "t.ocr_confidence, t.error, t.text, t.capture_id FROM attachment_texts t "
        "JOIN captures c ON c.id = t.capture_id"
    )


@migrations()
def m017_documents(db: Database) -> None:
    """Official documents (issue 17): a row a document of a site, keyed by its number, with its
    files and every page that shows it (the evidence), and a diacritic-free search over its
    number, type, abstract, issuer, signer and field. See archive/documents.py."""
    from archive.documents import create_tables

    create_tables(db)


def apply(db: Database) -> None:
    migrations.apply(db)
