"""What the site says at `now`: derived from the model and the clock, with no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from statusgen.model import Component, ComponentStatus, Incident, Kind, Site, UpdateStatus
from statusgen.problems import Problems

RECENT_DAYS = 7
UPTIME_DAYS = 90
# How much of a minute in each state counts as down; the rule is printed on component pages.
DOWNTIME_WEIGHT = {
    ComponentStatus.MAJOR_OUTAGE: 1.0,
    ComponentStatus.PARTIAL_OUTAGE: 0.3,
    ComponentStatus.DEGRADED_PERFORMANCE: 0.0,
    ComponentStatus.UNDER_MAINTENANCE: 0.0,
    ComponentStatus.OPERATIONAL: 0.0,
}


def uptime_rule() -> str:
    """The counting rule in words, made from the weights so the page cannot drift from them."""
    parts = []
    for state, weight in DOWNTIME_WEIGHT.items():
        if state is ComponentStatus.OPERATIONAL:
            continue
        share = "up" if weight == 0 else "down" if weight == 1 else f"{weight:.0%} down"
        parts.append(f"{state.label.lower()} counts as {share}")
    return "How we count uptime: time in " + "; ".join(parts) + "."


class Window(StrEnum):
    """Where a maintenance stands against its announced window."""

    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERRUN = "overrun"  # the window has ended but nobody has confirmed the work is complete


def window(incident: Incident, now: datetime) -> Window:
    if incident.resolved is not None and incident.resolved <= now:
        return Window.COMPLETED
    assert incident.scheduled_start is not None and incident.scheduled_end is not None
    if now < incident.scheduled_start:
        return Window.UPCOMING
    return Window.IN_PROGRESS if now < incident.scheduled_end else Window.OVERRUN


def is_active(incident: Incident, now: datetime) -> bool:
    """Does it change any component's status at `now`?"""
    if incident.is_maintenance:
        return window(incident, now) is Window.IN_PROGRESS
    return incident.resolved is None and incident.started <= now


def is_overdue(incident: Incident, now: datetime) -> bool:
    """A promised update time has passed with no update."""
    promised = incident.pending_next_update
    return promised is not None and promised < now and not incident.is_resolved


def estimate_passed(incident: Incident, now: datetime) -> bool:
    """The promised restore time has passed and service is not restored."""
    promised = incident.estimated_restore
    return promised is not None and promised < now and not incident.is_resolved


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


# While something is open its page says "ongoing for …": redraw it now and then.
OPEN_REFRESH = timedelta(minutes=5)


def next_change(site: Site) -> datetime:
    """The next moment the pages would read differently with no file changed: a window opens
    or closes, a promise falls due, a page settles, or the day changes."""
    now = site.now
    zone = site.config.zone
    tomorrow = local_date(now, zone) + timedelta(days=1)
    moments = [day_start(tomorrow, zone)]
    for incident in site.unsettled:
        if incident.resolved is None:
            moments.append(now + OPEN_REFRESH)
        named = [incident.started, incident.resolved, incident.estimated_restore,
                 incident.pending_next_update, incident.scheduled_start, incident.scheduled_end,
                 settled_at(incident), *(u.time for u in incident.updates)]
        moments += [t for t in named if t is not None and t >= now]
    # Comparisons with the clock are strict: a promise made for 15:00 is overdue after it.
    return min(moments) + timedelta(seconds=1)


def component_statuses(site: Site) -> dict[str, ComponentStatus]:
    statuses = {c.id: ComponentStatus.OPERATIONAL for c in site.config.components}
    for incident in active(site):
        for component_id, status in incident.components:
            if status.severity > statuses[component_id].severity:
                statuses[component_id] = status
    return statuses


def worst(statuses: list[ComponentStatus]) -> ComponentStatus:
    return max(statuses, key=lambda s: s.severity, default=ComponentStatus.OPERATIONAL)


def active(site: Site) -> list[Incident]:
    """Incidents and maintenance affecting customers now, most severe first."""
    found = [i for i in site.unsettled if is_active(i, site.now)]
    return sorted(found, key=lambda i: (i.is_maintenance, -_severity(i), i.started))


def unresolved(site: Site) -> list[Incident]:
    return [i for i in site.unsettled if not i.is_maintenance and not i.is_resolved]


def upcoming(site: Site) -> list[Incident]:
    found = [i for i in site.unsettled
             if i.is_maintenance and window(i, site.now) is Window.UPCOMING]
    return sorted(found, key=lambda i: i.started)


