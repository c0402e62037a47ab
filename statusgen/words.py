"""How times, durations and promises read to a customer. No time is shown without its zone."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, tzinfo

from statusgen.model import Incident


@functools.lru_cache(maxsize=4096)  # a page names the same few moments many times
def show_time(moment: datetime, zone: tzinfo) -> str:
    """`20 Nov 2026, 15:31 CET`."""
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M} {local:%Z}"


def duration(span: timedelta) -> str:
    """`1 hour 25 minutes`; rounded to the minute, never shown as zero."""
    minutes = max(round(span.total_seconds() / 60), 1)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words[:2])


def promise(incident: Incident, zone: tzinfo) -> str | None:
    """Promise against delivery, told plainly either way."""
    promised = incident.promised_restore
    if promised is None:
        return None
    what = "the end of the announced window" if incident.is_maintenance else "our estimate"
    done = "Completed" if incident.is_maintenance else "Restored"
    margin = incident.restore_margin
    if margin is None:
        return None
    if abs(margin) < timedelta(minutes=1):
        return f"{done} at {what}, as promised."
    if margin > timedelta(0):
        return f"{done} {duration(margin)} before {what} ({show_time(promised, zone)})."
    return f"{done} {duration(-margin)} after {what} ({show_time(promised, zone)})."
