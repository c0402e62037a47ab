"""What an import reads from another status page, before it is written as an incident file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statusgen.model import ComponentStatus, Impact, Kind, UpdateStatus


class Unreadable(ValueError):
    """A record that cannot become an incident file; the message says why."""


@dataclass(frozen=True)
class ImportedUpdate:
    time: datetime
    status: UpdateStatus
    markdown: str  # the update's text, ready for an incident file (escaped where it was plain)


@dataclass(frozen=True)
class ImportedComponent:
    """A component as the other page names it; `status` is the worst it was in the incident,
    where the other page says so."""

    name: str
    status: ComponentStatus | None = None
    group: str | None = None


@dataclass(frozen=True)
class ImportedIncident:
    origin: str  # `Statuspage incident p31zjtct2jer`: written into the file, found again
    title: str
    kind: Kind
    impact: Impact
    components: tuple[ImportedComponent, ...]
    times: dict[str, datetime]  # by the Statuspage API's name: started_at, resolved_at, …
    updates: tuple[ImportedUpdate, ...]  # oldest first
    link: str | None = None

    @property
    def day(self) -> datetime:
        """The moment the file is named after: when it started, or its window opened."""
        if self.kind is Kind.MAINTENANCE and "scheduled_for" in self.times:
            return self.times["scheduled_for"]
        return self.times["started_at"]
