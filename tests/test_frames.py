"""Archive.search and Archive.articles results as tables (issue 18 part 3), on the sample
portals' crawled archive: still lists, typed like the Parquet export, and a one-line install
hint when pyarrow or pandas is missing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import sysconfig
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest

from archive import Archive
from archive.clock import from_iso
from archive.frames import Results
from exports.columns import ARTICLE_COLUMNS
from exports.writers import arrow_type

ROOT = Path(__file__).resolve().parent.parent
REPLAY_PYTHON = ROOT / ".venv-replay" / "bin" / "python"
VN = pa.timestamp("ms", tz="+07:00")
UTC = pa.timestamp("ms", tz="UTC")
QUERY = "nong thon"  # no diacritics: finds "nông thôn" on every sample portal


def test_search_results_stay_a_list_and_become_a_typed_table(crawled):
    with Archive(crawled.archive) as archive:
        hits = archive.search(QUERY, limit=1000)
    assert isinstance(hits, list) and isinstance(hits, Results)
    assert len(hits) > 20, "enough rows to mean something"
    table = hits.to_arrow()
    assert table.num_rows == len(hits)
    assert dict(zip(table.schema.names, table.schema.types, strict=True)) == {
        "id": pa.int64(),
        "url": pa.string(),
        "title": pa.string(),
        "site": pa.string(),
        "category": pa.string(),
        "published_at": VN,
        "snippet": pa.string(),
        "score": pa.float64(),
    }
    assert table.column("id").to_pylist() == [h.id for h in hits]
    assert table.column("score").to_pylist() == [h.score for h in hits]
    published = table.column("published_at").to_pylist()
    assert all(isinstance(p, datetime) and p.tzinfo for p in published)
    assert published == [from_iso(h.published_at) for h in hits], "the same instants"
    # A slice is still Results, so the top ten convert too.
    assert hits[:10].to_arrow().num_rows == 10


def test_articles_become_a_table_typed_like_the_parquet_export(crawled):
    with Archive(crawled.archive) as archive:
        rows = archive.articles()
        one_site = archive.articles(site=rows[0].site)
        none = archive.articles(since="2999-01-01")
    con = sqlite3.connect(crawled.archive / "archive.db")
    (total,) = con.execute("SELECT count(*) FROM articles").fetchone()
    con.close()
    table = rows.to_arrow()
    assert table.num_rows == len(rows) == total
    exported = {c.name: arrow_type(c) for c in ARTICLE_COLUMNS}
    for field in table.schema:
        assert field.type == exported[field.name], f"{field.name} as in the Parquet export"
    assert table.schema.field("first_seen").type == UTC
    assert table.schema.field("published_at").type == VN
    assert table.column("url").to_pylist() == [r.url for r in rows]
    assert table.column("body").to_pylist() == [r.body for r in rows]
    assert one_site.to_arrow().num_rows == len(one_site) < total
    assert set(one_site.to_arrow().column("site").to_pylist()) == {rows[0].site}
    # No rows, same columns: code that concatenates monthly pulls keeps working.
    assert len(none) == 0 and none.to_arrow().num_rows == 0
    assert none.to_arrow().schema == table.schema


# Run in the tools venv, which has pandas (in .venv sqlite-utils would import it into every
# crawl); .venv's packages come after its own, for govarchive's other dependencies.
PANDAS_SCRIPT = """
import json, site, sys
sys.path.insert(0, sys.argv[1])
site.addsitedir(sys.argv[2])
from archive import Archive

with Archive(sys.argv[3]) as a:
    hits, rows = a.search(sys.argv[4], limit=1000).to_pandas(), a.articles().to_pandas()
months = rows.groupby(rows.published_at.dt.strftime("%Y-%m")).size()
print(json.dumps({
    "hits": len(hits), "rows": len(rows),
    "hit_types": {k: str(v) for k, v in hits.dtypes.items()},
    "row_types": {k: str(v) for k, v in rows.dtypes.items()},
    "months": {k: int(v) for k, v in months.items()},
    "first_hit_id": int(hits.id.iloc[0]),
}))
"""


def test_to_pandas_gives_aware_timestamps_and_integers(crawled):
    if not REPLAY_PYTHON.exists():
        pytest.skip("pandas is not installed: `make replay` puts it in .venv-replay")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not (ROOT / ".venv-replay" / "lib" / version).is_dir():
        pytest.skip(f".venv-replay is not {version}: .venv's packages would not load in it")
    with Archive(crawled.archive) as archive:
        hits, rows = archive.search(QUERY, limit=1000), archive.articles()
    venv_packages = sysconfig.get_path("purelib")
    out = subprocess.run(
        [str(REPLAY_PYTHON), "-c", PANDAS_SCRIPT, str(ROOT), venv_packages, str(crawled.archive)]
        + [QUERY],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["hits"] == len(hits) and got["rows"] == len(rows)
    assert got["first_hit_id"] == hits[0].id, "best match first, as in the list"
    assert got["hit_types"]["id"] == "int64" and got["hit_types"]["score"] == "float64"
    assert got["hit_types"]["published_at"] == "datetime64[ms, UTC+07:00]"
    assert got["row_types"]["first_seen"] == "datetime64[ms, UTC]"
    assert got["row_types"]["published_at"] == "datetime64[ms, UTC+07:00]"
    by_month: dict[str, int] = {}
    for r in rows:  # the month in Vietnam time, as the portal shows it (pandas drops NaT)
        if r.published_at:
            by_month[r.published_at[:7]] = by_month.get(r.published_at[:7], 0) + 1
    assert got["months"] == by_month


MISSING_SCRIPT = """
import sys
sys.modules["pandas"] = sys.modules["pyarrow"] = None  # as if neither were installed
from archive import Archive

rows = Archive(sys.argv[1]).articles(limit=3)
try:
    rows.to_arrow()
except ImportError as exc:
    print(type(exc).__name__, exc.name, exc.__cause__, exc.__suppress_context__, sep="|")
    print(exc)
rows.to_pandas()
"""


def test_a_missing_library_is_one_line_saying_what_to_install(crawled):
    out = subprocess.run(
        [sys.executable, "-c", MISSING_SCRIPT, str(crawled.archive)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    kind, message = out.stdout.splitlines()
    assert kind == "MissingLibrary|pyarrow|None|True"
    assert message == "to_arrow() needs pyarrow, which is not installed: pip install pyarrow"
    assert out.stderr.splitlines()[-1] == (
        "archive.frames.MissingLibrary: to_pandas() needs pandas, which is not installed: "
        "pip install -e '.[analysis]' (or pip install pandas)"
    )
    assert "During handling" not in out.stderr and "ModuleNotFoundError" not in out.stderr
