"""The reliability report (SPEC §5): every figure of a small site worked out by hand.

The site's zone is Europe/Berlin (CEST, UTC+2, until 25 October 2026; CET, UTC+1, after), and the
report is made at NOW, 2026-11-20 14:50 UTC. Each expected value carries its arithmetic.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, Project, make_incident

from statusgen.cli.published import load_published
from statusgen.model import Impact, Incident, Kind, Site, SiteInfo, Tasks, Update, UpdateStatus
from statusgen.report import KeptMonths, compute_report
from statusgen.report.promises import next_update_promises, restore_estimates

# --- the hand-worked site -------------------------------------------------------------------------

# July: only a maintenance, finished inside its window (02:30 ≤ 03:00).
JULY_WORKS = make_incident(
    title="Database upgrade",
    kind="maintenance",
    components=["checkout"],
    scheduled_start="2026-07-10T01:00:00Z",
    scheduled_end="2026-07-10T03:00:00Z",
    completed="2026-07-10T02:30:00Z",
    body={"What we are doing": "We move the database to faster disks."},
    updates=[
        ("2026-07-10 02:30 UTC — Completed", "The upgrade is complete."),
        ("2026-07-03 10:00 UTC — Scheduled", "Checkout may pause for a minute during the work."),
    ],
)

# August: nothing at all.

# September, A: two next-update promises, both kept (the first exactly on time), and a revised
# restore estimate (12:00, then 12:30; restored 12:15: one met, one missed).
SEPT_PAYMENTS = make_incident(
    title="Card payments failing",
    impact="major",
    components=["payments-api"],
    started="2026-09-10T10:00:00Z",
    resolved="2026-09-10T12:15:00Z",
    body={
        "Problem": "Some card payments failed at checkout.",
        "Cause": "A configuration change lowered a connection limit.",
        "Prevention plan": "- [x] Alert at 80% of the limit\n- [ ] Stage configuration changes",
    },
    updates=[
        ("2026-09-10 12:15 UTC — Resolved", "Card payments work again."),
        (
            "2026-09-10 11:20 UTC — Update",
            "The rollback takes longer than we expected.\n\nExpected restore: 12:30 UTC",
        ),
        ("2026-09-10 10:40 UTC — Identified", "We found the cause.\n\nNext update: 11:30 UTC"),
        (
            "2026-09-10 10:10 UTC — Investigating",
            "We are looking into failed card payments.\n\n"
            "Next update: 10:40 UTC\nExpected restore: 12:00 UTC",
        ),
    ],
)

# September, C: starts at 23:30 on 30 September in Berlin (21:30 UTC): September. Its one
# promise (22:30) was broken: the next word came at 22:40.
SEPT_SIGN_IN = make_incident(
    title="Sign-in failing for some customers",
    impact="minor",
    components=["login"],
    started="2026-09-30T23:30:00+02:00",
    resolved="2026-09-30T22:40:00Z",
    body={
        "Problem": "Some customers could not sign in.",
        "Cause": "An expired certificate on one server.",
        "Prevention plan": "- [x] Alert 30 days before a certificate expires",
    },
    updates=[
        ("2026-09-30 22:40 UTC — Resolved", "Sign-in works again for everyone."),
        (
            "2026-09-30 21:50 UTC — Investigating",
            "Some sign-ins fail.\n\nNext update: 22:30 UTC",
        ),
    ],
)

# October, D: starts at 22:30 UTC on 30 September, which is 00:30 on 1 October in Berlin:
# October, though September in UTC. Its promises stand only in the front matter: next update by
# 23:50 (made by the 23:10 update, the newest before it other than the resolution; kept by the
# resolution at 23:45) and restore by 23:30 (missed by 15 minutes).
OCT_CHECKOUT = make_incident(
    title="Checkout unavailable",
    impact="critical",
    components=["checkout"],
    started="2026-09-30T22:30:00Z",
    next_update="2026-09-30T23:50:00Z",
    estimated_restore="2026-09-30T23:30:00Z",
    resolved="2026-09-30T23:45:00Z",
    body={
        "Problem": "No one could place an order.",
        "Cause": "The checkout database ran out of disk space.",
        "Prevention plan": "- [x] Move exports to another disk\n- [x] Alert at 75% full",
    },
    updates=[
        ("2026-09-30 23:45 UTC — Resolved", "Checkout works again."),
        ("2026-09-30 23:10 UTC — Identified", "The database disk is full; we are freeing space."),
        ("2026-09-30 22:35 UTC — Investigating", "No orders can be placed right now."),
    ],
)

# October, E: no impact, and its first update came before the time it `started` (an early
# report): the first update counts as 0 minutes, never below.
OCT_EMAILS = make_incident(
    title="Sign-in emails arriving late",
    impact="none",
    components=["login"],
    started="2026-10-20T08:00:00Z",
    resolved="2026-10-20T09:00:00Z",
    body={
        "Problem": "Sign-in emails arrived a few minutes late; signing in still worked.",
        "Cause": "A slow mail relay.",
    },
    updates=[
        ("2026-10-20 09:00 UTC — Resolved", "Emails arrive on time again."),
        ("2026-10-20 07:50 UTC — Investigating", "We are checking reports of late emails."),
    ],
)

# October: a maintenance completed 30 minutes after its window (02:30 > 02:00).
OCT_WORKS = make_incident(
    title="Network upgrade",
    kind="maintenance",
    components=["payments-api"],
    scheduled_start="2026-10-27T01:00:00Z",
    scheduled_end="2026-10-27T02:00:00Z",
    completed="2026-10-27T02:30:00Z",
    body={"What we are doing": "We replace network equipment."},
    updates=[
        ("2026-10-27 02:30 UTC — Completed", "The upgrade is complete."),
        ("2026-10-20 10:00 UTC — Scheduled", "Payments may briefly fail during the work."),
    ],
)

# November, F: open at NOW (14:50). 14:35 kept (14:30 came first); 15:00 and 15:15 are still
# ahead, so neither counts yet, though 15:00 is already answered (14:45).
NOV_OPEN = make_incident(
    title="Checkout slow",
    impact="major",
    components=["checkout"],
    started="2026-11-20T14:00:00Z",
    body={
        "Problem": "Checkout takes up to a minute.",
        "Cause": "Some servers lost their database connection.",
        "Prevention plan": "- [ ] Make servers reconnect on their own",
    },
    updates=[
        (
            "2026-11-20 14:45 UTC — Update",
            "Half of the servers are back.\n\nNext update: 15:15 UTC",
        ),
        (
            "2026-11-20 14:30 UTC — Identified",
            "We found the cause.\n\nNext update: 15:00 UTC\nExpected restore: 16:00 UTC",
        ),
        (
            "2026-11-20 14:05 UTC — Investigating",
            "Checkout is slow for some customers.\n\nNext update: 14:35 UTC",
        ),
    ],
)

# November, G: promised an update by 09:50 and came back at 10:30: 40 minutes late.
NOV_LOGIN = make_incident(
    title="Sign-in slow",
    impact="minor",
    components=["login"],
    started="2026-11-02T09:00:00Z",
    resolved="2026-11-02T10:30:00Z",
    body={
        "Problem": "Signing in took up to 20 seconds.",
        "Cause": "A slow database query.",
        "Prevention plan": "- [x] Add the missing index\n- [x] Alert on slow sign-ins",
    },
    updates=[
        ("2026-11-02 10:30 UTC — Resolved", "Signing in is fast again."),
        ("2026-11-02 09:20 UTC — Investigating", "Sign-in is slow.\n\nNext update: 09:50 UTC"),
    ],
)

# November: a draft, which customers never saw: it must change no figure.
NOV_DRAFT = make_incident(
    title="Everything down",
    impact="critical",
    components=["checkout", "login"],
    started="2026-11-10T09:00:00Z",
    resolved="2026-11-10T12:00:00Z",
    draft="true",
    body={"Problem": "A rehearsal.", "Prevention plan": "- [ ] Nothing"},
    updates=[("2026-11-10 11:00 UTC — Investigating", "Rehearsal.\n\nNext update: 11:05 UTC")],
)

# December: a maintenance after NOW's month, not counted yet.
DEC_WORKS = make_incident(
    title="Payments database upgrade",
    kind="maintenance",
    components=["payments-api"],
    scheduled_start="2026-12-05T01:00:00Z",
    scheduled_end="2026-12-05T02:00:00Z",
    body={"What we are doing": "A newer database version."},
    updates=[("2026-11-19 10:00 UTC — Scheduled", "Payments may pause for a minute.")],
)

FILES = {
    "incidents/2026-07-10-database-upgrade.md": JULY_WORKS,
    "incidents/2026-09-10-card-payments.md": SEPT_PAYMENTS,
    "incidents/2026-09-30-sign-in.md": SEPT_SIGN_IN,
    "incidents/2026-10-01-checkout-unavailable.md": OCT_CHECKOUT,
    "incidents/2026-10-20-sign-in-emails.md": OCT_EMAILS,
    "incidents/2026-10-27-network-upgrade.md": OCT_WORKS,
    "incidents/2026-11-20-checkout-slow.md": NOV_OPEN,
    "incidents/2026-11-02-sign-in-slow.md": NOV_LOGIN,
    "incidents/2026-11-10-everything-down.md": NOV_DRAFT,
    "incidents/2026-12-05-payments-database-upgrade.md": DEC_WORKS,
}


def _nothing(month: str) -> dict[str, Any]:
    return {
        "month": month,
        "incidents": 0,
        "by_impact": {"none": 0, "minor": 0, "major": 0, "critical": 0},
        "first_update_minutes": {"median": None, "max": None},
        "restore_minutes": {"median": None, "max": None},
        "next_update_promises": {"made": 0, "kept": 0},
        "restore_estimates": {"given": 0, "met": 0},
        "prevention_actions": {"total": 0, "done": 0},
        "maintenance": {"total": 0, "on_time": 0},
    }


EXPECTED: dict[str, Any] = {
    "generated_at": "2026-11-20T14:50:00Z",
    # From July (the first entry) to November (NOW), newest first; December is not yet.
    "months": [
        {
            "month": "2026-11",
            "incidents": 2,  # F and G; the draft is not counted
            "by_impact": {"none": 0, "minor": 1, "major": 1, "critical": 0},
            # F: 14:05 - 14:00 = 5; G: 09:20 - 09:00 = 20; median (5 + 20) / 2 = 12.5
            "first_update_minutes": {"median": 12.5, "max": 20.0},
            # G only (F is open): 10:30 - 09:00 = 90
            "restore_minutes": {"median": 90.0, "max": 90.0},
            # F 14:35 kept (14:30); G 09:50 missed (10:30); F 15:00 and 15:15 still ahead
            "next_update_promises": {"made": 2, "kept": 1},
            # F's 16:00 is not counted while F is open; G gave none
            "restore_estimates": {"given": 0, "met": 0},
            # F 0 of 1, G 2 of 2
            "prevention_actions": {"total": 3, "done": 2},
            "maintenance": {"total": 0, "on_time": 0},  # December's is not November's
        },
        {
            "month": "2026-10",
            "incidents": 2,  # D (00:30 on 1 October in Berlin) and E
            "by_impact": {"none": 1, "minor": 0, "major": 0, "critical": 1},
            # D: 22:35 - 22:30 = 5; E: 07:50 - 08:00 < 0, so 0; median (0 + 5) / 2 = 2.5
            "first_update_minutes": {"median": 2.5, "max": 5.0},
            # D: 23:45 - 22:30 = 75; E: 09:00 - 08:00 = 60; median (60 + 75) / 2 = 67.5
            "restore_minutes": {"median": 67.5, "max": 75.0},
            # D's front matter 23:50: made at 23:10, kept by the resolution at 23:45
            "next_update_promises": {"made": 1, "kept": 1},
            # D's front matter 23:30: restored 23:45, missed
            "restore_estimates": {"given": 1, "met": 0},
            # D 2 of 2; E has no plan
            "prevention_actions": {"total": 2, "done": 2},
            # completed 02:30 > window end 02:00
            "maintenance": {"total": 1, "on_time": 0},
        },
        {
            "month": "2026-09",
            "incidents": 2,  # A and C (23:30 on 30 September in Berlin)
            "by_impact": {"none": 0, "minor": 1, "major": 1, "critical": 0},
            # A: 10:10 - 10:00 = 10; C: 21:50 - 21:30 = 20; median (10 + 20) / 2 = 15
            "first_update_minutes": {"median": 15.0, "max": 20.0},
            # A: 12:15 - 10:00 = 135; C: 22:40 - 21:30 = 70; median (70 + 135) / 2 = 102.5
            "restore_minutes": {"median": 102.5, "max": 135.0},
            # A 10:40 kept exactly on time (10:40), A 11:30 kept (11:20), C 22:30 missed (22:40)
            "next_update_promises": {"made": 3, "kept": 2},
            # A: 12:00 missed and 12:30 met (restored 12:15)
            "restore_estimates": {"given": 2, "met": 1},
            # A 1 of 2, C 1 of 1
            "prevention_actions": {"total": 3, "done": 2},
            "maintenance": {"total": 0, "on_time": 0},
        },
        _nothing("2026-08"),
        # completed 02:30 ≤ window end 03:00
        {**_nothing("2026-07"), "maintenance": {"total": 1, "on_time": 1}},
    ],
}


def write_report_site(project: Project) -> Project:
    """The hand-worked site, alone in `project` (its default incident removed)."""
    for path in (project.root / "incidents").glob("*.md"):
        path.unlink()
    for path, text in FILES.items():
        project.write(path, text)
    return project


@pytest.fixture
def site(project: Project) -> Project:
    return write_report_site(project)


# --- the figures, built and printed --------------------------------------------------------------


def test_built_report_json_has_every_figure_worked_out_by_hand(site: Project) -> None:
    built = site.build()
    assert built.code == 0, built.err
    assert json.loads(site.page("report/report.json")) == EXPECTED


def test_report_command_prints_report_json_byte_for_byte(site: Project) -> None:
    assert site.build().code == 0
    printed = site.run("report", "--now", NOW, "--format", "json")
    assert printed.code == 0, printed.err
    assert printed.err == ""
    assert printed.out == site.page("report/report.json")
    assert json.loads(printed.out) == EXPECTED


def test_report_json_is_the_same_bytes_on_every_build(site: Project) -> None:
    assert site.build("--out", "one").code == 0
    assert site.build("--out", "two").code == 0
    one = (site.root / "one" / "report" / "report.json").read_bytes()
    assert one == (site.root / "two" / "report" / "report.json").read_bytes()
    # The keys in SPEC §5's order, not sorted and not in the order of any set.
    month = json.loads(one)["months"][0]
    assert list(month) == [
        "month",
        "incidents",
        "by_impact",
        "first_update_minutes",
        "restore_minutes",
        "next_update_promises",
        "restore_estimates",
        "prevention_actions",
        "maintenance",
    ]
    assert list(month["by_impact"]) == ["none", "minor", "major", "critical"]


def test_a_later_clock_counts_the_promises_that_have_fallen_due(site: Project) -> None:
    # At 15:20 F's 15:00 (answered at 14:45) and 15:15 (nothing since 14:45) have come due.
    later = json.loads(site.run("report", "--now", "2026-11-20T15:20:00Z", "--format", "json").out)
    assert later["generated_at"] == "2026-11-20T15:20:00Z"
    assert later["months"][0]["next_update_promises"] == {"made": 4, "kept": 2}


def test_table_names_each_months_worst_slip(site: Project) -> None:
    printed = site.run("report", "--now", NOW)
    assert printed.code == 0, printed.err
    lines = printed.out.splitlines()
    assert lines[0] == (
        "Reliability report at 20 Nov 2026, 15:50 CET, months in Europe/Berlin, newest first."
    )
    rows = {line.split()[0]: line for line in lines if re.match(r"\d{4}-\d{2}  ", line)}
    assert list(rows) == ["2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]
    assert re.split(r"\s{2,}", rows["2026-09"]) == [
        "2026-09",
        "2 (1 major, 1 minor)",
        "15 / 20 min",
        "102.5 / 135 min",
        "2 of 3",
        "1 of 2",
        "2 of 3",
        "-",
    ]
    assert re.split(r"\s{2,}", rows["2026-08"]) == ["2026-08", "0", "-", "-", "-", "-", "-", "-"]
    slips = lines[lines.index("The promise that slipped most each month:") + 1 :]
    assert slips == [
        # G: promised by 09:50 UTC (10:50 CET), next word 10:30 UTC
        "  2026-11  2026-11-02-sign-in-slow (Sign-in slow): next update promised by "
        "2 Nov 2026, 10:50 CET came 40 minutes late",
        # the maintenance (30 minutes) slipped more than D's estimate (15 minutes)
        "  2026-10  2026-10-27-network-upgrade (Network upgrade): completed 30 minutes after "
        "its window ended at 27 Oct 2026, 03:00 CET",
        # A's first estimate, 12:00 UTC, restored 12:15 (C's update was 10 minutes late)
        "  2026-09  2026-09-10-card-payments (Card payments failing): restored 15 minutes "
        "after the estimate of 10 Sep 2026, 14:00 CEST",
    ]


def test_csv_has_one_row_a_month_with_flat_columns(site: Project) -> None:
    printed = site.run("report", "--now", NOW, "--format", "csv")
    assert printed.code == 0, printed.err
    rows = list(csv.DictReader(io.StringIO(printed.out)))
    assert [row["month"] for row in rows] == ["2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]
    assert rows[1] == {
        "month": "2026-10",
        "incidents": "2",
        "by_impact_none": "1",
        "by_impact_minor": "0",
        "by_impact_major": "0",
        "by_impact_critical": "1",
        "first_update_minutes_median": "2.5",
        "first_update_minutes_max": "5.0",
        "restore_minutes_median": "67.5",
        "restore_minutes_max": "75.0",
        "next_update_promises_made": "1",
        "next_update_promises_kept": "1",
        "restore_estimates_given": "1",
        "restore_estimates_met": "0",
        "prevention_actions_total": "2",
        "prevention_actions_done": "2",
        "maintenance_total": "1",
        "maintenance_on_time": "0",
        "worst_slip": "2026-10-27-network-upgrade",
        "worst_slip_promise": "window",
        "worst_slip_minutes_late": "30.0",
    }
    # Nothing to count is an empty cell, as `null` is in the JSON.
    assert rows[3]["first_update_minutes_median"] == "" and rows[3]["worst_slip"] == ""


def test_files_with_errors_are_named_and_left_out_of_the_figures(site: Project) -> None:
    site.write("incidents/2026-11-05-broken.md", "no front matter\n")
    for format in ("json", "csv", "table"):
        printed = site.run("report", "--now", NOW, "--format", format)
        assert printed.code == 1
        assert "incidents/2026-11-05-broken.md:1: error:" in printed.err
        assert "The figures leave out the files with the errors above" in printed.err
        if format == "json":  # standard output is still the report, and only the report
            assert json.loads(printed.out) == EXPECTED
        if format == "csv":
            assert printed.out.startswith("month,incidents,")


@pytest.mark.parametrize(
    "args",
    [("--format", "xml"), ("--now", "tomorrow-ish"), ("--config", "nowhere.toml")],
)
def test_report_usage_errors_exit_2(site: Project, args: tuple[str, ...]) -> None:
    printed = site.run("report", *args)
    assert printed.code == 2
    assert printed.out == ""


def test_a_site_with_nothing_yet_has_no_months(project: Project) -> None:
    for path in (project.root / "incidents").glob("*.md"):
        path.unlink()
    printed = project.run("report", "--now", NOW, "--format", "json")
    assert printed.code == 0, printed.err
    assert json.loads(printed.out) == {"generated_at": NOW, "months": []}
    built = project.build()
    assert built.code == 0, built.err
    assert "Nothing to report yet" in project.page("report/index.html")


def test_a_site_whose_only_entry_is_maintenance_to_come_has_no_months(project: Project) -> None:
    for path in (project.root / "incidents").glob("*.md"):
        path.unlink()
    project.write(
        "incidents/2027-01-10-database-upgrade.md",
        make_incident(
            title="Database upgrade",
            kind="maintenance",
            components=["checkout"],
            scheduled_start="2027-01-10T01:00:00Z",
            scheduled_end="2027-01-10T03:00:00Z",
            body={"What we are doing": "We move the database to faster disks."},
            updates=[("2026-11-20 10:00 UTC — Scheduled", "Checkout may pause for a minute.")],
        ),
    )
    # January 2027 has not begun at NOW: there is no month to count yet, not an empty one.
    printed = project.run("report", "--now", NOW, "--format", "json")
    assert printed.code == 0, printed.err
    assert json.loads(printed.out) == {"generated_at": NOW, "months": []}


# --- the page -------------------------------------------------------------------------------------


def test_every_page_links_to_the_report_in_its_footer(site: Project) -> None:
    assert site.build().code == 0
    pages = sorted(p.relative_to(site.site).as_posix() for p in site.site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        footer = site.page(page).split('<footer class="site">', 1)[1]
        links = re.findall(r'<a href="([^"]+)">Reliability report</a>', footer)
        assert len(links) == 1, f"{page} has no report link in its footer"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), links[0]))
        assert target == "report/index.html", f"{page}: {links[0]}"
    assert 'href="../report/index.html">reliability report</a>' in site.page("history/index.html")


def test_report_page_tells_the_trend_in_words(site: Project) -> None:
    assert site.build().code == 0
    text = " ".join(re.sub(r"<[^>]+>", " ", site.page("report/index.html")).split())
    for words in (
        # November against August to October (pooled: first updates 10, 20, 5, 0 → median 7.5)
        "November 2026 so far, against August to October 2026",
        "Incidents: 2 incidents (1 major, 1 minor), against 1.3 a month in August to October "
        "2026.",  # (0 + 2 + 2) / 3
        # 12.5 and 7.5 are rounded up after "within": never shorter than they were
        "First public update: Half within 13 minutes, all within 20 minutes: slower than in "
        "August to October 2026 (half within 8 minutes).",
        # November's one restored incident took 90 minutes; before: 60, 70, 75, 135, so the
        # median is (70 + 75) / 2 = 72.5
        "Service restored: All within 1 hour 30 minutes: slower than in August to October "
        "2026 (half within 1 hour 13 minutes).",
        # 1 of 2 this month, 3 of 4 before (A twice, C, D)
        "Next updates on time: 1 of 2 (50%): a smaller share than in August to October 2026, "
        "3 of 4 (75%).",
        "Restore estimates met: No estimate to count: no incident with one is resolved.",
        "Maintenance inside its window: No maintenance completed.",
        # every month, the empty one included
        "August 2026 No incidents and no maintenance.",
        "July 2026 Incidents: 0 incidents. First public update: No incident to time yet.",
    ):
        assert words in text, words
    # The draft's figures are nowhere: November has two incidents.
    assert "Everything down" not in site.page("report/index.html")


def test_each_chart_is_an_image_with_a_text_alternative_and_a_table(site: Project) -> None:
    assert site.build().code == 0
    page = site.page("report/index.html")
    charts = re.findall(r"<svg class=\"chart\"[^>]*>.*?</svg>", page, re.S)
    assert len(charts) == 7
    for chart in charts:
        labelled = re.search(r'role="img" aria-labelledby="([\w-]+)-title ([\w-]+)-desc"', chart)
        assert labelled, chart[:200]
        assert f'<title id="{labelled.group(1)}-title">' in chart
        assert f'<desc id="{labelled.group(1)}-desc">' in chart
    assert page.count("<table>") == 7
    assert "<script" not in page.split("</head>", 1)[1]


# --- the rules, on the model ----------------------------------------------------------------------

INFO = SiteInfo("Test", "https://status.test/", "Europe/Berlin", "", "", 50, ())


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _update(time: str, status: UpdateStatus = UpdateStatus.UPDATE, **promises: str) -> Update:
    return Update(
        _t(time),
        status,
        "",
        "",
        1,
        next_update=_t(promises["next"]) if "next" in promises else None,
        expected_restore=_t(promises["restore"]) if "restore" in promises else None,
    )


def _incident(*updates: Update, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "slug": "x",
        "path": Path("incidents/x.md"),
        "kind": Kind.INCIDENT,
        "title": "X",
        "impact": Impact.MAJOR,
        "components": (),
        "started": _t("2026-11-20 10:00"),
        "estimated_restore": None,
        "next_update": None,
        "resolved": None,
        "scheduled_start": None,
        "scheduled_end": None,
        "sections": (),
        "updates": tuple(sorted(updates, key=lambda u: u.time, reverse=True)),
        "prevention": Tasks(0, 0),
        "source": "",
    }
    times = {"started", "estimated_restore", "next_update", "resolved", "scheduled_start"}
    times.add("scheduled_end")
    values.update({k: _t(v) if k in times else v for k, v in fields.items()})
    return Incident(**values)


def test_a_front_matter_promise_is_made_by_the_newest_update_before_it_but_the_resolution() -> None:
    incident = _incident(
        _update("2026-11-20 10:05", UpdateStatus.INVESTIGATING),
        _update("2026-11-20 10:30"),
        _update("2026-11-20 10:50", UpdateStatus.RESOLVED),
        next_update="2026-11-20 11:00",
        resolved="2026-11-20 10:50",
    )
    # Made by the 10:30 update (not the resolution at 10:50), kept by the resolution.
    [promise] = next_update_promises(incident, _t("2026-11-20 12:00"))
    assert promise.delivered == _t("2026-11-20 10:50") and promise.kept


def test_a_front_matter_promise_an_update_carries_counts_once() -> None:
    incident = _incident(
        _update("2026-11-20 10:05", next="2026-11-20 10:30"),
        _update("2026-11-20 10:40"),
        next_update="2026-11-20 10:30",
    )
    [promise] = next_update_promises(incident, _t("2026-11-20 12:00"))
    assert not promise.kept and promise.delivered == _t("2026-11-20 10:40")


def test_a_promise_answered_by_nothing_yet_is_late_until_now() -> None:
    incident = _incident(_update("2026-11-20 10:05", next="2026-11-20 10:30"))
    now = _t("2026-11-20 11:00")
    [promise] = next_update_promises(incident, now)
    assert promise.delivered is None and not promise.kept
    assert promise.late(now).total_seconds() == 30 * 60


def test_an_update_at_the_very_time_promised_keeps_it_and_a_promise_due_now_counts() -> None:
    incident = _incident(
        _update("2026-11-20 10:05", next="2026-11-20 10:30"),
        _update("2026-11-20 10:30", next="2026-11-20 11:00"),
    )
    # At 11:00 exactly the second promise is no longer ahead: it counts, and is not kept.
    promises = next_update_promises(incident, _t("2026-11-20 11:00"))
    assert [p.kept for p in promises] == [True, False]


def test_restore_estimates_are_distinct_times_of_resolved_incidents_only() -> None:
    updates = (
        _update("2026-11-20 10:05", restore="2026-11-20 12:00"),
        _update("2026-11-20 10:30", restore="2026-11-20 12:00"),  # said again: one estimate
        _update("2026-11-20 11:00", restore="2026-11-20 13:00"),
    )
    open_incident = _incident(*updates, estimated_restore="2026-11-20 13:00")
    assert restore_estimates(open_incident) == []
    resolved = _incident(
        *updates, estimated_restore="2026-11-20 13:00", resolved="2026-11-20 12:00"
    )
    # 12:00 met exactly on time, 13:00 met; the front matter's 13:00 is carried by an update.
    assert [(p.promised.hour, p.kept) for p in restore_estimates(resolved)] == [
        (12, True),
        (13, True),
    ]


def test_maintenance_counts_only_in_maintenance() -> None:
    works = _incident(
        _update("2026-11-20 09:00", UpdateStatus.SCHEDULED, next="2026-11-20 09:30"),
        kind=Kind.MAINTENANCE,
        impact=Impact.NONE,
        started="2026-11-20 10:00",
        scheduled_start="2026-11-20 10:00",
        scheduled_end="2026-11-20 11:00",
        resolved="2026-11-20 11:00",
    )
    report = compute_report(Site(INFO, (works,), _t("2026-11-20 12:00")))
    figures = report.months[0].figures
    assert figures.incidents == 0 and figures.first_update_minutes.median is None
    assert figures.next_update_promises.made == 0
    assert (figures.maintenance.total, figures.maintenance.on_time) == (1, 1)  # 11:00 ≤ 11:00


def test_months_kept_between_builds_give_the_same_figures(site: Project) -> None:
    class Args:
        config = None
        now = NOW

    site.monkeypatch.chdir(site.root)
    loaded, problems = load_published(Args())
    assert loaded is not None and not problems.errors
    kept = KeptMonths()
    for now in (NOW, "2026-11-20T15:20:00Z", "2026-12-01T09:00:00Z"):
        at = Site(loaded.info, loaded.incidents, _t(now.replace("T", " ").rstrip("Z")))
        assert compute_report(at, kept) == compute_report(at)
    # Only months where nothing can change any more are kept: not November with F open.
    assert sorted(f"{first:%Y-%m}" for first in kept._months) == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    # A month whose incidents are other objects (a file edited) is counted again.
    changed = tuple(replace(i, prevention=Tasks(0, 9)) for i in loaded.incidents)
    at = Site(loaded.info, changed, _t("2026-12-01 09:00"))
    assert compute_report(at, kept) == compute_report(at)
    assert compute_report(at, kept).months[2].figures.prevention_actions.total == 18
