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
        self.exit(EXIT_USAGE, f"govarchive: error: {message} (see {self.prog} --help)\n")


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


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return int(text)


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number of 0 or more, not {text!r}")
    return int(text)


class UsageProblem(Exception):
    pass


def _emit(rows: list[dict], fmt: str, console: Console) -> None:
    import csv

    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
    else:
        from rich.table import Table

        table = Table(show_lines=False)
        for name in rows[0] if rows else []:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row.values()))
        console.print(table)
        console.print(f"{len(rows)} row(s)")
