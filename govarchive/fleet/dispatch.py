"""Which site goes to which node, what each job is doing, and the settings a job crawls with.

A fleet job crawls a site as `govarchive crawl NAME` would here: the site's URLs, its delay and
connections, the archive's per-host rules (as DOWNLOAD_SLOTS, computed here: nothing on the node
knows them) and its site-profiles.toml (as text: the node has no copy), into the site's shard on
the node, resuming the shard's cut-off crawl if it has one. Sites go out least recently crawled
first, each to the answering node with the fewest jobs, or to the node holding its shard while that
one has at most HOME_SLACK jobs more (a re-crawl there is incremental). A site already pending or running is never sent
again; one whose node stopped answering is."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archive.clock import Clock, iso_utc, utc_now
from archive.fleet import (
    ACTIVE,
    Job,
    Node,
    find_node,
    last_crawled,
    latest_jobs,
    list_nodes,
    next_job_id,
    record_job,
    set_state,
)
from archive.folder import ArchiveFolder
from archive.sites import Site, find_site, list_sites
from govarchive.fleet import SPIDER, FleetError, NodeDown
from govarchive.fleet.client import ScrapydNode

if TYPE_CHECKING:
    from sqlite_utils import Database

HOME_SLACK = 2  # jobs more a site's shard node may have and still get the site back
FINAL = ("finished", "cut off", "cancelled")  # states a node's later answers do not change
# Settings of a local run that mean nothing on a node (or are set per job below).
_LOCAL_ONLY = {
    "GOVARCHIVE_ARCHIVE", "GOVARCHIVE_PROGRESS", "GOVARCHIVE_PROGRESS_ALL_HOSTS",
    "GOVARCHIVE_MAX_PAGES", "LOG_FILE",
}  # fmt: skip


@dataclass
class NodeState:
    """A node as it answered just now: its versions and the project's jobs, or why not."""

    node: Node
    client: ScrapydNode
    error: FleetError | None = None
    versions: list[str] = field(default_factory=list)
    jobs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def up(self) -> bool:
        return self.error is None

    @property
    def load(self) -> int:
        return len(self.jobs.get("pending", [])) + len(self.jobs.get("running", []))

    def job_state(self, job_id: str) -> str | None:
        for state in ("pending", "running", "finished"):
            if any(j.get("id") == job_id for j in self.jobs.get(state, [])):
                return state
        return None


@dataclass
class SiteJob:
    site: str
    job: Job
    state: str
    detail: str = ""


def probe(nodes: list[Node]) -> list[NodeState]:
    """Ask every node at once. A node that refuses the credentials stops everything (one line:
    nothing can be said of it); one that does not answer is reported down."""

    def ask(node: Node) -> NodeState:
        state = NodeState(node, ScrapydNode.for_node(node.name, node.url))
        try:
            state.client.daemon_status()
            state.versions = state.client.versions()
            state.jobs = state.client.jobs()
        except FleetError as exc:
            if exc.status == 401:
                raise
            state.error = exc
        return state

    if not nodes:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(nodes))) as pool:
        return list(pool.map(ask, nodes))


def short_error(error: FleetError) -> str:
    """The error without the `node NAME (URL): ` its line starts with."""
    text = str(error)
    return text.split("): ", 1)[1] if "): " in text else text


def refresh(db: Database, job: Job, node: NodeState | None, clock: Clock = utc_now) -> SiteJob:
    """A site's latest job as its node tells it now (recorded in the registry)."""
    now = iso_utc(clock())
    if job.state in FINAL:
        return SiteJob(job.site, job, job.state, job.finish_reason or "")
    if node is None:
        set_state(db, job, "lost", now)
        return SiteJob(job.site, job, "lost", f"node {job.node} removed")
    if not node.up:
        assert node.error is not None
        set_state(db, job, "lost", now)
        detail = "node down" if isinstance(node.error, NodeDown) else short_error(node.error)
        return SiteJob(job.site, job, "lost", f"node {job.node}: {detail}")
    state = node.job_state(job.job_id)
    if state in ACTIVE:
        set_state(db, job, state, now)
        return SiteJob(job.site, job, state)
    log = node.client.log(SPIDER, job.job_id)
    reason = _finish_reason(log) if log is not None else None
    if state is None and log is None:
        set_state(db, job, "lost", now)
        return SiteJob(job.site, job, "lost", f"node {job.node} does not know the job (restarted?)")
    if reason == "finished" or (log is None and state == "finished"):
        set_state(db, job, "finished", now, reason)
        return SiteJob(job.site, job, "finished", reason or "")
    set_state(db, job, "cut off", now, reason or "no finish_reason in its log")
    return SiteJob(job.site, job, "cut off", job.finish_reason or "")


