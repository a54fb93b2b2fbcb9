"""Read-only connections that cannot touch a file: what `govarchive sql` and `serve` query through.

`mode=ro` and `PRAGMA query_only` stop writes to the archive, but not statements that open *other*
files: `ATTACH` and `VACUUM INTO` create the file they name, plain `VACUUM` attaches a temporary
database, and some pragmas change files or undo `query_only`. SQLite's authorizer refuses those
while a statement is prepared, and `SQLITE_LIMIT_ATTACHED` = 0 makes any attach that slipped past
it fail before a file is opened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Pragmas that only read, allowed as `PRAGMA name` or `pragma_name()` (no value set).
_READ_PRAGMAS = frozenset(
    [
        "application_id",
        "auto_vacuum",
        "busy_timeout",
        "cache_size",
        "cache_spill",
        "case_sensitive_like",
        "collation_list",
        "compile_options",
        "data_version",
        "database_list",
        "encoding",
        "foreign_key_check",
        "foreign_key_list",
        "foreign_keys",
        "freelist_count",
        "function_list",
        "index_info",
        "index_list",
        "index_xinfo",
        "integrity_check",
        "journal_mode",
        "journal_size_limit",
        "locking_mode",
        "max_page_count",
        "mmap_size",
        "module_list",
        "page_count",
        "page_size",
        "pragma_list",
        "query_only",
        "quick_check",
        "recursive_triggers",
        "schema_version",
        "secure_delete",
        "synchronous",
        "table_info",
        "table_list",
        "table_xinfo",
        "temp_store",
        "user_version",
        "wal_autocheckpoint",
    ]
)
# Pragmas whose argument names a table, an index or a schema, not a value to set.
_ARGUMENT_PRAGMAS = frozenset(
    [
        "foreign_key_check",
        "foreign_key_list",
        "index_info",
        "index_list",
        "index_xinfo",
        "integrity_check",
        "quick_check",
        "table_info",
        "table_list",
        "table_xinfo",
    ]
)
# Functions that reach the file system (load_extension is off anyway; fts3_tokenizer can
# register C pointers). readfile/writefile/edit exist only in the sqlite3 shell, but not here.
_FILE_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"})

RULE = (
    "the archive is opened read-only and a query may not open, create or change a file "
    "(no ATTACH, DETACH, VACUUM, extension loading or pragma that sets a value)"
)


@dataclass
class Refusal:
    """What the authorizer refused last, to word the error for the user."""

    what: str = ""


def guard(con: sqlite3.Connection) -> Refusal:
    """Make `con` unable to open, create or change any file; returns what it last refused.

    Call after the connection's own set-up pragmas (they would be refused afterwards)."""
    con.execute("PRAGMA query_only = ON")
    con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    refusal = Refusal()

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        what = ""
        if action == sqlite3.SQLITE_ATTACH:
            what = "VACUUM" if not arg1 else f"ATTACH or VACUUM INTO of {arg1!r}"
        elif action == sqlite3.SQLITE_DETACH:
            what = "DETACH"
        elif action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            allowed = name in _READ_PRAGMAS and (arg2 is None or name in _ARGUMENT_PRAGMAS)
            if not allowed:
                what = f"PRAGMA {name}" + (f" = {arg2}" if arg2 is not None else "")
        elif action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FILE_FUNCTIONS:
            what = f"{arg2}()"
        if what:
            refusal.what = what
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    con.set_authorizer(authorize)
    return refusal


def refused(exc: sqlite3.Error, refusal: Refusal) -> str | None:
    """The one-line reason when `exc` is the authorizer's (or the attach limit's) refusal."""
    text = str(exc)
    if ("not authorized" in text or "authorization denied" in text) and refusal.what:
        return f"{refusal.what} refused: {RULE}"
    if "too many attached databases" in text:
        return f"ATTACH or VACUUM refused: {RULE}"
    return None
