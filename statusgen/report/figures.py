"""The figures of SPEC §5 for any group of incidents and maintenance: one month, or several
counted together. Field names are the report's JSON names."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from statusgen.model import Impact, Incident
from statusgen.report.promises import (
    Promise,
    next_update_promises,
    restore_estimates,
    window_promise,
)


@dataclass(frozen=True)
class ByImpact:
    none: int
    minor: int
    major: int
    critical: int


@dataclass(frozen=True)
class Minutes:
    """`statistics.median` and the largest of some spans in minutes; None with none to count."""

    median: float | None
    max: float | None


@dataclass(frozen=True)
class NextUpdatePromises:
    made: int
    kept: int

    @property
    def share(self) -> float | None:
        return self.kept / self.made if self.made else None


@dataclass(frozen=True)
class RestoreEstimates:
    given: int
    met: int

    @property
    def share(self) -> float | None:
        return self.met / self.given if self.given else None


@dataclass(frozen=True)
class PreventionActions:
    total: int
    done: int

    @property
    def share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Maintenance:
    total: int  # completed maintenance
    on_time: int  # completed by the end of its announced window

    @property
    def share(self) -> float | None:
        return self.on_time / self.total if self.total else None


@dataclass(frozen=True)
class Figures:
    incidents: int
    by_impact: ByImpact
    first_update_minutes: Minutes
    restore_minutes: Minutes
    next_update_promises: NextUpdatePromises
    restore_estimates: RestoreEstimates
    prevention_actions: PreventionActions
    maintenance: Maintenance


@dataclass(frozen=True)
class Counted:
    """A group's figures, and the promises behind them (for naming the one that slipped most)."""

    figures: Figures
    promises: tuple[Promise, ...]


def _minutes(spans: list[timedelta]) -> Minutes:
    values = [span.total_seconds() / 60 for span in spans]
    if not values:
        return Minutes(None, None)
    return Minutes(statistics.median(values), max(values))


def count(entries: Iterable[Incident], now: datetime) -> Counted:
    """The figures of these incidents and maintenance at `now`. Maintenance counts only in
    `maintenance`; every other figure is about incidents."""
    incidents: list[Incident] = []
    works: list[Incident] = []
    for entry in entries:
        (works if entry.is_maintenance else incidents).append(entry)
    impacts = [i.impact for i in incidents]
    first = [
        max(min(u.time for u in i.updates) - i.started, timedelta(0))
        for i in incidents
        if i.updates
    ]
    restore = [i.resolved - i.started for i in incidents if i.resolved is not None]
    updates = [p for i in incidents for p in next_update_promises(i, now)]
    estimates = [p for i in incidents for p in restore_estimates(i)]
    windows = [p for w in works if (p := window_promise(w)) is not None]
    figures = Figures(
        incidents=len(incidents),
        by_impact=ByImpact(**{impact.value: impacts.count(impact) for impact in Impact}),
        first_update_minutes=_minutes(first),
        restore_minutes=_minutes(restore),
        next_update_promises=NextUpdatePromises(len(updates), sum(p.kept for p in updates)),
        restore_estimates=RestoreEstimates(len(estimates), sum(p.kept for p in estimates)),
        prevention_actions=PreventionActions(
            sum(i.prevention.total for i in incidents), sum(i.prevention.done for i in incidents)
        ),
        maintenance=Maintenance(len(windows), sum(p.kept for p in windows)),
    )
    return Counted(figures, (*updates, *estimates, *windows))
