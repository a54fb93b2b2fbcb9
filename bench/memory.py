"""Peak memory of the measuring process itself."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """This process's peak RSS in MB. VmHWM, not getrusage's ru_maxrss: Linux carries
    ru_maxrss over fork and exec, so a child started by a larger parent would report the
    parent's peak (a 13 MB child of a 200 MB parent says 213 MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
