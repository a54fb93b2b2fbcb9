"""`govarchive documents` (official documents listed and looked up by number) and what
`govarchive search --kind` finds besides articles: documents and the text of archived files."""

from __future__ import annotations

import argparse
import re
from typing import Any

from rich.console import Console

from govarchive.cliutil import EXIT_OK, UsageProblem, _archive_arg, _emit, _positive_int

KINDS = ("all", "article", "document", "attachment")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    docs = sub.add_parser(
        "documents",
        help="list official documents (văn bản), or look one up by its number",
        description="Official documents found on the portals' document lists, detail pages "
        "and articles: number, type, issue date, issuer, abstract and files, newest first. "
        "--number finds a number in any spelling: 71/2024/QĐ-UBND, 71/2024/qd-ubnd, "
        "'QĐ 71/2024', 'Quyết định 71/2024'.",
    )  # fmt: skip
    _archive_arg(docs)
    docs.add_argument("--number", metavar="NUMBER", help="only documents with this number")
    docs.add_argument("--site", help="a site's name or its host as in its URL")
    docs.add_argument("--type", help="a type as pages name it: 'Quyết định', 'Kế hoạch'...")
    docs.add_argument("--issuer", help="words of the issuing body: 'UBND tỉnh'")
    docs.add_argument("--since", metavar="YYYY-MM-DD", help="issued on or after this day")
    docs.add_argument("--until", metavar="YYYY-MM-DD", help="issued on or before this day")
    docs.add_argument(
        "--limit", type=_positive_int, default=None, metavar="N", help="at most N (default: all)"
    )
    docs.add_argument("--format", choices=["table", "json", "csv"], default="table")


def cmd_documents(args: argparse.Namespace, console: Console) -> int:
    from archive import Archive, QueryError
    from archive.document_search import find_by_number

    given = {"site": args.site, "type": args.type, "issuer": args.issuer,
             "since": args.since, "until": args.until}  # fmt: skip
    if args.number and not _is_number(args.number):
        raise UsageProblem(
            f"{args.number!r} is not a document number; write it as 71/2024/QĐ-UBND, "
            "706/UBND-VP7 or 'QĐ 71/2024'"
        )
    try:
        with Archive(args.archive) as archive:
            if args.number:
                with archive.snapshot() as con:
                    hits = find_by_number(con, args.number, limit=args.limit, **given)
            else:
                hits = archive.documents(limit=args.limit, **given)
    except QueryError as exc:
        raise UsageProblem(str(exc)) from None
    # A terminal's table keeps what tells documents apart; JSON and CSV carry everything.
    rows = [
        {"number": h.number, "type": h.type, "issued": (h.issued_at or "")[:10] or None,
         "issuer": h.issuer, "abstract": h.abstract}
        for h in hits
    ]  # fmt: skip
    if args.format != "table":
        rows = [{**r, "effective": (h.effective_at or "")[:10] or None, "signer": h.signer,
                 "field": h.field, "site": h.site, "url": h.detail_url or h.page_url,
                 "files": h.files if args.format == "json" else " ".join(h.files)}
                for r, h in zip(rows, hits, strict=True)]  # fmt: skip
    _emit(rows, args.format, console)
    return EXIT_OK


def _is_number(text: str) -> bool:
    from archive.doc_numbers import parse

    return parse(text) is not None


SERVED_AT = "http://127.0.0.1:8001"  # where `govarchive serve` shows the archive by default


