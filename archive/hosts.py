"""Per-host politeness kept in the archive (`govarchive hosts set/list/unset`): how hard a crawl
may ask each host, whichever portal or run it comes up in. Rules are read by every crawl of the
archive; the host name is the key (Scrapy paces downloads per host name)."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive.clock import Clock, iso_utc, utc_now
from archive.errors import ArchiveError
from archive.tx import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
MAX_DELAY = 600.0
MAX_CONCURRENCY = 64


class HostError(ArchiveError):
    """A host name or rule that cannot be used, worded for the user."""


@dataclass(frozen=True)
class StoredRule:
    host: str
    delay: float | None
    concurrency: int | None
    updated_at: str


def check_host(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    if not _HOST.match(host):
        raise HostError(
            f"not a host name: {value!r}; give the name alone, without scheme, port or path, "
            "e.g. storage-vnportal.vnpt.vn (delays apply per host name)"
        )
    return host


def check_rule(delay: float | None, concurrency: int | None) -> None:
    if delay is None and concurrency is None:
        raise HostError("give --delay SECONDS, --concurrency N or both")
    if delay is not None and not 0 <= delay <= MAX_DELAY:
        raise HostError(f"--delay must be between 0 and {MAX_DELAY:.0f} seconds")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise HostError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")


def set_rule(
    db: Database,
    host: str,
    delay: float | None,
    concurrency: int | None,
    clock: Clock = utc_now,
) -> StoredRule:
    """Set (or change) a host's rule; a value not given keeps the one stored."""
    host = check_host(host)
    check_rule(delay, concurrency)
    with write_transaction(db):
        row = db.execute("SELECT delay, concurrency FROM hosts WHERE host = ?", [host]).fetchone()
        if row is not None:
            delay = delay if delay is not None else row[0]
            concurrency = concurrency if concurrency is not None else row[1]
        now = iso_utc(clock())
        db.execute(
            "INSERT INTO hosts (host, delay, concurrency, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(host) DO UPDATE SET delay = excluded.delay, "
            "concurrency = excluded.concurrency, updated_at = excluded.updated_at",
            [host, delay, concurrency, now],
        )
    return StoredRule(host, delay, concurrency, now)


def unset_rule(db: Database, host: str) -> None:
    host = check_host(host)
    with write_transaction(db):
        gone = db.execute("DELETE FROM hosts WHERE host = ?", [host]).rowcount
    if not gone:
        raise HostError(f"no rule for {host}; `govarchive hosts list` shows them")


def stored_rules(con: sqlite3.Connection) -> list[StoredRule]:
    """Every stored rule, by host. An archive from before hosts were kept has none."""
    try:
        rows = con.execute(
            "SELECT host, delay, concurrency, updated_at FROM hosts ORDER BY host"
        ).fetchall()
    except sqlite3.OperationalError:  # no hosts table yet: nothing stored
        return []
    return [StoredRule(*row) for row in rows]


def site_rules(con: sqlite3.Connection) -> dict[str, tuple[float | None, int | None, str]]:
    """Registered sites' own politeness (`sites add --delay/--concurrency`), by host name:
    (delay, concurrency, site name)."""
    out: dict[str, tuple[float | None, int | None, str]] = {}
    try:
        rows = con.execute(
            "SELECT host, name, profile FROM sites WHERE profile IS NOT NULL "
            "AND retired_at IS NULL ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:
        return out
    for host, name, profile in rows:
        data = json.loads(profile or "{}")
        if "delay" in data or "concurrency" in data:
            hostname = urlsplit(f"//{host}").hostname or host
            out[hostname] = (data.get("delay"), data.get("concurrency"), name)
    return out
