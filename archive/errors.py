"""One exception class for every failure a user can act on."""


class ArchiveError(Exception):
    """A problem with the archive folder or its contents, worded for the user."""


class StorageFull(ArchiveError):
    """The archive's disk (or the file size limit) left no room to write: the crawl stops, the
    archive stays as it was at its last commit, and a resume carries on once there is room."""


_NO_ROOM_ERRNOS = {28, 27, 122}  # ENOSPC, EFBIG, EDQUOT
_SQLITE_FULL, _SQLITE_IOERR = 13, 10  # SQLITE_IOERR_*: a write refused (EFBIG) among them


def no_room(exc: BaseException) -> str | None:
    """Why a write failed for want of room, in words, or None for any other failure."""
    import sqlite3

    if isinstance(exc, OSError) and exc.errno in _NO_ROOM_ERRNOS:
        where = f" writing {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    if code is not None and (code == _SQLITE_FULL or code & 0xFF == _SQLITE_IOERR):
        return f"{exc} writing archive.db"
    if isinstance(exc, ArchiveError) and exc.__cause__ is not None:
        return no_room(exc.__cause__)
    return None
