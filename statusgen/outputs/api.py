"""The Atlassian Statuspage public API v2, field for field, so tools that read it read us."""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo
from typing import Any

from statusgen import urls, words
from statusgen.model import Incident, Site, Update, UpdateStatus, Window
from statusgen.outputs.timestamps import iso_utc
from statusgen.state import status

LIMIT = 50


def _time(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment is not None else None


def _page(site: Site) -> dict[str, Any]:
    info = site.info
    return {
        "id": re.sub(r"[^a-z0-9]+", "-", info.base_url.lower()).strip("-"),
        "name": info.title,
        "url": info.base_url,
        "time_zone": info.timezone,
        "updated_at": iso_utc(site.now),
    }


def _group_id(name: str) -> str:
    return "group-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _components(site: Site) -> list[dict[str, Any]]:
    statuses = status.component_statuses(site)
    page_id, now = _page(site)["id"], iso_utc(site.now)
    result: list[dict[str, Any]] = []
    for position, group in enumerate(status.groups(site, statuses), start=1):
        members = [
            {
                "id": c.id,
                "name": c.name,
                "status": statuses[c.id].value,
                "created_at": now,
                "updated_at": now,
                "position": c.position + 1,
                "description": c.description or None,
                "showcase": True,
                "start_date": None,
                "group_id": _group_id(group.name) if group.name else None,
                "page_id": page_id,
                "group": False,
                "only_show_if_degraded": False,
            }
            for c in group.components
        ]
        if group.name:
            result.append(
                {
                    "id": _group_id(group.name),
                    "name": group.name,
                    "status": group.status.value,
                    "created_at": now,
                    "updated_at": now,
                    "position": position,
                    "description": None,
                    "showcase": False,
                    "start_date": None,
                    "group_id": None,
                    "page_id": page_id,
                    "group": True,
                    "only_show_if_degraded": False,
                    "components": [m["id"] for m in members],
                }
            )
        result.extend(members)
    return result


def _status(incident: Incident, now: datetime) -> str:
    """Statuspage's status word: the newest update's, with maintenance following its window."""
    latest = next(
        (u.status for u in incident.updates if u.status is not UpdateStatus.UPDATE), incident.phase
    )
    if (
        incident.is_maintenance
        and latest is UpdateStatus.SCHEDULED
        and status.window(incident, now) is not Window.UPCOMING
    ):
        return UpdateStatus.IN_PROGRESS.value
    return latest.value


def _update(
    incident: Incident, update: Update, components: list[dict[str, Any]], zone: tzinfo
) -> dict[str, Any]:
    at = iso_utc(update.time)
    # The promises an update made are part of what customers were told, as on the page.
    body = "\n\n".join(t for t in [update.text, *words.promised_lines(update, zone)] if t)
    return {
        "id": f"{incident.slug}-{urls.update_anchor(update).removeprefix('update-').lower()}",
        "status": update.status.value,
        "body": body,
        "incident_id": incident.slug,
        "created_at": at,
        "updated_at": at,
        "display_at": at,
        "affected_components": components if update is incident.updates[-1] else None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def _incident(
    site: Site, incident: Incident, all_components: list[dict[str, Any]]
) -> dict[str, Any]:
    affected = [
        {
            "code": c,
            "name": site.info.name_of(c),
            "old_status": "operational",
            "new_status": s.value,
        }
        for c, s in incident.components
    ]
    ids = dict(incident.components)
    components = [x for x in all_components if x["id"] in ids]
    monitoring = next(
        (u.time for u in reversed(incident.updates) if u.status is UpdateStatus.MONITORING), None
    )
    latest = incident.updates[0].time if incident.updates else incident.started
    data: dict[str, Any] = {
        "id": incident.slug,
        "name": incident.title,
        "status": _status(incident, site.now),
        "created_at": iso_utc(incident.updates[-1].time if incident.updates else incident.started),
        "updated_at": iso_utc(latest),
        "monitoring_at": _time(monitoring),
        "resolved_at": _time(incident.resolved),
        "impact": "maintenance" if incident.is_maintenance else incident.impact.value,
        "shortlink": urls.incident_url(site.info.base_url, incident.slug),
        "started_at": iso_utc(incident.started),
        "page_id": _page(site)["id"],
        "incident_updates": [
            _update(incident, u, affected, site.info.zone) for u in incident.updates
        ],
        "components": components,
    }
    if incident.is_maintenance:
        data["scheduled_for"] = _time(incident.scheduled_start)
        data["scheduled_until"] = _time(incident.scheduled_end)
    return data


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render_api(site: Site) -> dict[str, bytes]:
    page = _page(site)
    overall = status.overall(site)
    headline = words.headline(overall.status, overall.affected, overall.reported)
    state = {"indicator": overall.indicator, "description": headline}
    incidents = [i for i in site.incidents if not i.is_maintenance]
    works = sorted(
        (i for i in site.incidents if i.is_maintenance), key=lambda i: i.started, reverse=True
    )
    open_works = [
        i for i in works if status.window(i, site.now) in (Window.UPCOMING, Window.IN_PROGRESS)
    ]
    components = _components(site)

    def full(items: list[Incident]) -> list[dict[str, Any]]:
        return [_incident(site, i, components) for i in items]

    unresolved = full(status.unresolved(site))
    return {
        urls.api("summary.json"): _dump(
            {
                "page": page,
                "components": components,
                "incidents": unresolved,
                "scheduled_maintenances": full(open_works[::-1]),
                "status": state,
            }
        ),
        urls.api("status.json"): _dump({"page": page, "status": state}),
        urls.api("components.json"): _dump({"page": page, "components": components}),
        urls.api("incidents.json"): _dump({"page": page, "incidents": full(incidents[:LIMIT])}),
        urls.api("incidents/unresolved.json"): _dump({"page": page, "incidents": unresolved}),
        urls.api("scheduled-maintenances.json"): _dump(
            {"page": page, "scheduled_maintenances": full(works[:LIMIT])}
        ),
    }
