"""`govarchive extract`: re-extract archived pages from the WARC files (crawler/reextract.py)."""

from __future__ import annotations

import argparse
import json
from datetime import date

from rich.console import Console

from govarchive.cliutil import EXIT_OK, UsageProblem, _archive_arg, _positive_int


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day YYYY-MM-DD: {text!r}") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    ext = sub.add_parser(
        "extract", help="re-extract archived pages with today's extraction rules (no network)",
        description="Read the archived HTML pages again from the WARC files with the current "
        "extraction rules, in N worker processes, and update articles, images and attachments: "
        "a text that changes is a re-extraction (updated in place, no new version, the "
        "extractor version recorded), pages now read as articles are added, articles the rules "
        "now refuse are flagged (rejected_by) and kept. Resumable; refuses beside a crawl.",
    )  # fmt: skip
    _archive_arg(ext)
    ext.add_argument("--site", metavar="SITE", help="only this site, by name or host")
    ext.add_argument("--crawl", type=_positive_int, metavar="ID", help="only this crawl's pages")
    ext.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only pages fetched on or after this day"
    )
    ext.add_argument(
        "--workers", type=_positive_int, default=None, metavar="N",
        help="worker processes reading pages (default: the machine's cores; 1: in-process)",
    )  # fmt: skip
    ext.add_argument(
        "--site-profiles", metavar="FILE", default=None,
        help="TOML of per-site selectors (default: DIR/site-profiles.toml if present)",
    )  # fmt: skip
    ext.add_argument("--format", choices=["text", "json"], default="text")


def cmd_extract(args: argparse.Namespace, console: Console) -> int:
    from crawler.extract.profiles import ProfileError
    from crawler.reextract import run_extract

    try:
        outcome = run_extract(
            args.archive,
            site=args.site,
            crawl=args.crawl,
            since=args.since,
            workers=args.workers,
            site_profiles=args.site_profiles,
        )
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    s, t = outcome.sitting, outcome.total
    if args.format == "json":
        print(
            json.dumps(
                {
                    "run": outcome.run_id,
                    "resumed": outcome.resumed,
                    "extractor_version": outcome.version,
                    "pages": s.pages,
                    "articles_new": s.new,
                    "articles_changed": s.changed,
                    "articles_unchanged": s.unchanged,
                    "articles_flagged": s.flagged,
                    "unreadable": s.unreadable,
                    "documents_new": s.documents,
                    "seconds": round(outcome.seconds, 3),
                    "pages_per_second": round(outcome.pages_per_second, 1),
                    "run_total": vars(t),
                }
            )
        )
        return EXIT_OK
    resumed = f" (continuing run {outcome.run_id})" if outcome.resumed else ""
    console.print(
        f"extractor {outcome.version}{resumed}: {s.pages} page(s) read, articles {s.new} new, "
        f"{s.changed} changed, {s.unchanged} unchanged, {s.flagged} flagged"
        + (f", {s.unreadable} page(s) unreadable" if s.unreadable else "")
        + (f", documents {s.documents} new" if s.documents else "")
        + f"; {outcome.pages_per_second:.1f} pages/s",
        markup=False,
    )
    return EXIT_OK


COMMANDS = {"extract": cmd_extract}
