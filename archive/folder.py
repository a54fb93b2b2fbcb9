"""The archive folder: where it is, and proof that we may write there before any crawl starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError

DEFAULT_ARCHIVE_DIR = "govarchive-data"
ENV_VAR = "GOVARCHIVE_ARCHIVE"


def resolve_archive_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """--archive wins, then $GOVARCHIVE_ARCHIVE, then ./govarchive-data."""
    value = given if given not in (None, "") else os.environ.get(ENV_VAR) or DEFAULT_ARCHIVE_DIR
    return Path(value).expanduser()


@dataclass(frozen=True)
class ArchiveFolder:
    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "archive.db"

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @classmethod
    def prepare(cls, given: str | os.PathLike[str] | None = None) -> ArchiveFolder:
        """Create the folder and check it is writable, so a crawl never starts into a dead end."""
        root = resolve_archive_dir(given)
        if root.exists() and not root.is_dir():
            raise ArchiveError(
                f"archive folder {root} is a file, not a folder; choose another --archive"
            )
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / "warc").mkdir(exist_ok=True)
            probe = root / f".write-test-{os.getpid()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ArchiveError(
                f"cannot write to archive folder {root}: {reason}; choose another --archive"
            ) from None
        return cls(root)

    @classmethod
    def existing(cls, given: str | os.PathLike[str] | None = None) -> ArchiveFolder:
        """An archive that must already hold a database (for read-only commands)."""
        root = resolve_archive_dir(given)
        folder = cls(root)
        if not folder.db_path.is_file():
            raise ArchiveError(
                f"no archive at {root} (no archive.db); crawl first or pass --archive DIR"
            )
        return folder
