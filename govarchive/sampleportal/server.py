"""Serve sample portals on 127.0.0.1 and their storage host on 127.0.0.2, in threads or as a command."""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from govarchive.sampleportal import families, render, render_documents
from govarchive.sampleportal.content import DEFAULT_PROFILES, Article, Portal, build_portal
from govarchive.sampleportal.media import content_type_for, media_bytes
from govarchive.sampleportal.site import Site

PORTAL_HOST = "127.0.0.1"
STORAGE_HOST = "127.0.0.2"


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    delay: float = 0.0  # seconds before each answer: a slow server, for tests that need time
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_body(
        self,
        status: int,
        body: bytes,
        ctype: str,
        *,
        chunked: bool = False,
        modified: str | None = None,
    ) -> None:
        """With `modified` (an HTTP date), the answer carries ETag and Last-Modified and a
        conditional request that still matches gets 304 Not Modified."""
        if self.delay:
            time.sleep(self.delay)
        if modified is not None and status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            if self._not_modified(etag, modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                return
        self.send_response(status)
        if modified is not None and status == 200:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        self.send_header("Content-Type", ctype)
        self.send_header("X-Powered-By", "ASP.NET")
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "") and ctype.startswith("text/")
        if wants_gzip:
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command != "HEAD":
                for i in range(0, len(body), 4096):
                    part = body[i : i + 4096]
                    self.wfile.write(f"{len(part):X}\r\n".encode() + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_modified(self, etag: str, modified: str) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            return etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False


SKIN_PREFIXES = ("/Portals/", "/images/", "/icons/")  # the portal's own layout files


def skin_file(path: str) -> tuple[bytes, str]:
    """The skin's stylesheet (which names a background image and a font) and its images."""
    if path.endswith(".css"):
        css = (
            "body{font-family:Arial;background:url('/Portals/0/bg.png')}\n"
            '@font-face{font-family:Vn;src:url("/Portals/_default/fonts/vn.woff")}\n'
            ".banner{background:url(data:image/png;base64,iVBORw0KGgo=)}\n"
        )
        return css.encode(), "text/css"
    if path.endswith(".woff"):
        return b"wOFF" + media_bytes(path)[:64], "font/woff"
    if path.endswith(".gif"):
        return b"GIF89a" + media_bytes(path)[:32], "image/gif"
    return media_bytes(path), content_type_for(path)


# What the sample servers give as Last-Modified: a fixed time, so answers are reproducible.
LAST_MODIFIED = "Mon, 06 May 2024 01:00:00 GMT"


class PortalHandler(_Quiet):
    site: Site  # set on the per-portal subclass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
        if families.router_for(self.site) is not None:
            self.serve_family(parts.path, query, {})
            return
        page = self.route(parts.path, query)
        if page is None:
            html = render.not_found_page(self.site).encode("utf-8")
            self.send_body(404, html, "text/html; charset=utf-8")
            return
        status, body, ctype = page
        portal = self.site.portal
        validated = portal.profile.validators and self.find_article(parts.path, query) is not None
        # List pages go out chunked, as IIS does for buffered-off modules.
        self.send_body(
            status,
            body,
            ctype,
            chunked=parts.path.count("/") == 1 and bool(query),
            modified=LAST_MODIFIED if validated else None,
        )

    def do_POST(self) -> None:
        """Template families answer form posts (ASP.NET postbacks); classic skins do not."""
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if families.router_for(self.site) is None:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, "Unsupported method ('POST')")
            return
        parts = urlsplit(self.path)
        query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
        form = {k: v[-1] for k, v in parse_qs(data, keep_blank_values=True).items()}
        self.serve_family(parts.path, query, form)

    def serve_family(self, path: str, query: dict[str, str], form: dict[str, str]) -> None:
        site = self.site
        if path.startswith(SKIN_PREFIXES) and "." in path.rsplit("/", 1)[-1]:
            self.send_body(200, *skin_file(path))
            return
        method = "POST" if self.command == "POST" else "GET"
        answer = families.router_for(site).route(site, method, path, query, form)
        if answer is None:
            html = families.not_found_page(site).encode("utf-8")
            self.send_body(404, html, "text/html; charset=utf-8")
            return
        self.send_body(*answer)

    def route(self, path: str, query: dict[str, str]) -> tuple[int, bytes, str] | None:
        site = self.site
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, render.robots_txt().encode(), "text/plain; charset=utf-8"
        if path.startswith(SKIN_PREFIXES) and "." in path.rsplit("/", 1)[-1]:
            return 200, *skin_file(path)
        if path == urlsplit(site.calendar_url()).path:
            return 200, render.calendar_page(site).encode(), html
        documents = render_documents.route(site, path, query)  # None on portals without them
        if documents is not None:
            return 200, documents.encode(), html
        printable = query.get("print") in ("1", "true")
        art = self.find_article(path, query)
        if art is not None:
            return 200, render.article_page(site, art, printable=printable).encode(), html
        if path == "/" or (path.lower() == "/default.aspx" and "pageid" not in query):
            return 200, render.home_page(site).encode(), html
        cat, page = self.find_category(path, query)
        if cat is not None:
            out = render.category_page(site, cat, page)
            return None if out is None else (200, out.encode(), html)
        if path == "/dang-nhap" or query.get("ctl") == "login":
            return (
                200,
                render.frame(site, "Đăng nhập", "<form><input name=u></form>").encode(),
                html,
            )
        return None

    def find_article(self, path: str, query: dict[str, str]) -> Article | None:
        portal: Portal = self.site.portal
        by_id = {i: a for i, a in portal.by_id.items() if i not in portal.removed}
        segments = [s for s in path.split("/") if s]
        if portal.profile.skin == "old":
            if path.lower() == "/default.aspx" and query.get("id", "").isdigit():
                return by_id.get(int(query["id"]))
            if len(segments) == 6 and all(s.isdigit() for s in segments[:4]):
                return by_id.get(int(segments[3]))
            return None
        if len(segments) == 2 and "-" in segments[1]:
            tail = segments[1].rsplit("-", 1)[1]
            if tail.isdigit():
                art = by_id.get(int(tail))
                if art is not None and art.category.slug == segments[0]:
                    return art
        return None

    def find_category(self, path: str, query: dict[str, str]):
        portal = self.site.portal
        param = portal.profile.page_param.lower()
        raw_page = query.get(param, "0")
        page = int(raw_page) if raw_page.isdigit() else -1
        for cat in portal.categories:
            if portal.profile.skin == "old":
                if path.lower() == "/default.aspx" and query.get("pageid") == str(cat.pageid):
                    return cat, page
            elif path.rstrip("/") == f"/{cat.slug}":
                return cat, page
        return None, 0


