"""The validated content of a status site: frozen, clock-free values with derived properties."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from statusgen.digest import digest

# C0 and C1 controls other than tab and newline, lone surrogates and the XML non-characters:
# invisible in an editor, invalid in HTML and XML (lxml refuses them in a feed), and usually
# pasted by accident. No text in the model may hold one, however it was written.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_invisible(text: str) -> tuple[str, bool]:
    """The text without invisible characters, and whether it had any."""
    clean = INVISIBLE.sub("", text)
    return clean, len(clean) != len(text)


class Kind(StrEnum):
    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


class Impact(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


# In order of declaration; looked up rather than counted, since Enum's len() is slow and the
# status of every component is compared at every change of ten thousand incidents.
_SEVERITY = {status: rank for rank, status in enumerate(ComponentStatus)}


IMPACT_STATUS = {
    Impact.NONE: ComponentStatus.OPERATIONAL,
    Impact.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Impact.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Impact.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
}


class UpdateStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    UPDATE = "update"
    POSTMORTEM = "postmortem"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"


INCIDENT_STATUSES = (
    UpdateStatus.INVESTIGATING,
    UpdateStatus.IDENTIFIED,
    UpdateStatus.MONITORING,
    UpdateStatus.RESOLVED,
    UpdateStatus.UPDATE,
    UpdateStatus.POSTMORTEM,
)
MAINTENANCE_STATUSES = (
    UpdateStatus.SCHEDULED,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.VERIFYING,
    UpdateStatus.COMPLETED,
    UpdateStatus.UPDATE,
)
# Follow-ups say something new without moving the incident to another phase.
FOLLOW_UPS = (UpdateStatus.UPDATE, UpdateStatus.POSTMORTEM)


class SectionKey(StrEnum):
    PROBLEM = "problem"
    CAUSE = "cause"
    RESTORE = "restore"
    PREVENTION = "prevention"
    UPDATES = "updates"
    OTHER = "other"


class Window(StrEnum):
    """Where a maintenance stands against its announced window."""

    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERRUN = "overrun"  # the window has ended but nobody has confirmed the work is complete


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    description: str
    group: str | None
    position: int


@dataclass(frozen=True)
class SiteInfo:
    """What pages, feeds and the API say about the site itself: no file paths."""

    title: str
    base_url: str
    timezone: str
    description: str
    contact: str
    feed_entries: int
    components: tuple[Component, ...]
    # When the site's history begins (`[site] since`): uptime before it is "no data".
    since: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @functools.cached_property
    def key(self) -> str:
        """Changes whenever any field does: parsed incidents and drawn pages depend on them."""
        # `default=str`: `since` is a datetime, which JSON has no type for.
        return digest(json.dumps(asdict(self), sort_keys=True, default=str))

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def name_of(self, component_id: str) -> str:
        component = self.component(component_id)
        return component.name if component else component_id


@dataclass(frozen=True)
class Section:
    key: SectionKey
    title: str
    html: str


@dataclass(frozen=True)
class Tasks:
    done: int
    total: int


@dataclass(frozen=True)
class Update:
    time: datetime
    status: UpdateStatus
    html: str  # sanitised, for pages and feeds
    text: str  # the update as plain text (paragraphs, no markup), for the API and calendars
    line: int
    derived: bool = False
    # Updates with this same time further down the file. Two updates may share a time (two
    # people posting in one second); counting from the bottom keeps each one's anchor as
    # updates are added on top, newest first.
    twins_below: int = 0
    # What customers were told at this moment (`Next update:` / `Expected restore:` lines):
    # kept with the update so the report can count later whether each promise was kept.
    next_update: datetime | None = None
    expected_restore: datetime | None = None
    # The file lines those promises were written on, so findings can point at them (0: none).
    next_update_line: int = 0
    expected_restore_line: int = 0


@dataclass(frozen=True)
class Incident:
    slug: str
    path: Path
    kind: Kind
    title: str
    impact: Impact
    components: tuple[tuple[str, ComponentStatus], ...]
    started: datetime
    estimated_restore: datetime | None
    next_update: datetime | None
    resolved: datetime | None
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    sections: tuple[Section, ...]
    updates: tuple[Update, ...]  # newest first
    prevention: Tasks
    source: str  # a digest of the file's bytes: the same source always gives the same incident
    draft: bool = False  # checked like any file and previewed by `serve`, never published
    # Relative link and image targets in the text, with their lines: checked against the
    # paths the build produces, since only the build knows them.
    relative_links: tuple[tuple[str, int], ...] = ()

    @property
    def is_maintenance(self) -> bool:
        return self.kind is Kind.MAINTENANCE

    @functools.cached_property
    def last_time(self) -> datetime:
        """The latest moment the incident names: after it, only the clock's reading changes."""
        named = [
            self.started,
            self.resolved,
            self.estimated_restore,
            self.next_update,
            self.scheduled_start,
            self.scheduled_end,
            *(u.time for u in self.updates),
            *(u.next_update for u in self.updates),
            *(u.expected_restore for u in self.updates),
        ]
        return max(t for t in named if t is not None)

    @functools.cached_property
    def status_changes(self) -> tuple[datetime, ...]:
        """When it changed its components' status: it began and it ended. A maintenance
        changes them only while its window is open and its work not yet confirmed complete."""
        if not self.is_maintenance:
            return tuple(t for t in (self.started, self.resolved) if t is not None)
        assert self.scheduled_start is not None and self.scheduled_end is not None
        end = min(self.scheduled_end, self.resolved or self.scheduled_end)
        return (self.scheduled_start, end) if end > self.scheduled_start else ()

    @property
    def is_resolved(self) -> bool:
        """Resolved incident, or maintenance whose work is confirmed complete."""
        return self.resolved is not None

    @property
    def phase(self) -> UpdateStatus:
        """The newest status that moved the incident on; follow-ups do not change it."""
        for update in self.updates:
            if update.status not in FOLLOW_UPS:
                return update.status
        return UpdateStatus.SCHEDULED if self.is_maintenance else UpdateStatus.INVESTIGATING

    @property
    def latest(self) -> Update | None:
        return self.updates[0] if self.updates else None

    @property
    def duration(self) -> timedelta | None:
        if self.resolved is None:
            return None
        return self.resolved - self.started

    @property
    def promised_restore(self) -> datetime | None:
        return self.scheduled_end if self.is_maintenance else self.estimated_restore

    @property
    def restore_margin(self) -> timedelta | None:
        """How long before (positive) or after (negative) the promised time service came back."""
        promised = self.promised_restore
        if promised is None or self.resolved is None:
            return None
        return promised - self.resolved

    @property
    def pending_next_update(self) -> datetime | None:
        """The promised next update, unless an update already came at or after it."""
        if self.is_resolved or self.next_update is None:
            return None
        if self.latest is not None and self.latest.time >= self.next_update:
            return None
        return self.next_update

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key is key), None)

    @property
    def other_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.key is SectionKey.OTHER)


