"""How a finished crawl is shown to the person who ran it."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from crawler.run import CrawlReport


def print_report(report: CrawlReport, console: Console) -> None:
    table = Table(
        title=f"Crawl of {len(report.sites)} portal(s) into {report.archive} (articles: new, changed, unchanged)"
    )
    columns = ("crawl", "portal", "status", "pages", "new", "changed", "unchanged", "errors")
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("portal", "status") else "right", overflow="fold"
        )
    for site in report.sites:
        table.add_row(
            str(site.crawl_id),
            site.root_url,
            site.status,
            str(site.pages),
            str(site.articles_new),
            str(site.articles_updated),
            str(site.articles_unchanged),
            str(site.errors),
        )
    console.print(table)
    size = sum(p.stat().st_size for p in report.warc_files if p.exists())
    console.print(f"database: {report.archive / 'archive.db'}")
    console.print(
        f"WARC: {len(report.warc_files)} file(s), {size / 1e6:.1f} MB in {report.archive / 'warc'}"
    )
    if report.log_file:
        console.print(f"log: {report.log_file}")
    if report.sites:
        console.print(f"details: govarchive report CRAWL_ID --archive {report.archive}")


def failures(report: CrawlReport) -> list[str]:
    """One line per portal that could not be crawled, saying what to do."""
    lines = []
    for site in report.sites:
        if site.status == "failed":
            lines.append(
                f"could not reach {site.root_url} ({site.error}); check the address and your network"
            )
    return lines
