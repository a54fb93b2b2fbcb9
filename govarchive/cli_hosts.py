"""Per-host politeness: `govarchive hosts set/list/unset`."""

from __future__ import annotations

import argparse

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
    hosts = sub.add_parser(
        "hosts", help="how hard crawls may ask each host (delay, connections)",
        description="Politeness per host name, kept in the archive and used by every crawl of "
        "it, for portals and media hosts alike: the least delay between two requests to the "
        "host and the most connections to it at once. A host without a rule gets the run's "
        "--delay and --concurrency (a registered site's own, for its host). robots.txt "
        "Crawl-delay is always honoured on top.",
    )  # fmt: skip
    hsub = hosts.add_subparsers(dest="action", metavar="ACTION", required=True)
    hset = hsub.add_parser("set", help="set a host's delay and/or connections")
    hset.add_argument("host", metavar="HOST", help="a host name, e.g. storage-vnportal.vnpt.vn")
    hset.add_argument("--delay", type=_non_negative_float, metavar="SECONDS")
    hset.add_argument("--concurrency", type=_positive_int, metavar="N")
    _archive_arg(hset)
    hlist = hsub.add_parser("list", help="every rule in force: set here, sites' own, built in")
    hlist.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _archive_arg(hlist)
    unset = hsub.add_parser("unset", help="drop a host's rule (it gets the run's again)")
    unset.add_argument("host", metavar="HOST")
    _archive_arg(unset)


def cmd_hosts(args: argparse.Namespace, console: Console) -> int:
    import sqlite3

    from archive.folder import ArchiveFolder
    from archive.hosts import (
        HostError,
        check_host,
        check_rule,
        set_rule,
        site_rules,
        stored_rules,
        unset_rule,
    )
    from crawler.politeness import BUILT_IN
    from govarchive.cli_archivist import _db

    if args.action in ("set", "unset"):
        try:
            check_host(args.host)
            if args.action == "set":
                check_rule(args.delay, args.concurrency)
        except HostError as exc:
            raise UsageProblem(str(exc)) from None
    if args.action == "list":
        folder = ArchiveFolder.existing(args.archive)
        con = sqlite3.connect(f"file:{folder.db_path}?mode=ro", uri=True)
        try:
            stored = stored_rules(con)
            sites = site_rules(con)
        finally:
            con.close()
        rows = [
            {"host": r.host, "delay": r.delay, "concurrency": r.concurrency,
             "source": "hosts set", "updated_at": r.updated_at}
            for r in stored
        ]  # fmt: skip
        known = {r.host for r in stored}
        for host, (delay, concurrency, name) in sorted(sites.items()):
            if host not in known:
                rows.append({"host": host, "delay": delay, "concurrency": concurrency,
                             "source": f"site {name}", "updated_at": None})  # fmt: skip
                known.add(host)
        for host, rule in sorted(BUILT_IN.items()):
            if host not in known:
                rows.append({"host": host, "delay": rule.delay, "concurrency": rule.concurrency,
                             "source": "built-in", "updated_at": None})  # fmt: skip
        _emit(rows, args.format, console)
        return EXIT_OK
    db = _db(args.archive, create=args.action == "set")
    try:
        if args.action == "set":
            rule = set_rule(db, args.host, args.delay, args.concurrency)
            delay = "run's delay" if rule.delay is None else f"{rule.delay:g} s"
            conns = "run's" if rule.concurrency is None else str(rule.concurrency)
            console.print(f"{rule.host}: delay {delay}, connections {conns}", markup=False)
        else:
            unset_rule(db, args.host)
            console.print(f"{check_host(args.host)}: rule dropped", markup=False)
    finally:
        db.close()
    return EXIT_OK


COMMANDS = {"hosts": cmd_hosts}
