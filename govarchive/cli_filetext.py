"""`govarchive filetext`: the text of archived attachment files (crawler/filetext_stage.py)."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from govarchive.cli_extract import _day
from govarchive.cliutil import EXIT_OK, _archive_arg, _positive_int


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from crawler.filetext_stage import FILE_MEMORY_MB, FILE_TIMEOUT

    ft = sub.add_parser(
        "filetext", help="read the text of archived attachments (PDF, DOC/DOCX, XLS/XLSX, scans)",
        description="Read the text of every archived attachment file not read yet, from its "
        "WARC record (no network), page by page, into attachment_texts: PDF text with pypdf, "
        "image-only pages OCR'd with Tesseract's Vietnamese model, DOCX, DOC (antiword), XLSX "
        "and XLS a sheet a page, legacy TCVN3/VNI text converted. Each file is read in a worker "
        "process with a time and a memory limit: a bad file is flagged with the reason, never "
        "fatal. Resumable; refuses beside a crawl.",
    )  # fmt: skip
    _archive_arg(ft)
    ft.add_argument("--site", metavar="SITE", help="only files linked by this site's articles")
    ft.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="only files fetched on or after this day"
    )
    ft.add_argument(
        "--workers", type=_positive_int, default=None, metavar="N",
        help="worker processes reading files (default: the machine's cores)",
    )  # fmt: skip
    ft.add_argument(
        "--ocr", action=argparse.BooleanOptionalAction, default=True,
        help="OCR image-only PDF pages (default: on; --no-ocr flags them, and a later run "
        "with OCR reads them)",
    )  # fmt: skip
    ft.add_argument(
        "--again", action="store_true",
        help="also re-read files read by another version of this code",
    )  # fmt: skip
    ft.add_argument(
        "--file-timeout", type=_seconds, default=FILE_TIMEOUT, metavar="SECONDS",
        help=f"time one file may take; past it the file is flagged, pages read kept "
        f"(default {FILE_TIMEOUT:g})",
    )  # fmt: skip
    ft.add_argument(
        "--file-memory", type=_positive_int, default=FILE_MEMORY_MB, metavar="MB",
        help=f"memory a worker reading one file may use (default {FILE_MEMORY_MB})",
    )  # fmt: skip
    ft.add_argument(
        "--max-pages", type=_positive_int, default=1000, metavar="N",
        help="pages read from one file; the rest are flagged (default 1000)",
    )  # fmt: skip
    ft.add_argument("--format", choices=["text", "json"], default="text")


def cmd_filetext(args: argparse.Namespace, console: Console) -> int:
    from crawler.filetext import Options
    from crawler.filetext_stage import Figures, run_filetext

    def progress(f: Figures) -> None:
        if args.format == "text" and sys.stderr.isatty():
            print(
                f"\r{f.files} file(s), {f.pages} page(s), {f.pages_per_second:.1f} pages/s",
                end="", file=sys.stderr, flush=True,
            )  # fmt: skip

    figures = run_filetext(
        args.archive,
        site=args.site,
        since=args.since,
        workers=args.workers,
        ocr=args.ocr,
        again=args.again,
        options=Options(max_pages=args.max_pages),
        timeout=args.file_timeout,
        memory_mb=args.file_memory,
        progress=progress,
    )
    if args.format == "text" and sys.stderr.isatty():
        print(file=sys.stderr)
    f = figures
    if args.format == "json":
        print(json.dumps({**vars(f), "pages_per_second": round(f.pages_per_second, 2)}))
        return EXIT_OK
    console.print(
        f"{f.files} file(s) read, {f.pages} page(s) ({f.ocr_pages} OCR'd), {f.flagged} flagged"
        + (f", {f.unreadable} record(s) unreadable" if f.unreadable else "")
        + f"; {f.pages_per_second:.1f} pages/s in {f.seconds:.1f} s",
        markup=False,
    )
    return EXIT_OK


COMMANDS = {"filetext": cmd_filetext}
