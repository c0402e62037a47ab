"""What there is to tell subscribers at `now`: every published update, each component's
status changes, and a reminder an hour before a maintenance window. Pure: the model and the
clock in, events out, each with a key that stays the same from run to run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from statusgen import urls
from statusgen.model import ComponentStatus, Incident, Site, Update

REMINDER = timedelta(hours=1)  # Statuspage's, and long enough to plan around
_RANKED = list(ComponentStatus)  # by severity


class EventKind(StrEnum):
    UPDATE = "update"
    COMPONENT = "component"  # a component's status changed: webhooks only, as Statuspage's
    REMINDER = "reminder"


@dataclass(frozen=True)
class Event:
    key: str  # how the ledger knows it: never changes once the event has happened
    kind: EventKind
    at: datetime
    incident: Incident | None = None
    index: int = 0  # the update's place in `incident.updates` (newest first)
    component: str = ""
    old: ComponentStatus = ComponentStatus.OPERATIONAL
    new: ComponentStatus = ComponentStatus.OPERATIONAL

    @property
    def update(self) -> Update | None:
        if self.kind is not EventKind.UPDATE or self.incident is None:
            return None
        return self.incident.updates[self.index]

    @property
    def components(self) -> frozenset[str]:
        """The components it concerns, for channels and subscribers that chose some."""
        if self.incident is not None:
            return frozenset(c for c, _ in self.incident.components)
        return frozenset((self.component,))


def _compact(moment: datetime) -> str:
    """`20261120T141000Z`, as update anchors write times (strftime is slow at 70,000)."""
    t = moment.astimezone(UTC)
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}Z"


def due(site: Site) -> list[Event]:
    """Every event that has happened by `site.now`, oldest first."""
    found: list[Event] = []
    for incident in site.incidents:
        for index, update in enumerate(incident.updates):
            if update.time <= site.now:
                key = f"{incident.slug}#{urls.update_anchor(update)}"
                found.append(Event(key, EventKind.UPDATE, update.time, incident, index))
        reminder = _reminder(incident, site.now)
        if reminder is not None:
            found.append(reminder)
    found += _component_changes(site)
    order = {EventKind.UPDATE: 0, EventKind.COMPONENT: 1, EventKind.REMINDER: 2}
    return sorted(found, key=lambda e: (e.at, order[e.kind], e.key))


def _reminder(incident: Incident, now: datetime) -> Event | None:
    """An hour before the window opens, unless it was announced within that hour (the
    announcement just said it) or is already over or called off."""
    start = incident.scheduled_start
    if not incident.is_maintenance or start is None:
        return None
    at = start - REMINDER
    # With no update written, nobody announced it at all: all the more reason to remind.
    announced = incident.updates[-1].time if incident.updates else None
    if not at <= now < start or (announced is not None and announced >= at):
        return None
    if incident.resolved is not None and incident.resolved <= now:
        return None
    return Event(f"{incident.slug}#reminder-{_compact(start)}", EventKind.REMINDER, at, incident)


def _spans(incident: Incident) -> tuple[datetime, datetime | None] | None:
    """When the incident holds its components' status: from its start until it is resolved,
    or for a maintenance while its window is open and the work not confirmed complete."""
    if not incident.is_maintenance:
        return incident.started, incident.resolved
    changes = incident.status_changes
    return (changes[0], changes[1]) if changes else None


Mark = tuple[datetime, int, ComponentStatus, str]  # when, +1 begins / -1 ends, status, slug


def _component_changes(site: Site) -> list[Event]:
    """Each component's status, swept through time: at every moment an incident starts or
    ends, its status is the worst of the incidents holding it then.

    A change is known by the incident that made it and whether it began or ended, not by its
    time: correcting when an incident was resolved must not announce the change again."""
    events: list[Event] = []
    for component in site.info.components:
        marks: list[Mark] = []
        for incident in site.by_component.get(component.id, ()):
            span = _spans(incident)
            if span is None:
                continue
            status = dict(incident.components)[component.id]
            start, end = span
            if start <= site.now:
                marks.append((start, 1, status, incident.slug))
                if end is not None and end <= site.now:
                    marks.append((end, -1, status, incident.slug))
        marks.sort(key=lambda m: (m[0], m[3]))
        holding = [0] * len(_RANKED)
        ranked = _RANKED
        current = ComponentStatus.OPERATIONAL
        for at, group in _by_time(marks):
            for _, step, status, _ in group:
                holding[status.severity] += step
            now = next(
                (ranked[s] for s in range(len(ranked) - 1, 0, -1) if holding[s] > 0),
                ComponentStatus.OPERATIONAL,
            )
            if now is not current:
                _, step, _, slug = group[0]
                key = f"components/{component.id}#{slug}-{'began' if step > 0 else 'ended'}"
                events.append(
                    Event(key, EventKind.COMPONENT, at, None, 0, component.id, current, now)
                )
                current = now
    return events


def _by_time(marks: list[Mark]) -> list[tuple[datetime, list[Mark]]]:
    grouped: list[tuple[datetime, list[Mark]]] = []
    for mark in marks:
        if grouped and grouped[-1][0] == mark[0]:
            grouped[-1][1].append(mark)
        else:
            grouped.append((mark[0], [mark]))
    return grouped


def next_due(site: Site) -> datetime | None:
    """The next moment something becomes due with no file changing: a reminder, a window
    that opens or closes, an update written ahead of time. `watch --notify` wakes then."""
    now = site.now
    found = [u.time for i in site.unsettled for u in i.updates if u.time > now]
    for incident in site.unsettled:
        start = incident.scheduled_start
        if incident.is_maintenance and start is not None:
            found += [start - REMINDER, *incident.status_changes]
    return min((t for t in found if t > now), default=None)
