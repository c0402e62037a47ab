"""Promise lines: `Next update: <time>` and `Expected restore: <time>` in an update, what
customers were told at that moment, and their agreement with the front matter's promises."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from statusgen.model import Update
from statusgen.problems import Problems, TimeError
from statusgen.source.body import FENCE
from statusgen.source.times import parse_time_noted

NEXT, RESTORE = "Next update", "Expected restore"
# `**Next update:** 15:10 UTC` and `Next update: by 15:10 UTC` are how people write it too.
# `**Next update: 15:10 UTC**`, the whole line in bold, is too: its closing mark is dropped.
_LINE = re.compile(
    r"^ {0,3}(?P<mark>[*_]{0,2})(?P<key>next\s+update|expected\s+restore)"
    r"\s*(?:(?P=mark)\s*:|:\s*(?P=mark)|:(?P<whole>))"
    r"\s*(?:(?:by|at)\s+)?(?P<value>.*?)\s*$",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"<!--.*?-->")
# `in 30 minutes`, `in 2 hours`, `in an hour`: from the update's own time.
_IN = re.compile(
    r"^in\s+(?:(?P<number>\d{1,4})\s*(?P<unit>minutes?|mins?|m|hours?|hrs?|h)|(?P<hour>an\s+hour)"
    r"|(?P<half>half\s+an\s+hour))$",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)(?:\s*(?P<zone>\S+))?$")
# The same minute is agreement: lines are written to the minute, front matter to the second.
AGREEMENT = timedelta(seconds=60)


@dataclass(frozen=True)
class Promised:
    """An update's text without its promise lines, and the promises they made."""

    text: str
    next_update: datetime | None
    expected_restore: datetime | None
    next_update_line: int = 0
    expected_restore_line: int = 0


def take_promises(
    text: str,
    first_line: int,
    posted: datetime,
    zone: tzinfo,
    path: Path,
    problems: Problems,
    *,
    maintenance: bool = False,
) -> Promised:
    """Lift the promise lines out of an update's Markdown (never from inside a code block or
    an HTML comment, which customers do not read as promises), leaving blank lines so the rest
    keeps its file lines; `first_line` is the file line of the text's first line. A time of
    day alone means the update's own date, or the day after if that would come before the
    update. A maintenance promises its window, so its `Expected restore:` lines are dropped."""
    kept: list[str] = []
    found: dict[str, datetime] = {}
    lines: dict[str, int] = {}
    fence: str | None = None
    comment = False
    for offset, line in enumerate(text.split("\n")):
        fenced = FENCE.match(line) if not comment else None
        if fenced:
            marker = fenced.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
        was_comment = comment
        if fence is None and not fenced:
            visible = _COMMENT.sub("", line)
            comment = "-->" not in line if comment else "<!--" in visible
        match = _LINE.match(line) if fence is None and not fenced and not was_comment else None
        if match is None:
            kept.append(line)
            continue
        key = NEXT if match["key"].lower().startswith("next") else RESTORE
        number = first_line + offset
        kept.append("")
        if maintenance and key == RESTORE:
            problems.warning(
                path,
                number,
                f"`{RESTORE}:` is for incidents: a maintenance promises its window "
                "(`scheduled_end`), so this line is left out of the page, feeds and API",
            )
            continue
        if key in found:
            problems.error(
                path,
                number,
                f"a second `{key}:` line in one update: keep the one customers should rely on",
            )
            continue
        # A comment is invisible to customers, and a full stop ends the line as a sentence.
        value = _COMMENT.sub("", match["value"]).split("<!--")[0].strip()
        mark = match["mark"]
        if match["whole"] is not None and mark and value.endswith(mark):
            value = value.removesuffix(mark).strip()
        value = value.removesuffix(".").strip()
        moment = _promised_time(value, key, posted, zone, path, number, problems)
        if moment is not None:
            found[key], lines[key] = moment, number
    return Promised(
        "\n".join(kept),
        found.get(NEXT),
        found.get(RESTORE),
        lines.get(NEXT, 0),
        lines.get(RESTORE, 0),
    )


def _promised_time(
    value: str,
    key: str,
    posted: datetime,
    zone: tzinfo,
    path: Path,
    line: int,
    problems: Problems,
) -> datetime | None:
    example = f"`{key}: 15:10 UTC` or `{key}: 2026-11-20 15:10 UTC`"
    if not value:
        problems.error(path, line, f"`{key}:` has no time: write e.g. {example}")
        return None
    try:
        moment, note = _read(value, posted, zone)
    except TimeError as exc:
        problems.error(
            path,
            line,
            f"`{key}: {value}`: {exc}. A promise line needs a time customers can hold us to, "
            f"e.g. {example}; say anything vaguer in a sentence",
        )
        return None
    if note is not None:
        problems.warning(path, line, f"`{key}:`: {note}")
    if moment < posted - AGREEMENT:
        problems.error(
            path,
            line,
            f"`{key}: {value}` is before the update it is written in: a promise is about "
            "what comes later; check the date",
        )
        return None
    return moment


def read_promised(value: str, posted: datetime, zone: tzinfo) -> datetime:
    """A promised time as written on a promise line or typed after `--estimate`."""
    return _read(value, posted, zone)[0]


def _read(value: str, posted: datetime, zone: tzinfo) -> tuple[datetime, str | None]:
    after = _IN.match(value)
    if after is not None:
        if after["hour"] or after["half"]:
            return posted + timedelta(minutes=60 if after["hour"] else 30), None
        hours = after["unit"].lower().startswith("h")
        return posted + timedelta(**{"hours" if hours else "minutes": int(after["number"])}), None
    clock = _CLOCK.match(value)
    if clock is None:
        return parse_time_noted(value, zone)
    # A time of day alone: the update's date, in the zone the promise is written in.
    written_zone = clock["zone"]
    try:
        probe, _ = parse_time_noted(f"{posted:%Y-%m-%d} {value}", zone)
    except TimeError:
        raise TimeError(f"`{value}` is not a time of day") from None
    local_day = posted.astimezone(probe.tzinfo).date() if written_zone else None
    day = local_day or posted.astimezone(zone).date()
    moment, note = parse_time_noted(f"{day:%Y-%m-%d} {value}", zone)
    if moment < posted - AGREEMENT:
        # In the hour the clocks go back, an update posted in the second pass means the
        # second pass: later today, not tomorrow. Only one reading fits, so no warning.
        second = moment.replace(fold=1)
        if second.utcoffset() != moment.utcoffset() and second >= posted - AGREEMENT:
            return second, None
        moment, note = parse_time_noted(f"{day + timedelta(days=1):%Y-%m-%d} {value}", zone)
    return moment, note


def standing(
    updates: list[Update],
    declared: datetime | None,
    declared_line: int,
    key: str,
    line_key: str,
    path: Path,
    problems: Problems,
) -> datetime | None:
    """The promise standing now: the front matter's `key`, which must agree with the newest
    update making that promise, or else is taken from it."""
    attribute = "next_update" if line_key == NEXT else "expected_restore"
    newest = next((u for u in updates if getattr(u, attribute) is not None), None)
    if newest is None:
        return declared
    promised: datetime = getattr(newest, attribute)
    if declared is None:
        return promised
    if abs(declared - promised) > AGREEMENT:
        problems.error(
            path,
            declared_line,
            f"`{key}:` and the newest `{line_key}:` line (in the update on line {newest.line}) "
            f"give different times: customers would read two promises. Make them the same, "
            f"or remove `{key}:` to take it from the update",
        )
        return declared
    # Within the minute they are one promise; the line's time is what customers read, and
    # the report must count it once.
    return promised
