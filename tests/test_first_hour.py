"""The first hour of a new user: the command line takes what they naturally type, says what it
did, and warns where a file still says only what `new` wrote."""

from __future__ import annotations

import socket
import struct
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import NOW, Project
from test_serve import _live

LATER = "2026-11-20T15:05:00Z"
SLUG = "2026-11-20-card-payments-failing"


def _new(project: Project, title: str = "Card payments failing", *extra: str) -> Path:
    result = project.run(
        "new", title, "--components", "checkout", "--impact", "major", "--now", NOW, *extra
    )
    assert result.code == 0, result.err
    return project.root / result.out.strip()


def _files(project: Project) -> list[str]:
    return sorted(p.name for p in (project.root / "incidents").iterdir())


# ---------------------------------------------------------------- update: what people type


def test_update_takes_the_path_new_printed(project: Project) -> None:
    path = _new(project)
    relative = path.relative_to(project.root).as_posix()
    assert relative == f"incidents/{SLUG}.md"
    first = project.run("update", relative, "We found the cause.", "--now", LATER)
    assert first.code == 0, first.err
    assert f"incidents/{SLUG}.md: added Update at 2026-11-20 15:05:00 UTC" in first.out
    second = project.run("update", str(path), "Still on it.", "--now", "2026-11-20T15:10:00Z")
    assert second.code == 0, second.err
    text = path.read_text(encoding="utf-8")
    assert "We found the cause." in text and "Still on it." in text


def test_update_refuses_a_path_outside_the_incidents_folder(project: Project) -> None:
    path = _new(project)
    elsewhere = project.write(f"drafts/{SLUG}.md", path.read_text(encoding="utf-8"))
    result = project.run("update", str(elsewhere), "Text", "--now", LATER)
    assert result.code == 2
    assert "is not in the incidents folder" in result.err
    assert "Text" not in path.read_text(encoding="utf-8")


def test_update_status_in_any_case(project: Project) -> None:
    path = _new(project)
    result = project.run("update", SLUG, "Found it.", "--status", "Identified", "--now", LATER)
    assert result.code == 0, result.err
    assert "added Identified" in result.out
    done = project.run(
        "update", SLUG, "Fixed.", "--status", "RESOLVED", "--now", "2026-11-20T15:30:00Z"
    )
    assert done.code == 0, done.err
    assert "### 2026-11-20 15:30:00 UTC — Resolved" in path.read_text(encoding="utf-8")
    assert project.build("--now", "2026-11-20T15:40:00Z").code == 0


def test_update_maintenance_status_with_a_space(project: Project) -> None:
    result = project.run(
        "new", "Database upgrade", "--components", "checkout", "--maintenance",
        "--start", "2026-11-20T15:00:00Z", "--end", "2026-11-20T16:00:00Z", "--now", NOW,
    )  # fmt: skip
    assert result.code == 0, result.err
    path = project.root / result.out.strip()
    started = project.run(
        "update", path.stem, "Work has begun.", "--status", "In progress", "--now", LATER
    )
    assert started.code == 0, started.err
    assert "— In progress" in path.read_text(encoding="utf-8")


def test_components_by_id_or_name_in_any_case(project: Project) -> None:
    result = project.run(
        "new", "Payments slow", "--components", "Payments API, CHECKOUT",
        "--impact", "Minor", "--now", NOW,
    )  # fmt: skip
    assert result.code == 0, result.err
    text = (project.root / result.out.strip()).read_text(encoding="utf-8")
    assert "components: [payments-api, checkout]\n" in text
    assert "impact: minor\n" in text
    wrong = project.run(
        "new", "Other", "--components", "Paymnts", "--impact", "minor", "--now", NOW
    )
    assert wrong.code == 2
    assert "unknown component `Paymnts`" in wrong.err


# ---------------------------------------------------------------- new: maintenance and repeats


