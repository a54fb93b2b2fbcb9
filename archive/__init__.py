"""Everything govarchive stores: the SQLite archive, WARC files, and the folder that holds them."""

from archive.errors import ArchiveError
from archive.folder import ArchiveFolder, resolve_archive_dir

__all__ = ["ArchiveError", "ArchiveFolder", "resolve_archive_dir"]
