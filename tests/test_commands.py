"""The command line as support staff use it at 3 a.m.: init, new, update, check and build."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import NOW, RESOLVED, Project, make_incident

from statusgen import __version__

NEW_SLUG = "2026-11-20-card-payments-failing"
NEW_FILE = f"incidents/{NEW_SLUG}.md"
OLD_SLUG = "2026-11-20-card-payments"
OLD_FILE = f"incidents/{OLD_SLUG}.md"
LATER = "2026-11-20T15:05:00Z"

OPEN_BY_HAND = make_incident(
    title="Login slow",
    impact="minor",
    components=["login"],
    started="2026-11-20T14:30:00Z",
    next_update="2026-11-20T15:00:00Z",
    body={
        "Problem": "Signing in takes up to a minute.",
        "Cause": "We are still investigating.",
        "Restore time": "We expect to restore service by 17:00 CET.",
        "Prevention plan": "- [ ] Add an alert for slow sign-ins",
    },
    updates=[("2026-11-20 14:35 UTC — Investigating", "We are looking into slow sign-ins.")],
)


# ---------------------------------------------------------------- helpers


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("---"), text[:80]
    data = yaml.safe_load(text.split("---", 2)[1])
    assert isinstance(data, dict)
    return data


def headings(path: Path, level: str) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [
        line[len(level) + 1 :].strip() for line in text.splitlines() if line.startswith(level + " ")
    ]


def updates(path: Path) -> list[str]:
    """The `###` headings under `## Updates`, in file order."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = lines.index("## Updates")
    found = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("### "):
            found.append(line[4:])
    return found


def added_lines(before: bytes, after: bytes) -> list[str]:
    """Assert that every line of `before` is still in `after`, in order; return the new lines."""
    old = before.decode("utf-8").splitlines(keepends=True)
    if old and not old[-1].endswith(("\n", "\r")):
        old[-1] += "\r\n" if b"\r\n" in before else "\n"
    new = after.decode("utf-8").splitlines(keepends=True)
    added, index = [], 0
    for line in new:
        if index < len(old) and line == old[index]:
            index += 1
        else:
            added.append(line)
    assert index == len(old), f"original line {index + 1} {old[index]!r} is gone or moved"
    return added


