"""`maintenance.ics`: every maintenance window, for calendars that subscribe to it."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from statusgen import urls, words
from statusgen.model import Incident, Site


def render_calendar(site: Site) -> dict[str, bytes]:
    info = site.info
    host = urlsplit(info.base_url).hostname or "statusgen"
    calendar = Calendar()
    calendar.add("prodid", "-//statusgen//maintenance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", words.calendar_name(info.title))
    works = [i for i in site.incidents if i.is_maintenance]
    for incident in sorted(works, key=lambda i: (i.started, i.slug)):
        url = urls.incident_url(info.base_url, incident.slug)
        event = Event()
        event.add("uid", f"{incident.slug}@{host}")
        # DTSTAMP must be present; the newest update keeps it stable between builds.
        stamp = incident.updates[0].time if incident.updates else incident.started
        event.add("dtstamp", stamp.astimezone(UTC))
        # UTC throughout: a TZID would need a VTIMEZONE block that many clients get wrong.
        event.add("dtstart", _utc(incident.scheduled_start))
        event.add("dtend", _utc(incident.scheduled_end))
        event.add("summary", words.calendar_summary(incident.title))
        event.add("description", _description(incident, site) + f"\n\n{url}")
        event.add("url", url)
        event.add("status", "CONFIRMED")
        # Each update may move the window; a higher SEQUENCE tells calendars to take the change.
        event.add("sequence", len(incident.updates))
        calendar.add_component(event)
    return {urls.CALENDAR: calendar.to_ical()}


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None, "maintenance always has a window"
    return moment.astimezone(UTC)


def _description(incident: Incident, site: Site) -> str:
    """Which components are affected, and the announcement in the author's words."""
    names = [site.info.name_of(c) for c, _ in incident.components]
    text = words.affects(names)
    if incident.updates:
        text += "\n\n" + incident.updates[-1].text
    return text
