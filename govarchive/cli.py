"""The `govarchive` command: a thin front, each subcommand one call into crawler/, archive/ or demo."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence

from rich.console import Console

from archive.errors import ArchiveError
from govarchive import (
    __version__,
    cli_archivist,
    cli_documents,
    cli_extract,
    cli_filetext,
    cli_fleet,
    cli_hosts,
    cli_inspect,
    cli_merge,
    cli_ops,
)
from govarchive.cliutil import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageProblem,
    _archive_arg,
    _emit,
    _non_negative_float,
    _non_negative_int,
    _Parser,
    _positive_int,
    one_line,
)
from govarchive.sampleportal.content import DEFAULT_PROFILES, PROFILES


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="govarchive",
        description="Archive VNPT-built Vietnamese government portals into WARC and SQLite.",
    )
    parser.add_argument("--version", action="version", version=f"govarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    crawl = sub.add_parser(
        "crawl",
        help="crawl one or more portals into the archive",
        description="Crawl portals from their root URLs: every article into SQLite, every HTTP "
        "exchange into WARC. Polite by default (robots.txt, 2 connections per host, delays).",
    )
    crawl.add_argument(
        "urls", nargs="+", metavar="URL", help="a portal's root URL, or a registered site's name"
    )
    _archive_arg(crawl)
    crawl.add_argument(
        "--delay", type=_non_negative_float, default=None, metavar="SECONDS",
        help="seconds between requests to a host (default 1, with AutoThrottle; 0 turns both off)",
    )  # fmt: skip
    crawl.add_argument(
        "--concurrency", type=_positive_int, default=None, metavar="N",
        help="connections per host (default 2)",
    )  # fmt: skip
    crawl.add_argument(
        "--max-pages", type=_non_negative_int, default=0, metavar="N",
        help="stop following links after N pages per portal (default 0: no limit)",
    )  # fmt: skip
    crawl.add_argument(
        "--contact", metavar="URL", default=None,
        help="contact URL sent in the User-Agent (default: $GOVARCHIVE_CONTACT or the project page)",
    )  # fmt: skip
    crawl.add_argument(
        "--site-profiles", metavar="FILE", default=None,
        help="TOML of per-site CSS selectors overriding extraction (default: DIR/site-profiles.toml if present)",
    )  # fmt: skip
    crawl.add_argument(
        "--resume", action="store_true",
        help="continue each portal's crawl that was cut off (killed, crashed, interrupted)",
    )  # fmt: skip
    crawl.add_argument(
        "--full", action="store_true",
        help="refetch every page and file; by default a re-crawl asks the server whether "
        "archived articles and files changed (If-None-Match / If-Modified-Since)",
    )  # fmt: skip
    crawl.add_argument("--verbose", action="store_true", help="log to the terminal, not to a file")
    crawl.add_argument(
        "--workers", type=_positive_int, default=1, metavar="N",
        help="crawl the portals in up to N processes, one or more portals each (default 1)",
    )  # fmt: skip
    crawl.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
        help="set any Scrapy or GOVARCHIVE_* setting for this crawl (advanced; repeatable)",
    )  # fmt: skip

    resume = sub.add_parser(
        "resume",
        help="continue every crawl in the archive that was cut off",
        description="Continue every crawl that a kill, crash or Ctrl-C cut off: WARC tails are "
        "repaired, what is already archived is not fetched again, and the rest is crawled.",
    )
    _archive_arg(resume)
    resume.add_argument(
        "--delay",
        type=_non_negative_float,
        default=None,
        metavar="SECONDS",
        help="seconds between requests to a host (default: as the crawl had it)",
    )
    resume.add_argument(
        "--concurrency",
        type=_positive_int,
        default=None,
        metavar="N",
        help="connections per host (default: as the crawl had it)",
    )
    resume.add_argument("--verbose", action="store_true", help="log to the terminal, not to a file")

    find = sub.add_parser(
        "search",
        help="full-text search of articles, documents and archived files (diacritics optional)",
        description="Search articles (titles, leads, bodies), official documents (number, type, "
        "abstract, issuer, signer, field; a number in any spelling: 71/2024/qd-ubnd, 'QĐ "
        "71/2024') and the text of archived files (--kind). Words match with or without "
        "Vietnamese diacritics (đ too): 'nghi quyet so 35' finds 'Nghị quyết số 35'. Quote "
        "phrases, end a word with * for a prefix, combine with AND, OR, NOT. Best matches first, "
        "each as a short block: title; date, site, category (a document's type, a file's "
        "page); the snippet with the matched words emphasised; its archived copy as "
        "`govarchive serve` shows it (http://127.0.0.1:8001). The last line says how many "
        "match in all; JSON and CSV carry the total too.",
    )
    find.add_argument("query", metavar="QUERY")
    _archive_arg(find)
    find.add_argument("--site", help="a site's name or its host as in its URL (port included)")
    find.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after this day")
    find.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before this day")
    find.add_argument(
        "--category", help="only articles of this category (as the breadcrumb names it)"
    )
    find.add_argument(
        "--kind", choices=cli_documents.KINDS, default="all",
        help="what to search: articles, documents, attachments (files' text) or all (default); "
        "--since/--until date documents by issue, and leave out files, as --category does",
    )  # fmt: skip
    find.add_argument(
        "--limit",
        type=_positive_int,
        default=20,
        metavar="N",
        help="at most N results (default 20)",
    )
    find.add_argument("--format", choices=["table", "json", "csv"], default="table")

    query = sub.add_parser(
        "sql",
        help="run a read-only SQL query on the archive database",
        description="Run SQL on archive.db, opened read-only: a statement that would change the "
        "archive fails and changes nothing. Tables are described in docs/schema.md.",
    )
    query.add_argument("statement", metavar="SQL")
    _archive_arg(query)
    query.add_argument("--format", choices=["table", "json", "csv"], default="table")

    web = sub.add_parser(
        "serve",
        help="browse and search the archive in Datasette (read-only)",
        description="Serve the archive with Datasette, read-only: tables, the article_list view "
        "faceted by site, category and year, a diacritic-insensitive 'search' query, and column "
        "descriptions from docs/schema.md.",
    )
    _archive_arg(web)
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=_non_negative_int, default=8001, help="port (default 8001)")

    hist = sub.add_parser(
        "history",
        help="show every stored version of an article, with what changed",
        description="Show the versions of the article at URL that re-crawls found, oldest first, "
        "with a diff between each and the next, and when it was found taken down.",
    )
    hist.add_argument("url", metavar="URL")
    _archive_arg(hist)

    check = sub.add_parser(
        "verify",
        help="check every WARC record and database row of the archive",
        description="Read every WARC record (digests checked), run SQLite's integrity check, and "
        "check that every capture row points at a readable record for the same URL. Exits 1 on "
        "any problem.",
    )
    _archive_arg(check)
    check.add_argument(
        "--repair", action="store_true",
        help="cut incomplete records off WARC tails and drop the rows that pointed into them",
    )  # fmt: skip

    cli_archivist.add_parsers(sub)
    cli_ops.add_parsers(sub)
    cli_inspect.add_parsers(sub)
    cli_hosts.add_parsers(sub)
    cli_fleet.add_parsers(sub)
    cli_merge.add_parsers(sub)
    cli_extract.add_parsers(sub)
    cli_documents.add_parsers(sub)
    cli_filetext.add_parsers(sub)

    demo = sub.add_parser(
        "demo",
        help="serve the bundled sample portals and crawl them",
        description="Serve the bundled sample VNPT portals on 127.0.0.1 (media on 127.0.0.2), "
        "crawl them into the archive and check every gold article was stored.",
    )
    _archive_arg(demo)

    sample = sub.add_parser(
        "sample-portal",
        help="serve the bundled sample portals until interrupted",
        description="Serve sample VNPT portals on HOST (one port each) and their storage host on "
        "STORAGE_HOST. Prints one JSON line describing the sites, then serves until stopped.",
    )
    sample.add_argument(
        "--profile", action="append", choices=sorted(PROFILES),
        help=f"which portal(s) to serve (default: {', '.join(DEFAULT_PROFILES)})",
    )  # fmt: skip
    sample.add_argument("--host", default="127.0.0.1", help="portal address (default 127.0.0.1)")
    sample.add_argument(
        "--storage-host", default="127.0.0.2", help="media storage address (default 127.0.0.2)"
    )
    sample.add_argument(
        "--port", type=_non_negative_int, action="append", default=None,
        help="port for each portal in order (default: any free port)",
    )  # fmt: skip
    sample.add_argument("--gold", metavar="FILE", help="also write the gold articles as JSON here")
    sample.add_argument(
        "--articles", type=_positive_int, default=None, metavar="N",
        help="build each portal with N articles (benchmarks: --profile bench --articles 20000)",
    )  # fmt: skip
    sample.add_argument(
        "--revision", type=_positive_int, default=1, metavar="N",
        help="2: the portals later on, one article edited and one taken down (default 1)",
    )  # fmt: skip
    sample.add_argument(
        "--delay", type=_non_negative_float, default=0.0, metavar="SECONDS",
        help="wait this long before each answer, like a slow server (default 0)",
    )  # fmt: skip
    return parser


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a filter whose reader left


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # markup=False: URLs, paths and stored text such as "[/]" are printed as they are, never
    # read as Rich markup (which fails on them)
    console = Console(highlight=False, soft_wrap=True, markup=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args, console)
    except ArchiveError as exc:
        err.print(f"govarchive: error: {one_line(str(exc))}", markup=False)
        return EXIT_FAILED
    except UsageProblem as exc:
        err.print(f"govarchive: error: {one_line(str(exc))}", markup=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("govarchive: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whoever read the output stopped (`| head`): end quietly as a filter does, with the
        # shell's code for it, and no second error when Python flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def cmd_crawl(args: argparse.Namespace, console: Console) -> int:
    from crawler.run import CrawlError, run_crawl

    _expand_site_names(args)
    if args.workers > 1 and len(args.urls) > 1:
        return _report(_in_workers(args), console)
    try:
        report = run_crawl(
            args.urls,
            archive=args.archive,
            delay=args.delay,
            concurrency=args.concurrency,
            max_pages=args.max_pages,
            progress=True,
            verbose=args.verbose,
            contact=args.contact,
            site_profiles=args.site_profiles,
            resume=args.resume,
            overrides=_crawl_overrides(args),
        )
    except CrawlError as exc:
        raise UsageProblem(str(exc)) from None
    return _report(report, console)


def _expand_site_names(args: argparse.Namespace) -> None:
    """`crawl NAME`: a registered site's URLs, and its delay and connections unless given."""
    names = [u for u in args.urls if "://" not in u]
    if not names:
        return
    from archive.folder import ArchiveFolder
    from archive.sites import find_site

    try:
        folder = ArchiveFolder.existing(args.archive)
    except ArchiveError:
        raise UsageProblem(f"not a portal URL or a registered site: {names[0]!r}") from None
    import sqlite3

    con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
    try:
        sites = {n: find_site(con, n) for n in names}  # type: ignore[arg-type]
    except sqlite3.Error:
        sites = {}
    finally:
        con.close()
    urls: list[str] = []
    for u in args.urls:
        site = sites.get(u) if "://" not in u else None
        if "://" not in u and (site is None or site.retired_at):
            raise UsageProblem(
                f"not a portal URL or a registered site: {u!r}; `govarchive sites list` shows them"
            )
        if site is None:
            urls.append(u)
            continue
        urls += site.crawl_urls()
        if len(names) == 1:
            if args.delay is None and "delay" in site.profile:
                args.delay = float(site.profile["delay"])
            if args.concurrency is None and "concurrency" in site.profile:
                args.concurrency = int(site.profile["concurrency"])
    args.urls = urls


