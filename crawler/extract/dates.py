"""Vietnamese date lines as portals print them, to ISO 8601 in Vietnam's time zone (+07:00)."""

from __future__ import annotations

import re
from datetime import datetime

_TIME = r"(?P<h>\d{1,2})\s*[:hg]\s*(?P<mi>\d{2})(?:\s*:\s*\d{2})?(?:\s*(?P<ampm>AM|PM|SA|CH))?"
_DATE = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<mo>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_TIME_FIRST = re.compile(_TIME + r"\s*(?:[,|-]\s*)?(?:ngày\s*)?" + _DATE, re.I)
_DATE_FIRST = re.compile(_DATE + r"(?:\s*(?:[,|-]|lúc)?\s*" + _TIME + r")?", re.I)


_YEAR = re.compile(r"\d{4}")  # both forms need one: most lines are ruled out by it alone


def parse_vn_datetime(text: str) -> str | None:
    """First date (with its time, when given) in `text`, as YYYY-MM-DDTHH:MM:SS+07:00."""
    if not _YEAR.search(text):
        return None
    found = []
    for pattern in (_TIME_FIRST, _DATE_FIRST):
        match = pattern.search(text)
        if match:
            found.append(match)
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    parts = match.groupdict()
    hour = int(parts.get("h") or 0)
    minute = int(parts.get("mi") or 0)
    if (parts.get("ampm") or "").upper() in ("PM", "CH") and hour < 12:
        hour += 12
    try:
        moment = datetime(int(parts["y"]), int(parts["mo"]), int(parts["d"]), hour, minute)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S+07:00")


def looks_like_date_line(text: str) -> bool:
    """A short line that is mostly a date: the date line under a title, not a sentence citing one."""
    return len(text) <= 80 and parse_vn_datetime(text) is not None and text.count(" ") <= 8
