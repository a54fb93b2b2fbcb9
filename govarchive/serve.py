"""`govarchive serve`: the archive in Datasette, read-only, with search, facets and descriptions,
every article's archived copy (the govarchive_article plugin), and pywb beside it replaying the
pages as captured (govarchive/replay.py). docs/serve.md."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.folder import ArchiveFolder
from govarchive.replay import Replay, start_replay

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
PLUGINS = Path(__file__).resolve().parent / "datasette_plugins"
TEMPLATES = Path(__file__).resolve().parent / "datasette_templates"

SEARCH_SQL = """select a.url, a.title, s.host as site, a.category, a.published_at,
  snippet(articles_fts, -1, '[', ']', '…', 16) as snippet,
  '/-/article/' || a.id as archived_copy
from articles_fts
  join articles a on a.id = articles_fts.rowid
  join sites s on s.id = a.site_id
where articles_fts match govarchive_fts(:q)
  and (:site = '' or s.host = :site or s.name = :site)
  and (:since = '' or substr(a.published_at, 1, 10) >= :since)
  and (:until = '' or substr(a.published_at, 1, 10) <= :until)
order by articles_fts.rank
limit 100"""

SEARCH_FILES_SQL = """select c.url, t.page, t.method, t.ocr_confidence,
  snippet(attachment_texts_fts, 0, '[', ']', '…', 16) as snippet
from attachment_texts_fts
  join attachment_texts t on t.id = attachment_texts_fts.rowid
  join captures c on c.id = t.capture_id
where attachment_texts_fts match govarchive_fts(:q)
order by attachment_texts_fts.rank
limit 100"""

# Documents whose number, type, abstract, issuer, signer or field match, or the text of one of
# their files (a file's revisit read through the capture holding its bytes).
SEARCH_DOCUMENTS_SQL = """select d.number, d.type, substr(d.issued_at, 1, 10) as issued,
  d.issuer, d.abstract, s.host as site, coalesce(d.detail_url, c.url) as url
from documents d
  join sites s on s.id = d.site_id
  join captures c on c.id = d.capture_id
where (d.id in (select rowid from documents_fts where documents_fts match govarchive_fts(:q))
  or d.id in (select f.document_id from document_files f
    join captures fc on fc.id = f.capture_id
    join attachment_texts t on t.capture_id =
      case when fc.record_type = 'revisit' then fc.refers_to else fc.id end
    join attachment_texts_fts on attachment_texts_fts.rowid = t.id
    where attachment_texts_fts match govarchive_fts(:q)))
  and (:site = '' or s.host = :site or s.name = :site)
order by d.issued_at desc
limit 100"""

PER_MONTH_SQL = """select s.host as site, substr(a.published_at, 1, 7) as month, count(*) as articles
from articles a join sites s on s.id = a.site_id
group by s.host, month order by s.host, month"""


def column_descriptions(doc: Path = SCHEMA_DOC) -> dict[str, dict[str, str]]:
    """{table: {column: meaning}} from the tables in docs/schema.md."""
    tables: dict[str, dict[str, str]] = {}
    current = None
    if not doc.exists():
        return tables
    for line in doc.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        row = re.match(r"^\| (\w+) \| [^|]+ \| (.+) \|$", line)
        if row and current is not None and row.group(1) != "column":
            current[row.group(1)] = row.group(2).replace("`", "")
    return tables


def metadata(replay: Replay | None = None) -> dict:
    described = column_descriptions()
    tables = {name: {"columns": cols} for name, cols in described.items()}
    tables.setdefault("article_list", {}).update(
        {
            "description": "Every article with its site and year: facet by site, category and year.",
            "fts_table": "articles_fts",
            "fts_pk": "id",
            "facets": ["site", "category", "year"],
            "sort_desc": "published_at",
        }
    )
    tables["articles"].update({"fts_table": "articles_fts", "fts_pk": "id"})
    tables.setdefault("document_list", {}).update(
        {
            "description": "Every official document (văn bản) with its site, issue day and "
            "year: facet by type, issuer and year.",
            "facets": ["type", "issuer", "year", "site"],
            "sort_desc": "issued",
        }
    )
    tables.setdefault("documents", {}).update({"fts_table": "documents_fts", "fts_pk": "id"})
    return {
        "title": "govarchive",
        "plugins": {
            "govarchive": {  # read by datasette_plugins/govarchive_article.py
                "replay_port": replay.port if replay else None,
                **({"missing": replay.missing} if replay and replay.missing else {}),
            }
        },
        "description": "Articles archived from Vietnam's VNPT-built government portals. Search "
        "works with or without diacritics (đ too) in the 'search' query.",
        "databases": {
            "archive": {
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search articles",
                        "description": "Words with or without diacritics; site, since and "
                        "until (YYYY-MM-DD) may be left empty. Titles link to the archived copy.",
                        "sql": SEARCH_SQL,
                    },
                    "search_attachments": {
                        "title": "Search attachment text",
                        "description": "The text of attached files (PDF pages, OCR'd scans, "
                        "DOC/DOCX, sheets), with or without diacritics: the file and the page.",
                        "sql": SEARCH_FILES_SQL,
                    },
                    "search_documents": {
                        "title": "Search documents",
                        "description": "Official documents by words of their number, type, "
                        "abstract, issuer, signer or field, or of the text of their files, "
                        "with or without diacritics; site may be left empty.",
                        "sql": SEARCH_DOCUMENTS_SQL,
                    },
                    "articles_per_site_per_month": {
                        "title": "Articles per site per month",
                        "sql": PER_MONTH_SQL,
                    },
                },
            }
        },
    }


def serve(archive: str | None, host: str, port: int) -> int:
    from archive import Archive

    folder = ArchiveFolder.existing(archive)
    Archive(folder.root).close()  # an archive from an older govarchive gets the current schema
    with tempfile.TemporaryDirectory() as tmp:
        replay = start_replay(folder, host, Path(tmp))
        try:
            if replay.missing:
                print(f"govarchive: note: {replay.missing}", file=sys.stderr)
            meta = Path(tmp) / "metadata.json"
            meta.write_text(json.dumps(metadata(replay), ensure_ascii=False), encoding="utf-8")
            command = [
                sys.executable, "-m", "datasette", "serve", str(folder.db_path),
                "--metadata", str(meta), "--plugins-dir", str(PLUGINS),
                "--template-dir", str(TEMPLATES),
                "--host", host, "--port", str(port), "--setting", "default_page_size", "50",
            ]  # fmt: skip
            return _run(command)
        finally:
            replay.stop()


def _run(command: list[str]) -> int:
    """Datasette runs as our child (pywb too): a stop (SIGTERM from a service manager or a
    test, Ctrl-C) is passed on to it and waited for, so no server outlives `govarchive serve`."""
    proc = subprocess.Popen(command)
    previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0 if code < 0 else code  # ended by the signal we passed on: a clean stop
