"""WARC writing: request/response pairs, gzip per record, a warcinfo record opening each file,
rotation at a size limit. Records are built in memory and written with one write, so a reader
never meets a record that is half on disk except at a crash's tail (issue 4 repairs that); a
write that fails (disk full) is cut back off at once. `sync()` makes what was written durable:
the archive calls it before every SQLite commit that may point at new records (issue 14)."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import os
import socket
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.cdxj import cdxj_line
from archive.clock import Clock, IdFactory, iso_utc, random_record_id, utc_now

DEFAULT_MAX_SIZE = 1_000_000_000


@dataclass
class HttpExchange:
    """One request and the response that came back, as close to the wire as the crawler saw it."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"


@dataclass(frozen=True)
class RevisitOf:
    """The archived response a new one repeats: same payload digest, or the one a 304 confirms.
    A revisit record names it by URI, date and record id, which replay tools need to find it."""

    url: str
    date: str  # its WARC-Date
    record_id: str
    digest: str
    not_modified: bool = False  # a 304 answer: the server-not-modified profile
    # For a 304: the original's status line and headers, which the revisit record carries so
    # replay serves the page (pywb and wabac.js use a revisit's own headers); the 304 itself
    # goes in a metadata record beside it.
    original_headers: StatusAndHeaders | None = None


def _as_received(writer, ex: HttpExchange, http_headers, concurrent_to: str, record_id: str):
    """A metadata record keeping the 304 answer as it came (status line and headers), beside a
    server-not-modified revisit that carries the original's headers for replay."""
    lines = [f"http-response: {ex.protocol} {http_headers.statusline}"]
    lines += [f"http-response-header: {name}: {value}" for name, value in http_headers.headers]
    fields = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return writer.create_warc_record(
        ex.url,
        "metadata",
        payload=io.BytesIO(fields),
        length=len(fields),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": record_id,
            "WARC-Date": iso_utc(ex.fetched_at),
            "WARC-Concurrent-To": concurrent_to,
        },
    )


def read_record(path: Path, offset: int, body: bool = True) -> tuple[StatusAndHeaders, bytes]:
    """HTTP status line and headers of the record at `offset`, and its raw payload when asked
    (a revisit has none)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        payload = record.raw_stream.read() if body and record.rec_type == "response" else b""
        return record.http_headers, payload


def decoded_payload(body: bytes, headers: Iterable[tuple[str, str]]) -> bytes:
    """A payload as a reader gets it: its Content-Encoding undone (gzip, deflate with or without
    its zlib header, br when brotli is installed; several, last applied first). A body that does
    not decode as it claims is given as stored."""
    codings = next((v for k, v in headers if k.lower() == "content-encoding"), "")
    for coding in reversed([c.strip().lower() for c in codings.split(",") if c.strip()]):
        try:
            if coding in ("gzip", "x-gzip"):
                body = zlib.decompress(body, 47)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:
                    body = zlib.decompress(body, -15)
            elif coding == "br":
                import brotli  # Scrapy's optional decoder for br; absent, the body stays as is

                body = brotli.decompress(body)
            elif coding != "identity":
                return body
        except Exception:  # noqa: BLE001 - zlib.error, ImportError, brotli.error: as stored
            return body
    return body


def payload_digest(body: bytes) -> str:
    """`WARC-Payload-Digest` of a body as warcio writes it: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


@dataclass(frozen=True)
class WarcLocation:
    """Where a response record landed; the `captures` row stores these."""

    warc_file: str
    offset: int
    length: int
    payload_digest: str
    response_record_id: str
    request_record_id: str
    record_type: str = "response"  # or "revisit"
    written: int = 0  # bytes its records (response or revisit, request, ...) added to the file


