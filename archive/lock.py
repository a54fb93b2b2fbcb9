"""One writer per archive folder: a second govarchive refuses rather than corrupting anything."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveError

_HELD: dict[Path, list[int]] = {}  # lock path -> [fd, holders in this process]
INHERITED = "GOVARCHIVE_LOCK_HELD_BY_PARENT"  # set for crawl workers, naming the lock file


class ArchiveLock:
    """An exclusive, non-blocking flock on DIR/.lock. The OS drops it if the holder dies, so a
    killed crawl never leaves the archive locked. Re-entrant within one process (the CLI takes
    it before starting Scrapy, the crawl's archive session takes it again)."""

    def __init__(self, root: Path, name: str = ".lock", user: str = "another govarchive") -> None:
        self.path = (root / name).resolve()
        self.user = user
        self._held = False

    def acquire(self) -> ArchiveLock:
        if os.environ.get(INHERITED) == str(self.path):
            return self  # a crawl worker: its parent holds the lock for the whole run
        if self.path in _HELD:
            _HELD[self.path][1] += 1
            self._held = True
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise ArchiveError(
                f"archive {self.path.parent} is in use by {self.user} (pid {holder}); "
                "wait for it to finish or use another --archive"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        _HELD[self.path] = [fd, 1]
        self._held = True
        return self

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        entry = _HELD[self.path]
        entry[1] -= 1
        if entry[1] == 0:
            del _HELD[self.path]
            fcntl.flock(entry[0], fcntl.LOCK_UN)
            os.close(entry[0])

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
