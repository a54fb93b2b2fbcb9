"""Crawl schedules: one cron expression per site, evaluated in UTC with croniter.

A schedule is due when a cron time has passed since the run it last started (or since it was
added). However many cron times passed while the scheduler was down, they are owed one run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from sqlite_utils import Database

from archive.clock import Clock, from_iso, iso_utc, utc_now
from archive.sites import Site, SiteError, find_site
from archive.tx import write_transaction


def check_cron(expr: str) -> str:
    expr = " ".join(expr.split())
    fields = len(expr.split())
    if fields not in (5, 6) or not croniter.is_valid(expr):
        raise SiteError(
            f"not a cron expression: {expr!r}; give five fields in UTC, minute hour day month "
            'weekday, e.g. "0 2 * * *" for 02:00 every day'
        )
    return expr


@dataclass
class Schedule:
    id: int
    site: Site
    cron: str
    created_at: str
    last_run_at: str | None
    last_crawl_id: int | None
    options: dict[str, Any] = field(default_factory=dict)
    last_status: str | None = None

    def due_time(self, now: datetime) -> datetime | None:
        """The latest cron time at or before `now` not yet run, or None if nothing is owed."""
        base = now.replace(microsecond=0) + timedelta(seconds=1)  # a cron time equal to now counts
        latest = croniter(self.cron, base).get_prev(datetime)
        since = from_iso(self.last_run_at) or from_iso(self.created_at)
        assert since is not None
        return latest if latest > since else None

    def next_time(self, now: datetime) -> datetime:
        return croniter(self.cron, now).get_next(datetime)


def _schedule(db: Database, row: Any) -> Schedule:
    site = find_site(db, row[1])
    assert site is not None
    status = None
    if row[5]:
        found = db.execute("SELECT status FROM crawls WHERE id = ?", [row[5]]).fetchone()
        status = found[0] if found else None
    return Schedule(
        id=row[0],
        site=site,
        cron=row[2],
        created_at=row[3],
        last_run_at=row[4],
        last_crawl_id=row[5],
        options=json.loads(row[6]) if row[6] else {},
        last_status=status,
    )


_SELECT = (
    "SELECT sc.id, s.host, sc.cron, sc.created_at, sc.last_run_at, sc.last_crawl_id, sc.options "
    "FROM schedules sc JOIN sites s ON s.id = sc.site_id WHERE s.retired_at IS NULL"
)


def list_schedules(db: Database) -> list[Schedule]:
    return [_schedule(db, r) for r in db.execute(_SELECT + " ORDER BY s.name").fetchall()]


def add_schedule(
    db: Database,
    site: Site,
    cron: str,
    options: dict[str, Any] | None = None,
    clock: Clock = utc_now,
) -> tuple[Schedule, bool]:
    """Schedule `site` (one schedule per site: adding again replaces its cron and options).
    Returns the schedule and whether it is new."""
    cron = check_cron(cron)
    with write_transaction(db):
        existing = db.execute("SELECT id FROM schedules WHERE site_id = ?", [site.id]).fetchone()
        values = {"cron": cron, "options": json.dumps(options or {}, sort_keys=True)}
        if existing:
            db["schedules"].update(existing[0], values)
        else:
            db["schedules"].insert({**values, "site_id": site.id, "created_at": iso_utc(clock())})
    found = [s for s in list_schedules(db) if s.site.id == site.id]
    return found[0], existing is None


def remove_schedule(db: Database, name: str) -> None:
    site = find_site(db, name)
    with write_transaction(db):
        gone = site and db.execute("DELETE FROM schedules WHERE site_id = ?", [site.id]).rowcount
    if not gone:
        raise SiteError(f"no schedule for {name!r}; `govarchive schedule list` shows them")


def mark_started(db: Database, schedule_id: int, due: datetime) -> None:
    """Record that the run owed for `due` has started, before it runs: a trigger is taken once."""
    with write_transaction(db):
        db["schedules"].update(schedule_id, {"last_run_at": iso_utc(due.astimezone(UTC))})


def mark_crawl(db: Database, schedule_id: int, crawl_id: int | None) -> None:
    with write_transaction(db):
        db["schedules"].update(schedule_id, {"last_crawl_id": crawl_id})
