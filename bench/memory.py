"""Peak memory and CPU of processes, from Linux's /proc: the measuring process itself, or the
ones a benchmark starts (crawls, Scrapyd jobs, extract workers)."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak RSS in MB (0 when it is gone). VmHWM, not getrusage's ru_maxrss: Linux
    carries ru_maxrss over fork and exec, so a child started by a larger parent would report
    the parent's peak (a 13 MB child of a 200 MB parent says 213 MB)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        if pid != "self":
            return 0.0
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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
