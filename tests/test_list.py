"""`statusgen list`: what is open, and which promises to customers have fallen due."""

from __future__ import annotations

from conftest import NOW, Project, make_incident

OPEN = make_incident(
    title="Login slow",
    impact="minor",
    components=["login"],
    started="2026-11-20T14:30:00Z",
    estimated_restore="2026-11-20T15:30:00Z",
    next_update="2026-11-20T15:00:00Z",
    body={"Problem": "Signing in takes up to a minute."},
    updates=[("2026-11-20 14:35 UTC — Identified", "We found the cause.")],
)

MAINTENANCE = make_incident(
    title="Database upgrade",
    kind="maintenance",
    components=["checkout"],
    scheduled_start="2026-11-21T02:00:00Z",
    scheduled_end="2026-11-21T03:00:00Z",
    body={"What we are doing": "Faster disks."},
    updates=[("2026-11-20 10:00 UTC — Scheduled", "Checkout pauses for ten minutes.")],
)


def test_list_says_plainly_when_nothing_is_open(project: Project) -> None:
    result = project.run("list", "--now", NOW)
    assert result.code == 0, result.err
    assert result.out == (
        "Nothing is open at 20 Nov 2026, 15:50 CET: no unresolved incident, "
        "no maintenance in progress or to come.\n"
    )


def test_list_shows_open_work_in_aligned_columns_in_the_site_zone(project: Project) -> None:
    project.write("incidents/2026-11-20-login-slow.md", OPEN)
    project.write("incidents/2026-11-21-database-upgrade.md", MAINTENANCE)
    result = project.run("list", "--now", NOW)  # 14:50 UTC: nothing due yet
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Open at 20 Nov 2026, 15:50 CET:",
        "SLUG                         KIND         PHASE       NEEDS",
        "2026-11-20-login-slow        incident     Identified  "
        "next update due 20 Nov 2026, 16:00 CET",
        "2026-11-21-database-upgrade  maintenance  Scheduled   starts 21 Nov 2026, 03:00 CET",
    ]
    assert "card-payments" not in result.out  # resolved: not listed


def test_list_names_overdue_promises(project: Project) -> None:
    project.write("incidents/2026-11-20-login-slow.md", OPEN)
    result = project.run("list", "--now", "2026-11-20T15:45:00Z")
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if "login-slow" in line)
    assert (
        "next update overdue since 20 Nov 2026, 16:00 CET (45 minutes); "
        "restore estimate 20 Nov 2026, 16:30 CET passed"
    ) in row


def test_list_keeps_a_maintenance_whose_window_ended_unconfirmed(project: Project) -> None:
    project.write("incidents/2026-11-21-database-upgrade.md", MAINTENANCE)
    during = project.run("list", "--now", "2026-11-21T02:30:00Z")
    assert "In progress" in during.out and "ends 21 Nov 2026, 04:00 CET" in during.out
    after = project.run("list", "--now", "2026-11-21T05:00:00Z")
    assert "window ended 21 Nov 2026, 04:00 CET: mark it completed" in after.out


def test_list_still_lists_the_rest_when_a_file_is_broken(project: Project) -> None:
    project.write("incidents/2026-11-20-login-slow.md", OPEN)
    project.write("incidents/2026-11-20-broken.md", "no front matter\n")
    result = project.run("list", "--now", NOW)
    assert result.code == 1
    assert "2026-11-20-login-slow" in result.out
    assert "incidents/2026-11-20-broken.md:1: error:" in result.err
    assert "not listed" in result.err


def test_list_leaves_out_drafts_which_customers_cannot_see(project: Project) -> None:
    project.write(
        "incidents/2026-11-20-login-slow.md", OPEN.replace("---\n", "---\ndraft: true\n", 1)
    )
    result = project.run("list", "--now", NOW)
    assert result.code == 0, result.err
    assert "login-slow" not in result.out
    assert result.out.startswith("Nothing is open at")
