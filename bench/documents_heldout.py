"""Document (văn bản) detection on a skin nobody tuned it on, reported apart from the two it was
built on: how well it generalises to portals nobody here has seen.

    .venv/bin/python -m bench.documents_heldout

The held-out sample portal `vanban3` (DOCUMENT_HELD_OUT: a list of labelled blocks, no table;
detail pages of <p><strong>Label:</strong> value</p> lines with a "Văn bản liên quan" box; one
document told of in a news article) is served by `govarchive sample-portal`, crawled with the
CLI into a temporary archive, and its `documents` table compared with gold_documents(). Then
the same for the tuned profiles (`vanban`, `vanban2`), as a reference. Figures, not assertions.

A stored document is matched to a gold one on its site by number with spacing, dash form and
letter case ignored (and the year, for numbers without one). For each gold document found:
each field exact (`number` as the page writes it; dates as the gold gives them; an empty text
and NULL alike), all eight exact ("exact metadata"), and its gold files among the stored ones.
"Extra" are stored documents matching no gold one. "As articles": listed gold documents whose
detail page, and list pages, stored in the articles table. "Fetched": gold files the crawl
captured at all (as a document's or an article's file).
"""

from __future__ import annotations

import json
import platform
import re
import sqlite3
import tempfile
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.sample_crawl import crawl_sample
from govarchive.sampleportal.content import DOCUMENT_HELD_OUT, DOCUMENT_PROFILES
from govarchive.sampleportal.gold import gold_articles, gold_documents
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.site import Site

FIELDS = (
    "number", "type", "issued_at", "effective_at", "issuer", "signer", "abstract", "field",
)  # fmt: skip
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def number_key(number: str) -> str:
    """A number with spacing, dash form and letter case ignored: `312 /TB-STNMT` = `312/tb-stnmt`."""
    text = unicodedata.normalize("NFC", number or "")
    return re.sub(r"\s+", "", _DASHES.sub("-", text)).upper()


def _year(number: str, issued_at: str | None) -> int | None:
    match = re.match(r"\s*\d+\s*/\s*(\d{4})\s*/", number or "")
    if match:
        return int(match.group(1))
    return int(issued_at[:4]) if issued_at else None


def _same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None)


def crawl(profiles: tuple[str, ...], archive: Path) -> list[Site]:
    with SamplePortalProcess(profiles) as portal:
        crawl_sample(portal, archive, ", ".join(profiles))
        return portal.sites


def score(archive: Path, site: Site) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    host = urlsplit(site.base).netloc
    rows = con.execute(
        "SELECT d.* FROM documents d JOIN sites s ON s.id = d.site_id WHERE s.host = ?", (host,)
    ).fetchall()
    files: dict[int, list[str]] = {}
    for f in con.execute(
        "SELECT f.document_id, f.url FROM document_files f JOIN documents d ON d.id = f.document_id"
        " JOIN sites s ON s.id = d.site_id WHERE s.host = ? ORDER BY f.document_id, f.position",
        (host,),
    ):
        files.setdefault(f["document_id"], []).append(f["url"])
    articles = {
        r[0]
        for r in con.execute(
            "SELECT a.url FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.host = ?",
            (host,),
        )
    }
    fetched = {
        r[0]
        for r in con.execute("SELECT url FROM captures WHERE url LIKE ?", (site.storage + "/%",))
    }
    con.close()

    by_key: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        by_key.setdefault(number_key(row["number"]), []).append(row)
    gold = gold_documents(site)
    used: set[int] = set()
    per_field = dict.fromkeys(FIELDS, 0)
    found = exact = gold_files = files_found = 0
    by_origin: dict[str, list[int]] = {}
    misses: list[str] = []
    as_articles: list[str] = []
    for g in gold:
        gold_files += len(g["files"])
        origin = by_origin.setdefault(g["found_on"], [0, 0])
        origin[1] += 1
        if g["found_on"] == "list" and g["url"] in articles:
            as_articles.append(g["number"])
        want_year = g.get("year") or _year(g["number"], g["issued_at"])
        candidates = [r for r in by_key.get(number_key(g["number"]), []) if r["id"] not in used]
        same_year = [r for r in candidates if r["year"] in (None, want_year)]
        row = (same_year or candidates or [None])[0]
        if row is None:
            misses.append(f"{g['number']} ({g['found_on']}): not found")
            continue
        used.add(row["id"])
        found += 1
        origin[0] += 1
        wrong = [k for k in FIELDS if not _same(row[k], g[k])]
        for k in FIELDS:
            per_field[k] += k not in wrong
        exact += not wrong
        stored_files = set(files.get(row["id"], []))
        files_found += sum(u in stored_files for u in g["files"])
        if wrong:
            diffs = "; ".join(f"{k}: {g[k]!r} -> {row[k]!r}" for k in wrong)
            misses.append(f"{g['number']} ({g['found_on']}, stored from {row['source']}): {diffs}")
    list_pages = {g["list_url"] for g in gold if g["list_url"]}
    extra = [r["number"] for r in rows if r["id"] not in used]
    return {
        "profile": site.profile.key,
        "documents_found": f"{found}/{len(gold)}",
        "found_by_origin": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_origin.items())},
        "exact_metadata": f"{exact}/{len(gold)}",
        "field_accuracy": {k: f"{v}/{found}" for k, v in per_field.items()},
        "files_found": f"{files_found}/{gold_files}",
        "files_stored": sum(len(v) for v in files.values()),
        "gold_files_fetched": f"{sum(u in fetched for g in gold for u in g['files'])}/{gold_files}",
        "extra_documents": extra,
        "gold_documents_stored_as_articles": f"{len(as_articles)}/{len(gold)}",
        "list_pages_stored_as_articles": f"{len(list_pages & articles)}/{len(list_pages)}",
        "articles_stored": f"{len(articles)} (gold {len(gold_articles(site))})",
        "stored_sources": _count(r["source"] for r in rows),
        "misses": misses,
    }


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def report(title: str, profiles: tuple[str, ...]) -> None:
    print(f"# {title}: {', '.join(profiles)}")
    with tempfile.TemporaryDirectory() as tmp:
        for site in crawl(profiles, Path(tmp)):
            print(json.dumps(score(Path(tmp), site), ensure_ascii=False, indent=1))


def main() -> None:
    print(f"machine: {platform.machine()}; CPython {platform.python_version()}")
    report("documents, HELD-OUT skin (never tuned on)", DOCUMENT_HELD_OUT)
    report("documents, tuned skins (reference)", DOCUMENT_PROFILES)


if __name__ == "__main__":
    main()
