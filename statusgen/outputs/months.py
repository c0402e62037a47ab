"""Months as the history pages show and link them."""

from __future__ import annotations

from dataclasses import dataclass

from statusgen import urls, words
from statusgen.model import Incident
from statusgen.state.history import Month


@dataclass(frozen=True)
class MonthLink:
    """A month as other pages name it: enough to link to it, not what it holds."""

    path: str
    label: str
    count: int


@dataclass(frozen=True)
class MonthView:
    """A month's own page: its link and its incidents, newest first."""

    link: MonthLink
    incidents: tuple[Incident, ...]

    @property
    def path(self) -> str:
        return self.link.path

    @property
    def label(self) -> str:
        return self.link.label


def month_view(month: Month) -> MonthView:
    link = MonthLink(
        urls.month_page(month.first), words.month_label(month.first), len(month.incidents)
    )
    return MonthView(link, month.incidents)
