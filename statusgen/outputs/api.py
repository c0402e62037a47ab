"""The Atlassian Statuspage public API v2, field for field and value for value, so tools that
read Statuspage read us unchanged. Names, enums and times come from `statusgen.statuspage`,
which `import statuspage` reads with too."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from statusgen import parallel, statuspage, urls, words
from statusgen.digest import digest, digest_fields
from statusgen.model import ComponentStatus, Incident, Site, UpdateStatus, Window
from statusgen.outputs.pages import PageKeys
from statusgen.state import status
from statusgen.state.clock import local_date

PARALLEL_FILES = 300  # forking pays off only when there are enough files to share out
LIMIT = 50  # Statuspage's incidents.json and scheduled-maintenances.json hold the newest 50
# A component nothing has ever changed: the time it was created is not in any file, and the
# build's time would make every build look like a change.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Api:
    """The API's files, and the keys of the per-incident files a later build may reuse."""

    files: dict[str, bytes] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)


def _time(moment: datetime | None) -> str | None:
    return statuspage.format_time(moment) if moment is not None else None


def _page_id(site: Site) -> str:
    """`https://status.example.com/` → `status-example-com`."""
    return statuspage.component_id(site.info.base_url.split("://", 1)[-1])


def _page(site: Site, updated: datetime) -> dict[str, Any]:
    info = site.info
    return {
        "id": _page_id(site),
        "name": info.title,
        "url": info.base_url,
        "time_zone": info.timezone,
        "updated_at": statuspage.format_time(updated),
    }


def _last_change(site: Site, component_id: str) -> datetime | None:
    now = site.now
    return max(
        (t for i in site.by_component.get(component_id, ()) for t in i.status_changes if t <= now),
        default=None,
    )


@dataclass(frozen=True)
class _Components:
    """Every component as the API lists it, by id, in the order of their positions."""

    listed: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]
    statuses: dict[str, ComponentStatus]
    changed: dict[str, datetime]  # each component's last status change

    @property
    def updated(self) -> datetime:
        """The last change of any component."""
        return max(self.changed.values(), default=NEVER)


