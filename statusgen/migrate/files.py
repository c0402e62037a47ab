"""An imported record as the text of an incident file, in the layout `statusgen new` writes:
the sections it cannot know left with their prompts, every update under `## Updates`."""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo

from statusgen import words
from statusgen.authoring.scaffold import heading_time, prompted_sections, slugify, stamp
from statusgen.migrate.record import ImportedComponent, ImportedIncident
from statusgen.model import (
    FOLLOW_UPS,
    IMPACT_STATUS,
    ComponentStatus,
    Kind,
    UpdateStatus,
)
from statusgen.statuspage import IMPACT, TIME_FIELDS, TITLE

# The first line of an imported file's front matter: how a later import knows it.
MARKER = "# Imported by statusgen from "
FOUND = re.compile(r"^# Imported by statusgen from (\S+ \S+?)[.;]?(?:\s|$)", re.MULTILINE)


def base_slug(record: ImportedIncident, zone: tzinfo) -> str:
    return f"{record.day.astimezone(zone):%Y-%m-%d}-{slugify(record.title)}"


def unique_slug(record: ImportedIncident, zone: tzinfo) -> str:
    """The slug for a record whose base slug another incident holds: its own id added."""
    tail = re.sub(r"[^a-z0-9]+", "-", record.origin.split(" ", 1)[1].lower()).strip("-")
    return f"{base_slug(record, zone)}-{tail[:12] or 'imported'}"


def incident_text(record: ImportedIncident, ids: list[str]) -> str:
    """The file for `record`, naming its components by `ids` (one per component, in order)."""
    kind = record.kind
    source = f"{MARKER}{record.origin}" + (f"; the original: {record.link}" if record.link else "")
    front = [source, f"{TITLE.key_for(kind)}: {json.dumps(record.title, ensure_ascii=False)}"]
    if kind is Kind.MAINTENANCE:
        front.append("kind: maintenance")
    else:
        front.append(f"{IMPACT.key_for(kind)}: {record.impact.value}")
    front.append(_components(record, ids))
    for field in TIME_FIELDS:
        key = field.key_for(kind)
        moment = _time(record, field.api)
        if key and moment is not None:
            front.append(f"{key}: {stamp(moment)}")
    updates = "\n".join(
        f"### {heading_time(u.time)} — {words.label(u.status)}\n{u.markdown}\n".replace(
            "\n\n\n", "\n\n"
        )
        for u in reversed(record.updates)
    )
    return (
        "---\n"
        + "".join(f"{line}\n" for line in front)
        + "---\n\n"
        + prompted_sections(kind is Kind.MAINTENANCE)
        + "\n## Updates\n"
        + (f"\n{updates}" if updates else "")
    )


def _components(record: ImportedIncident, ids: list[str]) -> str:
    """A list when every component has the status the impact implies, else `id: status`.
    `ids` name the record's components in order (two may share an id), or stand in for them."""
    implied = IMPACT_STATUS[record.impact]
    worst: dict[str, ComponentStatus] = {}
    for given, component in zip(ids, record.components, strict=False):
        status = component.status or implied
        if given not in worst or status.severity > worst[given].severity:
            worst[given] = status
    unique = list(dict.fromkeys(ids))
    statuses = [worst.get(i, implied) for i in unique]
    listed = f"components: [{', '.join(unique)}]"
    if record.kind is Kind.MAINTENANCE or all(s is implied for s in statuses):
        return listed
    if ComponentStatus.OPERATIONAL in statuses:  # only a list can say "as the impact says"
        return listed
    return (
        "components: {"
        + ", ".join(f"{i}: {s.value}" for i, s in zip(unique, statuses, strict=True))
        + "}"
    )


def _time(record: ImportedIncident, api: str) -> datetime | None:
    """The time for a front-matter key. `resolved:` is the closing update's time when there
    is one (the two must agree), and left out when a later update reopened the incident."""
    if api != "resolved_at":
        return record.times.get(api)
    final = UpdateStatus.COMPLETED if record.kind is Kind.MAINTENANCE else UpdateStatus.RESOLVED
    phase = next((u for u in reversed(record.updates) if u.status not in FOLLOW_UPS), None)
    if phase is not None and phase.status is final:
        return phase.time
    resolved = record.times.get(api)
    if resolved is None or (phase is not None and phase.time > resolved):
        return None
    return resolved


def components_toml(new: dict[str, ImportedComponent]) -> str:
    """`[[components]]` tables for statusgen.toml, one per component the site lacks."""
    blocks = []
    for component_id, component in new.items():
        lines = ["[[components]]", f"id = {json.dumps(component_id)}"]
        lines.append(f"name = {json.dumps(component.name, ensure_ascii=False)}")
        if component.group:
            lines.append(f"group = {json.dumps(component.group, ensure_ascii=False)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
