"""`api/v2/` against Atlassian Statuspage's public API v2, so a tool written for Statuspage reads
our site unchanged (SPEC §3).

Every endpoint a purpose-built site publishes is compared with a response in Statuspage's shape
(`tests/fixtures/statuspage-docs/`, whose README says where each shape comes from): for each kind
of object (page, component, group component, incident, incident update, affected component,
scheduled maintenance, status) the same keys, the same JSON types, null only where Statuspage's
documentation shows it, values only from Statuspage's documented sets, and every time written as
`2026-11-20T14:50:00.000Z`. Then the lists: positions, what is unresolved, upcoming and active.

The enums below are written from Statuspage's documentation, not imported from
`statusgen.statuspage`: a test that imported them would agree with any mistake made there.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, make_incident

from statusgen.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "statuspage-docs"

# --- Statuspage's documented values ------------------------------------------------------------

INCIDENT_STATUSES = frozenset(
    {"investigating", "identified", "monitoring", "resolved", "postmortem"}
)
UNRESOLVED_STATUSES = frozenset({"investigating", "identified", "monitoring"})
MAINTENANCE_STATUSES = frozenset({"scheduled", "in_progress", "verifying", "completed"})
ACTIVE_STATUSES = frozenset({"in_progress", "verifying"})
INCIDENT_IMPACTS = frozenset({"none", "minor", "major", "critical"})
MAINTENANCE_IMPACTS = INCIDENT_IMPACTS | {"maintenance"}
COMPONENT_STATUSES = frozenset(
    {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
)
INDICATORS = frozenset({"none", "minor", "major", "critical", "maintenance"})
# The seven top-level texts ("Top-level status and incident impact calculations") and the
# indicator of each one's colour: red critical, orange major, yellow minor, blue maintenance.
TOP_LEVEL = {
    "All Systems Operational": "none",
    "Major System Outage": "critical",
    "Partial System Outage": "major",
    "Minor Service Outage": "minor",
    "Degraded System Service": "minor",
    "Partially Degraded Service": "minor",
    "Service Under Maintenance": "maintenance",
}

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TIME_EXAMPLE = "2026-11-20T14:50:00.000Z"
LOOKS_LIKE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")  # a component's `start_date` is a day, not a time
TIME_KEYS = frozenset(
    {
        "created_at",
        "updated_at",
        "monitoring_at",
        "resolved_at",
        "started_at",
        "display_at",
        "scheduled_for",
        "scheduled_until",
    }
)

# Kinds of object.
PAGE = "page"
STATUS = "status"
COMPONENT = "component"
GROUP = "group component"
INCIDENT = "incident"
MAINTENANCE = "scheduled maintenance"
UPDATE = "incident_update"
AFFECTED = "affected_component"

# Where Statuspage's documentation shows null, and the type a value has when it is not null.
NULLABLE: dict[str, dict[str, str]] = {
    COMPONENT: {"description": "string", "start_date": "string", "group_id": "string"},
    GROUP: {"description": "string", "start_date": "string", "group_id": "string"},
    INCIDENT: {"monitoring_at": "string", "resolved_at": "string"},
    MAINTENANCE: {"monitoring_at": "string", "resolved_at": "string"},
    UPDATE: {"affected_components": "array", "custom_tweet": "string", "tweet_id": "string"},
}

ENUMS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (COMPONENT, "status"): ("component statuses", COMPONENT_STATUSES),
    (GROUP, "status"): ("component statuses", COMPONENT_STATUSES),
    (AFFECTED, "old_status"): ("component statuses", COMPONENT_STATUSES),
    (AFFECTED, "new_status"): ("component statuses", COMPONENT_STATUSES),
    (INCIDENT, "status"): ("incident statuses", INCIDENT_STATUSES),
    (INCIDENT, "impact"): ("incident impacts", INCIDENT_IMPACTS),
    (MAINTENANCE, "status"): ("maintenance statuses", MAINTENANCE_STATUSES),
    (MAINTENANCE, "impact"): ("maintenance impacts", MAINTENANCE_IMPACTS),
    (STATUS, "indicator"): ("indicators", INDICATORS),
    (STATUS, "description"): ("seven top-level texts", frozenset(TOP_LEVEL)),
}

# Our path under api/v2/ → the fixture with Statuspage's response for it.
ENDPOINTS = {
    "summary.json": "summary",
    "status.json": "status",
    "components.json": "components",
    "incidents.json": "incidents",
    "incidents/unresolved.json": "incidents-unresolved",
    "scheduled-maintenances.json": "scheduled-maintenances",
    "scheduled-maintenances/upcoming.json": "scheduled-maintenances-upcoming",
    "scheduled-maintenances/active.json": "scheduled-maintenances-active",
}
SINGLE = "incident"  # the fixture for every incidents/<id>.json
SINGLE_EXAMPLE = "incidents/m8w2b6n4zd9r.json"  # the fixture's own incident, as its endpoint

# --- walking a document ------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One object of a document: its kind, where it is, and (for an update) whose it is."""

    kind: str
    path: str
    value: Any
    within: str = ""


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def fixture_name(endpoint: str) -> str:
    if endpoint in ENDPOINTS:
        return ENDPOINTS[endpoint]
    if re.fullmatch(r"incidents/[^/]+\.json", endpoint):
        return SINGLE
    raise KeyError(f"{endpoint} is not an endpoint of Statuspage's API v2")


