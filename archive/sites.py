"""Registered sites: the portals an archivist keeps, by a short name, with their own settings.

A site is the `sites` row a crawl would create anyway (keyed by host), given a name, a title and
a profile: politeness (delay, connections) and extra start URLs. Removing a site that has
archived content never deletes it: the site is retired (off the list, its schedule dropped)."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, quote, urlsplit

from archive.clock import Clock, iso_utc, utc_now
from archive.errors import ArchiveError
from archive.tx import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class SiteError(ArchiveError):
    """A site name, URL or profile that cannot be used, worded for the user."""


@dataclass
class Site:
    id: int
    name: str
    host: str
    root_url: str
    title: str = ""
    profile: dict[str, Any] = field(default_factory=dict)
    retired_at: str | None = None

    def crawl_urls(self) -> list[str]:
        """The root first, then the extra start URLs: what `govarchive crawl` is given."""
        return [self.root_url, *self.profile.get("start_urls", [])]


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise SiteError(
            f"not a site name: {name!r}; use lower-case letters, digits, '.', '_' or '-' "
            "(up to 64), e.g. laocai-city"
        )
    return name


def http_url_parts(url: str) -> SplitResult | None:
    """The parts of an absolute http(s) URL with a host and a well-formed port; None for any
    other text (what a portal URL and a Scrapyd node's URL must both be)."""
    try:
        parts = urlsplit(url.strip())  # raises ValueError on a broken IPv6 host: http://[::1
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    return parts if parts.scheme in ("http", "https") and parts.hostname else None


def check_url(url: str, what: str = "portal URL") -> str:
    """An absolute http(s) URL with a host (and a well-formed port), or a SiteError."""
    if http_url_parts(url) is None:
        raise SiteError(
            f"not a {what}: {url!r}; give a full address such as https://sxd.laocai.gov.vn/"
        )
    # Whitespace inside a URL is sent percent-encoded (as browsers do): the crawl passes its
    # URLs to the spider space-separated, and a raw space would split one URL in two.
    return re.sub(r"\s", lambda m: quote(m.group()), url.strip())


def make_profile(
    delay: float | None = None, concurrency: int | None = None, start_urls: list[str] | None = None
) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if delay is not None:
        profile["delay"] = delay
    if concurrency is not None:
        profile["concurrency"] = concurrency
    if start_urls:
        profile["start_urls"] = [check_url(u, "start URL") for u in start_urls]
    return profile


def _site(row: Any) -> Site:
    return Site(
        id=row[0],
        name=row[1],
        host=row[2],
        root_url=row[3],
        title=row[4] or "",
        profile=json.loads(row[5]) if row[5] else {},
        retired_at=row[6],
    )


_COLUMNS = "id, name, host, root_url, title, profile, retired_at"


def find_site(db: Database | sqlite3.Connection, name: str) -> Site | None:
    """By name, or by host (crawled portals are known by their host until named)."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM sites WHERE name = ? OR host = ? ORDER BY name = ? DESC LIMIT 1",
        [name, name.lower(), name],
    ).fetchone()
    return _site(row) if row else None


def list_sites(db: Database, include_retired: bool = False) -> list[Site]:
    where = "" if include_retired else "WHERE retired_at IS NULL"
    return [_site(r) for r in db.execute(f"SELECT {_COLUMNS} FROM sites {where} ORDER BY name")]


def add_site(
    db: Database,
    name: str,
    url: str,
    title: str = "",
    profile: dict[str, Any] | None = None,
    clock: Clock = utc_now,
) -> tuple[Site, bool]:
    """Register a portal under `name`. A portal already crawled (known by its host) takes the
    name; re-adding a site with the same URL updates its title and profile. Returns the site and
    whether it is new."""
    check_name(name)
    url = check_url(url)
    host = urlsplit(url).netloc.lower()
    with write_transaction(db):
        by_name = db.execute("SELECT id, host FROM sites WHERE name = ?", [name]).fetchone()
        if by_name and by_name[1] != host:
            raise SiteError(f"site {name!r} is already {by_name[1]}; choose another name")
        by_host = db.execute("SELECT id, name FROM sites WHERE host = ?", [host]).fetchone()
        values = {"name": name, "retired_at": None}
        if title:
            values["title"] = title
        if profile:
            values["profile"] = json.dumps(profile, sort_keys=True)
        if by_host:
            if by_host[1] not in (name, host):
                raise SiteError(f"{host} is already registered as {by_host[1]!r}")
            db["sites"].update(by_host[0], values)
            created = False
        else:
            db["sites"].insert(
                {**values, "host": host, "root_url": url, "first_seen": iso_utc(clock())}
            )
            created = True
    found = find_site(db, name)
    assert found is not None
    return found, created


def remove_site(db: Database, name: str, clock: Clock = utc_now) -> str:
    """Unregister a site: deleted if nothing of it was archived, else retired (content kept).
    Its schedule goes either way. Returns "deleted" or "retired"."""
    site = find_site(db, name)
    if site is None or site.retired_at:
        raise SiteError(f"no site named {name!r}; `govarchive sites list` shows them")
    with write_transaction(db):
        db.execute("DELETE FROM schedules WHERE site_id = ?", [site.id])
        crawled = db.execute("SELECT 1 FROM crawls WHERE site_id = ? LIMIT 1", [site.id]).fetchone()
        stored = db.execute(
            "SELECT 1 FROM articles WHERE site_id = ? LIMIT 1", [site.id]
        ).fetchone()
        if crawled or stored:
            db["sites"].update(site.id, {"retired_at": iso_utc(clock())})
            return "retired"
        db.execute("DELETE FROM sites WHERE id = ?", [site.id])
        return "deleted"
