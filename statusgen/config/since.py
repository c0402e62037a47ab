"""`[site] since`: when the site's history begins, so uptime before it says "no data"."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from statusgen.config.keys import KeyLines, TextReader
from statusgen.problems import Problems

# The years a status page reads times from (as `source.times` does for incident files): every
# day derived from `since`, ninety days of bars included, must still exist.
_FIRST_YEAR, _LAST_YEAR = 1970, 2999
_EXAMPLE = (
    '`since = "2026-03-01"` (a day, read in the site\'s timezone) '
    'or a time such as `since = "2026-03-01T09:00:00+01:00"`'
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")


def read_since(
    path: Path, site: dict[str, Any], zone: ZoneInfo, lines: KeyLines, problems: Problems
) -> datetime | None:
    """The moment the site's history begins; a day means its first moment in the site's zone."""
    value = site.get("since")
    if value is None:
        return None
    line = lines.of("site", "since")
    if isinstance(value, str):
        text = TextReader(path, site, "site", lines, problems).get("since")
        if not value.strip():
            problems.error(path, line, f"`since` is empty: {_ask()}")
        if not text:
            return None  # empty, or already reported (a line break)
        value = _parse(text)
        if value is None:
            problems.error(path, line, f"`since` = `{text}` is not a date or a time: {_ask()}")
            return None
    elif isinstance(value, time) or not isinstance(value, date):
        # A TOML time of day, a number or a list: nothing says which day is meant.
        problems.error(path, line, f"`since` = `{value}` is not a date: {_ask()}")
        return None
    moment = _moment(value, zone)
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        problems.error(
            path,
            line,
            f"`since` = `{value}` is in the year {moment.year}: a status page's history lies "
            f"between {_FIRST_YEAR} and {_LAST_YEAR}; check the year, e.g. {_EXAMPLE}",
        )
        return None
    return moment


def _ask() -> str:
    return f"write the day the site's history begins, e.g. {_EXAMPLE}"


def _parse(text: str) -> date | datetime | None:
    """`2026-03-01`, or a time in ISO 8601 (`2026-03-01T09:00:00Z`, `2026-03-01 09:00`)."""
    try:
        if _DAY.fullmatch(text):
            return date.fromisoformat(text)
        if _MOMENT.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:  # a month 13 or a 30 February
        return None
    return None


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A day starts at its midnight in the site's zone; a time without a zone is read there."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)
