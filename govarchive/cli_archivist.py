"""Archivists' commands: sites, schedule, scheduler, crawls, report."""

from __future__ import annotations

import argparse
import json
import signal
from typing import Any

from rich.console import Console

from govarchive.cliutil import (
    EXIT_OK,
    UsageProblem,
    _archive_arg,
    _emit,
    _non_negative_float,
    _positive_int,
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sites = sub.add_parser(
        "sites", help="register the portals the archive keeps",
        description="Registered sites: a short name for each portal, with its own politeness "
        "and extra start URLs. Portals crawled by URL are listed too, under their host.",
    )  # fmt: skip
    ssub = sites.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = ssub.add_parser("add", help="register a portal under a short name")
    add.add_argument("name", metavar="NAME", help="short name: lower-case letters, digits, . _ -")
    add.add_argument("url", metavar="URL", help="the portal's root URL")
    add.add_argument("--title", default="", help="a longer title (the portal's own name)")
    add.add_argument(
        "--delay", type=_non_negative_float, metavar="SECONDS", help="this site's delay"
    )
    add.add_argument("--concurrency", type=_positive_int, metavar="N", help="connections to it")
    add.add_argument(
        "--start-url", action="append", default=[], metavar="URL", dest="start_urls",
        help="another page to start from (repeatable): sections the home page does not link",
    )  # fmt: skip
    _archive_arg(add)
    lst = ssub.add_parser("list", help="list registered sites")
    lst.add_argument("--all", action="store_true", help="also sites that were removed")
    lst.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _archive_arg(lst)
    rm = ssub.add_parser(
        "remove", help="unregister a site (its archived content stays)",
        description="Unregister a site and drop its schedule. A site with archived content is "
        "retired, not deleted: its articles and WARC records stay in the archive.",
    )  # fmt: skip
    rm.add_argument("name", metavar="NAME")
    _archive_arg(rm)

    sched = sub.add_parser("schedule", help="schedule recurring crawls of a site")
    psub = sched.add_subparsers(dest="action", metavar="ACTION", required=True)
    sadd = psub.add_parser(
        "add", help="crawl a site on a cron schedule (UTC)",
        description="Crawl a site on a cron schedule, evaluated in UTC by `govarchive "
        "scheduler`. The site is registered if new (give its URL).",
    )  # fmt: skip
    sadd.add_argument("name", metavar="NAME")
    sadd.add_argument("url", metavar="URL", nargs="?", help="needed when NAME is not registered")
    sadd.add_argument(
        "--cron", required=True, help='five fields in UTC, e.g. "0 2 * * *" (02:00 every day)'
    )
    sadd.add_argument("--full", action="store_true", help="refetch everything on every run")
    _archive_arg(sadd)
    slist = psub.add_parser("list", help="schedules with their next and last runs")
    slist.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _archive_arg(slist)
    srm = psub.add_parser("remove", help="stop crawling a site on a schedule")
    srm.add_argument("name", metavar="NAME")
    _archive_arg(srm)

    runner = sub.add_parser(
        "scheduler", help="run the archive's schedules (foreground service)",
        description="Run due crawls as separate processes until stopped (SIGTERM or Ctrl-C). "
        "A run missed while the scheduler was down runs once when it starts.",
    )  # fmt: skip
    runner.add_argument(
        "--poll", type=_non_negative_float, default=30.0, metavar="SECONDS",
        help="how often to look for new or changed schedules (default 30)",
    )  # fmt: skip
    runner.add_argument(
        "--fleet", action="store_true",
        help="send due crawls to the Scrapyd nodes (`govarchive fleet dispatch SITE`) instead "
        "of running them here",
    )  # fmt: skip
    _archive_arg(runner)

    crawls = sub.add_parser("crawls", help="list crawl runs, most recent first")
    crawls.add_argument("--site", metavar="SITE", help="one site's runs (its name or host)")
    crawls.add_argument("--limit", type=_positive_int, default=50, metavar="N")
    crawls.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _archive_arg(crawls)

    pack = sub.add_parser(
        "wacz", help="package the archive (or a site, a date range) as a WACZ file",
        description="Write a WACZ 1.1.1 package (WARC records, CDXJ index, pages/pages.jsonl of "
        "the article pages with their titles) for ReplayWeb.page, pywb and other replay tools.",
    )  # fmt: skip
    pack.add_argument("--out", required=True, metavar="FILE.wacz", help="the package to write")
    pack.add_argument("--site", metavar="SITE", help="only this site (its name or host)")
    pack.add_argument("--since", metavar="YYYY-MM-DD", help="only what was fetched from this day")
    pack.add_argument("--until", metavar="YYYY-MM-DD", help="only what was fetched up to this day")
    pack.add_argument("--force", action="store_true", help="replace FILE.wacz if it exists")
    _archive_arg(pack)

    index = sub.add_parser(
        "index", help="bring the archive's CDXJ index up to date",
        description="DIR/indexes/index.cdxj indexes every WARC record (cdxj-indexer). Crawls "
        "update it when they end; run this after `verify --repair`, or with --rebuild.",
    )  # fmt: skip
    index.add_argument("--rebuild", action="store_true", help="index every WARC file again")
    _archive_arg(index)

    rep = sub.add_parser(
        "report", help="what one crawl run found and wrote",
        description="New, changed, unchanged and gone articles, errors by kind, bytes written "
        "and duration of one crawl (its id from `govarchive crawls`).",
    )  # fmt: skip
    rep.add_argument("crawl_id", type=_positive_int, metavar="CRAWL_ID")
    rep.add_argument("--format", choices=["text", "json"], default="text")
    _archive_arg(rep)


def _db(archive: str | None, create: bool):
    """The archive's database, opened for writing; `create` makes a new archive if none."""
    from archive.db import open_database
    from archive.folder import ArchiveFolder

    folder = ArchiveFolder.prepare(archive) if create else ArchiveFolder.existing(archive)
    return open_database(folder.db_path)


def _checked(check, *args):
    """Input checks run before the archive is touched; a bad value is a usage error (exit 2)."""
    from archive.sites import SiteError

    try:
        return check(*args)
    except SiteError as exc:
        raise UsageProblem(str(exc)) from None


def _site_row(site) -> dict[str, Any]:
    return {
        "name": site.name, "host": site.host, "url": site.root_url, "title": site.title,
        "profile": json.dumps(site.profile, ensure_ascii=False) if site.profile else "",
        "retired_at": site.retired_at,
    }  # fmt: skip


def cmd_sites(args: argparse.Namespace, console: Console) -> int:
    from archive.sites import add_site, check_name, check_url, list_sites, make_profile, remove_site

    if args.action == "add":
        _checked(check_name, args.name)
        _checked(check_url, args.url)
        profile = _checked(make_profile, args.delay, args.concurrency, args.start_urls)
    db = _db(args.archive, create=args.action == "add")
    try:
        if args.action == "add":
            site, created = add_site(db, args.name, args.url, args.title, profile)
            verb = "added" if created else "updated"
            console.print(f"{verb} site {site.name}: {site.root_url}", markup=False)
        elif args.action == "list":
            _emit([_site_row(s) for s in list_sites(db, args.all)], args.format, console)
        else:
            outcome = remove_site(db, args.name)
            note = " (its archived content stays)" if outcome == "retired" else ""
            console.print(f"removed site {args.name}{note}", markup=False)
    finally:
        db.close()
    return EXIT_OK


def cmd_schedule(args: argparse.Namespace, console: Console) -> int:
    from archive.clock import iso_utc, utc_now
    from archive.schedules import add_schedule, check_cron, list_schedules, remove_schedule
    from archive.sites import SiteError, add_site, check_name, check_url, find_site

    if args.action == "add":
        _checked(check_cron, args.cron)
        _checked(check_name, args.name)
        if args.url:
            _checked(check_url, args.url)
    db = _db(args.archive, create=args.action == "add" and bool(args.url))
    try:
        if args.action == "add":
            site = find_site(db, args.name)
            if args.url and (site is None or site.root_url != args.url):
                site, _ = add_site(db, args.name, args.url)
            if site is None or site.retired_at:
                raise SiteError(
                    f"no site named {args.name!r}; give its URL: "
                    f"govarchive schedule add {args.name} URL --cron ..."
                )
            options = {"full": True} if args.full else {}
            schedule, created = add_schedule(db, site, args.cron, options)
            now = utc_now()
            console.print(
                f"{'scheduled' if created else 'rescheduled'} {site.name} at '{schedule.cron}' "
                f"(UTC); next run {iso_utc(schedule.next_time(now))}",
                markup=False,
            )
        elif args.action == "list":
            now = utc_now()
            rows = [
                {"site": s.site.name, "cron": s.cron, "next_run": iso_utc(s.next_time(now)),
                 "last_run": s.last_run_at, "last_crawl": s.last_crawl_id,
                 "last_status": s.last_status, "full": bool(s.options.get("full"))}
                for s in list_schedules(db)
            ]  # fmt: skip
            _emit(rows, args.format, console)
        else:
            remove_schedule(db, args.name)
            console.print(f"removed the schedule of {args.name}", markup=False)
    finally:
        db.close()
    return EXIT_OK


def cmd_scheduler(args: argparse.Namespace, console: Console) -> int:
    from archive.folder import ArchiveFolder
    from govarchive.scheduler import Scheduler

    scheduler = Scheduler(
        ArchiveFolder.prepare(args.archive),
        poll=max(args.poll, 0.1),
        say=lambda line: console.print(line, markup=False),
        fleet=args.fleet,
    )
    signal.signal(signal.SIGTERM, scheduler.stop)
    signal.signal(signal.SIGINT, scheduler.stop)
    return scheduler.run()


def cmd_crawls(args: argparse.Namespace, console: Console) -> int:
    from archive import Archive
    from archive.reports import list_crawls

    with Archive(args.archive) as archive:
        rows = list_crawls(archive.con, args.site, args.limit)
    _emit(rows, args.format, console)
    return EXIT_OK


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from archive import Archive
    from archive.reports import crawl_report

    with Archive(args.archive) as archive:
        report = crawl_report(archive.con, args.crawl_id)
    c = report.crawl
    if args.format == "json":
        print(json.dumps({
            "crawl": c, "duration_seconds": report.duration_seconds,
            "new": [{"url": u, "title": t} for u, t in report.new],
            "changed": [{"url": u, "title": t} for u, t in report.changed],
            "gone": [{"url": u, "title": t} for u, t in report.gone],
            "errors_by_kind": report.errors_by_kind,
        }, ensure_ascii=False, indent=1))  # fmt: skip
        return EXIT_OK
    out = lambda text: console.print(text, markup=False)  # noqa: E731
    took = f"{report.duration_seconds:.0f} s" if report.duration_seconds is not None else "-"
    out(f"crawl {c['id']} of {c['site']} ({c['host']}): {c['status']}, {c['mode']}, "
        f"{c['trigger']}; started {c['started_at']}, took {took}")  # fmt: skip
    if c.get("merged_from"):
        shard, _, origin = c["merged_from"].partition("/")
        out(f"  merged by govarchive merge from shard {shard} (its crawl {origin})")
    if c["error"]:
        out(f"  why: {c['error']}")
    out(f"  responses {c['pages']}, revisits {c['revisits']} ({c['not_modified']} of them 304), "
        f"WARC bytes written {c['bytes_written']:,}")  # fmt: skip
    out(f"  articles: new {c['articles_new']}, changed {c['articles_updated']}, "
        f"unchanged {c['articles_unchanged']}, gone {c['articles_gone']}")  # fmt: skip
    refused = json.loads(c["rejected_reasons"] or "{}")
    why = ", ".join(f"{k} {n}" for k, n in refused.items())
    out(f"  HTML pages {c['pages_html']}: article {c['pages_article']}, list {c['pages_list']}, "
        f"other {c['pages_other']}; article-looking pages refused {c['pages_rejected']}"
        + (f" ({why})" if why else ""))  # fmt: skip
    if c["warning"]:
        out(f"  warning: {c['warning']}")
    for label, items in (("new", report.new), ("changed", report.changed), ("gone", report.gone)):
        for url, title in items[:20]:
            out(f"  {label}: {title}  {url}")
        if len(items) > 20:
            out(f"  {label}: ... and {len(items) - 20} more (--format json lists all)")
    errors = ", ".join(f"{k}: {n}" for k, n in report.errors_by_kind.items()) or "none"
    out(f"  errors ({c['errors']}): {errors}")
    if c["log_file"]:
        out(f"  log: {c['log_file']}")
    return EXIT_OK


def cmd_wacz(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from archive.folder import ArchiveFolder
    from archive.wacz import write_wacz
    from govarchive import __version__

    out = Path(args.out).expanduser()
    if out.exists() and not args.force:
        raise UsageProblem(f"{out} exists; pass --force to replace it")
    summary = write_wacz(
        ArchiveFolder.existing(args.archive), out, site=args.site, since=args.since,
        until=args.until, software=f"govarchive {__version__}",
    )  # fmt: skip
    console.print(
        f"wrote {summary.path}: {summary.records} records, {summary.pages} article pages, "
        f"{summary.bytes:,} bytes",
        markup=False,
    )
    return EXIT_OK


def cmd_index(args: argparse.Namespace, console: Console) -> int:
    from archive.cdxj import update_index
    from archive.folder import ArchiveFolder
    from archive.lock import ArchiveLock

    folder = ArchiveFolder.existing(args.archive)
    with ArchiveLock(folder.root):
        added, total = update_index(folder, rebuild=args.rebuild)
    index = folder.root / "indexes" / "index.cdxj"
    console.print(f"{index}: {added} WARC file(s) indexed now, {total} in all", markup=False)
    return EXIT_OK


COMMANDS = {
    "wacz": cmd_wacz,
    "index": cmd_index,
    "sites": cmd_sites,
    "schedule": cmd_schedule,
    "scheduler": cmd_scheduler,
    "crawls": cmd_crawls,
    "report": cmd_report,
}