def _document_kind(name: str) -> str:
    return f"{name} document"


def walk(endpoint: str, document: Any, single_kind: str = INCIDENT) -> Iterator[Node]:
    """Every object of `document`, outermost first, each with its kind."""
    yield Node(_document_kind(fixture_name(endpoint)), "$", document)
    if not isinstance(document, dict):
        return
    for key, kind in (("page", PAGE), ("status", STATUS), ("incident", single_kind)):
        if key in document:
            yield from _objects(kind, f"$.{key}", document[key])
    lists = (
        ("components", COMPONENT),
        ("incidents", INCIDENT),
        ("scheduled_maintenances", MAINTENANCE),
    )
    for key, kind in lists:
        yield from _items(kind, "$", key, document.get(key))


def _items(kind: str, path: str, key: str, items: Any, within: str = "") -> Iterator[Node]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            yield from _objects(kind, f"{path}.{key}[{index}]", item, within)


def _objects(kind: str, path: str, value: Any, within: str = "") -> Iterator[Node]:
    if kind == COMPONENT and isinstance(value, dict) and value.get("group") is True:
        kind = GROUP
    yield Node(kind, path, value, within)
    if not isinstance(value, dict):
        return
    if kind in (INCIDENT, MAINTENANCE):
        yield from _items(UPDATE, path, "incident_updates", value.get("incident_updates"), kind)
        yield from _items(COMPONENT, path, "components", value.get("components"))
    elif kind == UPDATE:
        yield from _items(AFFECTED, path, "affected_components", value.get("affected_components"))


def _strings(value: Any, path: str = "$", key: str = "") -> Iterator[tuple[str, str, str]]:
    """Every string of a document, with its path and the key it is under."""
    if isinstance(value, str):
        yield path, key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}", k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]", key)


# --- what Statuspage's responses look like -----------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One kind of object as the fixtures show it: its keys and each one's JSON type."""

    keys: frozenset[str]
    types: dict[str, str]


@functools.cache
def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def fixture_endpoint(name: str) -> str:
    if name == SINGLE:
        return SINGLE_EXAMPLE
    return next(endpoint for endpoint, n in ENDPOINTS.items() if n == name)


def fixture_documents() -> dict[str, Any]:
    return {fixture_endpoint(n): fixture(n) for n in [*ENDPOINTS.values(), SINGLE]}


@functools.cache
def templates() -> dict[str, Template]:
    """Each kind's keys and types, learnt from every fixture; fixtures that disagree with each
    other about a kind are a mistake in the fixtures, and fail here."""
    keys: dict[str, frozenset[str]] = {}
    types: dict[str, dict[str, str]] = {}
    for endpoint, document in fixture_documents().items():
        for node in walk(endpoint, document):
            assert isinstance(node.value, dict), f"fixture {endpoint} {node.path} is no object"
            seen = keys.setdefault(node.kind, frozenset(node.value))
            assert seen == set(node.value), (
                f"fixtures disagree on the keys of a {node.kind}: {endpoint} {node.path} has "
                f"{sorted(node.value)}, another has {sorted(seen)}"
            )
            known = types.setdefault(node.kind, dict(NULLABLE.get(node.kind, {})))
            for key, value in node.value.items():
                if value is not None:
                    assert known.setdefault(key, json_type(value)) == json_type(value), (
                        f"fixtures disagree on the type of {node.kind}.{key} at {endpoint} "
                        f"{node.path}"
                    )
    return {kind: Template(keys[kind], types[kind]) for kind in keys}


# --- the checker -------------------------------------------------------------------------------

Say = Callable[[str, str], None]  # says what is wrong at a JSON path


def _a(json_kind: str) -> str:
    return ("an " if json_kind[0] in "aeiou" else "a ") + json_kind


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def check(endpoint: str, document: Any, *, single_kind: str = INCIDENT) -> list[str]:
    """Every way `document`, served at `api/v2/<endpoint>`, differs from Statuspage's shape:
    one line each, naming the endpoint, the JSON path and what was expected."""
    problems: list[str] = []

    def say(path: str, text: str) -> None:
        problems.append(f"{endpoint} {path}: {text}")

    known = templates()
    for node in walk(endpoint, document, single_kind):
        template = known[node.kind]
        if not isinstance(node.value, dict):
            say(node.path, f"is {_a(json_type(node.value))}, expected a {node.kind} object")
            continue
        present = set(node.value)
        expected = f"Statuspage's {node.kind} has exactly {sorted(template.keys)}"
        if template.keys - present:
            say(node.path, f"{node.kind} lacks {sorted(template.keys - present)}; {expected}")
        if present - template.keys:
            say(node.path, f"{node.kind} has {sorted(present - template.keys)}; {expected}")
        for key in sorted(template.keys & present):
            _check_value(node, key, template.types[key], say)
        _check_enums(node, say)
    for path, key, text in _strings(document):
        if key not in TIME_KEYS and LOOKS_LIKE_TIME.match(text) and not TIME.match(text):
            say(path, f"{text!r} is a time not written as Statuspage writes one ({TIME_EXAMPLE})")
    return problems


