"""The limits on one file hold for every command that reads one, and a slow moment of the
machine is never remembered as a file that is "too complex"."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import NOW, RESOLVED, Project

from statusgen.source import reading
from statusgen.source.budget import TooComplex

INCIDENT = "incidents/2026-11-20-card-payments.md"


def test_update_refuses_a_pipe_instead_of_hanging(project: Project) -> None:
    pipe = project.root / "incidents/2026-11-20-pipe.md"
    os.mkfifo(pipe)
    done = subprocess.run(
        [sys.executable, "-m", "statusgen", "update", "2026-11-20-pipe", "More news."],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "2026-11-20-pipe.md:1: error: is not a regular file" in done.stderr
    assert "The file was not changed." in done.stderr


def test_new_is_not_held_up_by_a_pipe_among_the_incidents(project: Project) -> None:
    os.mkfifo(project.root / "incidents/2026-11-20-pipe.md")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "statusgen",
            "new",
            "API down",
            "--components",
            "login",
            "--impact",
            "major",
            "--now",
            NOW,
        ],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("-api-down.md")


def test_update_of_a_file_too_complex_to_render_changes_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project.write(INCIDENT, RESOLVED)

    @contextmanager
    def expired() -> Iterator[None]:
        raise TooComplex
        yield

    monkeypatch.setattr(reading, "time_limit", expired)
    result = project.run("update", "2026-11-20-card-payments", "More news.", "--now", NOW)
    assert result.code == 1, result.err
    assert f"{INCIDENT}:1: error: is too complex to render" in result.err
    assert path.read_text(encoding="utf-8") == RESOLVED


def test_a_file_that_ran_out_of_time_once_builds_next_time(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The time budget counts processor time, but a loaded machine can still run it out on an
    ordinary file: that must not be kept in the cache on disk and fail every later build."""
    assert project.build().code == 0
    project.write(INCIDENT, RESOLVED.replace("Card payments work again", "Payments work again"))

    @contextmanager
    def expired() -> Iterator[None]:
        raise TooComplex
        yield

    with monkeypatch.context() as patch:
        patch.setattr(reading, "time_limit", expired)
        slow = project.build()
    assert slow.code == 1 and "is too complex to render" in slow.err
    again = project.build()
    assert again.code == 0, again.err
    assert "Payments work again" in project.page("incidents/2026-11-20-card-payments/index.html")


def test_check_and_build_agree_about_a_link_to_a_draft(project: Project) -> None:
    project.write(
        "incidents/2026-11-19-slow.md",
        RESOLVED.replace("---\n", "---\ndraft: true\n", 1),
    )
    project.write(
        INCIDENT,
        RESOLVED.replace(
            "Card payments work again for everyone.",
            "Card payments work again, as after [last time](../2026-11-19-slow/).",
        ),
    )
    checked = project.run("check", "--now", NOW)
    built = project.build()
    expected = (
        "warning: `../2026-11-19-slow/` leads to the draft `2026-11-19-slow`, which is not "
        "published"
    )
    assert expected in checked.err, checked.err
    assert expected in built.err, built.err
