"""What the crawl tells the files process, and what it hears back: one JSON object a line.

To the files process: first a Config; then jobs {"id", "url", "kind"}; last {"end": true}
(finish every job) or {"stop": true} (finish only those under way; the rest stay pending in
the frontier for resume). Stdin closing without either means the crawl is gone: stop.

From it, in order, each line only once its WARC records are durable:
  {"id", "final", "written", ["body_size", "sha256"], ["refs"]}  a fetch in a WARC file
      (final: the job's last; a retried answer, a redirect or robots.txt (id null) are not);
      sha256 and size of an attachment's decoded body; refs: what a stylesheet refers to
  {"id", "failed": reason}    given up after the retries
  {"id", "refused": reason}   not fetched (robots.txt)
  {"no_room": reason}         the disk is full: nothing more is written
  {"done": true, "files": [WARC file names], "peak_rss_mb"}  the last line
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Config:
    archive: str
    index_dir: str
    manners: dict[str, Any]  # crawler.files.hosts.Manners
    headers: list[list[str]]  # sent with every request, in this order
    timeout: float
    max_size: int
    retry_times: int
    retry_codes: list[int]
    backoff_base: float
    backoff_max: float
    conditional: bool  # ask with ETag / Last-Modified (not under crawl --full)
    dedup: bool
    warc_max_size: int
    fsync: bool
    warc_info: dict[str, str] = field(default_factory=dict)
    crawls: list[int] = field(
        default_factory=list
    )  # the run's: a resumed one's robots.txt is reused
    sync_log: str = ""
    clock: str = ""  # "module:attr", else the real clock
    record_ids: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        return cls(**data)