def _check_value(node: Node, key: str, expected: str, say: Say) -> None:
    value, path = node.value[key], f"{node.path}.{key}"
    if value is None:
        if key not in NULLABLE.get(node.kind, {}):
            say(
                path,
                f"is null, but Statuspage never sends null for a {node.kind}'s {key}: "
                f"expected {_a(expected)}",
            )
        return
    if json_type(value) != expected:
        say(path, f"is {_a(json_type(value))} ({_short(value)}), expected {_a(expected)}")
        return
    if key in TIME_KEYS and not TIME.match(value):
        say(path, f"{value!r} is not a time as Statuspage writes it, expected e.g. {TIME_EXAMPLE}")
    if key == "start_date" and not DATE.match(value):
        say(path, f"{value!r} is not a day, expected e.g. 2026-11-20")
    if node.kind == GROUP and key == "components":
        for index, member in enumerate(value):
            if not isinstance(member, str):
                say(f"{path}[{index}]", f"is {_a(json_type(member))}, expected a component id")


def _check_enums(node: Node, say: Say) -> None:
    value = node.value
    for key in value:
        rule = ENUMS.get((node.kind, key))
        if node.kind == UPDATE and key == "status":
            rule = ENUMS[(node.within, "status")] if node.within else None
        if rule is None or not isinstance(value[key], str):
            continue
        label, allowed = rule
        if value[key] not in allowed:
            hint = ""
            if node.kind == UPDATE and value[key] == "update":
                hint = " (a follow-up repeats the status of the phase it was posted in)"
            say(
                f"{node.path}.{key}",
                f"{value[key]!r} is not one of Statuspage's {label} {sorted(allowed)}{hint}",
            )
    if node.kind == GROUP and value.get("group_id") is not None:
        say(f"{node.path}.group_id", "a group is in no group: expected null")
    indicator, description = value.get("indicator"), value.get("description")
    if (
        node.kind == STATUS
        and indicator in INDICATORS
        and description in TOP_LEVEL
        and TOP_LEVEL[description] != indicator
    ):
        say(
            f"{node.path}.indicator",
            f"{indicator!r} does not go with {description!r}: expected {TOP_LEVEL[description]!r}",
        )


# --- what the lists hold -----------------------------------------------------------------------


