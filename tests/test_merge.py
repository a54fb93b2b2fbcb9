"""`govarchive merge` (issue 15): shards crawled apart come into one archive as the gold, once;
as a re-crawl would reconcile them; whatever point a kill cuts a merge at; and never with a
crawl still running in its shard."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from archive.merge import CRASH_AT
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import free_port, govarchive_cmd, run_cli

TABLES = ("crawls", "captures", "articles", "article_versions", "images", "attachments", "refetch")


def crawl(url: str, archive: Path) -> None:
    result = run_cli("crawl", url, "--archive", str(archive), "--delay", "0", "--concurrency", "8")
    assert result.returncode == 0, result.stderr


def merge(central: Path, *shards: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        govarchive_cmd("merge", *map(str, shards), "--archive", str(central)),
        capture_output=True, text=True, timeout=240, env={**os.environ, **(env or {})},
    )  # fmt: skip


def query(archive: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def counts(archive: Path) -> dict[str, int]:
    return {t: query(archive, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def assert_gold_once(central: Path, sites) -> None:
    for site in sites:
        host = site.home_url().split("//")[1].rstrip("/")
        stored = query(
            central,
            "SELECT a.article_key, a.title FROM articles a JOIN sites s ON s.id = a.site_id "
            "WHERE s.host = ? ORDER BY a.article_key",
            [host],
        )
        gold = sorted((g["key"], g["title"]) for g in gold_articles(site))
        assert stored == gold, f"{host}: {len(stored)} stored, {len(gold)} in the gold"
    check = run_cli("verify", "--archive", str(central))
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(scope="module")
def shards(sample_portal, tmp_path_factory) -> list[Path]:
    """Each sample portal crawled into a shard of its own, as a fleet node would."""
    out = []
    for site in sample_portal.sites:
        shard = tmp_path_factory.mktemp(f"shard-{site.profile.key}")
        crawl(site.home_url(), shard)
        out.append(shard)
    return out


def test_shards_merge_into_the_exact_gold_once(shards, sample_portal, tmp_path):
    central = tmp_path / "central"
    first = merge(central, *shards)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("1 crawl(s) merged") == len(shards), first.stdout
    assert_gold_once(central, sample_portal.sites)
    assert query(central, "SELECT count(*) FROM articles_fts") == query(
        central, "SELECT count(*) FROM articles"
    )
    merged = sorted(p.name for p in (central / "warc").glob("*.warc.gz"))
    from_shards = sorted(p.name for s in shards for p in (s / "warc").glob("*.warc.gz"))
    assert merged == from_shards
    index = (central / "indexes" / "index.cdxj").read_text()
    assert all(f'"filename": "{name}"' in index for name in merged)
    checked = subprocess.run(
        [str(Path(govarchive_cmd()[0]).parent / "warcio"), "check", "-v",
         *[str(central / "warc" / n) for n in merged]],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # each shard's crawl is its crawl here, with its figures
    for shard in shards:
        ((pages, new),) = query(shard, "SELECT pages, articles_new FROM crawls")
        sid = query(shard, "SELECT value FROM archive_info")[0][0]
        assert query(
            central, "SELECT pages, articles_new FROM crawls WHERE merged_from = ?", [f"{sid}/1"]
        ) == [(pages, new)]

    shown = run_cli("report", "1", "--archive", str(central))
    assert shown.returncode == 0 and "merged by govarchive merge from shard" in shown.stdout

    before = counts(central)
    again = merge(central, *shards, shards[0])
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("0 crawl(s) merged (1 merged before)") == len(shards)
    assert counts(central) == before
    assert sorted(p.name for p in (central / "warc").glob("*.warc.gz")) == merged

    # another order, another archive: the same articles
    other = tmp_path / "other"
    assert merge(other, *reversed(shards)).returncode == 0
    texts = "SELECT url, content_hash, extractor_version FROM articles ORDER BY url"
    assert query(other, texts) == query(central, texts)
    read_by = {r[0] for r in query(central, "SELECT DISTINCT extractor_version FROM articles")}
    assert (
        read_by
        == {
            r[0]
            for s in shards
            for r in query(s, "SELECT DISTINCT extractor_version FROM articles")
        }
        and None not in read_by
    )  # the code that read each text on its node, kept


@pytest.mark.parametrize("point", ["files:2", "rows:1", "rows:3", "index:1"])
def test_a_merge_killed_anywhere_is_finished_by_the_next(point, shards, sample_portal, tmp_path):
    central = tmp_path / "central"
    killed = merge(central, *shards, env={CRASH_AT: point})
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    done = run_cli("verify", "--archive", str(central))
    assert done.returncode == 0, done.stdout  # what the cut merge left holds together
    finished = merge(central, *shards)
    assert finished.returncode == 0, finished.stderr
    assert_gold_once(central, sample_portal.sites)
    assert query(central, "SELECT count(*) FROM crawls") == [(len(shards),)]
    assert not list((central / "warc").glob(".*.merging"))


def _state(archive: Path) -> tuple[list, list]:
    articles = query(
        archive, "SELECT url, content_hash, gone_at IS NOT NULL FROM articles ORDER BY url"
    )
    versions = query(
        archive,
        "SELECT a.url, v.content_hash FROM article_versions v JOIN articles a "
        "ON a.id = v.article_id ORDER BY a.url, v.content_hash",
    )
    return articles, versions


def test_merge_reconciles_as_a_recrawl_would(tmp_path):
    """A site crawled on one node, later on another (one article edited, one taken down): the
    merged archive holds what crawling it twice here holds, whichever shard comes in first."""
    port = free_port()
    early, late, here = tmp_path / "early", tmp_path / "late", tmp_path / "here"
    with SamplePortalProcess(("laocai",), ports=(port,)) as portal:
        crawl(portal.sites[0].home_url(), early)
        crawl(portal.sites[0].home_url(), here)
    with SamplePortalProcess(("laocai",), ports=(port,), revision=2) as portal:
        crawl(portal.sites[0].home_url(), late)
        crawl(portal.sites[0].home_url(), here)
    articles, versions = _state(here)
    assert versions and any(gone for _, _, gone in articles)  # the revision shows

    in_order = tmp_path / "in-order"
    assert merge(in_order, early).returncode == 0
    assert merge(in_order, late).returncode == 0
    assert _state(in_order) == (articles, versions)
    figures = "SELECT articles_new, articles_updated, articles_unchanged, articles_gone FROM crawls"
    assert query(in_order, figures + " ORDER BY id") == query(here, figures + " ORDER BY id")
    assert run_cli("verify", "--archive", str(in_order)).returncode == 0
    for archive in (here, in_order):  # what the second crawl did, told by its own captures
        shown = run_cli("report", "2", "--format", "json", "--archive", str(archive))
        said = json.loads(shown.stdout)
        assert (len(said["new"]), len(said["changed"]), len(said["gone"])) == (0, 1, 1), said

    late_first = tmp_path / "late-first"
    assert merge(late_first, late).returncode == 0
    result = merge(late_first, early)
    assert result.returncode == 0 and "older text(s) kept as versions" in result.stdout
    assert _state(late_first) == (articles, versions)
    assert run_cli("verify", "--archive", str(late_first)).returncode == 0


def test_a_crawl_still_running_in_its_shard_waits(tmp_path):
    """A node killed mid-crawl leaves its shard's crawl `running`: nothing of it is merged
    until it is finished (resumed), then all of it, once."""
    shard, central = tmp_path / "shard", tmp_path / "central"
    with SamplePortalProcess(("laocai",), delay=0.05) as portal:
        proc = subprocess.Popen(
            govarchive_cmd("crawl", portal.sites[0].home_url(), "--archive", str(shard),
                           "--delay", "0", "--concurrency", "2"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:  # the file may exist before its tables do
                if query(shard, "SELECT count(*) FROM articles")[0][0] >= 3:
                    break
            except sqlite3.Error:
                pass
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert query(shard, "SELECT status FROM crawls") == [("running",)]
        waiting = merge(central, shard)
        assert waiting.returncode == 0, waiting.stderr
        assert "waiting: crawl 1" in waiting.stdout and "is running" in waiting.stdout
        assert counts(central)["articles"] == 0 and counts(central)["crawls"] == 0
        assert run_cli("verify", "--archive", str(central)).returncode == 0

        resumed = run_cli("resume", "--archive", str(shard))
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert merge(central, shard).returncode == 0
        assert_gold_once(central, portal.sites)


def test_files_of_the_same_name_from_two_shards_both_kept(shards, sample_portal, tmp_path):
    """Two nodes with one host name may name WARC files alike: the second takes a name of its
    own, and its captures point at it."""
    twin = tmp_path / "twin"
    shutil.copytree(shards[1], twin)
    taken = min((shards[0] / "warc").glob("*.warc.gz")).name
    own = min((twin / "warc").glob("*.warc.gz"))
    own.rename(own.with_name(taken))
    con = sqlite3.connect(twin / "archive.db")
    with con:
        con.execute("UPDATE captures SET warc_file = ? WHERE warc_file = ?", [taken, own.name])
    con.close()
    central = tmp_path / "central"
    assert merge(central, shards[0], twin).returncode == 0
    names = sorted(p.name for p in (central / "warc").glob("*.warc.gz"))
    files = [*(shards[0] / "warc").glob("*.warc.gz"), *(twin / "warc").glob("*.warc.gz")]
    assert len(names) == len(files) and taken in names
    assert_gold_once(central, sample_portal.sites[:2])


def test_merge_refuses_what_is_no_shard_in_one_line(shards, tmp_path):
    missing = run_cli("merge", str(tmp_path / "nowhere"), "--archive", str(tmp_path / "c"))
    assert missing.returncode != 0 and "no shard at" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
    torn = tmp_path / "torn"
    torn.mkdir()
    (torn / "archive.db").write_bytes((shards[0] / "archive.db").read_bytes()[:3000])
    damaged = run_cli("merge", str(torn), "--archive", str(tmp_path / "c"))
    assert damaged.returncode != 0 and "archive.db is damaged" in damaged.stderr
    assert len(damaged.stderr.strip().splitlines()) == 1
    central = tmp_path / "c"
    assert merge(central, shards[0]).returncode == 0
    itself = run_cli("merge", str(central), "--archive", str(central))
    assert itself.returncode != 0 and "this archive itself" in itself.stderr
    assert len(itself.stderr.strip().splitlines()) == 1


def test_an_archive_of_sites_crawled_in_one_run_merges_whole(sample_portal, tmp_path):
    """Sites crawled together share payloads (robots.txt, a skin's files): a crawl's revisit
    records may point at another crawl's responses, both ways. Those crawls merge together."""
    together = tmp_path / "together"
    result = run_cli("crawl", *[s.home_url() for s in sample_portal.sites], "--archive",
                     str(together), "--delay", "0", "--concurrency", "8")  # fmt: skip
    assert result.returncode == 0, result.stderr
    # identical payloads (robots.txt, a shared skin's stylesheet) are revisited across crawls
    # (if none were, this test would prove nothing)
    ((forward, backward),) = query(
        together,
        "SELECT sum(r.crawl_id > o.crawl_id), sum(r.crawl_id < o.crawl_id) FROM captures r "
        "JOIN captures o ON o.id = r.refers_to WHERE r.crawl_id != o.crawl_id",
    )
    central = tmp_path / "central"
    done = merge(central, together)
    assert done.returncode == 0, done.stderr
    assert "waiting" not in done.stdout, done.stdout
    assert counts(central) == counts(together)
    assert_gold_once(central, sample_portal.sites)
    assert forward and backward  # both ways: no order of the crawls merges them one by one
    # revisits point at the central copies of the responses they repeat
    assert query(
        central,
        "SELECT count(*) FROM captures WHERE record_type = 'revisit' AND refers_to IS NULL",
    ) == query(
        together,
        "SELECT count(*) FROM captures WHERE record_type = 'revisit' AND refers_to IS NULL",
    )
