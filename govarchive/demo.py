"""`govarchive demo`: serve the bundled sample portals, crawl them, and check every gold article."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rich.console import Console
from rich.text import Text

from crawler.run import CrawlReport, run_crawl
from govarchive.report import print_report, warnings
from govarchive.sampleportal.content import DEFAULT_PROFILES
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess
from govarchive.sampleportal.site import Site


def check_gold(db_path: Path, sites: list[Site]) -> tuple[int, list[str]]:
    """How many gold articles are stored exactly once with the expected title, and what is wrong."""
    problems: list[str] = []
    found = 0
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for site in sites:
            host = site.base.split("://", 1)[1]
            for gold in gold_articles(site):
                rows = con.execute(
                    "SELECT a.title FROM articles a JOIN sites s ON s.id = a.site_id "
                    "WHERE s.host = ? AND a.article_key = ?",
                    [host, gold["key"]],
                ).fetchall()
                if len(rows) != 1:
                    problems.append(f"{gold['url']}: stored {len(rows)} times")
                elif rows[0][0] != gold["title"]:
                    problems.append(f"{gold['url']}: title {rows[0][0]!r} != {gold['title']!r}")
                else:
                    found += 1
    finally:
        con.close()
    return found, problems


# The three vnPortal skins the crawler was built on, and portals in skins unlike them: a `.html`
# skin with CKEditor bodies and a feed, a WebForms skin with a postback pager and a gzipped
# sitemap, and one that renders in the browser (the crawl says so in a warning).
DEMO_PROFILES = (*DEFAULT_PROFILES, "laichau", "dienbien", "jsportal")


def run_demo(archive: str | None, console: Console) -> int:
    with SamplePortalProcess(DEMO_PROFILES) as servers:
        for site in servers.sites:
            console.print(f"serving sample portal [bold]{site.profile.site_name}[/] at {site.base}")
        console.print(f"serving its storage host at {servers.sites[0].storage}")
        report: CrawlReport = run_crawl(
            [site.home_url() for site in servers.sites],
            archive=archive,
            delay=0,
            concurrency=4,
            progress=True,
        )
        print_report(report, console)
        for line in warnings(report):
            console.print(Text(line, style="yellow"))  # not markup: a URL may hold "["
        total = sum(len(gold_articles(site)) for site in servers.sites)
        found, problems = check_gold(report.archive / "archive.db", servers.sites)
    for line in problems:
        console.print(f"[red]missing or wrong:[/] {line}")
    if found == total and report.ok:
        console.print(f"[green]all {total} gold articles stored, each once[/]")
        console.print(
            f"try: .venv/bin/sqlite-utils {report.archive / 'archive.db'} --table "
            '"SELECT published_at, title FROM articles ORDER BY published_at DESC LIMIT 5"'
        )
        return 0
    console.print(f"[red]{found} of {total} gold articles stored correctly[/]")
    return 1
