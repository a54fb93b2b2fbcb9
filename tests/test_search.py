"""Search and SQL on the archive of a real crawl of the sample portals."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata

import pytest

from archive import Archive, QueryError
from govarchive.sampleportal.gold import gold_articles
from tests.conftest import run_cli


def folded(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


def expected_urls(crawled, phrase: str) -> set[str]:
    want = folded(phrase)
    return {
        g["url"]
        for site in crawled.sites
        for g in gold_articles(site)
        if want in folded(" ".join((g["title"], g["summary"], g["body"])))
    }


def urls_of(hits) -> set[str]:
    return {h.url for h in hits}


@pytest.mark.parametrize(
    "query", ["duong lien thon", "đường liên thôn", "ĐƯỜNG LIÊN THÔN", '"duong lien thon"']
)
def test_d_folding_finds_duong(crawled, query):
    expected = expected_urls(crawled, "đường liên thôn")
    assert expected, "the sample portals mention đường liên thôn"
    with Archive(crawled.archive) as archive:
        hits = archive.search(f'"{query}"' if not query.startswith('"') else query, limit=500)
    assert urls_of(hits) == expected


def test_with_or_without_diacritics_same_articles(crawled):
    with Archive(crawled.archive) as archive:
        results = [
            urls_of(archive.search(f'"{q}"', limit=500))
            for q in ("Nghị quyết số 35", "nghi quyet so 35", "NGHI QUYET SO 35")
        ]
    assert results[0] == results[1] == results[2] == expected_urls(crawled, "nghị quyết số 35")


def test_words_prefix_and_operators(crawled):
    with Archive(crawled.archive) as archive:
        both = urls_of(archive.search("OCOP sao", limit=500))
        phrase = urls_of(archive.search('"OCOP 3 sao"', limit=500))
        prefix = urls_of(archive.search("OCO*", limit=500))
        either = urls_of(archive.search("OCOP OR VNeID", limit=500))
        without = urls_of(archive.search("OCOP NOT VNeID", limit=500))
        vneid = urls_of(archive.search("VNeID", limit=500))
        ocop = urls_of(archive.search("OCOP", limit=500))
    assert phrase == expected_urls(crawled, "OCOP 3 sao") and phrase <= both <= ocop
    assert prefix >= ocop
    assert ocop and vneid and either == ocop | vneid
    assert without == ocop - vneid


def test_filters(crawled):
    site = crawled.sites[1]
    host = site.base.split("://", 1)[1]
    with Archive(crawled.archive) as archive:
        everything = archive.search("xã", limit=1000)
        on_site = archive.search("xã", site=host, limit=1000)
        recent = archive.search("xã", since="2023-06-01", until="2023-12-31", limit=1000)
        category = site.portal.categories[0].name
        in_category = archive.search("xã", category=category, limit=1000)
    assert on_site and all(h.site == host for h in on_site) and len(on_site) < len(everything)
    assert recent and all("2023-06-01" <= h.published_at[:10] <= "2023-12-31" for h in recent)
    assert in_category and all(h.category == category for h in in_category)
    with pytest.raises(QueryError):
        Archive(crawled.archive).search("xã", since="June")


def test_cli_search_json_and_bad_query(crawled):
    result = run_cli(
        "search", "duong lien thon", "--archive", str(crawled.archive), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    rows = found["results"]
    assert rows and {"url", "title", "published_at", "snippet", "kind", "archived"} <= set(rows[0])
    assert found["total"] >= found["shown"] == len(rows)
    assert (
        "[" in rows[0]["snippet"] and "đ" in rows[0]["snippet"].lower() + rows[0]["title"].lower()
    )
    bad = run_cli("search", "nghi AND (", "--archive", str(crawled.archive))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("govarchive: error:") == 1


def test_sql_is_read_only(crawled):
    db = crawled.archive / "archive.db"
    before = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    for statement in ("DELETE FROM articles", "DROP TABLE articles", "UPDATE articles SET title = 'x'",
                      "CREATE TABLE t (x)"):  # fmt: skip
        result = run_cli("sql", statement, "--archive", str(crawled.archive))
        assert result.returncode == 1 and "readonly" in result.stderr, statement
        assert "Traceback" not in result.stderr
    after = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
    assert before == after
    out = run_cli(
        "sql",
        "SELECT count(*) AS n FROM articles",
        "--archive",
        str(crawled.archive),
        "--format",
        "csv",
    )
    assert list(csv.DictReader(io.StringIO(out.stdout))) == [{"n": str(before)}]


def test_python_api_articles(crawled):
    site = crawled.sites[0]
    with Archive(crawled.archive) as archive:
        rows = archive.articles(site=site.base.split("://", 1)[1], since="2023-03-01")
    assert rows and all(r.published_at[:10] >= "2023-03-01" for r in rows)
    assert rows == sorted(rows, key=lambda r: (r.published_at, r.id), reverse=True)


def test_reindexing_an_article_replaces_its_entry(tmp_path):
    """An edited article's old words stop matching, inside a grouped commit or not."""
    from archive.db import open_database
    from archive.search import FTS_TABLE, fold, index_article
    from archive.tx import GroupCommit, write_transaction

    for interval in (0, 10.0):
        db = open_database(tmp_path / f"a{interval}.db")
        group = GroupCommit(db, interval)
        for body in ("Đường liên thôn được bê tông hoá", "Trường học mới khánh thành"):
            with write_transaction(db):
                index_article(db, 7, "Tiêu đề", "", body)
        group.commit()
        match = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
        assert db.execute(match, [fold("đường")]).fetchall() == []
        assert db.execute(match, [fold("trường")]).fetchall() == [(7,)]
        db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('integrity-check')")


