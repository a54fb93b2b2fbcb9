"""One HTTP exchange with urllib3, kept as it came off the wire: the headers we sent, the status
line, the headers and the body as received (not decoded; chunking undone, as Scrapy's is)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError

from archive.clock import Clock
from archive.warc import HttpExchange

# Twisted (the crawl) undoes chunking too; a record that claimed it would not replay.
_DROP = {"transfer-encoding"}
_VERSIONS = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}


class FetchError(Exception):
    """The exchange failed (connection, timeout, a body over the size limit): retried, then
    recorded as a failed capture."""


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_size: int


def pool_for(url: str, connections: int, limits: Limits) -> urllib3.HTTPConnectionPool:
    """Connections to one host, at most `connections` at once (a thread waits for a free one).
    TLS certificates are not checked, as Scrapy does not: many portals' are out of date, and
    an archive keeps what was served."""
    parts = urlsplit(url)
    kwargs = {
        "maxsize": connections,
        "block": True,
        "timeout": urllib3.Timeout(connect=limits.timeout, read=limits.timeout),
        "retries": False,
    }
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            parts.hostname, parts.port, cert_reqs="CERT_NONE", assert_hostname=False, **kwargs
        )
    return urllib3.HTTPConnectionPool(parts.hostname, parts.port, **kwargs)


def fetch(
    pool: urllib3.HTTPConnectionPool,
    url: str,
    headers: list[tuple[str, str]],
    limits: Limits,
    clock: Clock,
) -> HttpExchange:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = [("Host", parts.netloc), *headers]
    try:
        response = pool.urlopen(
            "GET",
            target,
            headers=dict(sent),
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
        )
        fetched_at = clock()
        ip = _peer(response)
        try:
            body = _read(response, limits.max_size)
        finally:
            response.release_conn()
    except HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from None
    return HttpExchange(
        url=url,
        method="GET",
        request_headers=sent,
        status=response.status,
        reason=response.reason or "",
        protocol=_VERSIONS.get(response.version, "HTTP/1.1"),
        response_headers=[(k, v) for k, v in response.headers.items() if k.lower() not in _DROP],
        body=body,
        fetched_at=fetched_at,
        ip_address=ip,
    )


def _read(response: urllib3.BaseHTTPResponse, max_size: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(256 * 1024, decode_content=False):
        size += len(chunk)
        if max_size and size > max_size:
            raise FetchError(f"body larger than {max_size} bytes (DOWNLOAD_MAXSIZE)")
        chunks.append(chunk)
    return b"".join(chunks)


def _peer(response: urllib3.BaseHTTPResponse) -> str | None:
    sock = getattr(getattr(response, "connection", None), "sock", None)
    try:
        return str(sock.getpeername()[0]) if sock is not None else None
    except OSError:
        return None