class StorageHandler(_Quiet):
    server_version = "nginx"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/robots.txt":
            self.send_body(200, b"User-agent: *\nAllow: /\n", "text/plain")
            return
        if path.count("/") < 2 or "." not in path.rsplit("/", 1)[-1]:
            self.send_body(404, b"Not Found", "text/plain")
            return
        self.send_body(200, media_bytes(path), content_type_for(path), modified=LAST_MODIFIED)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A crawler that hangs up (killed mid-request, in tests) is not the server's error."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@dataclass
class SampleServers:
    """Portals (one port each on 127.0.0.1) and one storage host (127.0.0.2), serving in threads."""

    profiles: tuple[str, ...] = DEFAULT_PROFILES
    host: str = PORTAL_HOST
    storage_host: str = STORAGE_HOST
    ports: tuple[int, ...] = ()
    storage_port: int = 0
    delay: float = 0.0
    articles: int | None = None  # override each profile's size (benchmarks)
    revision: int = 1  # 2: the portal later on, one article edited and one taken down
    # one address per portal, as a province's portals each have their host (bench/province.py)
    portal_hosts: tuple[str, ...] = ()
    storage_base: str = field(default="", init=False)
    sites: list[Site] = field(default_factory=list, init=False)
    _servers: list[ThreadingHTTPServer] = field(default_factory=list, init=False)

    def start(self) -> SampleServers:
        storage_handler = type("Storage", (StorageHandler,), {"delay": self.delay})
        storage = _Server((self.storage_host, self.storage_port), storage_handler)
        self._servers.append(storage)
        storage_base = f"http://{self.storage_host}:{storage.server_address[1]}"
        self.storage_base = storage_base
        for i, key in enumerate(self.profiles):
            port = self.ports[i] if i < len(self.ports) else 0
            host = self.portal_hosts[i] if i < len(self.portal_hosts) else self.host
            portal = build_portal(key, self.articles, self.revision)
            handler = type(f"{key}Handler", (PortalHandler,), {"delay": self.delay})
            server = _Server((host, port), handler)
            site = Site(portal, f"http://{host}:{server.server_address[1]}", storage_base)
            handler.site = site
            self._servers.append(server)
            self.sites.append(site)
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> SampleServers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
