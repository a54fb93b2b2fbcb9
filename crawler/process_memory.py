"""A process's peak memory, from Linux's /proc: what the files process reports of itself, and
what the benchmarks (bench/memory.py) measure of the processes they start."""

from __future__ import annotations

import resource


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
