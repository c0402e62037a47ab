"""The figures of SPEC §5 for any group of incidents and maintenance: one month, or several
counted together. Field names are the report's JSON names."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from statusgen.model import Impact, Incident, Kind
from statusgen.report.promises import (
    Promise,
    PromiseKind,
    Worst,
    estimates,
    next_updates,
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
    """A group's figures, and the promise among them that slipped most (for the team)."""

    figures: Figures
    worst: Promise | None
    # Nothing in the group can change with the clock from now on: everything in it is over
    # and every promise of it has fallen due and been answered.
    settled: bool


ZERO = timedelta(0)


def _minutes(spans: list[timedelta]) -> Minutes:
    values = [span.total_seconds() / 60 for span in spans]
    if not values:
        return Minutes(None, None)
    return Minutes(statistics.median(values), max(values))


def count(entries: Iterable[Incident], now: datetime) -> Counted:
    """The figures of these incidents and maintenance at `now`. Maintenance counts only in
    `maintenance`; every other figure is about incidents."""
    impacts = dict.fromkeys(Impact, 0)
    first: list[timedelta] = []
    restore: list[timedelta] = []
    made = kept_updates = given = met = tasks = done = works = on_time = 0
    worst = Worst(now)
    settled = True
    for entry in entries:
        # `last_time` names every promise of its updates too.
        if settled and (entry.resolved is None or entry.last_time >= now):
            settled = False
        if entry.kind is Kind.MAINTENANCE:
            window = window_promise(entry)
            if window is not None:
                works += 1
                if window.kept:
                    on_time += 1
                else:
                    worst.offer(entry, PromiseKind.WINDOW, window.promised, window.delivered)
            continue
        impacts[entry.impact] += 1
        resolved = entry.resolved
        if entry.updates:
            first.append(max(entry.updates[-1].time - entry.started, ZERO))
        if resolved is not None:
            restore.append(resolved - entry.started)
            for promised in estimates(entry):
                given += 1
                if resolved <= promised:
                    met += 1
                else:
                    worst.offer(entry, PromiseKind.RESTORE, promised, resolved)
        for promised, answered in next_updates(entry, now):
            made += 1
            if answered is not None and answered <= promised:
                kept_updates += 1
            else:
                worst.offer(entry, PromiseKind.NEXT_UPDATE, promised, answered)
                settled = settled and answered is not None  # its lateness grows with the clock
        tasks += entry.prevention.total
        done += entry.prevention.done
    figures = Figures(
        incidents=sum(impacts.values()),
        by_impact=ByImpact(**{impact.value: number for impact, number in impacts.items()}),
        first_update_minutes=_minutes(first),
        restore_minutes=_minutes(restore),
        next_update_promises=NextUpdatePromises(made, kept_updates),
        restore_estimates=RestoreEstimates(given, met),
        prevention_actions=PreventionActions(tasks, done),
        maintenance=Maintenance(works, on_time),
    )
    return Counted(figures, worst.promise, settled)
