"""What one fetch becomes in a WARC file, decided the same way by whichever process writes it
(the crawl's, or the files process of crawler/files): whether it is a revisit of a payload the
archive holds, and the facts its capture row is made of."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from archive.clock import iso_utc
from archive.db import ArchiveDB
from archive.warc import HttpExchange, RevisitOf, WarcLocation, payload_digest, read_record


@dataclass(frozen=True)
class RevisitRef:
    """The record a revisit repeats, by payload digest and record id (enough to find its row)."""

    digest: str
    record_id: str
    not_modified: bool = False


@dataclass(frozen=True)
class Written:
    """A fetch whose records are in a WARC file: what its `captures` row says."""

    url: str
    method: str
    status: int
    content_type: str | None
    content_length: int
    fetched_at: str  # ISO UTC
    validators: tuple[str | None, str | None]  # ETag, Last-Modified
    location: WarcLocation
    revisit: RevisitRef | None = None
    refers_to: int | None = None  # the capture repeated, when the writer knows its id

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Written:
        revisit = data.get("revisit")
        return cls(
            **{
                **data,
                "validators": tuple(data["validators"]),
                "location": WarcLocation(**data["location"]),
                "revisit": RevisitRef(**revisit) if revisit else None,
            }
        )


def validators_of(exchange: HttpExchange) -> tuple[str | None, str | None]:
    found: dict[str, str] = {}
    for name, value in exchange.response_headers:
        if name.lower() in ("etag", "last-modified"):
            found[name.lower()] = value
    return found.get("etag"), found.get("last-modified")


def written_of(
    exchange: HttpExchange,
    content_type: str | None,
    location: WarcLocation,
    revisit: RevisitOf | None,
    refers_to: int | None,
) -> Written:
    return Written(
        url=exchange.url,
        method=exchange.method,
        status=exchange.status,
        content_type=content_type,
        content_length=len(exchange.body),
        fetched_at=iso_utc(exchange.fetched_at),
        validators=validators_of(exchange),
        location=location,
        revisit=RevisitRef(revisit.digest, revisit.record_id, revisit.not_modified)
        if revisit
        else None,
        refers_to=refers_to,
    )


def revisit_for(
    db: ArchiveDB, warc_dir: Path, exchange: HttpExchange
) -> tuple[RevisitOf | None, int | None]:
    """A revisit of the archived response this one repeats (same payload, or the one a 304
    confirms), and that response's capture id; (None, None) when it is new."""
    if exchange.status == 304:
        last = db.last_response(exchange.url)
        if last is None:
            return None, None  # a 304 we did not ask for: archived as it came
        capture_id, url, date, record_id, digest, name, offset = last
        try:
            original, _ = read_record(warc_dir / name, offset, body=False)
        except (OSError, StopIteration):  # its file gone: the revisit keeps the 304's headers
            original = None
        return RevisitOf(url, date, record_id, digest, True, original), capture_id
    if not exchange.body:
        return None, None
    digest = payload_digest(exchange.body)
    found = db.original_with_digest(digest)
    if found is None:
        return None, None
    capture_id, url, date, record_id = found
    return RevisitOf(url, date, record_id, digest), capture_id
