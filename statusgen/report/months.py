"""The report itself: every month from the first incident or maintenance to now, newest first,
each with its figures and the promise that slipped most."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from statusgen.model import Incident, Site
from statusgen.report.figures import Figures, count
from statusgen.report.promises import Promise, worst
from statusgen.state.clock import month_start


@dataclass(frozen=True)
class Month:
    first: date  # the month's first day, in the site's zone
    # Its incidents (by `started`) and maintenance (by the window's start), newest first.
    entries: tuple[Incident, ...] = field(repr=False)
    figures: Figures
    # The promise that slipped most, for the team: never on the public page.
    worst: Promise | None

    @property
    def month(self) -> str:
        """`2026-11`, as the report's JSON names it."""
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    months: tuple[Month, ...]  # newest first


def belongs(entry: Incident, site: Site) -> date:
    """The month an entry is counted in: an incident's start, a maintenance's window start."""
    moment = entry.scheduled_start if entry.is_maintenance else entry.started
    return month_start(moment or entry.started, site.info.zone)


def _before(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def compute_report(site: Site) -> Report:
    """The report at `site.now`. Drafts are never counted, even where a preview shows them;
    months after now's are not counted yet."""
    newest = month_start(site.now, site.info.zone)
    by_month: dict[date, list[Incident]] = {}
    for entry in site.incidents:
        if not entry.draft:
            by_month.setdefault(belongs(entry, site), []).append(entry)
    months = []
    cursor = newest
    oldest = min(by_month, default=None)
    while oldest is not None and cursor >= oldest:
        entries = tuple(by_month.get(cursor, ()))
        counted = count(entries, site.now)
        found = worst(list(counted.promises), site.now)
        months.append(Month(cursor, entries, counted.figures, found))
        cursor = _before(cursor)
    return Report(site.now, tuple(months))