def test_check_warns_about_maintenance_sections_left_as_prompts(project: Project) -> None:
    result = project.run(
        "new", "Database upgrade", "--components", "checkout", "--maintenance",
        "--start", "2026-11-21T02:00:00Z", "--end", "2026-11-21T03:00:00Z", "--now", NOW,
    )  # fmt: skip
    assert result.code == 0, result.err
    name = result.out.strip()
    checked = project.run("check", "--now", NOW)
    assert checked.code == 0, checked.err
    assert (
        f"{name}:9: warning: the `## What we are doing` section is empty: tell customers "
        "what the work is and why they benefit from it"
    ) in checked.err
    assert (
        f"{name}:12: warning: the `## What you will notice` section is empty: tell customers "
        "what stops working, for how long, and what to do"
    ) in checked.err
    path = project.root / name
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("<!-- The work,", "We move the database to faster disks.\n<!-- The work,")
        .replace("<!-- What stops", "Checkout pauses for ten minutes.\n<!-- What stops"),
        encoding="utf-8",
    )
    assert "section is empty" not in project.run("check", "--now", NOW).err


def test_impact_with_maintenance_is_a_usage_error(project: Project) -> None:
    before = _files(project)
    result = project.run(
        "new", "Database upgrade", "--components", "checkout", "--maintenance",
        "--impact", "major", "--start", "2026-11-21T02:00:00Z", "--end", "2026-11-21T03:00:00Z",
        "--now", NOW,
    )  # fmt: skip
    assert result.code == 2
    assert "--impact is for incidents" in result.err
    assert "drop --impact" in result.err
    assert _files(project) == before


def test_new_with_the_title_of_an_open_incident_refuses(project: Project) -> None:
    _new(project)
    before = _files(project)
    again = project.run(
        "new", "card payments  FAILING", "--components", "checkout", "--impact", "major",
        "--now", LATER,
    )  # fmt: skip
    assert again.code == 1
    assert f"an open incident already has this title: incidents/{SLUG}.md" in again.err
    assert f'statusgen update {SLUG} "what changed"' in again.err
    assert "--again" in again.err
    assert again.out == ""
    assert _files(project) == before

    forced = _new(project, "Card payments failing", "--again")
    assert forced.name == f"{SLUG}-2.md"


def test_new_with_the_title_of_a_resolved_incident_is_fine(project: Project) -> None:
    _new(project)
    resolved = project.run("update", SLUG, "Fixed.", "--resolve", "--now", LATER)
    assert resolved.code == 0, resolved.err
    assert _new(project).name == f"{SLUG}-2.md"


def test_slugs_spell_out_umlauts_and_drop_accents(project: Project) -> None:
    assert _new(project, "Störung beim Bezahlen").name == "2026-11-20-stoerung-beim-bezahlen.md"
    assert _new(project, "Café: Größe à la carte").name == "2026-11-20-cafe-groesse-a-la-carte.md"


# ---------------------------------------------------------------- init


def test_init_here_prints_only_the_next_command(project: Project, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    here = Project(empty, project.capsys, project.monkeypatch)
    result = here.run("init", "--now", NOW)
    assert result.code == 0, result.err
    assert "Next: statusgen serve" in result.out
    assert "cd ." not in result.out
    there = here.run("init", "sub", "--now", NOW)  # nested: refused, see below
    assert there.code == 1


def test_init_inside_an_existing_site_refuses_and_writes_nothing(project: Project) -> None:
    nested = project.root / "docs" / "status"
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    result = project.run("init", "docs/status", "--now", NOW)
    assert result.code == 1
    assert f"is inside the status site of {project.root / 'statusgen.toml'}" in result.err
    assert "nothing was written" in result.err
    assert not nested.exists()
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before


# ---------------------------------------------------------------- serve


def _reset_early(port: int, request: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(request)
        # close with a reset, as a browser does when a tab is closed mid-download
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_serve_is_quiet_about_early_disconnects_and_answers_bad_paths(
    project: Project,
) -> None:
    command, url = _live(project)
    try:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        for _ in range(20):
            _reset_early(port, b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\n")
            _reset_early(port, b"GET /index.html HTTP/1.1\r\nHost: x\r\n")
        for bad in ("%00", "index.html%00.txt", "incidents/%00/"):
            try:
                urllib.request.urlopen(url + bad, timeout=5)
                raise AssertionError(f"/{bad} was answered as a page")
            except urllib.error.HTTPError as exc:
                assert exc.code in (400, 404), (bad, exc.code)
        head = urllib.request.Request(url + "%00", method="HEAD")
        try:
            urllib.request.urlopen(head, timeout=5)
            raise AssertionError("HEAD /%00 was answered as a page")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
        time.sleep(0.5)  # a traceback printed by a handler thread has time to arrive
    finally:
        command.kill()
    assert not [line for line in command.err if "Traceback" in line], command.transcript()
