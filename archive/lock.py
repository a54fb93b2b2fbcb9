"""One writer per archive folder: a second govarchive refuses rather than corrupting anything."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveError


class ArchiveLock:
    """An exclusive, non-blocking flock on DIR/.lock, released by the OS if the holder dies."""

    def __init__(self, root: Path) -> None:
        self.path = root / ".lock"
        self._fd: int | None = None

    def acquire(self) -> ArchiveLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise ArchiveError(
                f"archive {self.path.parent} is in use by another govarchive (pid {holder}); "
                "wait for it to finish or use another --archive"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
