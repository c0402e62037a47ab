"""What the site says at `now`: derived from the model and the clock, with no I/O and no words
(those are in `statusgen.words`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from statusgen.model import Component, ComponentStatus, Incident, Site, Window
from statusgen.state.clock import local_date

RECENT_DAYS = 7


def window(incident: Incident, now: datetime) -> Window:
    if incident.resolved is not None and incident.resolved <= now:
        return Window.COMPLETED
    assert incident.scheduled_start is not None and incident.scheduled_end is not None
    if now < incident.scheduled_start:
        return Window.UPCOMING
    return Window.IN_PROGRESS if now < incident.scheduled_end else Window.OVERRUN


def maintenance_window(incident: Incident, now: datetime) -> Window | None:
    """The window a maintenance is in; None for an incident, which has none."""
    return window(incident, now) if incident.is_maintenance else None


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


def component_statuses(site: Site) -> dict[str, ComponentStatus]:
    statuses = {c.id: ComponentStatus.OPERATIONAL for c in site.info.components}
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
    found = [
        i for i in site.unsettled if i.is_maintenance and window(i, site.now) is Window.UPCOMING
    ]
    return sorted(found, key=lambda i: i.started)


def _severity(incident: Incident) -> int:
    return worst([s for _, s in incident.components]).severity


@dataclass(frozen=True)
class Overall:
    """The state of the whole site: the worst status, what it affects, and lesser ones."""

    status: ComponentStatus
    affected: tuple[str, ...]  # names of the components in the worst status
    reported: bool  # an incident is open though no component is affected
    others: tuple[tuple[ComponentStatus, tuple[str, ...]], ...] = ()  # worst first


def overall(site: Site) -> Overall:
    statuses = component_statuses(site)
    status = worst(list(statuses.values()))

    def named(state: ComponentStatus) -> tuple[str, ...]:
        return tuple(c.name for c in site.info.components if statuses[c.id] is state)

    if status is ComponentStatus.OPERATIONAL:
        reported = any(not i.is_maintenance for i in active(site))
        return Overall(status, (), reported)
    lesser = sorted(
        set(statuses.values()) - {status, ComponentStatus.OPERATIONAL}, key=lambda s: -s.severity
    )
    return Overall(status, named(status), False, tuple((s, named(s)) for s in lesser))


@dataclass(frozen=True)
class Group:
    name: str | None
    components: tuple[Component, ...]
    status: ComponentStatus


def groups(site: Site, statuses: dict[str, ComponentStatus]) -> list[Group]:
    """Components by group, in the order the configuration first names each group."""
    order: dict[str | None, list[Component]] = {}
    for component in site.info.components:
        order.setdefault(component.group, []).append(component)
    return [
        Group(name, tuple(members), worst([statuses[c.id] for c in members]))
        for name, members in order.items()
    ]


def incidents_for(site: Site, component_id: str) -> list[Incident]:
    return list(site.by_component.get(component_id, ()))


def recent_days(site: Site) -> list[tuple[date, list[Incident]]]:
    """The last week, day by day, with what began that day (empty days included)."""
    zone = site.info.zone
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