def _time(text: Any) -> datetime | None:
    """A time in any ISO 8601 form with a zone, so that the list checks do not repeat what the
    shape checks say about how a time is written."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _entries(documents: dict[str, Any], endpoint: str, key: str) -> list[dict[str, Any]]:
    document = documents.get(endpoint)
    items = document.get(key) if isinstance(document, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _ids(items: list[dict[str, Any]]) -> list[Any]:
    return [i.get("id") for i in items]


def list_problems(documents: dict[str, Any], now: datetime) -> list[str]:
    """What Statuspage's documentation says each list holds, and in which order; `documents`
    maps endpoints to their parsed responses. An endpoint that is missing is left out here (the
    shape checks say it is missing)."""
    problems: list[str] = []
    for endpoint in ("components.json", "summary.json"):
        if endpoint in documents:
            problems += _position_problems(endpoint, _entries(documents, endpoint, "components"))

    every = _entries(documents, "incidents.json", "incidents")
    open_ids = {i.get("id") for i in every if i.get("status") in UNRESOLVED_STATUSES}
    for endpoint in ("incidents/unresolved.json", "summary.json"):
        if endpoint not in documents:
            continue
        listed = _entries(documents, endpoint, "incidents")
        for index, incident in enumerate(listed):
            if incident.get("status") not in UNRESOLVED_STATUSES:
                problems.append(
                    f"{endpoint} $.incidents[{index}].status: {incident.get('status')!r} is "
                    f"resolved; this list holds only {sorted(UNRESOLVED_STATUSES)}"
                )
        if "incidents.json" in documents and set(_ids(listed)) != open_ids:
            problems.append(
                f"{endpoint} $.incidents: holds {sorted(map(str, _ids(listed)))}, expected the "
                f"unresolved incidents of incidents.json {sorted(map(str, open_ids))}"
            )

    works = _entries(documents, "scheduled-maintenances.json", "scheduled_maintenances")
    expected_ids: dict[str, set[Any]] = {"upcoming": set(), "active": set()}
    for work in works:
        start = _time(work.get("scheduled_for"))
        if work.get("status") == "scheduled" and start is not None and start > now:
            expected_ids["upcoming"].add(work.get("id"))
        if work.get("status") in ACTIVE_STATUSES:
            expected_ids["active"].add(work.get("id"))
    for which in ("upcoming", "active"):
        endpoint = f"scheduled-maintenances/{which}.json"
        if endpoint not in documents:
            continue
        listed = _entries(documents, endpoint, "scheduled_maintenances")
        for index, work in enumerate(listed):
            problems += _window_problems(endpoint, index, work, which, now)
        if "scheduled-maintenances.json" in documents and set(_ids(listed)) != expected_ids[which]:
            problems.append(
                f"{endpoint} $.scheduled_maintenances: holds {sorted(map(str, _ids(listed)))}, "
                f"expected the {which} ones of scheduled-maintenances.json "
                f"{sorted(map(str, expected_ids[which]))}"
            )
    if "summary.json" in documents and "scheduled-maintenances.json" in documents:
        listed = _ids(_entries(documents, "summary.json", "scheduled_maintenances"))
        wanted = expected_ids["upcoming"] | expected_ids["active"]
        if set(listed) != wanted:
            problems.append(
                f"summary.json $.scheduled_maintenances: holds {sorted(map(str, listed))}, "
                f"expected the upcoming and in-progress ones {sorted(map(str, wanted))}"
            )

    for endpoint, document in documents.items():
        problems += _update_order_problems(endpoint, document)
    return problems


def _position_problems(endpoint: str, components: list[dict[str, Any]]) -> list[str]:
    """Groups and ungrouped components count their positions within the page, a group's members
    within the group; each sequence is listed in the order of its positions, from 1."""
    problems: list[str] = []
    groups = {c.get("id"): c for c in components if c.get("group") is True}
    sequences: dict[Any, list[dict[str, Any]]] = {}
    for index, component in enumerate(components):
        group_id = component.get("group_id")
        if group_id is not None and group_id not in groups:
            problems.append(
                f"{endpoint} $.components[{index}].group_id: {group_id!r} names no group "
                f"component of this list"
            )
        sequences.setdefault(group_id, []).append(component)
    for group_id, members in sequences.items():
        where = (
            "the page's groups and ungrouped components"
            if group_id is None
            else (f"the members of group {group_id!r}")
        )
        positions = [m.get("position") for m in members]
        if positions != list(range(1, len(members) + 1)):
            problems.append(
                f"{endpoint} $.components: positions of {where} are {positions} in list order, "
                f"expected {list(range(1, len(members) + 1))}"
            )
        if group_id is not None and groups[group_id].get("components") != _ids(members):
            problems.append(
                f"{endpoint} $.components: group {group_id!r} lists members "
                f"{groups[group_id].get('components')}, expected {_ids(members)} (its members, "
                f"in order)"
            )
    return problems


def _window_problems(
    endpoint: str, index: int, work: dict[str, Any], which: str, now: datetime
) -> list[str]:
    path = f"{endpoint} $.scheduled_maintenances[{index}]"
    status, start = work.get("status"), _time(work.get("scheduled_for"))
    if which == "upcoming":
        if status != "scheduled":
            return [f"{path}.status: {status!r}, expected 'scheduled' (upcoming only)"]
        if start is not None and start <= now:
            return [f"{path}.scheduled_for: {work['scheduled_for']} is not after now"]
    else:
        if status not in ACTIVE_STATUSES:
            return [f"{path}.status: {status!r}, expected one of {sorted(ACTIVE_STATUSES)}"]
        if start is not None and start > now:
            return [f"{path}.scheduled_for: {work['scheduled_for']} has not begun"]
    return []


def _update_order_problems(endpoint: str, document: Any) -> list[str]:
    """Statuspage lists an incident's updates newest first."""
    problems: list[str] = []
    for node in walk(endpoint, document):
        if node.kind not in (INCIDENT, MAINTENANCE) or not isinstance(node.value, dict):
            continue
        updates = node.value.get("incident_updates")
        if not isinstance(updates, list):
            continue
        times = [_time(u.get("created_at")) for u in updates if isinstance(u, dict)]
        known = [t for t in times if t is not None]
        if known != sorted(known, reverse=True):
            problems.append(
                f"{endpoint} {node.path}.incident_updates: not newest first by created_at"
            )
    return problems


def report(problems: list[str]) -> str:
    """The problems, those about how a time is written last: there are many of those, and they
    should not hide the rest."""
    problems = sorted(problems, key=lambda p: "is not a time as" in p)
    shown = "\n".join(f"  {p}" for p in problems[:60])
    more = f"\n  … and {len(problems) - 60} more" if len(problems) > 60 else ""
    return f"{len(problems)} difference(s) from Statuspage's API v2:\n{shown}{more}"


# --- the fixtures themselves -------------------------------------------------------------------


