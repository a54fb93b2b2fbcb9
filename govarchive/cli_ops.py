"""Ops' command: export."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from govarchive.cliutil import EXIT_OK, UsageProblem, _archive_arg


def _list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    exp = sub.add_parser(
        "export", help="export articles as JSONL, CSV or Parquet, with a manifest",
        description="Stream the articles (filtered) into data files in --out with "
        "manifest.json: the command and filters, row counts per site, the schema, and the "
        "sha256 and size of every file. Same archive and filters, same bytes.",
    )  # fmt: skip
    exp.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet"])
    exp.add_argument(
        "--table", choices=["articles", "documents"], default="articles",
        help="what to export: articles (default) or official documents (--since/--until: "
        "issue dates; --query: their number, type, abstract...)",
    )  # fmt: skip
    exp.add_argument("--out", required=True, metavar="DIR", help="folder to write (new or empty)")
    exp.add_argument(
        "--site", action="append", default=[], metavar="SITE",
        help="only this site, by name or host (repeatable)",
    )  # fmt: skip
    exp.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after this day")
    exp.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before this day")
    exp.add_argument("--category", metavar="C", help="only this category")
    exp.add_argument("--query", metavar="FTS", help="only articles matching this search")
    exp.add_argument(
        "--fields", type=_list, default=None, metavar="F1,F2",
        help="article columns to write, in order (default: all; see manifest.json schema)",
    )  # fmt: skip
    exp.add_argument(
        "--include", type=_list, default=[], metavar="images,attachments",
        help="also write the articles' images and/or attachments tables",
    )  # fmt: skip
    exp.add_argument(
        "--partition-by", type=_list, default=[], metavar="site,year",
        help="Hive-style folders articles/site=.../year=.../ (DuckDB, Spark, pyarrow read them)",
    )  # fmt: skip
    exp.add_argument("--excel", action="store_true", help="CSV with a BOM, for Excel")
    exp.add_argument("--force", action="store_true", help="replace what --out holds")
    _archive_arg(exp)


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from rich.progress import Progress

    from archive.folder import ArchiveFolder
    from exports import ExportError, ExportOptions, run_export
    from exports.query import Filters
    from govarchive import __version__

    opts = ExportOptions(
        fmt=args.format,
        out=Path(args.out).expanduser(),
        filters=Filters(args.site, args.since, args.until, args.category, args.query),
        fields=args.fields,
        include=args.include,
        partition_by=args.partition_by,
        force=args.force,
        excel=args.excel,
        command=["govarchive", *sys.argv[1:]],
        table=args.table,
    )
    try:
        from exports.run import check_options

        check_options(opts)
        folder = ArchiveFolder.existing(args.archive)
        err = Console(stderr=True)
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("exporting", total=None)
            result = run_export(
                folder,
                opts,
                progress=lambda n, total: bar.update(task, advance=n, total=total),
                version=__version__,
            )
    except ExportError as exc:
        raise UsageProblem(str(exc)) from None
    counts = ", ".join(f"{n} {table}" for table, n in result.rows.items())
    console.print(
        f"wrote {counts} to {result.out} ({len(result.files)} data file(s), manifest.json)",
        markup=False,
    )
    return EXIT_OK


COMMANDS = {"export": cmd_export}
