"""The archive: every incident and maintenance, by calendar month in the site's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from statusgen.model import Incident, Site
from statusgen.state.clock import month_start


@dataclass(frozen=True)
class Month:
    first: date
    incidents: tuple[Incident, ...]  # newest first


def months(site: Site) -> list[Month]:
    """Every month from the newest (or now) back to the oldest incident, empty ones included."""
    zone = site.info.zone
    by_month: dict[date, list[Incident]] = {}
    for incident in site.incidents:
        by_month.setdefault(month_start(incident.started, zone), []).append(incident)
    newest = max([month_start(site.now, zone), *by_month])
    oldest = min(by_month, default=newest)
    result = []
    cursor = newest
    while cursor >= oldest:
        result.append(Month(cursor, tuple(by_month.get(cursor, ()))))
        cursor = date(cursor.year - (cursor.month == 1), (cursor.month - 2) % 12 + 1, 1)
    return result