def test_cli_search_for_people_and_its_totals(crawled):
    """A short block a hit, fitted to the width, the matched words marked, the archived copy
    named; the closing line says how many there are in all; JSON and CSV carry the total."""
    import csv
    import io
    import os
    import subprocess

    from tests.conftest import govarchive_cmd

    everything = json.loads(run_cli("search", "xã", "--archive", str(crawled.archive),
                                    "--format", "json", "--limit", "1000").stdout)  # fmt: skip
    total = everything["total"]
    assert total == everything["shown"] == len(everything["results"]) > 20
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("GOVARCHIVE_ARCHIVE", None)
    shown = subprocess.run(govarchive_cmd("search", "xã", "--archive", str(crawled.archive)),
                           capture_output=True, text=True, env=env)  # fmt: skip
    lines = shown.stdout.splitlines()
    assert lines[-1] == f"showing 20 of {total} — use --limit"
    assert max(len(line) for line in lines) <= 80
    assert (
        sum(line.startswith("archived copy: http://127.0.0.1:8001/-/article/") for line in lines)
        == 20
    )
    assert "[xã]" in shown.stdout.lower() or "[xa]" in shown.stdout.lower()  # not a terminal
    first = everything["results"][0]
    assert lines[0] == first["title"][:80].rstrip() or first["title"].startswith(lines[0])
    table = list(csv.DictReader(io.StringIO(run_cli(
        "search", "xã", "--archive", str(crawled.archive), "--format", "csv").stdout)))  # fmt: skip
    assert len(table) == 20 and {r["total"] for r in table} == {str(total)}
    few = run_cli(
        "search", '"duong lien thon"', "--archive", str(crawled.archive), "--limit", "1000"
    )
    assert few.stdout.splitlines()[-1].endswith("result(s)")


def test_cli_search_in_a_terminal_emphasises_the_matched_words(crawled):
    """In a terminal (a pseudo-terminal here) the matched words take the terminal's emphasis
    (bold, underlined), not [ ] markers."""
    import os
    import pty
    import subprocess

    from tests.conftest import govarchive_cmd

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        govarchive_cmd("search", "duong lien thon", "--archive", str(crawled.archive)),
        stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60,
    )  # fmt: skip
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    text = out.decode("utf-8", "replace")
    assert done.returncode == 0, done.stderr
    assert "\x1b[1;4m" in text  # bold and underlined
    assert "[Đường]" not in text and "[đường]" not in text
    assert "archived copy: http://127.0.0.1:8001/-/article/" in text