@pytest.mark.parametrize("name", [*ENDPOINTS.values(), SINGLE])
def test_each_fixture_passes_the_checker(name: str) -> None:
    """A checker that accepts nothing fails here."""
    problems = check(fixture_endpoint(name), fixture(name))
    assert not problems, report(problems)


def test_the_fixture_lists_hold_what_statuspage_says() -> None:
    now = _time(fixture("status")["page"]["updated_at"])
    assert now is not None
    problems = list_problems(fixture_documents(), now)
    assert not problems, report(problems)


def test_the_fixtures_show_every_kind_and_case() -> None:
    kinds = set(templates())
    assert {PAGE, STATUS, COMPONENT, GROUP, INCIDENT, MAINTENANCE, UPDATE, AFFECTED} <= kinds
    components = fixture("components")["components"]
    groups = [c for c in components if c["group"]]
    assert groups and all(g["components"] for g in groups), "a group with members"
    assert any(c["group_id"] is None and not c["group"] for c in components), "an ungrouped one"
    incidents = fixture("incidents")["incidents"]
    pairs = [p for i in incidents for p in itertools.pairwise(i["incident_updates"])]
    assert any(a["status"] == b["status"] for a, b in pairs), (
        "an incident with a follow-up (an update repeating its phase's status)"
    )
    assert any(u["affected_components"] for i in incidents for u in i["incident_updates"])
    assert any(u["status"] == "postmortem" for i in incidents for u in i["incident_updates"])
    works = fixture("scheduled-maintenances")["scheduled_maintenances"]
    assert {w["status"] for w in works} >= {"scheduled", "in_progress", "completed"}
    assert all(w["scheduled_for"] and w["scheduled_until"] for w in works)


# --- the checker rejects what Statuspage would not send ----------------------------------------

DELETE = object()


@pytest.mark.parametrize(
    ("endpoint", "where", "value", "expected"),
    [
        pytest.param(
            "incidents.json",
            ("incidents", 0, "incident_updates", 0, "status"),
            "update",
            "$.incidents[0].incident_updates[0].status: 'update' is not one of Statuspage's incident statuses",
            id="follow-up-says-update",
        ),
        pytest.param(
            "scheduled-maintenances.json",
            ("scheduled_maintenances", 1, "incident_updates", 0, "status"),
            "resolved",
            "$.scheduled_maintenances[1].incident_updates[0].status: 'resolved' is not one of Statuspage's maintenance statuses",
            id="maintenance-update-with-incident-status",
        ),
        pytest.param(
            "incidents.json",
            ("incidents", 0, "shortlink"),
            DELETE,
            "$.incidents[0]: incident lacks ['shortlink']",
            id="missing-key",
        ),
        pytest.param(
            "incidents.json",
            ("incidents", 1, "url"),
            "https://status.northwind.example/incidents/1",
            "$.incidents[1]: incident has ['url']",
            id="extra-key",
        ),
        pytest.param(
            "status.json",
            ("page", "updated_at"),
            "2026-03-02T10:41:18Z",
            "$.page.updated_at: '2026-03-02T10:41:18Z' is not a time as Statuspage writes it",
            id="Z-without-milliseconds",
        ),
        pytest.param(
            "incidents.json",
            ("incidents", 0, "started_at"),
            "2026-03-02T10:12:00.000+01:00",
            "$.incidents[0].started_at: '2026-03-02T10:12:00.000+01:00' is not a time",
            id="time-with-offset",
        ),
        pytest.param(
            "incidents.json",
            ("incidents", 0, "name"),
            None,
            "$.incidents[0].name: is null, but Statuspage never sends null",
            id="null-name",
        ),
        pytest.param(
            "components.json",
            ("components", 1, "position"),
            "1",
            '$.components[1].position: is a string ("1"), expected an integer',
            id="position-as-string",
        ),
        pytest.param(
            "components.json",
            ("components", 1, "showcase"),
            1,
            "$.components[1].showcase: is an integer (1), expected a boolean",
            id="boolean-as-number",
        ),
        pytest.param(
            "components.json",
            ("components", 0, "components"),
            DELETE,
            "$.components[0]: group component lacks ['components']",
            id="group-without-members",
        ),
        pytest.param(
            "components.json",
            ("components", 2, "status"),
            "degraded",
            "$.components[2].status: 'degraded' is not one of Statuspage's component statuses",
            id="component-status",
        ),
        pytest.param(
            "incidents.json",
            ("incidents", 0, "impact"),
            "maintenance",
            "$.incidents[0].impact: 'maintenance' is not one of Statuspage's incident impacts",
            id="incident-with-maintenance-impact",
        ),
        pytest.param(
            "status.json",
            ("status", "description"),
            "Card payments are failing for some customers",
            "$.status.description: 'Card payments are failing for some customers' is not one of Statuspage's seven top-level texts",
            id="custom-description",
        ),
        pytest.param(
            "status.json",
            ("status", "indicator"),
            "none",
            "$.status.indicator: 'none' does not go with 'Minor Service Outage'",
            id="indicator-against-description",
        ),
        pytest.param(
            "incidents/m8w2b6n4zd9r.json",
            ("incident", "incident_updates", 0, "affected_components"),
            {"code": "d8q1w5z3hs6j"},
            "$.incident.incident_updates[0].affected_components: is an object",
            id="affected-components-as-object",
        ),
    ],
)
def test_the_checker_rejects_a_broken_document(
    endpoint: str, where: tuple[Any, ...], value: Any, expected: str
) -> None:
    """A checker that accepts everything fails here: each document is a fixture with one thing
    Statuspage never sends."""
    document = copy.deepcopy(fixture(fixture_name(endpoint)))
    *parents, last = where
    target = document
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    problems = check(endpoint, document)
    assert any(p.startswith(f"{endpoint} {expected}") for p in problems), (
        f"the checker did not say {endpoint} {expected!r}; it said:\n{report(problems)}"
    )


