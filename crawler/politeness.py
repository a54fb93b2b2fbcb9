"""How hard each host may be asked, per host: a small district portal and a national storage
service shared by hundreds of portals are not the same guest's host.

Rules come, strongest first, from `govarchive hosts set` (stored in the archive), a registered
site's own `--delay`/`--concurrency` (`sites add`), the built-in rules below, and the run's
defaults (`--delay`/`--concurrency`). They become Scrapy's per-slot settings (DOWNLOAD_SLOTS,
keyed by host name, as Scrapy's download slots are), a floor under AutoThrottle's delay, and the
run's global concurrency, which grows with the hosts in the run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

MAX_GLOBAL_CONCURRENCY = 256  # however many portals: Twisted and one SQLite writer are the limit
MIN_GLOBAL_CONCURRENCY = 16
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more is honoured at this, and the log says so


@dataclass(frozen=True)
class HostRule:
    delay: float | None = None  # seconds between two requests to the host, at least
    concurrency: int | None = None  # connections to it at once, at most
    source: str = ""  # where the rule comes from, for `hosts list` and the logs

    def merged_over(self, weaker: HostRule) -> HostRule:
        """This rule, with what it leaves unset taken from a weaker one."""
        return HostRule(
            self.delay if self.delay is not None else weaker.delay,
            self.concurrency if self.concurrency is not None else weaker.concurrency,
            self.source or weaker.source,
        )


# VNPT's shared object storage serves the images and files of hundreds of tenant portals (every
# province's media): static files from nginx, no page built per request. A reader opening one
# photo report pulls a dozen images from it over the browser's six connections at once. Eight
# connections with no fixed pause, paced by AutoThrottle to the host's own response time (as
# eight readers would be), is the load of a handful of readers on a service that has a province's
# readers all day; a district portal's own server keeps the run's delay and two connections.
BUILT_IN: dict[str, HostRule] = {
    "storage-vnportal.vnpt.vn": HostRule(delay=0.0, concurrency=8, source="built-in"),
}


def host_name(value: str) -> str:
    """The host name a rule is kept under: lower case, no scheme, port or path (Scrapy's
    download slots, which the rules set, are per host name)."""
    text = value.strip().lower()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    return text


def resolve(
    hosts: Iterable[str],
    stored: Mapping[str, HostRule],
    sites: Mapping[str, HostRule],
    run_delay: float,
    run_concurrency: int,
) -> dict[str, HostRule]:
    """The rule in force for each host: the first of `stored` (hosts set), `sites` (a site's own
    settings), BUILT_IN, that names the host, completed with the run's defaults."""
    default = HostRule(run_delay, run_concurrency, "run")
    rules: dict[str, HostRule] = {}
    for host in {host_name(h) for h in hosts} | set(stored) | set(BUILT_IN):
        rule = HostRule()
        for layer in (stored, sites, BUILT_IN):
            if host in layer:
                rule = rule.merged_over(layer[host])
        rules[host] = rule.merged_over(default)
    return rules


def download_slots(rules: Mapping[str, HostRule]) -> dict[str, dict[str, float | int]]:
    """Scrapy's DOWNLOAD_SLOTS for the hosts whose rule is not the run's default."""
    return {
        host: {"delay": float(rule.delay or 0.0), "concurrency": int(rule.concurrency or 1)}
        for host, rule in sorted(rules.items())
        if rule.source != "run"
    }


def share_slots(
    slots: Mapping[str, Mapping[str, float | int]], own_hosts: Iterable[str], jobs: int
) -> dict[str, dict[str, float | int]]:
    """One fleet job's part of the hosts it shares with the others (a `hosts set` rule, the
    storage host): when `jobs` crawls may run at once, each gets 1/jobs of the host's
    connections (at least one) and waits `jobs` times its delay, so together they ask no faster
    than the rule allows. A job's own portal hosts keep their rule whole. Without coordination
    between jobs, more jobs than connections still means one connection each."""
    own = {host_name(h) for h in own_hosts}
    out: dict[str, dict[str, float | int]] = {}
    for host, slot in slots.items():
        if host in own or jobs <= 1:
            out[host] = dict(slot)
            continue
        out[host] = {
            "delay": round(float(slot.get("delay", 0.0)) * jobs, 3),
            "concurrency": max(1, int(slot.get("concurrency", 1)) // jobs),
        }
    return out


def global_concurrency(portal_hosts: Iterable[str], rules: Mapping[str, HostRule]) -> int:
    """CONCURRENT_REQUESTS for a run: room for every portal's connections and every shared
    host's, so no host waits on another's queue; capped."""
    portals = {host_name(h) for h in portal_hosts}
    wanted = sum(rules[h].concurrency or 1 for h in portals if h in rules)
    wanted += sum(r.concurrency or 1 for h, r in rules.items() if h not in portals)
    return max(MIN_GLOBAL_CONCURRENCY, min(MAX_GLOBAL_CONCURRENCY, wanted))


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a server's Retry-After asks us to wait (seconds or an HTTP date), if it says."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def paced_delay(
    delay: float, latency: float, target: float, floor: float, max_delay: float, status: int
) -> float:
    """AutoThrottle's rule, as both the crawl (PoliteThrottle) and the files process pace a
    host: the delay moves towards latency / target connections, never below the host's floor
    nor above the larger of the maximum and the floor; an error never speeds the crawl up."""
    aim = latency / target
    new = max(aim, (delay + aim) / 2.0)
    new = min(max(floor, new), max(max_delay, floor))
    if status != 200 and new <= delay:
        return delay
    return new


def backoff_seconds(attempt: int, after: float | None, base: float, cap: float) -> float:
    """How long a retry waits: what Retry-After asked (`after`), else `base` doubled at each
    attempt (1, 2, ...); never more than `cap`."""
    wait = after if after is not None else base * 2 ** (attempt - 1)
    return min(wait, cap)
