"""Ninety days of history per component, computed at build time so no script is needed."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from statusgen.model import ComponentStatus, Incident, Site
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


@dataclass(frozen=True)
class Day:
    day: date
    status: ComponentStatus  # the worst state seen that day
    down_minutes: float  # weighted minutes counted as down
    incidents: tuple[Incident, ...]


@dataclass(frozen=True)
class Uptime:
    days: tuple[Day, ...]  # oldest first
    percent: float


def _intervals(
    site: Site, component_id: str, since: datetime
) -> list[tuple[datetime, datetime, ComponentStatus, Incident]]:
    found = []
    for incident in incidents_for(site, component_id):
        if incident.last_time <= since and incident.resolved is not None:
            continue  # over before the period began
        status = dict(incident.components).get(component_id)
        if status is None:
            continue
        if incident.is_maintenance:
            start, end = incident.scheduled_start, incident.scheduled_end
            assert start is not None and end is not None
            if incident.resolved is not None:
                end = min(end, incident.resolved)
        else:
            start, end = incident.started, incident.resolved or site.now
        end = min(end, site.now)
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


def uptime(site: Site, component_id: str) -> Uptime:
    zone = site.info.zone
    today = local_date(site.now, zone)
    first = today - timedelta(days=UPTIME_DAYS - 1)
    intervals = _intervals(site, component_id, day_start(first, zone))
    bounds = [day_start(first + timedelta(days=n), zone) for n in range(UPTIME_DAYS + 1)]
    # Each interval goes to the days it touches, rather than every day looking at every one.
    per_day: list[list[tuple[datetime, datetime, ComponentStatus, Incident]]] = [
        [] for _ in range(UPTIME_DAYS)
    ]
    for interval in intervals:
        start, end = interval[0], interval[1]
        first_day = max(bisect.bisect_right(bounds, start) - 1, 0)
        for offset in range(first_day, UPTIME_DAYS):
            if bounds[offset] >= end:
                break
            per_day[offset].append(interval)
    days, down, counted = [], 0.0, 0.0
    for offset in range(UPTIME_DAYS):
        day = first + timedelta(days=offset)
        lo, hi = bounds[offset], min(bounds[offset + 1], site.now)
        touching = [
            (max(s, lo), min(e, hi), st, i) for s, e, st, i in per_day[offset] if s < hi and e > lo
        ]
        seconds = _weighted_seconds([(s, e, DOWNTIME_WEIGHT[st]) for s, e, st, _ in touching])
        down += seconds
        counted += max((hi - lo).total_seconds(), 0.0)
        incidents = tuple(dict.fromkeys(i for *_, i in touching))
        days.append(Day(day, worst([st for _, _, st, _ in touching]), seconds / 60, incidents))
    percent = 100.0 * (1 - down / counted) if counted else 100.0
    return Uptime(tuple(days), percent)
