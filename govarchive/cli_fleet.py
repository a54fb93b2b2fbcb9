"""Crawls on Scrapyd nodes: `govarchive fleet add/remove/list/deploy/dispatch/status/cancel`."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from govarchive.cliutil import EXIT_FAILED, EXIT_OK, UsageProblem, _archive_arg, _emit, one_line

_CREDENTIALS = (
    "Credentials for a node whose scrapyd.conf sets username/password: "
    "GOVARCHIVE_FLEET_<NAME>_USERNAME/_PASSWORD, else GOVARCHIVE_FLEET_USERNAME/_PASSWORD, else "
    "the ~/.netrc (or $NETRC) entry for its host; never printed, never stored."
)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    fleet = sub.add_parser(
        "fleet", help="crawl on Scrapyd nodes, each site into a shard of its own",
        description="Scrapyd nodes kept in the archive; `deploy` puts this checkout's code on "
        "every node, `dispatch` sends registered sites to them (one job a site, into "
        "<shards>/<site> on its node), `status` says what each job is doing; `govarchive merge` "
        f"brings the shards in. {_CREDENTIALS}",
    )  # fmt: skip
    fsub = fleet.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = fsub.add_parser("add", help="add a Scrapyd node (or change its URL or shards folder)")
    add.add_argument("name", metavar="NAME", help="short name: lower-case letters, digits, _ -")
    add.add_argument("url", metavar="URL", help="its Scrapyd address, e.g. http://10.0.0.5:6800")
    add.add_argument(
        "--shards", metavar="DIR", default=None,
        help="folder on the node that holds the shards, <DIR>/<site> each (default: "
        "govarchive-shards in scrapyd's working folder)",
    )  # fmt: skip
    _archive_arg(add)
    rm = fsub.add_parser("remove", help="forget a node (its jobs stay on record)")
    rm.add_argument("name", metavar="NAME")
    _archive_arg(rm)
    ls = fsub.add_parser("list", help="nodes: URL, shards folder, status, running/pending jobs")
    ls.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _archive_arg(ls)
    deploy = fsub.add_parser("deploy", help="upload this checkout's code to every node")
    _archive_arg(deploy)
    send = fsub.add_parser(
        "dispatch", help="send sites to the nodes (all registered ones if none named)",
        description="Each site, least recently crawled first, to the answering node with the "
        "fewest pending and running jobs (by name on a tie), or back to the node holding its shard "
        "while it has at most 2 jobs more (its re-crawl there is incremental). A "
        "site pending or running on a node is not sent again; one whose node stopped answering "
        "is sent to another. Every node must run this checkout's code (`fleet deploy`).",
    )  # fmt: skip
    send.add_argument("sites", nargs="*", metavar="SITE", help="registered site names")
    send.add_argument("--full", action="store_true", help="refetch everything (crawl --full)")
    send.add_argument(
        "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting for the jobs (repeatable), as crawl --set",
    )  # fmt: skip
    _archive_arg(send)
    status = fsub.add_parser("status", help="each node, and each site's latest job")
    status.add_argument("--format", choices=["text", "json"], default="text")
    _archive_arg(status)
    cancel = fsub.add_parser("cancel", help="stop a site's pending or running job")
    cancel.add_argument("site", metavar="SITE")
    _archive_arg(cancel)


def cmd_fleet(args: argparse.Namespace, console: Console) -> int:
    from archive.db import open_database
    from archive.fleet import FleetRegistryError, check_node_name, check_node_url
    from archive.folder import ArchiveFolder

    if args.action == "add":
        try:
            check_node_name(args.name)
            check_node_url(args.url)
        except FleetRegistryError as exc:
            raise UsageProblem(str(exc)) from None
    if args.action == "dispatch":
        from govarchive.cli import _settings

        args.settings = _settings(args.settings)  # a bad --set refused before anything is asked
    folder = ArchiveFolder.prepare(args.archive) if args.action == "add" else None
    folder = folder or ArchiveFolder.existing(args.archive)
    db = open_database(folder.db_path)
    try:
        return _ACTIONS[args.action](args, console, db, folder)
    finally:
        db.close()


def _say(console: Console):
    return lambda line: console.print(line, markup=False)


def _add(args, console, db, folder) -> int:
    from archive.fleet import add_node

    node = add_node(db, args.name, args.url, args.shards)
    console.print(f"node {node.name}: {node.url}, shards in {node.shards}", markup=False)
    return EXIT_OK


def _remove(args, console, db, folder) -> int:
    from archive.fleet import remove_node

    active = remove_node(db, args.name)
    tail = f"; {active} job(s) of it were pending or running" if active else ""
    console.print(f"node {args.name} removed{tail}", markup=False)
    return EXIT_OK


def _list(args, console, db, folder) -> int:
    from archive.fleet import list_nodes
    from govarchive.fleet.dispatch import probe, short_error

    rows = []
    for state in probe(list_nodes(db)):
        rows.append({
            "name": state.node.name, "url": state.node.url, "shards": state.node.shards,
            "status": "ok" if state.up else f"down: {short_error(state.error)}",  # type: ignore[arg-type]
            "running": len(state.jobs.get("running", [])) if state.up else None,
            "pending": len(state.jobs.get("pending", [])) if state.up else None,
            "version": (state.versions[-1] if state.versions else "") if state.up else None,
        })  # fmt: skip
    _emit(rows, args.format, console)
    return EXIT_OK


def _deploy(args, console, db, folder) -> int:
    from archive.fleet import list_nodes
    from govarchive.fleet import FleetError
    from govarchive.fleet.client import ScrapydNode
    from govarchive.fleet.egg import build_egg

    nodes = list_nodes(db)
    if not nodes:
        raise FleetError("no nodes: add one with `govarchive fleet add NAME URL`")
    egg = build_egg()
    failed = 0
    for node in nodes:
        try:
            spiders = ScrapydNode.for_node(node.name, node.url).add_version(egg.version, egg.data)
        except FleetError as exc:
            print(f"govarchive: error: {one_line(str(exc))}", file=sys.stderr)
            failed += 1
            continue
        console.print(f"node {node.name}: govarchive {egg.version} deployed ({spiders} spider)",
                      markup=False)  # fmt: skip
    return EXIT_FAILED if failed else EXIT_OK


def _dispatch(args, console, db, folder) -> int:
    from govarchive.fleet.dispatch import dispatch
    from govarchive.fleet.egg import build_egg

    overrides = dict(args.settings)  # parsed and checked by cmd_fleet
    if args.full:
        overrides["GOVARCHIVE_FULL"] = "True"
    version = build_egg().version
    sent = dispatch(db, folder, args.sites, version, overrides, say=_say(console))
    console.print(f"{sent} site(s) dispatched", markup=False)
    return EXIT_OK


def _status(args, console, db, folder) -> int:
    from archive.fleet import list_nodes
    from govarchive.fleet.dispatch import probe, short_error, site_jobs

    states = probe(list_nodes(db))
    jobs = site_jobs(db, states)
    nodes = [
        {"name": s.node.name, "url": s.node.url, "up": s.up,
         "error": None if s.up else short_error(s.error),  # type: ignore[arg-type]
         "running": len(s.jobs.get("running", [])), "pending": len(s.jobs.get("pending", []))}
        for s in states
    ]  # fmt: skip
    sites = [
        {"site": j.site, "node": j.job.node, "job": j.job.job_id, "state": j.state,
         "detail": j.detail, "dispatched_at": j.job.dispatched_at, "shard": j.job.shard,
         "version": j.job.version, "trigger": j.job.trigger}
        for j in jobs
    ]  # fmt: skip
    if args.format == "json":
        print(json.dumps({"nodes": nodes, "sites": sites}, ensure_ascii=False, indent=1))
        return EXIT_OK
    for n in nodes:
        what = (f"up, {n['running']} running, {n['pending']} pending" if n["up"]
                else f"DOWN: {n['error']}")  # fmt: skip
        console.print(f"node {n['name']} ({n['url']}): {what}", markup=False)
    for s in sites:
        detail = f" ({s['detail']})" if s["detail"] and s["detail"] != s["state"] else ""
        state = f"lost: {s['detail']}" if s["state"] == "lost" else f"{s['state']}{detail}"
        console.print(f"{s['site']}: {state}; job {s['job']} on node {s['node']}, "
                      f"dispatched {s['dispatched_at']}, shard {s['shard']}", markup=False)  # fmt: skip
    if not sites:
        console.print("no site dispatched yet", markup=False)
    return EXIT_OK


def _cancel(args, console, db, folder) -> int:
    from govarchive.fleet.dispatch import cancel

    job, prevstate = cancel(db, args.site)
    console.print(f"{job.site}: job {job.job.job_id} on node {job.job.node} cancelled "
                  f"(it was {prevstate or job.state})", markup=False)  # fmt: skip
    return EXIT_OK


_ACTIONS = {
    "add": _add, "remove": _remove, "list": _list, "deploy": _deploy,
    "dispatch": _dispatch, "status": _status, "cancel": _cancel,
}  # fmt: skip

COMMANDS = {"fleet": cmd_fleet}
