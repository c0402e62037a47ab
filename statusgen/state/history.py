"""The archive: every incident and maintenance, paged by calendar month in the site's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from statusgen.model import Incident, Site


@dataclass(frozen=True)
class MonthLink:
    """A month as other pages name it: enough to link to it, not what it holds."""

    first: date
    count: int

    @property
    def path(self) -> str:
        return f"history/{self.first:%Y-%m}/index.html"

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"


@dataclass(frozen=True)
class Month:
    first: date
    incidents: tuple[Incident, ...]  # newest first

    @staticmethod
    def of(moment: datetime, zone: tzinfo) -> Month:
        local = moment.astimezone(zone)
        return Month(date(local.year, local.month, 1), ())

    @property
    def link(self) -> MonthLink:
        return MonthLink(self.first, len(self.incidents))

    @property
    def path(self) -> str:
        return self.link.path

    @property
    def label(self) -> str:
        return self.link.label


def months(site: Site) -> list[Month]:
    """Every month from the newest (or now) back to the oldest incident, empty ones included."""
    zone = site.config.zone
    by_month: dict[date, list[Incident]] = {}
    for incident in site.incidents:
        by_month.setdefault(Month.of(incident.started, zone).first, []).append(incident)
    newest = max([Month.of(site.now, zone).first, *by_month])
    oldest = min(by_month, default=newest)
    result = []
    cursor = newest
    while cursor >= oldest:
        result.append(Month(cursor, tuple(by_month.get(cursor, ()))))
        cursor = date(cursor.year - (cursor.month == 1), (cursor.month - 2) % 12 + 1, 1)
    return result
