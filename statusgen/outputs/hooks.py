"""What a webhook and a chat message carry: Statuspage's subscriber webhook payloads, so that
anything that receives Statuspage's webhooks receives ours, and a short plain message for chat
services. Pure: the model in, bytes and text out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from statusgen import statuspage, urls, words
from statusgen.model import ComponentStatus, Incident, Site
from statusgen.outputs.api import Now, incident_data

DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"


def _meta(site: Site) -> dict[str, str]:
    # There is no subscription server to unsubscribe through: whoever runs the site is.
    return {
        "unsubscribe": site.info.contact or site.info.base_url,
        "documentation": DOCUMENTATION,
    }


def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def incident_payload(site: Site, now: Now, incident: Incident, index: int) -> bytes:
    """The incident's updates and status as they stood when update `index` (newest first)
    was posted: that update first in `incident_updates`, and nothing said after it. Its
    components and the page's indicator are as they are now (an update sent late, in a
    catch-up run, carries today's)."""
    data = incident_data(site, now, incident)
    if index:
        update = incident.updates[index]
        shown = data[statuspage.UPDATES][index:]
        data[statuspage.UPDATES] = shown
        data["status"] = shown[0][statuspage.UPDATE_STATUS]
        at = statuspage.format_time(update.time)
        data["updated_at"] = at
        for name in ("resolved_at", "monitoring_at"):
            if data.get(name) is not None and data[name] > at:
                data[name] = None
    return _dump({"meta": _meta(site), "page": now.page, "incident": data})


def component_payload(
    site: Site,
    now: Now,
    component_id: str,
    old: ComponentStatus,
    new: ComponentStatus,
    at: datetime,
) -> bytes:
    when = statuspage.format_time(at)
    component = now.component(component_id)
    component.update(status=new.value, updated_at=when)
    change = {
        "id": f"{component_id}-{at.astimezone(UTC):%Y%m%dt%H%M%Sz}",
        "component_id": component_id,
        "old_status": old.value,
        "new_status": new.value,
        "created_at": when,
    }
    return _dump(
        {"meta": _meta(site), "page": now.page, "component_update": change, "component": component}
    )


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str


def chat_message(site: Site, incident: Incident, index: int | None) -> ChatMessage:
    """One update, or (`index` None) the reminder before a maintenance window, in the words
    of the page and with a link to the incident."""
    zone = site.info.zone
    names = [site.info.name_of(c) for c, _ in incident.components]
    link = urls.incident_url(site.info.base_url, incident.slug)
    if index is None:
        assert incident.scheduled_start is not None and incident.scheduled_end is not None
        start, end = incident.scheduled_start, incident.scheduled_end
        lines = [words.reminder(start, end, zone), words.affects(names)]
        title = words.reminder_title(incident.title, start, zone)
        return ChatMessage(title, "\n\n".join([*lines, link]))
    update = incident.updates[index]
    lines = [
        words.show_time(update.time, zone),
        update.text,
        *words.promised_lines(update, zone),
        words.affects(names),
        urls.update_url(site.info.base_url, incident.slug, update),
    ]
    title = words.entry_title(incident.title, update.status)
    return ChatMessage(title, "\n\n".join(line for line in lines if line))
