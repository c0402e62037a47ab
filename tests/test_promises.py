"""Promises are history (SPEC §1): `Next update:` / `Expected restore:` lines in updates, shown
with the update and, once the answer is known, whether each was kept."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import feedparser
import yaml
from conftest import Project, make_incident

SLUG = "2026-11-20-card-payments"
FILE = f"incidents/{SLUG}.md"
FIELDS = {
    "title": "Card payments failing at checkout",
    "impact": "major",
    "components": ["checkout"],
    "started": "2026-11-20T14:02:00Z",
}
BODY = {
    "Problem": "Some customers could not pay by card.",
    "Cause": "A configuration change lowered the connection limit.",
    "Prevention plan": "- [ ] Stage configuration changes",
}


def incident(*updates: tuple[str, str], **fields: str) -> str:
    return make_incident(body=BODY, updates=list(updates), **{**FIELDS, **fields})


def text_of(html: str) -> str:
    """The page as a reader sees it: no tags, one space between words."""
    return re.sub(r" ([.,:;])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", html).split()))


# The site's zone is Europe/Berlin (UTC+1 in November): pages show CET.
RESOLVED_WITH_PROMISES = incident(
    ("2026-11-20 15:31 UTC — Resolved", "Card payments work again for everyone."),
    (
        "2026-11-20 15:05 UTC — Monitoring",
        "The rollback is done; we are watching payments.\n\nNext update: 15:40 UTC",
    ),
    (
        "2026-11-20 14:40 UTC — Identified",
        "We found the cause and are rolling back.\n\n"
        "Next update: 15:10 UTC\nExpected restore: 2026-11-20 16:00 UTC",
    ),
    (
        "2026-11-20 14:10 UTC — Investigating",
        "We are looking into failed card payments.\n\nNext update: 14:30 UTC",
    ),
)


def test_each_update_shows_its_promises_and_whether_they_were_kept(project: Project) -> None:
    project.write(FILE, RESOLVED_WITH_PROMISES)
    result = project.run("build", "--now", "2026-11-20T18:00:00Z")
    assert result.code == 0, result.err
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    # Kept early, kept with minutes to spare, and late: each says so plainly.
    assert (
        "Next update promised by 20 Nov 2026, 16:10 CET: posted 20 Nov 2026, 16:05 CET, "
        "5 minutes early." in page
    )
    assert (
        "Restore expected by 20 Nov 2026, 17:00 CET: restored 20 Nov 2026, 16:31 CET, "
        "29 minutes early." in page
    )
    assert (
        "Next update promised by 20 Nov 2026, 15:30 CET: posted 20 Nov 2026, 15:40 CET, "
        "10 minutes late." in page
    )
    assert (
        "Next update promised by 20 Nov 2026, 16:40 CET: posted 20 Nov 2026, 16:31 CET, "
        "9 minutes early." in page
    )
    # The lines themselves are not repeated as prose.
    assert "Next update: 15:10 UTC" not in page
    assert "Expected restore:" not in page


def test_promises_in_an_open_incident_are_shown_as_made(project: Project) -> None:
    project.write(
        FILE,
        incident(
            (
                "2026-11-20 14:40 UTC — Identified",
                "We found the cause and are rolling back.\n\n"
                "Next update: 15:10 UTC\nExpected restore: 16:00 UTC",
            ),
        ),
    )
    result = project.run("build", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 20 Nov 2026, 16:10 CET." in page
    assert "Restore expected by 20 Nov 2026, 17:00 CET." in page
    # ...and they are the promises standing now, on the front page too.
    front = text_of(project.page("index.html"))
    assert "Next update by 20 Nov 2026, 16:10 CET" in front
    assert "20 Nov 2026, 17:00 CET" in front


def test_an_overdue_promise_says_no_update_came(project: Project) -> None:
    project.write(
        FILE,
        incident(
            ("2026-11-20 14:40 UTC — Identified", "We are rolling back.\n\nNext update: 15:10 UTC"),
        ),
    )
    assert project.run("build", "--now", "2026-11-20T15:30:00Z").code == 0
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 20 Nov 2026, 16:10 CET: no update came by then." in page
    assert "Next update overdue" in page


def test_front_matter_promises_are_taken_from_the_newest_update(project: Project) -> None:
    project.write(
        FILE,
        incident(
            ("2026-11-20 15:05 UTC — Monitoring", "Watching payments.\n\nNext update: 15:40 UTC"),
            (
                "2026-11-20 14:40 UTC — Identified",
                "Rolling back.\n\nNext update: 15:10 UTC\nExpected restore: 16:00 UTC",
            ),
        ),
    )
    assert project.run("build", "--now", "2026-11-20T15:50:00Z").code == 0
    api = json.loads(project.page("api/v2/incidents/unresolved.json"))
    [shown] = api["incidents"]
    assert "Next update by 20 Nov 2026, 16:40 CET." in shown["incident_updates"][0]["body"]
    # The standing promise is the newest one (15:40 UTC), and at 15:50 it is overdue.
    page = text_of(project.page("index.html"))
    assert "we promised one by 20 Nov 2026, 16:40 CET" in page


def test_front_matter_that_disagrees_with_the_newest_promise_is_an_error(
    project: Project,
) -> None:
    text = incident(
        ("2026-11-20 14:40 UTC — Identified", "Rolling back.\n\nNext update: 15:10 UTC"),
        next_update="2026-11-20T15:30:00Z",
    )
    project.write(FILE, text)
    before = project.snapshot() if project.site.exists() else {}
    result = project.run("build", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    line = text.splitlines().index("next_update: 2026-11-20T15:30:00Z") + 1
    heading = text.splitlines().index("### 2026-11-20 14:40 UTC — Identified") + 1
    assert (
        f"{FILE}:{line}: error: `next_update:` and the newest `Next update:` line (in the update "
        f"on line {heading}) give different times" in result.err
    )
    assert (project.snapshot() if project.site.exists() else {}) == before


def test_front_matter_that_agrees_to_the_minute_is_fine(project: Project) -> None:
    project.write(
        FILE,
        incident(
            ("2026-11-20 14:40 UTC — Identified", "Rolling back.\n\nNext update: 15:10 UTC"),
            next_update="2026-11-20T15:10:30Z",
        ),
    )
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err


def test_a_time_of_day_alone_is_the_update_date_or_the_day_after(project: Project) -> None:
    project.write(
        FILE,
        incident(
            # 23:50 UTC, and 00:20 UTC would be before it that day: the next day is meant.
            ("2026-11-20 23:50 UTC — Identified", "Rolling back.\n\nNext update: 00:20 UTC"),
            started="2026-11-20T23:30:00Z",
        ),
    )
    assert project.run("build", "--now", "2026-11-20T23:55:00Z").code == 0
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 21 Nov 2026, 01:20 CET." in page


def test_a_time_of_day_without_a_zone_is_read_in_the_site_zone(project: Project) -> None:
    project.write(
        FILE,
        incident(("2026-11-20 14:40 UTC — Identified", "Rolling back.\n\nNext update: 16:10")),
    )
    assert project.run("build", "--now", "2026-11-20T14:50:00Z").code == 0
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 20 Nov 2026, 16:10 CET." in page


def test_a_promise_line_without_a_time_is_an_error_at_its_line(project: Project) -> None:
    text = incident(("2026-11-20 14:40 UTC — Identified", "Rolling back.\n\nNext update: soon"))
    project.write(FILE, text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    line = text.splitlines().index("Next update: soon") + 1
    assert f"{FILE}:{line}: error: `Next update: soon`:" in result.err
    assert "a time customers can hold us to" in result.err


def test_two_promise_lines_of_one_kind_and_a_promise_in_the_past_are_errors(
    project: Project,
) -> None:
    text = incident(
        (
            "2026-11-20 14:40 UTC — Identified",
            "Rolling back.\n\nNext update: 15:10 UTC\nNext update: 15:20 UTC\n"
            "Expected restore: 2026-11-19 16:00 UTC",
        ),
    )
    project.write(FILE, text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    lines = text.splitlines()
    second = lines.index("Next update: 15:20 UTC") + 1
    past = lines.index("Expected restore: 2026-11-19 16:00 UTC") + 1
    assert f"{FILE}:{second}: error: a second `Next update:` line in one update" in result.err
    assert f"{FILE}:{past}: error: `Expected restore: 2026-11-19 16:00 UTC` is before" in result.err


def test_a_promise_line_inside_a_code_block_is_just_text(project: Project) -> None:
    project.write(
        FILE,
        incident(
            (
                "2026-11-20 14:40 UTC — Identified",
                "We will post updates like this:\n\n```\nNext update: whenever\n```",
            ),
        ),
    )
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert "Next update: whenever" not in result.err
    assert ": error:" not in result.err


def test_feeds_carry_the_promises_of_each_update(project: Project) -> None:
    project.write(FILE, RESOLVED_WITH_PROMISES)
    assert project.run("build", "--now", "2026-11-20T18:00:00Z").code == 0
    feed = feedparser.parse(project.page("atom.xml"))
    identified = next(e for e in feed.entries if "rolling back" in e.content[0].value)
    content = identified.content[0].value
    assert "Next update by 20 Nov 2026, 16:10 CET." in content
    assert "We expect service to be restored by 20 Nov 2026, 17:00 CET." in content


def front_matter(project: Project) -> dict[str, object]:
    text = (project.root / FILE).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text.split("---")[1])
    assert isinstance(loaded, dict)
    return loaded


def test_update_writes_promise_lines_and_keeps_the_front_matter_in_step(
    project: Project,
) -> None:
    project.write(
        FILE,
        incident(("2026-11-20 14:10 UTC — Investigating", "Looking into failed payments.")),
    )
    result = project.run(
        "update",
        SLUG,
        "--status",
        "identified",
        "We found the cause and are rolling back.",
        "--next-update",
        "30m",
        "--estimate",
        "17:00",
        "--now",
        "2026-11-20T14:40:20Z",
    )
    assert result.code == 0, result.err
    text = (project.root / FILE).read_text(encoding="utf-8")
    # 30 minutes from 14:40:20 is promised as 15:11, rounded up: promise conservatively.
    # 17:00 is read in the site's zone (CET), 16:00 UTC.
    assert (
        "### 2026-11-20 14:40:20 UTC — Identified\n"
        "We found the cause and are rolling back.\n\n"
        "Next update: 2026-11-20 15:11 UTC\n"
        "Expected restore: 2026-11-20 16:00 UTC\n" in text
    )
    front = front_matter(project)
    assert front["next_update"] == datetime(2026, 11, 20, 15, 11, tzinfo=UTC)
    assert front["estimated_restore"] == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert project.run("check", "--now", "2026-11-20T14:41:00Z").code == 0


def test_update_estimate_takes_a_duration_and_refuses_the_past(project: Project) -> None:
    project.write(
        FILE,
        incident(("2026-11-20 14:10 UTC — Investigating", "Looking into failed payments.")),
    )
    past = project.run(
        "update", SLUG, "Still rolling back.", "--estimate", "2026-11-20 13:00 UTC",
        "--now", "2026-11-20T14:40:00Z",
    )  # fmt: skip
    assert past.code == 2
    assert "--estimate: `2026-11-20 13:00 UTC` has already passed" in past.err
    ok = project.run(
        "update", SLUG, "Still rolling back.", "--estimate", "2h", "--now", "2026-11-20T14:40:00Z"
    )
    assert ok.code == 0, ok.err
    assert front_matter(project)["estimated_restore"] == datetime(2026, 11, 20, 16, 40, tzinfo=UTC)


def test_new_writes_its_promises_as_lines(project: Project) -> None:
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout",
        "--impact",
        "major",
        "--estimate",
        "1h30m",
        "--now",
        "2026-11-20T14:50:00Z",
    )
    assert result.code == 0, result.err
    path = project.root / result.out.strip()
    text = path.read_text(encoding="utf-8")
    assert text.endswith(
        "Next update: 2026-11-20 15:20 UTC\nExpected restore: 2026-11-20 16:20 UTC\n"
    )
    assert "estimated_restore: 2026-11-20T16:20:00Z\n" in text


def test_estimate_is_refused_for_maintenance_and_when_resolving(project: Project) -> None:
    result = project.run(
        "new", "Database upgrade", "--components", "checkout", "--maintenance",
        "--start", "2026-11-25T02:00:00Z", "--end", "2026-11-25T03:00:00Z", "--estimate", "2h",
    )  # fmt: skip
    assert result.code == 2
    assert "--estimate is for incidents" in result.err
    project.write(
        FILE,
        incident(("2026-11-20 14:10 UTC — Investigating", "Looking into failed payments.")),
    )
    resolving = project.run(
        "update", SLUG, "Fixed.", "--resolve", "--estimate", "2h", "--now", "2026-11-20T14:40:00Z"
    )
    assert resolving.code == 2
    assert "with --resolve it is back already" in resolving.err


def test_a_promise_may_be_bold_or_say_how_long_from_the_update(project: Project) -> None:
    project.write(
        FILE,
        incident(
            (
                "2026-11-20 14:40 UTC — Identified",
                "We are rolling back.\n\n**Next update**: in 30 minutes\n"
                "**Expected restore:** in 2 hours",
            ),
        ),
    )
    assert project.run("build", "--now", "2026-11-20T14:50:00Z").code == 0
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    # 30 minutes and 2 hours from the update (14:40 UTC, 15:40 CET).
    assert "Next update promised by 20 Nov 2026, 16:10 CET." in page
    assert "Restore expected by 20 Nov 2026, 17:40 CET." in page
    assert "in 30 minutes" not in page


def test_a_time_of_day_in_the_hour_the_clocks_go_back_follows_the_update(
    project: Project,
) -> None:
    # Europe/Berlin went back from 03:00 CEST to 02:00 CET on 25 October 2026. An update at
    # 01:30 UTC is 02:30 in the second pass, so `02:45` is a quarter of an hour later (01:45
    # UTC), not the next day; the update at 01:50 UTC came five minutes after it.
    project.write(
        FILE,
        incident(
            ("2026-10-25 01:50 UTC — Resolved", "Card payments work again."),
            (
                "2026-10-25 01:30 UTC — Investigating",
                "We are looking into failed card payments.\n\nNext update: 02:45",
            ),
            started="2026-10-25T01:20:00Z",
            resolved="2026-10-25T01:50:00Z",
        ),
    )
    result = project.run("build", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    assert "happened twice" not in result.err  # only one reading comes after the update
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert (
        "Next update promised by 25 Oct 2026, 02:45 CET: posted 25 Oct 2026, 02:50 CET, "
        "5 minutes late." in page
    )


def test_front_matter_within_the_minute_of_its_line_is_one_promise_in_the_report(
    project: Project,
) -> None:
    project.write(
        FILE,
        incident(
            ("2026-11-20 15:31 UTC — Resolved", "Card payments work again."),
            (
                "2026-11-20 14:40 UTC — Identified",
                "Rolling back.\n\nNext update: 15:10 UTC\nExpected restore: 16:00 UTC",
            ),
            next_update="2026-11-20T15:10:30Z",
            estimated_restore="2026-11-20T16:00:30Z",
            resolved="2026-11-20T15:31:00Z",
        ),
    )
    printed = project.run("report", "--now", "2026-11-20T18:00:00Z", "--format", "json")
    assert printed.code == 0, printed.err
    month = json.loads(printed.out)["months"][0]
    # One promise of each kind was made; the seconds in the front matter do not make a second.
    assert month["next_update_promises"] == {"made": 1, "kept": 0}
    assert month["restore_estimates"] == {"given": 1, "met": 1}


def test_an_estimate_with_seconds_is_rounded_up_in_the_line_and_the_front_matter(
    project: Project,
) -> None:
    project.write(
        FILE,
        incident(("2026-11-20 14:10 UTC — Investigating", "Looking into failed payments.")),
    )
    result = project.run(
        "update", SLUG, "Rolling back.", "--estimate", "2026-11-20 17:00:30 UTC",
        "--now", "2026-11-20T14:40:00Z",
    )  # fmt: skip
    assert result.code == 0, result.err
    text = (project.root / FILE).read_text(encoding="utf-8")
    assert "Expected restore: 2026-11-20 17:01 UTC\n" in text
    assert front_matter(project)["estimated_restore"] == datetime(2026, 11, 20, 17, 1, tzinfo=UTC)


def test_a_promise_line_inside_an_html_comment_is_not_a_promise(project: Project) -> None:
    project.write(
        FILE,
        incident(
            (
                "2026-11-20 14:40 UTC — Identified",
                "Rolling back.\n\n<!--\nExpected restore: 23:55 UTC\n-->\nNext update: 15:10 UTC",
            ),
        ),
    )
    result = project.run("build", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 20 Nov 2026, 16:10 CET." in page
    assert "Restore expected" not in page
    api = json.loads(project.page("api/v2/incidents.json"))
    assert "restored by" not in api["incidents"][0]["incident_updates"][0]["body"]


def test_a_whole_promise_line_in_bold_is_a_promise(project: Project) -> None:
    text = incident(
        (
            "2026-11-20 14:40 UTC — Identified",
            "Rolling back.\n\nNext update: in 30 minutes\n**Next update: 16:00 UTC**",
        ),
    )
    project.write(FILE, text)
    result = project.run("check", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 1
    line = text.splitlines().index("**Next update: 16:00 UTC**") + 1
    assert f"{FILE}:{line}: error: a second `Next update:` line in one update" in result.err
    project.write(
        FILE,
        incident(
            ("2026-11-20 14:40 UTC — Identified", "Rolling back.\n\n_Next update: 16:00 UTC_")
        ),
    )
    assert project.run("build", "--now", "2026-11-20T14:50:00Z").code == 0
    page = text_of(project.page(f"incidents/{SLUG}/index.html"))
    assert "Next update promised by 20 Nov 2026, 17:00 CET." in page


def test_expected_restore_in_maintenance_is_left_out_everywhere(project: Project) -> None:
    path = "incidents/2026-11-25-database-upgrade.md"
    text = make_incident(
        title="Database upgrade",
        kind="maintenance",
        components=["checkout"],
        scheduled_start="2026-11-25T02:00:00Z",
        scheduled_end="2026-11-25T03:00:00Z",
        body={"What we are doing": "We move the database to faster disks."},
        updates=[
            (
                "2026-11-20 10:00 UTC — Scheduled",
                "Checkout may pause for a minute.\n\nExpected restore: 2026-11-25 02:30 UTC",
            )
        ],
    )
    project.write(path, text)
    result = project.run("build", "--now", "2026-11-20T14:50:00Z")
    assert result.code == 0, result.err
    line = text.splitlines().index("Expected restore: 2026-11-25 02:30 UTC") + 1
    assert f"{path}:{line}: warning: `Expected restore:` is for incidents" in result.err
    for published in ("feed.xml", "atom.xml", "api/v2/scheduled-maintenances.json"):
        assert "restored by" not in project.page(published), published
    page = text_of(project.page("incidents/2026-11-25-database-upgrade/index.html"))
    assert "Expected restore" not in page and "Restore expected" not in page