def _severity(incident: Incident) -> int:
    return worst([s for _, s in incident.components]).severity


@dataclass(frozen=True)
class Overall:
    status: ComponentStatus
    headline: str
    indicator: str  # Statuspage's none | minor | major | critical | maintenance
    others: tuple[str, ...] = ()  # lesser problems elsewhere, e.g. "Degraded performance: Search"


def overall(site: Site) -> Overall:
    statuses = component_statuses(site)
    status = worst(list(statuses.values()))
    if status is ComponentStatus.OPERATIONAL:
        incidents = [i for i in active(site) if not i.is_maintenance]
        if incidents:
            return Overall(status, "All systems operational; we are looking into a report",
                           "minor")
        return Overall(status, "All systems operational", "none")
    names = [c.name for c in site.config.components if statuses[c.id] is status]
    headline = f"{status.label} affecting {_join(names)}"
    if status is ComponentStatus.UNDER_MAINTENANCE:
        headline = f"Scheduled maintenance in progress for {_join(names)}"
    indicator = {
        ComponentStatus.UNDER_MAINTENANCE: "maintenance",
        ComponentStatus.DEGRADED_PERFORMANCE: "minor",
        ComponentStatus.PARTIAL_OUTAGE: "major",
        ComponentStatus.MAJOR_OUTAGE: "critical",
    }[status]
    others = []
    for lesser in sorted(set(statuses.values()) - {status, ComponentStatus.OPERATIONAL},
                         key=lambda s: -s.severity):
        affected = [c.name for c in site.config.components if statuses[c.id] is lesser]
        others.append(f"{lesser.label}: {_join(affected)}")
    return Overall(status, headline, indicator, tuple(others))


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class Group:
    name: str | None
    components: tuple[Component, ...]
    status: ComponentStatus


def groups(site: Site, statuses: dict[str, ComponentStatus]) -> list[Group]:
    """Components by group, in the order the configuration first names each group."""
    order: dict[str | None, list[Component]] = {}
    for component in site.config.components:
        order.setdefault(component.group, []).append(component)
    return [
        Group(name, tuple(members), worst([statuses[c.id] for c in members]))
        for name, members in order.items()
    ]


def incidents_for(site: Site, component_id: str) -> list[Incident]:
    return list(site.by_component.get(component_id, ()))



def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def recent_days(site: Site) -> list[tuple[date, list[Incident]]]:
    """The last week, day by day, with what began that day (empty days included)."""
    zone = site.config.zone
    today = local_date(site.now, zone)
    days = [today - timedelta(days=n) for n in range(RECENT_DAYS)]
    by_day: dict[date, list[Incident]] = {d: [] for d in days}
    for incident in site.incidents:
        if incident.started > site.now:
            continue
        day = local_date(incident.started, zone)
        if day in by_day:
            by_day[day].append(incident)
    return [(d, by_day[d]) for d in days]


def clock_warnings(site: Site, problems: Problems) -> None:
    """Times that are only wrong at `now`: usually a typo in the date."""
    soon = site.now + timedelta(minutes=5)
    for incident in site.unsettled:
        for update in incident.updates:
            if update.time > soon and not update.derived:
                problems.warning(incident.path, update.line, "this update is dated in the "
                                 "future; it will be shown as the newest until then")
        if incident.resolved is not None and incident.resolved > soon:
            key = "completed" if incident.is_maintenance else "resolved"
            problems.warning(incident.path, 1, f"it is {key} in the future, which the page "
                             "already states as done: check the date")
        if not incident.is_maintenance and incident.started > soon:
            problems.warning(incident.path, 1, "`started` is in the future; the incident is "
                             "not shown as current until then")


def phase_label(incident: Incident, now: datetime) -> str:
    """The state in words; a maintenance follows its window unless an update says more."""
    if not incident.is_maintenance:
        return incident.phase.label
    state = window(incident, now)
    if state is Window.IN_PROGRESS:
        return "Verifying" if incident.phase is UpdateStatus.VERIFYING else "In progress"
    return {Window.UPCOMING: "Scheduled", Window.COMPLETED: "Completed",
            Window.OVERRUN: "Window ended, completion not yet confirmed"}[state]


def kind_label(incident: Incident) -> str:
    return "Maintenance" if incident.kind is Kind.MAINTENANCE else "Incident"
