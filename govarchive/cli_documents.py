"""`govarchive documents` (official documents listed and looked up by number) and what
`govarchive search --kind` finds besides articles: documents and the text of archived files."""

from __future__ import annotations

import argparse
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
    try:
        with Archive(args.archive) as archive:
            if args.number:
                with archive.snapshot() as con:
                    hits = find_by_number(con, args.number, limit=args.limit or 10**9, **given)
                if not hits and not _is_number(args.number):
                    raise UsageProblem(
                        f"{args.number!r} is not a document number; write it as "
                        "71/2024/QĐ-UBND, 706/UBND-VP7 or 'QĐ 71/2024'"
                    )
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


def search_rows(archive: Any, args: argparse.Namespace) -> list[dict]:
    """Hits of every kind asked for, as rows saying which kind: articles by title, lead and
    body; documents by number (any spelling first) and fields; files by their text, with the
    page. Kinds are merged best first by their bm25 scores; --category and the dates narrow to
    what has them (documents by issue date; files have neither)."""
    kinds = KINDS[1:] if args.kind == "all" else (args.kind,)
    scored: list[tuple[float, dict]] = []
    if "article" in kinds:
        for h in archive.search(
            args.query, site=args.site, since=args.since, until=args.until,
            category=args.category, limit=args.limit,
        ):  # fmt: skip
            scored.append((h.score, {"kind": "article", "url": h.url, "title": h.title,
                                     "site": h.site, "published_at": h.published_at,
                                     "category": h.category, "snippet": h.snippet, "page": None}))  # fmt: skip
    if "document" in kinds and not args.category:
        for d in archive.search_documents(
            args.query, site=args.site, since=args.since, until=args.until, limit=args.limit
        ):
            title = " ".join(p for p in (d.type, d.number) if p) + (
                f": {d.abstract}" if d.abstract else ""
            )
            scored.append((d.score, {"kind": "document", "url": d.detail_url or d.page_url,
                                     "title": title, "site": d.site, "published_at": d.issued_at,
                                     "category": d.type, "snippet": d.snippet, "page": None}))  # fmt: skip
    if "attachment" in kinds and not (args.category or args.since or args.until):
        for f in archive.search_files(args.query, site=args.site, limit=args.limit):
            name = f.url.rsplit("/", 1)[-1]
            scored.append((f.score, {"kind": "attachment", "url": f.url, "title": name,
                                     "site": None, "published_at": None, "category": None,
                                     "snippet": f.snippet, "page": f.page}))  # fmt: skip
    scored.sort(key=lambda pair: pair[0])  # stable: a kind's own order kept between equals
    rows = [row for _, row in scored[: args.limit]]
    if args.kind == "article":  # as before documents: no kind or page columns
        rows = [{k: v for k, v in r.items() if k not in ("kind", "page")} for r in rows]
    return rows


COMMANDS = {"documents": cmd_documents}
