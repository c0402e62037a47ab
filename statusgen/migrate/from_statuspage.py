"""Statuspage's JSON (incidents, scheduled maintenances, single incidents, components) as
records to write, read through the one field mapping in `statusgen.statuspage`."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from statusgen import statuspage as sp
from statusgen.migrate.record import (
    ImportedComponent,
    ImportedIncident,
    ImportedUpdate,
    Unreadable,
)
from statusgen.migrate.text import markdown_from_plain
from statusgen.model import INVISIBLE, ComponentStatus, Impact, Kind, UpdateStatus
from statusgen.problems import Problems

_LISTS = ("incidents", "scheduled_maintenances")


def records(name: str, data: Any, problems: Problems) -> Iterator[dict[str, Any]]:
    """The incident objects in one document, whatever kind of Statuspage file it is."""
    if isinstance(data, list):
        data = {"incidents": data}
    if not isinstance(data, dict):
        problems.error(Path(name), 1, _NOT_STATUSPAGE)
        return
    found = False
    for key in _LISTS:
        if isinstance(data.get(key), list):
            found = True
            yield from (i for i in data[key] if isinstance(i, dict))
    if isinstance(data.get("incident"), dict):
        found = True
        yield data["incident"]
    elif sp.UPDATES in data:
        found = True
        yield data
    # components.json and status.json hold nothing to import, but a saved copy of a page's
    # whole API folder has them: they are no mistake.
    other_endpoint = isinstance(data.get("components"), list) or (
        isinstance(data.get("page"), dict) and isinstance(data.get("status"), dict)
    )
    if not found and not other_endpoint:
        problems.error(Path(name), 1, _NOT_STATUSPAGE)


_NOT_STATUSPAGE = (
    "is not Statuspage JSON: expected `incidents` (incidents.json), `scheduled_maintenances` "
    "(scheduled-maintenances.json) or `incident` (incidents/<id>.json)"
)


def groups(documents: list[tuple[str, Any]]) -> dict[str, str]:
    """Component id → the name of its group, from every component object seen."""
    objects = list(_component_objects(documents))
    objects = [c for c in objects if isinstance(c.get("id"), str)]
    group_names = {c["id"]: _text(c.get("name")) for c in objects if c.get("group") is True}
    return {
        c["id"]: group_names[c["group_id"]]
        for c in objects
        if isinstance(c.get("group_id"), str) and c["group_id"] in group_names
    }


def _component_objects(documents: list[tuple[str, Any]]) -> Iterator[dict[str, Any]]:
    for _, data in documents:
        if not isinstance(data, dict):
            continue
        lists = [data.get("components")]
        for key in _LISTS:
            lists += [i.get("components") for i in data.get(key) or [] if isinstance(i, dict)]
        if isinstance(data.get("incident"), dict):
            lists.append(data["incident"].get("components"))
        for found in lists:
            if isinstance(found, list):
                yield from (c for c in found if isinstance(c, dict) and "id" in c)


def incident(data: dict[str, Any], group_of: dict[str, str]) -> ImportedIncident:
    """One Statuspage incident or maintenance; Unreadable if it cannot be one of ours."""
    identity = str(data.get("id") or "").strip()
    title = _text(data.get(sp.TITLE.api))
    if not identity or not title:
        raise Unreadable("an incident without an `id` or a `name`")
    # Statuspage lists updates newest first: reversed before the (stable) sort, two updates
    # posted in the same second keep their order, a resolution after its investigation.
    raw = sorted(list(_raw_updates(data))[::-1], key=lambda u: u[0])
    statuses = [status for _, status, _ in raw]
    kind = (
        Kind.MAINTENANCE
        if sp.is_maintenance(data.get("impact"), statuses, bool(data.get("scheduled_for")))
        else Kind.INCIDENT
    )
    allowed = sp.MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else sp.INCIDENT_STATUSES
    wrong = [s for s in statuses if s not in allowed]
    if wrong:
        raise Unreadable(f"update status `{wrong[0]}` is not one of {', '.join(allowed)}")
    updates = [
        ImportedUpdate(time, status, markdown_from_plain(body))
        for (time, _, body), status in zip(raw, sp.our_statuses(statuses), strict=True)
    ]
    times = _times(data, raw)
    if kind is Kind.MAINTENANCE:
        times.setdefault("scheduled_for", times["started_at"])
        times.setdefault("scheduled_until", times.get("resolved_at", times["scheduled_for"]))
    impact = data.get(sp.IMPACT.api)
    return ImportedIncident(
        origin=f"Statuspage {identity}",
        title=title,
        kind=kind,
        impact=Impact(impact) if impact in sp.IMPACTS else Impact.NONE,
        components=_components(data, kind, group_of),
        times=times,
        updates=tuple(updates) + _postmortem(data, statuses),
        link=str(data["shortlink"]) if data.get("shortlink") else None,
    )


def _raw_updates(data: dict[str, Any]) -> Iterator[tuple[datetime, str, str]]:
    for update in data.get(sp.UPDATES) or []:
        time = _first_time(update, sp.UPDATE_TIME_FROM)
        if time is None:
            raise Unreadable("an update without a time")
        yield time, str(update.get(sp.UPDATE_STATUS) or ""), str(update.get(sp.UPDATE_BODY) or "")


def _postmortem(data: dict[str, Any], statuses: list[str]) -> tuple[ImportedUpdate, ...]:
    """A postmortem published with the incident rather than as an update."""
    body, at = data.get(sp.POSTMORTEM_BODY), _first_time(data, (sp.POSTMORTEM_AT,))
    if not body or at is None or "postmortem" in statuses:
        return ()
    return (ImportedUpdate(at, UpdateStatus.POSTMORTEM, markdown_from_plain(str(body))),)


def _times(data: dict[str, Any], raw: list[tuple[datetime, str, str]]) -> dict[str, datetime]:
    times: dict[str, datetime] = {}
    started = _first_time(data, sp.STARTED_FROM) or (raw[0][0] if raw else None)
    if started is None:
        raise Unreadable("an incident without `started_at` or `created_at`")
    times["started_at"] = started
    for field in sp.TIME_FIELDS:
        moment = _first_time(data, (field.api,))
        if moment is not None and field.api != "started_at":
            times[field.api] = moment
    return times


def _first_time(data: dict[str, Any], names: tuple[str, ...]) -> datetime | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            try:
                return sp.parse_time(value)
            except ValueError:
                raise Unreadable(f"`{name}` is not a time: {value!r}") from None
    return None


def _components(
    data: dict[str, Any], kind: Kind, group_of: dict[str, str]
) -> tuple[ImportedComponent, ...]:
    """The incident's components by name, each with the worst status an update gave it."""
    names: dict[str, str] = {}  # Statuspage id (or name) → name, in the order first seen
    worst: dict[str, ComponentStatus] = {}
    for component in data.get("components") or []:
        if isinstance(component, dict) and component.get("name") and not component.get("group"):
            names.setdefault(
                str(component.get("id") or component["name"]), _text(component["name"])
            )
    for update in data.get(sp.UPDATES) or []:
        for change in update.get(sp.AFFECTED) or []:
            if not isinstance(change, dict) or not change.get("name"):
                continue
            key = str(change.get("code") or change["name"])
            names.setdefault(key, _text(change["name"]))
            status = change.get("new_status")
            if kind is Kind.INCIDENT and status in sp.COMPONENT_STATUSES:
                new = ComponentStatus(status)
                if new is not ComponentStatus.OPERATIONAL and (
                    key not in worst or new.severity > worst[key].severity
                ):
                    worst[key] = new
    return tuple(
        ImportedComponent(name, worst.get(key), group_of.get(key)) for key, name in names.items()
    )


def _text(value: object) -> str:
    """A name as one line of plain text, with its entities decoded."""
    if value is not None and not isinstance(value, str | int | float):
        raise Unreadable(f"a name is {type(value).__name__}, not text: {str(value)[:60]}")
    return " ".join(INVISIBLE.sub("", html.unescape(str(value or ""))).split())
