"""Each promise an update made, against what happened after it: the page shows both once the
answer is known (SPEC §1, "Promises are history")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from statusgen.model import Incident, Update


class Promise(StrEnum):
    NEXT_UPDATE = "next_update"
    RESTORE = "restore"


@dataclass(frozen=True)
class Outcome:
    kind: Promise
    promised: datetime
    # The next update posted (for a next-update promise) or the restoration (for an estimate);
    # None while it has not come.
    delivered: datetime | None
    missed: bool  # not delivered, and the promised time has passed

    @property
    def kept(self) -> bool:
        """Delivered at or before the promised time, as the report counts it (SPEC §5)."""
        return self.delivered is not None and self.delivered <= self.promised

    @property
    def margin_seconds(self) -> float | None:
        """How early (positive) or late (negative) it came."""
        if self.delivered is None:
            return None
        return (self.promised - self.delivered).total_seconds()


def outcomes(incident: Incident, update: Update, now: datetime) -> tuple[Outcome, ...]:
    """What became of the promises `update` made, as known at `now`."""
    found = []
    if update.next_update is not None:
        later = [u.time for u in incident.updates if u.time > update.time and u.time <= now]
        delivered = min(later, default=None)
        missed = delivered is None and update.next_update < now
        found.append(Outcome(Promise.NEXT_UPDATE, update.next_update, delivered, missed))
    if update.expected_restore is not None and not incident.is_maintenance:
        restored = incident.resolved if incident.resolved and incident.resolved <= now else None
        missed = restored is None and update.expected_restore < now
        found.append(Outcome(Promise.RESTORE, update.expected_restore, restored, missed))
    return tuple(found)