@pytest.mark.parametrize(
    ("endpoint", "change", "expected"),
    [
        pytest.param(
            "incidents/unresolved.json",
            lambda docs: docs["incidents/unresolved.json"]["incidents"].append(
                copy.deepcopy(docs["incidents.json"]["incidents"][1])
            ),
            "incidents/unresolved.json $.incidents[1].status: 'postmortem' is resolved",
            id="resolved-in-unresolved",
        ),
        pytest.param(
            "scheduled-maintenances/upcoming.json",
            lambda docs: docs["scheduled-maintenances/upcoming.json"][
                "scheduled_maintenances"
            ].append(
                copy.deepcopy(docs["scheduled-maintenances.json"]["scheduled_maintenances"][1])
            ),
            "scheduled-maintenances/upcoming.json $.scheduled_maintenances[1].status: 'in_progress'",
            id="in-progress-in-upcoming",
        ),
        pytest.param(
            "scheduled-maintenances/active.json",
            lambda docs: docs["scheduled-maintenances/active.json"][
                "scheduled_maintenances"
            ].clear(),
            "scheduled-maintenances/active.json $.scheduled_maintenances: holds [], expected the active ones",
            id="active-left-out",
        ),
        pytest.param(
            "components.json",
            lambda docs: docs["components.json"]["components"].__setitem__(
                slice(1, 3), docs["components.json"]["components"][2:0:-1]
            ),
            "components.json $.components: positions of the members of group 'g7h2c9w4lt1b' are [2, 1]",
            id="members-out-of-order",
        ),
        pytest.param(
            "components.json",
            lambda docs: docs["components.json"]["components"][3].__setitem__("position", 4),
            "components.json $.components: positions of the page's groups and ungrouped components are [1, 4]",
            id="global-position-for-ungrouped",
        ),
        pytest.param(
            "incidents.json",
            lambda docs: docs["incidents.json"]["incidents"][0]["incident_updates"].reverse(),
            "incidents.json $.incidents[0].incident_updates: not newest first",
            id="updates-oldest-first",
        ),
    ],
)
def test_the_list_checks_reject_a_broken_list(endpoint: str, change: Any, expected: str) -> None:
    documents = copy.deepcopy(fixture_documents())
    change(documents)
    now = _time(fixture("status")["page"]["updated_at"])
    assert now is not None
    problems = list_problems(documents, now)
    assert any(p.startswith(expected) for p in problems), (
        f"the list checks did not say {expected!r}; they said:\n{report(problems)}"
    )


# --- a site with every case --------------------------------------------------------------------

CONFIG = """\
[site]
title = "Schema Status"
base_url = "https://status.schema.test/"
timezone = "Europe/Berlin"
description = "Status of the schema test services"
contact = "mailto:help@schema.test"

[[components]]
id = "checkout"
name = "Checkout"
group = "Shop"
description = "Cart and payment pages"

[[components]]
id = "payments-api"
name = "Payments API"
group = "Shop"

[[components]]
id = "search"
name = "Search"
group = "Shop"

[[components]]
id = "login"
name = "Sign-in"

[[components]]
id = "public-api"
name = "Public API"
group = "Developers"

[[components]]
id = "webhooks"
name = "Webhooks"
group = "Developers"
"""

OPEN = "2026-11-20-slow-search"
POSTMORTEM = "2026-11-17-sign-in-errors"
UPCOMING = "2026-11-25-payments-upgrade"
IN_PROGRESS = "2026-11-20-webhooks-failover"
COMPLETED = "2026-11-08-network-upgrade"

