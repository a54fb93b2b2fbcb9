"""Kill-anywhere: crawl the sample portals, kill the crawl with SIGKILL at seeded random moments,
resume after each kill, finish it, and check the archive. Every few kills is also a simulated
power cut: each WARC file is cut back to the length it had at its last fsync (the crawl logs
those lengths through GOVARCHIVE_WARC_SYNC_LOG) and no committed row may point past it.

    .venv/bin/python -m bench.chaos --kills 200 --seed 7

tests/test_chaos.py runs the same with ten kills.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.folder import ArchiveFolder
from archive.verify import verify
from govarchive.sampleportal.content import DEFAULT_PROFILES
from govarchive.sampleportal.gold import gold_articles
from govarchive.sampleportal.process import SamplePortalProcess

BIN = Path(sys.executable).parent
SYNC_LOG = "warc-syncs.log"
# The three vnPortal skins, and two families that are also found through a feed, a gzipped
# sitemap index and an ASP.NET postback pager: every way a page enters the frontier.
PROFILES = (*DEFAULT_PROFILES, "laichau", "dienbien")


@dataclass
class ChaosResult:
    kills: int = 0
    power_cuts: int = 0
    resumes: int = 0
    finished_early: int = 0  # runs that ended before their kill came
    articles: int = 0
    expected: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"kills {self.kills} (power cuts {self.power_cuts}), resumes {self.resumes}, "
            f"runs that finished before their kill {self.finished_early}, articles "
            f"{self.articles}/{self.expected}, problems {len(self.problems)}, "
            f"{self.seconds:.0f} s"
        )


def _crawl(portal: SamplePortalProcess, archive: Path) -> subprocess.Popen:
    urls = [s.home_url() for s in portal.sites]
    cmd = [str(BIN / "govarchive"), "crawl", *urls, "--archive", str(archive), "--resume"]
    cmd += ["--delay", "0", "--concurrency", "2"]
    cmd += ["--set", f"GOVARCHIVE_WARC_SYNC_LOG={archive / SYNC_LOG}"]
    return subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env()
    )


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("GOVARCHIVE_ARCHIVE", None)
    return env


def _logs(archive: Path) -> int:
    """Crawl logs in the archive: a run's log appears once it is past its imports."""
    return len(list((archive / "logs").glob("crawl-*.log")))


def _count(archive: Path, table: str) -> int:
    con = sqlite3.connect(archive / "archive.db")
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def synced_lengths(archive: Path) -> dict[str, int]:
    """Each WARC file's length at its last fsync, from the crawl's log of them."""
    lengths: dict[str, int] = {}
    log = archive / SYNC_LOG
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            name, _, size = line.partition("\t")
            if size.isdigit():
                lengths[name] = int(size)
    return lengths


def power_cut(archive: Path) -> list[str]:
    """Cut each WARC file back to its length at its last fsync, as a power cut may, after
    checking that no committed row points past that length."""
    problems = []
    synced = synced_lengths(archive)
    con = sqlite3.connect(archive / "archive.db")
    try:
        rows = con.execute(
            "SELECT id, url, warc_file, warc_offset + warc_length FROM captures "
            "WHERE warc_file IS NOT NULL AND lost_at IS NULL"
        ).fetchall()
    finally:
        con.close()
    for cid, url, name, end in rows:
        if end > synced.get(name, 0):
            problems.append(
                f"power cut: capture {cid} ({url}) ends at {end} in {name}, "
                f"past its last fsync at {synced.get(name, 0)}"
            )
    for path in (archive / "warc").glob("*.warc.gz"):
        keep = synced.get(path.name, 0)
        if keep == 0:
            path.unlink()  # never synced: a power cut may leave nothing of it
        elif path.stat().st_size > keep:
            with path.open("r+b") as fh:
                fh.truncate(keep)
    return problems


