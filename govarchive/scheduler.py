"""`govarchive scheduler`: runs the archive's schedules in the foreground, as a service would.

Each due run is a separate `govarchive crawl` process (its own Scrapy, its own log file), with
`--resume` so a run cut off by a stop is finished by the next one. One scheduler per archive
(DIR/.scheduler.lock); never two runs of one site at once; a trigger that comes while the site's
previous run is still going is taken and skipped, so overlapping triggers give one run. While
runs are going the scheduler holds the archive's writer lock for them (they are told so, as
crawl workers are); between runs it lets go, so a manual crawl can take it. SIGTERM or SIGINT:
no new runs, running crawls are asked to stop (they end `interrupted`), then it exits 0.
With `fleet`, due runs are dispatched to the Scrapyd nodes instead (govarchive/fleet/).
"""

from __future__ import annotations

import functools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.cdxj import update_index
from archive.clock import Clock, iso_utc, utc_now
from archive.db import open_database
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder
from archive.lock import INHERITED, ArchiveLock
from archive.schedules import Schedule, list_schedules, mark_crawl, mark_started

STOP_GRACE = 60.0  # seconds a stopping crawl gets before it is killed


@dataclass
class Run:
    schedule: Schedule
    due: datetime
    proc: subprocess.Popen
    output: Path


class Scheduler:
    def __init__(
        self,
        folder: ArchiveFolder,
        clock: Clock = utc_now,
        poll: float = 30.0,
        say: Callable[[str], None] = print,
        fleet: bool = False,
    ) -> None:
        self.folder = folder
        self.fleet = fleet  # due runs go to the Scrapyd nodes (govarchive fleet dispatch)
        self.clock = clock
        self.poll = poll
        self.say = say
        self.stopping = threading.Event()
        self.running: dict[int, Run] = {}  # site id -> its run
        self.lock = ArchiveLock(folder.root)
        self.db = open_database(folder.db_path)

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def run(self) -> int:
        own = ArchiveLock(self.folder.root, ".scheduler.lock", "another govarchive scheduler")
        own.acquire()
        try:
            self.say(f"scheduler: {self.folder.root}, {len(list_schedules(self.db))} schedule(s)")
            while not self.stopping.is_set():
                self._reap()
                self._start_due()
                self.stopping.wait(self._sleep())
            self._shutdown()
            return 0
        finally:
            own.release()
            self.db.close()

    # ------------------------------------------------------------------------------------------
    def _start_due(self) -> None:
        now = self.clock()
        # The code's version for the fleet, built at most once a pass (a copy of the checkout
        # and an egg build each), and only when a run is due.
        version = functools.cache(_fleet_version)
        for schedule in list_schedules(self.db):
            due = schedule.due_time(now)
            if due is None:
                continue
            if self.fleet:
                self._dispatch(schedule, due, version)
                continue
            if schedule.site.id in self.running:
                mark_started(self.db, schedule.id, due)  # the trigger is taken: one run at a time
                self.say(f"{schedule.site.name}: run due {iso_utc(due)} skipped, still running")
                continue
            if not self.running:
                try:
                    self.lock.acquire()
                except ArchiveError as exc:  # a manual crawl: the run stays owed until it ends
                    self.say(f"{schedule.site.name}: run due {iso_utc(due)} waits: {exc}")
                    return
            mark_started(self.db, schedule.id, due)  # before it runs: a trigger is taken once
            self._launch(schedule, due)

    def _launch(self, schedule: Schedule, due: datetime) -> None:
        """`govarchive crawl NAME`: the site's URLs, delay and connections, as a manual crawl of
        it would use them."""
        site = schedule.site
        logs = self.folder.root / "logs"
        logs.mkdir(exist_ok=True)
        output = logs / f"scheduled-{site.name}-{due:%Y%m%dT%H%M%S}.txt"
        command = [
            sys.executable, "-m", "govarchive", "crawl", site.name,
            "--archive", str(self.folder.root), "--resume",
            "--set", "GOVARCHIVE_TRIGGER=schedule",
            "--set", "GOVARCHIVE_COMMIT_INTERVAL=0",  # runs of other sites share the database
        ]  # fmt: skip
        if schedule.options.get("full"):
            command.append("--full")
        env = {**os.environ, INHERITED: str(self.lock.path)}
        with output.open("w", encoding="utf-8") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        self.running[site.id] = Run(schedule, due, proc, output)
        self.say(f"{site.name}: run due {iso_utc(due)} started (pid {proc.pid}), output {output}")

    def _dispatch(self, schedule: Schedule, due: datetime, version: Callable[[], str]) -> None:
        """`govarchive fleet dispatch NAME`: a node runs it, into the site's shard there. A site
        still pending or running on a node is not sent again (the trigger is taken). When the
        fleet cannot take it (no node answers, a node runs other code), the run stays owed and
        is tried again at the next poll."""
        from govarchive.fleet import FleetError
        from govarchive.fleet.dispatch import dispatch

        overrides = {"GOVARCHIVE_TRIGGER": "schedule"}
        if schedule.options.get("full"):
            overrides["GOVARCHIVE_FULL"] = "True"
        when = f"run due {iso_utc(due)}"
        try:
            dispatch(self.db, self.folder, [schedule.site.name], version(), overrides,
                     "schedule", self.clock, lambda line: self.say(f"{line} ({when})"))  # fmt: skip
        except FleetError as exc:
            self.say(f"{schedule.site.name}: {when} waits: {exc}")
            return
        mark_started(self.db, schedule.id, due)

    def _reap(self) -> None:
        ended = False
        for site_id, run in list(self.running.items()):
            code = run.proc.poll()
            if code is None:
                continue
            ended = True
            del self.running[site_id]
            crawl = self._crawl_of(run)
            mark_crawl(self.db, run.schedule.id, crawl[0] if crawl else None)
            status = crawl[1] if crawl else f"no crawl recorded (exit {code}; see {run.output})"
            self.say(f"{run.schedule.site.name}: run due {iso_utc(run.due)} ended: {status}")
        if ended and self.lock.held:  # the ended runs' WARC files (running ones' wait)
            update_index(self.folder)
        if not self.running:
            self.lock.release()

    def _crawl_of(self, run: Run) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT id, status FROM crawls WHERE site_id = ? AND trigger = 'schedule' "
            "ORDER BY id DESC LIMIT 1",
            [run.schedule.site.id],
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def _sleep(self) -> float:
        """Until the next cron time of any schedule (or `poll`, to see new schedules)."""
        now = self.clock()
        wait = self.poll
        try:
            for schedule in list_schedules(self.db):
                wait = min(wait, (schedule.next_time(now) - now).total_seconds())
        except sqlite3.Error:
            pass
        if self.running:
            wait = min(wait, 1.0)  # notice a finished run promptly
        return max(wait, 0.05)

    def _shutdown(self) -> None:
        if self.running:
            self.say(f"stopping: asking {len(self.running)} running crawl(s) to stop")
        for run in self.running.values():
            run.proc.send_signal(signal.SIGTERM)
        for run in self.running.values():
            try:
                run.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                run.proc.kill()
                run.proc.wait()
        self._reap()
        self.say("scheduler stopped")


def _fleet_version() -> str:
    from govarchive.fleet.egg import build_egg

    return build_egg().version
