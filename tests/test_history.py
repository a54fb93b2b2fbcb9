"""Re-crawling a portal that changed: an edited article keeps its old version, a removed one is
marked gone, nothing is deleted."""

from __future__ import annotations

import sqlite3

from archive import Archive
from govarchive.sampleportal.content import REVISION_PARAGRAPH
from govarchive.sampleportal.process import SamplePortalProcess
from tests.conftest import free_port, run_cli


def crawl(url: str, archive) -> None:
    result = run_cli("crawl", url, "--archive", str(archive), "--delay", "0", "--concurrency", "8")
    assert result.returncode == 0, result.stderr


def test_edited_article_keeps_versions_and_removed_one_is_gone(tmp_path):
    port = free_port()
    with SamplePortalProcess(("laocai",), ports=(port,)) as before:
        crawl(before.sites[0].home_url(), tmp_path)
        edited, removed = before.sites[0].portal.articles[:2]
        edited_url = before.sites[0].article_url(edited)
        removed_url = before.sites[0].article_url(removed)
        old_body = "\n\n".join(edited.paragraphs)
    with SamplePortalProcess(("laocai",), ports=(port,), revision=2) as after:
        crawl(after.sites[0].home_url(), tmp_path)

    with Archive(tmp_path) as archive:
        versions, gone = archive.history(edited_url)
        assert [v.body for v in versions] == [old_body, old_body + "\n\n" + REVISION_PARAGRAPH]
        assert gone is None
        assert versions[0].seen_until == versions[1].seen_from
        _, gone_at = archive.history(removed_url)
        assert gone_at is not None
        hits = archive.search(f'"{REVISION_PARAGRAPH}"')
        assert [h.url for h in hits] == [edited_url]  # the index follows the new text
    con = sqlite3.connect(tmp_path / "archive.db")
    assert (
        con.execute("SELECT count(*) FROM articles WHERE url = ?", [removed_url]).fetchone()[0] == 1
    )
    crawls = con.execute("SELECT articles_new, articles_updated FROM crawls ORDER BY id").fetchall()
    assert crawls[1] == (0, 1)

    shown = run_cli("history", edited_url, "--archive", str(tmp_path))
    assert shown.returncode == 0
    assert "2 version(s)" in shown.stdout and f"+{REVISION_PARAGRAPH}" in shown.stdout
    gone_shown = run_cli("history", removed_url, "--archive", str(tmp_path))
    assert "gone:" in gone_shown.stdout

    import json

    second = con.execute("SELECT max(id) FROM crawls").fetchone()[0]
    report = run_cli("report", str(second), "--format", "json", "--archive", str(tmp_path))
    data = json.loads(report.stdout)
    assert [a["url"] for a in data["changed"]] == [edited_url]
    assert [a["url"] for a in data["gone"]] == [removed_url]
    assert data["new"] == []
    c = data["crawl"]
    assert (c["articles_updated"], c["articles_gone"]) == (1, 1)
    assert c["articles_unchanged"] == len(before.sites[0].portal.articles) - 2