@dataclass(frozen=True)
class Site:
    """The whole validated model of a status site at one moment."""

    info: SiteInfo
    incidents: tuple[Incident, ...]  # newest first
    now: datetime

    @functools.cached_property
    def unsettled(self) -> tuple[Incident, ...]:
        """Incidents that are open or name a time from about now on: the only ones whose
        standing can depend on the clock (the rest are over and stay so)."""
        soon_past = self.now - timedelta(seconds=1)
        return tuple(i for i in self.incidents if i.resolved is None or i.last_time >= soon_past)

    @functools.cached_property
    def history_begins(self) -> datetime | None:
        """When the site's records begin: `[site] since`, else its first published incident or
        maintenance (a maintenance's `started` is its scheduled start). Drafts are left out,
        so that `serve`'s preview counts the days a build would."""
        if self.info.since is not None:
            return self.info.since
        return min((i.started for i in self.incidents if not i.draft), default=None)

    @functools.cached_property
    def by_component(self) -> dict[str, tuple[Incident, ...]]:
        """Each component's incidents, newest first."""
        index: dict[str, list[Incident]] = {}
        for incident in self.incidents:
            for component_id in dict(incident.components):
                index.setdefault(component_id, []).append(incident)
        return {component_id: tuple(found) for component_id, found in index.items()}


@dataclass(frozen=True)
class Theme:
    """The templates and assets a site renders with."""

    templates: dict[str, tuple[str, Path]]  # name → (Jinja source, where it came from)
    assets: dict[str, bytes]  # path under the output folder → bytes, copied as they are
