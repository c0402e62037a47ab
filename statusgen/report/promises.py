"""Every promise an incident made to customers, and what came of it (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from statusgen.model import Incident, UpdateStatus

# The updates that close an incident or a maintenance: a promise standing in the front matter
# is never one they made, since nothing is promised by saying it is over.
CLOSING = (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED)


class PromiseKind(StrEnum):
    NEXT_UPDATE = "next_update"  # `Next update:`: when customers will hear from us again
    RESTORE = "restore"  # `Expected restore:`: when service will be back
    WINDOW = "window"  # a maintenance's announced end


@dataclass(frozen=True)
class Promise:
    incident: Incident = field(repr=False)
    kind: PromiseKind
    promised: datetime
    # What answered it: the next update or the resolution, the restoration, the completion.
    # None while nothing has.
    delivered: datetime | None

    @property
    def kept(self) -> bool:
        return self.delivered is not None and self.delivered <= self.promised

    def late(self, now: datetime) -> timedelta:
        """How far past the promised time it was answered, or is still unanswered at `now`."""
        return (self.delivered or now) - self.promised


def next_update_promises(incident: Incident, now: datetime) -> list[Promise]:
    """Every `Next update:` promise whose time has come by `now`, with the front matter's
    `next_update` when no update carries it (made by the newest update before it other than
    the resolution, or by the incident itself when there is none)."""
    made = [(u.time, u.next_update) for u in incident.updates if u.next_update is not None]
    standing = incident.next_update
    if standing is not None and all(u.next_update != standing for u in incident.updates):
        makers = [u.time for u in incident.updates if u.time < standing and u.status not in CLOSING]
        made.append((max(makers, default=incident.started), standing))
    # What customers heard after each promise: updates and the resolution that have happened.
    heard = sorted(
        t
        for t in [*(u.time for u in incident.updates), incident.resolved]
        if t is not None and t <= now
    )
    promises = []
    for when, promised in sorted(made):  # oldest first
        if promised > now:  # still ahead: neither kept nor broken yet
            continue
        answer = next((t for t in heard if t > when), None)
        promises.append(Promise(incident, PromiseKind.NEXT_UPDATE, promised, answer))
    return promises


def restore_estimates(incident: Incident) -> list[Promise]:
    """Every distinct `Expected restore:` time of a resolved incident, and the front matter's
    `estimated_restore` if no update carries it; each met if service was back by then."""
    if incident.resolved is None:
        return []
    times = {u.expected_restore for u in incident.updates if u.expected_restore is not None}
    if incident.estimated_restore is not None:
        times.add(incident.estimated_restore)
    return [
        Promise(incident, PromiseKind.RESTORE, promised, incident.resolved)
        for promised in sorted(times)
    ]


def window_promise(maintenance: Incident) -> Promise | None:
    """A completed maintenance's announced end, met if the work was complete by then."""
    if maintenance.resolved is None or maintenance.scheduled_end is None:
        return None
    return Promise(maintenance, PromiseKind.WINDOW, maintenance.scheduled_end, maintenance.resolved)


def worst(promises: list[Promise], now: datetime) -> Promise | None:
    """The promise that slipped most, if any did: the latest against what it promised."""
    slipped = [p for p in promises if not p.kept]
    if not slipped:
        return None
    return max(slipped, key=lambda p: (p.late(now), p.promised, p.incident.slug))
