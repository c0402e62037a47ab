"""Reading times as support staff write them, and the clock a build runs at."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from statusgen.problems import TimeError

_ZONE_WORDS = {"Z": "+00:00", "UTC": "+00:00", "GMT": "+00:00"}
_WRITTEN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ]+(?P<clock>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[A-Za-z_]+/[A-Za-z_/+-]+|[A-Z]{3,5})?$",
    re.IGNORECASE,
)
# The years a status page can mean. Far enough from datetime's own limits (1 and 9999) that
# every time derived from one (another zone, a day later, ninety days of uptime) still exists.
FIRST_YEAR, LAST_YEAR = 1970, 2999
_DURATION = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?$", re.IGNORECASE)


def parse_time(text: str, zone: tzinfo) -> datetime:
    """Read `2026-11-20T14:02:00Z`, `2026-11-20 14:02 UTC`, `... +01:00` or a bare local time."""
    return parse_time_noted(text, zone)[0]


def parse_time_noted(text: str, zone: tzinfo) -> tuple[datetime, str | None]:
    """`parse_time`, and a note when a local time fell in a daylight-saving change: an hour
    that never happened, or one that happened twice. Either is read, and the note says how."""
    moment = _parse(text, zone)
    written = text.strip()
    match = _WRITTEN.match(written)
    zone_text = match["zone"] if match else None
    if zone_text is not None and "/" not in zone_text:
        return moment, None  # an offset, UTC, or an abbreviation that names its side
    return moment, _daylight_saving(moment)


def _daylight_saving(moment: datetime) -> str | None:
    first, second = moment.replace(fold=0), moment.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    utc = first.astimezone(UTC)
    actual = utc.astimezone(first.tzinfo)
    local = f"{first:%Y-%m-%d %H:%M}"
    if actual.replace(tzinfo=None) != first.replace(tzinfo=None):
        return (
            f"{local} did not happen in {first.tzinfo} (the clocks went forward); it "
            f"was read as {utc:%H:%M} UTC ({actual:%H:%M %Z}): write it with an offset, "
            f"e.g. `{local} {_offset(second)}`, to be sure"
        )
    return (
        f"{local} happened twice in {first.tzinfo} (the clocks went back); the first "
        f"was taken, {utc:%H:%M} UTC ({first:%H:%M %Z}): for the second, write "
        f"`{local} {_offset(second)}`"
    )


def _offset(moment: datetime) -> str:
    """`+01:00`."""
    text = moment.isoformat()
    return text[-6:] if text[-6] in "+-" else "+00:00"


_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*\S+)?")


def _parse(text: str, zone: tzinfo) -> datetime:
    written = text.strip()
    match = _WRITTEN.match(written)
    if match is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
            raise TimeError(f"`{written}` has a date but no time; write e.g. `{written}T14:00:00Z`")
        if _CLOCK_ONLY.fullmatch(written):
            raise TimeError(
                f"`{written}` has a time but no date; write the date first, "
                f"e.g. `2026-11-20 {written}`"
            )
        raise TimeError(f"`{written}` is not a time; write e.g. `2026-11-20T14:02:00Z`")
    clock = match["clock"]
    if len(clock.split(":")[0]) == 1:
        clock = "0" + clock
    zone_text = match["zone"]
    try:
        moment = datetime.fromisoformat(f"{match['date']}T{clock}")
    except ValueError as exc:
        raise TimeError(f"`{written}` is not a real date and time ({exc})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise TimeError(
            f"`{written}` is in the year {moment.year}: a status page reads times from "
            f"{FIRST_YEAR} to {LAST_YEAR}; check the year"
        )
    if zone_text is None:
        return moment.replace(tzinfo=zone)
    if "/" in zone_text:
        try:
            return moment.replace(tzinfo=ZoneInfo(zone_text))
        except (ZoneInfoNotFoundError, ValueError):
            raise TimeError(f"`{zone_text}` is not a known time zone") from None
    if zone_text.isalpha() and zone_text.upper() not in _ZONE_WORDS:
        return _abbreviated(moment, zone_text, zone)
    offset = _ZONE_WORDS.get(zone_text.upper(), zone_text)
    if ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    try:
        return datetime.fromisoformat(moment.isoformat() + offset)
    except ValueError as exc:
        raise TimeError(f"`{written}` has an impossible offset ({exc})") from None


def _abbreviated(moment: datetime, abbreviation: str, zone: tzinfo) -> datetime:
    """`15:31 CET` as the pages print it: accepted when it is the site zone's own name then."""
    for fold in (0, 1):
        local = moment.replace(tzinfo=zone, fold=fold)
        if local.tzname() == abbreviation:
            return local
    raise TimeError(
        f"`{abbreviation}` is not the site's time zone at that moment and could mean "
        "several; write an offset such as `+01:00`, or `UTC`"
    )


def parse_duration(text: str) -> timedelta:
    """Read `30m`, `1h`, `1h30m` or a bare number of minutes."""
    written = text.strip()
    if written.isdigit():
        return timedelta(minutes=int(written))
    match = _DURATION.match(written)
    if not written or match is None or not (match["h"] or match["m"]):
        raise TimeError(f"`{written}` is not a duration; write e.g. `30m`, `1h` or `1h30m`")
    try:
        span = timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0))
    except OverflowError:
        raise TimeError(f"`{written}` is far too long a time") from None
    if span > timedelta(days=366):
        raise TimeError(f"`{written}` is more than a year away")
    return span


def resolve_now(given: str | None, zone: tzinfo) -> datetime:
    """The build's clock: `--now`, else SOURCE_DATE_EPOCH, else the real clock."""
    if given:
        return parse_time(given, zone)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise TimeError(f"SOURCE_DATE_EPOCH=`{epoch}` is not a whole number of seconds")
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
        except (OverflowError, OSError, ValueError):
            moment = datetime.min.replace(tzinfo=UTC)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise TimeError(
                f"SOURCE_DATE_EPOCH=`{epoch}` is not a moment from {FIRST_YEAR} to {LAST_YEAR}"
            )
        return moment
    return datetime.now(UTC).replace(microsecond=0)
