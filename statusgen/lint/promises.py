"""Promises written in prose ("our next update will be at 18:00"): found, and turned into the
moment they fall due, so that the coach holds an incident to them like to `next_update:`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:([:h.])(\d{2}))?(?![\d:]|\.\d)\s*(am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*\(?((?-i:[A-Z]{1,5}))\b\)?)?",
    re.IGNORECASE,
)
# A day named besides the time: reading it right needs a calendar, so nothing is guessed.
_DAY = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    r"\b(?:in|within|about|around|approximately|roughly|the next|another|under|less than|"
    r"no later than|after|over)\s+(?:the next\s+|about\s+|around\s+|roughly\s+|another\s+)?"
    r"(\d+|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty-five|sixty|ninety|"
    r"half an?)\s*(minutes?|mins?|hours?|hrs?|h)\b",
    re.IGNORECASE,
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}
# Zones people write after a time of day; anything else is read in the site's zone.
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "IST": 330,
    "SGT": 480,
    "JST": 540,
    "AEST": 600,
    "AEDT": 660,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}


def promised_time(sentence: str, written: datetime, zone: tzinfo, near: int = 0) -> datetime | None:
    """When a promise in `sentence`, written at `written`, falls due; None when it names no time
    that can be read without guessing. Of several times, the one after `near` (where the
    promise's words are) is taken: "restored in 20 minutes; next update at 18:00" means 18:00."""
    if _DAY.search(sentence):
        return None
    found: list[tuple[int, datetime | None]] = []
    for span in _SPAN.finditer(sentence):
        count, unit = span.group(1).lower(), span.group(2).lower()
        amount = 0.5 if count.startswith("half") else _NUMBERS.get(count) or int(count)
        minutes = amount * (60 if unit.startswith("h") else 1)
        found.append((span.start(), written + timedelta(minutes=minutes)))
    for hour in re.finditer(r"\bwithin the hour\b", sentence, re.IGNORECASE):
        found.append((hour.start(), written + timedelta(hours=1)))
    for clock in _CLOCK.finditer(sentence):
        found.append((clock.start(), _clock(clock, sentence, written, zone)))
    # The first time after the promise's words ("next update at 18:00"), else the last before.
    after = sorted((at, due) for at, due in found if at >= near)
    before = sorted((at, due) for at, due in found if at < near)
    chosen = after[0] if after else before[-1] if before else None
    return chosen[1] if chosen else None


def _clock(clock: re.Match[str], sentence: str, written: datetime, zone: tzinfo) -> datetime | None:
    hour, mark, minute = int(clock.group(1)), clock.group(2), int(clock.group(3) or 0)
    half = (clock.group(4) or "").lower().replace(".", "")
    named = clock.group(5)
    if mark is None and not half:
        return None  # a bare number is not a time
    if mark == "." and not half and named is None:
        return None  # "version 2.10" is not ten past two
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    if named is not None and named.upper() not in _ZONES:
        return None  # a zone it does not know ("ET") is not guessed
    offset = _ZONES.get((named or "").upper())
    where = timezone(timedelta(minutes=offset)) if offset is not None else zone
    local = written.astimezone(where)
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if re.search(r"\btomorrow\b", sentence, re.IGNORECASE) or due < local - timedelta(minutes=1):
        due += timedelta(days=1)
    return due.astimezone(UTC)
