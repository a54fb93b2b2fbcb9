"""Official documents (văn bản) as rows of their own (issue 17): one row a document of a site,
keyed by its number (`71/2024/QĐ-UBND` folded; a number without a year is one document a year,
since serials restart each January), filled from every page that shows it. A detail page's
fields outrank a list row's, which outrank what an article's prose tells; a field a better page
leaves empty keeps what a lesser one gave. Every row hangs on the capture of a page that shows
it (`capture_id`, the best page; `document_pages`, all of them), so `verify` can prove each one
is backed by a WARC record, as it does for articles."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import TYPE_CHECKING

from archive.doc_numbers import DocNumber, fold, parse

if TYPE_CHECKING:
    from sqlite_utils import Database

    from archive.db import ArchiveDB

RANK = {"article": 1, "list": 2, "detail": 3}  # whose word counts, field by field
FIELDS = ("type", "issued_at", "effective_at", "issuer", "signer", "abstract", "field")
FTS_TABLE = "documents_fts"


@dataclass
class DocumentRecord:
    """A document as one page shows it (the crawler's FoundDocument, in the archive's terms)."""

    number_text: str = ""
    type: str = ""
    issued_at: str | None = None
    effective_at: str | None = None
    issuer: str = ""
    signer: str = ""
    abstract: str = ""
    field: str = ""
    files: list[str] = dataclass_field(default_factory=list)
    detail_url: str | None = None

    @cached_property
    def number(self) -> DocNumber | None:
        """The number parsed (once: storing a record asks it for its key and its columns)."""
        return parse(self.number_text) if self.number_text else None


def create_tables(db: Database) -> None:
    db["documents"].create(
        {
            "id": int,
            "site_id": int,
            "doc_key": str,
            "number": str,
            "number_key": str,
            "serial": str,
            "year": int,
            "type": str,
            "issued_at": str,
            "effective_at": str,
            "issuer": str,
            "signer": str,
            "abstract": str,
            "field": str,
            "detail_url": str,
            "source": str,
            "capture_id": int,
            "article_id": int,
            "first_seen": str,
            "last_seen": str,
            "last_crawl_id": int,
        },
        pk="id",
        foreign_keys=[
            ("site_id", "sites", "id"),
            ("capture_id", "captures", "id"),
            ("article_id", "articles", "id"),
            ("last_crawl_id", "crawls", "id"),
        ],
        not_null={"site_id", "doc_key", "source", "capture_id", "first_seen", "last_seen"},
    )
    db.execute("CREATE UNIQUE INDEX documents_key ON documents(site_id, doc_key)")
    db.execute("CREATE INDEX documents_serial ON documents(serial)")
    db.execute("CREATE INDEX documents_capture ON documents(capture_id)")
    db["document_files"].create(
        {"id": int, "document_id": int, "url": str, "position": int, "capture_id": int},
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("capture_id", "captures", "id")],
        not_null={"document_id", "url", "position"},
    )
    db.execute("CREATE UNIQUE INDEX document_files_url ON document_files(document_id, url)")
    db.execute("CREATE INDEX document_files_by_url ON document_files(url)")
    db["document_pages"].create(
        {"document_id": int, "capture_id": int, "source": str},
        pk=("document_id", "capture_id"),
        foreign_keys=[("document_id", "documents", "id"), ("capture_id", "captures", "id")],
        not_null={"source"},
    )
    db.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(number, type, abstract, issuer, signer, "
        "field, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE VIEW document_list AS SELECT d.id, s.host AS site, d.number, d.type, "
        "substr(d.issued_at, 1, 10) AS issued, substr(d.issued_at, 1, 4) AS year, d.issuer, "
        "d.signer, d.abstract, d.field, d.source, d.detail_url, c.url AS page_url, "
        "(SELECT count(*) FROM document_files f WHERE f.document_id = d.id) AS files "
        "FROM documents d JOIN sites s ON s.id = d.site_id JOIN captures c ON c.id = d.capture_id"
    )


def doc_key(record: DocumentRecord, year: int | None) -> str | None:
    """What makes two pages' documents one: the folded number (and, for a number with no
    year, the year it was issued or published in); a document with no number, its abstract and
    date. None: nothing to tell it by."""
    number = record.number
    if number is not None:
        return number.key if number.year or not year else f"{number.key}@{year}"
    if record.abstract:
        digest = hashlib.blake2b(fold(record.abstract).encode(), digest_size=10).hexdigest()
        return f"~{digest}@{(record.issued_at or '')[:10]}"
    return None


def store_documents(
    archive: ArchiveDB,
    site_id: int,
    crawl_id: int,
    capture_id: int,
    source: str,
    records: Sequence[DocumentRecord],
    now: str,
    published_year: int | None = None,
) -> int:
    """The documents a page shows (inside the caller's write transaction); returns how many
    were new. `published_year`: the year of the article publishing them, for a number with no
    year and no date of its own."""
    db = archive.db
    new = 0
    article = None
    if source == "article":
        row = db.execute("SELECT id FROM articles WHERE capture_id = ?", [capture_id]).fetchone()
        article = row[0] if row else None
    for record in records:
        year = int(record.issued_at[:4]) if record.issued_at else published_year
        key = doc_key(record, year)
        if key is None:
            continue
        document_id, added = _upsert(
            db, site_id, crawl_id, capture_id, source, record, key, year, article, now
        )
        new += added
        for url in record.files:  # a file fetched already: the response holding it, as images
            held = archive.last_response(url)
            db.execute(
                "INSERT OR IGNORE INTO document_files (document_id, url, position, capture_id) "
                "VALUES (?, ?, (SELECT count(*) FROM document_files WHERE document_id = ?), ?)",
                [document_id, url, document_id, held[0] if held else None],
            )
        db.execute(
            "INSERT OR IGNORE INTO document_pages (document_id, capture_id, source) "
            "VALUES (?, ?, ?)",
            [document_id, capture_id, source],
        )
        _index(db, document_id)
    page = db.execute("SELECT url FROM captures WHERE id = ?", [capture_id]).fetchone()
    if page:  # a page queued because its record was lost is backed again
        db.execute("DELETE FROM refetch WHERE url = ? AND article_id IS NULL", [page[0]])
    return new


def _upsert(
    db: Database,
    site_id: int,
    crawl_id: int,
    capture_id: int,
    source: str,
    record: DocumentRecord,
    key: str,
    year: int | None,
    article: int | None,
    now: str,
) -> tuple[int, int]:
    number = record.number
    given = {name: getattr(record, name) or None for name in FIELDS}
    row = db.execute(
        f"SELECT id, source, {', '.join(FIELDS)} FROM documents WHERE site_id = ? AND doc_key = ?",
        [site_id, key],
    ).fetchone()
    if row is None:
        fresh = {
            "site_id": site_id,
            "doc_key": key,
            "number": number.text if number else (record.number_text or None),
            "number_key": number.key if number else None,
            "serial": (number.serial.lstrip("0") or "0") if number else None,
            "year": year,
            **given,
            "detail_url": record.detail_url,
            "source": source,
            "capture_id": capture_id,
            "article_id": article,
            "first_seen": now,
            "last_seen": now,
            "last_crawl_id": crawl_id,
        }
        cursor = db.execute(
            f"INSERT INTO documents ({', '.join(fresh)}) VALUES ({', '.join('?' * len(fresh))})",
            list(fresh.values()),
        )
        return int(cursor.lastrowid), 1
    document_id, held = row[0], row[1]
    outranks = RANK[source] >= RANK.get(held, 0)
    values = dict(zip(FIELDS, row[2:], strict=True))
    for name, value in given.items():
        if value is not None and (values[name] is None or outranks):
            values[name] = value
    sets = {
        **values,
        "last_seen": now,
        "last_crawl_id": crawl_id,
    }
    if outranks and _backs_better(db, capture_id, row[0]):
        sets.update(source=source, capture_id=capture_id)
    assignments = ", ".join(f"{name} = ?" for name in sets)
    db.execute(
        f"UPDATE documents SET {assignments}, detail_url = coalesce(detail_url, ?), "
        "article_id = coalesce(article_id, ?) WHERE id = ?",
        [*sets.values(), record.detail_url, article, document_id],
    )
    return int(document_id), 0


def _backs_better(db: Database, capture_id: int, document_id: int) -> bool:
    """Does this capture back the document better than the one it has? A page fetched again
    unchanged is a revisit record: the response its fields were first read from stays, as an
    article's does, unless that one's record was lost."""
    new = db.execute("SELECT record_type FROM captures WHERE id = ?", [capture_id]).fetchone()
    if new is not None and new[0] == "response":
        return True
    held = db.execute(
        "SELECT c.record_type, c.lost_at FROM documents d JOIN captures c ON c.id = d.capture_id "
        "WHERE d.id = ?",
        [document_id],
    ).fetchone()
    return held is None or held[1] is not None or held[0] != "response"


def _index(db: Database, document_id: int) -> None:
    from archive.search import fold as fold_text

    row = db.execute(
        "SELECT number, type, abstract, issuer, signer, field FROM documents WHERE id = ?",
        [document_id],
    ).fetchone()
    db.execute(
        f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, number, type, abstract, issuer, signer, "
        "field) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [document_id, *(fold_text(v or "") for v in row)],
    )


def file_fetched(db: Database, url: str, capture_id: int) -> None:
    """A document's file fetched: its rows point at the capture holding it."""
    db.execute("UPDATE document_files SET capture_id = ? WHERE url = ?", [capture_id, url])