def _crawl_overrides(args: argparse.Namespace) -> dict[str, str | bool]:
    overrides: dict[str, str | bool] = dict(_settings(args.settings))
    if args.full:
        overrides["GOVARCHIVE_FULL"] = True
    return overrides


def _settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageProblem(f"--set needs NAME=VALUE, not {pair!r}")
        out[name.strip()] = value
    return out


def _in_workers(args: argparse.Namespace):
    from crawler.run import CrawlError
    from crawler.workers import run_in_workers

    options = []
    for flag, value in (("--delay", args.delay), ("--concurrency", args.concurrency),
                        ("--max-pages", args.max_pages), ("--contact", args.contact),
                        ("--site-profiles", args.site_profiles)):  # fmt: skip
        if value is not None:
            options += [flag, str(value)]
    if args.resume:
        options.append("--resume")
    if args.full:
        options.append("--full")
    for pair in args.settings:
        options += ["--set", pair]
    _settings(args.settings)  # refuse bad --set before any worker starts
    try:
        return run_in_workers(args.urls, args.workers, args.archive, options)
    except CrawlError as exc:
        raise UsageProblem(str(exc)) from None


def _report(report, console: Console) -> int:
    """The summary table, one error line per portal that failed, and the exit status."""
    from govarchive.report import failures, print_report, warnings

    print_report(report, console)
    for line in warnings(report):  # the portal was crawled, but not read: say so, and how
        print(f"govarchive: {one_line(line)}", file=sys.stderr)
    problems = failures(report)
    for line in problems:
        print(f"govarchive: error: {one_line(line)}", file=sys.stderr)
    if report.finish_reason == "shutdown":
        return EXIT_INTERRUPTED
    return EXIT_FAILED if problems else EXIT_OK


