"""`watch` and `serve` keep the page updating whatever is saved: a save that used to stop them for
good is reported as a problem, the last good site stays, and the next good save is published."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from conftest import NOW, RESOLVED, Project
from test_watch import INCIDENT, edit, watch

from statusgen.build import Builder, BuildResult
from statusgen.build.builder import BuildOptions
from statusgen.live.watch import Watcher, report_build
from statusgen.problems import Problems


def test_a_build_that_raises_is_a_problem_line_and_the_next_save_is_built(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.build().code == 0
    before = project.snapshot()
    builder = Builder(BuildOptions(config_path=project.root / "statusgen.toml", now=NOW))
    real = builder.build
    calls = 0

    def build_that_fails_once(at: object = None) -> BuildResult:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OverflowError("date value out of range")
        return real()

    builder.build = build_that_fails_once  # type: ignore[method-assign]
    watcher = Watcher(builder, lambda result: report_build(result, strict=False), False)
    capsys.readouterr()

    failed = watcher.build()
    err = capsys.readouterr().err
    assert failed.problems.fails(strict=False)
    line = err.splitlines()[0]
    assert line.endswith(
        "statusgen.toml:1: error: this build stopped on a fault in statusgen, not in your files "
        "(date value out of range); customers still see the last good site. Save again to "
        "retry, and please report it with the files you changed (STATUSGEN_DEBUG=1 shows the "
        "details)"
    ), err
    assert "Traceback" not in err
    assert "Not published (1 error, 0 warnings): the last good site stays as it was." in err
    assert project.snapshot() == before

    project.write(INCIDENT, RESOLVED.replace("Card payments work again", "Payments work again"))
    again = watcher.build()
    assert not again.problems.errors
    assert "Payments work again" in project.page("feed.xml")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "work again for everyone.",
            "work A &#11; B",
            "warning: character references to invisible control characters",
        ),
        (
            "title: Card payments failing at checkout",
            'title: "a\\u000bb"',
            "warning: invisible control characters in `title`",
        ),
        (
            "started: 2026-11-20T12:02:00Z",
            "started: 9999-12-31T23:30:00-05:00",
            "error: `started`: `9999-12-31T23:30:00-05:00` is in the year 9999",
        ),
    ],
)
def test_a_save_that_used_to_stop_watch_is_reported_and_watch_goes_on(
    project: Project, old: str, new: str, expected: str
) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        edit(project, INCIDENT, (old, new))
        command.wait_for_build(2)
        command.wait_for_line(expected)
        assert command.process.poll() is None, command.transcript()
        assert not any("unexpected" in line for line in command.err), command.transcript()

        edit(project, INCIDENT, (new, old), ("Card payments work", "Payments work"))
        line = command.wait_for_build(3)
        assert "Published" in line, command.transcript()
        assert "Payments work again" in project.page("feed.xml")
    finally:
        command.kill()


def test_a_clock_change_centuries_ahead_is_looked_at_again_within_a_day(
    project: Project,
) -> None:
    """A wait longer than the platform accepts raised OverflowError outside any build."""
    builder = Builder(BuildOptions(config_path=project.root / "statusgen.toml"))
    watcher = Watcher(builder, lambda result: None, follow_clock=True)
    far = BuildResult(Problems(), next_change=datetime(2999, 12, 31, tzinfo=UTC))
    due = watcher._next_clock_build(far)
    assert due is not None
    assert due - time.monotonic() <= 24 * 60 * 60
    with watcher._wake:  # the wait itself accepts it
        watcher._wake.wait(min(due - time.monotonic(), 0.01))
