"""Everything govarchive stores: the SQLite archive, WARC files, and the folder that holds them.

Names load on first use (PEP 562), so a command that needs only part of the archive (an export,
the WARC writer) does not import the rest: sqlite-utils pulls in pandas when it is installed."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Archive": "archive.api",
    "ArticleRow": "archive.api",
    "ArchiveError": "archive.errors",
    "ArchiveFolder": "archive.folder",
    "resolve_archive_dir": "archive.folder",
    "Hit": "archive.search",
    "QueryError": "archive.search",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