def cmd_resume(args: argparse.Namespace, console: Console) -> int:
    from archive.folder import ArchiveFolder
    from archive.resume import unfinished_crawls_readonly
    from crawler.run import run_crawl

    folder = ArchiveFolder.existing(args.archive)
    targets = unfinished_crawls_readonly(folder.db_path)
    if not targets:
        console.print(
            f"nothing to resume in {folder.root}: every crawl there has finished", markup=False
        )
        return EXIT_OK
    for root, _ in targets:
        console.print(f"resuming the crawl of {root}", markup=False)
    first = targets[0][1]
    report = run_crawl(
        [root for root, _ in targets],
        archive=folder.root,
        delay=args.delay if args.delay is not None else first.get("delay"),
        concurrency=args.concurrency or first.get("concurrency_per_host"),
        max_pages=int(first.get("max_pages") or 0),
        progress=True,
        verbose=args.verbose,
        resume=True,
    )
    return _report(report, console)


def cmd_search(args: argparse.Namespace, console: Console) -> int:
    from archive import Archive, QueryError

    try:
        with Archive(args.archive) as archive:
            rows, total = cli_documents.search_rows(archive, args)
    except QueryError as exc:
        raise UsageProblem(str(exc)) from None
    cli_documents.emit_hits(rows, total, args, console)
    return EXIT_OK