def check_archive(portal: SamplePortalProcess, archive: Path) -> tuple[int, list[str]]:
    """(articles stored, problems): every gold article once with its page's record, no GET
    fetched twice by a crawl (postbacks post to one URL, and are posted again on resume), every crawl finished, nothing waiting for refetch, verify and
    warcio check clean."""
    problems: list[str] = []
    con = sqlite3.connect(archive / "archive.db")
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    for site in portal.sites:
        host = site.base.split("://", 1)[1]
        for gold in gold_articles(site):
            rows = con.execute(
                "SELECT a.title, a.body, c.url, c.warc_file, c.warc_offset, c.lost_at "
                "FROM articles a JOIN sites s ON s.id = a.site_id "
                "LEFT JOIN captures c ON c.id = a.capture_id "
                "WHERE s.host = ? AND a.article_key = ?",
                [host, gold["key"]],
            ).fetchall()
            if len(rows) != 1 or rows[0][:2] != (gold["title"], gold["body"]):
                problems.append(f"{gold['url']}: stored {len(rows)} time(s) or not as gold")
                continue
            _, _, url, name, offset, lost = rows[0]
            if name is None or lost:
                problems.append(f"{gold['url']}: no record of its page")
                continue
            with (archive / "warc" / name).open("rb") as fh:
                fh.seek(offset)
                record = next(iter(ArchiveIterator(fh)))
                kind = record.rec_headers.get_header("WARC-Type")
                target = record.rec_headers.get_header("WARC-Target-URI")
            if kind not in ("response", "revisit") or target != url:
                problems.append(f"{gold['url']}: its capture points at a {kind} of {target}")
    twice = con.execute(
        "SELECT crawl_id, url, count(*) FROM captures WHERE status IS NOT NULL "
        "AND lost_at IS NULL AND method = 'GET' GROUP BY crawl_id, url HAVING count(*) > 1"
    ).fetchall()
    problems += [f"crawl {c} fetched {u} {n} times" for c, u, n in twice]
    unfinished = con.execute("SELECT count(*) FROM crawls WHERE status != 'finished'").fetchone()
    if unfinished[0]:
        problems.append(f"{unfinished[0]} crawl(s) not finished")
    queued = con.execute("SELECT count(*) FROM refetch").fetchone()[0]
    if queued:
        problems.append(f"{queued} page(s) still waiting to be fetched again")
    con.close()
    report = verify(ArchiveFolder.existing(archive))
    problems += [f"verify: {p}" for p in report.problems]
    files = sorted(str(p) for p in (archive / "warc").glob("*.warc.gz"))
    check = subprocess.run([str(BIN / "warcio"), "check", *files], capture_output=True, text=True)
    if check.returncode != 0:
        problems.append(f"warcio check: {(check.stdout + check.stderr).strip()[:300]}")
    return stored, problems


def run_chaos(
    portal: SamplePortalProcess,
    archive: Path,
    kills: int,
    seed: int,
    *,
    window: tuple[float, float] = (0.1, 1.5),
    power_cut_every: int = 3,
    say: Callable[[str], None] = lambda _: None,
) -> ChaosResult:
    """Kill, (cut the power,) resume, `kills` times; then let the crawl finish and check."""
    rng = random.Random(seed)
    result = ChaosResult(expected=sum(len(gold_articles(s)) for s in portal.sites))
    started = time.monotonic()
    while result.kills < kills:
        wait = rng.uniform(*window)
        cut = power_cut_every > 0 and (result.kills + 1) % power_cut_every == 0
        before = _logs(archive)
        proc = _crawl(portal, archive)
        result.resumes += 1
        end = time.monotonic() + 60
        while _logs(archive) == before and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.02)
        time.sleep(wait)
        if proc.poll() is not None:  # finished (or failed) before the kill: next run re-crawls
            _, err = proc.communicate()
            if proc.returncode != 0:
                result.problems.append(f"run {result.resumes} exited {proc.returncode}: {err}")
                break
            result.finished_early += 1
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        result.kills += 1
        if cut:
            result.power_cuts += 1
            result.problems += power_cut(archive)
        say(
            f"kill {result.kills} after {wait:.2f} s{' + power cut' if cut else ''}: "
            f"{_count(archive, 'captures')} captures, {_count(archive, 'articles')} articles"
        )
    final = _crawl(portal, archive)
    _, err = final.communicate(timeout=600)
    result.resumes += 1
    if final.returncode != 0:
        result.problems.append(f"the last run exited {final.returncode}: {err.strip()[-300:]}")
    result.articles, found = check_archive(portal, archive)
    result.problems += found
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delay", type=float, default=0.1, help="portal answer delay (s)")
    parser.add_argument(
        "--profile",
        action="append",
        default=None,
        help=f"sample portal profile (repeatable; default {', '.join(PROFILES)})",
    )
    parser.add_argument("--power-cut-every", type=int, default=3, help="0: never")
    parser.add_argument("--archive", type=Path, default=None, help="default: a temporary folder")
    args = parser.parse_args(argv)
    profiles = tuple(args.profile or PROFILES)
    with (
        tempfile.TemporaryDirectory() as tmp,
        SamplePortalProcess(profiles, delay=args.delay) as portal,
    ):
        archive = args.archive or Path(tmp) / "archive"
        result = run_chaos(
            portal,
            archive,
            args.kills,
            args.seed,
            power_cut_every=args.power_cut_every,
            say=lambda line: print(line, flush=True),
        )
    print(result.line())
    for problem in result.problems:
        print(f"problem: {problem}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
