"""`draft: true`: checked like any file, previewed by `serve`, never published by `build`."""

from __future__ import annotations

import shutil
import socket
import time
import urllib.request

from conftest import NOW, Project, make_incident
from test_watch import Command

DRAFT_SLUG = "2026-11-20-search-down"
DRAFT_FILE = f"incidents/{DRAFT_SLUG}.md"
DRAFT_TITLE = "Search returns nothing"


def draft(**changes: str) -> str:
    """An open, critical incident: published by mistake, it would change every page."""
    fields = {
        "title": DRAFT_TITLE,
        "impact": "critical",
        "components": "[login]",
        "started": "2026-11-20T14:20:00Z",
        "next_update": "2026-11-20T15:20:00Z",
        "draft": "true",
        **changes,
    }
    return make_incident(
        body={"Problem": "Searches return no results.", "Cause": "We are still investigating."},
        updates=[("2026-11-20 14:25 UTC — Investigating", "We are looking into search.")],
        **fields,
    )


def test_build_publishes_exactly_the_site_without_its_drafts(project: Project) -> None:
    assert project.build().code == 0
    without = project.snapshot()
    project.write(DRAFT_FILE, draft())

    built = project.build()

    assert built.code == 0, built.err
    # Every page, feed, API file, the calendar, the badges, history and uptime: byte for byte.
    assert project.snapshot() == without
    assert not (project.site / "incidents" / DRAFT_SLUG).exists()


def test_a_draft_goes_live_when_the_flag_is_removed_and_away_when_it_is_back(
    project: Project,
) -> None:
    project.write(DRAFT_FILE, draft())
    assert project.build().code == 0
    hidden = project.snapshot()

    project.write(DRAFT_FILE, draft(draft="false"))
    assert project.build().code == 0
    assert DRAFT_TITLE in project.page("index.html")
    assert DRAFT_TITLE in project.page("api/v2/incidents/unresolved.json")
    assert "Draft" not in project.page(f"incidents/{DRAFT_SLUG}/index.html")

    project.write(DRAFT_FILE, draft())
    assert project.build().code == 0
    assert project.snapshot() == hidden


def test_check_validates_a_draft_like_any_file(project: Project) -> None:
    project.write(DRAFT_FILE, draft(impact="severe"))

    checked = project.run("check", "--now", NOW)

    assert checked.code == 1
    assert (
        f"{DRAFT_FILE}:3: error: `impact: severe` is not one of none, minor, major, critical"
        in checked.err
    )


def test_check_warns_about_a_drafts_times_like_any_file(project: Project) -> None:
    project.write(DRAFT_FILE, draft(started="2026-11-20T16:00:00Z", next_update="2026-11-20T17:00"))

    checked = project.run("check", "--now", NOW)

    assert checked.code == 0
    assert f"{DRAFT_FILE}:" in checked.err and "future" in checked.err


def test_a_draft_flag_that_is_neither_true_nor_false_is_an_error(project: Project) -> None:
    project.write(DRAFT_FILE, draft(draft="maybe"))

    built = project.build()

    assert built.code == 1
    assert (
        f"{DRAFT_FILE}:7: error: `draft: maybe` is neither true nor false: "
        "write `draft: true` or remove it"
    ) in built.err
    assert not project.site.exists()


def test_watch_leaves_drafts_out(project: Project) -> None:
    project.write(DRAFT_FILE, draft())
    command = Command(project.root, "watch", "--now", NOW)
    try:
        command.started()
        assert "Card payments failing at checkout" in project.page("index.html")
        assert DRAFT_TITLE not in project.page("index.html")
        assert not (project.site / "incidents" / DRAFT_SLUG).exists()
    finally:
        command.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_previews_drafts_marked_and_never_where_build_publishes(project: Project) -> None:
    assert project.build().code == 0
    published = project.snapshot()
    project.write(DRAFT_FILE, draft())
    port = _free_port()
    command = Command(project.root, "serve", "--port", str(port), "--now", NOW)
    try:
        command.wait_for_line(f"http://127.0.0.1:{port}/")
        index = _get(f"http://127.0.0.1:{port}/index.html")
        page = _get(f"http://127.0.0.1:{port}/incidents/{DRAFT_SLUG}/index.html")
    finally:
        command.kill()

    assert DRAFT_TITLE in index and "Draft: not published" in index
    assert "Major outage affecting Login" in index  # the preview shows what publishing would
    assert DRAFT_TITLE in page and "Draft: not published" in page
    assert "drafts included" in "\n".join(command.out)
    # The published site is as `build` left it, and no copy of it holds the draft.
    assert project.snapshot() == published
    assert (project.root / ".site.statusgen" / "preview" / "incidents" / DRAFT_SLUG).is_dir()


def test_a_new_site_publishes_no_made_up_incident(project: Project) -> None:
    fresh = project.root.parent / "fresh"
    assert project.run("init", str(fresh), "--now", NOW).code == 0
    [example] = (fresh / "incidents").glob("*.md")
    assert "draft: true" in example.read_text(encoding="utf-8")
    site = Project(fresh, project.capsys, project.monkeypatch)

    checked = site.run("check", "--now", NOW)
    built = site.build("--strict")

    # The draft checks clean; only the example addresses, meant to be replaced, are named.
    assert checked.code == 0 and "0 errors, 2 warnings" in checked.out, checked.err
    assert "example.md" not in checked.err and example.name not in checked.err
    assert built.code == 0, built.err
    assert "Website slow to load" not in site.page("index.html")
    assert "All systems operational" in site.page("index.html")
    assert not (site.site / "incidents" / example.stem).exists()
    assert '"incidents":[]' in site.page("api/v2/incidents.json").replace(" ", "")
    shutil.rmtree(fresh)