def cmd_sql(args: argparse.Namespace, console: Console) -> int:
    from archive import Archive

    with Archive(args.archive) as archive:
        rows = archive.sql(args.statement)
    _emit(rows, args.format, console)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, console: Console) -> int:
    from govarchive.serve import serve

    return serve(args.archive, args.host, args.port)


def cmd_history(args: argparse.Namespace, console: Console) -> int:
    import difflib

    from archive import Archive

    with Archive(args.archive) as archive:
        versions, gone_at = archive.history(args.url)
    console.print(f"{args.url}: {len(versions)} version(s)", markup=False)
    previous = None
    for n, v in enumerate(versions, 1):
        current = " (current)" if n == len(versions) else ""
        console.print(f"\nversion {n}{current}: seen {v.seen_from} .. {v.seen_until}", markup=False)
        console.print(f"  title: {v.title}", markup=False)
        if previous is not None:
            old = [previous.title, previous.summary, *previous.body.split("\n\n"), previous.author]
            new = [v.title, v.summary, *v.body.split("\n\n"), v.author]
            for line in difflib.unified_diff(
                old, new, f"version {n - 1}", f"version {n}", lineterm="", n=0
            ):
                console.print(f"  {line}", markup=False)
        previous = v
    if gone_at:
        console.print(f"\ngone: the page answered 404/410 at {gone_at}", markup=False)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    from archive.folder import ArchiveFolder
    from archive.lock import ArchiveLock
    from archive.verify import verify

    folder = ArchiveFolder.existing(args.archive)
    with ArchiveLock(folder.root):
        report = verify(folder, repair=args.repair)
    console.print(
        f"checked {report.files} WARC file(s), {report.records} records, "
        f"{report.captures} capture rows in {folder.root}",
        markup=False,
    )
    for line in report.repaired:
        console.print(f"repaired: {line}", markup=False)
    for line in report.problems:
        console.print(f"problem: {line}", markup=False)
    if report.ok:
        console.print("archive OK")
        return EXIT_OK
    hint = (
        ""
        if args.repair
        else "; `govarchive verify --repair` cuts torn tails and queues orphaned articles' pages"
    )
    print(f"govarchive: error: {len(report.problems)} problem(s) found{hint}", file=sys.stderr)
    return EXIT_FAILED