def _finish_reason(log: str) -> str | None:
    import re

    found = re.findall(r"'finish_reason': '([^']*)'", log)
    return found[-1] if found else None


def site_jobs(db: Database, states: list[NodeState], clock: Clock = utc_now) -> list[SiteJob]:
    by_name = {s.node.name: s for s in states}
    jobs = sorted(latest_jobs(db).values(), key=lambda j: j.site)
    return [refresh(db, job, by_name.get(job.node), clock) for job in jobs]


def check_versions(states: list[NodeState], version: str) -> None:
    """One line for the first answering node that lacks this checkout's version."""
    for state in states:
        if state.up and version not in state.versions:
            runs = state.versions[-1] if state.versions else "nothing (never deployed to)"
            raise FleetError(
                f"node {state.node.name} runs govarchive {runs}, this checkout is {version}: "
                "run `govarchive fleet deploy`"
            )


def choose_sites(db: Database, names: list[str]) -> list[Site]:
    """The named sites (all registered ones if none), least recently crawled first."""
    if names:
        sites = []
        for name in dict.fromkeys(names):
            site = find_site(db, name)
            if site is None or site.retired_at:
                raise FleetError(
                    f"no site named {name!r}; `govarchive sites add NAME URL` registers one"
                )
            sites.append(site)
    else:
        sites = list_sites(db)
        if not sites:
            raise FleetError("no sites registered; `govarchive sites add NAME URL` first")
    last = last_crawled(db)
    return sorted(sites, key=lambda s: (s.id in last, last.get(s.id, ""), s.name))


def dispatch(
    db: Database,
    folder: ArchiveFolder,
    names: list[str],
    version: str,
    overrides: dict[str, str] | None = None,
    trigger: str = "fleet",
    clock: Clock = utc_now,
    say: Callable[[str], None] = print,
) -> int:
    """Send the sites to the nodes; returns how many were sent. Refuses (FleetError) before
    sending anything when a node runs other code or none answers."""
    nodes = list_nodes(db)
    if not nodes:
        raise FleetError("no nodes: add one with `govarchive fleet add NAME URL`")
    sites = choose_sites(db, names)
    states = probe(nodes)
    check_versions(states, version)
    up = [s for s in states if s.up]
    for state in states:
        if not state.up:
            say(f"node {state.node.name}: skipped, {short_error(state.error)}")  # type: ignore[arg-type]
    if not up:
        raise FleetError("no node answers; `govarchive fleet list` shows why")
    by_name = {s.node.name: s for s in states}
    load = {s.node.name: s.load for s in up}
    latest = latest_jobs(db)
    # Jobs that may crawl at once across the fleet, at most: they share hosts such as the
    # storage host, each taking its part of the host's rule (crawler/politeness.share_slots).
    sharing = sum(load.values()) + len(sites)
    sent = 0
    for site in sites:
        previous = latest.get(site.id)
        was = refresh(db, previous, by_name.get(previous.node), clock) if previous else None
        if was is not None and was.state in ACTIVE:
            say(f"{site.name}: already {was.state} on node {was.job.node} (job "
                f"{was.job.job_id}), not dispatched again")  # fmt: skip
            continue
        target = _place(up, load, previous.node if previous else None)
        node = target.node
        job_id = next_job_id(db, site.name, site.id)
        shard = node.shard_for(site.name)
        settings = job_settings(folder, site, shard, overrides or {}, trigger, sharing)
        target.client.schedule(SPIDER, version, job_id, {"url": " ".join(site.crawl_urls())},
                               settings)  # fmt: skip
        record_job(db, site.id, node.name, job_id, shard, version, trigger, iso_utc(clock()))
        load[node.name] += 1
        sent += 1
        if was is not None and was.state == "lost":
            say(f"{site.name}: job {was.job.job_id} was lost ({was.detail}); dispatched again "
                f"to node {node.name} as job {job_id}, shard {shard}")  # fmt: skip
        else:
            say(f"{site.name}: dispatched to node {node.name} as job {job_id}, shard {shard}")
    return sent


