"""The archivist's look at one page: `govarchive inspect URL`."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from govarchive.cliutil import EXIT_OK, UsageProblem, _archive_arg


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect", help="what the crawler makes of one page: its kind, identity and fields",
        description="Fetch one page (or read its latest capture with --from-archive) and show "
        "what a crawl would make of it: article, list or other and why, the URL form and the "
        "article's identity, title, date, author, lead, the first lines of the body, images "
        "with captions, attachments, any chrome left in the text, and the site-profiles.toml "
        "lines that would pin this skin's parts.",
    )  # fmt: skip
    p.add_argument("url", metavar="URL", help="the page's address")
    p.add_argument(
        "--from-archive", action="store_true",
        help="read the latest capture from the archive's WARC files instead of fetching",
    )  # fmt: skip
    p.add_argument("--format", choices=["text", "json"], default="text")
    _archive_arg(p)


def cmd_inspect(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from scrapy.http import HtmlResponse

    from archive.folder import resolve_archive_dir
    from crawler.extract.profiles import ProfileError, load_profiles
    from crawler.inspect import FetchError, fetch_live, inspect_page
    from crawler.reading import page_text
    from crawler.run import CrawlError, validate_url
    from crawler.urls import canonicalize, host_of

    try:
        url = canonicalize(validate_url(args.url, "page URL"))
    except CrawlError as exc:
        raise UsageProblem(str(exc)) from None
    profiles_file = Path(resolve_archive_dir(args.archive)) / "site-profiles.toml"
    try:
        profiles = load_profiles(profiles_file) if profiles_file.is_file() else {}
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    if args.from_archive:
        from archive import Archive
        from archive.errors import ArchiveError

        with Archive(args.archive) as archive:  # says so when there is no archive
            page = archive.page(url)
        if page is None:
            raise ArchiveError(f"no capture of {url} in {archive.folder.root}; crawl it first")
        status, ctype, body = page.status, page.content_type, page.body
        source = f"archive (capture {page.capture_id}, fetched {page.fetched_at})"
    else:
        from crawler.identity import user_agent

        try:
            status, ctype, body = fetch_live(url, user_agent())
        except FetchError as exc:
            raise UsageProblem(str(exc)) from None
        source = "live"
    if "html" not in ctype.lower() and not body.lstrip()[:1] == b"<":
        raise UsageProblem(f"{url} is not an HTML page ({ctype or 'no content type'})")
    # Read as the crawl reads it (the spider's own decoding), so inspect shows what it stores.
    html = page_text(HtmlResponse(url, body=body, headers={"Content-Type": ctype}))
    report = inspect_page(url, html, status, source, profiles.get(host_of(url)))
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return EXIT_OK
    out = console.print
    out(f"{report.url}  [{report.source}, HTTP {report.status}]")
    out(f"kind: {report.kind} ({report.reason})")
    out(f"URL form: {report.url_form}; shape {report.shape}")
    if report.canonical:
        out(f"canonical: {report.canonical}")
    if report.identity:
        out(f"identity: {report.identity}")
    if report.title:
        out(f"title: {report.title}")
        out(f"date: {report.published_at or '-'}   author: {report.author or '-'}   "
            f"category: {report.category or '-'}")  # fmt: skip
        out(f"lead: {report.summary or '-'}")
        out(f"body ({report.body_chars} characters), first lines:")
        for line in report.body_start:
            out(f"  | {line[:160]}{'…' if len(line) > 160 else ''}")
        out(f"images ({len(report.images)}):")
        for image in report.images:
            out(f"  {image['src']}  caption: {image['caption'] or '-'}")
        out(f"attachments ({len(report.attachments)}):")
        for att in report.attachments:
            out(f"  {att['url']}  {att['text']}")
        if report.text_flags:
            out(f"text flags: {', '.join(report.text_flags)}")
        out(f"chrome left in the text: {', '.join(report.chrome_left) or 'none'}")
    if report.profile_lines:
        out("to pin this skin's parts, in DIR/site-profiles.toml:")
        for line in report.profile_lines:
            out(f"  {line}")
    return EXIT_OK


COMMANDS = {"inspect": cmd_inspect}
