"""The rules behind what customers read: times, sanitising, status, uptime, API and calendar."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import RESOLVED, Project, make_incident, with_site_lines

from statusgen.problems import TimeError
from statusgen.source.markup import MarkdownRenderer, count_tasks
from statusgen.source.times import parse_duration, parse_time

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T14:02:00Z", "2026-11-20T14:02:00+00:00"),
        ("2026-11-20 14:02 UTC", "2026-11-20T14:02:00+00:00"),
        ("2026-11-20T14:02", "2026-11-20T13:02:00+00:00"),  # the site's zone: CET
        ("2026-07-20 14:02", "2026-07-20T12:02:00+00:00"),  # summer time: CEST
        ("2026-11-20 09:05 -0500", "2026-11-20T14:05:00+00:00"),
        ("2026-11-20 09:05 America/New_York", "2026-11-20T14:05:00+00:00"),
        ("2026-11-20 15:31 CET", "2026-11-20T14:31:00+00:00"),  # as the pages print it
        ("2026-07-20 15:31 CEST", "2026-07-20T13:31:00+00:00"),
    ],
)
def test_times_are_read_with_their_zone(text: str, expected: str) -> None:
    assert parse_time(text, BERLIN).astimezone(UTC).isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T10:00",
        "2026-11-20",
        "soon",
        "2026-11-20 25:00",
        "2026-11-20 10:00 Mars/Olympus",
        "2026-11-20 10:00 CST",
        "2026-07-20 10:00 CET",
    ],
)
def test_unreadable_times_say_what_to_write(text: str) -> None:
    with pytest.raises(TimeError, match="`"):
        parse_time(text, BERLIN)


def test_durations() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("45") == timedelta(minutes=45)
    with pytest.raises(TimeError):
        parse_duration("soon")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript&colon;alert(1)">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_markdown_is_sanitised(hostile: str) -> None:
    html = MarkdownRenderer().to_html(f"Text {hostile} more")
    lowered = html.lower()
    for needle in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "data:",
        "<iframe",
        "<style",
        "style=",
    ):
        assert needle not in lowered, html


def test_protocol_relative_links_become_https() -> None:
    html = MarkdownRenderer().to_html("[x](//example.com/a)")
    assert 'href="https://example.com/a"' in html


def test_task_lists_are_checkboxes_and_counted() -> None:
    source = "- [x] done\n- [ ] open\n- [X] also done\n"
    html = MarkdownRenderer().to_html(source)
    assert html.count('type="checkbox"') == 3
    assert html.count("checked") == 2
    assert count_tasks(source) == (2, 3)


def _incident(
    started: str,
    resolved: str | None,
    impact: str = "critical",
    component: str = "login",
    **times: str,
) -> str:
    """An outage of one component, open unless `resolved` is given."""
    if resolved:
        times["resolved"] = resolved
    return make_incident(
        title="Outage",
        impact=impact,
        components=[component],
        started=started,
        **times,
        body={"Problem": "x", "Cause": "y", "Prevention plan": "- [ ] z"},
        updates=[(f"{started} — Investigating", "Looking.")],
    )


def test_uptime_counts_major_outage_as_down(project: Project) -> None:
    # A whole day of major outage in 90 days: 1/90 down → 98.88% (rounded down).
    project.write("statusgen.toml", with_site_lines('since = "2026-08-01"'))
    project.write(
        "incidents/2026-10-01-outage.md",
        _incident("2026-10-01T00:00:00+02:00", "2026-10-02T00:00:00+02:00"),
    )
    assert project.build().code == 0
    page = project.page("components/login/index.html")
    assert "98.88% uptime" in page
    assert "Thu 1 Oct 2026: Major outage, 1 day counted as down" in page


def test_partial_outage_counts_thirty_percent(project: Project) -> None:
    project.write("statusgen.toml", with_site_lines('since = "2026-08-01"'))
    project.write(
        "incidents/2026-10-01-outage.md",
        _incident("2026-10-01T00:00:00+02:00", "2026-10-02T00:00:00+02:00", "major"),
    )
    assert project.build().code == 0
    assert "99.66% uptime" in project.page("components/login/index.html")


def test_overall_status_in_words(project: Project) -> None:
    assert project.build().code == 0
    assert "All systems operational" in project.page("index.html")
    project.write("incidents/2026-11-20-down.md", _incident("2026-11-20T14:00:00Z", None))
    assert project.build().code == 0
    page = project.page("index.html")
    assert "Major outage affecting Login" in page
    summary = json.loads(project.page("api/v2/summary.json"))
    # The API speaks Statuspage's seven texts. One of three components down alone reads as a
    # partial system outage; the open incident's critical impact raises it to a major one.
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    assert [c["status"] for c in summary["components"] if c["id"] == "login"] == ["major_outage"]
    assert [i["id"] for i in summary["incidents"]] == ["2026-11-20-down"]


def test_overdue_promise_is_admitted(project: Project) -> None:
    text = _incident("2026-11-20T14:00:00Z", None, next_update="2026-11-20T14:30:00Z")
    project.write("incidents/2026-11-20-down.md", text)
    assert project.build().code == 0
    assert "Next update overdue" in project.page("index.html")
    assert project.run("build", "--now", "2026-11-20T14:20:00Z").code == 0
    page = project.page("index.html")
    assert "Next update overdue" not in page
    assert 'datetime="2026-11-20T14:30:00Z"' in page


# 02:00 to 03:30 Berlin time (01:00 to 02:30 UTC) on 24 November, announced a week before.
UPGRADE = make_incident(
    title="Upgrade",
    kind="maintenance",
    components=["login"],
    scheduled_start="2026-11-24T02:00",
    scheduled_end="2026-11-24T03:30",
    updates=[("2026-11-17 10:00 UTC — Scheduled", "We will upgrade.")],
)


def test_maintenance_affects_components_only_inside_its_window(project: Project) -> None:
    project.write("incidents/2026-11-24-upgrade.md", UPGRADE)
    assert project.run("build", "--now", "2026-11-24T00:59:00Z").code == 0
    assert "Upcoming maintenance" in project.page("index.html")
    assert "All systems operational" in project.page("index.html")
    assert project.run("build", "--now", "2026-11-24T01:30:00Z").code == 0  # 02:30 in Berlin
    page = project.page("index.html")
    assert "Scheduled maintenance in progress for Login" in page
    status = json.loads(project.page("api/v2/summary.json"))
    assert status["status"]["indicator"] == "maintenance"
    assert status["scheduled_maintenances"][0]["status"] == "in_progress"
    assert project.run("build", "--now", "2026-11-24T02:31:00Z").code == 0
    assert "All systems operational" in project.page("index.html")


def test_calendar_lists_maintenance_windows_in_utc(project: Project) -> None:
    project.write("incidents/2026-11-24-upgrade.md", UPGRADE)
    assert project.build().code == 0
    ics = project.page("maintenance.ics").replace("\r\n ", "")
    assert "UID:2026-11-24-upgrade@status.test" in ics
    assert "DTSTART:20261124T010000Z" in ics and "DTEND:20261124T023000Z" in ics
    assert "SUMMARY:Maintenance: Upgrade" in ics
    assert "DTSTAMP:20261117T100000Z" in ics


def test_resolution_is_derived_either_way(project: Project) -> None:
    only_update = RESOLVED.replace("resolved: 2026-11-20T13:31:00Z\n", "")
    project.write("incidents/2026-11-20-card-payments.md", only_update)
    assert project.build().code == 0
    data = json.loads(project.page("api/v2/incidents.json"))["incidents"][0]
    assert data["status"] == "resolved" and data["resolved_at"] == "2026-11-20T13:31:00.000Z"
    only_key = RESOLVED.replace(
        "### 2026-11-20 13:31 UTC — Resolved\nCard payments work again for everyone.\n\n", ""
    )
    project.write("incidents/2026-11-20-card-payments.md", only_key)
    assert project.build().code == 0
    data = json.loads(project.page("api/v2/incidents.json"))["incidents"][0]
    assert data["incident_updates"][0]["status"] == "resolved"
    assert data["incident_updates"][0]["body"] == "This incident has been resolved."
    assert "Restored 29 minutes before our estimate" in project.page(
        "incidents/2026-11-20-card-payments/index.html"
    )


def test_badges_say_the_status(project: Project) -> None:
    project.write("incidents/2026-11-20-down.md", _incident("2026-11-20T14:00:00Z", None))
    assert project.build().code == 0
    assert 'aria-label="status: major outage"' in project.page("badge.svg")
    assert 'aria-label="Checkout: operational"' in project.page("components/checkout/badge.svg")


def test_now_from_source_date_epoch(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    epoch = int(datetime(2026, 11, 20, 14, 50, tzinfo=UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    assert project.run("build", "--out", "a").code == 0
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert project.run("build", "--out", "b", "--now", "2026-11-20T14:50:00Z").code == 0
    a = (project.root / "a/index.html").read_bytes()
    assert a == (project.root / "b/index.html").read_bytes()
