"""The report itself: every month from the first incident or maintenance to now, newest first,
each with its figures and the promise that slipped most."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from statusgen.model import Incident, Site
from statusgen.report.figures import Counted, Figures, count
from statusgen.report.promises import Promise
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


def _before(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _after(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def _by_month(site: Site) -> dict[date, list[Incident]]:
    """The published entries by the month they belong to in the site's zone, every month from
    the first to now's, empty ones included; later months are not counted yet. An entry
    belongs to the month of its `started` (a maintenance's is its window's start). Each month's
    first moment is worked out once and entries are placed by comparing instants, which costs
    far less than converting ten thousand times into the zone."""
    entries = [entry for entry in site.incidents if not entry.draft]
    if not entries:
        return {}
    zone = site.info.zone
    newest = month_start(site.now, zone)
    oldest = month_start(min(entry.started for entry in entries), zone)
    if oldest > newest:
        return {}  # only maintenance still to come: no month has begun to count
    firsts = [newest]
    while firsts[-1] > oldest:
        firsts.append(_before(firsts[-1]))
    firsts.reverse()  # oldest first
    bounds = [
        datetime.combine(first, time(0), zone).astimezone(UTC)
        for first in [*firsts, _after(newest)]
    ]
    months: dict[date, list[Incident]] = {first: [] for first in firsts}
    places = [bisect.bisect_right(bounds, entry.started) - 1 for entry in entries]
    for entry, index in zip(entries, places, strict=True):
        if index < len(firsts):  # past the end of now's month: not yet
            months[firsts[index]].append(entry)
    return months


def compute_report(site: Site, kept: KeptMonths | None = None) -> Report:
    """The report at `site.now`. Drafts are never counted, even where a preview shows them;
    months after now's are not counted yet. With `kept`, months that cannot have changed since
    an earlier build are taken from it."""
    by_month = _by_month(site)
    months = []
    for first in sorted(by_month, reverse=True):
        entries = tuple(by_month[first])
        counted = kept.count(first, entries, site.now) if kept else count(entries, site.now)
        months.append(Month(first, entries, counted.figures, counted.worst))
    return Report(site.now, tuple(months))


class KeptMonths:
    """Months counted by an earlier build (`watch` builds again and again). A month whose
    count did not depend on the clock (everything in it over, every promise answered or
    broken) counts the same at any later moment, as long as its entries are the very same
    objects: only months still moving are counted again. It never changes a figure."""

    def __init__(self) -> None:
        self._months: dict[date, tuple[tuple[Incident, ...], datetime, Counted]] = {}

    def count(self, first: date, entries: tuple[Incident, ...], now: datetime) -> Counted:
        found = self._months.get(first)
        if (
            found is not None
            and found[1] <= now
            and len(found[0]) == len(entries)
            and all(a is b for a, b in zip(found[0], entries, strict=True))
        ):
            return found[2]
        counted = count(entries, now)
        if counted.settled:
            self._months[first] = (entries, now, counted)
        else:
            self._months.pop(first, None)
        return counted
