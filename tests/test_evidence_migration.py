"""m010 on an archive from before it: articles left without a capture (what the resume bug of
issue 14 made) point at their page's capture if the archive has one, else at a lost capture
standing for the fetch they came from, and are queued for refetch; then no article can lose
its capture again."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from archive import schema
from archive.db import open_database


def _archive_before_m010(path) -> None:
    old = Migrations("govarchive")
    old._migrations = [m for m in schema.migrations._migrations if m.name < "m010"]
    db = Database(path)
    old.apply(db)
    db.execute("INSERT INTO sites (id, host, root_url) VALUES (1, 'p.example', 'http://p/')")
    db.execute(
        "INSERT INTO crawls (id, site_id, started_at, status) VALUES (1, 1, '2024-01-01', 'finished')"
    )
    db.execute(
        "INSERT INTO captures (id, crawl_id, url, status, fetched_at, warc_file, warc_offset, "
        "warc_length, record_type) VALUES (7, 1, 'http://p/a-1', 200, 't', 'x.warc.gz', 0, 10, "
        "'response'), (8, 1, 'http://p/i.jpg', 200, 't', 'x.warc.gz', 10, 10, 'response')"
    )
    for aid, url in ((1, "http://p/a-1"), (2, "http://p/b-2")):
        db.execute(
            "INSERT INTO articles (id, url, article_key, site_id, title, body, content_hash, "
            "first_seen, last_seen, last_crawl_id) VALUES (?, ?, ?, 1, 't', 'b', 'h', 'f', 's', 1)",
            [aid, url, str(aid)],
        )
    db.execute(
        "INSERT INTO images (article_id, src, position) VALUES (1, 'http://p/i.jpg', 0), "
        "(2, 'http://p/never.jpg', 0)"
    )
    db.conn.commit()
    db.close()


def test_orphans_of_old_archives_are_backed_or_queued(tmp_path):
    path = tmp_path / "archive.db"
    _archive_before_m010(path)
    db = open_database(path)
    articles = dict(db.execute("SELECT id, capture_id FROM articles").fetchall())
    assert articles[1] == 7, "its page's capture, which the archive has"
    lost = db.execute(
        "SELECT url, lost_at IS NOT NULL, crawl_id FROM captures WHERE id = ?", [articles[2]]
    ).fetchone()
    assert lost == ("http://p/b-2", 1, 1)
    assert db.execute("SELECT url, article_id FROM refetch").fetchall() == [("http://p/b-2", 2)]
    images = dict(db.execute("SELECT src, capture_id FROM images").fetchall())
    assert images == {"http://p/i.jpg": 8, "http://p/never.jpg": None}
    with pytest.raises(sqlite3.IntegrityError, match="needs the capture of its page"):
        db.execute(
            "INSERT INTO articles (url, article_key, site_id, title, body, content_hash) "
            "VALUES ('http://p/c-3', '3', 1, 't', 'b', 'h')"
        )
    db.close()
