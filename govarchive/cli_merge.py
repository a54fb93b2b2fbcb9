"""`govarchive merge`: shards a fleet brought back, into the central archive (archive/merge.py)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from govarchive.cliutil import EXIT_OK, UsageProblem, _archive_arg


def add_parsers(sub: argparse._SubParsersAction) -> None:
    merge = sub.add_parser(
        "merge", help="bring shards (archives fleet nodes filled) into this archive",
        description="Merge shard folders (each an archive a Scrapyd job filled: archive.db, "
        "warc/) into the archive: their WARC files linked or copied under unique names, their "
        "crawls, captures and articles re-keyed, each article reconciled as a re-crawl would "
        "(new, changed: a new version, unchanged), search and CDXJ indexes updated. Merging a "
        "shard again adds nothing; a merge cut off is finished by running it again. Crawls "
        "still running in a shard wait for a later merge.",
    )  # fmt: skip
    merge.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="a shard's folder")
    _archive_arg(merge)
    merge.add_argument("--format", choices=["text", "json"], default="text")


def cmd_merge(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from archive.merge import NotAShard, merge_shards

    try:
        report = merge_shards(args.archive, [Path(s).expanduser() for s in args.shards])
    except NotAShard as exc:
        raise UsageProblem(str(exc)) from None
    if args.format == "json":
        rows = [
            {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(s).items()}
            for s in report.shards
        ]
        print(json.dumps({"archive": str(report.archive), "shards": rows}, ensure_ascii=False))
        return EXIT_OK
    for s in report.shards:
        before = f" ({s.crawls_before} merged before)" if s.crawls_before else ""
        older = f", {s.articles_older} older text(s) kept as versions" if s.articles_older else ""
        console.print(
            f"{s.shard}: {s.crawls_merged} crawl(s) merged{before}, {s.captures} capture(s), "
            f"WARC files {s.files_linked} linked, {s.files_copied} copied; articles "
            f"{s.articles_new} new, {s.articles_updated} changed, {s.articles_unchanged} "
            f"unchanged{older}",
            markup=False,
        )
        for line in s.waiting:
            console.print(f"  waiting: {line}", markup=False)
    console.print(f"archive {report.archive}: CDXJ index took {report.indexed_files} new WARC "
                  "file(s); `govarchive verify` checks every record", markup=False)  # fmt: skip
    return EXIT_OK


COMMANDS = {"merge": cmd_merge}
