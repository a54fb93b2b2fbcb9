"""Injectable time and record ids, so archive output can be made byte-for-byte reproducible."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
IdFactory = Callable[[], str]


def utc_now() -> datetime:
    return datetime.now(UTC)


def random_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def fixed_clock(start: datetime, step_seconds: float = 1.0) -> Clock:
    """A clock that advances by a fixed step on every call (for tests)."""
    counter = itertools.count()

    def now() -> datetime:
        return start + timedelta(seconds=step_seconds * next(counter))

    return now


def sequential_ids(prefix: str = "00000000-0000-0000-0000") -> IdFactory:
    """Record ids that count up from 1 (for tests)."""
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:{prefix}-{next(counter):012d}>"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, second precision, as WARC/1.0 and the schema use."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(value: str | None) -> datetime | None:
    """An aware datetime from the schema's ISO 8601 text (iso_utc's `Z` or an offset)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