@dataclass
class WarcWriter:
    directory: Path
    prefix: str = "GOVARCHIVE"
    max_size: int = DEFAULT_MAX_SIZE
    clock: Clock = utc_now
    new_id: IdFactory = random_record_id
    hostname: str = field(default_factory=socket.gethostname)
    info: dict[str, str] = field(default_factory=dict)
    # Where each file's CDXJ lines go as its records are written (archive.cdxj), if anywhere.
    index_dir: Path | None = None
    fsync: bool = True  # sync() calls fsync (GOVARCHIVE_WARC_FSYNC; off only for benchmarks)
    # Test hook (GOVARCHIVE_WARC_SYNC_LOG): after each sync a line "file<TAB>size" is appended
    # here, the length a power cut cannot take the file below.
    sync_log: Path | None = None

    _fh: BinaryIO | None = field(default=None, init=False, repr=False)
    _lines: TextIO | None = field(default=None, init=False, repr=False)
    _name: str | None = field(default=None, init=False)
    _serial: int = field(default=0, init=False)
    _size: int = field(default=0, init=False)  # bytes of the open file
    _unsynced: bool = field(default=False, init=False)
    files: list[str] = field(default_factory=list, init=False)

    def write_exchange(self, ex: HttpExchange, revisit: RevisitOf | None = None) -> WarcLocation:
        """A response record and its request record, written together; with `revisit`, the
        response is a revisit record: HTTP headers only, the payload left to the record it
        refers to (for a 304, also a metadata record with the 304 as received, after them)."""
        self._current_file()
        base = self._size
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        date = iso_utc(ex.fetched_at)
        response_id = self.new_id()
        request_id = self.new_id()

        response_warc_headers = {"WARC-Record-ID": response_id, "WARC-Date": date}
        if ex.ip_address:
            response_warc_headers["WARC-IP-Address"] = ex.ip_address
        status_line = f"{ex.status} {ex.reason}".strip()
        http_headers = StatusAndHeaders(
            status_line, list(ex.response_headers), protocol=ex.protocol
        )
        if revisit is None:
            response = writer.create_warc_record(
                ex.url,
                "response",
                payload=io.BytesIO(ex.body),
                length=len(ex.body),  # without it warcio copies the body to a temporary file
                http_headers=http_headers,
                warc_headers_dict=response_warc_headers,
            )
        else:
            response_warc_headers["WARC-Refers-To"] = revisit.record_id
            carried = revisit.original_headers if revisit.not_modified else None
            response = writer.create_revisit_record(
                ex.url,
                revisit.digest,
                revisit.url,
                revisit.date,
                http_headers=carried or http_headers,
                warc_headers_dict=response_warc_headers,
            )
            if revisit.not_modified:
                response.rec_headers.replace_header("WARC-Profile", SERVER_NOT_MODIFIED)
        writer.write_record(response)
        response_length = buf.tell()

        request = writer.create_warc_record(
            ex.url,
            "request",
            payload=io.BytesIO(ex.request_body),
            length=len(ex.request_body),
            http_headers=StatusAndHeaders(
                f"{ex.method} {_request_target(ex.url)} {ex.protocol}",
                list(ex.request_headers),
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Record-ID": request_id,
                "WARC-Date": date,
                "WARC-Concurrent-To": response_id,
            },
        )
        writer.write_record(request)
        if revisit is not None and revisit.not_modified and revisit.original_headers:
            writer.write_record(_as_received(writer, ex, http_headers, response_id, self.new_id()))

        data = buf.getvalue()
        self._write_all(data)
        if self._lines is not None:
            line = cdxj_line(
                response, request.http_headers, base, response_length, self._name or ""
            )
            self._lines.write(line)
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        location = WarcLocation(
            warc_file=self._name or "",
            offset=base,
            length=response_length,
            payload_digest=digest,
            response_record_id=response_id,
            request_record_id=request_id,
            record_type="response" if revisit is None else "revisit",
            written=len(data),
        )
        if self._size >= self.max_size:
            self.close()
        return location

    def _write_all(self, data: bytes) -> None:
        """Write `data` at the end of the open file (unbuffered: in the kernel once this
        returns, so a killed process leaves it whole). A write that fails part-way (ENOSPC,
        EFBIG) is cut off again, so the file ends with a complete record and the error goes up."""
        assert self._fh is not None
        base = self._size
        view = memoryview(data)
        try:
            while view:
                n = self._fh.write(view)
                if not n:
                    raise OSError("WARC write made no progress")
                view = view[n:]
        except OSError:
            self._fh.truncate(base)  # shrinking needs no room
            self._fh.seek(base)
            raise
        self._size = base + len(data)
        self._unsynced = True

    def sync(self) -> None:
        """Make the open file's records durable (fsync) before rows pointing at them commit."""
        if self._fh is None or not self._unsynced:
            return
        if self.fsync:
            os.fsync(self._fh.fileno())
        self._unsynced = False
        if self.sync_log is not None:
            with self.sync_log.open("a", encoding="utf-8") as log:
                log.write(f"{self._name}\t{self._size}\n")

    @property
    def current(self) -> tuple[str, int] | None:
        """The open file's name and size."""
        return (self._name, self._size) if self._fh is not None and self._name else None

    def close(self) -> None:
        if self._fh is not None:
            size = self._size
            try:
                self.sync()
            finally:
                self._fh.close()
                self._fh = None
                name, self._name = self._name, None
                lines, self._lines = self._lines, None
            if lines is not None and self.index_dir is not None:
                # Named for the size it indexes: a file changed since is indexed from itself.
                part = self.index_dir / f"{name}.part"
                try:
                    lines.close()
                except OSError:  # no room for the lines: the index reads the file instead
                    part.unlink(missing_ok=True)
                    return
                part.replace(self.index_dir / f"{name}@{size}.cdxj")

    def _current_file(self) -> BinaryIO:
        if self._fh is None:
            self._open_next()
        assert self._fh is not None
        return self._fh

    def _open_next(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        opened = self.clock()
        stamp = opened.strftime("%Y%m%d%H%M%S%f")[:17]
        host = self.hostname.replace("-", "_") or "localhost"
        while True:  # exclusive create: crawl workers sharing the folder never clash
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{host}.warc.gz"
            self._serial += 1
            try:
                fh = (self.directory / name).open("xb", buffering=0)
            except FileExistsError:
                continue
            break
        # Held while the file is written (the OS drops it if the process dies): a resume in
        # another crawl worker leaves a file that is still being written alone.
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        fields = {
            "software": "govarchive",
            "format": "WARC File Format 1.0",
            "hostname": self.hostname,
        }
        fields.update(self.info)
        record = writer.create_warcinfo_record(name, fields)
        record.rec_headers.replace_header("WARC-Record-ID", self.new_id())
        record.rec_headers.replace_header("WARC-Date", iso_utc(opened))
        writer.write_record(record)
        self._fh = fh  # type: ignore[assignment]
        self._name = name
        self._size = 0
        self.files.append(name)
        try:
            self._write_all(buf.getvalue())
        except OSError:
            self._fh = None
            self._name = None
            fh.close()
            (self.directory / name).unlink(missing_ok=True)  # an empty file helps nobody
            self.files.remove(name)
            raise
        if self.index_dir is not None:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            self._lines = (self.index_dir / f"{name}.part").open("w", encoding="utf-8")


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target
