"""Promises written in prose ("our next update will be at 18:00"): found, and turned into the
moment they fall due, so that the coach holds an incident to them like to `next_update:`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*\(?((?-i:[A-Z]{2,5}))\)?)?(?![\d:])",
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


def promised_time(sentence: str, written: datetime, zone: tzinfo) -> datetime | None:
    """When a promise in `sentence`, written at `written`, falls due; None when it names no time
    that can be read without guessing."""
    span = _SPAN.search(sentence)
    if span:
        count, unit = span.group(1).lower(), span.group(2).lower()
        amount = 0.5 if count.startswith("half") else _NUMBERS.get(count) or int(count)
        minutes = amount * (60 if unit.startswith("h") else 1)
        return written + timedelta(minutes=minutes)
    if re.search(r"\bwithin the hour\b", sentence, re.IGNORECASE):
        return written + timedelta(hours=1)
    for clock in _CLOCK.finditer(sentence):
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        half = (clock.group(3) or "").lower().replace(".", "")
        if clock.group(2) is None and not half:
            continue  # a bare number is not a time
        if half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        named = _ZONES.get((clock.group(4) or "").upper())
        where = timezone(timedelta(minutes=named)) if named is not None else zone
        local = written.astimezone(where)
        due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if re.search(r"\btomorrow\b", sentence, re.IGNORECASE) or due < local - timedelta(
            minutes=1
        ):
            due += timedelta(days=1)
        return due.astimezone(UTC)
    return None
