"""One measured export, in its own process so its peak memory is its own. Prints one JSON line.

python -m bench.export_one FORMAT ARCHIVE_DIR OUT_DIR [--partition-by site,year]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from archive.folder import ArchiveFolder
from bench.memory import peak_rss_mb
from exports import ExportOptions, run_export


def main() -> None:
    fmt, archive, out = sys.argv[1:4]
    partition = sys.argv[5].split(",") if len(sys.argv) > 5 else []
    started = time.perf_counter()
    result = run_export(
        ArchiveFolder.existing(archive),
        ExportOptions(fmt, Path(out), partition_by=partition, include=["images"]),
    )
    seconds = time.perf_counter() - started
    print(json.dumps({
        "format": fmt + (" (partitioned)" if partition else ""),
        "articles": result.rows["articles"],
        "seconds": round(seconds, 2),
        "articles_per_s": round(result.rows["articles"] / seconds),
        "bytes": sum(f["bytes"] for f in result.files),
        "peak_rss_mb": peak_rss_mb(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
