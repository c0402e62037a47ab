"""Ninety days of history per component, computed at build time so no script is needed.

Uptime is only claimed for days the site has records of: days before its history begins
(`[site] since`, else its first incident or maintenance) are "no data", never 100%."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from statusgen.model import ComponentStatus, Incident, Site
from statusgen.problems import Problems
from statusgen.state.clock import day_start, local_date
from statusgen.state.status import incidents_for, worst

UPTIME_DAYS = 90
# How much of a minute in each state counts as down; the rule is printed on component pages.
DOWNTIME_WEIGHT = {
    ComponentStatus.MAJOR_OUTAGE: 1.0,
    ComponentStatus.PARTIAL_OUTAGE: 0.3,
    ComponentStatus.DEGRADED_PERFORMANCE: 0.0,
    ComponentStatus.UNDER_MAINTENANCE: 0.0,
    ComponentStatus.OPERATIONAL: 0.0,
}

Interval = tuple[datetime, datetime, ComponentStatus, Incident]


@dataclass(frozen=True)
class Day:
    day: date
    status: ComponentStatus  # the worst state seen that day
    down_minutes: float  # weighted minutes counted as down
    incidents: tuple[Incident, ...]
    recorded: bool = True  # False: before the site's history begins, shown as "no data"

    @property
    def down(self) -> timedelta:
        return timedelta(minutes=self.down_minutes)

    @property
    def troubled(self) -> bool:
        """A recorded day that was not fully operational: the page lists it in words."""
        return self.recorded and self.status is not ComponentStatus.OPERATIONAL


@dataclass(frozen=True)
class Uptime:
    days: tuple[Day, ...]  # oldest first
    percent: float | None  # over the recorded days only; None while no day is recorded
    begins: date | None  # the first day of the site's history; None: it has none yet

    @property
    def recorded(self) -> int:
        return sum(d.recorded for d in self.days)

    @property
    def unrecorded(self) -> int:
        return len(self.days) - self.recorded

    @property
    def troubled(self) -> tuple[Day, ...]:
        """The days not fully operational, newest first: what a reader looks for."""
        return tuple(d for d in reversed(self.days) if d.troubled)


def _first_day(site: Site) -> date:
    return local_date(site.now, site.info.zone) - timedelta(days=UPTIME_DAYS - 1)


def _span(incident: Incident, now: datetime) -> tuple[datetime, datetime]:
    """When it affected its components, as far as `now` knows."""
    if incident.is_maintenance:
        start, end = incident.scheduled_start, incident.scheduled_end
        assert start is not None and end is not None
        if incident.resolved is not None:
            end = min(end, incident.resolved)
    else:
        start, end = incident.started, incident.resolved or now
    return start, min(end, now)


def _intervals(site: Site, component_id: str, since: datetime) -> list[Interval]:
    found = []
    for incident in incidents_for(site, component_id):
        if incident.last_time <= since and incident.resolved is not None:
            continue  # over before the period began
        status = dict(incident.components).get(component_id)
        if status is None:
            continue
        start, end = _span(incident, site.now)
        if end > since and start < end:
            found.append((start, end, status, incident))
    return found


def _weighted_seconds(spans: list[tuple[datetime, datetime, float]]) -> float:
    """Seconds of downtime where spans overlap: the heaviest state counts, once."""
    edges = sorted({t for s, e, _ in spans for t in (s, e)})
    total = 0.0
    for left, right in itertools.pairwise(edges):
        weight = max((w for s, e, w in spans if s <= left and e >= right), default=0.0)
        total += weight * (right - left).total_seconds()
    return total


def _per_day(intervals: list[Interval], bounds: list[datetime]) -> list[list[Interval]]:
    """Each interval goes to the days it touches, rather than every day looking at every one."""
    per_day: list[list[Interval]] = [[] for _ in range(UPTIME_DAYS)]
    for interval in intervals:
        start, end = interval[0], interval[1]
        first_day = max(bisect.bisect_right(bounds, start) - 1, 0)
        for offset in range(first_day, UPTIME_DAYS):
            if bounds[offset] >= end:
                break
            per_day[offset].append(interval)
    return per_day


def uptime(site: Site, component_id: str) -> Uptime:
    zone = site.info.zone
    first = _first_day(site)
    begins = site.history_begins
    # The day the history begins counts from its midnight: a day is recorded whole or not at all.
    begins_day = local_date(begins, zone) if begins is not None else None
    bounds = [day_start(first + timedelta(days=n), zone) for n in range(UPTIME_DAYS + 1)]
    per_day = _per_day(_intervals(site, component_id, bounds[0]), bounds)
    days, down, counted = [], 0.0, 0.0
    for offset in range(UPTIME_DAYS):
        day = first + timedelta(days=offset)
        lo, hi = bounds[offset], min(bounds[offset + 1], site.now)
        touching = [
            (max(s, lo), min(e, hi), st, i) for s, e, st, i in per_day[offset] if s < hi and e > lo
        ]
        seconds = _weighted_seconds([(s, e, DOWNTIME_WEIGHT[st]) for s, e, st, _ in touching])
        recorded = begins_day is not None and day >= begins_day
        if recorded:
            down += seconds
            counted += max((hi - lo).total_seconds(), 0.0)
        incidents = tuple(dict.fromkeys(i for *_, i in touching))
        status = worst([st for _, _, st, _ in touching])
        days.append(Day(day, status, seconds / 60, incidents, recorded))
    percent = 100.0 * (1 - down / counted) if counted else None
    return Uptime(tuple(days), percent, begins_day)


def history_warnings(site: Site, problems: Problems) -> None:
    """Incidents on days the bars show as "no data" because `[site] since` is later: either
    `since` is wrong, or the page hides an outage it knows of."""
    since = site.info.since
    if since is None:
        return
    zone = site.info.zone
    start = day_start(_first_day(site), zone)
    end = min(day_start(local_date(since, zone), zone), site.now)
    if end <= start:
        return  # every day of the bars is on record
    for incident in site.incidents:
        # A draft is never published, and an incident that changed no component's status would
        # not show on the bars: neither is hidden from customers.
        if incident.draft or all(s is ComponentStatus.OPERATIONAL for _, s in incident.components):
            continue
        began, ended = _span(incident, site.now)
        if began < end and ended > start:
            problems.warning(
                incident.path,
                1,
                f"it falls before `[site] since` ({local_date(since, zone).isoformat()}) in "
                "statusgen.toml, so the uptime bars show its days as no data: if the site's "
                "history includes it, move `since` back",
            )
