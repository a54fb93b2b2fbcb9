"""A capture's payload as the archive holds it, for the archived-copy pages: an article's images
and attachments are served from their WARC records, never fetched from the portal.

The payload is given as a browser would get it (Content-Encoding undone, archive.warc's
decoded_payload) with the Content-Type it was archived with. A payload sent without encoding
(images, documents: nearly all) is streamed from the record in chunks; an encoded one is
decoded whole. A revisit record holds no payload: its original's is served.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc import decoded_payload

CHUNK = 1 << 16

LOCATE_SQL = """SELECT c.url, coalesce(o.warc_file, c.warc_file), coalesce(o.warc_offset, c.warc_offset),
  coalesce(o.lost_at, c.lost_at), c.record_type, o.id
FROM captures c LEFT JOIN captures o ON o.id = c.refers_to AND c.record_type = 'revisit'
WHERE c.id = ?"""


class NotHeld(LookupError):
    """The archive has no payload for that capture (no such capture, no record, record lost)."""


@dataclass(frozen=True)
class Held:
    url: str
    path: Path  # the WARC file holding the payload
    offset: int


def locate(con: sqlite3.Connection, warc_dir: Path, capture_id: int) -> Held:
    row = con.execute(LOCATE_SQL, [capture_id]).fetchone()
    if row is None:
        raise NotHeld(f"no capture {capture_id} in this archive")
    url, name, offset, lost, record_type, original = row
    if record_type == "revisit" and original is None:
        raise NotHeld(f"capture {capture_id} repeats a payload this archive does not hold")
    if name is None or offset is None:
        raise NotHeld(f"capture {capture_id} has no WARC record (the fetch got no response)")
    if lost:
        raise NotHeld(f"the WARC record of capture {capture_id} was found lost at {lost}")
    return Held(url, warc_dir / name, int(offset))


@dataclass
class Payload:
    content_type: str
    length: int | None  # known when decoded whole; a streamed payload is sent chunked
    chunks: Iterator[bytes]


def payload(held: Held) -> Payload:
    """The payload of the record at `held`, opened for reading (the file closes when the chunks
    are exhausted)."""
    fh = held.path.open("rb")
    try:
        fh.seek(held.offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response" or record.http_headers is None:
            raise NotHeld(f"the record at {held.path.name}:{held.offset} holds no payload")
        headers = record.http_headers
        ctype = headers.get_header("Content-Type") or "application/octet-stream"
        encoding = (headers.get_header("Content-Encoding") or "identity").strip().lower()
        if encoding not in ("", "identity"):
            body = decoded_payload(record.raw_stream.read(), headers.headers)
            fh.close()
            return Payload(ctype, len(body), iter([body]))
    except BaseException:
        fh.close()
        raise

    def chunks() -> Iterator[bytes]:
        with fh:
            while data := record.raw_stream.read(CHUNK):
                yield data

    return Payload(ctype, None, chunks())