def _place(up: list[NodeState], load: dict[str, int], home: str | None) -> NodeState:
    """The least busy answering node (by name on a tie), unless the node holding the site's
    shard has at most HOME_SLACK jobs more: there the re-crawl is incremental (conditional
    requests, revisits), elsewhere it starts a shard afresh and stores every payload again."""
    least = min(up, key=lambda s: (load[s.node.name], s.node.name))
    held = next((s for s in up if s.node.name == home), None)
    if held is not None and load[home] - load[least.node.name] <= HOME_SLACK:
        return held
    return least


def job_settings(
    folder: ArchiveFolder,
    site: Site,
    shard: str,
    overrides: dict[str, str],
    trigger: str,
    sharing: int = 1,
) -> list[str]:
    """`NAME=VALUE` settings for Scrapyd's `setting=`: what `crawl NAME` here would run with
    (crawler/run.py's own settings and politeness), plus the shard, resume and the trigger."""
    from scrapy.settings import SETTINGS_PRIORITIES

    from crawler.extract.profiles import ProfileError, parse_profiles
    from crawler.identity import user_agent
    from crawler.run import apply_politeness, crawl_settings

    delay = site.profile.get("delay")
    concurrency = site.profile.get("concurrency")
    settings, _ = crawl_settings(
        folder,
        delay=None if delay is None else float(delay),
        concurrency=None if concurrency is None else int(concurrency),
        verbose=True,  # no log file here: Scrapyd keeps the job's log
        overrides=dict(overrides),
    )
    apply_politeness(settings, folder, site.crawl_urls(), overrides, sharing)
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    out: dict[str, str] = {}
    for name in settings:
        if settings.getpriority(name) == cmdline and (name not in _LOCAL_ONLY or name in overrides):
            out[name] = _setting_text(settings[name])
    contact = os.environ.get("GOVARCHIVE_CONTACT")
    if contact and "GOVARCHIVE_CONTACT" not in overrides:
        out["GOVARCHIVE_CONTACT"] = contact
        out["USER_AGENT"] = user_agent(contact)
    profiles = folder.root / "site-profiles.toml"
    if profiles.is_file() and "GOVARCHIVE_SITE_PROFILES_TEXT" not in overrides:
        text = profiles.read_text(encoding="utf-8")
        try:
            parse_profiles(text, profiles)
        except ProfileError as exc:
            raise FleetError(str(exc)) from None
        out["GOVARCHIVE_SITE_PROFILES_TEXT"] = text
    out["GOVARCHIVE_ARCHIVE"] = shard
    out["GOVARCHIVE_RESUME"] = "True"
    out.setdefault("GOVARCHIVE_TRIGGER", trigger)
    return [f"{name}={value}" for name, value in sorted(out.items())]


def _setting_text(value: object) -> str:
    """A setting as `scrapy crawl -s` reads it back: dicts and lists as JSON (getdict and
    getlist parse it), the rest as str ("True", "0.0")."""
    if hasattr(value, "copy_to_dict"):
        value = value.copy_to_dict()  # a BaseSettings (Scrapy stores dict settings as such)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def cancel(db: Database, site_name: str, clock: Clock = utc_now) -> tuple[SiteJob, str | None]:
    """Cancel a site's pending or running job on its node (Scrapy stops it gracefully; the
    next dispatch resumes its shard). Returns the job and the state it was in."""
    site = find_site(db, site_name)
    if site is None:
        raise FleetError(f"no site named {site_name!r}; `govarchive sites list` shows them")
    job = latest_jobs(db).get(site.id)
    if job is None:
        raise FleetError(f"{site.name} was never dispatched; nothing to cancel")
    node = find_node(db, job.node)
    states = probe([node]) if node else []
    now = refresh(db, job, states[0] if states else None, clock)
    if now.state not in ACTIVE:
        raise FleetError(
            f"{site.name}: its job {job.job_id} on node {job.node} is {now.state}"
            f"{f' ({now.detail})' if now.detail else ''}, not pending or running; nothing to cancel"
        )
    prevstate = states[0].client.cancel(job.job_id)
    set_state(db, job, "cancelled", iso_utc(clock()))
    return now, prevstate
