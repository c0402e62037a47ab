"""The reliability report (SPEC §5) as the site publishes it: `report/report.json`, and what
`report/index.html` draws (the trend, the charts and every month)."""

from __future__ import annotations

from typing import Any

from statusgen import urls, words
from statusgen.outputs import charts
from statusgen.report import Figures, Report, as_json, trend


def render_report_json(report: Report) -> dict[str, bytes]:
    return {urls.REPORT_JSON: as_json(report)}


def _impacts(figures: Figures) -> str:
    """`1 critical, 2 minor`: the month's incidents by impact, most severe first."""
    impact = figures.by_impact
    parts = [
        (impact.critical, "critical"),
        (impact.major, "major"),
        (impact.minor, "minor"),
        (impact.none, "with no impact"),
    ]
    return ", ".join(f"{number} {name}" for number, name in parts if number)


def report_context(report: Report) -> dict[str, Any]:
    """The report page's own values: the newest months oldest first for the charts, and the
    words it needs beyond the common ones."""
    charted = report.months[: charts.SLOTS][::-1]
    months = [m.first for m in charted]
    figures = [m.figures for m in charted]
    impact = [f.by_impact for f in figures]
    drawn = {
        "incidents": charts.stacked(
            months,
            [
                ("c-critical", [i.critical for i in impact]),
                ("c-major", [i.major for i in impact]),
                ("c-minor", [i.minor for i in impact]),
                ("c-none", [i.none for i in impact]),
            ],
        ),
        "first-update": charts.spans(
            months,
            [f.first_update_minutes.median for f in figures],
            [f.first_update_minutes.max for f in figures],
        ),
        "restore": charts.spans(
            months,
            [f.restore_minutes.median for f in figures],
            [f.restore_minutes.max for f in figures],
        ),
        "next-update": charts.shares(
            months,
            [f.next_update_promises.kept for f in figures],
            [f.next_update_promises.made for f in figures],
        ),
        "estimates": charts.shares(
            months,
            [f.restore_estimates.met for f in figures],
            [f.restore_estimates.given for f in figures],
        ),
        "prevention": charts.shares(
            months,
            [f.prevention_actions.done for f in figures],
            [f.prevention_actions.total for f in figures],
        ),
        "maintenance": charts.shares(
            months,
            [f.maintenance.on_time for f in figures],
            [f.maintenance.total for f in figures],
        ),
    }
    return {
        "report": report,
        "trend": trend(report),
        "charted": charted,
        "charts": drawn,
        "month_page": urls.month_page,
        "month_label": words.month_label,
        "month_short": words.month_short,
        "month_span": words.month_span,
        "within": words.within,
        "number": words.number,
        "share": words.share,
        "count": words.count,
        "impacts": _impacts,
    }
