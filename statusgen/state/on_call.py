"""What the person on call must look after at `now`: every open incident and every maintenance
not over, with the promises to customers that have fallen due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statusgen.model import Incident, Site, Window
from statusgen.state.status import estimate_passed, is_overdue, maintenance_window


@dataclass(frozen=True)
class Open:
    incident: Incident
    window: Window | None  # a maintenance's window; None for an incident
    update_overdue: datetime | None  # the promised next update that has not come
    estimate_missed: datetime | None  # the promised restore time, gone by


def open_now(site: Site) -> list[Open]:
    """Open incidents (oldest first), then maintenance in progress or to come (soonest first);
    a maintenance whose window ended unconfirmed stays, since someone has to confirm it."""
    found = []
    for incident in site.unsettled:
        window = maintenance_window(incident, site.now)
        if incident.is_resolved or window is Window.COMPLETED:
            continue
        found.append(
            Open(
                incident,
                window,
                incident.pending_next_update if is_overdue(incident, site.now) else None,
                incident.estimated_restore if estimate_passed(incident, site.now) else None,
            )
        )
    return sorted(found, key=lambda o: (o.incident.is_maintenance, o.incident.started))
