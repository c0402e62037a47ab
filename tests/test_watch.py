"""`statusgen watch`: every save of a source is published once, and nothing else rebuilds.

Each test runs the real command in a subprocess inside a small site, changes files the way a
person or an editor does, waits for the build line that change causes and then looks at what is
published on disk.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest
from conftest import NOW, RESOLVED, ROOT, Project, make_incident

SLUG = "2026-11-20-card-payments"
INCIDENT = f"incidents/{SLUG}.md"
OLD_TITLE = "Card payments failing at checkout"
BUILD = re.compile(r"^\d\d:\d\d:\d\d (Published|Up to date|Not published)\b")
PUBLISHED = re.compile(
    r"^\d\d:\d\d:\d\d Published: \d+ files rendered, \d+ unchanged "
    r"\(\d+ errors?, \d+ warnings?\)\.$"
)
WAIT = 15.0  # seconds for anything that should take well under one on a quiet machine
QUIET = 1.0  # how long to watch for a build that should not happen
CATCH_UP = 0.5  # how long the look for saves made during the first build may take


class Command:
    """A running `statusgen` whose output lines are collected as they arrive."""

    def __init__(self, root: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "statusgen", *args],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        # (stream, line) in the order they arrived, for counting builds across both streams
        self.lines: list[tuple[str, str]] = []
        self._arrived = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, name, kept), daemon=True)
            for stream, name, kept in (
                (self.process.stdout, "out", self.out),
                (self.process.stderr, "err", self.err),
            )
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[str] | None, name: str, kept: list[str]) -> None:
        assert stream is not None
        for raw in stream:
            line = raw.rstrip("\n")
            with self._arrived:
                kept.append(line)
                self.lines.append((name, line))
                self._arrived.notify_all()

    def wait_until(
        self, ready: Callable[[], bool], timeout: float = WAIT, what: str = "output"
    ) -> None:
        with self._arrived:
            if not self._arrived.wait_for(ready, timeout):
                raise AssertionError(f"no {what} within {timeout} s; so far:\n{self.transcript()}")

    def transcript(self) -> str:
        return "\n".join(f"[{name}] {line}" for name, line in self.lines)

    @property
    def builds(self) -> list[str]:
        """Every build's one-line summary, on whichever stream it went to."""
        with self._arrived:
            return [line for _, line in self.lines if BUILD.match(line)]

    def wait_for_build(self, number: int, timeout: float = WAIT) -> str:
        """The `number`th build line (counting from 1, the first build)."""
        self.wait_until(
            lambda: len([1 for _, line in self.lines if BUILD.match(line)]) >= number,
            timeout,
            f"build line #{number}",
        )
        return self.builds[number - 1]

    def wait_for_line(self, text: str, timeout: float = WAIT) -> str:
        self.wait_until(lambda: any(text in line for _, line in self.lines), timeout, repr(text))
        return next(line for _, line in self.lines if text in line)

    def started(self) -> None:
        """Wait until the first build is done and the sources are being watched.

        watch then looks once more for saves made while the first build ran, saying nothing
        when there were none: no line tells when that look is over, so give it a moment, so
        that a test's first save is not caught by it half-way.
        """
        self.wait_for_line("Watching for changes (Ctrl-C to stop).")
        time.sleep(CATCH_UP)

    def signal(self, number: int) -> int:
        self.process.send_signal(number)
        code = self.process.wait(timeout=WAIT)
        for reader in self._readers:
            reader.join(timeout=WAIT)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=WAIT)
        for reader in self._readers:
            reader.join(timeout=WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def watch(project: Project, *args: str) -> Command:
    command = Command(project.root, "watch", *args)
    try:
        command.started()
    except BaseException:
        command.kill()
        raise
    return command


def edit(project: Project, relative: str, *changes: tuple[str, str]) -> None:
    """Save the file in place once, with each (old, new) text replaced."""
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def save_through_temporary(path: Path, text: str) -> None:
    """What many editors do: write a hidden file beside it, then rename it over the original."""
    temporary = path.with_name(f".{path.name}.swp-save")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def assert_quiet(command: Command, builds: int) -> None:
    """No further build happens for a while."""
    time.sleep(QUIET)
    assert len(command.builds) == builds, command.transcript()


def test_an_edit_in_place_is_published(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        assert PUBLISHED.match(command.wait_for_build(1))
        assert OLD_TITLE in project.page(f"incidents/{SLUG}/index.html")
        edit(project, INCIDENT, (f"title: {OLD_TITLE}", "title: Card payments declined"))
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        for page in (f"incidents/{SLUG}/index.html", "index.html", "feed.xml"):
            text = project.page(page)
            assert "Card payments declined" in text, page
            assert OLD_TITLE not in text, page
    finally:
        command.kill()


def test_a_save_through_a_temporary_file_rebuilds_once(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        path = project.root / INCIDENT
        save_through_temporary(path, RESOLVED.replace(OLD_TITLE, "Card payments declined"))
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        assert_quiet(command, 2)
        assert "Card payments declined" in project.page(f"incidents/{SLUG}/index.html")
        assert "Card payments declined" in project.page("index.html")
        assert not list(project.site.rglob("*swp-save*"))
    finally:
        command.kill()


SEARCH = make_incident(
    title="Slow search results",
    impact="minor",
    components=["checkout"],
    started="2026-11-20T09:00:00Z",
    resolved="2026-11-20T09:40:00Z",
    body={"Problem": "Search took several seconds to answer."},
    updates=[("2026-11-20 09:40 UTC — Resolved", "Search is fast again.")],
)


def test_added_deleted_and_renamed_incidents_are_published(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        added = project.site / "incidents/2026-11-20-slow-search/index.html"
        assert not added.exists()

        project.write("incidents/2026-11-20-slow-search.md", SEARCH)
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        assert "Slow search results" in added.read_text(encoding="utf-8")
        assert "Slow search results" in project.page("index.html")

        (project.root / "incidents/2026-11-20-slow-search.md").unlink()
        assert PUBLISHED.match(command.wait_for_build(3)), command.transcript()
        assert not added.exists()
        assert not added.parent.exists()
        assert "Slow search results" not in project.page("index.html")
        assert "Slow search results" not in project.page("feed.xml")

        renamed = "2026-11-20-card-payments-declined"
        os.rename(project.root / INCIDENT, project.root / f"incidents/{renamed}.md")
        assert PUBLISHED.match(command.wait_for_build(4)), command.transcript()
        assert not (project.site / f"incidents/{SLUG}").exists()
        assert OLD_TITLE in project.page(f"incidents/{renamed}/index.html")
        index = project.page("index.html")
        assert f"incidents/{renamed}/index.html" in index
        assert f"incidents/{SLUG}/" not in index
        assert_quiet(command, 4)
    finally:
        command.kill()


def test_a_bad_save_keeps_the_last_good_site_until_it_is_fixed(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        before = project.snapshot()
        edit(project, INCIDENT, ("impact: major", "impact: [major"))
        line = command.wait_for_build(2)
        assert re.match(
            r"^\d\d:\d\d:\d\d Not published \(1 error, 0 warnings\): the last good "
            r"site stays as it was\.",
            line,
        ), command.transcript()
        assert line in command.err and line not in command.out
        error = next(e for e in command.err if ": error: " in e)
        assert re.fullmatch(
            rf"{re.escape(INCIDENT)}:\d+: error: front matter is not valid YAML.*", error
        ), command.transcript()
        assert command.err.index(error) < command.err.index(line)
        assert project.snapshot() == before

        edit(
            project,
            INCIDENT,
            ("impact: [major", "impact: major"),
            (f"title: {OLD_TITLE}", "title: Card payments declined"),
        )
        assert PUBLISHED.match(command.wait_for_build(3)), command.transcript()
        assert "Card payments declined" in project.page(f"incidents/{SLUG}/index.html")
        assert project.snapshot() != before
    finally:
        command.kill()


def test_reading_the_sources_or_the_site_does_not_rebuild(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        for path in [
            project.root / "statusgen.toml",
            *project.root.joinpath("incidents").rglob("*"),
        ]:
            if path.is_file():
                with path.open("rb") as handle:
                    assert handle.read()
        os.listdir(project.root / "incidents")
        project.snapshot()  # reads every published file
        assert_quiet(command, 1)
    finally:
        command.kill()


def test_publishing_does_not_set_off_another_build(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        time.sleep(1.5)
        assert len(command.builds) == 1, command.transcript()
        edit(project, INCIDENT, (f"title: {OLD_TITLE}", "title: Card payments declined"))
        command.wait_for_build(2)
        assert_quiet(command, 2)
    finally:
        command.kill()


def _override(marker: str) -> str:
    text = (ROOT / "templates/incident.html").read_text(encoding="utf-8")
    assert "<h1>{{ incident.title }}</h1>" in text
    return text.replace(
        "<h1>{{ incident.title }}</h1>", f"<h1>{{{{ incident.title }}}}</h1><p>{marker}</p>"
    )


def test_a_template_override_is_published_when_edited(project: Project) -> None:
    project.write("templates/incident.html", _override("FIRST-MARKER"))
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        page = f"incidents/{SLUG}/index.html"
        assert "FIRST-MARKER" in project.page(page)
        project.write("templates/incident.html", _override("SECOND-MARKER"))
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        assert "SECOND-MARKER" in project.page(page)
        assert "FIRST-MARKER" not in project.page(page)
        (project.root / "templates/incident.html").unlink()
        assert PUBLISHED.match(command.wait_for_build(3)), command.transcript()
        assert "SECOND-MARKER" not in project.page(page)
        assert OLD_TITLE in project.page(page)
    finally:
        command.kill()


def test_a_template_folder_made_while_watching_is_watched(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        # Nothing says when watch has begun to watch a new folder (the build line comes first),
        # so pause as a person would between making a folder and saving a file into it.
        time.sleep(0.5)
        (project.root / "templates").mkdir()
        command.wait_for_build(2)
        time.sleep(0.5)
        project.write("templates/incident.html", _override("NEW-OVERRIDE"))
        assert PUBLISHED.match(command.wait_for_build(3)), command.transcript()
        assert "NEW-OVERRIDE" in project.page(f"incidents/{SLUG}/index.html")
        project.write("templates/incident.html", _override("EDITED-OVERRIDE"))
        assert PUBLISHED.match(command.wait_for_build(4)), command.transcript()
        assert "EDITED-OVERRIDE" in project.page(f"incidents/{SLUG}/index.html")
    finally:
        command.kill()


def test_a_configuration_change_is_picked_up_without_restarting(project: Project) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        assert "<title>Test Status" in project.page("index.html")
        config = project.root / "statusgen.toml"
        save_through_temporary(
            config,
            config.read_text(encoding="utf-8").replace(
                'title = "Test Status"', 'title = "Renamed Status"'
            ),
        )
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        for page in ("index.html", f"incidents/{SLUG}/index.html", "feed.xml"):
            assert "Renamed Status" in project.page(page), page
            assert "Test Status" not in project.page(page), page
        assert_quiet(command, 2)
    finally:
        command.kill()


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_watch_cleanly(project: Project, number: signal.Signals) -> None:
    command = watch(project, "--now", NOW)
    try:
        command.wait_for_build(1)
        code = command.signal(number)
        assert code == 0, command.transcript()
        assert command.out[-1] == "Stopped.", command.transcript()
        assert not any("Traceback" in line for line in command.err), command.transcript()
    finally:
        command.kill()


def _maintenance(start: datetime, end: datetime) -> str:
    announced = start - timedelta(hours=1)
    scheduled = f"{announced:%Y-%m-%d %H:%M} UTC — Scheduled"
    return make_incident(
        title="Checkout database upgrade",
        kind="maintenance",
        components=["checkout"],
        scheduled_start=f"{start:%Y-%m-%dT%H:%M:%SZ}",
        scheduled_end=f"{end:%Y-%m-%dT%H:%M:%SZ}",
        body={"What we are doing": "We are upgrading the database behind checkout."},
        updates=[(scheduled, "We will upgrade the checkout database shortly.")],
    )


def test_the_real_clock_opens_a_maintenance_window_without_a_save(project: Project) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = Command(project.root, "watch", env=env)
    try:
        command.started()
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=4)
        save_through_temporary(
            project.root / "incidents/checkout-upgrade.md",
            _maintenance(start, start + timedelta(hours=1)),
        )
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        index = project.page("index.html")
        assert "Upcoming maintenance" in index and "Checkout database upgrade" in index
        assert "Maintenance in progress" not in index
        assert datetime.now(UTC) < start, "the machine was too slow to see the window open"

        builds = 3
        while True:  # the first build after the window opened, whatever came before
            line = command.wait_for_build(builds)
            if datetime.now(UTC) >= start:
                break
            builds += 1
        assert PUBLISHED.match(line), command.transcript()
        index = project.page("index.html")
        assert "Maintenance in progress" in index
        assert "Scheduled maintenance in progress for Checkout" in index
        assert "In progress" in project.page("incidents/checkout-upgrade/index.html")
    finally:
        command.kill()


def test_a_fixed_now_never_rebuilds_by_itself(project: Project) -> None:
    # Two seconds after --now: with a running clock that would be a rebuild every second.
    start = datetime.fromisoformat(NOW) + timedelta(seconds=2)
    project.write("incidents/checkout-upgrade.md", _maintenance(start, start + timedelta(hours=1)))
    command = watch(project, "--now", NOW)
    try:
        assert PUBLISHED.match(command.wait_for_build(1)), command.transcript()
        time.sleep(1.5)
        assert len(command.builds) == 1, command.transcript()
        assert "Upcoming maintenance" in project.page("index.html")
    finally:
        command.kill()


def _cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_save_during_the_first_build_is_not_lost(project: Project) -> None:
    # A big site's first build takes seconds; an index page that is slow to draw stands in.
    slow = "{% for _ in range(30000000) %}{% endfor %}"
    project.write(
        "templates/index.html", slow + (ROOT / "templates/index.html").read_text(encoding="utf-8")
    )
    command = Command(project.root, "watch", "--now", NOW)
    try:
        # Starting Python and reading one incident take well under a second of processor
        # time; the slow index page takes seconds more. Save in between, while pages are drawn.
        deadline = time.monotonic() + WAIT
        while _cpu_seconds(command.process.pid) < 1.0:
            if time.monotonic() > deadline or command.process.poll() is not None:
                pytest.fail(f"the first build never got going:\n{command.transcript()}")
            time.sleep(0.005)
        edit(project, INCIDENT, (f"title: {OLD_TITLE}", "title: Card payments declined"))
        command.wait_for_line("Watching for changes (Ctrl-C to stop).")
        if "Card payments declined" in project.page(f"incidents/{SLUG}/index.html"):
            pytest.fail("the edit was made too late to test this: the first build read it")
        assert PUBLISHED.match(command.wait_for_build(2)), command.transcript()
        assert "Card payments declined" in project.page(f"incidents/{SLUG}/index.html")
        assert_quiet(command, 2)
    finally:
        command.kill()
