"""The archive's CDXJ index, DIR/indexes/index.cdxj, kept up to date after each crawl.

Lines come from cdxj-indexer (the indexer pywb and py-wacz use): `<SURT> <timestamp> {json}`
with url, mime, status, digest, length, offset and filename (relative to DIR/warc/), sorted, so
replay tools and `grep`/`look` can use it as is. An update indexes only the WARC files not yet
in it and merges their sorted lines in (a streaming merge: memory stays flat); a file that
changed since it was indexed (cut back by `verify --repair`) makes it rebuild. Files a running
crawl is still writing wait for the next update. DIR/indexes/indexed.json lists what is in.
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
import tempfile
from pathlib import Path

from archive.folder import ArchiveFolder

INDEX_NAME = "index.cdxj"
LISTING = "indexed.json"


def index_warcs(paths: list[Path], out: Path, root: Path | None = None) -> None:
    """Sorted CDXJ of `paths` into `out`; filenames relative to `root` (default: bare names)."""
    from cdxj_indexer.main import CDXJIndexer  # only when indexing: a crawl starts faster

    with out.open("w", encoding="utf-8") as fh:
        CDXJIndexer(
            fh,
            [str(p) for p in paths],
            sort=True,
            post_append=True,
            fields="referrer",
            dir_root=str(root) if root else None,
        ).process_all()


def _busy_files(folder: ArchiveFolder) -> set[str]:
    """WARC files that running crawls write to."""
    try:
        con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        return {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT warc_file FROM captures WHERE warc_file IS NOT NULL AND crawl_id "
                "IN (SELECT id FROM crawls WHERE status = 'running')"
            )
        }
    except sqlite3.Error:
        return set()
    finally:
        con.close()


def update_index(folder: ArchiveFolder, rebuild: bool = False) -> tuple[int, int]:
    """Bring DIR/indexes/index.cdxj up to date. Returns (files indexed now, files in the index).
    Call it holding the archive lock (one writer)."""
    index_dir = folder.root / "indexes"
    index_dir.mkdir(exist_ok=True)
    index, listing = index_dir / INDEX_NAME, index_dir / LISTING
    known: dict[str, int] = json.loads(listing.read_text()) if listing.is_file() else {}
    busy = _busy_files(folder)
    present = {p.name: p.stat().st_size for p in sorted(folder.warc_dir.glob("*.warc.gz"))}
    if rebuild or not index.is_file() or any(present.get(n) != s for n, s in known.items()):
        known = {}
    new = [n for n in sorted(present) if n not in known and n not in busy]
    if not new and index.is_file():
        return 0, len(known)
    with tempfile.TemporaryDirectory(dir=index_dir) as tmp:
        fresh = Path(tmp) / "new.cdxj"
        index_warcs([folder.warc_dir / n for n in new], fresh)
        merged = Path(tmp) / "merged.cdxj"
        old = index if known and index.is_file() else None
        with merged.open("w", encoding="utf-8") as out, fresh.open(encoding="utf-8") as a:
            if old is None:
                out.writelines(a)
            else:
                with old.open(encoding="utf-8") as b:
                    out.writelines(heapq.merge(a, b))
        os.replace(merged, index)
    known.update({n: present[n] for n in new})
    tmp_listing = listing.with_suffix(".tmp")
    tmp_listing.write_text(json.dumps(known, indent=0, sort_keys=True))
    os.replace(tmp_listing, listing)
    return len(new), len(known)