SOURCES = {
    OPEN: make_incident(
        title="Slow product search",
        impact="minor",
        components=["search"],
        started="2026-11-20T13:55:00Z",
        body={
            "Problem": "Some searches take up to 10 seconds.",
            "Cause": "A search index rebuild is using most of the search cluster.",
            "Restore time": "We expect normal speed by 16:00 UTC.",
            "Prevention plan": "- [ ] Run index rebuilds outside busy hours",
        },
        updates=[
            (
                "2026-11-20 14:40 UTC — Update",
                "The rebuild is 70% done; search is still slow but works.\n\n"
                "Next update: 15:10 UTC",
            ),
            (
                "2026-11-20 14:20 UTC — Identified",
                "An index rebuild is using most of the search cluster. We are slowing it down.\n\n"
                "Next update: 14:45 UTC",
            ),
            (
                "2026-11-20 14:05 UTC — Investigating",
                "Some searches take up to 10 seconds. We are looking into it.",
            ),
        ],
    ),
    POSTMORTEM: make_incident(
        title="Sign-in errors",
        impact="major",
        components=["login"],
        started="2026-11-17T08:50:00Z",
        resolved="2026-11-17T10:05:00Z",
        body={
            "Problem": "Many customers could not sign in.",
            "Cause": "An expired certificate on the sign-in service.",
            "Restore time": "Sign-in worked again at 10:05 UTC.",
            "Prevention plan": "- [x] Renew certificates a month before they expire",
        },
        updates=[
            (
                "2026-11-19 16:00 UTC — Postmortem",
                "An expired certificate stopped sign-ins. Certificates now renew a month early.",
            ),
            ("2026-11-17 10:05 UTC — Resolved", "Sign-in works again for everyone."),
            ("2026-11-17 09:30 UTC — Monitoring", "We renewed the certificate and are watching."),
            ("2026-11-17 09:00 UTC — Investigating", "Many sign-ins fail. We are looking into it."),
        ],
    ),
    UPCOMING: make_incident(
        title="Payments database upgrade",
        kind="maintenance",
        components=["payments-api"],
        scheduled_start="2026-11-25T02:00:00Z",
        scheduled_end="2026-11-25T03:30:00Z",
        body={"What we are doing": "We are upgrading the payments database."},
        updates=[
            (
                "2026-11-18 10:00 UTC — Scheduled",
                "Payments may briefly fail between 02:00 and 03:30 UTC on 25 November.",
            )
        ],
    ),
    IN_PROGRESS: make_incident(
        title="Webhooks failover test",
        kind="maintenance",
        components=["webhooks"],
        scheduled_start="2026-11-20T14:00:00Z",
        scheduled_end="2026-11-20T16:00:00Z",
        body={"What we are doing": "We are testing the failover of webhook delivery."},
        updates=[
            ("2026-11-20 14:00 UTC — in_progress", "The test has started; webhooks may be late."),
            (
                "2026-11-16 09:00 UTC — Scheduled",
                "Webhooks may arrive late between 14:00 and 16:00 UTC on 20 November.",
            ),
        ],
    ),
    COMPLETED: make_incident(
        title="Network upgrade for the Public API",
        kind="maintenance",
        components=["public-api"],
        scheduled_start="2026-11-08T01:00:00Z",
        scheduled_end="2026-11-08T04:00:00Z",
        completed="2026-11-08T02:35:00Z",
        body={"What we are doing": "We are replacing network equipment."},
        updates=[
            ("2026-11-08 02:35 UTC — Completed", "The upgrade is complete."),
            ("2026-11-08 01:00 UTC — in_progress", "The upgrade has started."),
            (
                "2026-11-02 10:00 UTC — Scheduled",
                "Some API requests may briefly fail between 01:00 and 04:00 UTC on 8 November.",
            ),
        ],
    ),
}

