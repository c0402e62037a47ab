"""The API as Statuspage's clients read it: its values, not only its shape (that is
`test_api_schema.py`), and what stays the same from one build to the next."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import CONFIG, NOW, Project, make_incident

from statusgen import statuspage
from statusgen.build import Builder, BuildOptions
from statusgen.model import ComponentStatus, Impact
from statusgen.source.markup import MarkdownRenderer, html_text

OPERATIONAL = ComponentStatus.OPERATIONAL
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE


@pytest.mark.parametrize(
    ("components", "impacts", "expected"),
    [
        # Statuspage's "Top-level status and incident impact calculations", case by case.
        ([], [], ("none", "All Systems Operational")),
        ([], [Impact.MAJOR], ("major", "Partial System Outage")),
        ([OPERATIONAL], [], ("none", "All Systems Operational")),
        ([MAINTENANCE], [], ("maintenance", "Service Under Maintenance")),
        ([DEGRADED], [], ("minor", "Partially Degraded Service")),
        ([PARTIAL], [], ("major", "Partial System Outage")),
        ([MAJOR], [], ("critical", "Major System Outage")),
        ([OPERATIONAL, OPERATIONAL], [], ("none", "All Systems Operational")),
        ([OPERATIONAL, MAINTENANCE], [], ("maintenance", "Service Under Maintenance")),
        ([OPERATIONAL, DEGRADED], [], ("minor", "Partially Degraded Service")),
        ([DEGRADED, DEGRADED], [], ("minor", "Degraded System Service")),
        ([OPERATIONAL, PARTIAL], [], ("minor", "Minor Service Outage")),
        ([PARTIAL, PARTIAL], [], ("major", "Partial System Outage")),
        ([OPERATIONAL, MAJOR], [], ("major", "Partial System Outage")),
        ([DEGRADED, MAJOR], [], ("major", "Partial System Outage")),
        ([MAJOR, MAJOR], [], ("critical", "Major System Outage")),
        ([MAINTENANCE, DEGRADED], [], ("minor", "Partially Degraded Service")),
        # An open incident raises the status to its impact, never lowers it.
        ([OPERATIONAL, OPERATIONAL], [Impact.MINOR], ("minor", "Minor Service Outage")),
        ([OPERATIONAL, OPERATIONAL], [Impact.NONE], ("none", "All Systems Operational")),
        ([OPERATIONAL, MAJOR], [Impact.MINOR], ("major", "Partial System Outage")),
        ([OPERATIONAL, MAJOR], [Impact.CRITICAL], ("critical", "Major System Outage")),
        ([MAINTENANCE, OPERATIONAL], [Impact.MINOR], ("minor", "Minor Service Outage")),
    ],
)
def test_top_level_status_follows_statuspage(
    components: list[ComponentStatus], impacts: list[Impact], expected: tuple[str, str]
) -> None:
    assert statuspage.top_level(components, impacts) == expected
    assert expected[1] in statuspage.TOP_LEVEL_TEXTS


OPEN = make_incident(
    title="Card payments failing",
    impact="major",
    components=["payments-api"],
    started="2026-11-20T14:00:00Z",
    body={"Problem": "Some card payments fail."},
    updates=[
        (
            "2026-11-20 14:40 UTC — Update",
            "Four of the eleven servers are **back**, see\n"
            "[the details](https://status.test/more). Fewer payments\n"
            "fail now.\n\n- one\n- two",
        ),
        ("2026-11-20 14:30 UTC — Identified", "We found the cause.\n\nNext update: 15:10 UTC"),
        ("2026-11-20 14:10 UTC — Investigating", "We are looking into it."),
    ],
)
REVIEWED = make_incident(
    title="Sign-in failures",
    impact="minor",
    components=["login"],
    started="2026-11-18T09:00:00Z",
    resolved="2026-11-18T09:40:00Z",
    body={"Problem": "x", "Cause": "y", "Prevention plan": "- [x] z"},
    updates=[
        ("2026-11-19 12:00 UTC — Update", "We added a second check."),
        ("2026-11-19 10:00 UTC — Postmortem", "What happened, and what we changed."),
        ("2026-11-18 09:40 UTC — Resolved", "Sign-in works again."),
        ("2026-11-18 09:05 UTC — Investigating", "Some sign-ins fail."),
    ],
)
WINDOW = make_incident(
    title="Database upgrade",
    kind="maintenance",
    components=["checkout"],
    scheduled_start="2026-11-24T01:00:00Z",
    scheduled_end="2026-11-24T02:30:00Z",
    updates=[("2026-11-17 10:00 UTC — Scheduled", "We will upgrade the database.")],
)


def _api(project: Project, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(project.page(f"api/v2/{name}"))
    return data


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.fixture
def site(project: Project) -> Project:
    project.write("incidents/2026-11-20-payments.md", OPEN)
    project.write("incidents/2026-11-18-sign-in.md", REVIEWED)
    project.write("incidents/2026-11-24-upgrade.md", WINDOW)
    assert project.build().code == 0
    return project


def test_follow_ups_carry_the_phase_they_were_posted_in(site: Project) -> None:
    payments = _api(site, "incidents/2026-11-20-payments.json")["incident"]
    assert [u["status"] for u in payments["incident_updates"]] == [
        "identified",
        "identified",
        "investigating",
    ]
    assert payments["status"] == "identified"
    reviewed = _api(site, "incidents/2026-11-18-sign-in.json")["incident"]
    assert [u["status"] for u in reviewed["incident_updates"]] == [
        "postmortem",
        "postmortem",
        "resolved",
        "investigating",
    ]
    assert reviewed["status"] == "postmortem"
    everything = json.dumps([_api(site, n) for n in ("summary.json", "incidents.json")])
    assert '"status": "update"' not in everything


def test_every_time_has_milliseconds_and_names_utc(site: Project) -> None:
    for name in ("summary.json", "incidents.json", "scheduled-maintenances.json"):
        times = [s for s in _strings(_api(site, name)) if re.match(r"\d{4}-\d\d-\d\dT", s)]
        assert times, name
        for moment in times:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", moment), (name, moment)


def test_update_bodies_are_plain_text(site: Project) -> None:
    payments = _api(site, "incidents/2026-11-20-payments.json")["incident"]
    newest, identified = payments["incident_updates"][:2]
    assert newest["body"] == (
        "Four of the eleven servers are back, see the details (https://status.test/more). "
        "Fewer payments fail now.\n\n- one\n- two"
    )
    assert identified["body"] == "We found the cause.\n\nNext update by 20 Nov 2026, 16:10 CET."


def test_components_change_only_when_their_status_does(site: Project) -> None:
    components = {c["id"]: c for c in _api(site, "components.json")["components"]}
    assert components["payments-api"]["status"] == "partial_outage"
    assert components["payments-api"]["updated_at"] == "2026-11-20T14:00:00.000Z"
    assert components["login"]["updated_at"] == "2026-11-18T09:40:00.000Z"  # back since then
    # The conftest's resolved card-payments outage was the last change to checkout.
    assert components["checkout"]["updated_at"] == "2026-11-20T13:31:00.000Z"
    assert components["checkout"]["created_at"] == "2026-11-18T09:00:00.000Z"  # history begins
    before = {n: site.page(f"api/v2/{n}") for n in ("components.json", "status.json")}
    assert site.run("build", "--now", "2026-11-20T14:58:00Z").code == 0
    after = {n: site.page(f"api/v2/{n}") for n in ("components.json", "status.json")}
    assert after == before, "a build with nothing new must give clients nothing new"
    # The maintenance window opening is a change, made by the clock alone.
    assert site.run("build", "--now", "2026-11-24T01:10:00Z").code == 0
    later = {c["id"]: c for c in _api(site, "components.json")["components"]}
    assert later["checkout"]["status"] == "under_maintenance"
    assert later["checkout"]["updated_at"] == "2026-11-24T01:00:00.000Z"
    assert later["group-shop"]["updated_at"] == "2026-11-24T01:00:00.000Z"
    assert _api(site, "status.json")["page"]["updated_at"] == "2026-11-24T01:00:00.000Z"


def test_positions_count_within_each_group(site: Project) -> None:
    listed = [
        (c["id"], c["position"], c["group_id"]) for c in _api(site, "summary.json")["components"]
    ]
    # The test site: Shop (Checkout, Payments API), then Login on its own.
    assert listed == [
        ("group-shop", 1, None),
        ("checkout", 1, "group-shop"),
        ("payments-api", 2, "group-shop"),
        ("login", 2, None),
    ]
    group = _api(site, "components.json")["components"][0]
    assert group["group"] is True and group["components"] == ["checkout", "payments-api"]
    assert group["status"] == "partial_outage"


def test_maintenance_endpoints_follow_the_window(site: Project) -> None:
    def ids(name: str) -> list[str]:
        return [m["id"] for m in _api(site, name)["scheduled_maintenances"]]

    assert ids("scheduled-maintenances/upcoming.json") == ["2026-11-24-upgrade"]
    assert ids("scheduled-maintenances/active.json") == []
    assert ids("summary.json") == ["2026-11-24-upgrade"]
    (site.root / "incidents/2026-11-20-payments.md").unlink()  # nothing else is open
    assert site.run("build", "--now", "2026-11-24T01:10:00Z").code == 0
    assert ids("scheduled-maintenances/upcoming.json") == []
    assert ids("scheduled-maintenances/active.json") == ["2026-11-24-upgrade"]
    active = _api(site, "scheduled-maintenances/active.json")["scheduled_maintenances"][0]
    assert active["status"] == "in_progress" and active["impact"] == "maintenance"
    assert active["updated_at"] == "2026-11-24T01:00:00.000Z"
    assert _api(site, "status.json")["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    # The window has closed, but nobody has said the work is complete: still in progress.
    assert site.run("build", "--now", "2026-11-24T03:00:00Z").code == 0
    assert ids("scheduled-maintenances/active.json") == ["2026-11-24-upgrade"]
    site.write(
        "incidents/2026-11-24-upgrade.md",
        WINDOW.replace(
            "## Updates\n", "## Updates\n\n### 2026-11-24 02:20 UTC — Completed\nDone.\n"
        ),
    )
    assert site.run("build", "--now", "2026-11-24T03:00:00Z").code == 0
    assert ids("scheduled-maintenances/active.json") == ids("summary.json") == []
    assert ids("scheduled-maintenances.json") == ["2026-11-24-upgrade"]


def test_each_incident_has_its_own_file(site: Project) -> None:
    listed = {i["id"]: i for i in _api(site, "incidents.json")["incidents"]}
    assert sorted(listed) == [
        "2026-11-18-sign-in",
        "2026-11-20-card-payments",
        "2026-11-20-payments",
    ]
    for slug, incident in listed.items():
        alone = _api(site, f"incidents/{slug}.json")
        assert alone["incident"] == incident
        assert alone["page"]["id"] == "status-test"
    payments = _api(site, "incidents/2026-11-20-payments.json")
    # Its page was last changed by the incident's newest update.
    assert payments["page"]["updated_at"] == "2026-11-20T14:40:00.000Z"
    upgrade = _api(site, "incidents/2026-11-24-upgrade.json")["incident"]
    assert upgrade["scheduled_for"] == "2026-11-24T01:00:00.000Z"
    unresolved = _api(site, "incidents/unresolved.json")["incidents"]
    assert [i["id"] for i in unresolved] == ["2026-11-20-payments"]


def test_components_move_with_the_updates_that_moved_them(site: Project) -> None:
    reviewed = _api(site, "incidents/2026-11-18-sign-in.json")["incident"]
    moved = [u["affected_components"] for u in reviewed["incident_updates"]]
    assert moved == [
        None,
        None,
        [
            {
                "code": "login",
                "name": "Login",
                "old_status": "degraded_performance",
                "new_status": "operational",
            }
        ],
        [
            {
                "code": "login",
                "name": "Login",
                "old_status": "operational",
                "new_status": "degraded_performance",
            }
        ],
    ]


def test_static_hosts_get_cors_and_short_cache_lifetimes(project: Project) -> None:
    project.write(
        "statusgen.toml", CONFIG.replace("https://status.test/", "https://example.com/status/")
    )
    assert project.build().code == 0
    rules = project.page("_headers")
    assert "/status/*\n  Cache-Control: public, max-age=60, must-revalidate\n" in rules
    assert "/status/api/*\n  Access-Control-Allow-Origin: *\n" in rules


def test_an_older_incident_moves_history_back_in_every_file(project: Project) -> None:
    """Every component in every file says where history begins (`created_at`, `start_date`):
    an incident added before the first one moves it, and a long-lived builder that reuses
    files by key must make them all again, as a clean build does."""
    project.write("incidents/2026-11-20-payments.md", OPEN)
    builder = Builder(BuildOptions(project.root / "statusgen.toml", now=NOW))
    assert not builder.build().problems.errors
    project.write(
        "incidents/2026-10-01-login.md",
        make_incident(
            title="Sign-in slow",
            impact="minor",
            components=["login"],
            started="2026-10-01T09:00:00Z",
            resolved="2026-10-01T10:00:00Z",
            body={"Problem": "x", "Cause": "y", "Prevention plan": "- [x] z"},
            updates=[("2026-10-01 10:00 UTC — Resolved", "Sign-in is fast again.")],
        ),
    )
    assert not builder.build().problems.errors
    assert project.run("build", "--now", NOW, "--out", "clean").code == 0
    for name in ("2026-11-20-payments", "2026-11-20-card-payments"):
        kept = project.page(f"api/v2/incidents/{name}.json")
        clean = (project.root / "clean" / f"api/v2/incidents/{name}.json").read_text()
        assert kept == clean, name
        assert '"start_date":"2026-10-01"' in kept


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("We found the **cause**: a\nchange.", "We found the cause: a change."),
        ("- first item\n\n- second item\n\nAfter.", "- first item\n- second item\n\nAfter."),
        ("3. third\n4. fourth", "3. third\n4. fourth"),
        ("- a\n    - b\n- c", "- a\n  - b\n- c"),
        (
            "See [the docs](https://x.test/d) or <https://x.test>.",
            "See the docs (https://x.test/d) or https://x.test.",
        ),
        ("Line one  \nline two", "Line one\nline two"),
        ("```\ncode   kept\n  as is\n```", "code   kept\n  as is"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n1 | 2"),
        ("Fish &amp; chips, `x < y`", "Fish & chips, x < y"),
    ],
)
def test_update_text_reads_as_typed(markdown: str, text: str) -> None:
    assert html_text(MarkdownRenderer().to_html(markdown)) == text
