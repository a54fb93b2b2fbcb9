"""The fleet's registry in the central archive: Scrapyd nodes, and the job each site was sent as.

Kept here, beside sites and schedules, because the archive owns every row it stores; the HTTP
side lives in govarchive/fleet/. Credentials are never stored: a node is a name, a URL without a
user or password, and the folder its shards go under."""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import join as posix_join
from typing import TYPE_CHECKING

from archive.clock import Clock, iso_utc, utc_now
from archive.errors import ArchiveError
from archive.sites import http_url_parts
from archive.tx import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
DEFAULT_SHARDS = "govarchive-shards"  # relative: under the Scrapyd daemon's working folder
ACTIVE = ("pending", "running")


class FleetRegistryError(ArchiveError):
    """A node name, URL or job that cannot be used, worded for the user."""


@dataclass(frozen=True)
class Node:
    name: str
    url: str
    shards: str
    added_at: str

    def shard_for(self, site_name: str) -> str:
        return posix_join(self.shards, site_name)


@dataclass
class Job:
    id: int
    site_id: int
    site: str
    node: str
    job_id: str
    shard: str
    version: str
    trigger: str
    dispatched_at: str
    state: str
    state_at: str | None
    finish_reason: str | None


def check_node_name(name: str) -> str:
    if not _NAME.match(name):
        raise FleetRegistryError(
            f"not a node name: {name!r}; use lower-case letters, digits, '_' or '-' (up to 32)"
        )
    return name


def check_node_url(url: str) -> str:
    """A Scrapyd base URL, http(s), host and port, no user or password (it would be stored)."""
    parts = http_url_parts(url)
    if parts is None:
        raise FleetRegistryError(
            f"not a Scrapyd URL: {url!r}; give its address, e.g. http://10.0.0.5:6800"
        )
    if parts.username is not None or parts.password is not None:
        raise FleetRegistryError(
            "a node URL must not carry a user or password (it would be stored in the archive); "
            "give the URL alone and set GOVARCHIVE_FLEET_USERNAME/PASSWORD or a ~/.netrc entry"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def add_node(
    db: Database, name: str, url: str, shards: str | None = None, clock: Clock = utc_now
) -> Node:
    check_node_name(name)
    url = check_node_url(url)
    shards = (shards or DEFAULT_SHARDS).rstrip("/") or "/"
    with write_transaction(db):
        same = db.execute("SELECT name FROM fleet_nodes WHERE url = ?", [url]).fetchone()
        if same and same[0] != name:
            raise FleetRegistryError(f"{url} is already node {same[0]!r}")
        if db.execute("SELECT 1 FROM fleet_nodes WHERE name = ?", [name]).fetchone():
            db.execute(
                "UPDATE fleet_nodes SET url = ?, shards = ? WHERE name = ?", [url, shards, name]
            )
        else:
            db.execute(
                "INSERT INTO fleet_nodes (name, url, shards, added_at) VALUES (?, ?, ?, ?)",
                [name, url, shards, iso_utc(clock())],
            )
    node = find_node(db, name)
    assert node is not None
    return node


def find_node(db: Database, name: str) -> Node | None:
    row = db.execute(
        "SELECT name, url, shards, added_at FROM fleet_nodes WHERE name = ?", [name]
    ).fetchone()
    return Node(*row) if row else None


def list_nodes(db: Database) -> list[Node]:
    return [
        Node(*r)
        for r in db.execute("SELECT name, url, shards, added_at FROM fleet_nodes ORDER BY name")
    ]


def remove_node(db: Database, name: str) -> int:
    """Forget a node; its jobs stay on record (a job whose node is gone counts as lost).
    Returns how many of its jobs were last known pending or running."""
    if find_node(db, name) is None:
        raise FleetRegistryError(f"no node named {name!r}; `govarchive fleet list` shows them")
    with write_transaction(db):
        active = db.execute(
            f"SELECT count(*) FROM fleet_jobs WHERE node = ? AND state IN {ACTIVE}", [name]
        ).fetchone()[0]
        db.execute("DELETE FROM fleet_nodes WHERE name = ?", [name])
    return int(active)


_JOB_COLUMNS = (
    "j.id, j.site_id, s.name, j.node, j.job_id, j.shard, j.version, j.trigger, j.dispatched_at, "
    "j.state, j.state_at, j.finish_reason"
)


def latest_jobs(db: Database) -> dict[int, Job]:
    """Each site's latest job, by site id."""
    rows = db.execute(
        f"SELECT {_JOB_COLUMNS} FROM fleet_jobs j JOIN sites s ON s.id = j.site_id "
        "WHERE j.id IN (SELECT max(id) FROM fleet_jobs GROUP BY site_id)"
    ).fetchall()
    return {r[1]: Job(*r) for r in rows}


def next_job_id(db: Database, site_name: str, site_id: int) -> str:
    """`<site>-<n>`: n counts the site's jobs, so ids are stable and unique per archive."""
    count = db.execute("SELECT count(*) FROM fleet_jobs WHERE site_id = ?", [site_id]).fetchone()
    return f"{site_name}-{int(count[0]) + 1}"


def record_job(
    db: Database,
    site_id: int,
    node: str,
    job_id: str,
    shard: str,
    version: str,
    trigger: str,
    when: str,
) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO fleet_jobs (site_id, node, job_id, shard, version, trigger, "
            "dispatched_at, state, state_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            [site_id, node, job_id, shard, version, trigger, when, when],
        )


def set_state(
    db: Database, job: Job, state: str, when: str, finish_reason: str | None = None
) -> None:
    """Record what the node said of a job (only when it changed: status stays a cheap read)."""
    if (job.state, job.finish_reason) == (state, finish_reason or job.finish_reason):
        return
    with write_transaction(db):
        db.execute(
            "UPDATE fleet_jobs SET state = ?, state_at = ?, finish_reason = "
            "coalesce(?, finish_reason) WHERE id = ?",
            [state, when, finish_reason, job.id],
        )
    job.state, job.state_at = state, when
    job.finish_reason = finish_reason or job.finish_reason


def last_crawled(db: Database) -> dict[int, str]:
    """When each site was last crawled: its latest crawl in this archive (merged ones too) or
    its latest dispatch, whichever is later."""
    out: dict[int, str] = {}
    for site_id, when in db.execute(
        "SELECT site_id, max(started_at) FROM crawls GROUP BY site_id UNION ALL "
        "SELECT site_id, max(dispatched_at) FROM fleet_jobs GROUP BY site_id"
    ):
        if when and when > out.get(site_id, ""):
            out[site_id] = when
    return out
