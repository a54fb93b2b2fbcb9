"""Peak memory and CPU of processes, from Linux's /proc: the measuring process itself, or the
ones a benchmark starts (crawls, Scrapyd jobs, extract workers)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crawler.process_memory import peak_rss_mb as peak_rss_mb  # the benchmarks import it here

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    session: int
    cpu_seconds: float  # user + system so far


def proc(pid: int) -> Proc | None:
    """What /proc/PID/stat says of a process; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return Proc(
            pid, int(fields[1]), int(fields[3]), (int(fields[11]) + int(fields[12])) / _TICK
        )
    except (OSError, ValueError, IndexError):
        return None


def processes() -> list[Proc]:
    """Every process this user can see."""
    found = (proc(int(e.name)) for e in Path("/proc").iterdir() if e.name.isdigit())
    return [p for p in found if p is not None]


def descendants(root: int) -> list[int]:
    """`root` and every process descended from it."""
    parent = {p.pid: p.ppid for p in processes()}
    out, frontier = [root], [root]
    while frontier:
        kids = [pid for pid, ppid in parent.items() if ppid in frontier]
        out += kids
        frontier = kids
    return out
