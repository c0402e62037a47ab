"""The report as other tools read it: `report/report.json` (SPEC §5), and flat rows for CSV."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC
from typing import Any

from statusgen.report.figures import Figures
from statusgen.report.months import Report

# The CSV's columns: the JSON's names, nested ones joined with `_`, then the month's worst slip.
CSV_COLUMNS = (
    "month",
    "incidents",
    "by_impact_none",
    "by_impact_minor",
    "by_impact_major",
    "by_impact_critical",
    "first_update_minutes_median",
    "first_update_minutes_max",
    "restore_minutes_median",
    "restore_minutes_max",
    "next_update_promises_made",
    "next_update_promises_kept",
    "restore_estimates_given",
    "restore_estimates_met",
    "prevention_actions_total",
    "prevention_actions_done",
    "maintenance_total",
    "maintenance_on_time",
    "worst_slip",
    "worst_slip_promise",
    "worst_slip_minutes_late",
)


def as_data(report: Report) -> dict[str, Any]:
    return {
        "generated_at": report.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "months": [{"month": m.month, **asdict(m.figures)} for m in report.months],
    }


def as_json(report: Report) -> bytes:
    """The same report gives the same bytes: keys in §5's order, no set or dict order left."""
    return (json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _flat(figures: Figures) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in asdict(figures).items():
        if isinstance(value, dict):
            flat.update({f"{key}_{part}": number for part, number in value.items()})
        else:
            flat[key] = value
    return flat


def as_rows(report: Report) -> list[dict[str, Any]]:
    """One row a month, newest first, keyed by CSV_COLUMNS; None where §5 has `null` or there
    is no slip to name."""
    rows = []
    for month in report.months:
        slip = month.worst
        late = slip.late(report.generated_at).total_seconds() / 60 if slip else None
        rows.append(
            {
                "month": month.month,
                **_flat(month.figures),
                "worst_slip": slip.incident.slug if slip else None,
                "worst_slip_promise": slip.kind.value if slip else None,
                "worst_slip_minutes_late": late,
            }
        )
    return rows
