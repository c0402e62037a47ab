"""Status badges for READMEs and dashboards: `badge.svg` and one per component."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from statusgen import urls, words
from statusgen.model import ComponentStatus, Site
from statusgen.state import status

# Darker than the page colours: white text on them must stay readable.
COLOURS = {
    ComponentStatus.OPERATIONAL: "#116329",
    ComponentStatus.UNDER_MAINTENANCE: "#0550ae",
    ComponentStatus.DEGRADED_PERFORMANCE: "#7d4e00",
    ComponentStatus.PARTIAL_OUTAGE: "#a0361b",
    ComponentStatus.MAJOR_OUTAGE: "#b3121f",
}


def _width(text: str) -> int:
    # Verdana 11px averages about 7 px a character; padding on both sides.
    return 7 * len(text) + 12


def render_badges(site: Site, render: Callable[[str, dict[str, Any]], bytes]) -> dict[str, bytes]:
    statuses = status.component_statuses(site)
    overall = status.overall(site)
    badges = [(urls.badge(None), words.BADGE_LABEL, overall.status)]
    badges += [(urls.badge(c.id), c.name, statuses[c.id]) for c in site.info.components]
    output = {}
    for path, label, state in badges:
        value = words.badge_value(state)
        output[path] = render(
            "badge.svg",
            {
                "label": label,
                "value": value,
                "colour": COLOURS[state],
                "label_width": _width(label),
                "value_width": _width(value),
            },
        )
    return output