def _components(site: Site, page_id: str) -> _Components:
    statuses = status.component_statuses(site)
    begins = site.history_begins
    start_date = local_date(begins, site.info.zone).isoformat() if begins else None

    created: dict[str, datetime] = {}
    changed: dict[str, datetime] = {}

    def entry(component_id: str, name: str, description: str, position: int) -> dict[str, Any]:
        last = _last_change(site, component_id)
        state = statuses.get(component_id, ComponentStatus.OPERATIONAL)
        created[component_id] = min((t for t in (begins, last) if t is not None), default=NEVER)
        changed[component_id] = last or created[component_id]
        return {
            "id": component_id,
            "name": name,
            "status": state.value,
            "created_at": statuspage.format_time(created[component_id]),
            "updated_at": statuspage.format_time(changed[component_id]),
            "position": position,
            "description": description or None,
            "showcase": True,
            "start_date": start_date,
            "group_id": None,
            "page_id": page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    listed: list[dict[str, Any]] = []
    top = 0
    for group in status.groups(site, statuses):
        if group.name is None:
            for component in group.components:
                top += 1
                listed.append(entry(component.id, component.name, component.description, top))
            continue
        top += 1
        group_id = "group-" + statuspage.component_id(group.name)
        members = []
        for position, component in enumerate(group.components, start=1):
            member = entry(component.id, component.name, component.description, position)
            member["group_id"] = group_id
            members.append(member)
        shown = entry(group_id, group.name, "", top)
        created[group_id] = min(created[c.id] for c in group.components)
        changed[group_id] = max(changed[c.id] for c in group.components)
        listed.append(
            {
                **shown,
                "status": group.status.value,
                "created_at": statuspage.format_time(created[group_id]),
                "updated_at": statuspage.format_time(changed[group_id]),
                "showcase": False,
                "group": True,
                "components": [m["id"] for m in members],
            }
        )
        listed.extend(members)
    return _Components(listed, {c["id"]: c for c in listed if not c["group"]}, statuses, changed)


def page_status_now(site: Site, components: _Components) -> tuple[str, str]:
    """Statuspage's indicator and description for the whole page."""
    open_impacts = [i.impact for i in status.active(site) if not i.is_maintenance]
    return statuspage.top_level(
        [components.statuses[c.id] for c in site.info.components], open_impacts
    )


@dataclass(frozen=True)
class Now:
    """What the API says at `site.now`, for messages about one incident or component."""

    page_id: str
    components: _Components
    indicator: str
    description: str

    @property
    def page(self) -> dict[str, str]:
        """The `page` of Statuspage's webhook payloads."""
        return {
            "id": self.page_id,
            "status_indicator": self.indicator,
            "status_description": self.description,
        }

    def component(self, component_id: str) -> dict[str, Any]:
        return dict(self.components.by_id[component_id])


def api_now(site: Site) -> Now:
    page_id = _page_id(site)
    components = _components(site, page_id)
    return Now(page_id, components, *page_status_now(site, components))


def incident_data(site: Site, now: Now, incident: Incident) -> dict[str, Any]:
    """The incident as the API's files have it."""
    return _incident(site, incident, now.components, now.page_id)


def _status(incident: Incident, now: datetime) -> str:
    """The incident's status now: its newest status other than a follow-up (a postmortem
    stays one), with a maintenance following its window."""
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


def _updated(incident: Incident, now: datetime) -> datetime:
    """The last change to the incident: its newest update, or the opening of a maintenance
    window, which changes its status without anyone posting."""
    latest = incident.updates[0].time if incident.updates else incident.started
    opened = incident.scheduled_start
    if (
        incident.is_maintenance
        and opened is not None
        and latest < opened <= now
        and _status(incident, now) == UpdateStatus.IN_PROGRESS.value
    ):
        return opened
    return latest


def _moves(incident: Incident) -> tuple[int, int]:
    """The updates (indexes, newest first) that moved the components: the one they went
    down with, and the one they came back with (-1: none)."""
    oldest = len(incident.updates) - 1
    if incident.is_maintenance:
        down = next(
            (
                i
                for i in range(oldest, -1, -1)
                if incident.updates[i].status is UpdateStatus.IN_PROGRESS
            ),
            -1,
        )
        back = UpdateStatus.COMPLETED
    else:
        down, back = oldest, UpdateStatus.RESOLVED
    up = next((i for i, u in enumerate(incident.updates) if u.status is back), -1)
    return down, up


def _incident(
    site: Site, incident: Incident, components: _Components, page_id: str
) -> dict[str, Any]:
    zone = site.info.zone
    down, up = _moves(incident)

    def affected(went_down: bool) -> list[dict[str, Any]]:
        return [
            {
                "code": c,
                "name": site.info.name_of(c),
                "old_status": "operational" if went_down else s.value,
                "new_status": s.value if went_down else "operational",
            }
            for c, s in incident.components
        ]

    updates = []
    for index, (update, said) in enumerate(
        zip(incident.updates, statuspage.update_statuses(incident), strict=True)
    ):
        at = statuspage.format_time(update.time)
        # The promises an update made are part of what customers were told, as on the page.
        body = "\n\n".join(t for t in [update.text, *words.promised_lines(update, zone)] if t)
        moved = affected(True) if index == down else affected(False) if index == up else None
        anchor = urls.update_anchor(update).removeprefix("update-").lower()
        updates.append(
            {
                "id": f"{incident.slug}-{anchor}",
                statuspage.UPDATE_STATUS: said,
                statuspage.UPDATE_BODY: body,
                "incident_id": incident.slug,
                "created_at": at,
                "updated_at": at,
                "display_at": at,
                statuspage.AFFECTED: moved,
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            }
        )
    monitoring = next(
        (u.time for u in reversed(incident.updates) if u.status is UpdateStatus.MONITORING), None
    )
    times = {f.api: _time(getattr(incident, f.attribute)) for f in statuspage.TIME_FIELDS}
    data: dict[str, Any] = {
        "id": incident.slug,
        statuspage.TITLE.api: incident.title,
        "status": _status(incident, site.now),
        "created_at": statuspage.format_time(
            incident.updates[-1].time if incident.updates else incident.started
        ),
        "updated_at": statuspage.format_time(_updated(incident, site.now)),
        "monitoring_at": _time(monitoring),
        "resolved_at": times["resolved_at"],
        statuspage.IMPACT.api: statuspage.impact_of(incident),
        "shortlink": urls.incident_url(site.info.base_url, incident.slug),
        "started_at": times["started_at"],
        "page_id": page_id,
        statuspage.UPDATES: updates,
        "components": [
            components.by_id[c] for c, _ in incident.components if c in components.by_id
        ],
    }
    if incident.is_maintenance:
        # The window, under the names an import reads it back from.
        data.update({name: time for name, time in times.items() if name not in data})
    return data


def _dump(data: dict[str, Any]) -> bytes:
    """Compact, as Statuspage serves it: indenting would make Python's JSON encoder fall back
    from C to pure Python, which cost three quarters of the API's time at ten thousand files
    (browsers and `jq` lay it out for reading)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def render_api(
    site: Site,
    code: str = "",
    published: Mapping[str, str] | None = None,
    held: PageKeys | None = None,
) -> Api:
    """Every endpoint of the API. The file for each incident is made only when the copy
    `published` holds is not the same (there is one per incident, ten thousand on a large
    site, and most never change again); `held` has the keys of settled ones from the build
    before."""
    now = site.now
    page_id = _page_id(site)
    components = _components(site, page_id)
    incidents = [i for i in site.incidents if not i.is_maintenance]
    works = sorted(
        (i for i in site.incidents if i.is_maintenance), key=lambda i: i.started, reverse=True
    )
    upcoming = [i for i in works[::-1] if status.window(i, now) is Window.UPCOMING]
    open_now = (Window.IN_PROGRESS, Window.OVERRUN)
    active = [i for i in works[::-1] if status.window(i, now) in open_now]
    unresolved = status.unresolved(site)
    made: dict[str, dict[str, Any]] = {}
    page_status = page_status_now(site, components)

    def full(items: Iterable[Incident]) -> list[dict[str, Any]]:
        found = []
        for incident in items:
            if incident.slug not in made:
                made[incident.slug] = _incident(site, incident, components, page_id)
            found.append(made[incident.slug])
        return found

    state = {"indicator": page_status[0], "description": page_status[1]}
    lists = {
        "incidents.json": ("incidents", full(incidents[:LIMIT])),
        "incidents/unresolved.json": ("incidents", full(unresolved)),
        "scheduled-maintenances.json": ("scheduled_maintenances", full(works[:LIMIT])),
        "scheduled-maintenances/upcoming.json": ("scheduled_maintenances", full(upcoming)),
        "scheduled-maintenances/active.json": ("scheduled_maintenances", full(active)),
    }
    summary_incidents = full(unresolved)
    summary_works = full([*active, *upcoming])
    page = _page(site, max([components.updated, *(_updated(i, now) for i in site.incidents)]))
    api = Api()
    api.files[urls.api("summary.json")] = _dump(
        {
            "page": page,
            "components": components.listed,
            "incidents": summary_incidents,
            "scheduled_maintenances": summary_works,
            "status": state,
        }
    )
    api.files[urls.api("status.json")] = _dump({"page": page, "status": state})
    api.files[urls.api("components.json")] = _dump({"page": page, "components": components.listed})
    for name, (key, items) in lists.items():
        api.files[urls.api(name)] = _dump({"page": page, key: items})
    _each_incident(site, code, published, held, components, page_id, made, api)
    return api


def _each_incident(
    site: Site,
    code: str,
    published: Mapping[str, str] | None,
    held: PageKeys | None,
    components: _Components,
    page_id: str,
    made: dict[str, dict[str, Any]],
    api: Api,
) -> None:
    """`incidents/<id>.json` for every incident and maintenance. Its `page.updated_at` is the
    last change to what the file says (the incident and its components), so that a client
    watching one incident sees a change only when that incident changes."""
    # Every component in a file carries `created_at` and `start_date`: where history begins.
    begins = site.history_begins.isoformat() if site.history_begins else ""
    salt = digest(code, site.info.key, "api", begins)
    signs = {
        c["id"]: f"{c['id']}:{c['status']}:{c['updated_at']}" for c in components.by_id.values()
    }
    unsettled = {id(i) for i in site.unsettled}  # by identity: hashing an incident is slow
    todo: list[tuple[str, Incident]] = []
    for incident in site.incidents:
        path = urls.api(f"incidents/{incident.slug}.json")
        parts = (salt, *(signs[c] for c, _ in incident.components if c in signs))
        # Only an unsettled incident's status can change with the clock alone.
        settled = id(incident) not in unsettled
        found = held.get(path, (incident,), parts, site.now) if held and settled else None
        if found is not None:
            key = found[1]
        else:
            key = digest_fields(
                *parts,
                incident.slug,
                incident.source,
                _status(incident, site.now),
                _updated(incident, site.now).isoformat(),
            )
            if held is not None and settled:
                held.put(path, (incident,), parts, incident.last_time, key)
        api.keys[path] = key
        if published is not None and published.get(path) == key:
            api.reused.add(path)
        else:
            todo.append((path, incident))
    if held is not None:
        held.turn()

    def draw(part: Sequence[tuple[str, Incident]]) -> list[bytes]:
        drawn = []
        for _, incident in part:
            data = made.get(incident.slug) or _incident(site, incident, components, page_id)
            latest = max(
                [
                    _updated(incident, site.now),
                    *(components.changed[c] for c, _ in incident.components if c in signs),
                ]
            )
            drawn.append(_dump({"page": _page(site, latest), "incident": data}))
        return drawn

    drawn = parallel.split(draw, todo, minimum=PARALLEL_FILES)
    api.files.update((path, data) for (path, _), data in zip(todo, drawn, strict=True))
