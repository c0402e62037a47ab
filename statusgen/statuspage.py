"""Atlassian Statuspage's public API v2, mapped once for both directions: what `build` writes
under `api/v2/` and what `import statuspage` reads. Field names, enums, times and the top-level
status all live here, so export and import cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from statusgen import model
from statusgen.model import ComponentStatus, Impact, Incident, Kind, UpdateStatus

# Statuspage's own values, and no others: typed clients reject a document with any other.
# Ours less `update`, which Statuspage writes as the phase the follow-up was posted in.
INCIDENT_STATUSES = tuple(s.value for s in model.INCIDENT_STATUSES if s is not UpdateStatus.UPDATE)
MAINTENANCE_STATUSES = tuple(
    s.value for s in model.MAINTENANCE_STATUSES if s is not UpdateStatus.UPDATE
)
IMPACTS = tuple(i.value for i in Impact)
MAINTENANCE_IMPACT = "maintenance"  # a scheduled maintenance's `impact` in the public API
COMPONENT_STATUSES = tuple(s.value for s in ComponentStatus)

# The seven top-level texts ("Top-level status and incident impact calculations").
ALL_OPERATIONAL = "All Systems Operational"
MAJOR_SYSTEM_OUTAGE = "Major System Outage"
PARTIAL_SYSTEM_OUTAGE = "Partial System Outage"
MINOR_SERVICE_OUTAGE = "Minor Service Outage"
DEGRADED_SYSTEM_SERVICE = "Degraded System Service"
PARTIALLY_DEGRADED_SERVICE = "Partially Degraded Service"
SERVICE_UNDER_MAINTENANCE = "Service Under Maintenance"
TOP_LEVEL_TEXTS = (
    ALL_OPERATIONAL,
    MAJOR_SYSTEM_OUTAGE,
    PARTIAL_SYSTEM_OUTAGE,
    MINOR_SERVICE_OUTAGE,
    DEGRADED_SYSTEM_SERVICE,
    PARTIALLY_DEGRADED_SERVICE,
    SERVICE_UNDER_MAINTENANCE,
)
# The text each indicator reads when an open incident, not a component, sets it.
_BY_INDICATOR = {
    "none": ALL_OPERATIONAL,
    "minor": MINOR_SERVICE_OUTAGE,
    "major": PARTIAL_SYSTEM_OUTAGE,
    "critical": MAJOR_SYSTEM_OUTAGE,
}
_RANK = {"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}


@dataclass(frozen=True)
class Field:
    """One incident field: its name in the API, the model's attribute and the front-matter
    key an incident file writes it under (a maintenance may name it differently)."""

    api: str
    attribute: str
    key: str
    maintenance_key: str | None = None

    def key_for(self, kind: Kind) -> str | None:
        """The front-matter key for `kind`; None where that kind has no such field."""
        if kind is Kind.MAINTENANCE:
            return self.maintenance_key
        return self.key


# Times of an incident. A maintenance's `started` is its window's start, so it is not written.
TIME_FIELDS = (
    Field("started_at", "started", "started"),
    Field("resolved_at", "resolved", "resolved", "completed"),
    Field("scheduled_for", "scheduled_start", "", "scheduled_start"),
    Field("scheduled_until", "scheduled_end", "", "scheduled_end"),
)
TITLE = Field("name", "title", "title", "title")
IMPACT = Field("impact", "impact", "impact")

# What an import reads besides those: where an incident's updates and their parts are, and
# which time says when, first choice first. `display_at` is the time customers were shown
# (a team may backdate an update); `started_at` is missing on old incidents.
STARTED_FROM = ("started_at", "created_at")
UPDATES = "incident_updates"
UPDATE_STATUS = "status"
UPDATE_BODY = "body"
UPDATE_TIME_FROM = ("display_at", "created_at")
AFFECTED = "affected_components"  # [{code, name, old_status, new_status}] on an update
POSTMORTEM_BODY = "postmortem_body"  # on pages that publish postmortems with the incident
POSTMORTEM_AT = "postmortem_published_at"


def format_time(moment: datetime) -> str:
    """`2026-11-20T14:50:00.000Z`, as Statuspage writes every time (some clients parse
    exactly that, milliseconds included)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat("T", "milliseconds") + "Z"


def parse_time(text: str) -> datetime:
    """A Statuspage time, with or without milliseconds, in UTC or with an offset."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    return moment


def component_id(name: str) -> str:
    """`Git Operations` → `git-operations`: the id statusgen gives a Statuspage component."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "component"


def update_statuses(incident: Incident) -> list[str]:
    """Each update's status as Statuspage writes it, newest first. A follow-up (`update`)
    carries the phase it was posted in, as Statuspage repeats it; a postmortem stays one."""
    first = "scheduled" if incident.is_maintenance else "investigating"
    result: list[str] = []
    current = first
    for update in reversed(incident.updates):
        if update.status is not UpdateStatus.UPDATE:
            current = update.status.value
        result.append(current)
    return result[::-1]


def our_statuses(statuses: Sequence[str]) -> list[UpdateStatus]:
    """Statuspage's statuses, oldest first, as an incident file writes them: a status that
    repeats the one before is a follow-up (`update`), which a build gives back as the same
    phase."""
    result: list[UpdateStatus] = []
    before: str | None = None
    for status in statuses:
        result.append(UpdateStatus.UPDATE if status == before else UpdateStatus(status))
        before = status
    return result


def is_maintenance(impact: str | None, statuses: Iterable[str], scheduled: bool) -> bool:
    """A Statuspage record is maintenance by its impact, a maintenance status, or a window."""
    return (
        impact == MAINTENANCE_IMPACT
        or scheduled
        or any(s in MAINTENANCE_STATUSES for s in statuses)
    )


def impact_of(incident: Incident) -> str:
    return MAINTENANCE_IMPACT if incident.is_maintenance else incident.impact.value


def top_level(
    components: Sequence[ComponentStatus], open_impacts: Iterable[Impact] = ()
) -> tuple[str, str]:
    """Statuspage's `(indicator, description)` for the whole page, calculated as its
    documentation describes: the components' statuses blended (the worst one, and whether
    every component shares it), raised by the impact of any open incident."""
    indicator, description = _blend(components)
    for impact in open_impacts:
        if _RANK[impact.value] > _RANK[indicator]:
            indicator, description = impact.value, _BY_INDICATOR[impact.value]
    return indicator, description


def _blend(components: Sequence[ComponentStatus]) -> tuple[str, str]:
    worst = max(components, key=lambda s: s.severity, default=ComponentStatus.OPERATIONAL)
    every = all(s is worst for s in components)
    single = len(components) == 1
    if worst is ComponentStatus.UNDER_MAINTENANCE:
        return "maintenance", SERVICE_UNDER_MAINTENANCE
    if worst is ComponentStatus.DEGRADED_PERFORMANCE:
        text = DEGRADED_SYSTEM_SERVICE if every and not single else PARTIALLY_DEGRADED_SERVICE
        return "minor", text
    if worst is ComponentStatus.PARTIAL_OUTAGE:
        return ("major", PARTIAL_SYSTEM_OUTAGE) if every else ("minor", MINOR_SERVICE_OUTAGE)
    if worst is ComponentStatus.MAJOR_OUTAGE:
        return ("critical", MAJOR_SYSTEM_OUTAGE) if every else ("major", PARTIAL_SYSTEM_OUTAGE)
    return "none", ALL_OPERATIONAL
