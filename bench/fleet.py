"""A local fleet: N real Scrapyd nodes crawl a province of sample portals through `govarchive
fleet`, `govarchive merge` brings the shards in, and the figures size a nationwide run.

    .venv/bin/python -m bench.fleet [--nodes 2] [--max-proc 4] [--portals 6] [--articles 300]
                                    [--delay 0.05]

Measures what one job (one site, one Scrapy process) costs: its peak RSS, its CPU per response,
its wall time against its requests at the polite delay; what a node carries (jobs at once); and
what merging costs the central machine per capture. From those, prints how many nodes a
100-portal province and a 3,000-portal country need at govarchive's default politeness for a
daily and an hourly re-crawl (the model and its assumptions are printed with it: docs/fleet.md).
Checks every gold article was merged exactly once and that `verify` is clean.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.memory import peak_rss_mb, processes
from bench.province import STORAGE_RULE, province_profiles
from govarchive.demo import check_gold
from govarchive.sampleportal.server import SampleServers
from tests.scrapydnode import Daemons

POLITE_DELAY = 1.0  # govarchive's default seconds between two requests to a portal
NODE_RAM_GB = 16  # the node the sizing assumes: 16 GB, 4 cores
NODE_CORES = 4
RAM_RESERVE_GB = 2  # the OS, Scrapyd itself, page cache for WARC writes
PORTAL_PAGES = (1_000, 5_000)  # requests a small and a mid-size portal's crawl makes to it
HOURLY_CAP = 300  # an hourly pass capped with GOVARCHIVE_MAX_PAGES: lists and the newest pages


def gov(*args: str, archive: Path, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-m", "govarchive", *args, "--archive", str(archive)],
        capture_output=True, text=True,
    )  # fmt: skip
    if check and out.returncode != 0:
        raise SystemExit(f"govarchive {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return out


def sample_jobs(session: int, seen: dict[int, tuple[float, float]]) -> int:
    """Every process of a daemon's session but the daemon: its crawls. Records each one's peak
    RSS (VmHWM, MB) and CPU seconds so far; returns how many are running."""
    running = 0
    for p in processes():
        if p.session != session or p.pid == session:
            continue
        hwm = peak_rss_mb(p.pid)
        if not hwm:
            continue  # gone meanwhile
        running += 1
        seen[p.pid] = (max(hwm, seen.get(p.pid, (0, 0))[0]), p.cpu_seconds)
    return running


def run_round(
    central: Path, nodes: list, seen: dict[int, tuple[float, float]]
) -> tuple[float, int]:
    """Dispatch every site and wait until every job has ended: (wall seconds, most jobs at
    once), sampling the job processes into `seen` as they run."""
    started = time.perf_counter()
    gov("fleet", "dispatch", archive=central)
    most = 0
    while True:
        running = sum(sample_jobs(n.proc.pid, seen) for n in nodes if n.proc)
        most = max(most, running)
        status = json.loads(gov("fleet", "status", "--format", "json", archive=central).stdout)
        states = [j["state"] for j in status["sites"]]
        if states and all(s in ("finished", "cut off", "cancelled", "lost") for s in states):
            if any(s != "finished" for s in states):
                raise SystemExit(f"jobs ended badly: {status['sites']}")
            return time.perf_counter() - started, most
        if time.perf_counter() - started > 3600:
            raise SystemExit(f"jobs still not finished after an hour: {states}")
        time.sleep(0.5)


def shard_of_sites(central: Path) -> dict[str, str]:
    status = json.loads(gov("fleet", "status", "--format", "json", archive=central).stdout)
    return {j["site"]: j["shard"] for j in status["sites"]}


def count_requests(central: Path, storage: str, to_storage: bool = False) -> int:
    """Requests the merged crawls made to the portals themselves (or to the storage host)."""
    con = sqlite3.connect(central / "archive.db")
    try:
        return con.execute(
            f"SELECT count(*) FROM captures WHERE url {'' if to_storage else 'NOT'} LIKE ?",
            [f"%//{storage}%"],
        ).fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--max-proc", type=int, default=4, help="jobs at once per node")
    parser.add_argument("--portals", type=int, default=6)
    parser.add_argument("--articles", type=int, default=300, help="articles per portal")
    parser.add_argument(
        "--delay", type=float, default=0.05,
        help="each portal's delay in this run (seconds); the sizing uses govarchive's 1 s",
    )  # fmt: skip
    args = parser.parse_args()
    keys = province_profiles(args.portals, args.articles)
    hosts = tuple(f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(args.portals))
    print(f"# fleet benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; CPython "
        f"{platform.python_version()}; {args.nodes} Scrapyd nodes on this machine, max_proc "
        f"{args.max_proc} each; {args.portals} portals of {args.articles} articles, delay "
        f"{args.delay} s, 2 connections each"
    )
    with (
        SampleServers(profiles=keys, portal_hosts=hosts) as servers,
        tempfile.TemporaryDirectory() as tmp,
    ):
        root = Path(tmp)
        central = root / "central"
        storage = servers.storage_host
        rule = ["--delay", str(STORAGE_RULE.delay), "--concurrency", str(STORAGE_RULE.concurrency)]
        gov("hosts", "set", storage, *rule, archive=central)
        for i, site in enumerate(servers.sites):
            gov("sites", "add", f"p{i:03d}", site.home_url(), "--delay", str(args.delay),
                "--concurrency", "2", archive=central)  # fmt: skip
        daemons = Daemons(root)
        try:
            nodes = [daemons.start(f"n{i}", max_proc=args.max_proc) for i in range(args.nodes)]
            for i, node in enumerate(nodes):
                gov("fleet", "add", f"n{i}", node.url, "--shards", str(root / f"shards-n{i}"),
                    archive=central)  # fmt: skip
            started = time.perf_counter()
            gov("fleet", "deploy", archive=central)
            deployed = time.perf_counter() - started
            seen: dict[int, tuple[float, float]] = {}
            crawl_wall, most = run_round(central, nodes, seen)
            shards = sorted(root.glob("shards-n*/*"))
            started = time.perf_counter()
            gov("merge", *map(str, shards), archive=central)
            merge_wall = time.perf_counter() - started
            first_round = count_requests(central, storage)
            first_assets = count_requests(central, storage, to_storage=True)
            placed = shard_of_sites(central)
            again_wall, _ = run_round(central, nodes, {})  # the portals unchanged: a re-crawl
            same_node = sum(shard_of_sites(central)[k] == v for k, v in placed.items())
            shards = sorted(root.glob("shards-n*/*"))
            started = time.perf_counter()
            gov("merge", *map(str, shards), archive=central)
            again_merge = time.perf_counter() - started
            again = count_requests(central, storage) - first_round
            again_assets = count_requests(central, storage, to_storage=True) - first_assets
        finally:
            daemons.stop_all()
        verified = gov("verify", archive=central, check=False)
        good, problems = check_gold(central / "archive.db", servers.sites)
        con = sqlite3.connect(central / "archive.db")
        responses, captures, articles = con.execute(
            "SELECT (SELECT sum(pages) FROM crawls WHERE id <= ?), (SELECT count(*) FROM "
            "captures WHERE crawl_id <= ?), (SELECT count(*) FROM articles)",
            [args.portals, args.portals],
        ).fetchone()  # the first round's: its crawls are the first merged
        portal_requests = first_round
        durations = [
            (datetime.fromisoformat(f) - datetime.fromisoformat(s)).total_seconds()
            for s, f in con.execute(
                "SELECT started_at, finished_at FROM crawls ORDER BY id LIMIT ?", [args.portals]
            )
        ]
        con.close()

    rss = [hwm for hwm, _ in seen.values()]
    cpu = sum(c for _, c in seen.values())
    ms_per_response = 1000 * cpu / max(responses, 1)
    per_portal = portal_requests / args.portals
    print(
        f"deploy {deployed:.1f} s; crawl {crawl_wall:.1f} s for {responses} responses "
        f"({responses / crawl_wall:.0f}/s), {len(seen)} job processes, at most {most} at once"
    )
    print(
        f"a job: peak RSS median {statistics.median(rss):.0f} MB (max {max(rss):.0f}), CPU "
        f"{ms_per_response:.2f} ms per response, {per_portal:.0f} requests to its portal in "
        f"{statistics.median(durations):.1f} s median (delay floor {per_portal * args.delay:.1f} s)"
    )
    print(
        f"merge: {merge_wall:.1f} s for {len(shards)} shards, {captures} captures, {articles} "
        f"articles ({1000 * merge_wall / max(captures, 1):.2f} ms per capture, incl. start-up)"
    )
    print(
        f"re-crawl of the unchanged portals: {again_wall:.1f} s, {again / args.portals:.0f} "
        f"requests to each portal ({again / max(first_round, 1):.0%} of the first crawl's) and "
        f"{again_assets / args.portals:.0f} to the storage host (first crawl: "
        f"{first_assets / args.portals:.0f}); "
        f"{same_node}/{args.portals} sites back on the node holding their shard; merged in "
        f"{again_merge:.1f} s"
    )
    print(f"gold articles merged exactly once: {good}/{good + len(problems)}; verify exit "
          f"{verified.returncode}")  # fmt: skip

    job_mb = max(rss)
    per_node_ram = math.floor((NODE_RAM_GB - RAM_RESERVE_GB) * 1024 / job_mb)
    per_node_cpu = math.floor(NODE_CORES * 1000 * POLITE_DELAY / ms_per_response)
    per_node = min(per_node_ram, per_node_cpu)
    merge_ms = 1000 * merge_wall / max(captures, 1)
    # a re-crawl's captures a portal request (its files are held: few go to the storage host)
    captures_per_request = (again + again_assets) / max(again, 1)
    print(
        f"\nsizing at govarchive's politeness ({POLITE_DELAY:.0f} s between requests to a "
        "portal): a job makes one request a second to its portal, so it lasts as many seconds "
        f"as its crawl makes requests (a re-crawl makes {again / max(first_round, 1):.0%} of a "
        f"first crawl's, measured above); a {NODE_RAM_GB} GB, {NODE_CORES}-core node carries "
        f"{per_node} jobs at once (memory: {per_node_ram} at {job_mb:.0f} MB each, "
        f"{RAM_RESERVE_GB} GB kept back; CPU: {per_node_cpu} at {ms_per_response:.2f} ms a "
        f"response); the central machine merges a re-crawl's {captures_per_request:.1f} "
        f"captures a portal request at {merge_ms:.2f} ms each"
    )
    print("| portals | re-crawl | requests/portal | job lasts | jobs at once | nodes | merge |")
    print("|---|---|---|---|---|---|---|")
    for portals in (100, 3000):
        for label, pages, window in (
            *((f"daily, {p:,}-page portals", p, 86400) for p in PORTAL_PAGES),
            (f"hourly, capped at {HOURLY_CAP} pages", HOURLY_CAP, 3600),
        ):
            lasts = pages * POLITE_DELAY
            at_once = portals * lasts / window
            nodes = max(1, math.ceil(at_once / per_node))
            merge_s = portals * pages * captures_per_request * merge_ms / 1000
            print(
                f"| {portals:,} | {label} | {pages:,} | {lasts / 60:.0f} min | {at_once:.0f} | "
                f"{nodes} | {merge_s / 60:.0f} min |"
            )


if __name__ == "__main__":
    main()
