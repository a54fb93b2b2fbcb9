"""`govarchive export` on the sample portals' archive: exactly the filtered articles, in every
format, with a manifest whose counts and checksums are recomputed here, not trusted."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

FORMATS = ["jsonl", "csv", "parquet"]


def export(archive: Path, out: Path, *args: str):
    return run_cli("export", "--out", str(out), "--archive", str(archive), *args)


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text, newline="")))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def db_articles(archive: Path, where: str = "", params=()) -> dict[int, sqlite3.Row]:
    con = sqlite3.connect(archive / "archive.db")
    con.row_factory = sqlite3.Row
    rows = con.execute(
        "SELECT a.*, s.host AS site FROM articles a JOIN sites s ON s.id = a.site_id " + where,
        list(params),
    ).fetchall()
    con.close()
    return {r["id"]: r for r in rows}


def check_manifest(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json"}, "every data file listed, nothing else there"
    for f in manifest["files"]:
        data = (out / f["path"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest(), f["path"]
        assert f["bytes"] == len(data)
        assert f["rows"] == len(read_rows(out / f["path"]))
    by_table: dict[str, int] = {}
    for f in manifest["files"]:
        by_table[f["table"]] = by_table.get(f["table"], 0) + f["rows"]
    assert by_table == manifest["rows"]
    return manifest


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_export_matches_the_archive(crawled, tmp_path, fmt):
    out = tmp_path / "out"
    result = export(crawled.archive, out, "--format", fmt, "--include", "images,attachments")
    assert result.returncode == 0, result.stderr
    manifest = check_manifest(out)
    expected = db_articles(crawled.archive)
    rows = read_rows(out / f"articles.{fmt}")
    assert [int(r["id"]) for r in rows] == sorted(expected), "every article once, by id"
    for row in rows:
        stored = expected[int(row["id"])]
        for name in ("url", "title", "summary", "body", "author", "category", "site"):
            assert row[name] == (stored[name] or ("" if fmt == "csv" else stored[name])), name
    per_site: dict[str, int] = {}
    for r in expected.values():
        per_site[r["site"]] = per_site.get(r["site"], 0) + 1
    assert manifest["rows_per_site"] == per_site
    assert manifest["format"] == fmt and manifest["command"][:2] == ["govarchive", "export"]
    assert [c["name"] for c in manifest["schema"]["articles"]] == list(rows[0])
    assert all(c["description"] for c in manifest["schema"]["articles"])
    con = sqlite3.connect(crawled.archive / "archive.db")
    assert manifest["rows"]["images"] == con.execute("SELECT count(*) FROM images").fetchone()[0]
    n_att = con.execute("SELECT count(*) FROM attachments").fetchone()[0]
    assert manifest["rows"]["attachments"] == n_att


def test_filters_give_exactly_the_matching_articles(crawled, tmp_path):
    site = crawled.sites[0]
    host = site.base.split("://", 1)[1]
    con = sqlite3.connect(crawled.archive / "archive.db")
    category = con.execute(
        "SELECT a.category FROM articles a JOIN sites s ON s.id = a.site_id WHERE s.host = ? "
        "GROUP BY a.category ORDER BY count(*) DESC LIMIT 1",
        [host],
    ).fetchone()[0]
    con.close()
    out = tmp_path / "f"
    result = export(
        crawled.archive, out, "--format", "jsonl", "--site", host, "--category", category,
        "--since", "2023-03-01", "--until", "2024-12-31",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = db_articles(
        crawled.archive,
        "WHERE s.host = ? AND a.category = ? AND substr(a.published_at, 1, 10) "
        "BETWEEN '2023-03-01' AND '2024-12-31'",
        [host, category],
    )
    assert expected, "the filters should leave something to export"
    got = [r["id"] for r in read_rows(out / "articles.jsonl")]
    assert got == sorted(expected)
    manifest = check_manifest(out)
    assert manifest["filters"]["site"] == [host] and manifest["filters"]["category"] == category


def test_query_filter_folds_diacritics_like_search(crawled, tmp_path):
    from archive import Archive

    with Archive(crawled.archive) as archive:
        hits = {h.url for h in archive.search("nong thon", limit=1000)}
    assert hits
    out = tmp_path / "q"
    assert export(crawled.archive, out, "--format", "csv", "--query", "nong thon").returncode == 0
    assert {r["url"] for r in read_rows(out / "articles.csv")} == hits


def test_parquet_types_load_in_pyarrow_duckdb_and_pandas(crawled, tmp_path):
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "p"
    assert export(crawled.archive, out, "--format", "parquet").returncode == 0
    path = out / "articles.parquet"
    schema = pq.read_schema(path)
    assert schema.field("id").type == pa.int64()
    assert schema.field("published_at").type == pa.timestamp("ms", tz="+07:00")
    assert schema.field("first_seen").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("text_flags").type.value_type == pa.string()
    manifest = json.loads((out / "manifest.json").read_text())
    types = {c["name"]: c["type"] for c in manifest["schema"]["articles"]}
    assert all(types[f.name] == str(f.type) for f in schema), "the manifest documents the types"
    total = len(db_articles(crawled.archive))
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0] == total
    kind = con.execute(f"SELECT typeof(published_at), typeof(id) FROM '{path}' LIMIT 1").fetchone()
    assert kind == ("TIMESTAMP WITH TIME ZONE", "BIGINT")
    # pandas lives in the tools venv (make replay): in .venv sqlite-utils would import it into
    # every crawl.
    python = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin" / "python"
    if not python.exists():
        pytest.skip("pandas is not installed: `make replay` puts it in .venv-replay")
    script = (
        "import sys, pandas as pd; f = pd.read_parquet(sys.argv[1]); "
        "print(len(f), f['published_at'].dt.tz, "
        "int(f['text_flags'].map(lambda x: 'legacy_tcvn3' in list(x)).sum()))"
    )
    out = subprocess.run([str(python), "-c", script, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rows, tz, legacy = out.stdout.split()
    assert int(rows) == total and tz in ("+07:00", "UTC+07:00")
    assert int(legacy) > 0, "lists stay lists"


def test_csv_excel_option_writes_a_bom(crawled, tmp_path):
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    assert export(crawled.archive, plain, "--format", "csv").returncode == 0
    assert export(crawled.archive, excel, "--format", "csv", "--excel").returncode == 0
    assert not (plain / "articles.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    data = (excel / "articles.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:] == (plain / "articles.csv").read_bytes()
    assert "Lào Cai" in data.decode("utf-8-sig") or "ủy ban" in data.decode("utf-8-sig").lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_archive_and_filters_give_identical_bytes(crawled, tmp_path, fmt):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = export(crawled.archive, out, "--format", fmt, "--partition-by", "site,year",
                        "--include", "images")  # fmt: skip
        assert result.returncode == 0, result.stderr
    files_a = {f["path"]: f["sha256"] for f in check_manifest(a)["files"]}
    files_b = {f["path"]: f["sha256"] for f in check_manifest(b)["files"]}
    assert files_a == files_b and len(files_a) > 3


def test_hive_partitions_read_back_in_duckdb(crawled, tmp_path):
    import duckdb

    out = tmp_path / "h"
    assert (
        export(
            crawled.archive, out, "--format", "parquet", "--partition-by", "site,year"
        ).returncode
        == 0
    )
    dirs = {p.parent.relative_to(out / "articles").as_posix() for p in out.rglob("part-0.parquet")}
    assert all(d.startswith("site=") and "/year=" in d for d in dirs)
    got = (
        duckdb.connect()
        .execute(
            f"SELECT site, year, count(*) FROM read_parquet('{out}/articles/*/*/*.parquet', "
            "hive_partitioning = true) GROUP BY ALL ORDER BY ALL"
        )
        .fetchall()
    )
    con = sqlite3.connect(crawled.archive / "archive.db")
    want = con.execute(
        "SELECT s.host, substr(a.published_at, 1, 4), count(*) FROM articles a JOIN sites s "
        "ON s.id = a.site_id GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    from urllib.parse import unquote

    assert [(unquote(s), str(y), n) for s, y, n in got] == [(h, y, n) for h, y, n in want]


def test_fields_choose_and_order_the_columns(crawled, tmp_path):
    out = tmp_path / "fields"
    assert (
        export(crawled.archive, out, "--format", "csv", "--fields", "title,url,id").returncode == 0
    )
    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["title", "url", "id"]


def test_refusals_are_one_line_and_write_nothing(crawled, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    for args, message in [
        (["--format", "jsonl", "--out", str(taken)], "not empty"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--since", "2024-02-30"], "YYYY-MM-DD"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--fields", "title,nope"], "unknown field"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--site", "nowhere.vn"], "no site"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--include", "videos"], "--include"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--partition-by", "month"], "--partition-by"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--excel"], "--excel"),
        (["--format", "jsonl", "--out", str(tmp_path / "n"), "--query", '"unclosed'], "query"),
        (["--format", "xml", "--out", str(tmp_path / "n")], "format"),
    ]:  # fmt: skip
        result = run_cli("export", *args, "--archive", str(crawled.archive))
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, args
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "n").exists()
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    forced = export(crawled.archive, taken, "--format", "jsonl", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (taken / "keep.txt").exists() and (taken / "manifest.json").exists()


def test_a_failed_export_leaves_nothing_that_looks_complete(crawled, tmp_path):
    from archive.folder import ArchiveFolder
    from exports import ExportOptions, run_export

    out = tmp_path / "broken"

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        run_export(
            ArchiveFolder.existing(crawled.archive), ExportOptions("parquet", out), progress=fail
        )
    assert list(tmp_path.iterdir()) == []


def test_scrapy_feed_exporters_write_the_same_columns(sample_portal, tmp_path):
    site = sample_portal.sites[0]
    feeds = {
        str(tmp_path / "feed.parquet"): {"format": "articles-parquet"},
        str(tmp_path / "feed.jsonl"): {"format": "articles-jsonl"},
    }
    result = run_cli(
        "crawl", site.home_url(), "--archive", str(tmp_path / "a"), "--delay", "0",
        "--concurrency", "8", "--set", f"FEEDS={json.dumps(feeds)}",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    from_feed = {r["url"]: r for r in read_rows(tmp_path / "feed.parquet")}
    assert {r["url"] for r in read_rows(tmp_path / "feed.jsonl")} == set(from_feed)
    out = tmp_path / "export"
    assert export(tmp_path / "a", out, "--format", "parquet").returncode == 0
    exported = {r["url"]: r for r in read_rows(out / "articles.parquet")}
    assert set(from_feed) == set(exported) and len(exported) == len(site.portal.articles)
    for url, row in from_feed.items():
        for name, value in row.items():
            assert value == exported[url][name], (url, name)