def search_rows(archive: Any, args: argparse.Namespace) -> tuple[list[dict], int]:
    """Hits of every kind asked for, as rows saying which kind, and how many there are in all:
    articles by title, lead and body; documents by number (any spelling first) and fields;
    files by their text, with the page. Kinds are merged best first by their bm25 scores;
    --category and the dates narrow to what has them (documents by issue date; files have
    neither). Each row names its archived copy as `govarchive serve` shows it."""
    from archive.attachment_texts import count_pages
    from archive.document_search import count_documents
    from archive.search import count

    kinds = KINDS[1:] if args.kind == "all" else (args.kind,)
    scored: list[tuple[float, dict]] = []
    total = 0
    with archive.snapshot() as con:
        if "article" in kinds:
            given = {"site": args.site, "since": args.since, "until": args.until,
                     "category": args.category}  # fmt: skip
            total += count(con, args.query, **given)
            for h in archive.search(args.query, limit=args.limit, **given):
                scored.append((h.score, _row("article", h.url, h.title, h.site, h.published_at,
                                             h.category, h.snippet, None,
                                             f"{SERVED_AT}/-/article/{h.id}")))  # fmt: skip
        if "document" in kinds and not args.category:
            given = {"site": args.site, "since": args.since, "until": args.until}
            total += count_documents(con, args.query, **given)
            for d in archive.search_documents(args.query, limit=args.limit, **given):
                title = " ".join(p for p in (d.type, d.number) if p)
                title += f": {d.abstract}" if d.abstract else ""
                scored.append((d.score, _row("document", d.detail_url or d.page_url, title,
                                             d.site, d.issued_at, d.type, d.snippet, None,
                                             f"{SERVED_AT}/-/capture/{d.capture_id}")))  # fmt: skip
        if "attachment" in kinds and not (args.category or args.since or args.until):
            total += count_pages(con, args.query, site=args.site)
            for f in archive.search_files(args.query, site=args.site, limit=args.limit):
                scored.append((f.score, _row("attachment", f.url, f.url.rsplit("/", 1)[-1],
                                             None, None, None, f.snippet, f.page,
                                             f"{SERVED_AT}/-/capture/{f.capture_id}")))  # fmt: skip
    scored.sort(key=lambda pair: pair[0])  # stable: a kind's own order kept between equals
    return [row for _, row in scored[: args.limit]], total


def _row(kind: str, url: str, title: str, site: str | None, when: str | None,
         category: str | None, snippet: str, page: int | None, archived: str) -> dict:  # fmt: skip
    return {"kind": kind, "title": title, "url": url, "site": site, "published_at": when,
            "category": category, "snippet": snippet, "page": page, "archived": archived}  # fmt: skip


def emit_hits(rows: list[dict], total: int, args: argparse.Namespace, console: Console) -> None:
    """JSON: the query, the total and the results; CSV: a row a hit, the total on each; for
    people: a short block a hit fitted to the terminal, and how many there are in all."""
    import csv
    import json
    import sys

    if args.format == "json":
        out = {"query": args.query, "kind": args.kind, "total": total, "shown": len(rows),
               "results": rows}  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=[*(rows[0] if rows else _row(
            "", "", "", None, None, None, "", None, "")), "total"])  # fmt: skip
        writer.writeheader()
        writer.writerows({**r, "total": total} for r in rows)
        return
    for row in rows:
        console.print(_block(row, console.is_terminal), soft_wrap=False)
    if total > len(rows):
        console.print(f"showing {len(rows)} of {total} — use --limit", markup=False)
    else:
        console.print(f"{total} result(s)", markup=False)


def _block(row: dict, terminal: bool) -> Any:
    """Title; date · site · category (a document's type, a file's page); the snippet with the
    matched words in the terminal's emphasis (kept in [ ] when not a terminal); the archived
    copy."""
    from rich.text import Text

    what = {"document": "document", "attachment": f"file, page {row['page'] or 1}"}.get(
        row["kind"], ""
    )
    meta = [(row["published_at"] or "")[:10], row["site"] or "", row["category"] or "", what]
    block = Text(row["title"] or row["url"], style="bold")
    block.append("\n" + " · ".join(m for m in dict.fromkeys(meta) if m), style="dim")
    block.append("\n")
    snippet = " ".join((row["snippet"] or "").split())  # a file's lines run on in one block
    for k, part in enumerate(re.split(r"\[([^\[\]]*)\]", snippet)):
        if k % 2 == 0:
            block.append(part)
        elif terminal:
            block.append(part, style="bold underline")
        else:
            block.append(f"[{part}]")
    block.append(f"\narchived copy: {row['archived']}", style="dim")
    block.append(f"\n{row['url']}\n", style="dim")
    return block


COMMANDS = {"documents": cmd_documents}
