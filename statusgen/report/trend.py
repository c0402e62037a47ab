"""The newest month against the months before it, counted together, for the trend in words."""

from __future__ import annotations

from dataclasses import dataclass

from statusgen.report.figures import Figures, count
from statusgen.report.months import Month, Report

# A quarter: long enough to smooth one bad week, short enough to show a change.
MONTHS_BEFORE = 3


@dataclass(frozen=True)
class Trend:
    latest: Month
    before: tuple[Month, ...]  # newest first; up to MONTHS_BEFORE
    pooled: Figures  # the months before as if they were one

    @property
    def incidents_a_month(self) -> float:
        """Incidents a month in the months before."""
        return self.pooled.incidents / len(self.before)


def trend(report: Report, months: int = MONTHS_BEFORE) -> Trend | None:
    """None until there is a month before the newest to compare it with."""
    if len(report.months) < 2:
        return None
    latest, before = report.months[0], report.months[1 : months + 1]
    entries = [entry for month in before for entry in month.entries]
    return Trend(latest, before, count(entries, report.generated_at).figures)
