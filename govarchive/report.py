"""How a finished crawl is shown to the person who ran it."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from crawler.run import CrawlReport

BOUND_WORTH_SAYING = 5.0  # seconds a single host held the run's end before it is worth a line


def print_report(report: CrawlReport, console: Console) -> None:
    table = Table(
        title=f"Crawl of {len(report.sites)} portal(s) into {report.archive}",
        caption="pages: responses (of them HTML); a/l/o: HTML pages judged article/list/other; "
        "refused: article-looking pages not read; n/c/u: articles new/changed/unchanged",
        box=box.SIMPLE_HEAD,
    )
    widest = max((len(site.host) for site in report.sites), default=10)
    for column in ("crawl", "portal", "status", "pages", "a/l/o", "refused", "n/c/u", "errors"):
        portal = column == "portal"
        table.add_column(
            column,
            justify="left" if column in ("portal", "status") else "right",
            overflow="fold",
            no_wrap=not portal,
            min_width=min(widest, 30) if portal else None,
        )
    for site in report.sites:
        table.add_row(
            str(site.crawl_id),
            site.host,
            site.status,
            f"{site.pages} ({site.pages_html})",
            f"{site.pages_article}/{site.pages_list}/{site.pages_other}",
            str(site.pages_rejected),
            f"{site.articles_new}/{site.articles_updated}/{site.articles_unchanged}",
            str(site.errors),
        )
    console.print(table)
    size = sum(p.stat().st_size for p in report.warc_files if p.exists())
    console.print(f"database: {report.archive / 'archive.db'}")
    console.print(
        f"WARC: {len(report.warc_files)} file(s), {size / 1e6:.1f} MB in {report.archive / 'warc'}"
    )
    if report.bound_host and report.bound_alone_seconds >= BOUND_WORTH_SAYING:
        console.print(
            f"bounded by {report.bound_host}: the only host still answering for the last "
            f"{report.bound_alone_seconds:.0f} s (its pace: `govarchive hosts list`)"
        )
    if report.log_file:
        console.print(f"log: {report.log_file}")
    if report.sites:
        console.print(f"details: govarchive report CRAWL_ID --archive {report.archive}")


def warnings(report: CrawlReport) -> list[str]:
    """One line per portal the crawl could not read well, saying what to run next."""
    return [f"warning: {site.warning}" for site in report.sites if site.warning]


def failures(report: CrawlReport) -> list[str]:
    """One line per portal that could not be crawled, saying what to do."""
    lines = []
    for site in report.sites:
        if site.status == "failed":
            lines.append(
                f"could not reach {site.root_url} ({site.error}); check the address and your network"
            )
    return lines
