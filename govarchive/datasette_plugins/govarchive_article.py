"""Datasette plugin: every article's archived copy (docs/serve.md).

/-/article/<id>           the clean text, images and attachments from the archive, the citation
                          and the version history with what changed
/-/article/<id>/captured  the page as captured: a redirect into pywb, started beside Datasette
/-/capture/<id>           a capture's archived payload (an image, an attachment), decoded of its
                          Content-Encoding, with its archived Content-Type

Everything is read from the archive (the database read-only, the WARC files); nothing is fetched
from the portal. Search results and the article_list view link here.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from govarchive.archived_files import NotHeld, Payload, locate, payload
from govarchive.article_view import ArticleView, load_article
from govarchive.body_html import paragraphs_html, safe_body
from govarchive.replay import MISSING, replay_path

ARCHIVE_DATABASE = "archive"
PLUGIN = "govarchive"
ARTICLE_PATH = "/-/article/{}"
CAPTURE_PATH = "/-/capture/{}"
ARTICLE_RE = re.compile(r"/-/article/[0-9]+")
LINKED = {("article_list", "title"), ("article_list", "id"), ("articles", "title")}
CAPTURE_HEADERS = {
    "x-content-type-options": "nosniff",
    "cache-control": "public, max-age=86400",  # a capture never changes
}
# Archived bytes are the portal's, not ours: a page, SVG or script among them must not run on
# this origin, so those are sandboxed. Images and documents are not (a sandboxed PDF is not
# shown by Chromium's viewer).
ACTIVE = ("html", "xml", "svg", "javascript", "ecmascript")
SANDBOX = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _id(value: str) -> int | None:
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value or "") else None


def _archive(datasette):
    return datasette.get_database(ARCHIVE_DATABASE)


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


async def _not_found(datasette, request, message: str) -> Response:
    html = await datasette.render_template(
        "error.html", {"title": "Not in the archive", "error": message, "status": 404}, request
    )
    return Response.html(html, status=404)


async def article_page(datasette, request) -> Response:
    raw = request.url_vars["article_id"]
    article_id = _id(raw)
    view = None
    if article_id is not None:
        view = await _archive(datasette).execute_fn(lambda con: load_article(con, article_id))
    if view is None:
        return await _not_found(
            datasette, request,
            f"No article {raw!r} in this archive: article ids are the numbers in the id column "
            "of the article_list view and in the search results.",
        )  # fmt: skip
    html = await datasette.render_template(
        "govarchive_article.html", _context(datasette, view), request
    )
    return Response.html(html)


def _context(datasette, view: ArticleView) -> dict:
    held = {i.src: i.capture_id for i in view.images}

    def image(src: str) -> str | None:
        capture = held.get(src)
        return CAPTURE_PATH.format(capture) if capture else None

    if view.body_html.strip():
        body, shown = safe_body(view.body_html, image)
    else:
        body, shown = paragraphs_html(view.body), []
    config = _config(datasette)
    return {
        "view": view,
        "cite": view.citation,
        "body": Markup(body),
        "more_images": [i for i in view.images if i.src not in shown],
        "capture_path": CAPTURE_PATH,
        "published": _shown_date(view.published_at),
        "replay_missing": "" if config.get("replay_port") else config.get("missing", MISSING),
        "captured_path": ARTICLE_PATH.format(view.id) + "/captured",
        "diffs": view.diffs(),
    }


def _shown_date(published_at: str | None) -> str:
    """2023-08-24T13:35:00+07:00 as '2023-08-24 13:35 (UTC+07:00)'; the time left out when the
    page showed only a date (stored as T00:00:00)."""
    if not published_at:
        return ""
    day, _, rest = published_at.partition("T")
    clock, zone = rest[:5], rest[8:]
    if not clock or clock == "00:00":
        return day
    return f"{day} {clock} (UTC{zone})" if zone else f"{day} {clock}"


async def as_captured(datasette, request) -> Response:
    article_id = _id(request.url_vars["article_id"])
    row = None
    if article_id is not None:
        result = await _archive(datasette).execute(
            "SELECT a.url, c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id "
            "WHERE a.id = ?",
            [article_id],
        )
        row = result.first()
    if row is None:
        return await _not_found(datasette, request, "No such article in this archive.")
    port = _config(datasette).get("replay_port")
    if not port:
        return await _unavailable(datasette, request, _config(datasette).get("missing", MISSING))
    host = urlsplit(f"//{request.host}").hostname or "127.0.0.1"
    if not await _answers(host, port):
        return await _unavailable(
            datasette, request,
            f"The replay server (pywb, port {port}) is not answering; restart `govarchive serve`.",
        )  # fmt: skip
    netloc = f"[{host}]" if ":" in host else host
    target = f"{request.scheme}://{netloc}:{port}{replay_path(row['fetched_at'], row['url'])}"
    return Response.redirect(target)


async def _answers(host: str, port: int) -> bool:
    """pywb accepts connections; it may still be starting (10 s at most) just after serve did."""
    for _ in range(100):
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except ConnectionRefusedError:
            await asyncio.sleep(0.1)
            continue
        except (TimeoutError, OSError):
            return False
        writer.close()
        return True
    return False


async def _unavailable(datasette, request, message: str) -> Response:
    html = await datasette.render_template(
        "error.html", {"title": "Replay unavailable", "error": message, "status": 503}, request
    )
    return Response.html(html, status=503)


async def capture_payload(datasette, request):
    capture_id = _id(request.url_vars["capture_id"])
    warc_dir = Path(_archive(datasette).path).parent / "warc"
    try:
        if capture_id is None:
            raise NotHeld("capture ids are numbers")
        held = await _archive(datasette).execute_fn(lambda con: locate(con, warc_dir, capture_id))
        opened = await asyncio.to_thread(payload, held)
    except (NotHeld, OSError) as exc:
        return await _not_found(datasette, request, str(exc))
    name = urlsplit(held.url).path.rsplit("/", 1)[-1]
    return _PayloadResponse(opened, name)


class _PayloadResponse:
    """Sends a payload as it is read from its WARC record, a chunk at a time."""

    def __init__(self, body: Payload, filename: str) -> None:
        self.body = body
        self.filename = filename

    async def asgi_send(self, send) -> None:
        headers = {**CAPTURE_HEADERS, "content-type": self.body.content_type}
        if any(word in self.body.content_type.lower() for word in ACTIVE):
            headers["content-security-policy"] = SANDBOX
        if self.filename:
            headers["content-disposition"] = f"inline; filename*=UTF-8''{quote(self.filename)}"
        if self.body.length is not None:
            headers["content-length"] = str(self.body.length)
        raw = [[k.encode("latin-1"), v.encode("latin-1", "replace")] for k, v in headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": raw})
        chunks = self.body.chunks
        try:
            for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            getattr(chunks, "close", lambda: None)()  # a client gone early: the file closes


@hookimpl
def register_routes(datasette):
    return [
        (r"^/-/article/(?P<article_id>[^/]+)$", article_page),
        (r"^/-/article/(?P<article_id>[^/]+)/captured$", as_captured),
        (r"^/-/capture/(?P<capture_id>[^/]+)$", capture_payload),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Titles (and ids) in article_list and articles, and titles in the search query's results,
    link to the article's archived copy; the search query's archived_copy column is that link."""
    if database != ARCHIVE_DATABASE or value is None:
        return None
    keys = row.keys()
    copy = str(row["archived_copy"]) if "archived_copy" in keys else ""
    if (table, column) in LINKED and "id" in keys:  # a row without its id (_col=) links nothing
        href = ARTICLE_PATH.format(row["id"])
    elif table is None and column in ("title", "archived_copy") and ARTICLE_RE.fullmatch(copy):
        href = copy
        if column == "archived_copy":
            return Markup(f'<a href="{escape(href)}">archived copy</a>')
    else:
        return None
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
