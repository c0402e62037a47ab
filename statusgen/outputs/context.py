"""What templates may use: one place that builds each page's context from the model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from statusgen import urls, words
from statusgen.model import Component, ComponentStatus, SectionKey, Site
from statusgen.state import promises, status, uptime
from statusgen.state.clock import month_start

RECENT_ON_COMPONENT = 50


def clocked(clock: datetime, live: bool) -> dict[str, Any]:
    """What a page may know about time. On incident and month pages the clock stops once
    everything on the page is over (see `state.clock.page_clock`), so those pages stop
    changing."""
    return {
        "now": clock,
        "live": live,
        "is_overdue": lambda i: status.is_overdue(i, clock),
        "window": lambda i: status.window(i, clock),
        "phase": lambda i: words.phase_label(i, status.maintenance_window(i, clock)),
        "estimate_passed": lambda i: status.estimate_passed(i, clock),
        "outcomes": lambda i, u: promises.outcomes(i, u, clock),
    }


def common(site: Site) -> dict[str, Any]:
    """What every page may use: the site and helpers that do not depend on the clock."""
    zone = site.info.zone
    return {
        "site": site.info,
        "kind_label": words.kind_label,
        "component_name": site.info.name_of,
        "incident_path": lambda i: urls.incident_page(i.slug),
        "component_path": urls.component_page,
        "anchor": urls.update_anchor,
        "paths": urls.LINKED,
        "feed_path": urls.feed,
        "Section": SectionKey,
        "month_of": lambda i: urls.month_page(month_start(i.started, zone)),
        "uptime_rule": words.uptime_rule(uptime.DOWNTIME_WEIGHT),
    }


def current(site: Site) -> dict[str, Any]:
    """The state of everything now: only on pages that are drawn on every build."""
    statuses = status.component_statuses(site)
    return {
        **clocked(site.now, True),
        "statuses": statuses,
        "overall": status.overall(site),
        "groups": status.groups(site, statuses),
        "active": status.active(site),
        "upcoming": status.upcoming(site),
        "recent": status.recent_days(site),
    }


def component(site: Site, component: Component, now: dict[str, Any]) -> dict[str, Any]:
    """A component's page: `now` is the `common` and `current` context it adds to."""
    related = status.incidents_for(site, component.id)
    return {
        **now,
        "component": component,
        "uptime": uptime.uptime(site, component.id),
        "uptime_states": tuple(ComponentStatus),  # the legend, in order of severity
        "related": related[:RECENT_ON_COMPONENT],
        "older": len(related) > RECENT_ON_COMPONENT,
    }
