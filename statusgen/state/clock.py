"""Time and the site: days in the site's zone, when a page stops changing, when the pages would
next read differently with no file changed, and times that look wrong only against `now`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from statusgen.model import Incident, Site
from statusgen.problems import Problems

# While something is open its page says "ongoing for …": redraw it now and then.
OPEN_REFRESH = timedelta(minutes=5)


def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def month_start(moment: datetime, zone: tzinfo) -> date:
    """The first day of the month `moment` falls in, in the site's zone."""
    local = moment.astimezone(zone)
    return date(local.year, local.month, 1)


def settled_at(incident: Incident) -> datetime | None:
    """From when nothing about the incident depends on the clock: it is over, and every time
    it names has passed. None while it is open."""
    if incident.resolved is None:
        return None
    # A second past the last time, so `time < clock` reads the same as `time < now` after it.
    return incident.last_time + timedelta(seconds=1)


def page_clock(incidents: Iterable[Incident], now: datetime) -> tuple[datetime, bool]:
    """The clock a page about only these incidents is drawn at, and whether it still runs.

    Once all of them are settled the page stops at the last settling moment, and every
    comparison with the clock reads as it would at `now`: the page stays byte for byte the
    same from then on, so it need never be drawn again.
    """
    moments = [settled_at(i) for i in incidents]
    if not moments or any(m is None or m > now for m in moments):
        return now, True
    return max(m for m in moments if m is not None), False


def next_change(site: Site) -> datetime:
    """The next moment the pages would read differently with no file changed: a window opens
    or closes, a promise falls due, a page settles, or the day changes."""
    now = site.now
    zone = site.info.zone
    tomorrow = local_date(now, zone) + timedelta(days=1)
    moments = [day_start(tomorrow, zone)]
    for incident in site.unsettled:
        if incident.resolved is None:
            moments.append(now + OPEN_REFRESH)
        named = [
            incident.started,
            incident.resolved,
            incident.estimated_restore,
            incident.pending_next_update,
            incident.scheduled_start,
            incident.scheduled_end,
            settled_at(incident),
            *(u.time for u in incident.updates),
        ]
        moments += [t for t in named if t is not None and t >= now]
    # Comparisons with the clock are strict: a promise made for 15:00 is overdue after it.
    return min(moments) + timedelta(seconds=1)


def clock_warnings(site: Site, problems: Problems) -> None:
    """Times that are only wrong at `now`: usually a typo in the date."""
    soon = site.now + timedelta(minutes=5)
    for incident in site.unsettled:
        for update in incident.updates:
            if update.time > soon and not update.derived:
                problems.warning(
                    incident.path,
                    update.line,
                    "this update is dated in the future; it will be shown as the newest until then",
                )
        if incident.resolved is not None and incident.resolved > soon:
            key = "completed" if incident.is_maintenance else "resolved"
            problems.warning(
                incident.path,
                1,
                f"it is {key} in the future, which the page already states as done: check the date",
            )
        if not incident.is_maintenance and incident.started > soon:
            problems.warning(
                incident.path,
                1,
                "`started` is in the future; the incident is not shown as current until then",
            )
