"""The one ArchiveSession a crawler shares between its middleware, pipelines and extensions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from archive.clock import random_record_id, utc_now
from archive.folder import ArchiveFolder
from archive.session import ArchiveSession

_ATTR = "_govarchive_session"


def _callable(value: Any, default: Any) -> Any:
    if not value:
        return default
    return load_object(value) if isinstance(value, str) else value


def session_for(crawler: Crawler) -> ArchiveSession:
    session = getattr(crawler, _ATTR, None)
    if session is None:
        s = crawler.settings
        folder = ArchiveFolder.prepare(s.get("GOVARCHIVE_ARCHIVE"))
        session = ArchiveSession(
            folder,
            clock=_callable(s.get("GOVARCHIVE_CLOCK"), utc_now),
            new_id=_callable(s.get("GOVARCHIVE_RECORD_IDS"), random_record_id),
            warc_max_size=s.getint("GOVARCHIVE_WARC_MAX_SIZE"),
            commit_interval=s.getfloat("GOVARCHIVE_COMMIT_INTERVAL"),
            dedup=s.getbool("GOVARCHIVE_DEDUP"),
            warc_fsync=s.getbool("GOVARCHIVE_WARC_FSYNC", True),
            warc_sync_log=Path(s["GOVARCHIVE_WARC_SYNC_LOG"])
            if s.get("GOVARCHIVE_WARC_SYNC_LOG")
            else None,
            warc_info={
                "operator": s.get("GOVARCHIVE_OPERATOR", ""),
                "http-header-user-agent": s.get("USER_AGENT", ""),
                "robots": "obey" if s.getbool("ROBOTSTXT_OBEY") else "ignore",
                "description": "govarchive crawl of VNPT-built government portals",
            },
        )
        setattr(crawler, _ATTR, session)
    return session
