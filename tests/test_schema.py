"""docs/schema.md must explain every column the migrations create."""

from __future__ import annotations

import re
from pathlib import Path

from archive.db import open_database

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def documented() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = tables.setdefault(heading.group(1), set())
        row = re.match(r"^\| (\w+) \|", line)
        if row and current is not None and row.group(1) != "column":
            current.add(row.group(1))
    return tables


def test_every_column_documented(tmp_path):
    db = open_database(tmp_path / "archive.db")
    docs = documented()
    for table in db.table_names():
        if table.startswith("_") or "_fts_" in table:  # FTS5's own tables
            continue
        columns = {c.name for c in db[table].columns}
        assert table in docs, f"table {table} missing from docs/schema.md"
        assert columns == docs[table], f"{table}: {columns ^ docs[table]}"


def test_migrations_are_recorded_and_idempotent(tmp_path):
    open_database(tmp_path / "archive.db").close()
    db = open_database(tmp_path / "archive.db")
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == [
        "m001_core",
        "m002_body_html_and_text_flags",
        "m003_frontier",
        "m004_full_text_search",
        "m005_article_history",
        "m006_article_list_view",
        "m007_search_filter_index",
        "m008_recrawls",
        "m009_page_kinds",
        "m010_evidence",
        "m011_hosts",
        "m012_merges",
        "m013_fleet",
        "m014_extraction",
        "m015_article_capture_index",
        "m016_attachment_texts",
        "m017_documents",
    ]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
