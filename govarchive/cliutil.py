"""What every `govarchive` subcommand shares: exit codes, argument types, one-line errors, output."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from archive.folder import DEFAULT_ARCHIVE_DIR, ENV_VAR

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        self.exit(EXIT_USAGE, f"govarchive: error: {one_line(message)} (see {self.prog} --help)\n")


def _archive_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--archive",
        metavar="DIR",
        default=None,
        help=f"archive folder (default: ${ENV_VAR} or ./{DEFAULT_ARCHIVE_DIR})",
    )


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


_MAX_INT = 2**63 - 1  # SQLite's largest integer: a larger id or limit cannot be a parameter


def _whole(text: str, least: int) -> int:
    value = int(text) if text.isdecimal() else -1
    if not least <= value <= _MAX_INT:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of {least} or more (at most {_MAX_INT}), not {text!r}"
        )
    return value


def _positive_int(text: str) -> int:
    return _whole(text, 1)


def _non_negative_int(text: str) -> int:
    return _whole(text, 0)


def one_line(message: str) -> str:
    """An error message as one line: line breaks a query or a path may carry are escaped."""
    return "".join(ch if len(f"{ch}x".splitlines()) == 1 else repr(ch)[1:-1] for ch in message)


class UsageProblem(Exception):
    pass


def _json_value(value: object) -> object:
    """JSON for what SQLite returns beyond JSON's types: BLOBs as hex."""
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _emit(rows: list[dict], fmt: str, console: Console) -> None:
    import csv

    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1, default=_json_value))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(show_lines=False)
        for name in rows[0] if rows else []:
            table.add_column(Text(name), overflow="fold")
        for row in rows:  # Text: a value such as "[/]" is shown as it is, not read as markup
            table.add_row(*(Text("" if v is None else str(v)) for v in row.values()))
        console.print(table)
        console.print(f"{len(rows)} row(s)")