BUILD_TIME = datetime.fromisoformat(NOW.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Api:
    """Every JSON file a build published under api/v2/, parsed, by its path there."""

    documents: dict[str, Any]

    def incidents(self, endpoint: str, key: str = "incidents") -> dict[str, dict[str, Any]]:
        return {i["id"]: i for i in _entries(self.documents, endpoint, key)}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    """The purpose-built site, built once with `statusgen build --now NOW`."""
    root = tmp_path_factory.mktemp("schema")
    (root / "statusgen.toml").write_text(CONFIG, encoding="utf-8")
    (root / "incidents").mkdir()
    for slug, text in SOURCES.items():
        (root / "incidents" / f"{slug}.md").write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", "--config", str(root / "statusgen.toml"), "--now", NOW])
    assert code == 0, f"the site does not build:\n{out.getvalue()}{err.getvalue()}"
    folder = root / "site" / "api" / "v2"
    return Api(
        {
            path.relative_to(folder).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*.json"))
        }
    )


def _single_endpoints(api: Api) -> list[str]:
    fixed = set(ENDPOINTS)
    return [e for e in api.documents if e.startswith("incidents/") and e not in fixed]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_endpoint_has_statuspage_shape(api: Api, endpoint: str) -> None:
    assert endpoint in api.documents, (
        f"api/v2/{endpoint} is not published; Statuspage serves it (published: "
        f"{sorted(api.documents)})"
    )
    problems = check(endpoint, api.documents[endpoint])
    assert not problems, report(problems)


def test_each_incident_has_its_own_endpoint_in_statuspage_shape(api: Api) -> None:
    """`incidents/<id>.json` for every incident, `{"page": …, "incident": …}`, the incident as
    the lists give it."""
    listed = api.incidents("incidents.json")
    works = api.incidents("scheduled-maintenances.json", "scheduled_maintenances")
    assert listed, "incidents.json lists no incidents"
    missing = [i for i in listed if f"incidents/{i}.json" not in api.documents]
    assert not missing, (
        f"no api/v2/incidents/<id>.json for {missing}; Statuspage serves one per incident"
    )
    problems: list[str] = []
    for endpoint in _single_endpoints(api):
        document = api.documents[endpoint]
        identifier = endpoint.removeprefix("incidents/").removesuffix(".json")
        kind = MAINTENANCE if identifier in works else INCIDENT
        problems += check(endpoint, document, single_kind=kind)
        entry = listed.get(identifier) or works.get(identifier)
        if isinstance(document, dict) and entry is not None and document.get("incident") != entry:
            problems.append(f"{endpoint} $.incident: differs from its entry in the lists")
    assert not problems, report(problems)


def test_the_lists_hold_what_statuspage_says(api: Api) -> None:
    """Positions, only unresolved incidents in unresolved.json and summary.json, only future
    `scheduled` windows in upcoming.json, only in-progress ones in active.json, updates newest
    first."""
    problems = list_problems(api.documents, BUILD_TIME)
    assert not problems, report(problems)


def test_the_site_shows_each_case_as_statuspage_would(api: Api) -> None:
    """The cases the site was built for land where Statuspage puts them, with its statuses."""
    incidents = api.incidents("incidents.json")
    key = "scheduled_maintenances"
    works = api.incidents("scheduled-maintenances.json", key)
    open_updates = incidents.get(OPEN, {}).get("incident_updates", [])
    postmortem_updates = incidents.get(POSTMORTEM, {}).get("incident_updates", [])

    def status(items: dict[str, dict[str, Any]], identifier: str) -> Any:
        return items.get(identifier, {}).get("status")

    # (what, found, expected)
    cases: list[tuple[str, Any, Any]] = [
        ("incidents.json ids", set(incidents), {OPEN, POSTMORTEM}),
        ("incidents/unresolved.json ids", set(api.incidents("incidents/unresolved.json")), {OPEN}),
        ("summary.json incidents", set(api.incidents("summary.json")), {OPEN}),
        (f"{OPEN} status", status(incidents, OPEN), "identified"),
        (
            f"{OPEN} follow-up (`update` in our file, posted while identified) status",
            open_updates[0].get("status") if open_updates else None,
            "identified",
        ),
        (
            f"{OPEN}: some update's affected_components names search",
            any(
                a.get("code") == "search"
                for u in open_updates
                for a in u.get("affected_components") or []
            ),
            True,
        ),
        (
            f"{POSTMORTEM} newest update status",
            postmortem_updates[0].get("status") if postmortem_updates else None,
            "postmortem",
        ),
        (
            f"{POSTMORTEM} status is resolved or postmortem",
            status(incidents, POSTMORTEM) in {"resolved", "postmortem"},
            True,
        ),
        ("scheduled-maintenances.json ids", set(works), {UPCOMING, IN_PROGRESS, COMPLETED}),
        (f"{UPCOMING} status", status(works, UPCOMING), "scheduled"),
        (f"{IN_PROGRESS} status", status(works, IN_PROGRESS), "in_progress"),
        (f"{COMPLETED} status", status(works, COMPLETED), "completed"),
        (
            "upcoming.json ids",
            set(api.incidents("scheduled-maintenances/upcoming.json", key)),
            {UPCOMING},
        ),
        (
            "active.json ids",
            set(api.incidents("scheduled-maintenances/active.json", key)),
            {IN_PROGRESS},
        ),
        (
            "summary.json scheduled_maintenances",
            set(api.incidents("summary.json", key)),
            {
                UPCOMING,
                IN_PROGRESS,
            },
        ),
        (
            f"{UPCOMING} window",
            (
                works.get(UPCOMING, {}).get("scheduled_for"),
                works.get(UPCOMING, {}).get("scheduled_until"),
            ),
            ("2026-11-25T02:00:00.000Z", "2026-11-25T03:30:00.000Z"),
        ),
    ]
    wrong = [
        f"{what}: {found!r}, expected {expected!r}"
        for what, found, expected in cases
        if found != expected
    ]
    assert not wrong, "\n".join(wrong)


def test_updated_at_is_the_last_change_not_the_build_time(api: Api) -> None:
    """Nothing on the site changed at the moment of the build, so no `updated_at` says it."""
    build_times = {NOW, NOW.replace("Z", ".000Z")}
    found = [
        f"{endpoint} {path}"
        for endpoint, document in api.documents.items()
        for path, key, text in _strings(document)
        if key == "updated_at" and text in build_times
    ]
    assert not found, (
        f"{len(found)} `updated_at` say the build time {NOW}, expected the time of the last "
        "change:\n  " + "\n  ".join(found[:20])
    )
