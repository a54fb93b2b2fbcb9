"""Everything govarchive stores: the SQLite archive, WARC files, and the folder that holds them."""

from archive.api import Archive, ArticleRow
from archive.errors import ArchiveError
from archive.folder import ArchiveFolder, resolve_archive_dir
from archive.search import Hit, QueryError

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveFolder",
    "ArticleRow",
    "Hit",
    "QueryError",
    "resolve_archive_dir",
]