def section(html: str, heading_id: str) -> str:
    """The body of one `<section aria-labelledby=...>` of a page, or "" when it is absent."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def link(slug: str) -> str:
    return f'href="incidents/{slug}/index.html"'


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def other_site(project: Project, folder: Path) -> Project:
    """The same capture and monkeypatch, with the command run from another folder."""
    return Project(folder, project.capsys, project.monkeypatch)


def new_incident(project: Project, *extra: str) -> Path:
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout,payments-api",
        "--impact",
        "major",
        "--now",
        NOW,
        *extra,
    )
    assert result.code == 0, result.err
    return project.root / result.out.strip().splitlines()[-1]


def feed_items(project: Project) -> list[tuple[str, str]]:
    tree = ET.fromstring(project.page("feed.xml"))
    return [
        (item.findtext("title") or "", item.findtext("link") or "") for item in tree.iter("item")
    ]


# ---------------------------------------------------------------- init


def test_init_writes_a_site_that_passes_strict_check_and_builds(project: Project) -> None:
    fresh = project.root.parent / "fresh"
    result = project.run("init", str(fresh), "--now", NOW)
    assert result.code == 0, result.err

    assert (fresh / "statusgen.toml").is_file()
    examples = sorted((fresh / "incidents").glob("*.md"))
    assert [p.name for p in examples] == ["2026-11-19-slow-website.md"]
    # it says what it created, one file a line
    assert f"created {fresh / 'statusgen.toml'}" in result.out
    assert f"created {examples[0]}" in result.out

    # `check` asks for the site's own addresses in place of the placeholders, and nothing else
    checked = project.run("check", "--config", str(fresh), "--now", NOW)
    assert checked.code == 0, checked.err
    assert "0 errors, 2 warnings" in checked.out
    assert checked.err.count("is an example address") == 2, checked.err
    config = fresh / "statusgen.toml"
    config.write_text(
        config.read_text()
        .replace("status.example.com", "status.acme.test")
        .replace("support@example.com", "support@acme.test")
    )
    checked = project.run("check", "--strict", "--config", str(fresh), "--now", NOW)
    assert checked.code == 0, checked.err
    assert "0 errors, 0 warnings" in checked.out
    assert not (fresh / "site").exists(), "check must write nothing"

    inside = other_site(project, fresh)
    built = inside.build("--strict")
    assert built.code == 0, built.err
    index = inside.page("index.html")
    assert "Example Status" in index
    # The example is a draft: `serve` previews it, no build publishes it (see test_drafts.py).
    assert "Website slow to load" not in index
    assert not (inside.site / "incidents" / "2026-11-19-slow-website").exists()


def test_init_with_no_folder_uses_the_current_one(project: Project) -> None:
    empty = project.root.parent / "empty"
    empty.mkdir()
    here = other_site(project, empty)
    result = here.run("init", "--now", NOW)
    assert result.code == 0, result.err
    assert (empty / "statusgen.toml").is_file()
    assert len(list((empty / "incidents").glob("*.md"))) == 1
    assert here.build().code == 0


def test_second_init_refuses_and_changes_nothing(project: Project) -> None:
    fresh = project.root.parent / "fresh"
    assert project.run("init", str(fresh), "--now", NOW).code == 0
    (fresh / "statusgen.toml").write_text(
        (fresh / "statusgen.toml").read_text(encoding="utf-8").replace("Example", "Ours"),
        encoding="utf-8",
    )
    before = digests(fresh)

    again = project.run("init", str(fresh), "--now", "2026-12-24T10:00:00Z")
    assert again.code == 1
    assert "already exists" in again.err
    assert "statusgen.toml" in again.err
    assert "created" not in again.out
    assert digests(fresh) == before


def test_init_in_the_existing_site_folder_refuses(project: Project) -> None:
    before = digests(project.root)
    result = project.run("init", "--now", NOW)
    assert result.code == 1
    assert "already a status site" in result.err
    assert digests(project.root) == before


def test_init_never_overwrites_an_existing_incident_file(project: Project) -> None:
    fresh = project.root.parent / "fresh"
    mine = fresh / "incidents" / "2026-11-19-slow-website.md"
    mine.parent.mkdir(parents=True)
    mine.write_text(RESOLVED, encoding="utf-8")
    project.run("init", str(fresh), "--now", NOW)
    assert mine.read_text(encoding="utf-8") == RESOLVED


# ---------------------------------------------------------------- new


def test_new_incident_prints_its_path_and_has_every_section(project: Project) -> None:
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout,payments-api",
        "--impact",
        "major",
        "--now",
        NOW,
    )
    assert result.code == 0, result.err
    assert result.out.strip() == NEW_FILE
    path = project.root / NEW_FILE
    assert path.is_file()

    front = front_matter(path)
    assert front["title"] == "Card payments failing"
    assert front["impact"] == "major"
    assert front["components"] == ["checkout", "payments-api"]
    assert front["started"] == datetime(2026, 11, 20, 14, 50, tzinfo=UTC)
    assert front["next_update"] == datetime(2026, 11, 20, 15, 20, tzinfo=UTC)  # 30m default
    assert "resolved" not in front
    assert front.get("kind", "incident") == "incident"

    assert headings(path, "##") == [
        "Problem",
        "Cause",
        "Restore time",
        "Prevention plan",
        "Updates",
    ]
    [first] = updates(path)
    assert first == "2026-11-20 14:50:00 UTC — Investigating"
    text = path.read_text(encoding="utf-8")
    assert "Checkout and Payments API" in text
    # The promised next update, on a promise line the report counts (SPEC §1).
    assert text.endswith("Checkout and Payments API.\n\nNext update: 2026-11-20 15:20 UTC\n")


def test_new_next_update_option_changes_the_promise(project: Project) -> None:
    path = new_incident(project, "--next-update", "1h")
    assert front_matter(path)["next_update"] == datetime(2026, 11, 20, 15, 50, tzinfo=UTC)
    assert "\nNext update: 2026-11-20 15:50 UTC\n" in path.read_text(encoding="utf-8")


def test_new_bad_next_update_is_usage_error(project: Project) -> None:
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout",
        "--impact",
        "major",
        "--now",
        NOW,
        "--next-update",
        "soon",
    )
    assert result.code == 2
    assert "--next-update" in result.err
    assert not (project.root / NEW_FILE).exists()


def test_new_slug_date_is_the_day_in_the_site_zone(project: Project) -> None:
    # 23:30 UTC is already 00:30 the next day in Berlin
    result = project.run(
        "new",
        "Login: 50% fail (again!)",
        "--components",
        "login",
        "--impact",
        "minor",
        "--now",
        "2026-11-20T23:30:00Z",
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "incidents/2026-11-21-login-50-fail-again.md"
    path = project.root / result.out.strip()
    assert front_matter(path)["title"] == "Login: 50% fail (again!)"
    assert project.build().code == 0


def test_new_incident_builds_as_current_incident_and_in_feed(project: Project) -> None:
    new_incident(project)
    built = project.build()
    assert built.code == 0, built.err

    index = project.page("index.html")
    current = section(index, "active-heading")
    assert "Current incidents" in current
    assert link(NEW_SLUG) in current
    assert link(OLD_SLUG) not in current  # the resolved one is not current
    assert "Investigating" in current
    assert (project.site / "incidents" / NEW_SLUG / "index.html").is_file()

    items = feed_items(project)
    assert (
        "Card payments failing: Investigating",
        f"https://status.test/incidents/{NEW_SLUG}/#update-20261120T145000Z",
    ) in items
    assert f"incidents/{NEW_SLUG}/" in project.page("atom.xml")


def test_new_same_title_twice_gets_a_new_slug_and_leaves_the_first(project: Project) -> None:
    first = new_incident(project)
    first_bytes = first.read_bytes()
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout",
        "--impact",
        "critical",
        "--now",
        LATER,
        "--again",  # without it, an open incident's title is refused: see test_first_hour.py
    )
    assert result.code == 0, result.err
    assert result.out.strip() == f"incidents/{NEW_SLUG}-2.md"
    assert first.read_bytes() == first_bytes
    second = project.root / result.out.strip()
    assert front_matter(second)["impact"] == "critical"

    third = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout",
        "--impact",
        "minor",
        "--now",
        LATER,
        "--again",  # without it, an open incident's title is refused: see test_first_hour.py
    )
    assert third.out.strip() == f"incidents/{NEW_SLUG}-3.md"
    assert project.build("--now", LATER).code == 0


def test_new_unknown_component_suggests_the_right_one(project: Project) -> None:
    before = digests(project.root / "incidents")
    result = project.run(
        "new",
        "Card payments failing",
        "--components",
        "checkout,paymnets-api",
        "--impact",
        "major",
        "--now",
        NOW,
    )
    assert result.code == 2
    assert "paymnets-api" in result.err
    assert "did you mean `payments-api`" in result.err
    assert result.out == ""
    assert digests(project.root / "incidents") == before


def test_new_incident_without_impact_is_usage_error(project: Project) -> None:
    before = digests(project.root / "incidents")
    result = project.run("new", "Card payments failing", "--components", "checkout", "--now", NOW)
    assert result.code == 2
    assert "--impact" in result.err
    assert digests(project.root / "incidents") == before


@pytest.mark.parametrize(
    ("window", "missing"),
    [
        ((), "--start"),
        (("--start", "2026-11-24T02:00"), "--end"),
        (("--end", "2026-11-24T03:30"), "--start"),
    ],
)
def test_new_maintenance_needs_a_window(
    project: Project, window: tuple[str, ...], missing: str
) -> None:
    before = digests(project.root / "incidents")
    result = project.run(
        "new", "Database upgrade", "--maintenance", "--components", "login", "--now", NOW, *window
    )
    assert result.code == 2
    assert missing in result.err
    assert digests(project.root / "incidents") == before


@pytest.mark.parametrize("end", ["2026-11-24T01:00", "2026-11-24T02:00"])
def test_new_maintenance_end_must_be_after_start(project: Project, end: str) -> None:
    before = digests(project.root / "incidents")
    result = project.run(
        "new",
        "Database upgrade",
        "--maintenance",
        "--components",
        "login",
        "--start",
        "2026-11-24T02:00",
        "--end",
        end,
        "--now",
        NOW,
    )
    assert result.code == 2
    assert "--end must be after --start" in result.err
    assert digests(project.root / "incidents") == before


def test_new_maintenance_reads_times_in_site_zone_and_is_upcoming(project: Project) -> None:
    result = project.run(
        "new",
        "Database upgrade",
        "--maintenance",
        "--components",
        "login",
        "--start",
        "2026-11-24T02:00",
        "--end",
        "2026-11-24T03:30",
        "--now",
        NOW,
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "incidents/2026-11-24-database-upgrade.md"
    path = project.root / result.out.strip()

    front = front_matter(path)
    assert front["kind"] == "maintenance"
    assert front["components"] == ["login"]
    # Berlin is UTC+1 in November
    assert front["scheduled_start"] == datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    assert front["scheduled_end"] == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    assert updates(path) == ["2026-11-20 14:50:00 UTC — Scheduled"]

    assert project.build().code == 0
    index = project.page("index.html")
    upcoming = section(index, "upcoming-heading")
    assert "Upcoming maintenance" in upcoming
    assert 'href="incidents/2026-11-24-database-upgrade/index.html"' in upcoming
    assert "02:00 CET" in upcoming and "03:30 CET" in upcoming
    assert "database-upgrade" not in section(index, "active-heading")
    assert "database-upgrade" not in section(index, "works-heading")


# ---------------------------------------------------------------- update


def test_update_adds_the_newest_update_and_only_adds_lines(project: Project) -> None:
    path = new_incident(project)
    before = path.read_bytes()
    result = project.run(
        "update", NEW_SLUG, "--status", "identified", "We found it", "--now", LATER
    )
    assert result.code == 0, result.err
    assert NEW_SLUG in result.out
    assert "Identified" in result.out

    after = path.read_bytes()
    added = added_lines(before, after)
    assert sorted(added) == sorted(
        ["\n", "### 2026-11-20 15:05:00 UTC — Identified\n", "We found it\n"]
    )
    assert updates(path) == [
        "2026-11-20 15:05:00 UTC — Identified",
        "2026-11-20 14:50:00 UTC — Investigating",
    ]

    assert project.build("--now", "2026-11-20T15:06:00Z").code == 0
    current = section(project.page("index.html"), "active-heading")
    assert link(NEW_SLUG) in current
    assert '<span class="phase">Identified</span>' in current
    assert "We found it" in current


def test_update_default_status_is_update(project: Project) -> None:
    path = new_incident(project)
    result = project.run("update", NEW_SLUG, "Still working on it", "--now", LATER)
    assert result.code == 0, result.err
    assert updates(path)[0] == "2026-11-20 15:05:00 UTC — Update"


def test_update_now_without_offset_is_read_in_the_site_zone(project: Project) -> None:
    path = new_incident(project)
    result = project.run(
        "update", NEW_SLUG, "--status", "identified", "Found", "--now", "2026-11-20T16:05"
    )
    assert result.code == 0, result.err
    assert updates(path)[0] == "2026-11-20 15:05:00 UTC — Identified"


def test_update_next_update_writes_the_promise_and_keeps_the_front_matter_in_step(
    project: Project,
) -> None:
    path = new_incident(project)
    before = path.read_bytes()
    result = project.run(
        "update",
        NEW_SLUG,
        "--status",
        "monitoring",
        "Fix deployed",
        "--next-update",
        "30m",
        "--now",
        LATER,
    )
    assert result.code == 0, result.err
    after = path.read_bytes()
    assert front_matter(path)["next_update"] == datetime(2026, 11, 20, 15, 35, tzinfo=UTC)

    def without_next_update(data: bytes) -> bytes:
        return b"".join(
            line for line in data.splitlines(keepends=True) if not line.startswith(b"next_update:")
        )

    added = added_lines(without_next_update(before), without_next_update(after))
    assert sorted(added) == sorted(
        [
            "\n",
            "### 2026-11-20 15:05:00 UTC — Monitoring\n",
            "Fix deployed\n",
            "\n",
            "Next update: 2026-11-20 15:35 UTC\n",
        ]
    )
    # the promise moved: the line is still in the same place
    old_lines, new_lines = before.splitlines(), after.splitlines()
    at = old_lines.index(b"next_update: 2026-11-20T15:20:00Z")
    assert new_lines[at] == b"next_update: 2026-11-20T15:35:00Z"


def test_update_next_update_is_added_when_the_file_has_none(project: Project) -> None:
    path = project.write(
        "incidents/2026-11-20-login-slow.md",
        OPEN_BY_HAND.replace("next_update: 2026-11-20T15:00:00Z\n", ""),
    )
    before = path.read_bytes()
    result = project.run(
        "update",
        "2026-11-20-login-slow",
        "--status",
        "identified",
        "Found",
        "--next-update",
        "1h",
        "--now",
        LATER,
    )
    assert result.code == 0, result.err
    assert front_matter(path)["next_update"] == datetime(2026, 11, 20, 16, 5, tzinfo=UTC)
    added = added_lines(before, path.read_bytes())
    assert "next_update: 2026-11-20T16:05:00Z\n" in added
    assert project.build("--now", LATER).code == 0


def test_update_resolve_shows_the_incident_resolved(project: Project) -> None:
    path = new_incident(project)
    result = project.run(
        "update", NEW_SLUG, "--resolve", "Payments work again", "--now", "2026-11-20T15:20:00Z"
    )
    assert result.code == 0, result.err
    assert "Resolved" in result.out
    assert updates(path)[0] == "2026-11-20 15:20:00 UTC — Resolved"

    built = project.build("--now", "2026-11-20T15:30:00Z")
    assert built.code == 0, built.err
    index = project.page("index.html")
    assert link(NEW_SLUG) not in section(index, "active-heading")
    recent = section(index, "recent-heading")
    row = recent[recent.index(link(NEW_SLUG)) :]
    assert "resolved after 30 minutes" in row.split("</li>")[0]
    page = project.page(f"incidents/{NEW_SLUG}/index.html")
    assert "Restored" in page
    assert "after 30 minutes" in page


def test_update_resolve_with_another_status_is_usage_error(project: Project) -> None:
    path = new_incident(project)
    before = path.read_bytes()
    result = project.run(
        "update", NEW_SLUG, "--resolve", "--status", "identified", "Done", "--now", LATER
    )
    assert result.code == 2
    assert "--resolve" in result.err
    assert path.read_bytes() == before


def test_update_resolve_on_maintenance_completes_it(project: Project) -> None:
    made = project.run(
        "new",
        "Database upgrade",
        "--maintenance",
        "--components",
        "login",
        "--start",
        "2026-11-20T15:00Z",
        "--end",
        "2026-11-20T16:00Z",
        "--now",
        NOW,
    )
    assert made.code == 0, made.err
    path = project.root / made.out.strip()
    slug = path.stem
    assert (
        project.run(
            "update", slug, "--status", "in_progress", "Started", "--now", "2026-11-20T15:00:00Z"
        ).code
        == 0
    )
    done = project.run("update", slug, "--resolve", "All done", "--now", "2026-11-20T15:40:00Z")
    assert done.code == 0, done.err
    assert updates(path)[:2] == [
        "2026-11-20 15:40:00 UTC — Completed",
        "2026-11-20 15:00:00 UTC — In progress",
    ]
    assert project.build("--now", "2026-11-20T15:45:00Z").code == 0
    index = project.page("index.html")
    assert link(slug) not in section(index, "works-heading")
    assert link(slug) not in section(index, "upcoming-heading")


def test_update_unknown_slug_suggests_the_right_one(project: Project) -> None:
    before = digests(project.root / "incidents")
    result = project.run(
        "update", "2026-11-20-card-payment", "--status", "identified", "x", "--now", LATER
    )
    assert result.code == 2
    assert "no incident `2026-11-20-card-payment`" in result.err
    assert f"did you mean `{OLD_SLUG}`" in result.err
    assert digests(project.root / "incidents") == before


@pytest.mark.parametrize(
    ("maintenance", "status"),
    [(False, "completed"), (False, "scheduled"), (True, "identified"), (True, "resolved")],
)
def test_update_status_must_fit_the_kind(project: Project, maintenance: bool, status: str) -> None:
    if maintenance:
        made = project.run(
            "new",
            "Database upgrade",
            "--maintenance",
            "--components",
            "login",
            "--start",
            "2026-11-24T02:00",
            "--end",
            "2026-11-24T03:30",
            "--now",
            NOW,
        )
        path = project.root / made.out.strip()
    else:
        path = new_incident(project)
    before = path.read_bytes()
    result = project.run("update", path.stem, "--status", status, "text", "--now", LATER)
    assert result.code == 2
    assert f"--status {status}" in result.err
    assert path.read_bytes() == before


def test_update_wrong_status_message_reads_well(project: Project) -> None:
    new_incident(project)
    result = project.run("update", NEW_SLUG, "--status", "completed", "text", "--now", LATER)
    assert result.code == 2
    assert "for an incident" in result.err


def test_update_keeps_bom_and_crlf(project: Project) -> None:
    path = project.root / "incidents" / "2026-11-20-login-slow.md"
    original = b"\xef\xbb\xbf" + OPEN_BY_HAND.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(original)
    result = project.run(
        "update", "2026-11-20-login-slow", "--status", "identified", "We found it", "--now", LATER
    )
    assert result.code == 0, result.err

    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert after.count(b"\xef\xbb\xbf") == 1
    body = after[3:]
    assert body.endswith(b"\r\n")
    assert all(line.endswith(b"\r\n") for line in body.splitlines(keepends=True))
    assert b"\r\r\n" not in body
    added = added_lines(original[3:], body)
    assert sorted(added) == sorted(
        ["\r\n", "### 2026-11-20 15:05:00 UTC — Identified\r\n", "We found it\r\n"]
    )
    assert project.build("--now", LATER).code == 0


def test_update_multi_line_message_keeps_crlf(project: Project) -> None:
    path = project.root / "incidents" / "2026-11-20-login-slow.md"
    path.write_bytes(OPEN_BY_HAND.replace("\n", "\r\n").encode("utf-8"))
    result = project.run(
        "update",
        "2026-11-20-login-slow",
        "--status",
        "identified",
        "First line.\nSecond line.",
        "--now",
        LATER,
    )
    assert result.code == 0, result.err
    after = path.read_bytes()
    assert all(line.endswith(b"\r\n") for line in after.splitlines(keepends=True))
    assert b"First line.\r\nSecond line.\r\n" in after


def test_update_appends_an_updates_section_when_missing(project: Project) -> None:
    text = OPEN_BY_HAND.split("## Updates")[0].rstrip("\n")  # and no final newline
    path = project.write("incidents/2026-11-20-login-slow.md", text)
    before = path.read_bytes()
    result = project.run(
        "update", "2026-11-20-login-slow", "--status", "identified", "Found", "--now", LATER
    )
    assert result.code == 0, result.err
    after = path.read_bytes()
    added_lines(before, after)
    assert headings(path, "##")[-1] == "Updates"
    assert updates(path) == ["2026-11-20 15:05:00 UTC — Identified"]
    assert after.endswith(b"Found\n")
    assert project.build("--now", LATER).code == 0


def test_update_refuses_a_file_that_already_has_errors(project: Project) -> None:
    path = project.write(
        "incidents/2026-11-20-login-slow.md", OPEN_BY_HAND.replace("impact: minor", "impact: huge")
    )
    before = path.read_bytes()
    result = project.run(
        "update", "2026-11-20-login-slow", "--status", "identified", "Found", "--now", LATER
    )
    assert result.code == 1
    assert "2026-11-20-login-slow.md:3: error:" in result.err
    assert "huge" in result.err
    assert "not changed" in result.out + result.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["2026-11-20-card-payments.md", "2026-11-20-login-slow.md"]
    )  # no temporary left


def test_update_that_would_break_the_file_changes_nothing(project: Project) -> None:
    # reopening a resolved incident: `resolved:` would disagree with the newest update
    path = project.root / OLD_FILE
    before = path.read_bytes()
    result = project.run(
        "update", OLD_SLUG, "--status", "identified", "It is back", "--now", "2026-11-20T16:00:00Z"
    )
    assert result.code == 1
    assert "resolved" in result.err
    assert "not changed" in result.out + result.err
    assert path.read_bytes() == before


def test_update_after_resolution_with_postmortem(project: Project) -> None:
    path = project.root / OLD_FILE
    before = path.read_bytes()
    result = project.run(
        "update",
        OLD_SLUG,
        "--status",
        "postmortem",
        "Our review is out.",
        "--now",
        "2026-11-21T10:00:00Z",
    )
    assert result.code == 0, result.err
    added_lines(before, path.read_bytes())
    assert updates(path)[0] == "2026-11-21 10:00:00 UTC — Postmortem"
    assert project.build("--now", "2026-11-21T10:05:00Z").code == 0


def test_two_updates_in_the_same_second_both_land(project: Project) -> None:
    path = new_incident(project)
    assert project.run("update", NEW_SLUG, "One", "--now", LATER).code == 0
    again = project.run("update", NEW_SLUG, "Two", "--now", LATER)
    assert again.code == 0, again.err
    first, second = updates(path)[1], updates(path)[0]
    assert first.endswith("— Update") and second.endswith("— Update")
    assert first != second  # the second moved on by one second
    assert project.build().code == 0


def test_update_message_names_the_update_it_added(project: Project) -> None:
    path = project.write("incidents/2026-11-20-login-slow.md", OPEN_BY_HAND)
    assert (
        project.run(
            "update",
            path.stem,
            "--status",
            "identified",
            "Found it",
            "--now",
            "2026-11-20T15:00:00Z",
        ).code
        == 0
    )
    # back-filling an update that was posted elsewhere at 14:45, before the newest one
    result = project.run(
        "update", path.stem, "We also posted this on social media.", "--now", "2026-11-20T14:45:00Z"
    )
    assert result.code == 0, result.err
    assert updates(path)[0] == "2026-11-20 14:45:00 UTC — Update"  # inserted on top
    assert "added Update at 2026-11-20 14:45:00 UTC" in result.out


# ---------------------------------------------------------------- check and build


def test_check_and_build_never_change_incident_files(project: Project) -> None:
    new_incident(project)  # warnings: its sections are still empty
    (project.root / "incidents" / "2026-11-20-login-slow.md").write_bytes(
        b"\xef\xbb\xbf" + OPEN_BY_HAND.replace("\n", "\r\n").encode("utf-8")
    )
    project.write("incidents/2026/2026-11-01-old.md", RESOLVED.replace("2026-11-20", "2026-11-01"))
    incidents = project.root / "incidents"
    before = digests(incidents)

    assert project.run("check", "--now", NOW).code == 0
    assert project.run("check", "--strict", "--now", NOW).code == 1  # the warnings
    assert project.build().code == 0
    assert project.build().code == 0  # again, nothing changed
    assert project.build("--out", str(project.root / "elsewhere")).code == 0
    assert digests(incidents) == before

    project.write(
        "incidents/2026-11-20-broken.md", RESOLVED.replace("impact: major", "impact: huge")
    )
    before = digests(incidents)
    assert project.run("check", "--now", NOW).code == 1
    assert project.build().code == 1
    assert digests(incidents) == before


# ---------------------------------------------------------------- the command itself


def test_version(project: Project) -> None:
    result = project.run("--version")
    assert result.code == 0
    assert result.out.strip() == f"statusgen {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ("bogus",),
        (),
        ("new",),
        ("new", "Title"),  # no --components
        ("update",),
        ("update", OLD_SLUG),  # no message
        ("update", OLD_SLUG, "text", "--status", "fixed"),
        ("new", "Title", "--components", "checkout", "--impact", "huge"),
        ("build", "--no-such-option"),
    ],
)
def test_wrong_usage_exits_2(project: Project, args: tuple[str, ...]) -> None:
    before = digests(project.root)
    result = project.run(*args)
    assert result.code == 2
    assert "usage:" in result.err
    assert digests(project.root) == before


def test_config_option_that_does_not_exist_exits_2(project: Project) -> None:
    result = project.run("build", "--config", str(project.root / "nope.toml"), "--now", NOW)
    assert result.code == 2
    assert "nope.toml" in result.err
    assert not project.site.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("build", "--now", NOW),
        ("new", "Card payments failing", "--components", "checkout", "--impact", "major"),
        ("update", OLD_SLUG, "text"),
        ("serve", "--port", "0"),
    ],
)
def test_no_site_anywhere_above_says_run_init(project: Project, args: tuple[str, ...]) -> None:
    nowhere = project.root.parent / "nowhere" / "deeper"
    nowhere.mkdir(parents=True)
    assert not any(
        (folder / "statusgen.toml").exists() for folder in (nowhere, *nowhere.parents)
    ), "a statusgen.toml above tmp"
    lost = other_site(project, nowhere)
    result = lost.run(*args)
    assert result.code == 2
    assert "statusgen.toml" in result.err
    assert "statusgen init" in result.err
    assert list(nowhere.iterdir()) == []


def test_update_refuses_text_that_would_swallow_earlier_updates(project: Project) -> None:
    path = new_incident(project)
    before = path.read_bytes()
    result = project.run("update", NEW_SLUG, "Most are back.\n\n## Note\nmore", "--now", LATER)
    assert result.code == 2
    assert "the update text has a heading (`## Note`)" in result.err
    assert path.read_bytes() == before


def test_update_refuses_an_empty_text_and_a_second_resolution(project: Project) -> None:
    assert project.run("update", OLD_SLUG, "  ", "--now", LATER).code == 2
    result = project.run("update", OLD_SLUG, "--resolve", "Fixed again", "--now", LATER)
    assert result.code == 2
    assert "is already resolved; post a follow-up with --status update" in result.err


def test_new_refuses_an_empty_title(project: Project) -> None:
    result = project.run("new", "  ", "--components", "checkout", "--impact", "minor")
    assert result.code == 2
    assert "the title is empty" in result.err
    assert sorted(p.name for p in (project.root / "incidents").iterdir()) == [f"{OLD_SLUG}.md"]


def test_absurd_durations_and_init_on_a_file_are_usage_errors(project: Project) -> None:
    path = new_incident(project)
    result = project.run("update", NEW_SLUG, "x", "--next-update", "99999999h", "--now", LATER)
    assert result.code == 2
    assert "--next-update" in result.err and "Traceback" not in result.err
    assert project.run("init", str(path)).code == 2
