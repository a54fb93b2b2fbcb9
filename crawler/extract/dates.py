"""Vietnamese date lines as portals print them, to ISO 8601 in Vietnam's time zone (+07:00)."""

from __future__ import annotations

import re
from datetime import datetime

_TIME = r"(?P<h>\d{1,2})\s*[:hg]\s*(?P<mi>\d{2})(?:\s*:\s*\d{2})?(?:\s*(?P<ampm>AM|PM|SA|CH))?"
_DATE = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<mo>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
# The long Vietnamese form: "ngày 28 tháng 6 năm 2023", "28 tháng 06, 2023".
_DATE_WORDS = r"(?P<d>\d{1,2})\s+tháng\s+(?P<mo>\d{1,2})\s*(?:năm|,|/)?\s*(?P<y>\d{4})"
# ISO order, as CMSs print it and as <time datetime> carries it: 2023-06-28 15:30, 2023-06-28T15:30.
_DATE_ISO = r"(?P<y>\d{4})\s*[-/.]\s*(?P<mo>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d])"
_SEP = r"(?:\s*(?:[,|-]|lúc|vào lúc|T)?\s*)"
_TIME_FIRST = re.compile(_TIME + r"\s*(?:[,|-]\s*)?(?:ngày\s*)?" + _DATE, re.I)
_DATE_FIRST = re.compile(_DATE + r"(?:\s*(?:[,|-]|lúc)?\s*" + _TIME + r")?", re.I)
_TIME_FIRST_WORDS = re.compile(_TIME + r"\s*(?:[,|-]\s*)?(?:ngày\s*)?" + _DATE_WORDS, re.I)
_WORDS_FIRST = re.compile(_DATE_WORDS + r"(?:" + _SEP + _TIME + r")?", re.I)
_ISO_FIRST = re.compile(_DATE_ISO + r"(?:" + _SEP + _TIME + r")?", re.I)
_PATTERNS = (_TIME_FIRST, _DATE_FIRST, _TIME_FIRST_WORDS, _WORDS_FIRST, _ISO_FIRST)


_YEAR = re.compile(r"\d{4}")  # both forms need one: most lines are ruled out by it alone


def parse_vn_datetime(text: str) -> str | None:
    """First date (with its time, when given) in `text`, as YYYY-MM-DDTHH:MM:SS+07:00."""
    if not _YEAR.search(text):
        return None
    found = []
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            found.append(match)
    if not found:
        return None
    match = min(found, key=lambda m: (m.start(), -len(m.group(0))))
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