def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    from govarchive.demo import run_demo

    return run_demo(args.archive, Console(highlight=False, soft_wrap=True))  # its own colours


def cmd_sample_portal(args: argparse.Namespace, console: Console) -> int:
    from govarchive.sampleportal.gold import gold_articles
    from govarchive.sampleportal.server import SampleServers

    profiles = tuple(args.profile or DEFAULT_PROFILES)
    if args.gold:
        try:
            open(args.gold, "a", encoding="utf-8").close()
        except OSError as exc:
            raise UsageProblem(
                f"cannot write gold file {args.gold}: {exc.strerror or exc}"
            ) from None
    try:
        servers = SampleServers(
            profiles=profiles,
            host=args.host,
            storage_host=args.storage_host,
            ports=tuple(args.port or ()),
            delay=args.delay,
            articles=args.articles,
            revision=args.revision,
        ).start()
    except OSError as exc:
        raise UsageProblem(f"cannot serve the sample portal: {exc.strerror or exc}") from None
    sites = [
        {"profile": s.profile.key, "url": s.home_url(), "storage": s.storage} for s in servers.sites
    ]
    if args.gold:
        gold = {s.profile.key: gold_articles(s) for s in servers.sites}
        with open(args.gold, "w", encoding="utf-8") as fh:
            json.dump(gold, fh, ensure_ascii=False, indent=1)
    print(json.dumps({"sites": sites}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        servers.stop()
    return EXIT_OK


COMMANDS = {
    "crawl": cmd_crawl,
    "resume": cmd_resume,
    "verify": cmd_verify,
    "search": cmd_search,
    "history": cmd_history,
    "serve": cmd_serve,
    "sql": cmd_sql,
    "demo": cmd_demo,
    "sample-portal": cmd_sample_portal,
    **cli_archivist.COMMANDS,
    **cli_ops.COMMANDS,
    **cli_inspect.COMMANDS,
    **cli_hosts.COMMANDS,
    **cli_fleet.COMMANDS,
    **cli_merge.COMMANDS,
    **cli_extract.COMMANDS,
    **cli_documents.COMMANDS,
    **cli_filetext.COMMANDS,
}

if __name__ == "__main__":
    sys.exit(main())
