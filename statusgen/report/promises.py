"""Every promise an incident made to customers, and what came of it (SPEC §5).

The figures count promises by the ten thousand on every build, so the counting works on plain
(promised, answered) pairs; a Promise is made only for the ones a person reads about."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from statusgen.model import Incident, UpdateStatus

# The updates that close an incident or a maintenance: a promise standing in the front matter
# is never one they made, since nothing is promised by saying it is over.
CLOSING = (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED)

# A promised time, and when it was answered (None while nothing has answered it).
Pair = tuple[datetime, datetime | None]


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
        return kept(self.promised, self.delivered)

    def late(self, now: datetime) -> timedelta:
        """How far past the promised time it was answered, or is still unanswered at `now`."""
        return (self.delivered or now) - self.promised


def kept(promised: datetime, answered: datetime | None) -> bool:
    return answered is not None and answered <= promised


def next_updates(incident: Incident, now: datetime) -> list[Pair]:
    """Every `Next update:` promise whose time has come by `now`, with the front matter's
    `next_update` when no update carries it (made by the newest update before it other than
    the resolution, or at `started` when there is none); oldest promise first."""
    updates = incident.updates  # newest first
    made = [(u.time, u.next_update) for u in reversed(updates) if u.next_update is not None]
    standing = incident.next_update
    if standing is not None and all(promised != standing for _, promised in made):
        makers = [u.time for u in updates if u.time < standing and u.status not in CLOSING]
        made.append((makers[0] if makers else incident.started, standing))
        made.sort()
    if not made:
        return []
    # What customers heard, oldest first: updates and the resolution that have happened.
    heard = [u.time for u in reversed(updates)]
    if incident.resolved is not None:
        bisect.insort(heard, incident.resolved)
    if heard and heard[-1] > now:
        heard = heard[: bisect.bisect_right(heard, now)]
    pairs: list[Pair] = []
    for when, promised in made:
        if promised > now:  # still ahead: neither kept nor broken yet
            continue
        after = bisect.bisect_right(heard, when)
        pairs.append((promised, heard[after] if after < len(heard) else None))
    return pairs


def estimates(incident: Incident) -> list[datetime]:
    """Every distinct `Expected restore:` time of a resolved incident, and the front matter's
    `estimated_restore` if no update carries it; earliest first. Each is met if service was
    back by then (`incident.resolved`)."""
    if incident.resolved is None:
        return []
    times = {u.expected_restore for u in incident.updates if u.expected_restore is not None}
    if incident.estimated_restore is not None:
        times.add(incident.estimated_restore)
    return sorted(times)


def next_update_promises(incident: Incident, now: datetime) -> list[Promise]:
    return [
        Promise(incident, PromiseKind.NEXT_UPDATE, promised, answered)
        for promised, answered in next_updates(incident, now)
    ]


def restore_estimates(incident: Incident) -> list[Promise]:
    return [
        Promise(incident, PromiseKind.RESTORE, promised, incident.resolved)
        for promised in estimates(incident)
    ]


def window_promise(maintenance: Incident) -> Promise | None:
    """A completed maintenance's announced end, met if the work was complete by then."""
    if maintenance.resolved is None or maintenance.scheduled_end is None:
        return None
    return Promise(maintenance, PromiseKind.WINDOW, maintenance.scheduled_end, maintenance.resolved)


class Worst:
    """The promise that slipped most among those offered: the latest against what it
    promised, a later promise first on a tie (the slug after that, for the same output every
    time)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._key: tuple[timedelta, datetime, str] | None = None
        self._found: tuple[Incident, PromiseKind, datetime, datetime | None] | None = None

    def offer(
        self, incident: Incident, kind: PromiseKind, promised: datetime, answered: datetime | None
    ) -> None:
        """Consider a promise that was not kept."""
        key = ((answered or self.now) - promised, promised, incident.slug)
        if self._key is None or key > self._key:
            self._key, self._found = key, (incident, kind, promised, answered)

    @property
    def promise(self) -> Promise | None:
        return None if self._found is None else Promise(*self._found)
